"""application_submit: one transaction, reference numbers, documents, duplicates, window (issue 5)."""

import datetime as dt
import re
import threading

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from calls.domain import application_from_status_token, application_submit
from calls.models import Application, ApplicationDocument, CallStatus, DocumentKind
from partners.models import Partner
from portal.choices import PartnerKind
from portal.domain import audit_events_for
from portal.uploads import private_storage
from tests.factories import CommunityFactory, SpaceFactory

from .factories import (
    CREDIT_CODE_2,
    ID_NUMBER,
    call_with_space,
    pdf_file,
    png_file,
    submission,
    submission_files,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def stored_files():
    root = private_storage.base_location
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_submit_saves_application_partner_documents_and_queues_mail(
    django_capture_on_commit_callbacks, mailoutbox
):
    call, space = call_with_space()
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(
            call=call, data=submission(call, space), files=submission_files(), ip="10.0.0.7"
        )

    assert re.fullmatch(rf"MLHH-{timezone.localdate().year}-\d{{6}}", application.reference)
    assert application.community == space.community
    assert list(application.spaces.all()) == [space]
    assert application.partner.status == "submitted"
    assert application.partner.community == space.community
    assert sorted(application.documents.values_list("kind", "original_name")) == [
        ("project_plan", "plan.pdf"),
        ("registration", "licence.pdf"),
    ]
    assert len(stored_files()) == 2
    assert application.submitted_ip == "10.0.0.7"
    assert application.privacy_consent_at is not None
    assert [e.action for e in audit_events_for(application)] == ["calls.application.submitted"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["wang@example.cn"]
    assert application.reference in mailoutbox[0].subject
    token = re.search(r"/applications/status/([^/\s]+)/", mailoutbox[0].body).group(1)
    assert application_from_status_token(token) == application


def test_submit_references_count_up_within_a_year():
    call, space = call_with_space()
    first = submitted_application(call, space)
    second = submitted_application(call, space, applicant_name="另一家机构", credit_code=CREDIT_CODE_2)
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"MLHH-{year}-000001", f"MLHH-{year}-000002")


def test_submit_chosen_community_when_no_space():
    call, _space = call_with_space()
    other = CommunityFactory(street=call.street)
    application = submitted_application(call, None, community=other)
    assert application.community == other
    assert application.partner.community == other


def test_submit_individual_needs_id_number_and_keeps_no_credit_code():
    call, space = call_with_space()
    with pytest.raises(ValidationError) as exc:
        application_submit(
            call=call,
            data=submission(
                call,
                space,
                kind=PartnerKind.INDIVIDUAL_OR_TEAM,
                applicant_name="王晓燕",
                credit_code="",
                id_number="",
            ),
            files=submission_files(),
        )
    assert exc.value.message_dict == {"id_number": ["个人申请请填写18位身份证号。"]}

    application = application_submit(
        call=call,
        data=submission(
            call,
            space,
            kind=PartnerKind.INDIVIDUAL_OR_TEAM,
            applicant_name="王晓燕",
            id_number=ID_NUMBER.lower(),
        ),
        files=submission_files(),
    )
    assert (application.id_number, application.credit_code) == (ID_NUMBER, "")


@pytest.mark.parametrize(
    ("opens", "closes", "status", "message"),
    [
        (1, 2, CallStatus.PUBLISHED, "本次招募尚未开始接受申请"),
        (-3, -1, CallStatus.PUBLISHED, "本次招募已截止，不再接受申请。"),
        (-1, 2, CallStatus.CLOSED, "本次招募已截止，不再接受申请。"),
        (-1, 2, CallStatus.DRAFT, "本次招募已截止，不再接受申请。"),
    ],
)
def test_submit_outside_window_refused(opens, closes, status, message):
    now = timezone.now()
    call, space = call_with_space(
        opens_at=now + dt.timedelta(days=opens), closes_at=now + dt.timedelta(days=closes), status=status
    )
    with pytest.raises(ValidationError) as exc:
        application_submit(call=call, data=submission(call, space), files=submission_files())
    assert exc.value.messages[0].startswith(message)
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # same credit code, same name
        {"applicant_name": "换了个名字的同一机构"},  # same credit code
        {"credit_code": CREDIT_CODE_2},  # same name
    ],
)
def test_submit_duplicate_refused(overrides):
    call, space = call_with_space()
    submitted_application(call, space)
    with pytest.raises(ValidationError) as exc:
        application_submit(call=call, data=submission(call, space, **overrides), files=submission_files())
    assert exc.value.message_dict[NON_FIELD_ERRORS] == [
        "该申请人已向本次招募提交过申请，不能重复提交。如需了解进度，请使用提交时获得的申请编号查询。"
    ]
    assert Application.objects.count() == 1


def test_submit_same_applicant_other_call_allowed():
    call, space = call_with_space()
    submitted_application(call, space)
    other_call, other_space = call_with_space(community=space.community)
    assert submitted_application(other_call, other_space).call == other_call


