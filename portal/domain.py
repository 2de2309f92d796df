"""Write functions for organisations, roles and the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from .events import is_registered
from .features import Programme, feature_models
from .models import (
    POLICY_DIRECTION,
    RULEBOOK,
    AuditEvent,
    City,
    District,
    Heartbeat,
    LevelPolicy,
    PolicyName,
    Profile,
    Role,
    Street,
    policy_is_looser,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import AnonymousUser, User
    from django.db import models
    from django.db.models import QuerySet

    from .models import Community


def audit_log(
    *,
    subject: models.Model,
    action: str,
    actor: User | AnonymousUser | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
    community: Community | None = None,
    into: list[AuditEvent] | None = None,
) -> AuditEvent:
    """Append one audit event about `subject`. Never updated, never deleted.

    `action` must be registered with its display text (portal.events), so the
    trail never shows staff a raw code. With `into`, the event is only built and
    appended to that list, for `audit_log_many` to save in one INSERT.
    """
    if not is_registered(action):
        raise ValueError(f"Unregistered audit action {action!r}: declare it in the app's events.py.")
    if community is None:
        community = getattr(subject, "community", None)
    event = AuditEvent(
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        object_id=str(subject.pk),
        action=action,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        from_state=from_state or "",
        to_state=to_state or "",
        note=note or "",
        data=data or {},
        community=community,
    )
    if into is not None:  # a bulk job saves them all at once (audit_log_many)
        into.append(event)
        return event
    event.save(force_insert=True)
    return event


def audit_log_many(events: list[AuditEvent], *, batch_size: int | None = 500) -> list[AuditEvent]:
    """Save the events collected with `audit_log(..., into=events)` in bulk (bulk jobs).

    `batch_size` events per INSERT; None saves them all in one statement.
    """
    return AuditEvent.objects.bulk_create(events, batch_size=batch_size)


@dataclass(frozen=True)
class WorkerStatus:
    """Whether the Celery worker has been seen recently (its beat-scheduled heartbeat)."""

    seen_at: dt.datetime | None
    stale: bool


def worker_status(*, now: dt.datetime | None = None) -> WorkerStatus:
    """The worker is stale when its heartbeat is older than PORTAL_WORKER_STALE_SECONDS, or never came.

    While it is stale nothing scheduled moves on its own (notices ending, renewal
    reminders, calls closing, agreement PDFs); staff have run-now buttons for each.
    """
    now = now or timezone.now()
    beat = Heartbeat.objects.filter(name="worker").first()
    if beat is None:
        return WorkerStatus(seen_at=None, stale=True)
    limit = dt.timedelta(seconds=settings.PORTAL_WORKER_STALE_SECONDS)
    return WorkerStatus(seen_at=beat.seen_at, stale=now - beat.seen_at > limit)


def audit_events_for(subject: models.Model) -> QuerySet[AuditEvent]:
    """The audit trail of one record, oldest first."""
    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
            object_id=str(subject.pk),
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


@transaction.atomic
def user_assign_role(
    *,
    user: User,
    role: str,
    street: Street | None = None,
    community: Community | None = None,
    district: District | None = None,
    city: City | None = None,
    department: str = "",
    phone: str = "",
    by: User | None = None,
) -> Profile:
    """Give `user` one programme role and keep the role's group membership in step.

    Staff roles get admin access (is_staff); the others use the public pages.
    """
    if community is not None and street is None:
        street = community.street
    if district is not None and city is None and role == Role.CITY_STAFF:
        city = district.city
    profile, _created = Profile.objects.get_or_create(user=user, defaults={"role": role})
    profile.role = role
    profile.street = street
    profile.community = community
    profile.district = district
    profile.city = city
    profile.department = department
    profile.phone = phone
    profile.full_clean(exclude=["user"])
    profile.save()

    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*role_groups)
    group, _created = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    # District and city staff read the back office (issue 15); their rules make it read-only.
    is_staff = role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF)
    if user.is_staff != is_staff and not user.is_superuser:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    audit_log(
        subject=profile, action="portal.profile.role_assigned", actor=by, to_state=role, community=community
    )
    return profile


def street_levels(street: Street) -> list[District | City]:
    """The levels above a street, nearest first: its district, then the district's city."""
    if street.district_id is None:
        return []
    district = street.district
    return [district, district.city]


def level_policies(level: District | City) -> dict[str, LevelPolicy]:
    """A district's or city's policies, by policy number name."""
    return {p.name: p for p in level.policies.all()}


def _as_field_value(name: str, value: object) -> object:
    field = Street._meta.get_field(name)
    return field.to_python(value)


def street_policy_defaults(*, district: District | None) -> dict:
    """The policy numbers a new street below `district` starts with.

    The district's default where it set one, else its city's, else the rulebook's
    (RULEBOOK). A street that runs alone (no district) starts with the rulebook's.
    """
    values = dict(RULEBOOK)
    levels = [] if district is None else [district.city, district]  # the nearer level wins
    for level in levels:
        for name, policy in level_policies(level).items():
            if policy.default is not None:
                values[name] = _as_field_value(name, policy.default)
    return values


