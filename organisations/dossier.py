"""The organisation section of a partner's dossier (项目档案): the registry record it points to."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierEntry, DossierSection, dossier_section

from .models import FilingStatus, Organisation, Tier


def describe(organisation: Organisation) -> str:
    """层级, code or filing, grade, members: one line for the dossier and the partner admin."""
    parts = [organisation.get_tier_display()]
    if organisation.tier == Tier.REGISTERED:
        parts.append(_("统一社会信用代码%(code)s") % {"code": organisation.credit_code})
        if organisation.rating:
            parts.append(_("评估等级%(rating)s") % {"rating": organisation.rating})
    elif organisation.tier == Tier.ACTIVITY_TEAM:
        if organisation.filing_status == FilingStatus.FILED:
            parts.append(
                _("已备案（%(number)s，%(day)s）")
                % {"number": organisation.filing_number, "day": organisation.filed_on}
            )
        else:
            parts.append(organisation.get_filing_status_display())
    elif organisation.recorded_on:
        parts.append(_("社区登记于%(day)s") % {"day": organisation.recorded_on})
    parts.append(_("成员%(count)s人") % {"count": organisation.members_count})
    return "；".join(str(p) for p in parts)


# Just after the application (10): who the partner is, before how it was vetted.
@dossier_section(order=15)
def organisation_section(partner):
    organisation_id = getattr(partner, "organisation_id", None)
    if organisation_id is None:
        return None
    organisation = Organisation.objects.select_related("community").filter(pk=organisation_id).first()
    if organisation is None:
        return None
    return DossierSection(
        key="organisation",
        title=_("所属社区组织"),
        entries=[
            DossierEntry(
                when=organisation.filed_on or organisation.recorded_on or organisation.created_at.date(),
                title=f"{organisation.community.name} · {organisation.name}",
                detail=describe(organisation),
                url=reverse("admin:organisations_organisation_change", args=[organisation.pk]),
                source=_("社区组织名录 %(name)s") % {"name": organisation.name},
            )
        ],
    )
