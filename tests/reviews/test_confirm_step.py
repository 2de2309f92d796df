"""Scoring in steps (issue 19): 提交 shows the scores and the weighted total, 确认提交 locks,
返回修改 keeps what was entered; the total is one function (reviews.domain.score_sheet_total)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.domain import conflict_declare, score_sheet_preview, score_sheet_total
from reviews.models import Score, ScoreSheet, SheetStatus
from tests.factories import StreetFactory

from .factories import rubric_with_criteria, setup_roadshow

pytestmark = pytest.mark.django_db


def _weighted_roadshow():
    street = StreetFactory()
    rubric = rubric_with_criteria(street, maxima=(40, 30, 30), weights=("1.5", "0.75", "1"))
    roadshow, _staff, (partner,), members = setup_roadshow(street=street, rubric=rubric)
    member = members["expert"][0]
    conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
    first, second, third = roadshow.rubric.criteria.all()
    url = reverse("reviews:score", args=[roadshow.pk, partner.pk])
    return roadshow, partner, member, (first, second, third), url


def test_total_is_the_sum_of_score_times_weight_without_rounding():
    roadshow, _partner, _member, (first, second, third), _url = _weighted_roadshow()
    values = {first.pk: Decimal("33.33"), second.pk: Decimal("27.5"), third.pk: None}

    # 33.33 × 1.5 + 27.5 × 0.75 = 49.995 + 20.625
    assert score_sheet_total(roadshow.rubric.criteria.all(), values) == Decimal("70.620")


def test_submit_shows_the_confirmation_page_and_locks_nothing(client):
    _roadshow, partner, member, (first, second, third), url = _weighted_roadshow()
    client.force_login(member.user)
    scores = {f"criterion_{first.pk}": "40", f"criterion_{second.pk}": "30", f"criterion_{third.pk}": "30"}

    response = client.post(url, {"action": "submit", "comment": "团队稳定", **scores})

    page = response.content.decode()
    assert response.status_code == 200
    assert "确认提交评分" in page and 'value="confirm"' in page and 'value="edit"' in page
    # 40 × 1.5 + 30 × 0.75 + 30 × 1 = 112.5, the full marks at these weights.
    assert "<strong data-confirm-total>112.5</strong>" in page
    assert "团队稳定" in page and f'name="criterion_{second.pk}" value="30"' in page
    assert not ScoreSheet.objects.filter(member=member, partner=partner).exists()


def test_back_keeps_what_was_entered(client):
    _roadshow, partner, member, (first, second, third), url = _weighted_roadshow()
    client.force_login(member.user)
    scores = {
        f"criterion_{first.pk}": "12.25",
        f"criterion_{second.pk}": "0",
        f"criterion_{third.pk}": "29.5",
    }

    response = client.post(url, {"action": "edit", "comment": "再想想", **scores})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="12.25"' in page and 'value="0"' in page and 'value="29.5"' in page and "再想想" in page
    assert 'value="submit"' in page and "errorlist" not in page
    # 12.25 × 1.5 + 0 + 29.5 = 47.875: the server's figure stands in for the script's.
    assert ">47.875</output>" in page
    assert not ScoreSheet.objects.filter(member=member, partner=partner).exists()


def test_confirm_locks_and_a_locked_sheet_cannot_be_changed(client):
    _roadshow, partner, member, (first, second, third), url = _weighted_roadshow()
    client.force_login(member.user)
    scores = {f"criterion_{first.pk}": "20", f"criterion_{second.pk}": "20", f"criterion_{third.pk}": "20"}

    response = client.post(url, {"action": "confirm", **scores})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(member=member, partner=partner)
    assert sheet.status == SheetStatus.SUBMITTED

    changed = {**scores, f"criterion_{first.pk}": "40"}
    for action in ("submit", "confirm", "save"):
        response = client.post(url, {"action": action, **changed})
        assert response.status_code == 200, action
        assert "评分表已提交并锁定；如需修改，请联系工作人员解锁。" in response.content.decode(), action
    assert sorted(Score.objects.filter(sheet=sheet).values_list("value", flat=True)) == [Decimal("20")] * 3
    page = client.get(url).content.decode()
    # 20 × 1.5 + 20 × 0.75 + 20 = 65
    assert "评分表已提交并锁定。" in page and "65" in page and 'value="confirm"' not in page


def test_submit_with_a_score_missing_stays_on_the_form(client):
    _roadshow, partner, member, (first, second, _third), url = _weighted_roadshow()
    client.force_login(member.user)

    response = client.post(
        url, {"action": "submit", f"criterion_{first.pk}": "40", f"criterion_{second.pk}": "30"}
    )

    page = response.content.decode()
    assert "提交前请为每一项打分。" in page and 'value="confirm"' not in page and 'value="40"' in page


@pytest.mark.parametrize(("value", "ok"), [("29.99", True), ("30", True), ("30.01", False)])
def test_preview_refuses_above_the_maximum_exactly_like_submit(value, ok):
    _roadshow, partner, member, (first, second, third), _url = _weighted_roadshow()
    values = {first.pk: "1", second.pk: value, third.pk: "1"}

    if ok:
        preview = score_sheet_preview(member=member, partner=partner, values=values, by=member.user)
        assert [line.value_display for line in preview.lines] == ["1", value, "1"]
    else:
        with pytest.raises(ValidationError) as refused:
            score_sheet_preview(member=member, partner=partner, values=values, by=member.user)
        assert refused.value.message_dict == {f"criterion_{second.pk}": ["得分不能超过满分 30 分。"]}
