"""The neighbourhood map's switch (社区生活圈一张图, 成都 seed 001)."""

from django.utils.translation import gettext_lazy as _

from portal.features import Programme, StreetFeature


class MapSettings(StreetFeature):
    """Whether a street publishes its neighbourhood map (成都社区合伙人)."""

    feature_label = _("社区生活圈一张图")
    PRESETS = {Programme.CHENGDU: {"enabled": True}}

    class Meta:
        verbose_name = _("社区生活圈一张图设置")
        verbose_name_plural = _("社区生活圈一张图设置")
