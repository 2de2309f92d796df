"""Pages and API: partner isolation, suggestion box, exports, dashboard, permissions."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal.models import Role
from services.models import Feedback, FeedbackStatus, LogStatus, Observation, ServiceLog
from tests.factories import community_staff, role_user, street_staff
from tests.utils import pdf_text, xlsx_rows

from .factories import make_log, observer_user, partner_user, serving_partner, target

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Partner A and B in one street but different communities, each with a log and feedback."""
    a, a_agreement, a_space = serving_partner("trial")
    b, b_agreement, b_space = serving_partner("active", community__street=a.community.street)
    target(a_agreement, "hours", 10)
    return {
        "a": a,
        "b": b,
        "a_user": partner_user(a),
        "b_user": partner_user(b),
        "a_log": make_log(a, a_agreement, a_space, date=dt.date(2026, 3, 3), status=LogStatus.SUBMITTED),
        "b_log": make_log(b, b_agreement, b_space, date=dt.date(2026, 3, 4), title="B的活动"),
        "a_agreement": a_agreement,
        "a_space": a_space,
        "b_feedback": Feedback.objects.create(
            partner=b, rating=4, comment="B不错", contact="13911112222", status=FeedbackStatus.APPROVED
        ),
        "street": street_staff(street=a.community.street),
        "a_staff": community_staff(community=a.community),
    }


def test_partner_a_cannot_see_or_edit_b_logs(client, world):
    client.force_login(world["a_user"])
    listing = client.get(reverse("services:log_list")).content.decode()
    assert "智能手机课" in listing and "B的活动" not in listing
    b_log = world["b_log"]
    assert client.get(reverse("services:log_detail", args=[b_log.pk])).status_code == 404
    assert client.post(reverse("services:log_edit", args=[b_log.pk]), {"title": "x"}).status_code == 404
    assert (
        client.get(reverse("services:log_export", args=[world["b"].pk, 2026, 3, "xlsx"])).status_code == 404
    )

    api = client.get("/api/service-logs/").json()
    assert [row["id"] for row in api["results"]] == [world["a_log"].pk]
    assert client.get(f"/api/service-logs/{b_log.pk}/").status_code == 404
    assert client.post(f"/api/service-logs/{b_log.pk}/review/", {"decision": "verified"}).status_code == 404
    assert client.get("/api/feedback/").json()["results"] == []


