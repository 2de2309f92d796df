"""The points page in an individual partner's menu (services.partner_menu), where the street runs the time bank."""

from django.utils.translation import gettext_lazy as _

from services.partner_menu import PartnerMenuItem, partner_menu_register

from .models import TimeBankSettings

partner_menu_register(
    PartnerMenuItem(
        "timebank:my_points", _("时间银行积分"), 50, feature=TimeBankSettings, individual_only=True
    )
)
