"""PIPL: how long each kind of personal data is kept, and the purge that enforces it.

The Personal Information Protection Law (个人信息保护法, art. 19) keeps personal data
no longer than its purpose needs. Each kind below has a retention period in
months (settings.PORTAL_RETENTION_MONTHS, each overridable from the environment);
the app that owns the records registers the function that erases that kind
(`@retention_rule("kind")`, imported from the app's AppConfig.ready()), so the
foundation never imports a higher app. `personal_data_purge` runs them all: the
Celery beat every night (portal.tasks.purge_personal_data) and
`manage.py purge_personal_data [--dry-run]`.

Each erasure deletes files and blanks fields of one record in one transaction
and writes one audit event (portal.domain.audit_log) saying what went, never
the values. What the rulebook keeps is kept: 六(二)1 asks the community to keep
a complete project archive (申请、评估、签约、服务、考核、奖惩、退出), so names,
projects, decisions and service records stay; only contact details, ID numbers
and unsuccessful applicants' documents are erased. The rulebook sets no archive
period, so the defaults are the deployment's choice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .dates import months_before
from .domain import audit_log

logger = logging.getLogger("portal.retention")

# kind → months; config/settings/base.py sets the defaults and their environment variables.
DEFAULT_RETENTION_MONTHS = {
    # Rejected, not selected and withdrawn applicants: ID scans and documents deleted, ID number
    # and contact details blanked, this long after the decision (the partner's last status change).
    "unsuccessful_applications": 6,
    # Exited partners: contact details and ID number blanked this long after the exit; the
    # project archive itself stays (六(二)1).
    "exited_partner_contacts": 60,
    # Objections to a notice: the objector's phone, this long after the objection was concluded.
    "objector_phones": 12,
    # The suggestion box: the resident's contact, this long after the note was submitted.
    "feedback_contacts": 12,
    # Questionnaire and satisfaction answers (issue 20): the keyed hashes of the device and the
    # phone, which only stop a second answer counting, this long after the answer.
    "survey_identifiers": 12,
    # Unsubmitted application drafts (issue 19): deleted with their files this long after they
    # expired (settings.APPLICATION_DRAFT_DAYS after their last change); 0 = the night after.
    "application_drafts": 0,
    # Time bank volunteers (issue 20, 成都): the mobile, this long after their last registration
    # or credited hour; names and hours stay in the ledger.
    "volunteer_contacts": 24,
    # Community organisations whose filing the street revoked (issue 20, 长宁): the contact person
    # and phone, this long after the record's last change; the registry entry stays.
    "organisation_contacts": 60,
}


@dataclass(frozen=True)
class RetentionRule:
    kind: str
    erase: Callable[..., int]  # erase(*, cutoff: datetime, dry_run: bool) -> records erased

    @property
    def months(self) -> int:
        configured = getattr(settings, "PORTAL_RETENTION_MONTHS", {})
        return int(configured.get(self.kind, DEFAULT_RETENTION_MONTHS[self.kind]))


_rules: dict[str, RetentionRule] = {}


def retention_rule(kind: str):
    """Register `erase(*, cutoff, dry_run) -> int` as the eraser of personal data of `kind`."""
    if kind not in DEFAULT_RETENTION_MONTHS:
        raise ValueError(f"Unknown kind of personal data {kind!r}: add it to DEFAULT_RETENTION_MONTHS.")

    def register(function):
        _rules[kind] = RetentionRule(kind, function)
        return function

    return register


def fields_blank(
    due: QuerySet, *, kind: str, fields: dict[str, str], action: str, community: Callable, dry_run: bool
) -> int:
    """Blank `fields` (name → empty value) on each record of `due`, each in its own transaction
    with one audit event `action` naming the fields (never the values); `community(record)` is
    the event's community. With `dry_run`, only count. The erasers of the apps call it."""
    if dry_run:
        return due.count()
    count = 0
    for record in due.iterator():
        with transaction.atomic():
            type(record).objects.filter(pk=record.pk).update(**fields)
            audit_log(
                subject=record,
                action=action,
                note=kind,
                data={"fields_blanked": list(fields)},
                community=community(record),
            )
        count += 1
    return count


def retention_rules() -> list[RetentionRule]:
    return [_rules[kind] for kind in DEFAULT_RETENTION_MONTHS if kind in _rules]


def retention_cutoff(months: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """The moment `months` calendar months before `now`: records older than this are erased."""
    now = timezone.localtime(now or timezone.now())
    day = months_before(now.date(), months)
    return now.replace(year=day.year, month=day.month, day=day.day)


def personal_data_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Run every retention rule; {kind: records erased (or, with dry_run, that would be)}."""
    counts = {}
    for rule in retention_rules():
        counts[rule.kind] = rule.erase(cutoff=retention_cutoff(rule.months, now=now), dry_run=dry_run)
        if counts[rule.kind]:
            logger.info(
                "retention %s: %s records %s", rule.kind, counts[rule.kind], "due" if dry_run else "erased"
            )
    return counts