def user_may_approve_for(user: User | AnonymousUser | None, level: District | City) -> bool:
    """Whether `user` speaks for `level`: its own staff, the staff of the city above a district, a superuser."""
    if getattr(user, "is_superuser", False):
        return True
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    if profile is None:
        return False
    if isinstance(level, District):
        return (profile.role == Role.DISTRICT_STAFF and profile.district_id == level.pk) or (
            profile.role == Role.CITY_STAFF and profile.city_id == level.city_id
        )
    return profile.role == Role.CITY_STAFF and profile.city_id == level.pk


def _bound_text(name: str, bound: Decimal | int) -> str:
    value = _as_field_value(name, bound)
    if name == PolicyName.RESIDENT_REP_MIN_SHARE:
        return f"{value:.2f}"
    return str(value)


def street_policy_check(*, street: Street, by: User | AnonymousUser | None) -> tuple[dict, list[dict]]:
    """The street's values looser than a bound set above it: (refusals by field, approvals to record).

    A district or city bounds the policy numbers of the streets below it; stricter
    is always allowed, looser only with the bounding level's approval, given by
    setting the value oneself (its staff, or a superuser) — the same rule the
    rulebook check applies today (rulebook 四(二)2, 五(二)1, 五(二)3: the levels
    above a street may only narrow what the rulebook allows).
    """
    refusals: dict = {}
    approvals: list[dict] = []
    for level in street_levels(street):
        for name, policy in level_policies(level).items():
            value = getattr(street, name)
            if policy.bound is None or not policy_is_looser(name, value, _as_field_value(name, policy.bound)):
                continue
            bound = _bound_text(name, policy.bound)
            if user_may_approve_for(by, level):
                approvals.append(
                    {
                        "field": name,
                        "value": str(value),
                        "bound": bound,
                        "level": level.name,
                        "level_kind": "district" if isinstance(level, District) else "city",
                    }
                )
            elif name not in refusals:
                refusals[name] = _(
                    "比%(level)s设定的最宽限值%(bound)s更宽松；需%(level)s工作人员批准（由其设置）。"
                ) % {"level": level.name, "bound": bound}
    return refusals, approvals


POLICY_FIELDS = list(POLICY_DIRECTION)


@transaction.atomic
def street_programmes_apply(*, street: Street, programmes: list[str], by: User | None) -> list[str]:
    """Set every piece of the other four policies for `street` as `programmes` run them (issue 20).

    Each piece (a `portal.features.StreetFeature` model) is first reset to its
    defaults (the 崇明 preset: off), then each programme's preset is applied in
    turn. Pieces turned off keep their records. Returns the pieces now on.
    """
    unknown = [name for name in programmes if name not in Programme.values]
    if unknown:
        raise ValidationError(_("没有这种方案预设：%(names)s。") % {"names": "、".join(unknown)})
    enabled = []
    for model in feature_models():
        values = model.preset_values(programmes)
        model.objects.update_or_create(street=street, defaults=values)
        if values.get("enabled"):
            enabled.append(str(model.feature_label))
    labels = [str(Programme(name).label) for name in programmes] or [str(Programme.CHONGMING.label)]
    audit_log(
        subject=street,
        action="portal.street.programmes_applied",
        actor=by,
        note="、".join(labels),
        data={"programmes": list(programmes), "enabled": enabled},
    )
    return enabled


@transaction.atomic
def street_update_policy(*, street: Street, by: User, values: dict) -> Street:
    """Change a street's details, its policy numbers or its district.

    Values stricter than the rulebook are anyone's to set (with the right to
    edit the street); values looser than the rulebook need a superuser. Values
    looser than a bound its district or city set need that level's approval:
    set by the level's staff (or a superuser), recorded as an audit event and
    shown on the street's page. Moving a street to another district is a
    superuser's; the street keeps every record and its history, and the move is
    audited.
    """
    if (
        "district" in values
        and values["district"] != street.district
        and not getattr(by, "is_superuser", False)
    ):
        raise ValidationError({"district": _("只有系统管理员可以调整街道所属区县。")})
    if not getattr(by, "is_superuser", False) and getattr(by, "profile", None) is not None:
        if by.profile.role in (Role.DISTRICT_STAFF, Role.CITY_STAFF):
            others = sorted(set(values) - set(POLICY_FIELDS))
            if others:
                raise ValidationError(_("区级、市级工作人员只能设置街道政策参数。"))
    old_district = street.district
    before = {k: str(getattr(street, k)) for k in values}
    for key, value in values.items():
        setattr(street, key, value)
    street.full_clean()
    looser = street.policy_deviations()
    if looser and not getattr(by, "is_superuser", False):
        raise ValidationError(looser)
    refusals, approvals = street_policy_check(street=street, by=by)
    if refusals:
        raise ValidationError(refusals)
    street.save()
    audit_log(
        subject=street,
        action="portal.street.policy_changed",
        actor=by,
        data={"before": before, "after": {k: str(getattr(street, k)) for k in values}},
    )
    changed = {k for k in values if before[k] != str(getattr(street, k))}
    for approval in approvals:
        if approval["field"] in changed or "district" in changed:
            audit_log(subject=street, action="portal.street.policy_approved", actor=by, data=approval)
    if street.district != old_district:
        audit_log(
            subject=street,
            action="portal.street.moved",
            actor=by,
            from_state=old_district.name if old_district else "",
            to_state=street.district.name if street.district else "",
            data={
                "from_district": old_district.pk if old_district else None,
                "to_district": street.district_id,
            },
        )
    return street


