"""Staff work in the admin: review actions, evaluation and exit add forms call the domain."""

import datetime as dt

import pytest
from django.urls import reverse

from partners.models import PartnerStatus
from portal.choices import ExitReason
from services.models import Evaluation, LogStatus, PartnerExit, ScoringCriterion
from tests.factories import community_staff, street_staff

from .factories import make_log, serving_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    partner, agreement, space = serving_partner("trial")
    return partner, agreement, space, street_staff(street=partner.community.street)


def test_admin_query_action_needs_a_note_and_records_it(client, setup):
    partner, agreement, space, staff = setup
    log = make_log(partner, agreement, space, date=dt.date(2026, 2, 2), status=LogStatus.SUBMITTED)
    client.force_login(staff)
    url = reverse("admin:services_servicelog_changelist")
    response = client.post(url, {"action": "query", "_selected_action": [log.pk], "note": ""}, follow=True)
    assert "退回补充或不予认定时请填写意见。" in response.content.decode()
    client.post(url, {"action": "query", "_selected_action": [log.pk], "note": "缺少签到表"})
    log.refresh_from_db()
    assert (log.status, log.review_note, log.reviewed_by) == (LogStatus.QUERIED, "缺少签到表", staff)


def test_admin_changelist_hides_other_community_logs(client, setup):
    partner, agreement, space, _staff = setup
    log = make_log(partner, agreement, space, date=dt.date(2026, 2, 2))
    client.force_login(community_staff())
    response = client.get(reverse("admin:services_servicelog_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert client.get(reverse("admin:services_servicelog_change", args=[log.pk])).status_code == 302


def test_admin_evaluation_form_scores_and_moves_partner(client, setup):
    partner, _agreement, _space, staff = setup
    criterion = ScoringCriterion.objects.create(
        street=partner.community.street, name="服务成效", max_score=60
    )
    client.force_login(staff)
    url = reverse("admin:services_evaluation_add")
    form = {
        "partner": partner.pk,
        "kind": "trial",
        "evaluated_on": "2026-06-15",  # within the last month of the 1 Jan – 30 Jun trial
        "conclusion": "pass",
        "remarks": "良好",
        "incidents": "",
    }
    page = client.get(url).content.decode()
    assert "服务成效（满分 60）" in page and "评分表" in page
    response = client.post(url, {**form, f"score_{criterion.pk}": "61"})
    assert "确保该值小于或等于60。" in response.content.decode()
    response = client.post(url, {**form, f"score_{criterion.pk}": "52"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    partner.refresh_from_db()
    assert (evaluation.scores, partner.status) == ({"服务成效": "52"}, PartnerStatus.ACTIVE)


def test_admin_exit_form_shows_refusal_then_exits(client, setup):
    partner, _agreement, _space, staff = setup
    client.force_login(staff)
    url = reverse("admin:services_partnerexit_add")
    form = {
        "partner": partner.pk,
        "reason": ExitReason.FORCED_VIOLATION,
        "exit_date": "2026-03-01",
        "note": "违规",
        "handover_note": "钥匙已收回",
    }
    response = client.post(url, form)
    assert "“违规违纪违法强制退出”需要纪检室签字确认。" in response.content.decode()
    response = client.post(url, {**form, "reason": ExitReason.FORCE_MAJEURE, "note": "房屋征收"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.status, PartnerExit.objects.get().reason) == (PartnerStatus.EXITED, "force_majeure")


def test_admin_staff_enter_log_on_behalf_with_photo(client, setup):
    from services.models import ServiceLog

    from .factories import png_upload

    partner, _agreement, space, _staff = setup
    staff = community_staff(community=partner.community)
    client.force_login(staff)
    url = reverse("admin:services_servicelog_add")
    assert "签到表扫描件" in client.get(url).content.decode()
    form = {
        "partner": partner.pk,
        "space": space.pk,
        "date": "2026-02-03",
        "start_time": "09:00",
        "end_time": "10:30",
        "category": "elderly",
        "title": "代填：健康讲座",
        "description": "讲座",
        "residents_served": "30",
        "special_group_residents": "20",
        "special_groups": ["elderly", "disabled"],
        "cost_basis": "free",
        "volunteers": "1",
        "photos": png_upload(),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    log = ServiceLog.objects.get()
    assert (log.recorded_by, str(log.hours), log.files.count(), log.status, log.special_groups) == (
        staff,
        "1.50",
        1,
        LogStatus.SUBMITTED,
        ["elderly", "disabled"],
    )


def test_admin_appoints_observer_with_role(client, setup):
    from portal.models import Role
    from services.models import Observer
    from tests.factories import UserFactory

    partner, _agreement, _space, _staff = setup
    staff = community_staff(community=partner.community)
    resident = UserFactory(username="jumin9")
    client.force_login(staff)
    response = client.post(
        reverse("admin:services_observer_add"),
        {
            "user": resident.pk,
            "community": partner.community.pk,
            "kind": "party_member",
            "appointed_on": "2026-01-05",
            "active": "on",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (Observer.objects.get().kind, resident.profile.role) == ("party_member", Role.OBSERVER)


@pytest.mark.parametrize(
    "model",
    [
        "servicelog",
        "feedback",
        "evaluation",
        "recognition",
        "observer",
        "observation",
        "scoringcriterion",
        "disciplinesignoff",
        "partnerexit",
        "partneraccount",
        "logolicence",
    ],
)
def test_admin_pages_render_for_street_staff(client, setup, model):
    from django.contrib.admin import site

    _partner, _agreement, _space, staff = setup
    client.force_login(staff)
    assert client.get(reverse(f"admin:services_{model}_changelist")).status_code == 200
    model_admin = next(a for m, a in site._registry.items() if m._meta.model_name == model)
    request = type("R", (), {"user": staff})()
    if model_admin.has_add_permission(request):
        assert client.get(reverse(f"admin:services_{model}_add")).status_code == 200
