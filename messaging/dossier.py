"""The messages section of the partner's dossier: every message about the partner and its fate."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierEntry, DossierSection, dossier_section

from .catalogue import MESSAGES
from .domain import messages_about_partner


@dossier_section(order=110)
def messages_section(partner):
    """What the portal told the partner (and its applicant), by which channel, and whether it arrived."""
    entries = []
    for message in messages_about_partner(partner.pk):
        known = MESSAGES.get(message.code)
        entries.append(
            DossierEntry(
                when=message.sent_at or message.created_at,
                title=_("%(label)s（%(channel)s，%(status)s）")
                % {
                    "label": known.label if known else message.code,
                    "channel": message.get_channel_display(),
                    "status": message.get_status_display(),
                },
                detail=message.short_body or message.subject,
                url=reverse("admin:messaging_outboxmessage_change", args=[message.pk]),
                source=_("消息 %(id)s") % {"id": message.pk},
            )
        )
    if not entries:
        return None
    return DossierSection(key="messages", title=_("通知消息"), entries=entries)
