"""A suggestion keeps its partner's street (issue 14): a street's list reads its own index.

Like a service log's (test_log_street.py): the street on the suggestion is set when it is
saved and follows the partner to another community and the community to another street,
or the suggestion would leave its street's lists and desk (and show in another's).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.desk import desk_items
from services import domain
from services.models import Feedback, FeedbackStatus
from tests.factories import CommunityFactory, StreetFactory, street_staff

from .factories import serving_partner

pytestmark = pytest.mark.django_db


def _admin_comments(client, user):
    client.force_login(user)
    response = client.get("/admin/services/feedback/")
    assert response.status_code == 200
    return {feedback.comment for feedback in response.context["cl"].result_list}


def _to_moderate(user) -> int:
    return sum(item.count for item in desk_items(user) if item.label == "待审核的居民意见")


def test_a_suggestion_from_the_box_carries_its_partners_street():
    partner, _agreement, _space = serving_partner("active")

    feedback = domain.feedback_submit(partner=partner, rating=5, comment="老师很耐心")

    assert Feedback.objects.get(pk=feedback.pk).street_id == partner.community.street_id


def test_a_suggestion_saved_without_its_partner_loaded_still_gets_the_street():
    partner, _agreement, _space = serving_partner("active")

    feedback = Feedback(partner_id=partner.pk, rating=4, comment="不错")
    feedback.save()

    assert Feedback.objects.get(pk=feedback.pk).street_id == partner.community.street_id


def test_suggestions_follow_their_partner_to_a_community_of_another_street(client):
    partner, _agreement, _space = serving_partner("active")
    domain.feedback_submit(partner=partner, rating=5, comment="搬走前的意见")
    old_street, elsewhere = partner.community.street, CommunityFactory()

    partner.community = elsewhere
    partner.save()

    assert Feedback.objects.get(partner=partner).street_id == elsewhere.street_id
    new_clerk, old_clerk = street_staff(street=elsewhere.street), street_staff(street=old_street)
    assert _admin_comments(client, new_clerk) == {"搬走前的意见"}
    assert _admin_comments(client, old_clerk) == set()
    assert (_to_moderate(new_clerk), _to_moderate(old_clerk)) == (1, 0)


def test_suggestions_follow_their_community_to_another_street(client):
    partner, _agreement, _space = serving_partner("active")
    domain.feedback_submit(partner=partner, rating=3, comment="社区划转前的意见")
    community, old_street, new_street = partner.community, partner.community.street, StreetFactory()

    community.street = new_street
    community.save()

    assert Feedback.objects.get(partner=partner).street_id == new_street.pk
    assert _admin_comments(client, street_staff(street=new_street)) == {"社区划转前的意见"}
    assert _admin_comments(client, street_staff(street=old_street)) == set()


def test_a_streets_lists_and_desk_filter_on_the_suggestions_own_street(client):
    """The street's list, its moderation queue, the API and the desk's count read
    feedback_street_order / feedback_street_status: no join to the community."""
    partner, _agreement, _space = serving_partner("active")
    domain.feedback_submit(partner=partner, rating=2, comment="希望多办几期")
    clerk = street_staff(street=partner.community.street)
    client.force_login(clerk)

    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/services/feedback/")
        client.get(f"/admin/services/feedback/?status__exact={FeedbackStatus.PENDING}")
        client.get("/api/feedback/")
        assert _to_moderate(clerk) == 1

    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(('SELECT "services_feedback"."id"', 'SELECT COUNT("services_feedback"."id")'))
    ]
    assert len(reads) == 4
    for sql in reads:
        assert f'"services_feedback"."street_id" = {partner.community.street_id}' in sql
        assert '"portal_community"."street_id" =' not in sql
