"""Every door to a partner transition has the same effects (issue 13).

The doors that offer a transition are derived from its declaration in
partners/workflow.py: the admin button and the API's transition action offer
every transition not reserved to a procedure; the applicant's status link
offers `applicant` transitions; a transition taken `via` a procedure is offered
by that procedure's own doors (listed in PROCEDURE_DOORS, which must cover every
declared procedure) and refused by the plain ones. For each transition, the
same partner is set up once per door, sent through it, and a normalised
snapshot (status, history rows, audit action codes, and for exit the exit
record, slots, logs, licence and account) must be identical across doors.
"""

import datetime as dt
import importlib
import inspect
import re

import pytest

from calls.domain import application_status_token
from messaging.models import OutboxMessage
from notices.models import Objection, PublicNotice
from notices.tasks import end_due_notices
from partners import guards, workflow
from partners.domain import partners_transition_many
from partners.models import Partner
from portal.choices import ExitReason
from portal.dates import local_today
from portal.models import AuditEvent
from reviews.domain import committee_meeting_record
from reviews.models import CommitteeMeeting, Roadshow
from services.models import LogoLicence, LogStatus, PartnerAccount, PartnerExit, ServiceLog
from spaces.models import TimeSlot
from tests.factories import partner_in_state, street_staff
from tests.notices.factories import draft_notice, file_objection, past_notice, published_notice
from tests.reviews.conftest import give_score
from tests.reviews.factories import setup_roadshow
from tests.services.factories import make_log, partner_user, serving_partner, weekly_slot

pytestmark = pytest.mark.django_db

NOTE = "经核实办理"
OBJECTION_CONCLUSION = "经街道纪检室调查核实，异议成立。"
MEETING = {
    "date": dt.date(2026, 4, 2),
    "title": "街道党工委会议",
    "attendees": "周敏、孙磊",
    "minutes": "研究确定名单。",
}
# What a door records about itself rather than about the transition: the admin's meeting
# form saves the meeting it is part of (reviews.meeting.changed); the API adds to it.
DOOR_OWN_RECORDS = {"reviews.meeting.changed"}
EXIT_INPUT = {
    "reason": ExitReason.REQUESTED,
    "note": "合伙人书面申请退出",
    "handover_note": "空间完好归还，钥匙2把已交回",
}

# The doors of each procedure that takes a transition with effects beyond the
# status. A procedure without doors here fails `test_every_procedure_has_its_doors_covered`.
PROCEDURE_DOORS = {
    "services.partner_exit": ["admin_exit_form", "api_exit"],
    "reviews.roadshow_close_scoring": ["admin_close_scoring", "api_close_scoring"],
    "reviews.decision_record": ["admin_meeting_form", "api_decision"],
    "notices.notice_publish": ["admin_publish_button", "api_publish"],
    "notices.notice_end_entries": ["admin_end_now", "scheduled_task"],
    "notices.objection_conclude": ["admin_objection_conclude", "api_objection_conclude"],
}
PLAIN_DOORS = ["admin_button", "api_transition"]
# Ids of records set up afresh for each door: they differ by construction, the rest must not.
SETUP_IDS = {"notice", "roadshow", "objection", "entry", "meeting", "decision"}
REFERENCE = re.compile(r"[A-Z]{2}\d{8}-[A-Z0-9]{6}")  # an objection's reference, e.g. YY20261201-5CGYHM


def doors_offering(spec):
    """The doors through which `spec` may be taken, from its declaration."""
    if spec.via_procedure:
        return list(PROCEDURE_DOORS[spec.procedure])
    return [
        *PLAIN_DOORS,
        *(["applicant_link"] if spec.applicant else []),
        *(["batch"] if _batchable(spec) else []),
    ]


def _batchable(spec):
    """What `partners_transition_many` (the scheduled jobs' door) takes: a status change alone."""
    return not (spec.via_procedure or spec.needs_reason or spec.note_required or spec.writes)


CASES = [(name, door) for name, spec in workflow.TRANSITIONS.items() for door in doors_offering(spec)]
REFUSED = [
    (name, door) for name, spec in workflow.TRANSITIONS.items() if spec.via_procedure for door in PLAIN_DOORS
]


def _facts_for(spec):
    facts = workflow.happy_path_facts()
    for guard in spec.guards:
        if guard.fact is not None:
            facts[guard.fact.name] = not guard.negated
    return facts


def _source(spec):
    return workflow.S.ACTIVE if workflow.S.ACTIVE in spec.sources else spec.sources[0]


