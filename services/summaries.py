"""The dashboard's summary rows, kept equal to the source records.

Rulebook 六(二)1–2: the street verifies each partner's 公益服务记录 and
reviews its work; the dashboard shows those figures per street and
community. At city scale the dashboard cannot aggregate a million logs per
request, so it reads summary rows instead:

- `CommunityMonthFigures`: per community and month, the verified logs
  (hours, residents served, events; by the log's date, the partner's
  community) and the approved feedback (count, rating sum; by the local date
  it was given);
- `StreetMonthFigures`: the sum of a street's community rows of a month;
- `CommunityFigures`: per community, partners by stage, spaces in use today
  and idle, resident needs covered (services.coverage).

Higher levels (a street, later a district or a city) are sums of these rows.
Saving or deleting a counted record recomputes the rows it touches from the
source records, in the same transaction (post_save / post_delete receivers,
the same hook the public cache uses, so every door and factory is covered);
`summaries_rebuild` (nightly task, management command) recomputes all rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone

from calls.models import RecruitmentCall
from partners.models import Partner
from portal.batching import coalesce, records_bulk_written
from portal.dates import local_today
from portal.models import Community, Street
from spaces.domain import timeslots_active_on
from spaces.models import ResidentNeed, Space, TimeSlot

from .coverage import needs_coverage
from .models import (
    CommunityFigures,
    CommunityMonthFigures,
    Feedback,
    FeedbackStatus,
    LogStatus,
    ServiceLog,
    StreetMonthFigures,
)

MONTH_FIELDS = ("hours", "residents", "events", "feedback_count", "rating_sum")
_CHUNK = 500


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _local_month(moment: dt.datetime) -> dt.date:
    return month_start(timezone.localtime(moment).date())


# --- Computing from the source records ------------------------------------------


def _month_sources(communities: Q, logs: Q | None = None, feedback: Q | None = None) -> dict:
    """{(community_id, month): {field: value}} from verified logs and approved feedback. Two queries."""
    rows: dict = defaultdict(lambda: dict.fromkeys(MONTH_FIELDS, 0))
    for row in (
        ServiceLog.objects.filter(status=LogStatus.VERIFIED)
        .filter(communities, logs or Q())
        .annotate(month=TruncMonth("date"))
        .values("partner__community_id", "month")
        .annotate(hours=Sum("hours"), residents=Sum("residents_served"), events=Count("id"))
        .order_by()
    ):
        figures = rows[(row["partner__community_id"], _as_date(row["month"]))]
        figures.update(
            hours=row["hours"] or Decimal("0"), residents=row["residents"] or 0, events=row["events"]
        )
    for row in (
        Feedback.objects.filter(status=FeedbackStatus.APPROVED)
        .filter(communities, feedback or Q())
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values("partner__community_id", "month")
        .annotate(n=Count("id"), total=Sum("rating"))
        .order_by()
    ):
        figures = rows[(row["partner__community_id"], _as_date(row["month"]))]
        figures.update(feedback_count=row["n"], rating_sum=row["total"] or 0)
    return rows


def _community_sources(community_ids: list[int], today: dt.date) -> dict:
    """{community_id: CommunityFigures fields} for the given communities. Four queries (plus coverage)."""
    found: dict = {
        cid: {
            "partners_by_status": {},
            "spaces_total": 0,
            "spaces_in_use": 0,
            "needs_total": 0,
            "needs_covered": 0,
        }
        for cid in community_ids
    }
    for row in (
        Partner.objects.filter(community_id__in=community_ids)
        .values("community_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        found[row["community_id"]]["partners_by_status"][row["status"]] = row["n"]
    in_use_now = timeslots_active_on(today).filter(space=OuterRef("pk"), partner__isnull=False)
    for row in (
        Space.objects.filter(community_id__in=community_ids)
        .values("community_id")
        .annotate(total=Count("id"), in_use=Count("id", filter=Exists(in_use_now)))
        .order_by()
    ):
        found[row["community_id"]].update(spaces_total=row["total"], spaces_in_use=row["in_use"])
    for coverage in needs_coverage(ResidentNeed.objects.filter(community_id__in=community_ids)):
        figures = found[coverage.need.community_id]
        figures["needs_total"] += 1
        figures["needs_covered"] += int(coverage.is_covered)
    return found


def _empty(fields: dict) -> bool:
    return not any(fields.values())


# --- Keeping rows up to date ------------------------------------------------------


def _lock_streets(street_ids: Iterable[int]) -> None:
    """Serialise summary updates per street, so two transactions never sum each other's stale rows."""
    list(Street.objects.select_for_update().filter(pk__in=set(street_ids)).order_by("pk").values_list("pk"))


