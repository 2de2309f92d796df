"""The weekly grid of a space or a partner: who uses which room when (空间共享、错峰使用).

Read functions only. The grid is plain data so one template include
(`spaces/_week_calendar.html`) renders it in the admin and on public pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.choices import INDIVIDUAL_KINDS
from portal.dates import local_today
from portal.masking import mask_person_name

from .models import TimeSlot

WEEKDAY_LABELS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


@dataclass(frozen=True)
class WeekEntry:
    start_time: dt.time
    end_time: dt.time
    who: str  # partner name, or the community event's title
    space_name: str
    is_weekly: bool
    is_community_event: bool
    slot_id: int


@dataclass
class WeekDay:
    date: dt.date
    label: str
    is_today: bool
    entries: list[WeekEntry] = field(default_factory=list)


@dataclass
class WeekGrid:
    title: str
    start: dt.date  # a Monday
    days: list[WeekDay]
    show_space: bool  # a partner's week spans spaces; a space's week names who

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def previous_start(self) -> dt.date:
        return self.start - dt.timedelta(days=7)

    @property
    def next_start(self) -> dt.date:
        return self.start + dt.timedelta(days=7)

    @property
    def is_empty(self) -> bool:
        return not any(day.entries for day in self.days)


def week_start(day: dt.date | None = None) -> dt.date:
    day = day or local_today()
    return day - dt.timedelta(days=day.weekday())


def _who(slot, public: bool) -> str:
    if not slot.partner_id:
        return slot.title or _("社区活动")
    name = slot.partner.name
    if public and slot.partner.application.kind in INDIVIDUAL_KINDS:
        return mask_person_name(name)
    return name


def _week(
    slots_qs, *, title: str, week_of: dt.date | None, show_space: bool, public: bool = False
) -> WeekGrid:
    start = week_start(week_of)
    end = start + dt.timedelta(days=6)
    today = local_today()
    slots = list(
        slots_qs.filter(
            Q(date__range=(start, end))
            | Q(date__isnull=True)
            & (Q(valid_from__isnull=True) | Q(valid_from__lte=end))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        )
        .select_related("space", "partner__application")
        .order_by("start_time", "id")
    )
    days = [
        WeekDay(
            date=start + dt.timedelta(days=i),
            label=str(WEEKDAY_LABELS[i]),
            is_today=start + dt.timedelta(days=i) == today,
        )
        for i in range(7)
    ]
    for slot in slots:
        for day in days:
            if slot.is_weekly:
                active = (
                    slot.weekday == day.date.weekday()
                    and (slot.valid_from is None or slot.valid_from <= day.date)
                    and (slot.valid_to is None or slot.valid_to >= day.date)
                )
            else:
                active = slot.date == day.date
            if active:
                day.entries.append(
                    WeekEntry(
                        start_time=slot.start_time,
                        end_time=slot.end_time,
                        who=_who(slot, public),
                        space_name=slot.space.name,
                        is_weekly=slot.is_weekly,
                        is_community_event=not slot.partner_id,
                        slot_id=slot.pk,
                    )
                )
    return WeekGrid(title=title, start=start, days=days, show_space=show_space)


def space_week(space, *, week_of: dt.date | None = None, public: bool = False) -> WeekGrid:
    """Who uses `space` in the week containing `week_of` (default: this week). One query.

    `public=True` masks the names of natural-person partners (public pages).
    """
    return _week(
        TimeSlot.objects.filter(space=space),
        title=space.name,
        week_of=week_of,
        show_space=False,
        public=public,
    )


def partner_week(partner, *, week_of: dt.date | None = None, public: bool = False) -> WeekGrid:
    """Where and when `partner` serves in the week containing `week_of` (default: this week)."""
    return _week(
        TimeSlot.objects.filter(partner=partner),
        title=partner.name,
        week_of=week_of,
        show_space=True,
        public=public,
    )
