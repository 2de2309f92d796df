"""Write functions for organisations, roles and the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .events import is_registered
from .models import AuditEvent, Heartbeat, Profile, Role, Street

if TYPE_CHECKING:
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


def audit_log_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Save the events collected with `audit_log(..., into=events)` in one INSERT (bulk jobs)."""
    return AuditEvent.objects.bulk_create(events, batch_size=500)


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
    department: str = "",
    phone: str = "",
    by: User | None = None,
) -> Profile:
    """Give `user` one programme role and keep the role's group membership in step.

    Staff roles get admin access (is_staff); the others use the public pages.
    """
    if community is not None and street is None:
        street = community.street
    profile, _created = Profile.objects.get_or_create(user=user, defaults={"role": role})
    profile.role = role
    profile.street = street
    profile.community = community
    profile.department = department
    profile.phone = phone
    profile.full_clean(exclude=["user"])
    profile.save()

    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*role_groups)
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    is_staff = role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF)
    if user.is_staff != is_staff and not user.is_superuser:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    audit_log(
        subject=profile, action="portal.profile.role_assigned", actor=by, to_state=role, community=community
    )
    return profile


def street_update_policy(*, street: Street, by: User, values: dict) -> Street:
    """Change a street's policy numbers.

    Values stricter than the rulebook are anyone's to set (with the right to
    edit the street); values looser than the rulebook need a superuser.
    """
    before = {k: str(getattr(street, k)) for k in values}
    for key, value in values.items():
        setattr(street, key, value)
    street.full_clean()
    looser = street.policy_deviations()
    if looser and not getattr(by, "is_superuser", False):
        raise ValidationError(looser)
    street.save()
    audit_log(
        subject=street,
        action="portal.street.policy_changed",
        actor=by,
        data={"before": before, "after": {k: str(v) for k, v in values.items()}},
    )
    return street


def require(condition: bool, message: str) -> None:
    """Raise PermissionDenied with a translated message when `condition` is false."""
    if not condition:
        raise PermissionDenied(message)
