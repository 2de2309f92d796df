"""A service log keeps its partner's street (issue 14): a street's list reads its own index.

The street on the log must always be the partner's community's street, or the
log would leave its street's lists (and show in another's): it is set when the
log is saved, and follows the partner to another community and the community
to another street.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services import domain
from services.models import LogStatus, ServiceLog
from tests.factories import CommunityFactory, StreetFactory, street_staff

from .factories import log_data, make_log, partner_user, serving_partner

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 20)


def _admin_titles(client, user):
    client.force_login(user)
    response = client.get("/admin/services/servicelog/")
    assert response.status_code == 200
    return {log.title for log in response.context["cl"].result_list}


def test_a_log_recorded_by_the_partner_carries_its_street():
    partner, _agreement, space = serving_partner("trial")

    log = domain.servicelog_create(
        partner=partner, data=log_data(space), by=partner_user(partner), today=TODAY
    )

    assert ServiceLog.objects.get(pk=log.pk).street_id == partner.community.street_id


def test_a_log_written_without_its_partner_loaded_still_gets_the_street():
    partner, agreement, space = serving_partner("trial")

    log = ServiceLog(
        partner_id=partner.pk,  # the partner not loaded: its street is read
        agreement=agreement,
        space=space,
        date=dt.date(2026, 3, 10),
        start_time=dt.time(9),
        end_time=dt.time(11),
        hours=2,
        category="elderly",
        title="课程",
        description="课程",
        residents_served=10,
    )
    log.save()

    assert ServiceLog.objects.get(pk=log.pk).street_id == partner.community.street_id


def test_logs_follow_their_partner_to_a_community_of_another_street(client):
    partner, agreement, space = serving_partner("active")
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10), title="搬走前的活动")
    old_street, elsewhere = partner.community.street, CommunityFactory()

    partner.community = elsewhere
    partner.save()

    assert set(ServiceLog.objects.filter(partner=partner).values_list("street_id", flat=True)) == {
        elsewhere.street_id
    }
    assert _admin_titles(client, street_staff(street=elsewhere.street)) == {"搬走前的活动"}
    assert _admin_titles(client, street_staff(street=old_street)) == set()


def test_logs_follow_their_community_to_another_street(client):
    partner, agreement, space = serving_partner("active")
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10), title="社区划转前的活动")
    community, old_street, new_street = partner.community, partner.community.street, StreetFactory()

    community.street = new_street
    community.save()

    assert ServiceLog.objects.get(partner=partner).street_id == new_street.pk
    assert _admin_titles(client, street_staff(street=new_street)) == {"社区划转前的活动"}
    assert _admin_titles(client, street_staff(street=old_street)) == set()


def test_a_communitys_other_edits_leave_the_logs_alone():
    partner, agreement, space = serving_partner("active")
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10))
    community = partner.community

    with CaptureQueriesContext(connection) as queries:
        community.save(update_fields=["name"])

    assert not any("services_servicelog" in q["sql"] for q in queries.captured_queries)


def test_a_streets_list_filters_on_the_logs_own_street(client):
    """The street's list reads servicelog_street_order: no join to the community to find its logs."""
    partner, agreement, space = serving_partner("active")
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10), status=LogStatus.SUBMITTED)
    clerk = street_staff(street=partner.community.street)
    client.force_login(clerk)

    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/services/servicelog/")
        client.get("/admin/services/servicelog/?status__exact=submitted")  # the review queue
        client.get("/api/service-logs/")

    lists = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "services_servicelog"."id"')
    ]
    assert len(lists) == 3
    for sql in lists:
        assert f'"services_servicelog"."street_id" = {partner.community.street_id}' in sql
        assert '"portal_community"."street_id" =' not in sql
