"""The time bank's section of the partner's dossier (项目档案, rulebook 六(二)1): points earned and spent."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierEntry, DossierSection, dossier_section

from .domain import account_entries, partner_points, points_text


@dossier_section(order=75)
def section(partner):
    """Kept when the street turns the time bank off: the entries stay part of the record."""
    account = partner_points(partner)
    if account is None:
        return None
    url = reverse("admin:timebank_account_change", args=[account.pk])
    entries = [
        DossierEntry(
            when=entry.created_at,
            title=f"{entry.get_kind_display()} {entry.points:+}",
            detail=_("%(source)s；余额 %(balance)s 分")
            % {"source": entry.source, "balance": points_text(entry.balance_after)},
            url=url,
            source=entry.source,
        )
        for entry in account_entries(account)
    ]
    entries.insert(
        0,
        DossierEntry(
            when=None,
            title=_("时间银行积分余额 %(balance)s 分") % {"balance": points_text(account.balance)},
            url=url,
        ),
    )
    return DossierSection(key="timebank", title=_("时间银行积分"), entries=entries)