def test_partner_enters_log_through_page_with_errors_kept(client, world):
    client.force_login(world["a_user"])
    data = {
        "date": "2099-01-01",
        "start_time": "09:00",
        "end_time": "11:00",
        "space": world["a_space"].pk,
        "category": "elderly",
        "title": "健康讲座",
        "description": "讲血压",
        "residents_served": 12,
        "special_group_residents": 0,
        "cost_basis": "free",
        "volunteers": 1,
    }
    response = client.post(reverse("services:log_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "服务日期不能晚于今天" in html and 'value="健康讲座"' in html
    data["date"] = "2026-03-10"
    response = client.post(reverse("services:log_create"), data)
    log = ServiceLog.objects.get(title="健康讲座")
    assert response.url == reverse("services:log_detail", args=[log.pk])
    assert (log.partner, log.status, log.recorded_by) == (world["a"], LogStatus.SUBMITTED, world["a_user"])


def test_read_only_account_cannot_enter_logs(client, world):
    world["a"].account.read_only = True
    world["a"].account.save()
    client.force_login(world["a_user"])
    response = client.get(reverse("services:log_create"))
    assert response.url == reverse("services:log_list")
    assert client.get(reverse("services:log_list")).status_code == 200


def test_monthly_export_xlsx_and_pdf(client, world):
    client.force_login(world["a_staff"])
    rows = xlsx_rows(
        client.get(reverse("services:log_export", args=[world["a"].pk, 2026, 3, "xlsx"])).content
    )
    assert rows[0][:3] == ["日期", "开始", "结束"]
    assert [r[0] for r in rows[1:]] == ["2026-03-03"]
    assert rows[1][6] == "智能手机课" and rows[1][13] == "待核实"
    text = pdf_text(client.get(reverse("services:log_export", args=[world["a"].pk, 2026, 3, "pdf"])).content)
    assert "公益服务记录表" in text and "智能手机课" in text


def test_progress_pages_table_without_js_and_ranking_scope(client, world):
    client.force_login(world["a_user"])
    response = client.get(reverse("services:progress_index"))
    assert response.url == reverse("services:progress_detail", args=[world["a_agreement"].pk])
    html = client.get(response.url).content.decode()
    assert "2026年1月" in html and '<table class="cards">' in html and "chart.umd.js" in html
    export = reverse("services:log_export", args=[world["a"].pk, 2026, 1, "xlsx"])
    assert f'href="{export}"' in html
    assert (
        client.get(reverse("services:progress_detail", args=[world["b_log"].agreement_id])).status_code == 404
    )


def test_suggestion_box_is_moderated_and_contact_never_shown(client, world):
    partner = world["a"]
    url = reverse("services:feedback_public", args=[partner.pk])
    response = client.post(url, {"rating": "5", "comment": "王老师很耐心", "contact": "13812345678"})
    assert response.status_code == 302
    feedback = Feedback.objects.get(partner=partner)
    assert (feedback.status, feedback.contact) == (FeedbackStatus.PENDING, "13812345678")
    assert "王老师很耐心" not in client.get(url).content.decode()

    from services.domain import feedback_moderate

    feedback_moderate(feedback=feedback, approve=True, by=world["a_staff"])
    html = client.get(url).content.decode()
    assert "王老师很耐心" in html and "13812345678" not in html and "5.0 分" in html


def test_suggestion_box_honeypot_keeps_nothing_and_errors_are_chinese(client, world):
    url = reverse("services:feedback_public", args=[world["a"].pk])
    client.post(url, {"rating": "5", "comment": "广告", "website": "http://spam"})
    assert Feedback.objects.filter(partner=world["a"]).count() == 0
    html = client.post(url, {"comment": "没有评分"}).content.decode()
    assert "该字段是必填项。" in html and "没有评分" in html


def test_suggestion_box_is_rate_limited(client, world):
    url = reverse("services:feedback_public", args=[world["a"].pk])
    statuses = [client.post(url, {"rating": "4", "comment": f"第{i}条"}).status_code for i in range(6)]
    assert statuses == [302, 302, 302, 302, 302, 429]


def test_suggestion_box_double_submit_keeps_one_row(client, world):
    """Issue 18 (9): the same note posted twice (a double click) is one note; same thanks page."""
    url = reverse("services:feedback_public", args=[world["a"].pk])
    note = {"rating": "5", "comment": "王老师很耐心", "contact": "13812345678"}

    first, second = client.post(url, note), client.post(url, note)

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == url + "?thanks=1"
    assert Feedback.objects.filter(partner=world["a"]).count() == 1


@pytest.mark.parametrize(("age", "rows"), [(599, 1), (600, 1), (601, 2)])
def test_suggestion_box_identical_note_after_the_window_is_new(world, settings, monkeypatch, age, rows):
    from django.utils import timezone

    from services.domain import feedback_submit

    assert settings.DUPLICATE_SUBMISSION_SECONDS == 600
    first = feedback_submit(partner=world["a"], rating=5, comment="很好", contact="")
    now = timezone.now()
    Feedback.objects.filter(pk=first.pk).update(created_at=now - dt.timedelta(seconds=age))
    monkeypatch.setattr("portal.db.timezone.now", lambda: now)  # the second note comes at `now` exactly

    feedback_submit(partner=world["a"], rating=5, comment="很好", contact="")

    assert Feedback.objects.filter(partner=world["a"]).count() == rows


def test_suggestion_box_notes_differing_in_anything_are_kept(world):
    from services.domain import feedback_submit

    feedback_submit(partner=world["a"], rating=5, comment="很好", contact="")
    feedback_submit(partner=world["a"], rating=4, comment="很好", contact="")
    feedback_submit(partner=world["a"], rating=5, comment="很好！", contact="")
    feedback_submit(partner=world["a"], rating=5, comment="很好", contact="13900001111")

    assert Feedback.objects.filter(partner=world["a"]).count() == 4


def test_suggestion_box_closed_for_partners_not_serving(client):
    from tests.factories import partner_in_state

    partner = partner_in_state("signing")
    assert client.get(reverse("services:feedback_public", args=[partner.pk])).status_code == 404


def test_observer_records_observation_for_own_community_only(client, world):
    observer = observer_user(world["a"].community)
    client.force_login(observer)
    form = {
        "date": "2026-03-05",
        "seen": "准时，秩序好",
        "punctuality": 5,
        "quality": 4,
        "safety": 5,
        "attitude": 5,
    }
    response = client.post(reverse("services:observation_create"), {**form, "partner": world["b"].pk})
    assert "选择一个有效的选项" in response.content.decode()
    response = client.post(reverse("services:observation_create"), {**form, "partner": world["a"].pk})
    assert response.status_code == 302
    assert Observation.objects.get().partner == world["a"]


@pytest.mark.parametrize("count", [1, 4])
def test_log_list_query_count_is_constant(client, world, count, django_assert_num_queries):
    for i in range(count - 1):
        make_log(world["a"], world["a_agreement"], world["a_space"], date=dt.date(2026, 2, 1 + i))
    client.force_login(world["a_user"])
    cache.clear()
    with django_assert_num_queries(6 + 1):  # +1: which pieces the street runs (the menu), then cached
        client.get(reverse("services:log_list"))
    with django_assert_num_queries(6):
        response = client.get(reverse("services:log_list"))
    assert len(response.context["logs"]) == count


@pytest.mark.parametrize("extra", [0, 5])
def test_dashboard_query_count_does_not_grow_with_logs(client, world, extra, django_assert_num_queries):
    for i in range(extra):
        make_log(world["a"], world["a_agreement"], world["a_space"], date=dt.date(2026, 2, 1 + i))
    client.force_login(world["street"])
    # +1: the satisfaction panel (issue 20, surveys.dashboard), one grouped query at any size.
    with django_assert_num_queries(9 + 1):
        response = client.get(reverse("services:dashboard"))
    monthly = response.context["figures"]["monthly"]
    assert sum(m["events"] for m in monthly) == 1 + extra  # verified logs only (A's March log is not)


def test_dashboard_counts_needs_covered_and_open(client, world):
    from spaces.models import ResidentNeed

    partner = world["a"]
    category = partner.application.service_categories[0]
    phones, _legal = (
        ResidentNeed.objects.create(
            community=partner.community, title=title, category=cat, collection_method="door_to_door"
        )
        for title, cat in [
            ("老人想学用手机", category),
            ("需要法律咨询", "legal_aid" if category != "legal_aid" else "charity"),
        ]
    )
    partner.application.call.needs.add(phones)  # the call A answered listed it: covered
    client.force_login(world["street"])

    needs = client.get(reverse("services:dashboard")).context["figures"]["needs"]

    assert partner.status in ("trial", "active", "renewal_due")
    assert (needs["rows"], needs["total"]) == ([("已有合伙人覆盖", 1), ("尚未覆盖", 1)], 2)


def test_dashboard_figures_filter_and_csv(client, world):
    client.force_login(world["street"])
    response = client.get(reverse("services:dashboard"), {"community": world["b"].community.pk})
    figures = response.context["figures"]
    assert figures["monthly"] == [{"month": "2026-03", "hours": 2, "residents": 10, "events": 1}]
    assert figures["satisfaction"] == {"avg": 4, "n": 1}
    assert figures["stage_rows"] == [(world["b"].community.name, [1])]
    csv_text = client.get(
        reverse("services:dashboard_csv"), {"community": world["b"].community.pk}
    ).content.decode()
    assert "2026-03,2.00,10,1" in csv_text


@pytest.mark.parametrize(
    ("who", "method", "name", "expected"),
    [
        ("anonymous", "get", "dashboard", 302),
        ("partner_a", "get", "dashboard", 403),
        ("observer", "get", "dashboard", 403),
        ("reviewer", "get", "dashboard", 403),
        ("a_staff", "get", "dashboard", 200),
        ("street", "get", "dashboard", 200),
        ("anonymous", "get", "dossier_b", 302),
        ("partner_a", "get", "dossier_b", 404),
        ("a_staff", "get", "dossier_b", 404),
        ("street", "get", "dossier_b", 200),
        ("partner_a", "get", "b_log", 404),
        ("a_staff", "get", "b_log", 404),
        ("partner_b", "get", "b_log", 200),
        ("street", "get", "b_log", 200),
        ("anonymous", "get", "feedback_b", 200),
        ("partner_a", "get", "api_feedback", 200),
        ("anonymous", "get", "api_logs", 403),
        ("reviewer", "get", "progress", 403),
        ("street", "get", "progress", 200),
        ("observer", "get", "observation_new", 200),
        ("partner_a", "get", "observation_new", 403),
        ("a_staff", "get", "admin_logs", 200),
        ("partner_a", "get", "admin_logs", 302),
    ],
)
def test_permission_table(client, world, who, method, name, expected):
    users = {
        "anonymous": None,
        "partner_a": world["a_user"],
        "partner_b": world["b_user"],
        "a_staff": world["a_staff"],
        "street": world["street"],
        "observer": observer_user(world["a"].community),
        "reviewer": role_user(Role.REVIEWER, street=world["a"].community.street),
    }
    urls = {
        "dashboard": reverse("services:dashboard"),
        "dossier_b": reverse("services:dossier", args=[world["b"].pk]),
        "b_log": reverse("services:log_detail", args=[world["b_log"].pk]),
        "feedback_b": reverse("services:feedback_public", args=[world["b"].pk]),
        "api_feedback": "/api/feedback/",
        "api_logs": "/api/service-logs/",
        "progress": reverse("services:progress_index"),
        "observation_new": reverse("services:observation_create"),
        "admin_logs": reverse("admin:services_servicelog_changelist"),
    }
    if users[who] is not None:
        client.force_login(users[who])
    assert getattr(client, method)(urls[name]).status_code == expected


def test_api_staff_review_and_scoped_feedback(client, world):
    client.force_login(world["a_staff"])
    assert [r["id"] for r in client.get("/api/service-logs/").json()["results"]] == [world["a_log"].pk]
    assert client.get("/api/feedback/").json()["results"] == []  # B's feedback is another community's
    response = client.post(f"/api/service-logs/{world['a_log'].pk}/review/", {"decision": "queried"})
    assert (response.status_code, response.json()) == (400, {"detail": ["退回补充或不予认定时请填写意见。"]})
    response = client.post(f"/api/service-logs/{world['a_log'].pk}/review/", {"decision": "verified"})
    assert response.json()["status"] == "verified"


@pytest.mark.parametrize("count", [1, 3])
def test_api_log_list_query_count(client, world, count, django_assert_num_queries):
    for i in range(count - 1):
        make_log(world["a"], world["a_agreement"], world["a_space"], date=dt.date(2026, 2, 1 + i))
    client.force_login(world["a_user"])
    with django_assert_num_queries(6):
        response = client.get("/api/service-logs/")
    assert response.json()["count"] == count


def test_private_files_served_only_to_owner_and_staff_in_scope(client, world):
    from services import domain
    from services.models import LogFileKind

    from .factories import log_data, png_upload

    log = domain.servicelog_create(
        partner=world["a"],
        data=log_data(world["a_space"], date=dt.date(2026, 3, 12)),
        by=world["a_user"],
        today=dt.date(2026, 3, 20),
        files={LogFileKind.PHOTO: [png_upload()]},
    )
    photo = log.files.get()
    url = reverse("services:log_file", args=[photo.pk])
    client.force_login(world["b_user"])
    assert client.get(url).status_code == 404
    client.force_login(community_staff())
    assert client.get(url).status_code == 404
    client.force_login(world["a_user"])
    response = client.get(url + "?thumb=1")
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200,
        "image/jpeg",
        "private, no-store",
    )
    client.force_login(world["a_staff"])
    assert client.get(url)["Content-Type"] == "image/png"


@pytest.mark.parametrize("count", [1, 3])
def test_progress_ranking_page_query_count(client, world, count, django_assert_num_queries):
    from agreements.models import Agreement
    from portal.dates import add_months, local_today

    Agreement.objects.update(start_date=add_months(local_today(), -1), end_date=add_months(local_today(), 5))
    for _ in range(count - 1):
        serving_partner(
            "active",
            community=world["a"].community,
            start=add_months(local_today(), -1),
            end=add_months(local_today(), 5),
        )
    client.force_login(world["street"])
    with django_assert_num_queries(7):
        response = client.get(reverse("services:progress_index"))
    assert len(response.context["ranking"]) == count + 1


@pytest.mark.parametrize("count", [1, 3])
def test_observation_list_query_count(client, world, count, django_assert_num_queries):
    observer = observer_user(world["a"].community)
    for i in range(count):
        Observation.objects.create(
            observer=observer.observer,
            partner=world["a"],
            date=dt.date(2026, 3, 1 + i),
            seen="好",
            punctuality=5,
            quality=5,
            safety=5,
            attitude=5,
        )
    client.force_login(observer)
    with django_assert_num_queries(5):
        response = client.get(reverse("services:observation_list"))
    assert response.content.decode().count("守时") == count


@pytest.mark.parametrize("count", [1, 3])
def test_api_feedback_and_evaluation_lists_query_count(client, world, count, django_assert_num_queries):
    from services.models import Evaluation

    for i in range(count):
        Feedback.objects.create(partner=world["a"], rating=5, comment=f"好{i}")
        Evaluation.objects.create(
            partner=world["a"], kind="ad_hoc", evaluated_on=dt.date(2026, 3, 1 + i), conclusion="pass"
        )
    client.force_login(world["a_staff"])
    with django_assert_num_queries(5):
        assert client.get("/api/feedback/").json()["count"] == count
    with django_assert_num_queries(6):
        assert client.get("/api/evaluations/").json()["count"] == count


def test_api_partner_creates_own_log_and_gets_chinese_errors(client, world):
    client.force_login(world["a_user"])
    payload = {
        "space": world["a_space"].pk,
        "date": "2026-03-11",
        "start_time": "14:00",
        "end_time": "16:00",
        "category": "elderly",
        "title": "接口填报",
        "description": "测试",
        "residents_served": 8,
        "special_group_residents": 0,
        "special_groups": [],
        "cost_basis": "free",
        "volunteers": 0,
    }
    response = client.post("/api/service-logs/", payload, content_type="application/json")
    assert (response.status_code, response.json()["partner"], response.json()["status"]) == (
        201,
        world["a"].pk,
        "submitted",
    )
    response = client.post(
        "/api/service-logs/", {**payload, "date": "2025-06-01"}, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": ["服务日期 2025-06-01 不在协议期内（协议期：2026-01-01–2026-06-30）。"],
            "errors": {"date": ["服务日期 2025-06-01 不在协议期内（协议期：2026-01-01–2026-06-30）。"]},
        },
    )
    client.force_login(world["a_staff"])
    assert client.post("/api/service-logs/", payload, content_type="application/json").status_code == 403