def _setup(name):
    """The same partner for every door: in the transition's source state, with,
    for exit, a weekly slot, an open and a verified log, a licence and an account."""
    spec = workflow.TRANSITIONS[name]
    if name == "exit":
        today = local_today()
        partner, agreement, space = serving_partner(
            "active", start=today - dt.timedelta(days=90), end=today + dt.timedelta(days=180)
        )
        slot = weekly_slot(partner, space, weekday=2)
        TimeSlot.objects.filter(pk=slot.pk).update(valid_from=today - dt.timedelta(days=90))
        LogoLicence.objects.create(partner=partner, granted_on=today - dt.timedelta(days=90))
        partner_user(partner)
        make_log(partner, agreement, space, date=today - dt.timedelta(days=14))
        make_log(partner, agreement, space, date=today - dt.timedelta(days=7), status=LogStatus.SUBMITTED)
    elif name == "score":
        # A roadshow whose every panel member has submitted a sheet.
        _roadshow, staff, (partner,), members = setup_roadshow()
        for member, total in zip(
            members["expert"] + members["social"], [80, 90, 70, 60, 70, 65], strict=True
        ):
            give_score(member, partner, total)
        return partner, staff
    elif name in ("approve", "not_select"):
        # A scored applicant and the committee meeting (党工委会议) that decides on it.
        partner = partner_in_state(workflow.S.SCORED)
        staff = street_staff(street=partner.community.street)
        committee_meeting_record(street=partner.community.street, **MEETING, by=staff)
        return partner, staff
    elif name == "reject_after_objection":
        # An objection filed during the notice and investigated, to be concluded as upheld.
        partner = partner_in_state(workflow.S.APPROVED)
        staff = street_staff(street=partner.community.street)
        notice = published_notice(staff=staff, partners=[partner])
        file_objection(notice)
        return partner, staff
    elif name in ("open_notice", "end_notice"):
        # The notice that lists the partner: a draft to publish, or one whose period is over.
        partner = partner_in_state(workflow.S.APPROVED)
        staff = street_staff(street=partner.community.street)
        make = draft_notice if name == "open_notice" else past_notice
        make(staff=staff, partners=[partner])
        return partner, staff
    else:
        partner = partner_in_state(_source(spec))
    return partner, street_staff(street=partner.community.street)


def _roadshow_of(partner):
    return Roadshow.objects.filter(entries__partner=partner).latest("pk")


def _objection_of(partner):
    return Objection.objects.filter(entry__partner=partner).latest("pk")


def _notice_of(partner):
    return PublicNotice.objects.filter(entries__partner=partner).latest("pk")


def _go_through(door, name, partner, staff, client):
    spec = workflow.TRANSITIONS[name]
    reason = {"reason": ExitReason.REQUESTED} if spec.needs_reason else {}
    if door == "admin_button":
        client.force_login(staff)
        return client.post(
            f"/admin/partners/partner/{partner.pk}/transition/{name}/",
            {"note": NOTE, "expected_status": partner.status, **reason},
        )
    if door == "api_transition":
        client.force_login(staff)
        return client.post(
            f"/api/partners/{partner.pk}/transition/",
            {"transition": name, "note": NOTE, **reason},
            content_type="application/json",
        )
    if door == "applicant_link":
        token = application_status_token(partner.application)
        return client.post(f"/applications/status/{token}/withdraw/", {"confirm": "on", "note": NOTE})
    if door == "admin_exit_form":
        client.force_login(staff)
        return client.post(
            "/admin/services/partnerexit/add/",
            {"partner": partner.pk, "exit_date": local_today().isoformat(), **EXIT_INPUT},
        )
    if door == "api_exit":
        client.force_login(staff)
        return client.post(
            f"/api/partners/{partner.pk}/exit/",
            {"exit_date": local_today().isoformat(), **EXIT_INPUT},
            content_type="application/json",
        )
    if door == "admin_publish_button":
        client.force_login(staff)
        return client.post(f"/admin/notices/publicnotice/{_notice_of(partner).pk}/publish/")
    if door == "api_publish":
        client.force_login(staff)
        return client.post(f"/api/public-notices/{_notice_of(partner).pk}/publish/")
    if door == "admin_end_now":
        client.force_login(staff)
        return client.post(f"/admin/notices/publicnotice/{_notice_of(partner).pk}/end-now/")
    if door == "admin_close_scoring":
        client.force_login(staff)
        return client.post(
            "/admin/reviews/roadshow/",
            {"action": "close_scoring", "_selected_action": [_roadshow_of(partner).pk]},
        )
    if door == "api_close_scoring":
        client.force_login(staff)
        return client.post(f"/api/roadshows/{_roadshow_of(partner).pk}/close-scoring/")
    if door in ("admin_meeting_form", "api_decision"):
        meeting = CommitteeMeeting.objects.filter(street=partner.community.street).latest("pk")
        decision = {
            "partner": partner.pk,
            "outcome": name,
            "community": partner.community.pk if name == "approve" else "",
            "note": NOTE if name == "not_select" else "",
        }
        client.force_login(staff)
        if door == "api_decision":
            return client.post(
                "/api/decisions/",
                {"meeting": meeting.pk, **{k: v for k, v in decision.items() if v != ""}},
                content_type="application/json",
            )
        return client.post(
            f"/admin/reviews/committeemeeting/{meeting.pk}/change/",
            {
                **{field: str(value) for field, value in MEETING.items()},
                "decisions-TOTAL_FORMS": 1,
                "decisions-INITIAL_FORMS": 0,
                "decisions-MIN_NUM_FORMS": 0,
                "decisions-MAX_NUM_FORMS": 1000,
                **{f"decisions-0-{field}": value for field, value in decision.items()},
            },
        )
    if door == "admin_objection_conclude":
        client.force_login(staff)
        return client.post(
            f"/admin/notices/objection/{_objection_of(partner).pk}/conclude/",
            {"outcome": "upheld", "conclusion": OBJECTION_CONCLUSION},
        )
    if door == "api_objection_conclude":
        client.force_login(staff)
        return client.post(
            f"/api/objections/{_objection_of(partner).pk}/conclude/",
            {"upheld": True, "conclusion": OBJECTION_CONCLUSION},
            content_type="application/json",
        )
    if door == "batch":
        moved, refused = partners_transition_many(
            partners=[partner], transition=name, by=staff, notes={partner.pk: NOTE}
        )
        assert refused == {}, refused
        return moved
    if door == "scheduled_task":
        return end_due_notices()  # what the worker runs on beat's schedule
    raise AssertionError(f"door {door!r} is not covered")


