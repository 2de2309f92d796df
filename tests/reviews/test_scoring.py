"""Panels, rubric maxima, conflicts, the lock and aggregation (rulebook 五(二)1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partners.models import PartnerStatus
from portal.models import AuditEvent
from reviews.domain import (
    composite_score,
    conflict_declare,
    panel_composition_problems,
    panel_score,
    panel_set_members,
    resident_reps_needed,
    roadshow_close_scoring,
    roadshow_open_scoring,
    roadshow_results,
    rubric_change_problems,
    rubric_copy,
    score_sheet_save,
    score_sheet_unlock,
    scoring_is_complete,
)
from reviews.models import Criterion, Panel, PanelKind, RoadshowStatus, Score, Seat, SheetStatus
from tests.factories import StreetFactory

from .conftest import criteria_values, give_score
from .factories import RoadshowFactory, reviewer, setup_roadshow

pytestmark = pytest.mark.django_db


def social_seats(residents, total):
    return [Seat.RESIDENT] * residents + [Seat.RESIDENTS_COMMITTEE] * (total - residents)


@pytest.mark.parametrize(
    ("residents", "total", "ok"),
    [
        (3, 10, True),  # exactly 30%
        (2, 10, False),  # 20%
        (2, 7, False),  # 28.6%: not rounded up to 30%
        (3, 7, True),  # ceil(2.1) = 3
        (1, 3, True),  # 33.3%
        (0, 1, False),
    ],
)
def test_social_panel_resident_share_boundary(residents, total, ok):
    roadshow = RoadshowFactory()
    panel = Panel(roadshow=roadshow, kind=PanelKind.SOCIAL)
    members = [(reviewer(), seat) for seat in social_seats(residents, total)]

    problems = panel_composition_problems(panel, members)

    assert (problems == []) is ok
    if not ok:
        assert problems == [
            f"群众代表不少于30%:{total} 人的社会评审组至少需要 "
            f"{resident_reps_needed(total, Decimal('0.30'))} 名群众代表，"
            f"目前只有 {residents} 名。"
        ]


def test_resident_share_follows_a_stricter_street():
    street = StreetFactory(resident_rep_min_share=Decimal("0.40"))
    panel = Panel(roadshow=RoadshowFactory(street=street), kind=PanelKind.SOCIAL)

    assert panel_composition_problems(panel, [(reviewer(), s) for s in social_seats(3, 10)]) != []
    assert panel_composition_problems(panel, [(reviewer(), s) for s in social_seats(4, 10)]) == []


def test_panel_save_refuses_too_few_residents_and_keeps_old_members():
    roadshow, staff, _partners, members = setup_roadshow(open_scoring=False)
    panel = members["social"][0].panel
    before = list(panel.members.values_list("user_id", "seat"))

    with pytest.raises(ValidationError) as refused:
        panel_set_members(panel=panel, by=staff, members=[(reviewer(), s) for s in social_seats(2, 10)])

    assert "至少需要 3 名群众代表" in refused.value.messages[0]
    assert list(panel.members.values_list("user_id", "seat")) == before


def test_opening_scoring_checks_the_panel_again():
    roadshow, staff, _partners, members = setup_roadshow(open_scoring=False)
    # The street became stricter after the panel was formed (1 of 3 residents = 33%).
    street = roadshow.street
    street.resident_rep_min_share = Decimal("0.50")
    street.save()

    with pytest.raises(ValidationError) as refused:
        roadshow_open_scoring(roadshow=roadshow, by=staff)

    assert "群众代表不少于50%" in refused.value.messages[0]
    roadshow.refresh_from_db()
    assert roadshow.status == RoadshowStatus.DRAFT


def test_panel_refuses_a_user_who_is_not_a_reviewer():
    from tests.factories import UserFactory

    roadshow = RoadshowFactory()
    panel = Panel(roadshow=roadshow, kind=PanelKind.EXPERT)
    outsider = UserFactory(username="someone")

    assert panel_composition_problems(panel, [(outsider, Seat.MEDIA)]) == ["someone 不是评审专家账号。"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("40.01", "得分不能超过满分 40 分。"),
        ("-1", "得分不能为负数。"),
        ("abc", "请输入数字。"),
    ],
)
def test_score_outside_the_maximum_is_refused_with_a_message(value, message):
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["expert"][0]
    conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
    first = roadshow.rubric.criteria.first()

    with pytest.raises(ValidationError) as refused:
        score_sheet_save(member=member, partner=partner, values={first.pk: value}, by=member.user)

    assert refused.value.message_dict == {f"criterion_{first.pk}": [message]}
    assert Score.objects.count() == 0


def test_score_at_the_maximum_and_zero_are_accepted():
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["expert"][0]
    conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
    first, second, third = roadshow.rubric.criteria.all()

    sheet = score_sheet_save(
        member=member,
        partner=partner,
        submit=True,
        by=member.user,
        values={first.pk: "40", second.pk: "0", third.pk: "29.5"},
    )

    assert sorted(sheet.scores.values_list("value", flat=True)) == [
        Decimal("0"),
        Decimal("29.5"),
        Decimal("40"),
    ]


def test_scoring_needs_a_declaration_first():
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["expert"][0]

    with pytest.raises(ValidationError) as refused:
        score_sheet_save(member=member, partner=partner, values=criteria_values(roadshow, 80), by=member.user)

    assert refused.value.messages == ["请先声明是否存在利益冲突。"]


def test_conflicted_member_cannot_score_and_is_not_awaited():
    roadshow, staff, (partner,), members = setup_roadshow(experts=3)
    conflicted = members["expert"][0]
    conflict_declare(
        member=conflicted, partner=partner, has_conflict=True, note="曾在该机构兼职", by=conflicted.user
    )

    with pytest.raises(ValidationError) as refused:
        score_sheet_save(
            member=conflicted, partner=partner, values=criteria_values(roadshow, 90), by=conflicted.user
        )
    assert refused.value.messages == ["您已声明与该申请人存在利益冲突，不能评分。"]

    for member, total in zip(members["expert"][1:], [80, 70], strict=True):
        give_score(member, partner, total)
    for member, total in zip(members["social"], [60, 70, 65], strict=True):
        give_score(member, partner, total)

    assert scoring_is_complete(partner) is True
    (row,) = roadshow_results(roadshow)
    assert row.expert == Decimal("75")  # mean of 80 and 70; the conflicted member is left out
    assert row.conflicted == {conflicted.pk}


def test_declaring_a_conflict_needs_a_note():
    _roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["social"][0]

    with pytest.raises(ValidationError) as refused:
        conflict_declare(member=member, partner=partner, has_conflict=True, by=member.user)

    assert refused.value.message_dict == {"note": ["请简要说明利益关系。"]}


def test_a_reviewer_cannot_score_for_someone_else():
    roadshow, _staff, (partner,), members = setup_roadshow()

    with pytest.raises(PermissionDenied):
        conflict_declare(
            member=members["expert"][0], partner=partner, has_conflict=False, by=members["expert"][1].user
        )


def test_submitted_sheet_is_locked_until_an_admin_unlocks_with_a_reason():
    roadshow, staff, (partner,), members = setup_roadshow()
    member = members["expert"][0]
    sheet = give_score(member, partner, 80)

    with pytest.raises(ValidationError) as refused:
        give_score(member, partner, 90)
    assert refused.value.messages == ["评分表已提交并锁定；如需修改，请联系工作人员解锁。"]

    with pytest.raises(ValidationError):
        score_sheet_unlock(sheet=sheet, reason="  ", by=staff)
    with pytest.raises(PermissionDenied):
        score_sheet_unlock(sheet=sheet, reason="误操作", by=member.user)

    score_sheet_unlock(sheet=sheet, reason="评审人误填第二项", by=staff)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    event = AuditEvent.objects.get(action="reviews.sheet.unlocked")
    assert (event.actor, event.note, event.from_state, event.to_state) == (
        staff,
        "评审人误填第二项",
        "submitted",
        "draft",
    )

    give_score(member, partner, 90)
    assert roadshow_results(roadshow)[0].totals[member.pk] == Decimal("90.00")


def test_draft_keeps_partial_scores_and_submit_needs_all():
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["expert"][0]
    conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
    first, second, third = roadshow.rubric.criteria.all()

    sheet = score_sheet_save(
        member=member,
        partner=partner,
        values={first.pk: "30", second.pk: ""},
        comment="陈述清楚",
        by=member.user,
    )
    assert (sheet.status, sheet.comment, list(sheet.scores.values_list("value", flat=True))) == (
        SheetStatus.DRAFT,
        "陈述清楚",
        [Decimal("30")],
    )

    with pytest.raises(ValidationError) as refused:
        score_sheet_save(member=member, partner=partner, values={first.pk: "30"}, submit=True, by=member.user)
    assert refused.value.message_dict == {
        f"criterion_{second.pk}": ["提交前请为每一项打分。"],
        f"criterion_{third.pk}": ["提交前请为每一项打分。"],
    }


def test_panel_score_without_dropping_extremes():
    assert panel_score([Decimal(80), Decimal(90), Decimal(70)], drop_extremes=True, min_members=5) == Decimal(
        80
    )


def test_panel_score_drops_highest_and_lowest_from_five():
    totals = [Decimal(v) for v in (95, 60, 80, 85, 70)]

    assert panel_score(totals, drop_extremes=True, min_members=5) == Decimal(235) / 3
    assert panel_score(totals, drop_extremes=False, min_members=5) == Decimal(78)


def test_composite_rounds_half_up():
    # 70.125 would be 70.12 under banker's rounding.
    assert composite_score(
        Decimal("70.125"), Decimal("70.125"), expert_weight=Decimal("0.6"), social_weight=Decimal("0.4")
    ) == Decimal("70.13")


def test_aggregation_hand_computed_without_dropping():
    roadshow, _staff, (partner,), members = setup_roadshow(experts=3)
    for member, total in zip(members["expert"], [80, 90, 70], strict=True):
        give_score(member, partner, total)
    for member, total in zip(members["social"], [60, 70, 65], strict=True):
        give_score(member, partner, total)

    (row,) = roadshow_results(roadshow)

    # expert (80+90+70)/3 = 80; social (60+70+65)/3 = 65; 0.6×80 + 0.4×65 = 74.00
    assert (row.expert, row.social, row.composite, row.rank) == (
        Decimal(80),
        Decimal(65),
        Decimal("74.00"),
        1,
    )


def test_aggregation_hand_computed_dropping_extremes():
    roadshow, _staff, (partner,), members = setup_roadshow(experts=5)
    for member, total in zip(members["expert"], [95, 60, 80, 85, 70], strict=True):
        give_score(member, partner, total)
    for member, total in zip(members["social"], [70, 71, 72], strict=True):
        give_score(member, partner, total)

    (row,) = roadshow_results(roadshow)

    # expert: drop 95 and 60 → (80+85+70)/3 = 78.333…; social 71;
    # 0.6×78.333… + 0.4×71 = 46.999… + 28.4 = 75.3999… → 75.40
    assert row.expert_display == Decimal("78.33")
    assert row.social == Decimal(71)
    assert row.composite == Decimal("75.40")


def test_weighted_criteria_total_is_computed_in_sql():
    from .factories import rubric_with_criteria

    street = StreetFactory()
    rubric = rubric_with_criteria(street, maxima=(10, 10), weights=("2", "0.5"))
    roadshow, _staff, (partner,), members = setup_roadshow(street=street, rubric=rubric)
    member = members["expert"][0]
    conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
    first, second = rubric.criteria.all()
    score_sheet_save(
        member=member, partner=partner, values={first.pk: "8", second.pk: "6"}, submit=True, by=member.user
    )

    assert roadshow_results(roadshow)[0].totals[member.pk] == Decimal("19.0000")  # 8×2 + 6×0.5


def test_tie_on_composite_goes_to_higher_expert_score_then_earlier_application():
    roadshow, staff, (first, second, third), members = setup_roadshow(partners=3, experts=3)
    # first: expert 80, social 65 → 74.00; second: expert 70, social 80 → 74.00;
    # third: the same as first, but applied later.
    plan = {first: (80, 65), second: (70, 80), third: (80, 65)}
    for partner, (expert, social) in plan.items():
        for member in members["expert"]:
            give_score(member, partner, expert)
        for member in members["social"]:
            give_score(member, partner, social)
    third.application.submitted_at = first.application.submitted_at + dt.timedelta(hours=1)
    third.application.save(update_fields=["submitted_at"])

    rows = roadshow_results(roadshow)

    assert [(r.partner, r.composite, r.rank) for r in rows] == [
        (first, Decimal("74.00"), 1),
        (third, Decimal("74.00"), 2),
        (second, Decimal("74.00"), 3),
    ]


def test_closing_scoring_moves_everyone_to_scored_with_the_composite():
    roadshow, staff, (partner,), members = setup_roadshow(experts=3)
    for member, total in zip(members["expert"], [80, 90, 70], strict=True):
        give_score(member, partner, total)
    for member, total in zip(members["social"][:2], [60, 70], strict=True):
        give_score(member, partner, total)

    with pytest.raises(ValidationError) as refused:
        roadshow_close_scoring(roadshow=roadshow, by=staff)
    assert "尚有 1 名评审人未提交评分" in refused.value.messages[0]

    give_score(members["social"][2], partner, 65)
    roadshow_close_scoring(roadshow=roadshow, by=staff)

    partner.refresh_from_db()
    roadshow.refresh_from_db()
    assert (partner.status, partner.composite_score, roadshow.status) == (
        PartnerStatus.SCORED,
        Decimal("74.00"),
        RoadshowStatus.CLOSED,
    )
    assert partner.transitions.last().actor == staff


def test_rubric_in_use_is_frozen_and_can_be_copied():
    roadshow, staff, _partners, _members = setup_roadshow()
    rubric = roadshow.rubric

    assert rubric_change_problems(rubric) == ["该评估细则已在路演中使用，不能修改；请复制为新版本后修改。"]
    with pytest.raises(ValidationError):
        Criterion(rubric=rubric, title="新增", max_score=10, weight=1).full_clean()

    copy = rubric_copy(rubric=rubric, by=staff)

    assert (copy.version, rubric_change_problems(copy)) == (rubric.version + 1, [])
    assert list(copy.criteria.values_list("title", "max_score")) == list(
        rubric.criteria.values_list("title", "max_score")
    )


def test_policy_is_frozen_when_scoring_opens():
    from reviews.domain import review_policy_for

    roadshow, staff, (partner,), members = setup_roadshow(experts=3)
    for member, total in zip(members["expert"], [80, 90, 70], strict=True):
        give_score(member, partner, total)
    for member, total in zip(members["social"], [60, 70, 65], strict=True):
        give_score(member, partner, total)
    policy = review_policy_for(roadshow.street)
    policy.expert_weight, policy.social_weight = Decimal("0.5"), Decimal("0.5")
    policy.save()

    assert roadshow_results(roadshow)[0].composite == Decimal("74.00")  # still 60/40
