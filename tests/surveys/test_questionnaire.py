"""The needs questionnaire (seed 002 六2): a phone page without an account, one answer per
device or phone, a shortlist per community confirmed into the needs list and a draft call."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calls.models import CallStatus
from portal.dates import local_today
from portal.domain import street_programmes_apply
from portal.exceptions import ActionRefused
from portal.models import AuditEvent, Community
from spaces.models import CollectionMethod, ResidentNeed
from surveys.domain import questionnaire_answer, questionnaire_confirm, questionnaire_tally
from surveys.models import NeedsSurveySettings, Questionnaire, QuestionnaireAnswer, ShortlistEntry
from surveys.public import SURVEY_DEVICE_COOKIE
from tests.factories import RecruitmentCallFactory, StreetFactory, community_staff, street_staff

from .factories import make_questionnaire, xuhui_street

pytestmark = pytest.mark.django_db


def _url(questionnaire):
    return reverse("surveys:questionnaire_public", args=[questionnaire.pk])


def _community(street, name="南门社区"):
    return Community.objects.get(street=street, name=name)


def _answer(questionnaire, community, categories, device, **kwargs):
    return questionnaire_answer(
        questionnaire=questionnaire, community=community, categories=categories, device=device, **kwargs
    )


# --- The phone page ---------------------------------------------------------------------


def test_a_resident_answers_on_the_page_and_a_second_answer_from_the_device_counts_once(client):
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    community = _community(street)
    page = client.get(_url(questionnaire))
    assert page.status_code == 200
    assert "邻里汇服务需求征询" in page.content.decode()

    data = {"community": community.pk, "categories": ["elderly", "childcare"], "other_needs": "希望有助餐点"}
    first = client.post(_url(questionnaire), data)
    assert first.status_code == 302 and first["Location"].endswith("?thanks=1")
    assert SURVEY_DEVICE_COOKIE in first.cookies
    second = client.post(_url(questionnaire), {**data, "categories": ["legal_aid"]})
    assert second["Location"].endswith("?repeat=1")

    answer = QuestionnaireAnswer.objects.get()
    assert answer.categories == ["elderly", "childcare"]  # the first answer stands
    assert "您已提交过本问卷，本次没有重复计入" in client.get(second["Location"]).content.decode()


def test_the_same_phone_on_another_device_counts_once_and_is_not_stored(client):
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    community = _community(street)
    data = {"community": community.pk, "categories": ["elderly"], "phone": "138 1234 5678"}
    assert client.post(_url(questionnaire), data)["Location"].endswith("?thanks=1")
    client.cookies.clear()  # another phone, or the cookie deleted
    assert client.post(_url(questionnaire), {**data, "phone": "13812345678"})["Location"].endswith(
        "?repeat=1"
    )
    client.cookies.clear()
    assert client.post(_url(questionnaire), {**data, "phone": ""})["Location"].endswith("?thanks=1")

    assert QuestionnaireAnswer.objects.count() == 2
    hashes = list(QuestionnaireAnswer.objects.values_list("phone_hash", flat=True))
    assert "13812345678" not in "".join(hashes)
    assert sorted(len(h) for h in hashes) == [0, 64]


def test_bad_input_is_explained_and_what_was_typed_is_kept(client):
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    response = client.post(
        _url(questionnaire),
        {"community": "", "categories": ["elderly"], "other_needs": "助餐", "phone": "12345"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请选择您所在的社区。" in page
    assert "助餐" in page
    assert not QuestionnaireAnswer.objects.exists()

    response = client.post(
        _url(questionnaire), {"community": _community(street).pk, "categories": ["elderly"], "phone": "12345"}
    )
    assert "请填写11位手机号码，或留空。" in response.content.decode()
    assert not QuestionnaireAnswer.objects.exists()


def test_at_most_max_choices_categories(client):
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    assert NeedsSurveySettings.for_street(street).max_choices == 3
    community = _community(street)
    four = ["elderly", "childcare", "legal_aid", "counselling"]
    with pytest.raises(ValidationError) as refused:
        _answer(questionnaire, community, four, "device-a")
    assert refused.value.message_dict["categories"] == ["最多选择3项（您选了4项）。"]
    _answer(questionnaire, community, four[:3], "device-b")
    assert QuestionnaireAnswer.objects.count() == 1


def test_nothing_chosen_and_nothing_written_is_refused():
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    with pytest.raises(ValidationError, match="请至少选择一项服务"):
        _answer(questionnaire, _community(street), [], "device-a")
    answer, counted = _answer(questionnaire, _community(street), [], "device-b", other_needs="社区食堂")
    assert counted and answer.other_needs == "社区食堂"


def test_a_community_questionnaire_takes_answers_for_its_community_only():
    street = xuhui_street()
    nanmen, beishan = _community(street), _community(street, "北山社区")
    questionnaire = make_questionnaire(street, community=nanmen)
    with pytest.raises(ValidationError, match="请选择您所在的社区"):
        _answer(questionnaire, beishan, ["elderly"], "device-a")
    _answer(questionnaire, nanmen, ["elderly"], "device-b")


def test_the_questionnaire_takes_answers_from_its_first_to_its_last_day():
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    community = _community(street)
    _answer(questionnaire, community, ["elderly"], "d1", today=questionnaire.opens_on)
    _answer(questionnaire, community, ["elderly"], "d2", today=questionnaire.closes_on)
    for day in (
        questionnaire.opens_on - dt.timedelta(days=1),
        questionnaire.closes_on + dt.timedelta(days=1),
    ):
        with pytest.raises(ActionRefused, match="现在不能提交"):
            _answer(questionnaire, community, ["elderly"], "d3", today=day)
    assert QuestionnaireAnswer.objects.count() == 2


def test_a_closed_questionnaire_shows_no_form(client):
    street = xuhui_street()
    today = local_today()
    questionnaire = make_questionnaire(
        street, opens_on=today - dt.timedelta(days=10), closes_on=today - dt.timedelta(days=1)
    )
    response = client.post(
        _url(questionnaire), {"community": _community(street).pk, "categories": ["elderly"]}
    )
    assert "本问卷目前不在填写时间内。" in response.content.decode()
    assert not QuestionnaireAnswer.objects.exists()


def test_open_at_most_max_days(client):
    street = xuhui_street()
    today = local_today()
    limit = NeedsSurveySettings.for_street(street).max_days_open
    make_questionnaire(street, opens_on=today, closes_on=today + dt.timedelta(days=limit - 1))
    with pytest.raises(ValidationError) as refused:
        make_questionnaire(
            street,
            community=_community(street),
            opens_on=today,
            closes_on=today + dt.timedelta(days=limit),
        )
    assert refused.value.message_dict["closes_on"] == [f"问卷最长开放{limit}天（本次{limit + 1}天）。"]


def test_once_a_year_per_street():
    street = xuhui_street()
    make_questionnaire(street)
    with pytest.raises(ValidationError):
        make_questionnaire(street, title="又一份")
    assert Questionnaire.objects.count() == 1


# --- Switched off -----------------------------------------------------------------------


def test_a_street_without_the_programme_has_no_page_and_cannot_create_one(client):
    street = StreetFactory()
    with pytest.raises(ActionRefused, match="本街道未启用需求征询问卷"):
        make_questionnaire(street)


def test_turned_off_the_page_is_gone_and_the_answers_are_kept(client, django_capture_on_commit_callbacks):
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    _answer(questionnaire, _community(street), ["elderly"], "device-a")
    assert client.get(_url(questionnaire)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):  # the cached page goes when the switch commits
        street_programmes_apply(street=street, programmes=[], by=None)

    assert client.get(_url(questionnaire)).status_code == 404
    post = client.post(_url(questionnaire), {"community": _community(street).pk, "categories": ["elderly"]})
    assert post.status_code == 404
    assert QuestionnaireAnswer.objects.count() == 1
    assert Questionnaire.objects.filter(pk=questionnaire.pk).exists()
    staff = street_staff(street=street)
    client.force_login(staff)
    listed = client.get(reverse("admin:surveys_questionnaireanswer_changelist"))
    assert listed.status_code == 200 and "南门社区" in listed.content.decode()


# --- The shortlist and the needs list -----------------------------------------------------


def _closed_with_answers(street, counts):
    """A questionnaire closed yesterday, with `counts` {(community name, category): answers}."""
    questionnaire = make_questionnaire(street)
    n = 0
    for (name, category), answers in counts.items():
        for _i in range(answers):
            n += 1
            _answer(questionnaire, _community(street, name), [category], f"device-{n}")
    yesterday = local_today() - dt.timedelta(days=1)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(closes_on=yesterday, opens_on=yesterday)
    questionnaire.refresh_from_db()
    return questionnaire


def test_a_category_chosen_by_min_answers_is_shortlisted_one_less_is_not():
    street = xuhui_street()
    minimum = NeedsSurveySettings.for_street(street).min_answers
    questionnaire = _closed_with_answers(
        street,
        {
            ("南门社区", "elderly"): minimum,
            ("南门社区", "childcare"): minimum - 1,
            ("北山社区", "elderly"): 1,
        },
    )
    tally = questionnaire_tally(questionnaire)
    assert tally.answers == 2 * minimum
    assert [(r.community.name, r.category, r.count, r.shortlisted) for r in tally.rows] == [
        ("北山社区", "elderly", 1, False),
        ("南门社区", "elderly", minimum, True),
        ("南门社区", "childcare", minimum - 1, False),
    ]


def test_confirming_lists_the_shortlist_in_the_needs_list_once():
    street = xuhui_street()
    staff = street_staff(street=street)
    questionnaire = _closed_with_answers(
        street, {("南门社区", "elderly"): 4, ("北山社区", "culture_sports"): 3}
    )

    created = questionnaire_confirm(questionnaire=questionnaire, by=staff)

    assert sorted((n.community.name, n.category, n.residents_count) for n in created) == [
        ("北山社区", "culture_sports", 3),
        ("南门社区", "elderly", 4),
    ]
    need = ResidentNeed.objects.get(category="elderly")
    assert need.collection_method == CollectionMethod.QUESTIONNAIRE
    assert need.title == f"为老服务（{questionnaire.year}年需求征询，4人选择）"
    assert ShortlistEntry.objects.count() == 2
    assert AuditEvent.objects.filter(action="surveys.questionnaire.confirmed", actor=staff).count() == 1
    assert AuditEvent.objects.filter(action="spaces.need.created").count() == 2
    with pytest.raises(ActionRefused, match="没有新的入选需求可确认"):
        questionnaire_confirm(questionnaire=questionnaire, by=staff)
    assert ResidentNeed.objects.count() == 2


def test_confirming_waits_for_the_day_after_the_questionnaire_closes():
    street = xuhui_street()
    staff = street_staff(street=street)
    questionnaire = _closed_with_answers(street, {("南门社区", "elderly"): 3})
    with pytest.raises(ActionRefused, match="截止后才能确认"):
        questionnaire_confirm(questionnaire=questionnaire, by=staff, today=questionnaire.closes_on)
    assert not ResidentNeed.objects.exists()
    questionnaire_confirm(
        questionnaire=questionnaire, by=staff, today=questionnaire.closes_on + dt.timedelta(days=1)
    )
    assert ResidentNeed.objects.count() == 1


def test_confirmed_needs_are_listed_on_a_draft_call_of_the_street():
    street = xuhui_street()
    staff = street_staff(street=street)
    questionnaire = _closed_with_answers(street, {("南门社区", "elderly"): 3})
    call = RecruitmentCallFactory(street=street, status=CallStatus.DRAFT)
    published = RecruitmentCallFactory(street=street, status=CallStatus.PUBLISHED)
    other = RecruitmentCallFactory(street=StreetFactory(), status=CallStatus.DRAFT)

    with pytest.raises(ActionRefused, match="草稿状态"):
        questionnaire_confirm(questionnaire=questionnaire, by=staff, call=published)
    with pytest.raises(ValidationError, match="不属于"):
        questionnaire_confirm(questionnaire=questionnaire, by=staff, call=other)
    assert not ResidentNeed.objects.exists()  # a refusal keeps nothing of the attempt

    created = questionnaire_confirm(questionnaire=questionnaire, by=staff, call=call)
    assert list(call.needs.all()) == created
    assert not published.needs.exists()


def test_staff_confirm_on_the_shortlist_page(client):
    street = xuhui_street()
    staff = street_staff(street=street)
    questionnaire = _closed_with_answers(street, {("南门社区", "elderly"): 3, ("南门社区", "childcare"): 1})
    call = RecruitmentCallFactory(street=street, status=CallStatus.DRAFT)
    client.force_login(staff)
    url = reverse("admin:surveys_questionnaire_confirm", args=[questionnaire.pk])
    page = client.get(url).content.decode()
    assert "入选，待确认" in page and "未达入选人数" in page
    response = client.post(url, {"call": call.pk}, follow=True)
    assert "已列入居民需求清单 1 条。" in response.content.decode()
    assert call.needs.get().category == "elderly"


def test_staff_see_their_street_s_questionnaires_and_their_community_s_answers(client):
    street = xuhui_street()
    questionnaire = _closed_with_answers(street, {("南门社区", "elderly"): 3, ("北山社区", "elderly"): 2})
    client.force_login(street_staff(street=xuhui_street()))
    assert (
        client.get(reverse("admin:surveys_questionnaire_confirm", args=[questionnaire.pk])).status_code == 404
    )
    assert list(client.get(reverse("admin:surveys_questionnaire_changelist")).context["cl"].result_list) == []
    assert (
        list(client.get(reverse("admin:surveys_questionnaireanswer_changelist")).context["cl"].result_list)
        == []
    )

    client.force_login(community_staff(community=_community(street, "北山社区")))
    answers = client.get(reverse("admin:surveys_questionnaireanswer_changelist")).context["cl"].result_list
    assert {a.community.name for a in answers} == {"北山社区"} and len(answers) == 2
    # The street-wide questionnaire is the street's: community staff read it, but do not confirm it.
    assert list(client.get(reverse("admin:surveys_questionnaire_changelist")).context["cl"].result_list) == [
        questionnaire
    ]
    assert (
        client.get(reverse("admin:surveys_questionnaire_confirm", args=[questionnaire.pk])).status_code == 403
    )
