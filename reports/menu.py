"""The reports page in the partner's menu (services.partner_menu), for streets that run 晋江 reporting."""

from django.utils.translation import gettext_lazy as _

from services.partner_menu import PartnerMenuItem, partner_menu_register

from .models import ReportSettings

partner_menu_register(PartnerMenuItem("reports:index", _("月度报告与资金明细"), 40, feature=ReportSettings))
