"""Every PDF the portal makes is fit to sign and seal (issue 19, deliverable 5).

Each document is rendered with enough rows to span pages, then read back with pypdf:
no table row's text is split across two pages, every page carries "第 x 页 共 y 页",
and the dossier's 卷内目录 gives the pages its sections really start on.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.domain import agreement_document_render
from calls.domain import application_pdf
from calls.models import Application
from notices.domain import notice_file
from notices.tasks import end_due_notices
from partners.models import PartnerTransition
from portal.uploads import private_storage
from reviews.domain import roadshow_close_scoring
from services.dossier import dossier_context, dossier_file_render, dossier_number
from services.models import LogStatus, ServiceLog
from services.stats import month_sheet_pdf
from tests.agreements.factories import draft_agreement
from tests.factories import partner_in_state
from tests.notices.factories import approved_partner, past_notice, setting
from tests.reviews.conftest import give_score
from tests.reviews.factories import setup_roadshow
from tests.services.factories import serving_partner

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r"第(\d+)页共(\d+)页")


def _pages(data: bytes) -> list[str]:
    """Each page's text with all white space removed (cells wrap lines anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in reader.pages]


def _assert_footers(pages: list[str]) -> None:
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert FOOTER.findall(text) == [(str(number), str(total))], (number, text[-80:])


def _assert_rows_whole(pages: list[str], rows: list[str]) -> None:
    """Each row's text (its cells in order) stands whole on one page; a split row stands on none."""
    split = [row for row in rows if not any(row in FOOTER.sub("", page) for page in pages)]
    assert split == []


def _long_name(i: int) -> str:
    return f"句容市崇明街道第{i:02d}号邻里守望银龄互助志愿服务中心"


def test_results_sheet_rows_stay_whole_and_the_street_seals(client):
    roadshow, staff, partners, members = setup_roadshow(partners=16)
    for i, partner in enumerate(partners):
        Application.objects.filter(pk=partner.application.pk).update(applicant_name=_long_name(i))
        for member in members["expert"]:
            give_score(member, partner, 50 + i)
        for member in members["social"]:
            give_score(member, partner, 70 + i)
    roadshow_close_scoring(roadshow=roadshow, by=staff)
    client.force_login(staff)

    pages = _pages(client.get(reverse("reviews:results_pdf", args=[roadshow.pk])).content)

    assert len(pages) >= 2
    _assert_footers(pages)
    # a row: rank, name, three expert cells, three social cells, the two panel scores, the composite
    rows = []
    for i in range(16):
        expert, social = Decimal(50 + i), Decimal(70 + i)
        composite = (expert * Decimal("0.6") + social * Decimal("0.4")).quantize(Decimal("0.01"))
        cells = f"{expert:.2f}" * 3 + f"{social:.2f}" * 3
        rows.append(f"{16 - i}{_long_name(i)}{cells}{expert:.2f}{social:.2f}{composite}")
    _assert_rows_whole(pages, rows)
    assert f"{roadshow.street.name}（盖章）（盖章）" in "".join(pages)


def test_shortlist_rows_stay_whole(client):
    _roadshow, staff, partners, _members = setup_roadshow(partners=45, open_scoring=False)
    call = partners[0].application.call
    for i, partner in enumerate(partners):  # one call (batch) of 45 shortlisted applicants
        Application.objects.filter(pk=partner.application.pk).update(applicant_name=_long_name(i), call=call)
    client.force_login(staff)

    data = client.get(reverse("reviews:shortlist_pdf"), {"call": call.pk}).content
    pages = _pages(data)

    assert len(pages) >= 2
    _assert_footers(pages)
    _assert_rows_whole(pages, [f"{p.reference}{_long_name(i)}" for i, p in enumerate(partners)])
    assert all("序号申请编号申请主体" in page for page in pages)  # the head repeats


def test_filing_rows_stay_whole_and_the_street_seals():
    community, staff = setting()
    partners = [
        approved_partner(community, applicant_name=_long_name(i), project_title=f"银龄学堂第{i:02d}期")
        for i in range(30)
    ]
    notice = past_notice(staff=staff, partners=partners)
    end_due_notices()

    pages = _pages(notice_file(notice=notice, by=staff))

    assert len(pages) >= 2
    _assert_footers(pages)
    rows = [f"{i + 1}{_long_name(i)}（社会组织）银龄学堂第{i:02d}期" for i in range(30)]
    _assert_rows_whole(pages, rows)
    assert f"{community.street.name}党工委（盖章）（盖章）" in "".join(pages)