def test_ranking_street_sees_all_community_staff_own(client, world):
    from agreements.models import Agreement
    from portal.dates import add_months, local_today

    Agreement.objects.update(start_date=add_months(local_today(), -1), end_date=add_months(local_today(), 5))
    client.force_login(world["street"])
    names = [p.agreement.partner for p in client.get(reverse("services:progress_index")).context["ranking"]]
    assert sorted(p.pk for p in names) == sorted([world["a"].pk, world["b"].pk])
    client.force_login(world["a_staff"])
    response = client.get(reverse("services:progress_index"))
    names = [p.agreement.partner for p in response.context["ranking"]]
    assert names == [world["a"]]
    page = response.content.decode()  # a card per partner on a phone (cards.css), a table elsewhere
    assert '<table class="cards">' in page and "css/cards.css" in page
    assert (
        f'<td class="card-title" data-label="合伙人"><a href="{reverse("services:progress_detail", args=[response.context["ranking"][0].agreement.pk])}">'
        in page
    )


def test_partner_corrects_queried_log_on_its_page(client, world):
    from services.domain import servicelog_review

    log = world["a_log"]
    servicelog_review(log=log, decision=LogStatus.QUERIED, note="人次与签到表不符", by=world["a_staff"])
    client.force_login(world["a_user"])
    page = client.get(reverse("services:log_edit", args=[log.pk])).content.decode()
    assert "人次与签到表不符" in page and 'value="智能手机课"' in page
    data = {
        "date": "2026-03-03",
        "start_time": "09:00",
        "end_time": "11:00",
        "space": world["a_space"].pk,
        "category": "elderly",
        "title": "智能手机课",
        "description": "课程",
        "residents_served": 8,
        "special_group_residents": 0,
        "cost_basis": "free",
        "volunteers": 0,
    }
    response = client.post(reverse("services:log_edit", args=[log.pk]), data)
    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.status, log.residents_served) == (LogStatus.SUBMITTED, 8)
    servicelog_review(log=log, decision=LogStatus.VERIFIED, by=world["a_staff"])
    assert client.get(reverse("services:log_edit", args=[log.pk])).status_code == 403


def test_partner_sees_own_approved_feedback_without_contact(client, world):
    Feedback.objects.create(partner=world["a"], rating=3, comment="待审核的", status=FeedbackStatus.PENDING)
    Feedback.objects.create(
        partner=world["a"], rating=5, comment="很好", contact="13700001111", status=FeedbackStatus.APPROVED
    )
    client.force_login(world["a_user"])
    html = client.get(reverse("services:partner_feedback")).content.decode()
    assert "很好" in html and "待审核的" not in html and "13700001111" not in html and "B不错" not in html
