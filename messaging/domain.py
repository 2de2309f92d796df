"""The outbox's write and read functions (issue 17).

`message_queue` writes the rows in the caller's transaction; `outbox_deliver_due`
(the Celery task `messaging.tasks.deliver_outbox`, nudged on commit and run by
beat every minute) delivers them.

Delivery guarantees. A row is claimed with SELECT … FOR UPDATE SKIP LOCKED and
marked `sending` with a lease; the channel is called outside any transaction;
the outcome is then recorded only if the row is still this worker's claim
(same status and attempt number). A worker that dies mid-send leaves the row
`sending` until its lease expires, then the next sweep claims it again. The one
window left is between the provider accepting a message and the outcome being
recorded: a worker killed exactly there sends that message again after the
lease — at-least-once at the provider boundary. Every channel therefore gets
the row's unique key as `reference`; a provider that de-duplicates on it (the
file channel does; SMS providers take it as their out-id/session context)
makes the delivery exactly once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.domain import audit_log
from portal.mail import render_mail
from portal.tasks import publish

from .catalogue import MESSAGES, message_type, sms_text
from .channels import (
    Channel,
    OutgoingMessage,
    PermanentFailure,
    channel_from_url,
)
from .models import ChannelKind, MessageStatus, OptOut, OutboxMessage, StaffGroup
from .tasks import deliver_outbox

logger = logging.getLogger(__name__)

MOBILE = re.compile(r"^(?:\+86)?(1[3-9]\d{9})$")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE_STATUSES = (MessageStatus.PENDING, MessageStatus.HELD)


@dataclasses.dataclass(frozen=True)
class Recipient:
    channel: str  # ChannelKind
    address: str
    name: str = ""


def mobile_number(value: str) -> str | None:
    """The 11-digit mainland mobile number in `value` (spaces, dashes and +86 allowed), or None."""
    match = MOBILE.match(re.sub(r"[\s-]", "", value or ""))
    return match.group(1) if match else None


def person_recipients(*, email: str = "", mobile: str = "", name: str = "") -> list[Recipient]:
    """A person outside the office: SMS to a mobile number, e-mail to an address — each they gave.

    Many applicants and residents have no e-mail, so a mobile number gets the SMS
    form; an e-mail address also gets the full text with its links.
    """
    found = []
    if (mobile or "").strip():
        found.append(Recipient(ChannelKind.SMS, mobile.strip(), name))
    if (email or "").strip():
        found.append(Recipient(ChannelKind.EMAIL, email.strip(), name))
    return found


def staff_groups_by_street(street_ids: Iterable[int]) -> dict[int, StaffGroup]:
    """The WeCom staff groups of these streets, in one query (for bulk jobs)."""
    return {group.street_id: group for group in StaffGroup.objects.filter(street_id__in=set(street_ids))}


def staff_recipients(
    *, street_id: int | None, emails: Iterable[str], groups: dict[int, StaffGroup] | None = None
) -> list[Recipient]:
    """Staff of a street: the street's WeCom group when it has one, else each person's e-mail."""
    if groups is not None:
        group = groups.get(street_id)
    else:
        group = StaffGroup.objects.filter(street_id=street_id).first() if street_id else None
    if group is not None:
        return [Recipient(ChannelKind.WECOM, group.webhook_key, group.name)]
    return [Recipient(ChannelKind.EMAIL, email) for email in dict.fromkeys(emails) if email]


def in_quiet_hours(moment: dt.datetime) -> bool:
    """No SMS between 21:00 and 08:00 Asia/Shanghai (issue 17)."""
    start, end = settings.PORTAL_SMS_QUIET_HOURS
    if start == end:
        return False
    hour = moment.astimezone(SHANGHAI).hour
    return hour >= start or hour < end


def quiet_hours_end(moment: dt.datetime) -> dt.datetime:
    """The next 08:00 in Shanghai at or after `moment`."""
    local = moment.astimezone(SHANGHAI)
    morning = local.replace(hour=settings.PORTAL_SMS_QUIET_HOURS[1], minute=0, second=0, microsecond=0)
    if morning < local:
        morning += dt.timedelta(days=1)
    return morning


def _cause_label(cause) -> str:
    if cause is None:
        return "-"
    if isinstance(cause, str):
        return cause
    return f"{cause._meta.label_lower}:{cause.pk}"


def message_key(*, cause, code: str, occasion: str, channel: str, address: str) -> str:
    """The idempotency key: the same message about the same thing to the same address, once."""
    key = f"{_cause_label(cause)}|{code}|{occasion}|{channel}|{address}"
    if len(key) <= 255:
        return key
    return key[:190] + "#" + hashlib.sha256(key.encode()).hexdigest()


def message_rows(
    *,
    code: str,
    to: Iterable[Recipient],
    context: dict | None = None,
    params: dict | None = None,
    cause=None,
    occasion: str = "",
    partner_id: int | None = None,
    street_id: int | None = None,
    community_id: int | None = None,
    opted_out: set[str] | None = None,
    now: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """The unsaved outbox rows of one message to its recipients (see `message_queue`)."""
    message = message_type(code)
    params = {key: str(value) for key, value in (params or {}).items()}
    recipients = list(dict.fromkeys(to))
    if not recipients:
        return []
    now = now or timezone.now()
    subject = body = ""
    if any(r.channel != ChannelKind.SMS for r in recipients):
        if message.template:
            subject, body = render_mail(message.template, {**params, **(context or {})})
        else:
            subject, body = str(message.subject) % params, str(message.body) % params
    short = sms_text(message, params)
    template_code = settings.PORTAL_SMS_TEMPLATES.get(code, "")
    if opted_out is None:
        opted_out = opted_out_among([r.address for r in recipients]) if message.optional else set()
    rows = []
    for recipient in recipients:
        status, reason, address, due = MessageStatus.PENDING, "", recipient.address, now
        if recipient.channel == ChannelKind.SMS:
            if not message.sms:
                continue  # no SMS form: the e-mail (if any) carries it
            number = mobile_number(address)
            if number is None:
                status, reason = (
                    MessageStatus.FAILED,
                    _("手机号码无效，未发送：%(number)s") % {"number": address},
                )
            else:
                address = number
                if in_quiet_hours(now):
                    status, due = MessageStatus.HELD, quiet_hours_end(now)
                    reason = _("免打扰时段（21:00—次日08:00），早上8点发送。")
        if status != MessageStatus.FAILED and message.optional and address in opted_out:
            status, reason = MessageStatus.CANCELLED, _("收件人已退订此类提醒。")
        rows.append(
            OutboxMessage(
                key=message_key(
                    cause=cause, code=code, occasion=occasion, channel=recipient.channel, address=address
                ),
                code=code,
                channel=recipient.channel,
                recipient=address[:254],
                recipient_name=recipient.name[:100],
                subject=subject[:300] if recipient.channel != ChannelKind.SMS else "",
                body=body if recipient.channel != ChannelKind.SMS else "",
                short_body=short,
                template_code=template_code if recipient.channel == ChannelKind.SMS else "",
                template_params=params if recipient.channel == ChannelKind.SMS else {},
                status=status,
                next_attempt_at=due,
                last_error=reason,
                partner_id=partner_id,
                street_id=street_id,
                community_id=community_id,
            )
        )
    return rows


def opted_out_among(addresses: Iterable[str]) -> set[str]:
    numbers = [mobile_number(a) or a for a in addresses]
    return set(OptOut.objects.filter(address__in=numbers).values_list("address", flat=True))


def message_queue(
    *,
    code: str,
    to: Iterable[Recipient],
    context: dict | None = None,
    params: dict | None = None,
    cause=None,
    occasion: str = "",
    partner_id: int | None = None,
    street_id: int | None = None,
    community_id: int | None = None,
) -> int:
    """Write one message to its recipients into the outbox, in the caller's transaction.

    One row per (cause, code, occasion, channel, address): writing the same message
    again is a no-op (its key exists). The rows are delivered after commit; if the
    transaction rolls back, the message never existed. Returns the rows written.
    """
    rows = message_rows(
        code=code,
        to=to,
        context=context,
        params=params,
        cause=cause,
        occasion=occasion,
        partner_id=partner_id,
        street_id=street_id,
        community_id=community_id,
    )
    return outbox_write(rows)


def outbox_write(rows: list[OutboxMessage], *, batch_size: int | None = 500) -> int:
    """Insert rows (duplicates by key ignored) and nudge the worker after commit.

    `batch_size` rows per INSERT; None writes them all in one statement (a job whose
    query count must not grow with the rows, e.g. the renewal scan).
    """
    if not rows:
        return 0
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=batch_size)
    keys = [row.key for row in rows if row.status == MessageStatus.PENDING]
    if keys:
        transaction.on_commit(lambda: outbox_nudge(keys=keys))
    return len(rows)


def outbox_nudge(*, keys: list[str] | None = None) -> None:
    """Ask the worker to deliver these rows now (None: every due row). Only a nudge: if the
    broker is down, beat's sweep delivers them within the minute.

    A broker outage must never fail the request that caused the message
    (portal.tasks.publish logs it and returns False; the row is safe in the database).
    """
    publish(deliver_outbox, keys=keys)


@functools.cache
def _channel(url: str) -> Channel:
    return channel_from_url(url)


def channel_for(kind: str) -> Channel:
    url = settings.PORTAL_MESSAGE_CHANNELS.get(kind, "")
    if not url:
        raise PermanentFailure(_("未配置“%(kind)s”渠道。") % {"kind": ChannelKind(kind).label})
    return _channel(url)


CHANNEL_URL_VARIABLES = {"email": "MESSAGE_EMAIL_URL", "sms": "SMS_URL", "wecom": "WECOM_URL"}


def configured_channels() -> dict[str, Channel]:
    """Build every configured channel: a bad URL raises ImproperlyConfigured naming its variable."""
    channels = {}
    for kind, url in settings.PORTAL_MESSAGE_CHANNELS.items():
        if not url:
            continue
        try:
            channels[kind] = channel_from_url(url)
        except ImproperlyConfigured as exc:
            variable = CHANNEL_URL_VARIABLES.get(kind, f"PORTAL_MESSAGE_CHANNELS[{kind!r}]")
            raise ImproperlyConfigured(f"{variable} ({kind} channel): {exc}") from None
    return channels


def _due_q(now: dt.datetime) -> Q:
    return Q(status__in=DUE_STATUSES, next_attempt_at__lte=now) | Q(
        status=MessageStatus.SENDING, lease_until__lte=now
    )


def _claim_next(keys: list[str] | None = None) -> OutboxMessage | None | bool:
    """Claim the next due row (mark it `sending` with a lease), or None when none is due.

    Returns False for a row that was only put on hold (SMS in quiet hours).
    """
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_due_q(now), **({"key__in": keys} if keys is not None else {}))
            .order_by("next_attempt_at", "id")
            .first()
        )
        if row is None:
            return None
        if row.channel == ChannelKind.SMS and in_quiet_hours(now):
            row.status, row.next_attempt_at = MessageStatus.HELD, quiet_hours_end(now)
            row.lease_until = None
            row.save(update_fields=["status", "next_attempt_at", "lease_until", "updated_at"])
            return False
        row.status = MessageStatus.SENDING
        row.attempts += 1
        row.lease_until = now + dt.timedelta(seconds=settings.PORTAL_OUTBOX_LEASE_SECONDS)
        row.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
    return row


def _record(row: OutboxMessage, **changes) -> bool:
    """Record an outcome only if the row is still this worker's claim (fencing by attempt)."""
    return bool(
        OutboxMessage.objects.filter(pk=row.pk, status=MessageStatus.SENDING, attempts=row.attempts).update(
            lease_until=None, updated_at=timezone.now(), **changes
        )
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped at six hours."""
    seconds = settings.PORTAL_OUTBOX_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, 6 * 3600))


def outbox_deliver(row: OutboxMessage) -> str:
    """Send one claimed row through its channel and record the outcome; returns the new status."""
    if row.channel == ChannelKind.SMS and mobile_number(row.recipient) is None:
        _record(row, status=MessageStatus.FAILED, last_error=_("手机号码无效，未发送。"))
        return MessageStatus.FAILED
    outgoing = OutgoingMessage(
        address=row.recipient,
        subject=row.subject,
        body=row.body,
        short_body=row.short_body,
        template_code=row.template_code,
        template_params=dict(row.template_params or {}),
        reference=row.key,
    )
    try:
        sent = channel_for(row.channel).send(outgoing)
    except PermanentFailure as failure:
        _record(row, status=MessageStatus.FAILED, last_error=_failure_text(failure))
        return MessageStatus.FAILED
    except Exception as failure:  # TemporaryFailure, or anything unexpected: retry with backoff
        reason = _failure_text(failure)
        if row.attempts >= settings.PORTAL_OUTBOX_MAX_ATTEMPTS:
            _record(row, status=MessageStatus.FAILED, last_error=reason)
            return MessageStatus.FAILED
        _record(
            row,
            status=MessageStatus.PENDING,
            last_error=reason,
            next_attempt_at=timezone.now() + retry_delay(row.attempts),
        )
        return MessageStatus.PENDING
    _record(
        row,
        status=MessageStatus.SENT,
        provider_id=sent.provider_id[:100],
        sent_at=timezone.now(),
        last_error="",
    )
    return MessageStatus.SENT


def _failure_text(failure: Exception) -> str:
    code = getattr(failure, "code", "")
    text = getattr(failure, "reason", "") or str(failure) or type(failure).__name__
    return (f"[{code}] {text}" if code else text)[:1000]


def outbox_deliver_due(*, keys: list[str] | None = None, limit: int = 500) -> int:
    """Deliver due rows (of these keys, or all) one by one until none is due (or `limit`).

    Returns how many were tried.
    """
    tried = 0
    while tried < limit:
        row = _claim_next(keys)
        if row is None:
            break
        if row is False:
            continue
        outbox_deliver(row)
        tried += 1
    return tried


def outbox_retry(*, messages, by) -> int:
    """Staff send failed, cancelled or held messages again now (attempts start afresh)."""
    count = 0
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update().filter(pk__in=messages.values("pk"))
        for row in rows.exclude(status__in=[MessageStatus.SENT, MessageStatus.SENDING]):
            before = row.status
            row.status, row.attempts, row.next_attempt_at = MessageStatus.PENDING, 0, timezone.now()
            row.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
            audit_log(
                subject=row,
                action="messaging.message.retried",
                actor=by,
                from_state=before,
                to_state=row.status,
                community=row.community,
            )
            count += 1
        if count:
            transaction.on_commit(outbox_nudge)
    return count


def outbox_cancel(*, messages, by) -> int:
    """Staff cancel messages not yet sent (pending, held or failed)."""
    count = 0
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update().filter(pk__in=messages.values("pk"))
        for row in rows.filter(status__in=[MessageStatus.PENDING, MessageStatus.HELD, MessageStatus.FAILED]):
            before = row.status
            row.status, row.last_error = MessageStatus.CANCELLED, _("工作人员已取消。")
            row.save(update_fields=["status", "last_error", "updated_at"])
            audit_log(
                subject=row,
                action="messaging.message.cancelled",
                actor=by,
                from_state=before,
                to_state=row.status,
                community=row.community,
            )
            count += 1
    return count


def message_opt_out(*, address: str, by=None, note: str = "") -> OptOut:
    """Record that `address` wants no more optional messages; their pending ones are cancelled."""
    address = mobile_number(address) or address.strip()
    with transaction.atomic():
        opt_out, _created = OptOut.objects.get_or_create(
            address=address, defaults={"note": note, "created_by": by if getattr(by, "pk", None) else None}
        )
        optional = [code for code, message in MESSAGES.items() if message.optional]
        OutboxMessage.objects.filter(
            recipient=address, code__in=optional, status__in=[MessageStatus.PENDING, MessageStatus.HELD]
        ).update(
            status=MessageStatus.CANCELLED, last_error=_("收件人已退订此类提醒。"), updated_at=timezone.now()
        )
    return opt_out


def messages_about_partner(partner_id: int):
    """The partner's messages, newest first, for the dossier."""
    return OutboxMessage.objects.filter(partner_id=partner_id).order_by("created_at", "id")
