"""各街道对比: district and city staff compare the streets below them (issue 15)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import ServiceTarget
from notices.domain import objection_conclude
from notices.models import Objection
from notices.tasks import end_due_notices
from portal.dates import local_today
from services import domain
from services.models import Feedback, FeedbackStatus, LogStatus, ServiceLog
from tests.factories import (
    CityFactory,
    CommunityFactory,
    DistrictFactory,
    StreetFactory,
    UserFactory,
    city_staff,
    district_staff,
    street_staff,
)
from tests.notices.factories import approved_partner, file_objection, published_notice

from .factories import make_log, serving_partner, target

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 1)


def _period():
    today = local_today()
    return START, max(today.replace(day=1), dt.date(2026, 6, 1))


def _month_end(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@pytest.fixture
def world():
    """One city, two districts of two streets each; every street a serving partner with targets and logs."""
    city = CityFactory(name="镇江市")
    districts = [DistrictFactory(city=city, name="京口区"), DistrictFactory(city=city, name="润州区")]
    streets = {}
    for d_index, district in enumerate(districts):
        for s_index in range(2):
            street = StreetFactory(name=f"{district.name}第{s_index + 1}街道", district=district)
            staff = street_staff(street=street)
            partner, agreement, space = serving_partner(
                "active", community=CommunityFactory(street=street), start=dt.date(2026, 2, 1)
            )
            target(agreement, "hours", 10 + s_index)
            target(agreement, "residents", 40)
            target(agreement, "events", 6, period="quarter")
            for day in range(1, 3 + d_index + s_index):
                make_log(partner, agreement, space, date=dt.date(2026, 3, day), residents=5 + day)
            make_log(partner, agreement, space, date=dt.date(2026, 3, 20), status=LogStatus.SUBMITTED)
            feedback = domain.feedback_submit(partner=partner, rating=3 + s_index, comment="好")
            domain.feedback_moderate(feedback=feedback, approve=True, by=staff)
            streets[street.name] = {"street": street, "staff": staff, "partner": partner}
    first = streets["京口区第1街道"]
    listed = approved_partner(first["partner"].community)
    notice = published_notice(staff=first["staff"], partners=[listed])
    upheld = file_objection(notice)
    objection_conclude(objection=upheld, upheld=True, conclusion="属实。", by=first["staff"])
    file_objection(
        notice, grounds="服务时间与公示不符。"
    )  # still open (a different objection, not a double submit)
    end_due_notices()
    return {"city": city, "districts": districts, "streets": streets}


def _expected(street, start, end):
    """The street's figures recomputed from the source records, the slow way."""
    logs = ServiceLog.objects.filter(
        partner__community__street=street,
        status=LogStatus.VERIFIED,
        date__gte=start,
        date__lte=_month_end(end),
    )
    months = []
    month = start
    while month <= end:
        months.append(month)
        month = _month_end(month) + dt.timedelta(days=1)
    targets = {"hours": Decimal("0"), "residents": Decimal("0"), "events": Decimal("0")}
    for t in ServiceTarget.objects.filter(agreement__community__street=street).select_related("agreement"):
        covered = sum(
            1 for m in months if t.agreement.start_date <= _month_end(m) and t.agreement.end_date >= m
        )
        targets[t.metric] += t.value * covered / (3 if t.period == "quarter" else 1)
    feedback = Feedback.objects.filter(partner__community__street=street, status=FeedbackStatus.APPROVED)
    objections = Objection.objects.filter(notice__street=street)
    return {
        "hours": sum((log.hours for log in logs), Decimal("0")),
        "residents": sum(log.residents_served for log in logs),
        "events": logs.count(),
        "targets": {k: round(v, 1) for k, v in targets.items() if v},
        "feedback_count": feedback.count(),
        "rating_sum": sum(f.rating for f in feedback),
        "objections": objections.count(),
        "objections_upheld": objections.filter(status="upheld").count(),
        "active": street.communities.filter(partners__status="active").count(),
    }


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("services:comparison"), params)


