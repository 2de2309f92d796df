"""The demo step: every partner beyond the review stage got there with records behind it."""

import pytest
from django.core.management import call_command

from calls.demo import demo_partners, demo_target
from reviews.models import Decision, PanelMember, Roadshow, RoadshowStatus, ScoreSheet, VettingCheck

pytestmark = pytest.mark.django_db

LATER = ("approved", "in_notice", "signing", "trial", "active", "renewal_due", "exited")


def test_demo_moves_partners_through_review_and_is_idempotent(demo_database, mailoutbox):
    # demo_database: what a first `load_demo` made of an empty database (tests/conftest.py).
    counts = (
        VettingCheck.objects.count(),
        ScoreSheet.objects.count(),
        Decision.objects.count(),
        PanelMember.objects.count(),
    )

    status = {p.application.applicant_name: p.status for p in demo_partners()}
    assert status["句容市某某商贸有限公司"] == "rejected"
    assert status["刘梅"] == "vetting"
    assert status["句容市阳光法律服务所"] == "shortlisted"
    assert status["句容市乐活康养服务有限公司"] == "scored"
    assert (
        status["刘梅"] == "vetting"
        and VettingCheck.objects.filter(partner__application__applicant_name="刘梅").count() == 2
    )
    assert status["句容市舞韵文化艺术团"] == "not_selected"
    for partner in demo_partners():
        if demo_target(partner) in LATER:
            assert partner.status in LATER, partner  # later demo steps may take them on from here
            assert partner.decision.outcome == "approve"
            assert partner.composite_score is not None
    roadshow = Roadshow.objects.get(street__name="崇明街道")  # 华阳街道 has its own (issue 20)
    assert roadshow.status == RoadshowStatus.CLOSED
    social = roadshow.panels.get(kind="social").members.all()
    assert sum(1 for m in social if m.seat == "resident") / len(social) >= 0.3

    call_command("load_demo", verbosity=0)
    assert (
        VettingCheck.objects.count(),
        ScoreSheet.objects.count(),
        Decision.objects.count(),
        PanelMember.objects.count(),
    ) == counts


def test_demo_vetting_is_recorded_by_each_departments_own_account(demo_database):
    # Rulebook 五(一)3: each of the five offices records its own conclusion.
    def by_department(street):
        return set(
            VettingCheck.objects.filter(department__street__name=street).values_list(
                "department__name", "checked_by__username", "recorded_on_behalf"
            )
        )

    assert by_department("崇明街道") == {
        ("党建工作办公室", "jiedao", False),
        ("党政和人大办公室", "dangzheng", False),
        ("政法和社会事业办公室", "zhengfa", False),
        ("纪检室", "jijian", False),
        ("社工站", "shegongzhan", False),
    }
    assert by_department("华阳街道") == {  # the second demo street (issue 20)
        ("党建工作办公室", "huayang", False),
        ("党政和人大办公室", "huayang_dangzheng", False),
        ("政法和社会事业办公室", "huayang_zhengfa", False),
        ("纪检室", "huayang_jijian", False),
        ("社工站", "huayang_shegongzhan", False),
    }
