"""Notice-board prints (issue 16): A4 posters of notices and calls, A5/A4 suggestion-box plaques.

No QR decoder is installed, so each test checks the address in the PDF's text and its link,
and that the QR drawn is segno's code of that very address.
"""

import io

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from calls.models import CallStatus
from portal import posters
from tests.factories import CommunityFactory, RecruitmentCallFactory, street_staff
from tests.notices.factories import approved_partner, draft_notice, published_notice
from tests.services.factories import serving_partner
from tests.utils import pdf_text

pytestmark = pytest.mark.django_db

BASE = "https://mulin.example.cn"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PORTAL_BASE_URL = BASE


@pytest.fixture
def staff():
    return street_staff(first_name="李")


@pytest.fixture
def drawn(monkeypatch):
    """Every address a QR code was drawn for in the test."""
    urls = []
    original = posters.qr_svg_data_uri

    def spy(url):
        urls.append(url)
        return original(url)

    monkeypatch.setattr(posters, "qr_svg_data_uri", spy)
    return urls


def links(data: bytes) -> list[str]:
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def page_size_mm(data: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)


def test_qr_code_is_segnos_code_of_the_address():
    uri = posters.qr_svg_data_uri(f"{BASE}/notices/1/")

    assert uri.startswith("data:image/svg+xml")
    assert uri == segno.make(f"{BASE}/notices/1/", error="m", micro=False).svg_data_uri(scale=10, border=2)


def test_notice_poster_has_the_title_entries_and_the_address(client, staff, drawn):
    community = CommunityFactory(street=staff.profile.street, name="东村社区")
    partner = approved_partner(community, project_title="银龄学堂")
    notice = published_notice(staff=staff, partners=[partner])
    client.force_login(staff)

    response = client.get(reverse("admin:notices_publicnotice_poster", args=[notice.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content).replace("\n", "")
    url = f"{BASE}/notices/{notice.pk}/"
    assert notice.title in text
    assert f"{partner.name}：银龄学堂（东村社区）" in text
    assert url in text
    assert links(response.content) == [url]
    assert drawn == [url]
    assert page_size_mm(response.content) == (210, 297)


def test_draft_notice_has_no_poster(client, staff):
    community = CommunityFactory(street=staff.profile.street)
    notice = draft_notice(staff=staff, partners=[approved_partner(community)])
    client.force_login(staff)

    response = client.get(reverse("admin:notices_publicnotice_poster", args=[notice.pk]), follow=True)

    assert "公示尚未发布，发布后才能打印公示海报。" in response.content.decode()


def test_notice_change_page_offers_the_poster(client, staff):
    community = CommunityFactory(street=staff.profile.street)
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    client.force_login(staff)

    page = client.get(reverse("admin:notices_publicnotice_change", args=[notice.pk])).content.decode()

    assert reverse("admin:notices_publicnotice_poster", args=[notice.pk]) in page


def test_call_poster_has_the_title_and_the_address(client, staff, drawn):
    call = RecruitmentCallFactory(street=staff.profile.street, contact="崇明街道党建办 0511-87260000")
    client.force_login(staff)

    response = client.get(reverse("admin:calls_recruitmentcall_poster", args=[call.pk]))

    text = pdf_text(response.content).replace("\n", "")
    url = f"{BASE}/calls/{call.pk}/"
    assert call.title in text
    assert "崇明街道党建办 0511-87260000" in text
    assert url in text
    assert links(response.content) == [url]
    assert drawn == [url]
    page = client.get(reverse("admin:calls_recruitmentcall_change", args=[call.pk])).content.decode()
    assert reverse("admin:calls_recruitmentcall_poster", args=[call.pk]) in page


def test_draft_call_has_no_poster(client, staff):
    call = RecruitmentCallFactory(street=staff.profile.street, status=CallStatus.DRAFT)
    client.force_login(staff)

    response = client.get(reverse("admin:calls_recruitmentcall_poster", args=[call.pk]), follow=True)

    assert "招募公告尚未发布，发布后才能打印海报。" in response.content.decode()


def test_other_streets_call_poster_is_not_found(client, staff):
    call = RecruitmentCallFactory()
    client.force_login(staff)

    assert client.get(reverse("admin:calls_recruitmentcall_poster", args=[call.pk])).status_code == 404


@pytest.mark.parametrize(("size", "mm"), [("A5", (148, 210)), ("A4", (210, 297))])
def test_plaque_opens_the_partners_suggestion_box(client, staff, drawn, size, mm):
    community = CommunityFactory(street=staff.profile.street, name="东村社区")
    partner, _agreement, _space = serving_partner(community=community)
    client.force_login(staff)

    response = client.get(reverse("services:partner_plaque", args=[partner.pk]) + f"?size={size}")

    text = pdf_text(response.content).replace("\n", "")
    url = f"{BASE}/partners/{partner.pk}/feedback/"
    assert "居民意见箱" in text
    assert partner.public_name in text
    assert url in text
    assert links(response.content) == [url]
    assert drawn == [url]
    assert page_size_mm(response.content) == mm


def test_partner_page_offers_the_plaque_only_while_serving(client, staff):
    community = CommunityFactory(street=staff.profile.street)
    serving, _agreement, _space = serving_partner(community=community)
    approved = approved_partner(community)
    client.force_login(staff)

    serving_page = client.get(reverse("admin:partners_partner_change", args=[serving.pk])).content.decode()
    approved_page = client.get(reverse("admin:partners_partner_change", args=[approved.pk])).content.decode()
    refused = client.get(reverse("services:partner_plaque", args=[approved.pk]), follow=True)

    assert reverse("services:partner_plaque", args=[serving.pk]) in serving_page
    assert reverse("services:partner_plaque", args=[approved.pk]) not in approved_page
    assert "只有服务期内的合伙人才有居民意见箱二维码牌。" in refused.content.decode()


def test_plaque_of_another_streets_partner_is_not_found(client, staff):
    partner, _agreement, _space = serving_partner()
    client.force_login(staff)

    assert client.get(reverse("services:partner_plaque", args=[partner.pk])).status_code == 404