def _snapshot(partner, audit_before, outbox_before):
    partner = Partner.objects.get(pk=partner.pk)

    snapshot = {
        "status": partner.status,
        "exit_reason": partner.exit_reason,
        "history": [
            (
                r.transition,
                r.from_state,
                r.to_state,
                REFERENCE.sub("REF", r.note),
                {k: ("id" if k in SETUP_IDS else v) for k, v in r.data.items()},
            )
            for r in partner.transitions.order_by("created_at", "id")
        ],
        "audit": sorted(
            AuditEvent.objects.filter(pk__gt=audit_before)
            .exclude(action__in=DOOR_OWN_RECORDS)
            .values_list("action", flat=True)
        ),
        "accounts": list(PartnerAccount.objects.filter(partner=partner).values_list("read_only", flat=True)),
        "licences_revoked": [
            d is not None
            for d in LogoLicence.objects.filter(partner=partner).values_list("revoked_on", flat=True)
        ],
        "slots_until": sorted(
            str(d) for d in TimeSlot.objects.filter(partner=partner).values_list("valid_to", flat=True)
        ),
        "logs": sorted(ServiceLog.objects.filter(partner=partner).values_list("status", flat=True)),
        # What the applicant and staff are told, written in the transition's transaction or after it.
        "messages": sorted(
            OutboxMessage.objects.filter(partner_id=partner.pk, pk__gt=outbox_before).values_list(
                "code", "channel"
            )
        ),
        "exit": list(
            PartnerExit.objects.filter(partner=partner).values_list(
                "reason", "exit_date", "note", "handover_note", "slots_released", "logs_closed"
            )
        ),
    }
    return snapshot


def _through(door, name, client, django_capture_on_commit_callbacks):
    spec = workflow.TRANSITIONS[name]
    partner, staff = _setup(name)
    audit_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    outbox_before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with guards.facts_forced(_facts_for(spec)), django_capture_on_commit_callbacks(execute=True):
        response = _go_through(door, name, partner, staff, client)
    client.logout()
    last = partner.transitions.order_by("created_at", "id").last()
    actor = "staff" if last and last.actor_id == staff.pk else getattr(last, "actor_label", None)
    return response, {**_snapshot(partner, audit_before, outbox_before), "actor": actor}


