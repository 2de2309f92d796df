"""The scoring page /review/: access, the forms, privacy of scores, exports."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from calls.models import ApplicationDocument
from partners.models import PartnerStatus
from portal.models import Role
from reviews.domain import roadshow_close_scoring
from reviews.models import ScoreSheet, SheetStatus
from tests.factories import community_staff, role_user, street_staff
from tests.utils import pdf_text, xlsx_rows

from .conftest import give_score
from .factories import reviewer, setup_roadshow

pytestmark = pytest.mark.django_db


def score_url(roadshow, partner):
    return reverse("reviews:score", args=[roadshow.pk, partner.pk])


def test_reviewer_not_on_the_panel_gets_403(client):
    roadshow, _staff, (partner,), _members = setup_roadshow()
    client.force_login(reviewer())

    assert client.get(reverse("reviews:roadshow", args=[roadshow.pk])).status_code == 403
    assert client.get(score_url(roadshow, partner)).status_code == 403
    assert client.get(reverse("reviews:results", args=[roadshow.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("reviews:home"))

    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/review/")


def test_declare_then_save_draft_then_submit(client):
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["expert"][0]
    client.force_login(member.user)
    url = score_url(roadshow, partner)
    first, second, third = roadshow.rubric.criteria.all()

    page = client.get(url).content.decode()
    assert "利益冲突声明" in page and "提交评分" not in page

    client.post(url, {"action": "declare", "d-has_conflict": "no", "d-note": ""})
    response = client.post(url, {"action": "save", f"criterion_{first.pk}": "35", "comment": "思路清晰"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'value="35.00"' in page and "思路清晰" in page

    scores = {f"criterion_{first.pk}": "35", f"criterion_{second.pk}": "25", f"criterion_{third.pk}": "20.5"}
    # 提交 shows the confirmation step (issue 19); 确认提交 locks.
    response = client.post(url, {"action": "submit", **scores})
    assert response.status_code == 200 and "确认提交" in response.content.decode()
    response = client.post(url, {"action": "confirm", **scores})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(member=member, partner=partner)
    assert sheet.status == SheetStatus.SUBMITTED
    page = client.get(url).content.decode()
    assert "评分表已提交并锁定。" in page and 'name="action" value="submit"' not in page


def test_score_above_maximum_shows_the_message_next_to_the_field_and_keeps_input(client):
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["social"][0]
    client.force_login(member.user)
    url = score_url(roadshow, partner)
    first, second, _third = roadshow.rubric.criteria.all()
    client.post(url, {"action": "declare", "d-has_conflict": "no"})

    response = client.post(
        url,
        {
            "action": "save",
            f"criterion_{first.pk}": "41",
            f"criterion_{second.pk}": "-2",
            "comment": "草稿意见",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "得分不能超过满分 40 分。" in page and "得分不能为负数。" in page
    assert 'value="41"' in page and "草稿意见" in page
    assert not ScoreSheet.objects.exists()


def test_conflict_declared_on_the_page_hides_the_form(client):
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["expert"][1]
    client.force_login(member.user)
    url = score_url(roadshow, partner)

    response = client.post(url, {"action": "declare", "d-has_conflict": "yes", "d-note": ""})
    assert "请简要说明利益关系。" in response.content.decode()

    client.post(url, {"action": "declare", "d-has_conflict": "yes", "d-note": "系该机构理事"})
    page = client.get(url).content.decode()
    assert "本项回避评分" in page and "criterion_" not in page


def test_reviewer_never_sees_other_scores_until_closed(client):
    roadshow, staff, (partner,), members = setup_roadshow()
    for member, total in zip(members["expert"] + members["social"], [81, 82, 83, 64, 65, 66], strict=True):
        give_score(member, partner, total)
    me = members["expert"][0]
    client.force_login(me.user)

    page = client.get(score_url(roadshow, partner)).content.decode()
    # Others' criterion scores (82 → 32.80/24.60, 83 → 33.20/24.90, 64 → 25.60/19.20, …) never show.
    others = ["32.80", "24.60", "33.20", "24.90", "25.60", "19.20", "26.00", "19.50", "26.40", "19.80"]
    assert "32.40" in page and [v for v in others if v in page] == []
    assert client.get(reverse("reviews:results", args=[roadshow.pk])).status_code == 403
    assert client.get(reverse("reviews:results_xlsx", args=[roadshow.pk])).status_code == 403

    roadshow_close_scoring(roadshow=roadshow, by=staff)
    page = client.get(reverse("reviews:results", args=[roadshow.pk])).content.decode()
    assert "82.00" in page and "83.00" in page


def test_documents_are_served_only_to_the_panel(client, settings):
    roadshow, _staff, (partner,), members = setup_roadshow()
    document = ApplicationDocument(
        application=partner.application, kind="project_plan", original_name="计划书.pdf", size=20
    )
    document.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
    url = reverse("reviews:document", args=[roadshow.pk, partner.pk, document.pk])

    client.force_login(members["social"][0].user)
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    client.force_login(reviewer())
    assert client.get(url).status_code == 403


def test_results_pdf_and_xlsx_after_closing(client):
    roadshow, staff, (partner,), members = setup_roadshow()
    for member, total in zip(members["expert"] + members["social"], [80, 90, 70, 60, 70, 65], strict=True):
        give_score(member, partner, total)
    roadshow_close_scoring(roadshow=roadshow, by=staff)
    client.force_login(staff)

    text = pdf_text(client.get(reverse("reviews:results_pdf", args=[roadshow.pk])).content)
    flat = "".join(text.split())  # table cells wrap names across lines
    assert "路演评分结果" in text and partner.name in flat and "74.00" in flat
    assert "专家评审组签字" in text and "社会评审组签字" in text and "评审人签字" in text

    rows = xlsx_rows(client.get(reverse("reviews:results_xlsx", args=[roadshow.pk])).content)
    assert rows[0][:5] == ["排名", "出场顺序", "申请编号", "申请主体", "项目名称"]
    assert rows[1][0] == 1 and rows[1][3] == partner.name and rows[1][-3:] == [80.0, 65.0, 74.0]
    partner.refresh_from_db()
    assert (partner.status, partner.composite_score) == (PartnerStatus.SCORED, Decimal("74.00"))


def test_shortlist_pdf_and_xlsx(client):
    roadshow, staff, (partner,), _members = setup_roadshow(open_scoring=False)
    client.force_login(staff)

    query = {"call": partner.application.call.pk}
    text = pdf_text(client.get(reverse("reviews:shortlist_pdf"), query).content)
    assert "入围名单" in text and partner.name in "".join(text.split())
    rows = xlsx_rows(client.get(reverse("reviews:shortlist_xlsx"), query).content)
    assert rows[1][1:3] == [partner.reference, partner.name]


def test_shortlist_pdf_lists_only_the_chosen_calls_applicants(client):
    from partners import guards
    from partners.domain import partner_transition
    from portal.choices import ExitReason
    from tests.factories import CommunityFactory, RecruitmentCallFactory, partner_in_state

    community = CommunityFactory()
    staff = street_staff(street=community.street)
    spring = RecruitmentCallFactory(street=community.street, title="2026年春季招募")
    autumn = RecruitmentCallFactory(street=community.street, title="2026年秋季招募")
    left = partner_in_state("active", community=community, application__call=spring, by=staff)
    with guards.facts_forced({"violation_signed_off": True}):
        partner_transition(
            partner=left,
            transition="exit",
            by=staff,
            note="书面申请",
            reason=ExitReason.REQUESTED,
            procedure="services.partner_exit",  # standing in for the exit procedure
        )
    stays = partner_in_state("shortlisted", community=community, application__call=spring, by=staff)
    refused = partner_in_state("rejected", community=community, application__call=spring, by=staff)
    other = partner_in_state("shortlisted", community=community, application__call=autumn, by=staff)
    client.force_login(staff)

    spring_text = "".join(
        pdf_text(client.get(reverse("reviews:shortlist_pdf"), {"call": spring.pk}).content).split()
    )
    autumn_text = "".join(
        pdf_text(client.get(reverse("reviews:shortlist_pdf"), {"call": autumn.pk}).content).split()
    )

    assert "招募公告：2026年春季招募" in spring_text and "入围确定日期" in spring_text
    assert left.name in spring_text and stays.name in spring_text and "已退出" in spring_text
    assert refused.name not in spring_text and other.name not in spring_text
    assert "招募公告：2026年秋季招募" in autumn_text
    assert other.name in autumn_text and left.name not in autumn_text and stays.name not in autumn_text


def test_shortlist_without_a_call_asks_to_choose_one(client):
    staff = street_staff()
    client.force_login(staff)

    response = client.get(reverse("reviews:shortlist_pdf"), follow=True)

    assert response.redirect_chain[0][0] == reverse("admin:reviews_vetting_board")
    assert "请先选择招募公告（批次），再导出该批次的入围名单。" in response.content.decode()


def test_shortlist_of_another_streets_call_is_not_found(client):
    from tests.factories import partner_in_state

    partner = partner_in_state("shortlisted")
    client.force_login(street_staff())

    response = client.get(reverse("reviews:shortlist_pdf"), {"call": partner.application.call.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_scoring_list_query_count(client, django_assert_num_queries, count):
    me = reviewer()
    for _ in range(count):
        roadshow, _staff, _partners, members = setup_roadshow()
        seat = members["expert"][0]
        seat.user = me
        seat.save()
    client.force_login(me)

    # session, user, profile, seats with their roadshows, the desk (departments, missing sheets,
    # filings to acknowledge)
    with django_assert_num_queries(7):
        response = client.get(reverse("reviews:home"))

    assert response.content.decode().count('class="card"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_roadshow_page_query_count(client, django_assert_num_queries, count):
    roadshow, _staff, partners, members = setup_roadshow(partners=count)
    me = members["expert"][0]
    for partner in partners:
        give_score(me, partner, 80)
    client.force_login(me.user)

    with django_assert_num_queries(6):
        response = client.get(reverse("reviews:roadshow", args=[roadshow.pk]))

    assert response.content.decode().count("已提交") == count


def _world():
    """Two streets' roadshows, so a leak would show."""
    roadshow, staff, (partner,), members = setup_roadshow()
    other, other_staff, (other_partner,), other_members = setup_roadshow()
    return {
        "roadshow": roadshow,
        "partner": partner,
        "member": members["expert"][0].user,
        "staff": staff,
        "other_staff": other_staff,
        "community_staff": community_staff(community=partner.community),
        "reviewer": reviewer(),
        "observer": role_user(Role.OBSERVER),
        "other_member": other_members["social"][0].user,
    }


