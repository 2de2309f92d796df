"""Staff's daily admin lists at city scale: the query count does not grow with the rows
shown, and the filters never print another street's communities (issue 14)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.admin_scoping import COMMUNITY_FILTER_LIMIT
from reviews.models import VettingDepartment
from services.models import Feedback
from tests.factories import CommunityFactory, RecruitmentCallFactory, StreetFactory, UserFactory, street_staff

from .factories import make_log, serving_partner

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "services_servicelog",
    "services_feedback",
    "services_observation",
    "services_evaluation",
    "partners_partner",
    "calls_application",
    "agreements_agreement",
    "reviews_vettingcheck",
    "notices_objection",
]


def city(rows: int):
    """A street with `rows` serving partners, each in its own community, with a log and feedback."""
    street = StreetFactory()
    for i in range(rows):
        partner, agreement, space = serving_partner("trial", community=CommunityFactory(street=street))
        make_log(partner, agreement, space, date=dt.date(2026, 2, 2 + i))
        Feedback.objects.create(partner=partner, rating=5, comment="很好")
    return street


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(client, changelist):
    url = reverse(f"admin:{changelist}_changelist")
    small, large = city(1), city(3)
    client.force_login(street_staff(street=small))
    queries(client, url)  # warm per-process caches (content types, permissions)
    at_one = queries(client, url)
    client.force_login(street_staff(street=large))
    queries(client, url)
    assert queries(client, url) == at_one


def test_street_staff_filter_shows_only_their_streets_communities(client):
    mine, other = city(2), city(1)
    theirs = CommunityFactory(street=other, name="别的街道的社区")
    client.force_login(street_staff(street=mine))
    for changelist in CHANGELISTS:
        page = client.get(reverse(f"admin:{changelist}_changelist")).content.decode()
        assert theirs.name not in page, changelist
        assert other.name not in page, changelist
    page = client.get(reverse("admin:services_servicelog_changelist")).content.decode()
    for community in mine.communities.all():
        assert f"partner__community__id__exact={community.pk}" in page


def test_call_and_department_filters_offer_only_the_users_street(client):
    mine, other = city(2), city(1)
    RecruitmentCallFactory(street=mine, title="本街道的招募")
    RecruitmentCallFactory(street=other, title="别的街道的招募")
    VettingDepartment.objects.create(street=mine, name="本街道的部门")
    VettingDepartment.objects.create(street=mine, name="本街道的另一部门")  # one choice hides a filter
    VettingDepartment.objects.create(street=other, name="别的街道的部门")
    client.force_login(street_staff(street=mine))
    applications = client.get(reverse("admin:calls_application_changelist")).content.decode()
    assert "本街道的招募" in applications
    assert "别的街道的招募" not in applications
    checks = client.get(reverse("admin:reviews_vettingcheck_changelist")).content.decode()
    assert "本街道的部门" in checks
    assert "别的街道的部门" not in checks


def test_superuser_over_a_city_picks_a_street_before_communities(client):
    street, _other = StreetFactory(name="样板街道"), StreetFactory()
    communities = [CommunityFactory(street=street) for _ in range(COMMUNITY_FILTER_LIMIT + 1)]
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:services_servicelog_changelist")
    page = client.get(url).content.decode()
    assert "partner__community__id__exact=" not in page
    assert f"partner__community__street__id__exact={street.pk}" in page
    page = client.get(url, {"partner__community__street__id__exact": street.pk}).content.decode()
    assert page.count("partner__community__id__exact=") >= len(communities)


def test_service_log_list_has_no_date_hierarchy_scan(client):
    city(1)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:services_servicelog_changelist")).content.decode()
    assert "date__year=" not in page
    assert "date__gte=" in page  # the date filter's ranges instead


def _change_urls(street) -> dict[str, str]:
    """A change page of each kind staff open daily, for a record of `street`."""
    from agreements.models import Agreement
    from partners.models import Partner
    from services.models import ServiceLog

    partner = Partner.objects.filter(community__street=street).order_by("pk").first()
    log = ServiceLog.objects.filter(partner=partner).first()
    feedback = Feedback.objects.filter(partner=partner).first()
    agreement = Agreement.objects.filter(partner=partner).first()
    return {
        "index": reverse("admin:index"),
        "partner": reverse("admin:partners_partner_change", args=[partner.pk]),
        "servicelog": reverse("admin:services_servicelog_change", args=[log.pk]),
        "feedback": reverse("admin:services_feedback_change", args=[feedback.pk]),
        "agreement": reverse("admin:agreements_agreement_change", args=[agreement.pk]),
        "api applications": "/api/applications/",
        "servicelog filtered": reverse("admin:services_servicelog_changelist") + "?status__exact=verified",
        "feedback by rating": reverse("admin:services_feedback_changelist") + "?rating=5",
    }


@pytest.mark.parametrize(
    "page",
    [
        "index",
        "partner",
        "servicelog",
        "feedback",
        "agreement",
        "api applications",
        "servicelog filtered",
        "feedback by rating",
    ],
)
def test_staff_desk_and_change_pages_query_count_does_not_grow_with_rows(client, page):
    small, large = city(1), city(3)
    client.force_login(street_staff(street=small))
    url = _change_urls(small)[page]
    queries(client, url)  # warm per-process caches (content types, permissions)
    at_one = queries(client, url)
    client.force_login(street_staff(street=large))
    url = _change_urls(large)[page]
    queries(client, url)
    assert queries(client, url) == at_one


def test_admin_lists_show_fifty_rows_and_no_second_count(client):
    """City scale: 50 rows a page (a page stays under 100 KB), and the filtered count only."""
    from services.models import ServiceLog

    street = city(1)
    partner = ServiceLog.objects.get().partner
    agreement, space = ServiceLog.objects.get().agreement, ServiceLog.objects.get().space
    for i in range(51):
        make_log(partner, agreement, space, date=dt.date(2026, 3, 1) + dt.timedelta(days=i))
    client.force_login(street_staff(street=street))
    url = reverse("admin:services_servicelog_changelist")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert page.count('name="_selected_action"') == 50
    assert sum("COUNT(*)" in q["sql"] for q in captured) == 1
    second = client.get(url, {"p": 2}).content.decode()
    assert second.count('name="_selected_action"') == 2
    assert 'class="action-select"' in second


def test_feedback_rating_filter_offers_one_to_five_and_filters(client):
    street = city(2)
    partner = Feedback.objects.filter(partner__community__street=street).first().partner
    Feedback.objects.create(partner=partner, rating=1, comment="不太满意的意见")
    client.force_login(street_staff(street=street))
    url = reverse("admin:services_feedback_changelist")
    page = client.get(url).content.decode()
    for n in range(1, 6):
        assert f"?rating={n}" in page
    only_one = client.get(url, {"rating": 1}).content.decode()
    assert "不太满意的意见" in only_one
    assert only_one.count('name="_selected_action"') == 1
    assert client.get(url, {"rating": 5}).content.decode().count('name="_selected_action"') == 2


LOG_COUNT = 'SELECT COUNT(*) AS "__count" FROM "services_servicelog"'


@pytest.mark.parametrize(("above", "estimated"), [(1, True), (2, False)])
def test_superusers_whole_table_is_counted_by_its_estimate(client, monkeypatch, above, estimated):
    """A whole table above ESTIMATE_COUNT_ABOVE rows: pg_class's estimate, no COUNT(*) scan."""
    from portal import admin_scoping
    from services.models import ServiceLog

    street = city(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE services_servicelog")  # the estimate is then exact: 2 rows
    monkeypatch.setattr(admin_scoping, "ESTIMATE_COUNT_ABOVE", above)
    url = reverse("admin:services_servicelog_changelist")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert any(LOG_COUNT in q["sql"] for q in captured) is not estimated
    assert f"2 {ServiceLog._meta.verbose_name_plural}" in page
    with CaptureQueriesContext(connection) as captured:  # filtered: counted exactly
        client.get(url, {"status__exact": "verified"})
    assert any(LOG_COUNT in q["sql"] for q in captured)
    client.force_login(street_staff(street=street))  # staff: their scope, counted exactly
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert any(LOG_COUNT in q["sql"] for q in captured)


def test_api_service_logs_latest_first_by_date_then_start_time(client):
    """The API lists logs in the admin list's order (-date, -start_time, -id), which the
    index servicelog_list_order serves without sorting a street's 20,000 logs."""
    from services.models import ServiceLog

    street = city(1)
    morning = ServiceLog.objects.get()  # 2 Feb 2026, 09:00
    early = make_log(
        morning.partner, morning.agreement, morning.space, date=morning.date, start="07:00", end="08:00"
    )
    later = make_log(morning.partner, morning.agreement, morning.space, date=dt.date(2026, 2, 3))
    client.force_login(street_staff(street=street))
    ids = [row["id"] for row in client.get("/api/service-logs/").json()["results"]]
    assert ids == [later.pk, morning.pk, early.pk]