def test_figures_equal_a_recomputation_from_the_source_records(client, world):
    start, end = _period()
    admin = UserFactory(is_superuser=True, is_staff=True)

    response = _page(client, admin, start="2026-01", end=end.strftime("%Y-%m"))

    rows = response.context["figures"]["rows"]
    assert [r.name for r in rows] == ["京口区第1街道", "京口区第2街道", "润州区第1街道", "润州区第2街道"]
    for row in rows:
        expected = _expected(world["streets"][row.name]["street"], start, end)
        assert (row.hours, row.residents, row.events) == (
            expected["hours"],
            expected["residents"],
            expected["events"],
        ), row.name
        assert row.targets == expected["targets"], row.name
        assert (row.feedback_count, row.rating_sum) == (expected["feedback_count"], expected["rating_sum"])
        assert (row.objections, row.objections_upheld) == (
            expected["objections"],
            expected["objections_upheld"],
        )
        assert row.partners.get("active", 0) == expected["active"]
        assert row.spaces_total == 1 and row.spaces_in_use + row.spaces_idle == 1
    first = rows[0]
    # Agreement Feb–Jun: five months of a monthly 10 h target; a quarterly 6 events target is 2 a month.
    assert first.targets == {
        "hours": Decimal("50.0"),
        "residents": Decimal("200.0"),
        "events": Decimal("10.0"),
    }
    assert (first.objections, first.objections_upheld) == (2, 1)
    assert first.share("hours") == round(first.hours * 100 / Decimal("50"), 1)


def test_period_boundaries_count_whole_months(client, world):
    admin = UserFactory(is_superuser=True, is_staff=True)

    march = _page(client, admin, start="2026-03", end="2026-03").context["figures"]["rows"]
    february = _page(client, admin, start="2026-02", end="2026-02").context["figures"]["rows"]
    april = _page(client, admin, start="2026-04", end="2026-04").context["figures"]["rows"]
    january = _page(client, admin, start="2026-01", end="2026-01").context["figures"]["rows"]

    assert [r.events for r in march] == [2, 3, 3, 4]
    assert [r.events for r in february] == [0, 0, 0, 0]
    assert [r.events for r in april] == [0, 0, 0, 0]
    assert february[0].targets == {
        "hours": Decimal("10.0"),
        "residents": Decimal("40.0"),
        "events": Decimal("2.0"),
    }
    assert january[0].targets == {}  # the agreement starts in February


def test_district_staff_see_only_their_districts_streets_and_city_staff_all(client, world):
    jingkou, runzhou = world["districts"]

    district_rows = _page(client, district_staff(district=jingkou)).context["figures"]["rows"]
    city_rows = _page(client, city_staff(city=world["city"])).context["figures"]["rows"]
    drilled = _page(client, city_staff(city=world["city"]), district=runzhou.pk).context["figures"]["rows"]

    assert [r.name for r in district_rows] == ["京口区第1街道", "京口区第2街道"]
    assert [r.name for r in city_rows] == ["京口区第1街道", "京口区第2街道", "润州区第1街道", "润州区第2街道"]
    assert [r.name for r in drilled] == ["润州区第1街道", "润州区第2街道"]


def test_other_city_staff_see_nothing_and_street_staff_are_refused(client, world):
    other_city = city_staff(city=CityFactory(name="常州市"))
    street_user = world["streets"]["京口区第1街道"]["staff"]

    rows = _page(client, other_city).context["figures"]["rows"]
    client.force_login(street_user)
    refused = client.get(reverse("services:comparison")).status_code
    client.logout()
    anonymous = client.get(reverse("services:comparison")).status_code

    assert rows == []
    assert refused == 403
    assert anonymous == 302