def _streets_locked(community_ids: Iterable[int]) -> dict[int, int]:
    """{community id: street id} of these communities, their streets locked as `_lock_streets`
    does, in one query (in street order, the same as `_lock_streets`: no deadlock between them)."""
    communities = (
        Community.objects.filter(pk__in=set(community_ids))
        .select_related("street")
        .select_for_update(of=("street",))
        .only("pk", "street__id")
        .order_by("street_id", "pk")
    )
    return {community.pk: community.street_id for community in communities}


def _street_months_refresh(keys: Iterable[tuple[int, dt.date]]) -> None:
    for street_id, month in set(keys):
        sums = CommunityMonthFigures.objects.filter(street_id=street_id, month=month).aggregate(
            **{name: Sum(name) for name in MONTH_FIELDS}
        )
        values = {name: sums[name] or 0 for name in MONTH_FIELDS}
        if _empty(values):
            StreetMonthFigures.objects.filter(street_id=street_id, month=month).delete()
        else:
            StreetMonthFigures.objects.update_or_create(street_id=street_id, month=month, defaults=values)


def community_months_refresh(*, keys: Iterable[tuple[int, dt.date]]) -> None:
    """Recompute the (community, month) rows `keys` and their streets' rows from the source records."""
    keys = {(cid, month_start(month)) for cid, month in keys if cid is not None}
    if not keys:
        return
    # No savepoint: inside a caller's transaction (a save's, a batch's) this is part of it, and an
    # error rolls the whole of it back; called alone, this block is the transaction.
    with transaction.atomic(savepoint=False):
        streets = _streets_locked(cid for cid, _m in keys)
        street_keys = set()
        for cid, month in keys:
            if cid not in streets:
                continue
            span = Q(date__gte=month, date__lt=_next_month(month))
            since = timezone.make_aware(dt.datetime.combine(month, dt.time()))
            until = timezone.make_aware(dt.datetime.combine(_next_month(month), dt.time()))
            given = Q(created_at__gte=since, created_at__lt=until)
            values = _month_sources(Q(partner__community_id=cid), span, given).get(
                (cid, month), dict.fromkeys(MONTH_FIELDS, 0)
            )
            if _empty(values):
                CommunityMonthFigures.objects.filter(community_id=cid, month=month).delete()
            else:
                CommunityMonthFigures.objects.update_or_create(
                    community_id=cid, month=month, defaults={**values, "street_id": streets[cid]}
                )
            street_keys.add((streets[cid], month))
        _street_months_refresh(street_keys)


def communities_refresh(*, community_ids: Iterable[int | None]) -> None:
    """Recompute the CommunityFigures rows of `community_ids` from the source records."""
    ids = sorted({cid for cid in community_ids if cid is not None})
    if not ids:
        return
    today = local_today()
    with transaction.atomic(savepoint=False):  # as in community_months_refresh
        streets = _streets_locked(ids)
        rows = [
            CommunityFigures(community_id=cid, street_id=streets[cid], computed_on=today, **values)
            for cid, values in _community_sources(list(streets), today).items()
        ]
        # One INSERT … ON CONFLICT DO UPDATE for every community, however many (issue 14).
        CommunityFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["community"],
            update_fields=[f.name for f in CommunityFigures._meta.concrete_fields if not f.primary_key],
        )


