"""Write and read functions for spaces and their shared use."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from portal.dates import local_today
from portal.domain import audit_log

from .models import Space, TimeSlot

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from partners.models import Partner

    from .models import Prospect, ResidentNeed

FAR_PAST = dt.date.min
FAR_FUTURE = dt.date.max


def _dates_overlap(
    a_from: dt.date | None, a_to: dt.date | None, b_from: dt.date | None, b_to: dt.date | None
) -> bool:
    return (a_from or FAR_PAST) <= (b_to or FAR_FUTURE) and (b_from or FAR_PAST) <= (a_to or FAR_FUTURE)


def slots_conflict(a: TimeSlot, b: TimeSlot) -> bool:
    """Whether two slots of one space overlap in time. Touching end/start is fine."""
    if not (a.start_time < b.end_time and b.start_time < a.end_time):
        return False
    if a.is_weekly and b.is_weekly:
        return a.weekday == b.weekday and _dates_overlap(a.valid_from, a.valid_to, b.valid_from, b.valid_to)
    if a.is_weekly != b.is_weekly:
        weekly, once = (a, b) if a.is_weekly else (b, a)
        return once.date.weekday() == weekly.weekday and _dates_overlap(
            weekly.valid_from, weekly.valid_to, once.date, once.date
        )
    return a.date == b.date


def timeslot_conflicts(slot: TimeSlot) -> list[TimeSlot]:
    """The existing slots of the same space that `slot` would overlap."""
    candidates = TimeSlot.objects.filter(
        space_id=slot.space_id, start_time__lt=slot.end_time, end_time__gt=slot.start_time
    )
    if slot.pk:
        candidates = candidates.exclude(pk=slot.pk)
    if slot.is_weekly:
        candidates = candidates.filter(Q(weekday=slot.weekday) | Q(date__isnull=False))
    else:
        candidates = candidates.filter(Q(date=slot.date) | Q(weekday=slot.date.weekday()))
    return [
        other for other in candidates.select_related("partner__application") if slots_conflict(slot, other)
    ]


def describe_slot(slot: TimeSlot) -> str:
    who = slot.partner.name if slot.partner_id else (slot.title or _("社区活动"))
    when = slot.get_weekday_display() if slot.is_weekly else slot.date.isoformat()
    span = ""
    if slot.is_weekly and (slot.valid_from or slot.valid_to):
        span = _("（%(start)s 至 %(end)s）") % {"start": slot.valid_from or "…", "end": slot.valid_to or "…"}
    return f"{who} {when} {slot.start_time:%H:%M}–{slot.end_time:%H:%M}{span}"


def timeslot_validate(slot: TimeSlot) -> None:
    """Field checks plus the shared-use rule; the error names the conflicting booking."""
    if (slot.weekday is None) == (slot.date is None):
        raise ValidationError({"weekday": _("每周固定时段填写星期，单次预约填写日期，二者只填其一。")})
    if slot.start_time and slot.end_time and slot.start_time >= slot.end_time:
        raise ValidationError({"end_time": _("结束时间必须晚于开始时间。")})
    slot.full_clean()
    if slot.valid_from and slot.valid_to and slot.valid_from > slot.valid_to:
        raise ValidationError({"valid_to": _("截止日期不能早于生效日期。")})
    conflicts = timeslot_conflicts(slot)
    if conflicts:
        raise ValidationError(
            _("该时段与已有安排冲突：%(conflicts)s。")
            % {"conflicts": "；".join(describe_slot(c) for c in conflicts)},
            code="overlap",
        )


def timeslot_create(
    *,
    space: Space,
    start_time: dt.time,
    end_time: dt.time,
    weekday: int | None = None,
    date: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    partner: Partner | None = None,
    title: str = "",
    by: User | None = None,
) -> TimeSlot:
    """Book a space weekly or once, refusing any overlap (rulebook 四(二)1 错峰使用)."""
    with transaction.atomic():
        # Serialise bookings of one space so two concurrent ones cannot both pass the check.
        Space.objects.select_for_update().filter(pk=space.pk).first()
        slot = TimeSlot(
            space=space,
            partner=partner,
            title=title,
            weekday=weekday,
            date=date,
            start_time=start_time,
            end_time=end_time,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        timeslot_validate(slot)
        slot.save()
        audit_log(
            subject=slot,
            action="spaces.timeslot.created",
            actor=by,
            community=space.community,
            note=describe_slot(slot),
        )
    return slot


def timeslots_release(*, partner: Partner, from_date: dt.date, by: User | None = None, note: str = "") -> int:
    """Free a partner's slots from `from_date` on (exit, end of term). Returns how many changed.

    Weekly slots end the day before; one-off bookings on or after the date are removed.
    The record of past use stays.
    """
    changed = 0
    with transaction.atomic():
        last_day = from_date - dt.timedelta(days=1)
        weekly = TimeSlot.objects.filter(partner=partner, weekday__isnull=False).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=from_date)
        )
        for slot in weekly:
            if slot.valid_from and slot.valid_from > last_day:
                slot.delete()
            else:
                slot.valid_to = last_day
                slot.save(update_fields=["valid_to"])
            changed += 1
        future = TimeSlot.objects.filter(partner=partner, date__gte=from_date)
        changed += future.count()
        future.delete()
        if changed:
            audit_log(
                subject=partner,
                action="spaces.timeslots.released",
                actor=by,
                note=note,
                data={"from_date": from_date.isoformat(), "count": changed},
            )
    return changed


def timeslots_active_on(
    day: dt.date, *, space: Space | None = None, partner: Partner | None = None
) -> QuerySet[TimeSlot]:
    """Slots in use on `day` (weekly ones valid that day, and one-off bookings of that date)."""
    qs = TimeSlot.objects.filter(
        Q(weekday=day.weekday(), date__isnull=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        | Q(date=day)
    )
    if space is not None:
        qs = qs.filter(space=space)
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs


def timeslots_active_or_upcoming(day: dt.date) -> QuerySet[TimeSlot]:
    """Weekly slots still valid on or after `day`, and one-off bookings from `day` on."""
    return TimeSlot.objects.filter(
        Q(weekday__isnull=False) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)) | Q(date__gte=day)
    ).order_by("weekday", "date", "start_time")


def timeslot_update(*, slot: TimeSlot, by: User | None = None, **fields: Any) -> TimeSlot:
    """Change a booking; the same overlap rule as `timeslot_create` applies."""
    with transaction.atomic():
        Space.objects.select_for_update().filter(pk=fields.get("space", slot.space).pk).first()
        before = describe_slot(slot)
        for name, value in fields.items():
            setattr(slot, name, value)
        timeslot_validate(slot)
        slot.save()
        audit_log(
            subject=slot,
            action="spaces.timeslot.changed",
            actor=by,
            community=slot.space.community,
            note=f"{before} → {describe_slot(slot)}",
        )
    return slot


def timeslot_delete(*, slot: TimeSlot, by: User | None = None) -> None:
    """Remove a booking (a mistaken entry or a cancelled event); the audit trail keeps it."""
    with transaction.atomic():
        audit_log(subject=slot.space, action="spaces.timeslot.deleted", actor=by, note=describe_slot(slot))
        slot.delete()


# --- The three lists (rulebook 四(一)) ------------------------------------------


def _list_entry_save(
    obj: Space | ResidentNeed | Prospect, *, by: User, action: str, fields: dict | None = None
) -> Space | ResidentNeed | Prospect:
    created = obj.pk is None
    for name, value in (fields or {}).items():
        setattr(obj, name, value)
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        audit_log(
            subject=obj,
            action=f"{action}.{'created' if created else 'changed'}",
            actor=by,
            community=obj.community,
            note=str(obj),
        )
    return obj


def space_save(*, space: Space, by: User, fields: dict | None = None) -> Space:
    """Record or update a space of the resource list (资源清单, rulebook 四(一)1)."""
    return _list_entry_save(space, by=by, action="spaces.space", fields=fields)


def resident_need_save(*, need: ResidentNeed, by: User, fields: dict | None = None) -> ResidentNeed:
    """Record or update a resident need (居民需求清单, rulebook 四(一)2)."""
    return _list_entry_save(need, by=by, action="spaces.need", fields=fields)


def prospect_save(*, prospect: Prospect, by: User, fields: dict | None = None) -> Prospect:
    """Record or update a prospect (目标清单, rulebook 四(一)3)."""
    return _list_entry_save(prospect, by=by, action="spaces.prospect", fields=fields)


def spaces_used_by(partner: Partner) -> QuerySet[Space]:
    """The spaces a partner holds slots in now or later (its agreement's spaces)."""
    today = local_today()
    return (
        Space.objects.filter(timeslots__partner=partner)
        .filter(
            Q(timeslots__valid_to__isnull=True)
            | Q(timeslots__valid_to__gte=today)
            | Q(timeslots__date__gte=today)
        )
        .select_related("community")
        .distinct()
        .order_by("name")
    )