def street_policy_approvals(street: Street) -> QuerySet[AuditEvent]:
    """The recorded approvals of the street's values looser than a level's bound, newest first."""
    return (
        audit_events_for(street).filter(action="portal.street.policy_approved").order_by("-created_at", "-id")
    )


@transaction.atomic
def street_create(*, by: User, district: District | None = None, **values: object) -> Street:
    """Create a street; policy numbers not given come from its district / city defaults (street_policy_defaults).

    The new street's values are checked against the bounds above it like a change.
    """
    fields = street_policy_defaults(district=district)
    fields.update({k: v for k, v in values.items() if v is not None})
    street = Street(district=district, **fields)
    street.full_clean()
    looser = street.policy_deviations()
    if looser and not getattr(by, "is_superuser", False):
        raise ValidationError(looser)
    refusals, approvals = street_policy_check(street=street, by=by)
    if refusals:
        raise ValidationError(refusals)
    street.save()
    for approval in approvals:
        audit_log(subject=street, action="portal.street.policy_approved", actor=by, data=approval)
    return street


@transaction.atomic
def level_policy_prepare(
    *,
    level: District | City,
    name: str,
    default: Decimal | int | None = None,
    bound: Decimal | int | None = None,
    by: User,
) -> LevelPolicy:
    """The level's policy row for `name` with the new values, validated, not saved (level_policy_set)."""
    if not user_may_approve_for(by, level):
        raise PermissionDenied(_("只有本级工作人员或系统管理员可以设置上级政策参数。"))
    is_district = isinstance(level, District)
    key = {"district" if is_district else "city": level, "name": name}
    policy = LevelPolicy.objects.filter(**key).first() or LevelPolicy(**key)
    policy.default, policy.bound = default, bound
    policy.full_clean(validate_unique=False)
    if is_district and bound is not None:
        city_bound = LevelPolicy.objects.filter(city_id=level.city_id, name=name).values_list(
            "bound", flat=True
        )
        city_bound = next(iter(city_bound), None)
        if city_bound is not None and policy_is_looser(name, bound, city_bound):
            raise ValidationError(
                {
                    "bound": _("不能比%(city)s设定的最宽限值%(bound)s更宽松。")
                    % {"city": level.city.name, "bound": _bound_text(name, city_bound)}
                }
            )
    return policy


@transaction.atomic
def level_policy_set(
    *,
    level: District | City,
    name: str,
    default: Decimal | int | None = None,
    bound: Decimal | int | None = None,
    by: User,
) -> LevelPolicy:
    """Set a district's or city's default and bound for one street policy number.

    A district's bound may not be looser than its city's (the city already bounds
    every street below it); only the level's own staff, the city's staff for a
    district, or a superuser may set it. Streets already looser than a new bound
    keep their values (they were allowed when set); their next change meets it.
    """
    existing = LevelPolicy.objects.filter(
        **{"district" if isinstance(level, District) else "city": level, "name": name}
    ).first()
    before = {"default": str(existing.default), "bound": str(existing.bound)} if existing else {}
    policy = level_policy_prepare(level=level, name=name, default=default, bound=bound, by=by)
    policy.save()
    audit_log(
        subject=policy,
        action="portal.levelpolicy.changed",
        actor=by,
        data={"name": name, "before": before, "after": {"default": str(default), "bound": str(bound)}},
    )
    return policy


def records_below(obj: models.Model) -> dict[str, int]:
    """What still hangs on a city, district, street or community and stops its deletion.

    {model's verbose name plural: count} of the records its protecting foreign keys
    point from (empty when it may be deleted). Deleting a level never takes records
    with it (issue 15: the programme's history stays).
    """
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as error:
        blocking = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", [])
        counts: dict[str, int] = {}
        for record in blocking:
            label = str(record._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + 1
        return dict(sorted(counts.items()))
    return {}


def require(condition: bool, message: str) -> None:
    """Raise PermissionDenied with a translated message when `condition` is false."""
    if not condition:
        raise PermissionDenied(message)
