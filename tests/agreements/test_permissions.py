"""Who may see and do what with agreements: one table, with data that could leak (issue 8)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from agreements.domain import agreement_content_hash
from agreements.models import AgreementDocument, Party
from portal.dates import local_today
from portal.models import Role
from tests.factories import CommunityFactory, community_staff, partner_in_state, role_user, street_staff

from .factories import draft_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    mine = CommunityFactory(name="华阳社区")
    neighbour = CommunityFactory(street=mine.street, name="崇明社区")
    elsewhere = CommunityFactory(name="别处社区")
    agreements = {}
    for key, community in (("mine", mine), ("neighbour", neighbour), ("elsewhere", elsewhere)):
        agreement = draft_agreement(
            partner_in_state("signing", community=community), start=dt.date(2026, 3, 1)
        )
        AgreementDocument.objects.create(
            agreement=agreement,
            content_hash=agreement_content_hash(agreement),
            file=ContentFile(b"%PDF-1.4 test", name="a.pdf"),
            size=13,
        )
        agreements[key] = agreement
    users = {
        "anonymous": None,
        "community_staff": community_staff(community=mine),
        "neighbour_staff": community_staff(community=neighbour),
        "street_staff": street_staff(street=mine.street),
        "other_street_staff": street_staff(street=elsewhere.street),
        "reviewer": role_user(Role.REVIEWER, street=mine.street),
        "partner": role_user(Role.PARTNER, community=mine),
    }
    return agreements, users


def _sign_payload(agreement):
    return {
        "agreement": agreement.pk,
        "party": Party.STATION,
        "signatory": "吴静",
        "signed_on": local_today().isoformat(),
    }


# (role, method, url template, expected status); {mine} is an agreement in 华阳社区.
TABLE = [
    ("anonymous", "get", "/api/agreements/", 403),
    ("reviewer", "get", "/api/agreements/", 403),
    ("partner", "get", "/api/agreements/", 403),
    ("community_staff", "get", "/api/agreements/", 200),
    ("community_staff", "get", "/api/agreements/{mine}/", 200),
    ("neighbour_staff", "get", "/api/agreements/{mine}/", 404),
    ("street_staff", "get", "/api/agreements/{neighbour}/", 200),
    ("other_street_staff", "get", "/api/agreements/{mine}/", 404),
    ("community_staff", "post", "/api/agreement-signatures/", 201),
    ("street_staff", "post", "/api/agreement-signatures/", 201),
    ("neighbour_staff", "post", "/api/agreement-signatures/", 400),
    ("reviewer", "post", "/api/agreement-signatures/", 403),
    ("anonymous", "post", "/api/agreement-signatures/", 403),
    ("community_staff", "put", "/api/agreements/{mine}/", 405),
    ("anonymous", "get", "/staff/agreements/{mine}/pdf/", 302),
    ("community_staff", "get", "/staff/agreements/{mine}/pdf/", 200),
    ("neighbour_staff", "get", "/staff/agreements/{mine}/pdf/", 404),
    ("reviewer", "get", "/staff/agreements/{mine}/pdf/", 404),
    ("street_staff", "get", "/staff/agreements/{neighbour}/pdf/", 200),
    ("other_street_staff", "get", "/staff/agreements/{mine}/pdf/", 404),
    ("community_staff", "get", "/admin/agreements/agreement/", 200),
    ("community_staff", "get", "/admin/agreements/agreement/{mine}/change/", 200),
    ("neighbour_staff", "get", "/admin/agreements/agreement/{mine}/change/", 302),
    ("reviewer", "get", "/admin/agreements/agreement/", 302),
    ("community_staff", "get", "/admin/agreements/agreement/{mine}/sign/", 200),
    ("neighbour_staff", "get", "/admin/agreements/agreement/{mine}/sign/", 404),
    ("community_staff", "get", "/admin/agreements/renewalreminder/", 200),
    ("community_staff", "get", "/admin/services/renewaldecision/add/", 403),
    ("street_staff", "get", "/admin/services/renewaldecision/add/", 200),
    ("community_staff", "get", "/admin/agreements/specialapproval/add/", 403),
    ("street_staff", "get", "/admin/agreements/specialapproval/add/", 200),
]


@pytest.mark.parametrize(("role", "method", "url", "expected"), TABLE)
def test_permission_table(client, world, role, method, url, expected):
    agreements, users = world
    if users[role] is not None:
        client.force_login(users[role])
    target = url.format(**{k: a.pk for k, a in agreements.items()})

    if method == "post":
        response = client.post(target, _sign_payload(agreements["mine"]), content_type="application/json")
    else:
        response = getattr(client, method)(target)

    assert response.status_code == expected


def test_api_list_shows_only_scope(client, world):
    agreements, users = world
    client.force_login(users["street_staff"])

    numbers = [row["number"] for row in client.get("/api/agreements/").json()["results"]]

    assert sorted(numbers) == sorted([agreements["mine"].number, agreements["neighbour"].number])