@pytest.mark.parametrize("name", sorted({name for name, _ in CASES}))
def test_every_door_has_the_same_effects(name, client, django_capture_on_commit_callbacks):
    spec = workflow.TRANSITIONS[name]
    results = {
        door: _through(door, name, client, django_capture_on_commit_callbacks)
        for door in doors_offering(spec)
    }

    # Who acted is the one thing a door changes: staff, or the applicant through the link.
    actors = {door: snapshot.pop("actor") for door, (_, snapshot) in results.items()}
    snapshots = {door: snapshot for door, (_, snapshot) in results.items()}
    first_door, first = next(iter(snapshots.items()))
    assert first["status"] == spec.target, (first_door, results[first_door][0].content.decode()[:500])
    for door, snapshot in snapshots.items():
        assert snapshot == first, (door, first_door)
    expected_actor = {"applicant_link": "申请人", "scheduled_task": "系统"}
    assert actors == {door: expected_actor.get(door, "staff") for door in results}


def test_sign_opens_the_account_and_licence_through_every_door(client, django_capture_on_commit_callbacks):
    for door in doors_offering(workflow.TRANSITIONS["sign"]):
        _, snapshot = _through(door, "sign", client, django_capture_on_commit_callbacks)
        assert (snapshot["accounts"], snapshot["licences_revoked"]) == ([False], [False]), door


def test_exit_through_its_doors_runs_the_whole_procedure(client, django_capture_on_commit_callbacks):
    for door in doors_offering(workflow.TRANSITIONS["exit"]):
        _, snapshot = _through(door, "exit", client, django_capture_on_commit_callbacks)
        assert snapshot["status"] == "exited"
        assert snapshot["exit"] == [
            (ExitReason.REQUESTED, local_today(), EXIT_INPUT["note"], EXIT_INPUT["handover_note"], 1, 1)
        ]
        assert snapshot["slots_until"] == [str(local_today() - dt.timedelta(days=1))]
        assert snapshot["logs"] == [LogStatus.CLOSED, LogStatus.VERIFIED]
        assert (snapshot["accounts"], snapshot["licences_revoked"]) == ([True], [True])
        assert "services.partner.exited" in snapshot["audit"]


@pytest.mark.parametrize(("name", "door"), REFUSED, ids=[f"{n}-{d}" for n, d in REFUSED])
def test_plain_doors_refuse_a_transition_reserved_to_its_procedure(
    name, door, client, django_capture_on_commit_callbacks
):
    spec = workflow.TRANSITIONS[name]
    response, snapshot = _through(door, name, client, django_capture_on_commit_callbacks)

    assert snapshot["status"] == _source(spec)
    assert snapshot["exit"] == [] and snapshot["audit"] == []
    if door == "api_transition":
        assert response.status_code == 409
        assert response.json()["detail"] == [str(spec.procedure_message)]
    else:
        assert response.status_code == 302


def test_admin_partner_page_links_exit_to_the_exit_form(client):
    partner, staff = _setup("exit")
    client.force_login(staff)

    page = client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    button = client.get(f"/admin/partners/partner/{partner.pk}/transition/exit/", follow=True)

    assert f'href="/admin/services/partnerexit/add/?partner={partner.pk}"' in page
    assert f"/admin/partners/partner/{partner.pk}/transition/exit/" not in page
    assert button.redirect_chain[0][0] == f"/admin/services/partnerexit/add/?partner={partner.pk}"
    assert "退出须通过退出程序办理（填写退出情形、交接情况）。" in button.content.decode()
    assert f'<option value="{partner.pk}" selected>' in button.content.decode()


def test_every_procedure_has_its_doors_covered():
    declared = {spec.procedure for spec in workflow.TRANSITIONS.values() if spec.via_procedure}

    assert declared == set(PROCEDURE_DOORS)


@pytest.mark.parametrize("procedure", sorted(PROCEDURE_DOORS))
def test_each_procedure_exists_and_names_itself_when_it_transitions(procedure):
    app, function = procedure.split(".")
    func = getattr(importlib.import_module(f"{app}.domain"), function)

    assert f'procedure="{procedure}"' in inspect.getsource(inspect.getmodule(func))


def test_api_exit_refuses_bad_input_and_changes_nothing(client):
    partner, staff = _setup("exit")
    client.force_login(staff)

    response = client.post(
        f"/api/partners/{partner.pk}/exit/",
        {
            "reason": ExitReason.REQUESTED,
            "note": "退出",
            "handover_note": "",
            "exit_date": str(local_today()),
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "请填写交接情况（空间是否完好归还、钥匙、设备）。" in str(response.json())
    partner.refresh_from_db()
    assert (partner.status, PartnerExit.objects.count()) == ("active", 0)


def test_api_exit_is_not_offered_outside_the_staff_members_street(client):
    partner, _ = _setup("exit")
    client.force_login(street_staff())

    response = client.post(
        f"/api/partners/{partner.pk}/exit/",
        {**EXIT_INPUT, "exit_date": str(local_today())},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert PartnerExit.objects.count() == 0
