"""Agreements in the admin and the API: forms name the rule, signing, to-do list, query counts (issue 8)."""

import datetime as dt

import pytest

from agreements.domain import agreement_sign, special_approval_record
from agreements.models import Agreement, AgreementStatus, Party, ReminderKind, RenewalReminder
from partners.models import PartnerStatus
from portal.dates import local_today
from services.domain import renewal_decision_record
from services.models import Evaluation
from spaces.domain import timeslot_create
from tests.factories import CommunityFactory, SpaceFactory, community_staff, partner_in_state, street_staff

from .factories import active_partner, draft_agreement, sign_all, with_fact

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name="华阳社区")


@pytest.fixture
def staff(client, community):
    user = community_staff(community=community)
    client.force_login(user)
    return user


def test_admin_add_agreement_names_broken_term_rule_and_keeps_input(client, staff, community):
    partner = partner_in_state("signing", community=community)

    response = client.post(
        "/admin/agreements/agreement/add/",
        {
            "partner": partner.pk,
            "kind": "first",
            "start_date": "2026-03-01",
            "months": "13",
            "services_description": "每周二下午智能手机课程",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "首次签约为试用期，期限应为6–12个月（办法四（二）2），当前为13个月。" in page
    assert "每周二下午智能手机课程" in page
    assert Agreement.objects.count() == 0


def test_admin_add_agreement_then_slot_and_signatures(client, staff, community):
    partner = partner_in_state("signing", community=community)
    space = SpaceFactory(community=community, name="二楼活动室")

    response = client.post(
        "/admin/agreements/agreement/add/",
        {
            "partner": partner.pk,
            "kind": "first",
            "start_date": "2028-08-31",  # a future start (a past one beyond the grace is refused)
            "months": "6",
            "services_description": "每周二下午智能手机课程",
            "logo_licence": "on",
        },
    )
    agreement = Agreement.objects.get()
    client.post(
        f"/admin/agreements/agreement/{agreement.pk}/timeslot/",
        {"space": space.pk, "weekday": "1", "start_time": "14:00", "end_time": "16:00"},
    )
    agreement.targets.create(metric="hours", period="month", value=20)
    for party, name in (("station", "吴静"), ("community", "李秀英"), ("partner", "王小明")):
        signed = with_fact(
            "notice_period_over",
            client.post,
            f"/admin/agreements/agreement/{agreement.pk}/sign/",
            {"party": party, "signatory": name, "signed_on": local_today().isoformat()},
        )
        assert signed.status_code == 302
    agreement.refresh_from_db()
    partner.refresh_from_db()
    change_page = client.get(f"/admin/agreements/agreement/{agreement.pk}/change/").content.decode()

    assert response.status_code == 302
    assert (agreement.end_date, agreement.status, partner.status) == (
        dt.date(2029, 2, 28),
        AgreementStatus.SIGNED,
        PartnerStatus.TRIAL,
    )
    assert f"/admin/agreements/agreement/{agreement.pk}/sign/" not in change_page
    assert "已登记签署。当前状态：已签署。" in change_page and "吴静" in change_page
    assert (
        client.post(
            f"/admin/agreements/agreement/{agreement.pk}/change/", {"services_description": "改"}
        ).status_code
        == 403
    )


def test_admin_timeslot_conflict_shown_next_to_form(client, staff, community):
    partner = partner_in_state("signing", community=community)
    agreement = draft_agreement(partner, with_slot=False)
    space = SpaceFactory(community=community, name="二楼活动室")
    timeslot_create(
        space=space, weekday=1, start_time=dt.time(15), end_time=dt.time(17), title="老年大学", by=staff
    )

    response = client.post(
        f"/admin/agreements/agreement/{agreement.pk}/timeslot/",
        {"space": space.pk, "weekday": "1", "start_time": "14:00", "end_time": "16:00"},
    )

    assert response.status_code == 200
    assert "该时段与已有安排冲突：老年大学 周二 15:00–17:00。" in response.content.decode()


def test_admin_renewal_decision_drafts_next_term(client, community):
    user = street_staff(street=community.street)
    client.force_login(user)
    partner, term = active_partner(start=dt.date(2025, 9, 1), months=12, community=community, by=user)
    evaluation = Evaluation.objects.create(
        partner=partner, agreement=term, kind="renewal", evaluated_on=dt.date(2026, 6, 20), conclusion="pass"
    )

    response = client.post(
        "/admin/services/renewaldecision/add/",
        {
            "agreement": term.pk,
            "outcome": "renew_same",
            "evaluation": evaluation.pk,
            "decided_on": "2026-06-25",
        },
    )

    assert response.status_code == 302
    assert Agreement.objects.get(previous=term).start_date == dt.date(2026, 9, 1)


def test_admin_todo_list_shows_pending_reminders(client, community):
    from tests.factories import street_staff

    partner, term = active_partner(start=dt.date(2025, 9, 1), months=12, community=community)
    RenewalReminder.objects.create(agreement=term, kind=ReminderKind.WINDOW, partner_status="active")
    client.force_login(street_staff(street=community.street))

    page = client.get("/admin/agreements/renewalreminder/?pending=yes").content.decode()

    assert term.number in page and partner.name in page
    assert f"/admin/services/renewaldecision/add/?agreement={term.pk}" in page


def test_admin_todo_list_offers_the_decision_only_to_the_street(client, community):
    from tests.factories import community_staff

    partner, term = active_partner(start=dt.date(2025, 9, 1), months=12, community=community)
    RenewalReminder.objects.create(agreement=term, kind=ReminderKind.WINDOW, partner_status="active")
    client.force_login(community_staff(community=community))

    page = client.get("/admin/agreements/renewalreminder/").content.decode()

    assert term.number in page
    assert "/admin/services/renewaldecision/add/" not in page


# --- Query counts: the same number at 1 and at 3 items ---------------------------------


def _agreements(community, n, by):
    result = []
    for weekday in range(n):
        partner, term = active_partner(
            start=dt.date(2025, 9, 1), months=12, community=community, by=by, weekday=weekday
        )
        RenewalReminder.objects.create(agreement=term, kind=ReminderKind.WINDOW, partner_status="active")
        special_approval_record(
            partner=partner,
            months=36,
            committees_request_on=dt.date(2026, 1, 5),
            committees_request_reference="两委纪要",
            street_review_on=dt.date(2026, 1, 12),
            street_review_reference="党工委纪要",
            by=by,
        )
        evaluation = Evaluation.objects.create(
            partner=partner,
            agreement=term,
            kind="renewal",
            evaluated_on=dt.date(2026, 6, 20),
            conclusion="fail",
        )
        renewal_decision_record(
            agreement=term, outcome="exit", evaluation=evaluation, decided_on=dt.date(2026, 6, 25), by=by
        )
        result.append(term)
    return result


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/agreements/", 8),
        ("/api/agreement-signatures/", 5),
        # Admin lists: one fewer since issue 14, no second COUNT(*) over the whole scope; two
        # fewer since the admin menu is kept (portal.admin_menu): the menu no longer loads the
        # user's and the groups' Django permissions.
        ("/admin/agreements/agreement/", 8),
        # +2 since issue 13: the terms due for a reminder (streets, then their terms), for 立即检查到期.
        ("/admin/agreements/renewalreminder/", 7),
        ("/admin/services/renewaldecision/", 5),
        ("/admin/agreements/specialapproval/", 5),
    ],
)
def test_list_query_count(client, community, django_assert_num_queries, size, url, queries):
    user = street_staff(street=community.street)
    _agreements(community, size, user)
    client.force_login(user)
    client.get(url)  # warm caches (content types, sessions)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


