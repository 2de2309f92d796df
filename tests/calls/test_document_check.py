"""Requested documents checked where the record is: 材料合格, or 退回重交 with a reason (issue 16).

The applicant is told through the outbox (calls.documents_requested, with the reason), and the
desk counts documents sent back and waiting to be checked, and those still waited for.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from calls.domain import (
    application_request_documents,
    document_request_accept,
    document_request_fulfil,
    document_request_return,
)
from calls.models import DocumentCheck, DocumentRequest
from messaging.models import OutboxMessage
from portal.desk import desk_items
from portal.domain import audit_events_for
from portal.exceptions import ActionRefused
from tests.factories import community_staff

from .factories import ID_NUMBER, call_with_space, pdf_file, submitted_application

pytestmark = pytest.mark.django_db

RETURNED = "已补交材料待查看的申请"
REQUESTED = "已通知补充材料、申请人尚未补交的申请"


@pytest.fixture
def world():
    call, space = call_with_space()
    application = submitted_application(call, space)
    staff = community_staff(community=application.community, first_name="李", last_name="")
    request = application_request_documents(
        application=application, kind="registration", message="营业执照照片不清晰，请重新上传。", by=staff
    )
    return {"application": application, "space": space, "staff": staff, "request": request}


def _fulfil(request):
    document_request_fulfil(document_request=request, files=[pdf_file("licence.pdf")])
    request.refresh_from_db()
    return request


def _desk(user):
    return {item.label: item for item in desk_items(user)}


def test_desk_counts_documents_waited_for_then_sent_back(world):
    staff = world["staff"]

    assert _desk(staff)[REQUESTED].count == 1
    assert RETURNED not in _desk(staff)

    request = _fulfil(world["request"])

    desk = _desk(staff)
    assert REQUESTED not in desk
    assert desk[RETURNED].count == 1
    assert desk[RETURNED].due == request.fulfilled_at.astimezone().date()
    assert desk[RETURNED].url.endswith("?documents=returned")
    assert RETURNED not in _desk(community_staff())  # another community's worker


def test_accepting_clears_the_desk_and_is_audited_once(world):
    request = _fulfil(world["request"])

    document_request_accept(document_request=request, by=world["staff"])

    request.refresh_from_db()
    assert (request.outcome, request.checked_by) == (DocumentCheck.ACCEPTED, world["staff"])
    assert RETURNED not in _desk(world["staff"])
    assert "calls.application.documents_accepted" in [
        e.action for e in audit_events_for(world["application"])
    ]
    with pytest.raises(ActionRefused):
        document_request_accept(document_request=request, by=world["staff"])


def test_documents_not_yet_sent_back_cannot_be_checked(world):
    with pytest.raises(ActionRefused):
        document_request_accept(document_request=world["request"], by=world["staff"])


def test_return_needs_a_reason_and_changes_nothing_without_one(world):
    request = _fulfil(world["request"])
    messages_before = OutboxMessage.objects.count()

    with pytest.raises(ValidationError) as refused:
        document_request_return(document_request=request, reason="  ", by=world["staff"])

    assert "reason" in refused.value.message_dict
    request.refresh_from_db()
    assert request.outcome == ""
    assert world["application"].document_requests.count() == 1
    assert OutboxMessage.objects.count() == messages_before


def test_return_asks_again_and_tells_the_applicant_the_reason(world):
    request = _fulfil(world["request"])

    again = document_request_return(
        document_request=request, reason="盖章不清，请重新扫描。", by=world["staff"]
    )

    request.refresh_from_db()
    assert (request.outcome, request.check_note) == (DocumentCheck.RETURNED, "盖章不清，请重新扫描。")
    assert (again.kind, again.message, again.is_open) == ("registration", "盖章不清，请重新扫描。", True)
    told = OutboxMessage.objects.filter(code="calls.documents_requested").order_by("-id").first()
    assert told.recipient in (world["application"].email, world["application"].mobile)
    assert "盖章不清，请重新扫描。" in told.body
    desk = _desk(world["staff"])
    assert RETURNED not in desk
    assert desk[REQUESTED].count == 1


def test_application_page_has_the_check_buttons_and_returns_with_a_reason(client, world):
    request = _fulfil(world["request"])
    client.force_login(world["staff"])
    change = reverse("admin:calls_application_change", args=[world["application"].pk])
    check = reverse("admin:calls_application_document_check", args=[world["application"].pk, request.pk])

    page = client.get(change).content.decode()

    assert f'action="{check}"' in page
    assert 'value="accepted" class="big-button big-button-primary">材料合格</button>' in page
    assert 'value="returned" class="big-button">退回重交</button>' in page
    assert 'class="big-button big-button-primary">报送街道</button>' in page  # the community forwards

    refused = client.post(check, {"decision": "returned", "reason": ""})
    assert refused.status_code == 200
    assert "退回重交时请填写理由" in "".join(str(m) for m in get_messages(refused.wsgi_request))

    done = client.post(check, {"decision": "returned", "reason": "请上传彩色扫描件。"})
    assert done.status_code == 302
    waiting = DocumentRequest.objects.filter(application=world["application"], fulfilled_at__isnull=True)
    assert waiting.get().message == "请上传彩色扫描件。"
    page = client.get(change).content.decode()
    assert f'action="{check}"' not in page  # checked once


def test_list_filter_shows_the_applications_with_documents_to_check(client, world):
    request = _fulfil(world["request"])
    other = submitted_application(
        world["application"].call,
        world["space"],
        applicant_name="王晓燕",
        kind="individual_or_team",
        credit_code="",
        id_number=ID_NUMBER,
    )
    client.force_login(world["staff"])
    url = _desk(world["staff"])[RETURNED].url

    listed = list(client.get(url).context["cl"].result_list)

    assert listed == [world["application"]]
    assert other not in listed
    document_request_accept(document_request=request, by=world["staff"])
    assert list(client.get(url).context["cl"].result_list) == []


def test_forward_from_the_page(client, world):
    client.force_login(world["staff"])
    forward = reverse("admin:calls_application_forward", args=[world["application"].pk])

    response = client.post(forward, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    world["application"].partner.refresh_from_db()
    assert world["application"].partner.status == "vetting"
    again = client.post(forward)
    assert again.status_code == 302
    assert [m.level_tag for m in get_messages(again.wsgi_request)] == ["error"]
    world["application"].partner.refresh_from_db()
    assert world["application"].partner.status == "vetting"
