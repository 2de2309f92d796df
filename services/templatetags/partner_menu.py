from django import template

from services.partner_menu import partner_menu

register = template.Library()


@register.simple_tag
def partner_menu_links(partner):
    """The partner's menu (services.partner_menu): (label, address) pairs."""
    return partner_menu(partner)
