"""Objections concluded in bulk from their list with one conclusion, and on their page (issue 16)."""

import pytest
from django.urls import reverse

from messaging.models import OutboxMessage
from notices.models import Objection, ObjectionStatus
from tests.notices.factories import approved_partner, file_objection, published_notice, setting

pytestmark = pytest.mark.django_db

LIST = "/admin/notices/objection/"


@pytest.fixture
def world():
    community, staff = setting()
    notice = published_notice(
        staff=staff, partners=[approved_partner(community), approved_partner(community)]
    )
    first, second = (file_objection(notice, entry=entry) for entry in notice.entries.order_by("pk"))
    return {"staff": staff, "objections": [first, second]}


def _bulk(client, action, objections, conclusion):
    return client.post(
        LIST,
        {"action": action, "_selected_action": [o.pk for o in objections], "conclusion": conclusion},
        follow=True,
    )


def test_bulk_dismiss_without_a_conclusion_is_refused_once_and_changes_nothing(client, world):
    client.force_login(world["staff"])
    told_before = OutboxMessage.objects.filter(code="notices.objection_outcome").count()

    response = _bulk(client, "dismiss_selected", world["objections"], "  ")

    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors == ["请填写调查结论（异议人可凭受理编号查看）。"]
    assert set(Objection.objects.values_list("status", flat=True)) == {ObjectionStatus.OPEN}
    assert OutboxMessage.objects.filter(code="notices.objection_outcome").count() == told_before


def test_bulk_dismiss_concludes_each_with_the_one_conclusion_and_tells_each_objector(client, world):
    client.force_login(world["staff"])

    response = _bulk(client, "dismiss_selected", world["objections"], "经核实，所述情况不属实。")

    assert "已办结 2 件异议。" in [str(m) for m in response.context["messages"]]
    for objection in world["objections"]:
        objection.refresh_from_db()
        assert (objection.status, objection.conclusion, objection.concluded_by) == (
            ObjectionStatus.DISMISSED,
            "经核实，所述情况不属实。",
            world["staff"],
        )
    told = OutboxMessage.objects.filter(code="notices.objection_outcome")
    assert told.count() >= 2


def test_bulk_skips_a_concluded_objection_and_names_it(client, world):
    client.force_login(world["staff"])
    done, still_open = world["objections"]
    _bulk(client, "uphold_selected", [done], "属实，不予入驻。")

    response = _bulk(client, "dismiss_selected", [done, still_open], "不属实。")

    messages = [str(m) for m in response.context["messages"]]
    assert f"{done.reference}：该异议已办结。" in messages
    assert "已办结 1 件异议。" in messages
    done.refresh_from_db()
    still_open.refresh_from_db()
    assert (done.status, still_open.status) == (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED)


def test_objection_page_has_one_large_conclude_button(client, world):
    client.force_login(world["staff"])
    objection = world["objections"][0]

    page = client.get(reverse("admin:notices_objection_change", args=[objection.pk])).content.decode()

    conclude = reverse("admin:notices_objection_conclude", args=[objection.pk])
    assert f'class="big-button big-button-primary" href="{conclude}">办结异议</a>' in page
    list_page = client.get(LIST).content.decode()
    assert 'name="conclusion"' in list_page
    assert "驳回所选异议" in list_page