def test_drill_down_links_district_street_community(client, world):
    user = city_staff(city=world["city"])
    jingkou = world["districts"][0]
    street = world["streets"]["京口区第1街道"]["street"]
    community = world["streets"]["京口区第1街道"]["partner"].community

    top = _page(client, user, start="2026-01", end="2026-06").content.decode()
    district_link = f"?district={jingkou.pk}&amp;start=2026-01&amp;end=2026-06"
    district_page = client.get(
        reverse("services:comparison"), {"district": jingkou.pk, "start": "2026-01", "end": "2026-06"}
    )
    street_link = reverse("services:dashboard") + f"?street={street.pk}&amp;start=2026-01&amp;end=2026-06"
    street_page = client.get(
        reverse("services:dashboard"), {"street": street.pk, "start": "2026-01", "end": "2026-06"}
    )
    community_page = client.get(reverse("services:dashboard"), {"community": community.pk})

    assert district_link in top and street_link in top
    assert [r.name for r in district_page.context["figures"]["rows"]] == ["京口区第1街道", "京口区第2街道"]
    assert street_page.status_code == 200
    assert street_page.context["figures"]["level"] == "street"
    assert community.pk in [u.community_id for u in street_page.context["figures"]["units"]]
    assert f"community={community.pk}" in street_page.content.decode()
    assert community_page.context["figures"]["level"] == "community"
    assert community_page.context["figures"]["community"] == community


def test_another_districts_staff_get_404_on_this_districts_drill_down(client, world):
    jingkou, runzhou = world["districts"]
    street = world["streets"]["京口区第1街道"]["street"]
    community = world["streets"]["京口区第1街道"]["partner"].community
    client.force_login(district_staff(district=runzhou))

    statuses = [
        client.get(reverse("services:comparison"), {"district": jingkou.pk}).status_code,
        client.get(reverse("services:comparison_xlsx"), {"district": jingkou.pk}).status_code,
        client.get(reverse("services:dashboard"), {"street": street.pk}).status_code,
        client.get(reverse("services:dashboard"), {"community": community.pk}).status_code,
    ]
    own_dashboard = client.get(reverse("services:dashboard"))

    assert statuses == [404, 404, 404, 404]
    assert own_dashboard.status_code == 200
    assert {u.name for u in own_dashboard.context["figures"]["units"]} == {"润州区第1街道", "润州区第2街道"}


def test_xlsx_export_has_the_table(client, world):
    user = district_staff(district=world["districts"][0])
    client.force_login(user)

    end = _period()[1].strftime("%Y-%m")  # the objections were filed today

    response = client.get(reverse("services:comparison_xlsx"), {"start": "2026-01", "end": end})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert response.status_code == 200
    assert rows[0][:2] == ("区县", "街道") and "目标时数" in rows[0] and "异议成立" in rows[0]
    assert [r[:2] for r in rows[1:]] == [("京口区", "京口区第1街道"), ("京口区", "京口区第2街道")]
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=True))
    assert (first["目标时数"], first["异议"], first["异议成立"]) == (50.0, 2, 1)
    assert len(response.content) <= 100 * 1024


@pytest.mark.parametrize("extra", [0, 4])
def test_query_count_and_size_do_not_grow_with_data(client, world, extra, django_assert_num_queries):
    district = world["districts"][0]
    for i in range(extra):
        street = StreetFactory(name=f"新增街道{i}", district=district)
        partner, agreement, space = serving_partner("active", community=CommunityFactory(street=street))
        target(agreement, "hours", 8)
        for day in range(1, 4):
            make_log(partner, agreement, space, date=dt.date(2026, 4, day))
    user = city_staff(city=world["city"])
    client.force_login(user)

    with django_assert_num_queries(10):
        response = client.get(reverse("services:comparison"), {"start": "2026-01", "end": "2026-06"})
    with django_assert_num_queries(9):
        export = client.get(reverse("services:comparison_xlsx"), {"start": "2026-01", "end": "2026-06"})

    assert len(response.context["figures"]["rows"]) == 4 + extra
    assert len(response.content) <= 100 * 1024 and len(export.content) <= 100 * 1024


def test_admin_index_links_the_comparison_for_level_staff_only(client, world):
    client.force_login(district_staff(district=world["districts"][0]))
    level = client.get(reverse("admin:index")).content.decode()
    client.force_login(world["streets"]["京口区第1街道"]["staff"])
    street = client.get(reverse("admin:index")).content.decode()

    assert reverse("services:comparison") in level and reverse("services:dashboard") in level
    assert reverse("services:comparison") not in street and reverse("services:dashboard") in street