def test_submit_failing_document_save_leaves_nothing(monkeypatch):
    """A storage error on the second file rolls everything back, files included."""
    call, space = call_with_space()
    original_save = private_storage.save
    calls = []

    def flaky_save(name, content, max_length=None):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return original_save(name, content, max_length=max_length)

    monkeypatch.setattr(private_storage, "save", flaky_save)
    with pytest.raises(OSError):
        application_submit(call=call, data=submission(call, space), files=submission_files())

    assert (Application.objects.count(), Partner.objects.count(), ApplicationDocument.objects.count()) == (
        0,
        0,
        0,
    )
    assert stored_files() == []
    monkeypatch.setattr(private_storage, "save", original_save)
    # The number was not used up either.
    assert submitted_application(call, space).reference.endswith("-000001")


def test_submit_disguised_file_refused():
    call, space = call_with_space()
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00" + b"\x00" * 200)  # a Windows program
    with pytest.raises(ValidationError) as exc:
        application_submit(
            call=call,
            data=submission(call, space),
            files={DocumentKind.REGISTRATION: [fake], DocumentKind.PROJECT_PLAN: [pdf_file()]},
        )
    assert exc.value.message_dict == {
        "doc_registration": ["文件“licence.pdf”的实际内容不是允许的类型（仅限 PDF、JPEG、PNG、DOCX、XLSX）。"]
    }
    assert Application.objects.count() == 0


def test_submit_too_large_file_refused(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1000
    call, space = call_with_space()
    big = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n" + b"0" * 1100)
    with pytest.raises(ValidationError) as exc:
        application_submit(
            call=call,
            data=submission(call, space),
            files={DocumentKind.REGISTRATION: [pdf_file()], DocumentKind.PROJECT_PLAN: [big]},
        )
    assert exc.value.message_dict == {
        "doc_project_plan": ["文件“plan.pdf”大小为 1 KB，超过单个文件上限 1000 B。"]
    }


def test_submit_too_many_files_refused(settings):
    settings.UPLOAD_MAX_FILES = 3
    call, space = call_with_space()
    files = submission_files() | {DocumentKind.OTHER: [png_file("a.png"), png_file("b.png")]}
    with pytest.raises(ValidationError) as exc:
        application_submit(call=call, data=submission(call, space), files=files)
    assert exc.value.message_dict == {NON_FIELD_ERRORS: ["一次最多上传 3 个文件，您选择了 4 个。"]}


def test_submit_missing_required_document_refused():
    call, space = call_with_space()
    with pytest.raises(ValidationError) as exc:
        application_submit(
            call=call, data=submission(call, space), files={DocumentKind.REGISTRATION: [pdf_file()]}
        )
    assert exc.value.message_dict == {"doc_project_plan": ["本次招募要求提交“项目计划书”。"]}


def test_submit_spaces_of_two_communities_refused():
    call, space = call_with_space()
    elsewhere = SpaceFactory(community=CommunityFactory(street=call.street))
    call.spaces.add(elsewhere)
    with pytest.raises(ValidationError) as exc:
        application_submit(
            call=call, data=submission(call, space, spaces=[space, elsewhere]), files=submission_files()
        )
    assert list(exc.value.message_dict) == ["spaces"]


def test_submit_space_not_offered_refused():
    call, space = call_with_space()
    other = SpaceFactory(community=space.community)
    with pytest.raises(ValidationError) as exc:
        application_submit(call=call, data=submission(call, other), files=submission_files())
    assert exc.value.message_dict == {"spaces": ["所选空间不在本次招募提供的空间之内。"]}


def test_submit_declarations_and_consent_required():
    call, space = call_with_space()
    with pytest.raises(ValidationError) as exc:
        application_submit(
            call=call,
            data=submission(call, space, declarations=["law_abiding"], privacy_consent=False),
            files=submission_files(),
        )
    assert sorted(exc.value.message_dict) == ["declarations", "privacy_consent"]


@pytest.mark.django_db(transaction=True)
def test_submit_concurrent_submissions_get_distinct_references():
    call, space = call_with_space()
    codes = ["91330100716105852F", "914403001922038216", "9144030071526726XG", "91110000600037341L"]
    results, errors = [], []

    def submit(i):
        try:
            results.append(
                submitted_application(call, space, applicant_name=f"机构{i}", credit_code=codes[i]).reference
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r[-6:] for r in results) == ["000001", "000002", "000003", "000004"]


@pytest.mark.django_db(transaction=True)
def test_submit_acknowledgement_sent_by_real_worker(celery_worker_thread, mailoutbox):
    import time

    call, space = call_with_space()
    application = submitted_application(call, space)
    deadline = time.monotonic() + 20
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.subject for m in mailoutbox] == [f"申请已收到：{application.reference}"]