def test_admin_special_approval_review_before_request_refused(client, community):
    user = street_staff(street=community.street)
    client.force_login(user)
    partner, term = active_partner(start=dt.date(2025, 9, 1), months=12, community=community, by=user)
    form = {
        "partner": partner.pk,
        "months": "36",
        "committees_request_on": "2026-01-12",
        "committees_request_reference": "华阳社区两委会议纪要〔2026〕1号",
        "street_review_on": "2026-01-05",
        "street_review_reference": "崇明街道党工委会议纪要〔2026〕3号",
    }

    refused = client.post("/admin/agreements/specialapproval/add/", form)
    accepted = client.post(
        "/admin/agreements/specialapproval/add/", {**form, "street_review_on": "2026-01-19"}
    )

    assert "街道党工委审核不能早于社区“两委”研究申请。" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(partner.special_approvals.values_list("months", "street_review_on")) == [
        (36, dt.date(2026, 1, 19))
    ]


def test_draft_clauses_are_edited_through_the_domain_and_audited(client):
    from django.core.exceptions import ValidationError

    from agreements.domain import agreement_clauses_update, agreement_sign
    from agreements.models import Party
    from portal.domain import audit_events_for

    partner = partner_in_state("signing")
    staff = street_staff(street=partner.community.street)
    agreement = draft_agreement(partner, by=staff)

    agreement_clauses_update(agreement=agreement, by=staff, values={"breach_terms": "违约须书面整改。"})
    agreement.refresh_from_db()
    assert agreement.breach_terms == "违约须书面整改。"
    assert "agreements.agreement.clauses_changed" in [e.action for e in audit_events_for(agreement)]

    agreement_sign(
        agreement=agreement, party=Party.STATION, signatory="吴静", signed_on=local_today(), by=staff
    )
    with pytest.raises(ValidationError) as refused:
        agreement_clauses_update(agreement=agreement, by=staff, values={"breach_terms": "改了"})
    assert "不能再修改" in refused.value.messages[0]
    agreement.refresh_from_db()
    assert agreement.breach_terms == "违约须书面整改。"


def test_admin_list_counts_each_terms_signatures_and_sorts_by_them(client, community):
    """已签署方: the parties that signed each term (a subquery per term shown, issue 14)."""
    user = street_staff(street=community.street)
    signed = sign_all(
        draft_agreement(partner_in_state("signing", community=community), by=user, weekday=1), by=user
    )
    waiting = draft_agreement(partner_in_state("signing", community=community), by=user, weekday=2)
    with_fact(
        "notice_period_over",
        agreement_sign,
        agreement=waiting,
        party=Party.STATION,
        signatory="吴静",
        signed_on=local_today(),
        by=user,
    )
    blank = draft_agreement(partner_in_state("signing", community=community), by=user, weekday=3)
    client.force_login(user)

    page = client.get("/admin/agreements/agreement/")
    shown = {term.number: term.signature_total for term in page.context["cl"].result_list}
    column = page.context["cl"].list_display.index("signature_count")
    ordered = client.get(f"/admin/agreements/agreement/?o=-{column}")

    assert shown == {signed.number: 3, waiting.number: 1, blank.number: 0}
    assert [t.number for t in ordered.context["cl"].result_list] == [
        signed.number,
        waiting.number,
        blank.number,
    ]
    assert "3/3" in page.content.decode() and "0/3" in page.content.decode()