def summaries_rebuild() -> dict:
    """Recompute every summary row from the source records (nightly, and after bulk loads).

    Set-based: a few grouped queries per 500 communities, whatever the number of logs.
    """
    today = local_today()
    streets = dict(Community.objects.values_list("pk", "street_id"))
    ids = sorted(streets)
    with transaction.atomic():
        # Wait for, then hold off, the receivers' updates: nothing commits between our reads and writes.
        _lock_streets(Street.objects.values_list("pk", flat=True))
        CommunityMonthFigures.objects.all().delete()
        StreetMonthFigures.objects.all().delete()
        CommunityFigures.objects.all().delete()
        month_rows, street_sums = [], defaultdict(lambda: dict.fromkeys(MONTH_FIELDS, 0))
        figures_rows = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for (cid, month), values in _month_sources(Q(partner__community_id__in=chunk)).items():
                month_rows.append(
                    CommunityMonthFigures(community_id=cid, street_id=streets[cid], month=month, **values)
                )
                sums = street_sums[(streets[cid], month)]
                for name in MONTH_FIELDS:
                    sums[name] += values[name]
            for cid, values in _community_sources(chunk, today).items():
                figures_rows.append(
                    CommunityFigures(community_id=cid, street_id=streets[cid], computed_on=today, **values)
                )
        CommunityMonthFigures.objects.bulk_create(month_rows, batch_size=2000)
        StreetMonthFigures.objects.bulk_create(
            [
                StreetMonthFigures(street_id=sid, month=month, **values)
                for (sid, month), values in street_sums.items()
            ],
            batch_size=2000,
        )
        CommunityFigures.objects.bulk_create(figures_rows, batch_size=2000)
    return {
        "community_months": len(month_rows),
        "street_months": len(street_sums),
        "communities": len(figures_rows),
    }


# --- Receivers: which rows a saved or deleted record touches ----------------------


def _communities_later(community_ids) -> None:
    # Once per block of writes inside portal.batching.coalesced(), else now.
    coalesce("summaries.communities", community_ids, lambda ids: communities_refresh(community_ids=ids))


def _months_later(keys) -> None:
    coalesce("summaries.months", keys, lambda found: community_months_refresh(keys=found))


def _on_bulk_written(sender, community_ids, **kwargs):
    _communities_later(community_ids)


def _remember(sender, instance, **kwargs):
    # What the row counted under when loaded (never a query: deferred fields stay unread).
    state = instance.__dict__
    instance._summary_was = {name: state.get(name) for name in ("community_id", "date", "status")}


def _was(instance, name):
    return getattr(instance, "_summary_was", {}).get(name)


def _now_was(instance) -> None:
    _remember(type(instance), instance)


def _partner_community(partner_id) -> int | None:
    return Partner.objects.filter(pk=partner_id).values_list("community_id", flat=True).first()


def _on_log(sender, instance, **kwargs):
    # Only verified logs count: a save that neither leaves nor enters 'verified' changes nothing.
    if LogStatus.VERIFIED in (instance.status, _was(instance, "status")):
        cid = _partner_community(instance.partner_id)
        _months_later({(cid, instance.date), (cid, _was(instance, "date") or instance.date)})
    _now_was(instance)


def _on_feedback(sender, instance, **kwargs):
    counted = FeedbackStatus.APPROVED in (instance.status, _was(instance, "status"))
    if counted and instance.created_at is not None:
        _months_later({(_partner_community(instance.partner_id), _local_month(instance.created_at))})
    _now_was(instance)