def test_agreement_rows_stay_whole_with_party_details_and_three_seals():
    partner = partner_in_state(
        "signing",
        application__applicant_name="句容市银龄互助服务中心",
        application__address="华阳北路18号",
        application__legal_representative="李建国",
        application__mobile="13812345678",
        application__credit_code="52321183MJ0000000X",
    )
    street = partner.community.street
    street.address, street.contact_phone, street.social_work_station = "崇明路1号", "0511-87260000", ""
    street.save()
    agreement = draft_agreement(partner, start=dt.date(2026, 3, 1), months=12)

    document = agreement_document_render(agreement=agreement)
    with document.file.open("rb") as pdf:
        pages = _pages(pdf.read())

    assert len(pages) >= 2
    _assert_footers(pages)
    flat = "".join(pages)
    station = f"{street.name}社工站"
    assert f"名称{station}句容市银龄互助服务中心{partner.community.name}" in flat
    assert "地址崇明路1号华阳北路18号" in flat
    assert "法定代表人/联系人—李建国" in flat
    assert "联系电话0511-8726000013812345678" in flat
    assert "统一社会信用代码—52321183MJ0000000X—" in flat
    assert flat.count("（盖章）") == 3
    assert "2026年3月1日" in flat and "2027年2月28日" in flat
    assert re.search(r"\d{4}年0\d月", flat) is None  # one date format: no leading zeros
    _assert_rows_whole(pages, ["服务居民人次每月120", "服务时数每月20"])


def test_application_form_rows_stay_whole():
    plan, activities, schedule, team, cases = (
        f"{word}" * 90 for word in ("项目目标", "主要活动", "进度安排", "团队介绍", "过往案例")
    )
    partner = partner_in_state(
        "submitted",
        application__plan=plan,
        application__activities=activities,
        application__schedule=schedule,
        application__team_intro=team,
        application__past_cases=cases,
    )

    pages = _pages(application_pdf(partner.application))

    assert len(pages) >= 2
    _assert_footers(pages)
    _assert_rows_whole(
        pages,
        [
            f"项目目标{plan}",
            f"主要活动内容{activities}",
            f"实施进度安排{schedule}",
            f"团队介绍{team}",
            f"过往案例{cases}",
        ],
    )


def test_month_sheet_rows_stay_whole():
    partner, agreement, space = serving_partner("active")
    ServiceLog.objects.bulk_create(
        ServiceLog(
            partner=partner,
            street_id=partner.community.street_id,
            agreement=agreement,
            space=space,
            date=dt.date(2026, 3, 1 + i % 28),
            start_time=dt.time(9),
            end_time=dt.time(11),
            hours=Decimal("2"),
            category="elderly",
            title=f"第{i:02d}场智能手机使用与防范电信诈骗讲座暨银龄数字生活课堂",
            description="课程",
            residents_served=10 + i,
            status=LogStatus.VERIFIED,
        )
        for i in range(40)
    )

    pages = _pages(month_sheet_pdf(partner, 2026, 3))

    assert len(pages) >= 2
    _assert_footers(pages)
    rows = [f"第{i:02d}场智能手机使用与防范电信诈骗讲座暨银龄数字生活课堂{10 + i}" for i in range(40)]
    _assert_rows_whole(pages, rows)
    assert "2026年3月1日" in pages[0]


def test_dossier_has_cover_number_and_contents_with_true_page_numbers():
    partner, agreement, space = serving_partner("active")
    months = [dt.date(2023 + m // 12, 1 + m % 12, 10) for m in range(40)]
    ServiceLog.objects.bulk_create(
        ServiceLog(
            partner=partner,
            street_id=partner.community.street_id,
            agreement=agreement,
            space=space,
            date=day,
            start_time=dt.time(9),
            end_time=dt.time(11),
            hours=Decimal("2"),
            category="elderly",
            title="课堂",
            description="课程",
            residents_served=10,
            status=LogStatus.VERIFIED,
        )
        for day in months
    )

    with private_storage.open(dossier_file_render(partner, "pdf"), "rb") as pdf:
        pages = _pages(pdf.read())

    assert len(pages) >= 4
    _assert_footers(pages)
    number = dossier_number(partner)
    assert re.fullmatch(rf"JD{partner.community.street_id:03d}-\d{{4}}-{partner.pk:06d}", number)
    assert pages[0].startswith(f"睦邻合伙人档号：{number}项目档案")
    assert "卷内目录" in pages[1] and "卷内目录" not in pages[0]
    # every monthly summary row whole on one page
    _assert_rows_whole(
        pages, [f"{day.year}年{day.month:02d}月已核实1次活动，服务2.00小时、10人次" for day in months]
    )
    # The contents: 序号, 题名, 条目数, 页号 per section; each 页号 is where the section's heading is.
    toc = FOOTER.sub("", pages[1]).split("页号", 1)[1]
    context = dossier_context(partner)
    titles = [(f"{n}.{s.title}", s.title, len(s.entries)) for n, s in enumerate(context["sections"], 1)]
    titles.append(("状态记录", "状态记录", PartnerTransition.objects.filter(partner=partner).count()))
    for n, (heading, title, count) in enumerate(titles, start=1):
        match = re.search(rf"{n}{re.escape(title)}{count}(\d+?)(?={n + 1}[^\d]|$)", toc)
        assert match, (title, toc)
        page = int(match.group(1))
        first = next(i for i, text in enumerate(pages[2:], start=3) if heading in text)
        assert page == first, (title, page, first)
