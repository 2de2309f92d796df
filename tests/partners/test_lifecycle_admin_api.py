"""Walking a partner through the machine from the admin and from the API (issue 3)."""

import pytest

from partners.models import PartnerStatus
from partners.workflow import TRANSITIONS
from tests.factories import PartnerFactory, community_staff, street_staff

# Tests of the machine itself stand in for the procedures that own these transitions.
PROCEDURE = {name: t.procedure for name, t in TRANSITIONS.items()}

S = PartnerStatus


@pytest.fixture
def staff(db):
    return street_staff()


@pytest.fixture
def partner(staff):
    return PartnerFactory(community__street=staff.profile.street)


@pytest.mark.django_db
def test_admin_shows_exactly_the_transitions_this_user_may_take(client, facts, partner, staff):
    community_clerk = community_staff(community=partner.community)

    client.force_login(community_clerk)
    clerk_page = client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    client.force_login(staff)
    facts.add("vetting_passed")
    staff_page = client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()

    assert "报送街道" in clerk_page and "撤回申请" in clerk_page
    assert f"/services/dossier/{partner.pk}/" in clerk_page
    assert "列入入围名单" not in clerk_page
    assert "报送街道" in staff_page
    assert "列入入围名单" not in staff_page  # not from `submitted`


@pytest.mark.django_db
def test_admin_transition_button_moves_the_partner_and_records_history(client, facts, partner, staff):
    client.force_login(staff)
    url = f"/admin/partners/partner/{partner.pk}/transition/forward/"

    form = client.get(url)
    response = client.post(url, {"note": "材料齐全", "expected_status": "submitted"})

    assert form.status_code == 200
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.status == S.VETTING
    row = partner.transitions.get()
    assert (row.transition, row.actor, row.note) == ("forward", staff, "材料齐全")


@pytest.mark.django_db
def test_admin_refusal_is_shown_and_state_kept(client, facts, partner, staff):
    client.force_login(staff)
    client.post(f"/admin/partners/partner/{partner.pk}/transition/forward/", {"expected_status": "submitted"})
    facts.add("vetting_failed")
    url = f"/admin/partners/partner/{partner.pk}/transition/reject/"

    response = client.post(url, {"note": "", "expected_status": "vetting"}, follow=True)

    assert "请填写说明。" in response.content.decode()
    partner.refresh_from_db()
    assert partner.status == S.VETTING


@pytest.mark.django_db
def test_admin_second_click_on_a_stale_page_is_refused(client, facts, partner, staff):
    client.force_login(staff)
    url = f"/admin/partners/partner/{partner.pk}/transition/forward/"
    client.post(url, {"expected_status": "submitted"})

    response = client.post(
        f"/admin/partners/partner/{partner.pk}/transition/withdraw/",
        {"expected_status": "submitted"},
        follow=True,
    )

    assert "已被他人处理" in response.content.decode()
    partner.refresh_from_db()
    assert partner.status == S.VETTING


@pytest.mark.django_db
def test_api_walks_the_whole_machine(client, facts, partner, staff):
    client.force_login(staff)
    facts |= {
        "vetting_passed",
        "scoring_complete",
        "decision_approved",
        "notice_published",
        "notice_period_over",
        "first_agreement_signed",
        "trial_evaluation_passed",
        "renewal_window_open",
        "renewal_agreement_signed",
    }
    # score, approve, open_notice and end_notice belong to their stages' procedures
    # (roadshow, committee decision, notice): the API's transition action refuses them.
    steps = [
        "forward",
        "shortlist",
        None,
        None,
        None,
        None,
        "sign",
        "pass_trial",
        "mark_renewal_due",
        "renew",
    ]
    from decimal import Decimal

    from partners.domain import partner_transition

    for step in steps:
        if step is None:
            name = {S.SHORTLISTED: "score", S.SCORED: "approve", S.APPROVED: "open_notice"}.get(
                partner.status, "end_notice"
            )
            kwargs = {"composite_score": Decimal("90")} if name == "score" else {}
            partner_transition(
                partner=partner, transition=name, procedure=PROCEDURE[name], by=staff, **kwargs
            )
            continue
        response = client.post(
            f"/api/partners/{partner.pk}/transition/", {"transition": step}, content_type="application/json"
        )
        assert response.status_code == 200, response.json()
        partner.refresh_from_db()
    refused = client.post(
        f"/api/partners/{partner.pk}/transition/",
        {"transition": "exit", "reason": "expired_voluntary", "note": "期满不再续签"},
        content_type="application/json",
    )
    response = client.post(
        f"/api/partners/{partner.pk}/exit/",
        {
            "reason": "expired_voluntary",
            "note": "期满不再续签",
            "handover_note": "空间完好归还，钥匙已交回",
            "exit_date": "2026-06-30",
        },
        content_type="application/json",
    )

    assert refused.status_code == 409
    assert refused.json()["detail"] == ["退出须通过退出程序办理（填写退出情形、交接情况）。"]
    assert response.status_code == 201, response.json()
    assert client.get(f"/api/partners/{partner.pk}/").json()["status"] == "exited"
    history = client.get(f"/api/partners/{partner.pk}/history/").json()
    assert [row["to_state"] for row in history] == [
        "vetting",
        "shortlisted",
        "scored",
        "approved",
        "in_notice",
        "signing",
        "trial",
        "active",
        "renewal_due",
        "active",
        "exited",
    ]


@pytest.mark.django_db
def test_api_refusal_is_409_with_the_reason(client, facts, partner, staff):
    client.force_login(staff)

    response = client.post(
        f"/api/partners/{partner.pk}/transition/",
        {"transition": "shortlist"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == ["当前状态“已提交”下不能执行“列入入围名单”。"]


@pytest.mark.django_db
def test_api_detail_lists_available_transitions(client, facts, partner, staff):
    client.force_login(staff)

    body = client.get(f"/api/partners/{partner.pk}/").json()

    assert body["available_transitions"] == ["forward", "withdraw"]
    assert body["blocked_transitions"] == []
    client.post(
        f"/api/partners/{partner.pk}/transition/", {"transition": "forward"}, content_type="application/json"
    )
    body = client.get(f"/api/partners/{partner.pk}/").json()
    assert {"transition": "列入入围名单", "reasons": ["尚有联审部门未审核通过。"]} in body[
        "blocked_transitions"
    ]


@pytest.mark.django_db
def test_admin_says_what_is_still_missing_and_shows_the_history(client, facts, partner, staff):
    client.force_login(staff)
    client.post(f"/admin/partners/partner/{partner.pk}/transition/forward/", {"note": "材料齐全"})

    page = client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()

    assert "尚不能执行" in page
    assert "列入入围名单</strong>：尚有联审部门未审核通过。" in page
    assert "材料齐全" in page  # the status history inline is visible to the staff member
