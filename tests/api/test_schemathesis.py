"""Schema fuzzing (issue 18): schemathesis over the whole OpenAPI schema, as each role.

Every operation of /api/schema/ gets a few generated requests per role (anonymous,
street staff, community staff, reviewer, observer, partner, superuser) on the demo
database, through the WSGI application in this thread, so writes happen inside the
test's transaction and are rolled back. Wanted: no server error, and every response
(status code, content type, body) as the schema documents it.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from calls.models import Application
from partners.models import Partner
from portal.models import Community, Role
from services.models import Observer, PartnerAccount
from tests.factories import UserFactory, role_user

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 3
ROLES = ["anonymous", "street_staff", "community_staff", "reviewer", "observer", "partner", "superuser"]


def role_token(role: str) -> str | None:
    """A token of a new user with `role`, scoped to the demo's first community and its street."""
    if role == "anonymous":
        return None
    community = Community.objects.order_by("pk").first()
    if role == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif role == "partner":
        account = PartnerAccount.objects.select_related("user").order_by("pk").first()
        user = account.user
    elif role == "observer":
        user = Observer.objects.select_related("user").order_by("pk").first().user
    else:
        user = role_user(Role(role), street=community.street, community=community)
    return Token.objects.get_or_create(user=user)[0].key


def fuzz(operation, headers, failures):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # the (shrunk) failures; every operation still runs
        for failure in getattr(exc, "exceptions", [exc]):
            title = getattr(failure, "title", type(failure).__name__)
            message = " ".join(str(getattr(failure, "message", failure)).split())[:400]
            failures.add(f"{operation.label}: {title}: {message}")


@pytest.fixture
def in_test_transaction():
    """The WSGI handler keeps the test's connection (and its transaction), as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_schema_fuzzing_as_each_role(demo_database, in_test_transaction, role):
    assert Partner.objects.exists() and Application.objects.exists()  # data that could leak
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    token = role_token(role)
    headers = {"Authorization": f"Token {token}"} if token else {}
    failures = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        fuzz(operation, headers, failures)

    assert len(operations) > 40
    print("\n".join(sorted(failures)))
    assert sorted(failures) == []
