"""Which cached public pages the fund ledger shows on (portal.cache).

The fund totals are disclosed on the partner's public page when its street turns it
on (晋江 五2: 及时向社区居民公布资金使用情况): an entry touches that partner's page;
a change of the street's settings touches every partner page of the street.
"""

from django.utils.translation import gettext as _

from partners.models import Partner
from partners.public import partner_page_scope
from portal.cache import public_pages_show
from portal.public_panels import PublicPanel, public_panel

from .models import FundEntry, ReportSettings


def street_partner_scopes(settings_row) -> list[str]:
    ids = Partner.objects.filter(community__street_id=settings_row.street_id).values_list("pk", flat=True)
    return [partner_page_scope(pk) for pk in ids]


public_pages_show(FundEntry, scopes=lambda entry: [partner_page_scope(entry.partner_id)])
public_pages_show(ReportSettings, scopes=street_partner_scopes)


@public_panel(order=50)
def funds_panel(partner):
    """The fund totals on the partner's public page, when the street discloses them (晋江 五2)."""
    # deferred: domain imports the models this module is imported with in ready()
    from .domain import fund_disclosed, fund_totals

    if not fund_disclosed(partner):
        return None
    totals = fund_totals(partner)
    return PublicPanel(
        title=_("资金使用情况公开"),
        rows=[
            (_("收入合计（元）"), f"{totals.income:,.2f}"),
            (_("支出合计（元）"), f"{totals.expense:,.2f}"),
            (_("结余（元）"), f"{totals.balance:,.2f}"),
        ],
        note=_("依据项目资金使用明细表汇总，明细及票据存于项目档案。"),
    )