def _on_partner(sender, instance, created=None, **kwargs):
    was = _was(instance, "community_id")
    # A partner counts by its community and status (stages, needs covered): an update that
    # changes neither (contact details, a reminder's mark) leaves the figures as they are.
    status = instance.__dict__.get("status")
    unchanged = created is False and status is not None and status == _was(instance, "status")
    if not (unchanged and was == instance.community_id):
        _communities_later({instance.community_id, was})
    if was is not None and was != instance.community_id:
        # Its logs and suggestions keep their street (ServiceLog.street, Feedback.street) equal
        # to the partner's new community's.
        street = Subquery(Community.objects.filter(pk=instance.community_id).values("street_id")[:1])
        ServiceLog.objects.filter(partner=instance).update(street_id=street)
        Feedback.objects.filter(partner=instance).update(street_id=street)
        # A moved partner takes its past services with it: every month it has records in.
        months = set(ServiceLog.objects.filter(partner=instance).dates("date", "month"))
        months |= {
            _local_month(at)
            for at in Feedback.objects.filter(partner=instance).values_list("created_at", flat=True)
        }
        _months_later({(cid, m) for cid in (was, instance.community_id) for m in months})
    _now_was(instance)


def _on_space(sender, instance, **kwargs):
    _communities_later({instance.community_id, _was(instance, "community_id")})
    _now_was(instance)


def _on_timeslot(sender, instance, **kwargs):
    _communities_later(
        [Space.objects.filter(pk=instance.space_id).values_list("community_id", flat=True).first()]
    )


def _on_need(sender, instance, **kwargs):
    _communities_later({instance.community_id, _was(instance, "community_id")})
    _now_was(instance)


def _on_call_needs(sender, instance, action, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if action == "pre_clear":
        instance._summary_cleared = set(instance.needs.values_list("community_id", flat=True))
        return
    if action == "post_clear":
        community_ids = getattr(instance, "_summary_cleared", set())
    else:
        community_ids = set(
            ResidentNeed.objects.filter(pk__in=pk_set or []).values_list("community_id", flat=True)
        )
    _communities_later(community_ids)


def _on_community(sender, instance, created, update_fields=None, **kwargs):
    """A community moved to another street: its rows follow it, both streets' sums are redone."""
    if created:
        return
    if update_fields is None or "street" in update_fields:
        # Its partners' logs and suggestions keep their street (ServiceLog.street,
        # Feedback.street) equal to the community's.
        for model in (ServiceLog, Feedback):
            model.objects.filter(partner__community=instance).exclude(street_id=instance.street_id).update(
                street_id=instance.street_id
            )
    moved = CommunityMonthFigures.objects.filter(community=instance).exclude(street_id=instance.street_id)
    old = set(moved.values_list("street_id", "month"))
    if (
        not old
        and not CommunityFigures.objects.filter(community=instance)
        .exclude(street_id=instance.street_id)
        .exists()
    ):
        return
    with transaction.atomic():
        _lock_streets([instance.street_id, *(sid for sid, _m in old)])
        moved.update(street_id=instance.street_id)
        CommunityFigures.objects.filter(community=instance).update(street_id=instance.street_id)
        _street_months_refresh(old | {(instance.street_id, month) for _sid, month in old})


def _connect(model, receiver, *, remember: bool = False) -> None:
    label = model._meta.label
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"summaries-save-{label}")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"summaries-delete-{label}")
    if remember:
        post_init.connect(_remember, sender=model, weak=False, dispatch_uid=f"summaries-init-{label}")


def summaries_connect() -> None:
    """Hook the receivers up (from ServicesConfig.ready)."""
    _connect(ServiceLog, _on_log, remember=True)
    _connect(Feedback, _on_feedback, remember=True)
    _connect(Partner, _on_partner, remember=True)
    _connect(Space, _on_space, remember=True)
    _connect(TimeSlot, _on_timeslot)
    _connect(ResidentNeed, _on_need, remember=True)
    m2m_changed.connect(
        _on_call_needs, sender=RecruitmentCall.needs.through, weak=False, dispatch_uid="summaries-call-needs"
    )
    post_save.connect(_on_community, sender=Community, weak=False, dispatch_uid="summaries-community")
    records_bulk_written.connect(_on_bulk_written, weak=False, dispatch_uid="summaries-bulk-written")
