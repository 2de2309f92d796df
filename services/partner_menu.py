"""The partner's menu: the pages a partner account works in, each app adding its own.

services lists its three pages; an app above it (reports, timebank) registers its page from
its AppConfig.ready(), with the piece that must be switched on for the partner's street
(issue 20: a piece that is off has no pages) and whether only an individual has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.features import StreetFeature, community_runs


@dataclass(frozen=True)
class PartnerMenuItem:
    url_name: str
    label: str
    order: int
    feature: type[StreetFeature] | None = None
    individual_only: bool = False


_items: dict[str, PartnerMenuItem] = {}


def partner_menu_register(item: PartnerMenuItem) -> None:
    """Add a page to every partner's menu (registering the same page again changes nothing)."""
    _items[item.url_name] = item


def partner_menu(partner) -> list[tuple[str, str]]:
    """(label, address) of the pages this partner has, in order."""
    shown = []
    for item in sorted(_items.values(), key=lambda i: i.order):
        if item.individual_only and not partner.is_individual:
            continue
        if item.feature is not None and not community_runs(partner.community_id, item.feature):
            continue
        shown.append((str(item.label), reverse(item.url_name)))
    return shown


for _item in (
    PartnerMenuItem("services:log_list", _("服务记录"), 10),
    PartnerMenuItem("services:progress_index", _("指标完成情况"), 20),
    PartnerMenuItem("services:partner_feedback", _("居民意见"), 30),
):
    partner_menu_register(_item)
