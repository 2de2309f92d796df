"""One mapping from domain refusals to API responses (issue 12): one table over real endpoints.

ValidationError → 400 with `detail` and `errors` by field; ActionRefused (a refused
transition) → 409; PermissionDenied → 403; a missing object or a non-numeric id →
404; deleting a record still referenced → 409. Always JSON with `detail`, never HTML.
"""

import datetime as dt

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from partners.models import Partner
from portal.api import exception_handler
from portal.exceptions import ActionRefused
from reviews.domain import vetting_departments
from spaces.domain import timeslot_create
from spaces.models import Space, TimeSlot
from tests.factories import (
    CommunityFactory,
    PartnerFactory,
    SpaceFactory,
    community_staff,
    partner_in_state,
    street_staff,
)

pytestmark = pytest.mark.django_db


def vetting_fail_without_note():
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[0]
    payload = {"partner": partner.pk, "department": department.pk, "result": "fail", "note": ""}
    clerk = street_staff(street=partner.community.street)
    department.members.add(clerk)  # the department's own account (only it may record its conclusion)
    return clerk, "post", "/api/vetting-checks/", payload


def vetting_by_community_staff():
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[0]
    payload = {"partner": partner.pk, "department": department.pk, "result": "pass", "note": ""}
    return community_staff(community=partner.community), "post", "/api/vetting-checks/", payload


def transition_out_of_order():
    partner = PartnerFactory()
    return (
        street_staff(street=partner.community.street),
        "post",
        f"/api/partners/{partner.pk}/transition/",
        {"transition": "shortlist"},
    )


def forward_twice():
    partner = partner_in_state("vetting")
    return (
        community_staff(community=partner.community),
        "post",
        f"/api/applications/{partner.application.pk}/forward/",
        None,
    )


def missing(url):
    def setup():
        return street_staff(), url[0], url[1], None

    return setup


def non_numeric(method, url):
    def setup():
        return street_staff(), method, url, None

    return setup


def referenced_space():
    space = SpaceFactory()
    timeslot_create(space=space, weekday=0, start_time=dt.time(9), end_time=dt.time(10), title="书法班")
    return community_staff(community=space.community), "delete", f"/api/spaces/{space.pk}/", None


def negative_area():
    community = CommunityFactory()
    return (
        community_staff(community=community),
        "post",
        "/api/spaces/",
        {"community": community.pk, "name": "x", "area_m2": "-1"},
    )


NOT_FOUND = "未找到。"

# (case, setup → (user, method, url, payload), status, expected JSON body)
TABLE = [
    (
        "validation-error-by-field",
        vetting_fail_without_note,
        400,
        {"detail": ["结论为不通过时，请写明理由。"], "errors": {"note": ["结论为不通过时，请写明理由。"]}},
    ),
    (
        "drf-validation-error-keeps-fields",
        negative_area,
        400,
        {"area_m2": ["请确保该值大于或者等于 0。"], "detail": ["请确保该值大于或者等于 0。"]},
    ),
    (
        "transition-refused",
        transition_out_of_order,
        409,
        {"detail": ["当前状态“已提交”下不能执行“列入入围名单”。"]},
    ),
    (
        "transition-refused-via-calls",
        forward_twice,
        409,
        {"detail": ["当前状态“联审联查中”下不能执行“报送街道”。"]},
    ),
    (
        "permission-denied-by-domain",
        vetting_by_community_staff,
        403,
        {"detail": "只有“党建工作办公室”的工作人员可以录入该部门的联审联查结论。"},
    ),
    ("missing-partner", missing(("get", "/api/partners/999999/")), 404, {"detail": NOT_FOUND}),
    (
        "missing-partner-transition",
        missing(("post", "/api/partners/999999/transition/")),
        404,
        {"detail": NOT_FOUND},
    ),
    (
        "missing-partner-history",
        missing(("get", "/api/partners/999999/history/")),
        404,
        {"detail": NOT_FOUND},
    ),
    ("non-numeric-history", non_numeric("get", "/api/partners/abc/history/"), 404, {"detail": NOT_FOUND}),
    (
        "non-numeric-transition",
        non_numeric("post", "/api/partners/abc/transition/"),
        404,
        {"detail": NOT_FOUND},
    ),
    ("non-numeric-space", non_numeric("get", "/api/spaces/abc/"), 404, {"detail": NOT_FOUND}),
    ("non-numeric-delete", non_numeric("delete", "/api/spaces/1x/"), 404, {"detail": NOT_FOUND}),
    ("unknown-api-path", non_numeric("get", "/api/no-such-thing/"), 404, {"detail": NOT_FOUND}),
    (
        "protected-delete",
        referenced_space,
        409,
        {"detail": ["该记录仍被其他记录引用（使用时段 1 条），不能删除；请先处理这些记录。"]},
    ),
]


