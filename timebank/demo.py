"""Demo: 华阳街道 (the street running the 成都 programme) lists benefits, registers two volunteers,
and credits the points of whatever verified logs its individual partners have by now (zero or more)."""

from __future__ import annotations

from decimal import Decimal

from services.models import LogStatus, ServiceLog

from .domain import benefit_save, points_for_verified_log, volunteer_credit_add, volunteer_save
from .models import Benefit, Entry, Volunteer, VolunteerCredit

BENEFITS = [
    ("理发券一张", "社区便民理发点使用", Decimal("2"), None),
    ("家电小修一次", "社区维修志愿队上门", Decimal("3"), None),
    ("爱心米面油礼包", "每月限量", Decimal("10"), 20),
]
VOLUNTEERS = [("王桂兰", "13911110001"), ("刘建华", "13911110002")]


def load(ctx):
    street, staff = ctx["second_street"], ctx["users"]["admin"]
    communities = list(street.communities.order_by("pk"))
    for community in communities:
        for name, description, points, stock in BENEFITS:
            if not Benefit.objects.filter(community=community, name=name).exists():
                benefit_save(
                    benefit=Benefit(
                        community=community, name=name, description=description, points=points, stock=stock
                    ),
                    by=staff,
                )
    if communities:
        for name, mobile in VOLUNTEERS:
            if not Volunteer.objects.filter(community=communities[0], name=name).exists():
                volunteer_save(
                    volunteer=Volunteer(community=communities[0], name=name, mobile=mobile), by=staff
                )

    verified = ServiceLog.objects.filter(
        partner__community__street=street, status=LogStatus.VERIFIED
    ).select_related("partner__application", "partner__community")
    # Logs verified before this step (or before the street took the programme) earn their points now.
    for log in verified.exclude(pk__in=Entry.objects.values("log_id")):
        points_for_verified_log(log=log, by=staff)
    # The volunteers helped at the street's latest verified service.
    latest = verified.order_by("-date", "-pk").first()
    if latest is not None:
        for volunteer in Volunteer.objects.filter(community__street=street).order_by("pk")[:2]:
            if not VolunteerCredit.objects.filter(log=latest, volunteer=volunteer).exists():
                volunteer_credit_add(
                    log=latest, volunteer=volunteer, hours=min(latest.hours, Decimal("2")), by=staff
                )
