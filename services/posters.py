"""The suggestion-box plaque (居民意见箱二维码牌, issue 16) of a serving partner's space."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import SERVING
from portal.exceptions import ActionRefused
from portal.posters import Poster, absolute_url, poster_pdf
from spaces.domain import spaces_used_by

PLAQUE_SIZES = ("A5", "A4")


def partner_plaque_pdf(partner, *, size: str = "A5") -> bytes:
    """A plaque for the partner's space whose QR code opens its suggestion box.

    Rulebook 六(二)2: a suggestion box (居民意见箱) collects residents' opinions of the
    partner's service; the plaque hangs where the service happens. Only a serving
    partner has a suggestion box (and so a plaque).
    """
    if partner.status not in SERVING:
        raise ActionRefused(_("只有服务期内的合伙人才有居民意见箱二维码牌。"))
    spaces = "、".join(space.name for space in spaces_used_by(partner))
    return poster_pdf(
        Poster(
            kicker=_("睦邻合伙人 · 居民意见箱"),
            title=partner.public_name,
            url=absolute_url(reverse("services:feedback_public", args=[partner.pk])),
            call_to_action=_("扫码对我们的服务提意见、建议或评价。"),
            rows=[
                (_("服务项目"), partner.application.project_title),
                (_("所在社区"), partner.community.name),
                *([(_("服务空间"), spaces)] if spaces else []),
            ],
            footer=_("意见经社区审核后公开；联系方式不会公开。"),
            page_size=size if size in PLAQUE_SIZES else "A5",
        )
    )
