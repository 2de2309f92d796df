"""The API of the early stages: calls, applications, notices and objections (partners/api_stages.py)."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from calls.models import CallStatus, DocumentRequest, RecruitmentCall
from notices.models import Objection, ObjectionStatus, PublicNotice
from partners.models import PartnerStatus
from portal.domain import audit_events_for
from portal.masking import mask_id_number
from portal.models import Role
from tests.calls.factories import call_with_space, pdf_file, submitted_application
from tests.factories import (
    CommunityFactory,
    RecruitmentCallFactory,
    community_staff,
    partner_in_state,
    role_user,
    street_staff,
    walk_partner,
)
from tests.notices.factories import (
    SEEDED_ID_NUMBER,
    approved_partner,
    draft_notice,
    file_objection,
    individual_partner,
    past_notice,
    published_notice,
)
from tests.spaces.factories import ResidentNeedFactory
from tests.utils import pdf_text

pytestmark = pytest.mark.django_db
S = PartnerStatus


@pytest.fixture
def api():
    return APIClient()


def _actions(subject):
    return [event.action for event in audit_events_for(subject)]


# --- The permission table ---------------------------------------------------------------


def _world():
    """Two streets; street A has two communities. Records everywhere that must not leak."""
    a1 = CommunityFactory(street__name="崇明街道")
    a2 = CommunityFactory(street=a1.street)
    b1 = CommunityFactory(street__name="华阳街道")
    staff_a, staff_b = street_staff(street=a1.street), street_staff(street=b1.street)
    call_a = RecruitmentCallFactory(street=a1.street)
    draft_a = RecruitmentCallFactory(street=a1.street, status=CallStatus.DRAFT)
    call_b = RecruitmentCallFactory(street=b1.street)

    def partner(state, community, call):
        return partner_in_state(state, community=community, application__call=call)

    submitted_a1 = partner("submitted", a1, call_a)
    vetting_a1 = partner("vetting", a1, call_a)
    vetting_a2 = partner("vetting", a2, call_a)
    vetting_b1 = partner("vetting", b1, call_b)
    notice_a = published_notice(staff=staff_a, partners=[partner("approved", a1, call_a)])
    notice_b = published_notice(staff=staff_b, partners=[partner("approved", b1, call_b)])
    objection_a, objection_b = file_objection(notice_a), file_objection(notice_b)
    ids = {
        "call_a": call_a.pk,
        "draft_a": draft_a.pk,
        "call_b": call_b.pk,
        "app_submitted_a1": submitted_a1.application.pk,
        "app_a1": vetting_a1.application.pk,
        "app_a2": vetting_a2.application.pk,
        "app_b1": vetting_b1.application.pk,
        "notice_a": notice_a.pk,
        "notice_b": notice_b.pk,
        "objection_a": objection_a.pk,
        "objection_b": objection_b.pk,
    }
    users = {
        "staff_a": staff_a,
        "staff_b": staff_b,
        "clerk_a1": community_staff(community=a1),
        "clerk_a2": community_staff(community=a2),
        "reviewer": role_user(Role.REVIEWER),
        "observer": role_user(Role.OBSERVER),
        "anonymous": None,
    }
    return users, ids


# (who, method, url, expected status, expected count on a list)
API_PERMISSIONS = [
    # Calls: every staff member of the street reads them; only street staff manage them.
    ("staff_a", "get", "/api/recruitment-calls/", 200, 2),
    ("staff_b", "get", "/api/recruitment-calls/", 200, 1),
    ("clerk_a1", "get", "/api/recruitment-calls/", 200, 2),
    ("staff_b", "get", "/api/recruitment-calls/{draft_a}/", 404, None),
    ("staff_b", "post", "/api/recruitment-calls/{draft_a}/publish/", 404, None),
    ("clerk_a1", "post", "/api/recruitment-calls/{draft_a}/publish/", 403, None),
    ("reviewer", "get", "/api/recruitment-calls/", 403, None),
    ("anonymous", "get", "/api/recruitment-calls/", 403, None),
    # Applications: the community its own (all stages); the street what was forwarded.
    ("staff_a", "get", "/api/applications/", 200, 3),
    ("staff_b", "get", "/api/applications/", 200, 2),
    ("clerk_a1", "get", "/api/applications/", 200, 3),
    ("clerk_a2", "get", "/api/applications/", 200, 1),
    ("staff_a", "get", "/api/applications/{app_a2}/", 200, None),
    ("staff_a", "get", "/api/applications/{app_submitted_a1}/", 404, None),
    ("staff_a", "get", "/api/applications/{app_b1}/", 404, None),
    ("clerk_a1", "get", "/api/applications/{app_submitted_a1}/", 200, None),
    ("clerk_a1", "get", "/api/applications/{app_a2}/", 404, None),
    ("clerk_a2", "post", "/api/applications/{app_submitted_a1}/forward/", 404, None),
    ("staff_b", "post", "/api/applications/{app_a1}/request-documents/", 404, None),
    ("observer", "get", "/api/applications/", 403, None),
    ("anonymous", "get", "/api/applications/{app_a1}/", 403, None),
    # Notices: the street's business.
    ("staff_a", "get", "/api/public-notices/", 200, 1),
    ("staff_b", "get", "/api/public-notices/{notice_a}/", 404, None),
    ("staff_b", "post", "/api/public-notices/{notice_a}/file/", 404, None),
    ("clerk_a1", "get", "/api/public-notices/", 403, None),
    ("reviewer", "get", "/api/public-notices/", 403, None),
    # Objections: staff in scope read them; the street investigates and concludes.
    ("staff_a", "get", "/api/objections/", 200, 1),
    ("staff_b", "get", "/api/objections/", 200, 1),
    ("clerk_a1", "get", "/api/objections/", 200, 1),
    ("clerk_a2", "get", "/api/objections/", 200, 0),
    ("staff_b", "get", "/api/objections/{objection_a}/", 404, None),
    ("clerk_a1", "post", "/api/objections/{objection_a}/conclude/", 403, None),
    ("clerk_a1", "post", "/api/objections/{objection_a}/investigate/", 403, None),
    ("observer", "get", "/api/objections/", 403, None),
    ("anonymous", "get", "/api/objections/", 403, None),
]


@pytest.mark.parametrize(("who", "method", "url", "expected", "count"), API_PERMISSIONS)
def test_api_permission_table(api, who, method, url, expected, count):
    users, ids = _world()
    if users[who]:
        api.force_authenticate(users[who])

    response = getattr(api, method)(url.format(**ids), format="json")

    assert response.status_code == expected
    if count is not None:
        assert response.json()["count"] == count


def test_lists_never_show_another_scopes_records(api):
    users, ids = _world()
    api.force_authenticate(users["staff_a"])

    applications = {a["id"] for a in api.get("/api/applications/").json()["results"]}
    calls = {c["id"] for c in api.get("/api/recruitment-calls/").json()["results"]}
    objections = {o["id"] for o in api.get("/api/objections/").json()["results"]}

    assert ids["app_b1"] not in applications and ids["app_submitted_a1"] not in applications
    assert calls == {ids["call_a"], ids["draft_a"]}
    assert objections == {ids["objection_a"]}


# --- Query counts (the same literal at 1 and 3 items) -----------------------------------------


def _calls(staff, n):
    for _i in range(n):
        community = CommunityFactory(street=staff.profile.street)
        call, _space = call_with_space(community=community)
        call.needs.add(ResidentNeedFactory(community=community))


def _applications(staff, n):
    community = CommunityFactory(street=staff.profile.street)
    for _i in range(n):
        call, space = call_with_space(community=community)
        walk_partner(submitted_application(call, space).partner, "vetting", by=staff)


def _notices(staff, n):
    community = CommunityFactory(street=staff.profile.street)
    for _i in range(n):
        published_notice(staff=staff, partners=[approved_partner(community), approved_partner(community)])


def _objections(staff, n):
    community = CommunityFactory(street=staff.profile.street)
    notice = published_notice(staff=staff, partners=[approved_partner(community) for _i in range(n)])
    for entry in notice.entries.all():
        file_objection(notice, entry)


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize(
    ("url", "build", "queries"),
    [
        ("/api/recruitment-calls/", _calls, 4),  # count, page, spaces, needs
        ("/api/applications/", _applications, 3),  # count, page (community, partner joined), documents
        ("/api/public-notices/", _notices, 3),  # count, page (filed_by joined), entries
        ("/api/objections/", _objections, 2),  # count, page (entry, partner, community joined)
    ],
)
def test_list_query_count(api, django_assert_num_queries, url, build, queries, size):
    staff = street_staff()
    build(staff, size)
    api.force_authenticate(staff)
    api.get(url)  # the user's profile is loaded once per user, not per item

    with django_assert_num_queries(queries):
        response = api.get(url)

    assert response.json()["count"] == size


# --- Recruitment calls --------------------------------------------------------------------


@pytest.fixture
def staff():
    return street_staff()


def test_call_publish_close_archive_through_the_api(api, staff):
    call = RecruitmentCallFactory(street=staff.profile.street, status=CallStatus.DRAFT)
    api.force_authenticate(staff)

    published = api.post(f"/api/recruitment-calls/{call.pk}/publish/")
    closed = api.post(f"/api/recruitment-calls/{call.pk}/close/")
    archived = api.post(f"/api/recruitment-calls/{call.pk}/archive/")

    assert [r.status_code for r in (published, closed, archived)] == [200, 200, 200]
    assert [r.json()["status"] for r in (published, closed, archived)] == ["published", "closed", "archived"]
    call.refresh_from_db()
    assert call.status == CallStatus.ARCHIVED
    assert _actions(call) == ["calls.call.published", "calls.call.closed", "calls.call.archived"]


def test_call_action_refused_in_the_wrong_state_is_400(api, staff):
    call = RecruitmentCallFactory(street=staff.profile.street)  # published

    draft = RecruitmentCallFactory(street=staff.profile.street, status=CallStatus.DRAFT)
    api.force_authenticate(staff)

    publish = api.post(f"/api/recruitment-calls/{call.pk}/publish/")
    archive = api.post(f"/api/recruitment-calls/{call.pk}/archive/")
    close = api.post(f"/api/recruitment-calls/{draft.pk}/close/")

    assert (publish.status_code, publish.json()) == (
        400,
        {"detail": ["招募公告当前为“已发布”，不能执行该操作。"]},
    )
    assert (archive.status_code, archive.json()) == (
        400,
        {"detail": ["招募公告当前为“已发布”，不能执行该操作。"]},
    )
    assert (close.status_code, close.json()) == (400, {"detail": ["招募公告当前为“草稿”，不能执行该操作。"]})
    call.refresh_from_db()
    draft.refresh_from_db()
    assert (call.status, draft.status) == (CallStatus.PUBLISHED, CallStatus.DRAFT)
    assert _actions(call) + _actions(draft) == []


def test_call_action_by_community_staff_is_forbidden_with_the_reason(api):
    call = RecruitmentCallFactory(status=CallStatus.DRAFT)
    api.force_authenticate(community_staff(community=CommunityFactory(street=call.street)))

    response = api.post(f"/api/recruitment-calls/{call.pk}/publish/")

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "只有本街道工作人员可以管理招募公告。"},
    )
    assert RecruitmentCall.objects.get(pk=call.pk).status == CallStatus.DRAFT


def test_call_publish_refused_without_body_names_the_problem(api, staff):
    call = RecruitmentCallFactory(street=staff.profile.street, status=CallStatus.DRAFT, body="")
    api.force_authenticate(staff)

    response = api.post(f"/api/recruitment-calls/{call.pk}/publish/")

    assert (response.status_code, response.json()) == (
        400,
        {"detail": ["请填写公告正文（招募要求、申请方式、时间安排）。"]},
    )
    assert RecruitmentCall.objects.get(pk=call.pk).status == CallStatus.DRAFT


# --- Applications -----------------------------------------------------------------------------


def test_application_output_masks_the_id_number_and_links_documents(api):
    partner = individual_partner(CommunityFactory(), state="vetting")
    staff = street_staff(street=partner.community.street)
    api.force_authenticate(staff)

    listed = api.get("/api/applications/")
    detail = api.get(f"/api/applications/{partner.application.pk}/")

    assert SEEDED_ID_NUMBER not in listed.content.decode() + detail.content.decode()
    assert listed.json()["results"][0]["id_number_masked"] == mask_id_number(SEEDED_ID_NUMBER)
    assert "id_number" not in detail.json()
    assert detail.json()["stage"] == "vetting"


def test_application_document_download_url_is_permission_checked(api, client):
    application = submitted_application()
    clerk = community_staff(community=application.community)
    outsider = community_staff(community=CommunityFactory(street=application.community.street))
    api.force_authenticate(clerk)

    documents = api.get(f"/api/applications/{application.pk}/").json()["documents"]
    url = documents[0]["download_url"]
    client.force_login(clerk)
    allowed = client.get(url)
    client.force_login(outsider)
    refused = client.get(url)

    assert sorted(d["kind"] for d in documents) == ["project_plan", "registration"]
    assert url.startswith("http://testserver/applications/documents/")
    assert (allowed.status_code, refused.status_code) == (200, 404)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=vetting", ["vetting"]),
        ("stage=shortlisted", ["shortlisted"]),
        ("kind=other", []),
    ],
)
def test_application_list_filters_by_stage_and_kind(api, staff, query, expected):
    community = CommunityFactory(street=staff.profile.street)
    partner_in_state("vetting", community=community)
    partner_in_state("shortlisted", community=community)
    api.force_authenticate(staff)

    response = api.get(f"/api/applications/?{query}")

    assert [a["stage"] for a in response.json()["results"]] == expected


def test_application_list_filters_by_call_and_community(api, staff):
    community = CommunityFactory(street=staff.profile.street)
    wanted = partner_in_state("vetting", community=community)
    partner_in_state("vetting", community=community)
    api.force_authenticate(staff)

    by_call = api.get(f"/api/applications/?call={wanted.application.call_id}")
    by_community = api.get(f"/api/applications/?community={community.pk}")

    assert [a["id"] for a in by_call.json()["results"]] == [wanted.application.pk]
    assert by_community.json()["count"] == 2


def test_application_forward_moves_it_to_vetting(api):
    application = submitted_application()
    clerk = community_staff(community=application.community)
    api.force_authenticate(clerk)

    response = api.post(f"/api/applications/{application.pk}/forward/")

    assert (response.status_code, response.json()["stage"]) == (200, "vetting")
    application.partner.refresh_from_db()
    assert application.partner.status == S.VETTING
    row = application.partner.transitions.get()
    assert (row.transition, row.actor) == ("forward", clerk)


def test_application_forward_twice_is_refused_with_the_reason(api):
    application = submitted_application()
    clerk = community_staff(community=application.community)
    api.force_authenticate(clerk)
    api.post(f"/api/applications/{application.pk}/forward/")

    response = api.post(f"/api/applications/{application.pk}/forward/")

    assert response.status_code == 409  # a refused transition: a conflict with the current state
    assert response.json() == {"detail": ["当前状态“联审联查中”下不能执行“报送街道”。"]}
    assert application.partner.transitions.count() == 1


def test_application_request_documents_records_and_mails(api, mailoutbox, django_capture_on_commit_callbacks):
    application = submitted_application()
    clerk = community_staff(community=application.community)
    api.force_authenticate(clerk)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/applications/{application.pk}/request-documents/",
            {"kind": "team", "message": "请补交团队成员名单。"},
            format="json",
        )

    assert response.status_code == 201
    request = DocumentRequest.objects.get()
    assert (request.kind, request.message, request.requested_by) == ("team", "请补交团队成员名单。", clerk)
    assert response.json()["id"] == request.pk
    assert "calls.application.documents_requested" in _actions(application)
    assert [m.to for m in mailoutbox][-1] == [application.email]


def test_application_request_documents_refused_after_shortlist_stage(api, staff):
    partner = partner_in_state("scored", community=CommunityFactory(street=staff.profile.street))
    api.force_authenticate(staff)

    response = api.post(
        f"/api/applications/{partner.application.pk}/request-documents/",
        {"kind": "team", "message": "补充"},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"detail": ["申请已进入“路演已评分”阶段，不再补充申请材料。"]},
    )
    assert DocumentRequest.objects.count() == 0


# --- Public notices ---------------------------------------------------------------------------


def test_notice_publish_puts_the_list_in_notice(api, staff):
    partner = approved_partner(CommunityFactory(street=staff.profile.street))
    notice = draft_notice(staff=staff, partners=[partner])
    api.force_authenticate(staff)

    response = api.post(f"/api/public-notices/{notice.pk}/publish/")

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert [e["partner"] for e in response.json()["entries"]] == [partner.pk]
    partner.refresh_from_db()
    assert partner.status == S.IN_NOTICE
    assert _actions(notice)[-1] == "notices.notice.published"


def test_notice_publish_twice_is_refused(api, staff):
    notice = published_notice(
        staff=staff, partners=[approved_partner(CommunityFactory(street=staff.profile.street))]
    )
    api.force_authenticate(staff)

    response = api.post(f"/api/public-notices/{notice.pk}/publish/")

    assert (response.status_code, response.json()) == (400, {"detail": ["该公示已经发布。"]})


def test_notice_file_returns_the_pdf_and_records_the_filing(api, staff):
    notice = past_notice(
        staff=staff, partners=[approved_partner(CommunityFactory(street=staff.profile.street))]
    )
    api.force_authenticate(staff)

    response = api.post(f"/api/public-notices/{notice.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "市纪委监委" in pdf_text(response.content)
    notice.refresh_from_db()
    assert (notice.filed_by, notice.filed_at is not None) == (staff, True)
    assert _actions(notice)[-1] == "notices.notice.filed"
    detail = api.get(f"/api/public-notices/{notice.pk}/").json()
    assert detail["filed_by"] == staff.username
    assert detail["filing_report_url"].endswith(f"/admin/notices/publicnotice/{notice.pk}/filing-report/")


def test_notice_file_refused_while_the_period_runs(api, staff):
    notice = published_notice(
        staff=staff, partners=[approved_partner(CommunityFactory(street=staff.profile.street))]
    )
    api.force_authenticate(staff)

    response = api.post(f"/api/public-notices/{notice.pk}/file/")

    assert (response.status_code, response.json()) == (400, {"detail": ["公示期尚未届满，不能备案。"]})
    assert PublicNotice.objects.get(pk=notice.pk).filed_at is None


# --- Objections -----------------------------------------------------------------------------


@pytest.fixture
def objection(staff):
    community = CommunityFactory(street=staff.profile.street)
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    return file_objection(notice, objector_name="李居民", objector_phone="13700001111")


def test_objection_shows_the_objector_to_staff_in_scope(api, objection):
    clerk = community_staff(community=objection.entry.partner.community)
    api.force_authenticate(clerk)

    row = api.get("/api/objections/").json()["results"][0]

    assert (row["objector_name"], row["objector_phone"]) == ("李居民", "13700001111")
    assert (row["status"], row["evidence_url"]) == ("open", None)


def test_objection_evidence_link_is_permission_checked(api, client, staff):
    community = CommunityFactory(street=staff.profile.street)
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    objection = file_objection(notice, evidence=pdf_file("evidence.pdf"))
    outsider = street_staff()
    api.force_authenticate(staff)

    url = api.get(f"/api/objections/{objection.pk}/").json()["evidence_url"]
    client.force_login(staff)
    allowed = client.get(url)
    client.force_login(outsider)
    refused = client.get(url)

    assert url == f"http://testserver/admin/notices/objection/{objection.pk}/evidence/"
    assert (allowed.status_code, refused.status_code) == (200, 404)


def test_objection_investigate_assigns_and_records_notes(api, staff, objection):
    api.force_authenticate(staff)

    response = api.post(
        f"/api/objections/{objection.pk}/investigate/",
        {"assigned_to": staff.pk, "note": "已电话联系异议人。"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["assigned_to"], response.json()["investigation_note"]) == (
        staff.pk,
        "已电话联系异议人。",
    )
    objection.refresh_from_db()
    assert (objection.assigned_to, objection.investigation_note) == (staff, "已电话联系异议人。")
    assert _actions(objection)[-1] == "notices.objection.investigated"


def test_objection_investigate_keeps_the_assignee_when_not_given(api, staff, objection):
    api.force_authenticate(staff)
    api.post(f"/api/objections/{objection.pk}/investigate/", {"assigned_to": staff.pk}, format="json")

    api.post(f"/api/objections/{objection.pk}/investigate/", {"note": "走访核实。"}, format="json")

    objection.refresh_from_db()
    assert (objection.assigned_to, objection.investigation_note) == (staff, "走访核实。")


def test_objection_conclude_upheld_rejects_the_applicant(api, staff, objection):
    api.force_authenticate(staff)

    response = api.post(
        f"/api/objections/{objection.pk}/conclude/",
        {"upheld": True, "conclusion": "经核实，异议属实。"},
        format="json",
    )

    assert (response.status_code, response.json()["status"]) == (200, "upheld")
    objection.refresh_from_db()
    assert (objection.status, objection.concluded_by) == (ObjectionStatus.UPHELD, staff)
    assert objection.entry.partner.status == S.REJECTED
    assert _actions(objection)[-1] == "notices.objection.upheld"


def test_objection_conclude_without_conclusion_is_refused(api, staff, objection):
    api.force_authenticate(staff)

    response = api.post(
        f"/api/objections/{objection.pk}/conclude/", {"upheld": False, "conclusion": " "}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": ["请填写调查结论（异议人可凭受理编号查看）。"],
            "errors": {"conclusion": ["请填写调查结论（异议人可凭受理编号查看）。"]},
        },
    )
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.OPEN


def test_objection_investigate_after_conclusion_is_refused(api, staff, objection):
    api.force_authenticate(staff)
    api.post(
        f"/api/objections/{objection.pk}/conclude/",
        {"upheld": False, "conclusion": "不属实。"},
        format="json",
    )

    response = api.post(f"/api/objections/{objection.pk}/investigate/", {"note": "补充"}, format="json")

    assert (response.status_code, response.json()) == (400, {"detail": ["该异议已办结。"]})


# --- The schema -------------------------------------------------------------------------------


def test_schema_generates_with_the_new_endpoints_and_no_warnings_from_them(api, staff):
    api.force_authenticate(staff)
    err = io.StringIO()

    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    call_command("spectacular", "--validate", "--file", "/dev/null", stderr=err)

    paths = response.json()["paths"]
    assert response.status_code == 200
    for path in [
        "/api/recruitment-calls/{id}/publish/",
        "/api/applications/{id}/request-documents/",
        "/api/public-notices/{id}/file/",
        "/api/objections/{id}/conclude/",
    ]:
        assert "post" in paths[path]
    assert "api_stages.py" not in err.getvalue()
    assert 'fields named "kind"' not in err.getvalue()


def test_call_api_lists_needs_by_title(api):
    staff = street_staff()
    call, space = call_with_space(community=CommunityFactory(street=staff.profile.street))
    call.needs.add(
        ResidentNeedFactory(community=space.community, title="四点半课堂", residents_count=30),
        ResidentNeedFactory(community=space.community, title="老人智能手机课", residents_count=10),
    )
    api.force_authenticate(staff)

    assert api.get(f"/api/recruitment-calls/{call.pk}/").json()["needs"] == ["四点半课堂", "老人智能手机课"]
