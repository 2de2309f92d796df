"""The applicant's status page shows the steps (issue 19): an ordered list, the current step marked."""

import re

import pytest

from calls.domain import application_status_token
from partners.domain import partner_transition
from tests.factories import walk_partner

from .factories import submitted_application

pytestmark = pytest.mark.django_db


def _page(client, application):
    return client.get(f"/applications/status/{application_status_token(application)}/").content.decode()


def _steps(html):
    listing = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    return re.findall(r'<li class="step step-(\w+)"( aria-current="step")?>', listing)


def test_a_new_application_is_at_the_first_step(client):
    html = _page(client, submitted_application())

    assert _steps(html) == [("current", ' aria-current="step"')] + [("next", "")] * 7
    assert "申请</span>" in html and "正式运行</span>" in html and "进行中" in html and "未开始" in html


def test_a_shortlisted_applicant_sees_two_steps_done_and_the_roadshow_current(client):
    application = submitted_application()
    walk_partner(application.partner, "shortlisted")

    steps = _steps(_page(client, application))

    assert steps == [("done", "")] * 2 + [("current", ' aria-current="step"')] + [("next", "")] * 5
    assert sum(1 for _s, current in steps if current) == 1


def test_a_withdrawn_application_shows_where_it_ended_and_why(client):
    application = submitted_application()
    partner_transition(partner=application.partner, transition="withdraw", as_applicant=True, note="私事")

    html = _page(client, application)

    assert _steps(html) == [("stopped", ' aria-current="step"')]
    assert "流程已结束" in html and "撤回申请" in html and "已终止" in html
