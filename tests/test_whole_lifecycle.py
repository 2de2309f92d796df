"""The whole lifecycle with real records: the demo walks partners through every app's
domain functions (no assumed facts), and the dossier of one that has left shows it all."""

import pytest

from partners.models import Partner
from portal.dossier import dossier_sections
from tests.factories import street_staff
from tests.utils import pdf_text

EVERY_STAGE = [
    "application",
    "vetting",
    "roadshow",
    "decision",
    "notice",
    "agreements",
    "spaces",
    "service_logs",
    "observations_feedback",
    "evaluations",
    "exit",
    "messages",  # what the partner was told, by which channel (issue 17)
]


@pytest.fixture
def demo(demo_database, db):
    """What `load_demo` made of an empty database (tests/conftest.py)."""


def test_exited_partner_went_through_every_stage_with_real_records(demo):
    partner = Partner.objects.get(application__applicant_name="句容市快修便民服务部")

    assert list(partner.transitions.values_list("transition", flat=True)) == [
        "forward",
        "shortlist",
        "score",
        "approve",
        "open_notice",
        "end_notice",
        "sign",
        "pass_trial",
        "exit",
    ]
    assert [section.key for section in dossier_sections(partner)] == EVERY_STAGE
    assert all(section.entries for section in dossier_sections(partner))


def test_dossier_page_and_pdf_show_every_stage_to_street_staff(
    demo, client, django_capture_on_commit_callbacks
):
    partner = Partner.objects.get(application__applicant_name="句容市快修便民服务部")
    client.force_login(street_staff(street=partner.community.street))

    page = client.get(f"/services/dossier/{partner.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the worker renders it (eager in tests)
        assert client.get(f"/services/dossier/{partner.pk}/pdf/").status_code == 202
    pdf = pdf_text(b"".join(client.get(f"/services/dossier/{partner.pk}/pdf/").streaming_content))

    for title in [
        "申请与证明材料",
        "联审联查",
        "党工委决定",
        "公示与异议",
        "协议签订与续签",
        "公益服务记录",
        "评估",
        "退出",
    ]:
        assert title in page
        assert title in pdf
    assert "句容市快修便民服务部" in pdf
