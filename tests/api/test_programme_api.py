"""The other programmes' pieces in the REST API (issue 20): reports, the time bank, the registry.

Read-only lists: staff see their scope, a partner its own, only where the street runs the piece;
anonymous callers get nothing; the query count does not grow with the rows.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.models import FilingStatus
from portal.domain import street_programmes_apply
from portal.features import Programme
from reports import domain as reports_domain
from reports.models import ReportSettings
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    StreetFactory,
    community_staff,
    district_staff,
    street_staff,
)
from tests.organisations.factories import OrganisationFactory, registry_on
from tests.services.factories import make_log, partner_user, serving_partner
from tests.timebank.factories import individual_partner, submitted_log, timebank_street, verify

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


def ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return sorted(row["id"] for row in response.json()["results"])


def reporting_partner(street=None):
    community = CommunityFactory(street=street or StreetFactory())
    ReportSettings.objects.update_or_create(street=community.street, defaults={"enabled": True})
    partner, agreement, space = serving_partner(
        "active", community=community, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    make_log(partner, agreement, space, date=dt.date(2026, 3, 7))
    report = reports_domain.monthly_report_compile(partner=partner, month=MARCH, by=partner_user(partner))
    return partner, report


def test_monthly_reports_staff_read_their_scope_a_partner_its_own_and_none_once_off(client):
    partner, report = reporting_partner()
    other, other_report = reporting_partner(street=StreetFactory(district=DistrictFactory()))

    client.force_login(community_staff(community=partner.community))
    assert ids(client, "/api/monthly-reports/") == [report.pk]
    client.force_login(partner_user(partner))
    assert ids(client, "/api/monthly-reports/") == [report.pk]
    assert client.get(f"/api/monthly-reports/{other_report.pk}/").status_code == 404
    client.force_login(district_staff(district=other.community.street.district))
    assert ids(client, "/api/monthly-reports/") == [other_report.pk]

    street_programmes_apply(street=partner.community.street, programmes=[Programme.CHONGMING], by=None)
    client.force_login(street_staff(street=partner.community.street))
    assert ids(client, "/api/monthly-reports/") == []
    assert report.__class__.objects.filter(pk=report.pk).exists()  # kept, only not served


def test_programme_lists_refuse_anonymous_callers(client):
    for url in (
        "/api/monthly-reports/",
        "/api/fund-entries/",
        "/api/timebank-entries/",
        "/api/organisations/",
    ):
        assert client.get(url).status_code in (401, 403), url


def test_timebank_entries_an_individual_reads_its_own_staff_their_community(client):
    community = CommunityFactory(street=timebank_street())
    person, agreement, space = individual_partner(community)
    verify(submitted_log(person, agreement, space))
    neighbour, agreement2, space2 = individual_partner(CommunityFactory(street=community.street))
    verify(submitted_log(neighbour, agreement2, space2))

    client.force_login(partner_user(person))
    own = client.get("/api/timebank-entries/").json()["results"]
    assert [(e["kind"], e["points"], e["balance_after"]) for e in own] == [("earned", "2.00", "2.00")]
    accounts = client.get("/api/timebank-accounts/").json()["results"]
    assert [(a["holder_name"], a["balance"]) for a in accounts] == [(person.name, "2.00")]

    client.force_login(community_staff(community=community))
    assert len(client.get("/api/timebank-entries/").json()["results"]) == 1
    client.force_login(street_staff(street=community.street))
    assert len(client.get("/api/timebank-entries/").json()["results"]) == 2


def test_organisations_registry_for_staff_in_scope_where_the_street_keeps_it(client):
    street = registry_on(StreetFactory())
    team = OrganisationFactory(community=CommunityFactory(street=street), contact_phone="13800001111")
    OrganisationFactory()  # another street, which does not keep the registry

    client.force_login(street_staff(street=street))
    rows = client.get("/api/organisations/").json()["results"]
    assert [(r["id"], r["filing_status"], r["contact_phone"]) for r in rows] == [
        (team.pk, FilingStatus.NOT_FILED, "13800001111")
    ]
    client.force_login(street_staff())
    assert ids(client, "/api/organisations/") == []


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_programme_lists_query_count_does_not_grow_with_rows(client):
    street = registry_on(timebank_street())
    ReportSettings.objects.update_or_create(street=street, defaults={"enabled": True})
    community = CommunityFactory(street=street)
    staff = street_staff(street=street)
    urls = [
        "/api/monthly-reports/",
        "/api/self-evaluations/",
        "/api/fund-entries/",
        "/api/timebank-accounts/",
        "/api/timebank-entries/",
        "/api/organisations/",
    ]

    def add_rows():
        reporting_partner(street=street)
        person, agreement, space = individual_partner(community)
        verify(submitted_log(person, agreement, space))
        OrganisationFactory(community=community)

    add_rows()
    client.force_login(staff)
    at_one = {url: _list_queries(client, url) for url in urls}
    add_rows()
    add_rows()

    at_three = {url: _list_queries(client, url) for url in urls}
    assert at_three == at_one
