"""The spaces section of a partner's dossier (项目档案): which rooms it used, and when."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierEntry, DossierSection, dossier_section

from .domain import describe_slot
from .models import TimeSlot


@dossier_section(order=65)
def space_use_section(partner):
    slots = list(
        TimeSlot.objects.filter(partner=partner)
        .select_related("space__community", "partner__application")
        .order_by("created_at", "id")
    )
    if not slots:
        return None
    return DossierSection(
        key="spaces",
        title=_("空间使用安排"),
        entries=[
            DossierEntry(
                when=slot.valid_from or slot.date or slot.created_at.date(),
                title=f"{slot.space.community.name} · {slot.space.name}",
                detail=describe_slot(slot),
                url=reverse("admin:spaces_timeslot_change", args=[slot.pk]),
            )
            for slot in slots
        ],
    )