@pytest.mark.parametrize(
    ("setup", "status", "body"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE]
)
def test_refusal_table(setup, status, body):
    user, method, url, payload = setup()
    api = APIClient()
    api.force_authenticate(user)

    response = getattr(api, method)(url, payload, format="json")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == body


def test_protected_delete_deletes_nothing():
    user, method, url, payload = referenced_space()
    api = APIClient()
    api.force_authenticate(user)

    assert api.delete(url).status_code == 409

    assert (Space.objects.count(), TimeSlot.objects.count()) == (1, 1)


def test_refused_action_changes_nothing():
    user, method, url, payload = transition_out_of_order()
    api = APIClient()
    api.force_authenticate(user)

    api.post(url, payload, format="json")

    assert Partner.objects.get().status == "submitted"


def test_api_server_error_is_json(monkeypatch):
    from partners.api import PartnerViewSet

    def broken(self, request, pk=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(PartnerViewSet, "history", broken)
    partner = PartnerFactory()
    client = Client(raise_request_exception=False)
    client.force_login(street_staff(street=partner.community.street))

    response = client.get(f"/api/partners/{partner.pk}/history/")

    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert response.json() == {"detail": "服务器出错，请稍后再试。"}


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.content.decode()


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (ValidationError("不行。"), 400, {"detail": ["不行。"]}),
        (
            ValidationError({"name": "必填。", "__all__": ["整体不行。"]}),
            400,
            {"detail": ["必填。", "整体不行。"], "errors": {"name": ["必填。"], "__all__": ["整体不行。"]}},
        ),
        (ActionRefused(["甲。", "乙。"]), 409, {"detail": ["甲。", "乙。"]}),
        (PermissionDenied("不许。"), 403, {"detail": "不许。"}),
        (PermissionDenied(), 403, {"detail": "您没有执行该操作的权限。"}),
        (ObjectDoesNotExist(), 404, {"detail": NOT_FOUND}),
    ],
)
def test_the_one_mapping(error, status, body):
    response = exception_handler(error, {})

    assert (response.status_code, response.data) == (status, body)


def test_unknown_errors_are_left_to_the_500_handler():
    assert exception_handler(RuntimeError("boom"), {}) is None


# --- The same refusals shown to staff as messages (portal.refusals) ----------------------------


def _request_with_messages(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/admin/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    ("error", "kwargs", "shown"),
    [
        (ValidationError(["甲。", "乙。"]), {}, ["甲。", "乙。"]),
        (ValidationError({"note": "请写明理由。"}), {"prefix": "某机构："}, ["某机构：请写明理由。"]),
        (ActionRefused(["甲。", "乙。"]), {"prefix": "某机构：", "join": "；"}, ["某机构：甲。；乙。"]),
        (PermissionDenied("不许。"), {}, ["不许。"]),
    ],
)
def test_refusals_as_messages(rf, error, kwargs, shown):
    from django.contrib.messages import ERROR, get_messages

    from portal.refusals import refusals_as_messages

    request = _request_with_messages(rf)
    with refusals_as_messages(request, **kwargs) as outcome:
        raise error

    assert outcome.refused
    assert [(m.level, m.message) for m in get_messages(request)] == [(ERROR, text) for text in shown]


def test_refusals_as_messages_lets_other_errors_through(rf):
    from portal.refusals import refusals_as_messages

    request = _request_with_messages(rf)
    with pytest.raises(RuntimeError), refusals_as_messages(request):
        raise RuntimeError("boom")


@pytest.mark.parametrize("path", ["/api/partners/abc/history/", "/api/no-such-thing/"])
def test_api_errors_are_json_even_with_debug_on(client, settings, path):
    # With DEBUG on Django renders its technical 404 page instead of handler404.
    settings.DEBUG = True

    response = client.get(path)

    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json",
        {"detail": "未找到。"},
    )


def test_pages_outside_the_api_keep_their_html_404_with_debug_on(client, settings):
    settings.DEBUG = True

    response = client.get("/no-such-page/")

    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
