"""The satisfaction evaluation (seed 002 六4, seed 003 17): residents on a phone page per partner,
third-party evaluators on their own accounts, results in the dossier and on the dashboard."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from portal.dates import local_today
from portal.domain import street_programmes_apply
from portal.dossier import dossier_sections
from portal.exceptions import ActionRefused
from portal.features import Programme
from portal.models import AuditEvent
from surveys.domain import satisfaction_answer, satisfaction_score
from surveys.models import (
    NeedsSurveySettings,
    Rater,
    SatisfactionAnswer,
    SatisfactionSettings,
    SatisfactionSurvey,
)
from tests.factories import StreetFactory, UserFactory, community_staff, partner_in_state, street_staff

from .factories import make_satisfaction, xuhui_street

pytestmark = pytest.mark.django_db


def _serving(street, state="active"):
    return partner_in_state(state, community=street.communities.get(name="南门社区"))


def _url(partner):
    return reverse("surveys:satisfaction_public", args=[partner.pk])


def _score(survey, partner, score, device, **kwargs):
    return satisfaction_answer(survey=survey, partner=partner, score=score, device=device, **kwargs)


def test_the_changning_preset_runs_the_satisfaction_evaluation_only():
    street = StreetFactory()
    street_programmes_apply(street=street, programmes=[Programme.CHANGNING], by=None)
    assert SatisfactionSettings.for_street(street).enabled
    assert not NeedsSurveySettings.for_street(street).enabled


def test_a_resident_scores_on_the_page_and_a_second_score_from_the_device_counts_once(client):
    street = xuhui_street()
    partner = _serving(street)
    make_satisfaction(street)
    page = client.get(_url(partner))
    assert page.status_code == 200
    assert "5分（非常满意）" in page.content.decode()

    first = client.post(_url(partner), {"score": "5", "comment": "老师很耐心"})
    assert first["Location"].endswith("?thanks=1")
    second = client.post(_url(partner), {"score": "1"})
    assert second["Location"].endswith("?repeat=1")
    answer = SatisfactionAnswer.objects.get()
    assert (answer.rater, answer.score, answer.comment) == (Rater.RESIDENT, 5, "老师很耐心")


def test_scores_run_from_one_to_the_scale_kept_with_the_evaluation():
    street = xuhui_street()
    partner = _serving(street)
    survey = make_satisfaction(street)
    assert survey.scale_max == 5
    settings = SatisfactionSettings.for_street(street)
    settings.scale_max = 10
    settings.save()
    survey.refresh_from_db()
    assert survey.scale_max == 5  # an evaluation keeps the scale it was created with
    _score(survey, partner, 5, "d1")
    _score(survey, partner, 1, "d2")
    for bad in (0, 6):
        with pytest.raises(ValidationError) as refused:
            _score(survey, partner, bad, "d3")
        assert refused.value.message_dict["score"] == ["请选择1至5分。"]
    assert SatisfactionAnswer.objects.count() == 2


def test_the_evaluation_takes_scores_from_its_first_to_its_last_day():
    street = xuhui_street()
    partner = _serving(street)
    survey = make_satisfaction(street)
    _score(survey, partner, 4, "d1", today=survey.opens_on)
    _score(survey, partner, 4, "d2", today=survey.closes_on)
    with pytest.raises(ActionRefused, match="现在不能提交"):
        _score(survey, partner, 4, "d3", today=survey.closes_on + dt.timedelta(days=1))
    assert SatisfactionAnswer.objects.count() == 2


def test_only_serving_partners_of_the_street_are_scored(client):
    street = xuhui_street()
    survey = make_satisfaction(street)
    applicant = partner_in_state("submitted", community=street.communities.first())
    elsewhere = partner_in_state("active", community=xuhui_street().communities.first())
    with pytest.raises(ActionRefused, match="不在本次测评范围内"):
        _score(survey, applicant, 4, "d1")
    with pytest.raises(ActionRefused, match="不在本次测评范围内"):
        _score(survey, elsewhere, 4, "d1")
    assert client.get(_url(applicant)).status_code == 404


def test_without_an_open_evaluation_the_page_points_to_the_suggestion_box(client):
    street = xuhui_street()
    partner = _serving(street)
    page = client.get(_url(partner)).content.decode()
    assert "目前没有进行中的满意度测评" in page
    assert client.post(_url(partner), {"score": "5"}).status_code == 200
    assert not SatisfactionAnswer.objects.exists()


def test_bad_input_is_explained_and_nothing_is_kept(client):
    street = xuhui_street()
    partner = _serving(street)
    make_satisfaction(street)
    response = client.post(_url(partner), {"comment": "很好", "phone": "999"})
    page = response.content.decode()
    assert "请选择满意度评分。" in page and "很好" in page
    response = client.post(_url(partner), {"score": "4", "phone": "999"})
    assert "请填写11位手机号码，或留空。" in response.content.decode()
    assert not SatisfactionAnswer.objects.exists()


def test_turned_off_the_page_is_gone_and_the_scores_stay_in_the_dossier(
    client, django_capture_on_commit_callbacks
):
    street = xuhui_street()
    partner = _serving(street)
    survey = make_satisfaction(street)
    _score(survey, partner, 4, "d1")
    with django_capture_on_commit_callbacks(execute=True):
        street_programmes_apply(street=street, programmes=[], by=None)
    assert client.get(_url(partner)).status_code == 404
    with pytest.raises(ActionRefused, match="本街道未启用满意度测评"):
        _score(survey, partner, 4, "d2")
    assert SatisfactionAnswer.objects.count() == 1
    assert any(section.key == "satisfaction" for section in dossier_sections(partner))


# --- Third-party evaluators ----------------------------------------------------------------


def test_an_assigned_evaluator_scores_and_may_revise_while_open(client):
    street = xuhui_street()
    partner = _serving(street)
    evaluator = UserFactory(first_name="评估员甲")
    survey = make_satisfaction(street, evaluators=[evaluator])
    client.force_login(evaluator)
    home = client.get(reverse("surveys:evaluator_home"))
    assert partner.name in home.content.decode()
    url = reverse("surveys:evaluator_score", args=[survey.pk, partner.pk])
    assert client.post(url, {"score": "3", "comment": "记录不全"}).status_code == 302
    assert client.post(url, {"score": "4", "comment": "已补齐"}).status_code == 302

    answer = SatisfactionAnswer.objects.get()
    assert (answer.rater, answer.evaluator, answer.score, answer.comment) == (
        Rater.EVALUATOR,
        evaluator,
        4,
        "已补齐",
    )
    events = AuditEvent.objects.filter(action="surveys.satisfaction.scored").order_by("pk")
    assert [(e.from_state, e.to_state) for e in events] == [("", "3"), ("3", "4")]


def test_evaluators_not_assigned_and_staff_may_not_score(client):
    street = xuhui_street()
    partner = _serving(street)
    survey = make_satisfaction(street, evaluators=[UserFactory()])
    url = reverse("surveys:evaluator_score", args=[survey.pk, partner.pk])
    assert client.get(url).status_code == 302  # to the login page
    for user in (UserFactory(), street_staff(street=street)):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"score": "5"}).status_code == 403
        assert client.get(reverse("surveys:evaluator_home")).status_code == 403
    with pytest.raises(ActionRefused, match="您不是本次测评的评估人员"):
        satisfaction_score(survey=survey, partner=partner, score=5, by=street_staff(street=street))
    assert not SatisfactionAnswer.objects.exists()


def test_an_evaluator_is_sent_to_the_scoring_page_after_logging_in(client):
    evaluator = UserFactory()
    make_satisfaction(xuhui_street(), evaluators=[evaluator])
    client.force_login(evaluator)
    assert client.get(reverse("after-login"))["Location"] == "/surveys/evaluate/"


# --- Results -------------------------------------------------------------------------------


def _scored_partner():
    street = xuhui_street()
    partner = _serving(street)
    evaluator = UserFactory()
    survey = make_satisfaction(street, evaluators=[evaluator], evaluator_organisation="某某评估中心")
    for i, score in enumerate([5, 4, 4]):
        _score(survey, partner, score, f"d{i}")
    satisfaction_score(survey=survey, partner=partner, score=3, by=evaluator)
    return street, partner, survey


def test_the_dossier_shows_the_average_count_and_distribution(client):
    street, partner, survey = _scored_partner()
    section = next(s for s in dossier_sections(partner) if s.key == "satisfaction")
    (entry,) = section.entries
    assert entry.title == f"{survey.year}年满意度测评"
    assert entry.detail == (
        "居民3人，平均4.33分（满分5分）；分布：5分1人、4分2人、3分0人、2分0人、1分0人。"
        "居民答卷少于10份，样本不足。"
        "第三方评估机构某某评估中心评分1份，平均3.00分。"
    )
    client.force_login(street_staff(street=street))
    page = client.get(reverse("services:dossier", args=[partner.pk])).content.decode()
    assert "居民3人，平均4.33分" in page


def test_ten_resident_answers_are_a_sufficient_sample():
    street = xuhui_street()
    partner = _serving(street)
    survey = make_satisfaction(street)
    for i in range(10):
        _score(survey, partner, 5, f"d{i}")
    detail = next(s for s in dossier_sections(partner) if s.key == "satisfaction").entries[0].detail
    assert "居民10人，平均5.00分" in detail and "样本不足" not in detail


def test_the_dashboard_shows_a_figure_per_community_and_per_partner(client):
    street, partner, survey = _scored_partner()
    client.force_login(street_staff(street=street))
    panel = next(
        p for p in client.get(reverse("services:dashboard")).context["panels"] if p.key == "satisfaction"
    )
    assert panel.headers[0] == "社区"
    assert panel.rows == [["南门社区", "3", "4.33", "5分1人、4分2人、3分0人、2分0人、1分0人", "3.00"]]

    client.force_login(community_staff(community=partner.community))
    panel = next(
        p for p in client.get(reverse("services:dashboard")).context["panels"] if p.key == "satisfaction"
    )
    assert panel.headers[0] == "合伙人"
    assert panel.rows[0][0] == partner.name


def test_the_dashboard_xlsx_has_the_satisfaction_table_as_a_sheet(client):
    street, partner, survey = _scored_partner()
    client.force_login(street_staff(street=street))
    panel = next(
        p for p in client.get(reverse("services:dashboard")).context["panels"] if p.key == "satisfaction"
    )

    workbook = load_workbook(io.BytesIO(client.get(reverse("services:dashboard_xlsx")).content))

    assert workbook.sheetnames[:4] == ["每月服务", "各阶段合伙人", "空间与满意度", "居民需求"]
    sheet = [list(r) for r in workbook[workbook.sheetnames[4]].iter_rows(values_only=True)]
    assert workbook.sheetnames[4] == str(panel.title)[:31]
    assert sheet[0][0].startswith(f"服务统计·{panel.title}台账（筛选：")
    assert sheet[1:] == [
        list(panel.headers),
        ["南门社区", "3", "4.33", "5分1人、4分2人、3分0人、2分0人、1分0人", "3.00"],
    ]


def test_the_dashboard_shows_no_satisfaction_table_where_nothing_was_scored(client):
    _scored_partner()
    other = xuhui_street()
    client.force_login(street_staff(street=other))
    assert client.get(reverse("services:dashboard")).context["panels"] == []


def test_staff_see_their_street_s_evaluations_and_scores_only(client):
    street, partner, survey = _scored_partner()
    client.force_login(street_staff(street=xuhui_street()))
    assert (
        list(client.get(reverse("admin:surveys_satisfactionsurvey_changelist")).context["cl"].result_list)
        == []
    )
    assert (
        list(client.get(reverse("admin:surveys_satisfactionanswer_changelist")).context["cl"].result_list)
        == []
    )
    assert client.get(reverse("admin:surveys_satisfactionsurvey_change", args=[survey.pk])).status_code == 302

    client.force_login(street_staff(street=street))
    page = client.get(reverse("admin:surveys_satisfactionsurvey_change", args=[survey.pk])).content.decode()
    assert "4.33" in page and "5分1人、4分2人" in page
    poster = client.get(reverse("admin:surveys_satisfaction_poster", args=[survey.pk, partner.pk]))
    assert poster["Content-Type"] == "application/pdf"


def test_once_a_year_per_street():
    street = xuhui_street()
    make_satisfaction(street)
    with pytest.raises(ValidationError):
        make_satisfaction(street, title="又一次")
    assert SatisfactionSurvey.objects.count() == 1


def test_the_dashboard_period_picks_the_evaluation_years(client):
    street, partner, survey = _scored_partner()
    client.force_login(street_staff(street=street))
    last_year = f"{local_today().year - 1}-01"
    panels = client.get(reverse("services:dashboard"), {"start": last_year, "end": last_year}).context[
        "panels"
    ]
    assert panels == []
