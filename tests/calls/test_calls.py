"""Recruitment calls: public pages, Markdown safety, states and the closing task (issue 5)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from calls.domain import call_archive, call_close, call_needs_check, call_publish
from calls.models import CallStatus, RecruitmentCall
from calls.tasks import close_due_calls
from portal.domain import audit_events_for
from tests.factories import RecruitmentCallFactory, SpaceFactory, StreetFactory, street_staff
from tests.spaces.factories import ResidentNeedFactory

pytestmark = pytest.mark.django_db


def test_call_list_shows_published_and_closed_only(client):
    published = RecruitmentCallFactory(title="第一批招募")
    closed = RecruitmentCallFactory(title="去年的招募", status=CallStatus.CLOSED)
    RecruitmentCallFactory(title="草稿公告", status=CallStatus.DRAFT)
    RecruitmentCallFactory(title="已归档公告", status=CallStatus.ARCHIVED)
    html = client.get("/calls/").content.decode()
    assert published.title in html and closed.title in html
    assert "草稿公告" not in html and "已归档公告" not in html


@pytest.mark.parametrize("count", [1, 3])
def test_call_list_query_count(client, django_assert_num_queries, count):
    for _ in range(count):
        call = RecruitmentCallFactory()
        call.spaces.add(
            SpaceFactory(community__street=call.street), SpaceFactory(community__street=call.street)
        )
    # The count for the pagination, the page, its spaces, the streets for the filter form.
    with django_assert_num_queries(4):
        response = client.get("/calls/")
    assert response.status_code == 200
    assert len(response.context["page"]) == count


def test_call_detail_renders_markdown_safely(client):
    call = RecruitmentCallFactory(
        body="## 招募要求\n\n- 有公益情怀\n\n<script>alert(1)</script>\n\n[报名](javascript:alert(2))"
        "\n\n<img src=x onerror=alert(3)>",
        contact="0511-87260000",
    )
    call.needs.add(
        ResidentNeedFactory(community__street=call.street, title="老年人智能手机辅导"),
        ResidentNeedFactory(community__street=call.street, title="四点半课堂"),
    )
    html = client.get(f"/calls/{call.pk}/").content.decode()
    assert "<h2>招募要求</h2>" in html
    assert "<li>有公益情怀</li>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "四点半课堂" in html and "0511-87260000" in html
    assert f'href="/calls/{call.pk}/apply/"' in html


def test_call_detail_closed_has_no_apply_button(client):
    call = RecruitmentCallFactory(status=CallStatus.CLOSED)
    html = client.get(f"/calls/{call.pk}/").content.decode()
    assert "/apply/" not in html
    assert "本次招募当前不在申请时间内。" in html


@pytest.mark.parametrize("status", [CallStatus.DRAFT, CallStatus.ARCHIVED])
def test_call_detail_hidden_states_not_found(client, status):
    assert client.get(f"/calls/{RecruitmentCallFactory(status=status).pk}/").status_code == 404


def test_call_states_draft_published_closed_archived_with_audit():
    staff = street_staff()
    call = RecruitmentCallFactory(street=staff.profile.street, status=CallStatus.DRAFT)
    call_publish(call=call, by=staff)
    call_close(call=call, by=staff)
    call_archive(call=call, by=staff)
    call.refresh_from_db()
    assert call.status == CallStatus.ARCHIVED
    assert call.published_at is not None and call.closed_at is not None
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in audit_events_for(call)] == [
        ("calls.call.published", "draft", "published", staff),
        ("calls.call.closed", "published", "closed", staff),
        ("calls.call.archived", "closed", "archived", staff),
    ]


def test_call_publish_refuses_past_closing_time_and_wrong_state():
    staff = street_staff()
    late = RecruitmentCallFactory(
        status=CallStatus.DRAFT,
        opens_at=timezone.now() - dt.timedelta(days=9),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as exc:
        call_publish(call=late, by=staff)
    assert exc.value.messages == ["截止时间已过，请先修改截止时间再发布。"]
    with pytest.raises(ValidationError) as exc:
        call_archive(call=RecruitmentCallFactory(), by=staff)
    assert exc.value.messages == ["招募公告当前为“已发布”，不能执行该操作。"]


def test_call_closing_before_opening_refused():
    call = RecruitmentCallFactory.build(
        opens_at=timezone.now(), closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        call.full_clean(exclude=["street"])
    assert exc.value.message_dict["closes_at"] == ["截止时间必须晚于开始时间。"]


def test_close_due_calls_closes_only_due_and_is_idempotent():
    due = RecruitmentCallFactory(
        opens_at=timezone.now() - dt.timedelta(days=9), closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    running = RecruitmentCallFactory()
    draft_past = RecruitmentCallFactory(
        status=CallStatus.DRAFT,
        opens_at=timezone.now() - dt.timedelta(days=9),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    assert close_due_calls.delay().get() == 1
    assert close_due_calls.delay().get() == 0
    states = dict(RecruitmentCall.objects.values_list("pk", "status"))
    assert states == {due.pk: "closed", running.pk: "published", draft_past.pk: "draft"}
    assert [(e.action, e.actor, e.note) for e in audit_events_for(due)] == [
        ("calls.call.closed", None, "到截止时间自动截止")
    ]


def test_call_admin_publish_action(client):
    staff = street_staff()
    call = RecruitmentCallFactory(street=staff.profile.street, status=CallStatus.DRAFT)
    other_street_call = RecruitmentCallFactory(status=CallStatus.DRAFT)
    client.force_login(staff)
    response = client.post(
        "/admin/calls/recruitmentcall/",
        {"action": "publish", "_selected_action": [call.pk, other_street_call.pk]},
        follow=True,
    )
    assert response.status_code == 200
    call.refresh_from_db()
    other_street_call.refresh_from_db()
    assert (call.status, other_street_call.status) == ("published", "draft")
    assert "已发布 1 个公告。" in response.content.decode()


def test_call_admin_add_by_street_staff_starts_as_draft(client):
    staff = street_staff()
    space = SpaceFactory(community__street=staff.profile.street)
    need = ResidentNeedFactory(community=space.community, title="四点半课堂")
    client.force_login(staff)
    response = client.post(
        "/admin/calls/recruitmentcall/add/",
        {
            "street": staff.profile.street.pk,
            "title": "2027年第一批招募",
            "body": "## 要求\n有公益情怀",
            "contact": "0511-87260000",
            "opens_at_0": "2027-01-05",
            "opens_at_1": "09:00",
            "closes_at_0": "2027-03-31",
            "closes_at_1": "17:00",
            "spaces": [space.pk],
            "needs": [need.pk],
            "eligible_kinds": ["social_organization", "individual_business"],
            "documents_required": ["registration"],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    call = RecruitmentCall.objects.get(title="2027年第一批招募")
    assert call.needs_titles() == ["四点半课堂"]
    assert (call.status, call.eligible_kinds, call.documents_required, list(call.spaces.all())) == (
        "draft",
        ["social_organization", "individual_business"],
        ["registration"],
        [space],
    )
    page = client.get(f"/admin/calls/recruitmentcall/{call.pk}/change/")
    assert page.status_code == 200
    assert page.context["adminform"].form["eligible_kinds"].value() == [
        "social_organization",
        "individual_business",
    ]


def _call_post(street, **extra):
    return {
        "street": street.pk,
        "title": "2027年第二批招募",
        "opens_at_0": "2027-01-05",
        "opens_at_1": "09:00",
        "closes_at_0": "2027-03-31",
        "closes_at_1": "17:00",
        "eligible_kinds": ["social_organization"],
        **extra,
    }


def test_call_admin_offers_only_needs_of_own_street(client):
    staff = street_staff()
    mine = ResidentNeedFactory(community__street=staff.profile.street, title="四点半课堂")
    ResidentNeedFactory(community__street=StreetFactory(), title="别的街道的需求")
    call = RecruitmentCallFactory(street=staff.profile.street, status=CallStatus.DRAFT)
    client.force_login(staff)

    for url in ("/admin/calls/recruitmentcall/add/", f"/admin/calls/recruitmentcall/{call.pk}/change/"):
        field = client.get(url).context["adminform"].form.fields["needs"]
        offered = [(n.pk, field.label_from_instance(n)) for n in field.queryset]
        assert offered == [(mine.pk, f"{mine.community.name} · 四点半课堂")]


def test_call_admin_refuses_need_of_another_street_and_saves_nothing(client, admin_user):
    street = StreetFactory(name="崇明街道")
    foreign = ResidentNeedFactory(community__street=StreetFactory(), title="别的街道的需求")
    client.force_login(admin_user)  # a superuser is offered every street's needs

    response = client.post("/admin/calls/recruitmentcall/add/", _call_post(street, needs=[foreign.pk]))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["needs"] == [
        "以下需求不属于崇明街道的居民需求清单：别的街道的需求。"
    ]
    assert not RecruitmentCall.objects.filter(title="2027年第二批招募").exists()


def test_call_admin_refuses_need_when_street_changes(client, admin_user):
    need = ResidentNeedFactory(title="四点半课堂")
    call = RecruitmentCallFactory(street=need.community.street, status=CallStatus.DRAFT)
    call.needs.add(need)
    other = StreetFactory(name="下蜀街道")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/calls/recruitmentcall/{call.pk}/change/", _call_post(other, needs=[need.pk])
    )

    assert response.context["adminform"].form.errors["needs"] == [
        "以下需求不属于下蜀街道的居民需求清单：四点半课堂。"
    ]
    call.refresh_from_db()
    assert (call.street, call.needs_titles()) == (need.community.street, ["四点半课堂"])


def test_call_needs_check_names_the_needs_of_another_street(db):
    street = StreetFactory(name="崇明街道")
    own = ResidentNeedFactory(community__street=street, title="四点半课堂")
    foreign = ResidentNeedFactory(title="别的街道的需求")

    call_needs_check(street=street, needs=[own])  # its own street's need: accepted
    with pytest.raises(ValidationError) as refused:
        call_needs_check(street=street, needs=[own, foreign])

    assert refused.value.messages == ["以下需求不属于崇明街道的居民需求清单：别的街道的需求。"]