PERMISSIONS = [
    # (who, url name, expected)
    ("member", "home", 200),
    ("member", "roadshow", 200),
    ("member", "score", 200),
    ("member", "results", 403),
    ("other_member", "roadshow", 403),
    ("other_member", "score", 403),
    ("reviewer", "home", 200),
    ("reviewer", "roadshow", 403),
    ("reviewer", "score", 403),
    ("observer", "home", 403),
    ("observer", "roadshow", 403),
    ("community_staff", "home", 302),
    ("community_staff", "score", 403),
    ("community_staff", "results", 403),
    ("community_staff", "shortlist_pdf", 403),
    ("staff", "results", 200),
    ("staff", "score", 403),
    ("staff", "shortlist_xlsx", 200),
    ("staff", "shortlist_pdf", 200),
    ("other_staff", "shortlist_pdf", 404),
    ("other_staff", "results", 403),
    ("other_staff", "roadshow", 403),
]


@pytest.mark.parametrize(("who", "name", "expected"), PERMISSIONS)
def test_permission_table(client, who, name, expected):
    world = _world()
    client.force_login(world[who])
    args = {
        "home": [],
        "shortlist_pdf": [],
        "shortlist_xlsx": [],
        "roadshow": [world["roadshow"].pk],
        "results": [world["roadshow"].pk],
        "score": [world["roadshow"].pk, world["partner"].pk],
    }[name]

    query = {"call": world["partner"].application.call.pk} if name.startswith("shortlist") else {}
    assert client.get(reverse(f"reviews:{name}", args=args), query).status_code == expected


def test_street_staff_of_one_street_cannot_close_another(client):
    from django.core.exceptions import PermissionDenied

    roadshow, _staff, _partners, _members = setup_roadshow()
    with pytest.raises(PermissionDenied):
        roadshow_close_scoring(roadshow=roadshow, by=street_staff())


@pytest.mark.parametrize("count", [1, 3])
def test_results_page_query_count(client, django_assert_num_queries, count):
    roadshow, staff, partners, members = setup_roadshow(partners=count)
    for partner in partners:
        for member, total in zip(
            members["expert"] + members["social"], [80, 90, 70, 60, 70, 65], strict=True
        ):
            give_score(member, partner, total)
    roadshow_close_scoring(roadshow=roadshow, by=staff)
    client.force_login(staff)

    # a fixed number, whatever the number of applicants and sheets
    with django_assert_num_queries(9):
        response = client.get(reverse("reviews:results", args=[roadshow.pk]))

    assert response.content.decode().count("74.00") == count
