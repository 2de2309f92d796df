"""The application in steps with a server-side draft (issue 19, deliverable 1)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls.forms import APPLICATION_STEPS, STEPS_BY_SLUG
from calls.models import Application, ApplicationDraft, DraftAttachment
from calls.retention import erase_expired_application_drafts
from portal.choices import PartnerKind
from portal.models import AuditEvent
from tests.factories import SpaceFactory

from .factories import ID_NUMBER, call_with_space, form_post, pdf_file

pytestmark = pytest.mark.django_db


def start_url(call):
    return f"/calls/{call.pk}/apply/"


def step_url(draft, slug):
    return f"/applications/drafts/{draft.token}/{slug}/"


def step_data(slug, full, **overrides):
    """The POST of one step: its own fields out of a complete form_post, plus `step`."""
    fields = STEPS_BY_SLUG[slug].fields
    data = {k: v for k, v in {**full, **overrides}.items() if k in fields and v is not None}
    return {**data, "step": slug}


def start(client, call, space, **overrides):
    response = client.post(start_url(call), step_data("applicant", form_post(call, space), **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ApplicationDraft.objects.get(), response


def through_place(client, call, space):
    draft, _ = start(client, call, space)
    full = form_post(call, space)
    for slug in ("project", "place"):
        response = client.post(step_url(draft, slug), step_data(slug, full))
        assert response.status_code == 302, response.content.decode()[:2000]
    return draft


def upload(client, draft, files):
    return client.post(step_url(draft, "documents"), {"step": "documents", **files})


def complete(client, call, space):
    draft = through_place(client, call, space)
    response = upload(
        client, draft, {"doc_registration": pdf_file("licence.pdf"), "doc_project_plan": pdf_file()}
    )
    assert response.status_code == 302
    return draft


def confirm(client, draft, call, space, **overrides):
    return client.post(step_url(draft, "confirm"), step_data("confirm", form_post(call, space), **overrides))


# --- Step 1: who you are ----------------------------------------------------------------


def test_first_step_shows_only_the_applicant_fields_and_the_steps(client):
    call, space = call_with_space()
    html = client.get(start_url(call)).content.decode()
    for label in ("申请人", "项目", "场地与时间", "材料", "确认提交"):
        assert f"</span> {label}" in html
    assert 'aria-current="step"' in html
    assert "统一社会信用代码" in html and "身份证号" in html
    assert "项目名称" not in html and space.name not in html
    assert "下一步" in html
    assert ApplicationDraft.objects.count() == 0  # a GET never creates a draft


def test_first_step_valid_starts_a_draft_holding_the_cleaned_values(client):
    call, space = call_with_space()
    draft, response = start(client, call, space, credit_code=" 91330100716105852f ")
    assert response["Location"] == step_url(draft, "project")
    assert draft.call == call
    assert draft.step == "applicant"
    assert draft.phone == "13812345678"
    assert draft.data["kind"] == PartnerKind.SOCIAL_ORGANIZATION
    assert draft.data["credit_code"] == "91330100716105852F"
    assert draft.data["applicant_name"] == "句容市邻里互助服务中心"
    assert "project_title" not in draft.data
    assert len(draft.token) >= 40
    assert len(draft.reference) == 8
    assert draft.expires_at - timezone.now() > dt.timedelta(days=13, hours=23)


def test_first_step_error_stays_with_input_kept_and_no_draft(client):
    call, space = call_with_space()
    response = client.post(
        start_url(call), step_data("applicant", form_post(call, space), mobile="12812345678")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="句容市邻里互助服务中心"' in html
    # The summary at the top links to the field; only this step's errors are reported.
    assert '<a href="#field-mobile">手机号：请填写11位手机号码' in html
    assert list(response.context["form"].errors) == ["mobile"]
    assert ApplicationDraft.objects.count() == 0


def test_credit_code_error_only_once_an_organisation_kind_is_chosen(client):
    call, space = call_with_space()
    response = client.post(
        start_url(call), step_data("applicant", form_post(call, space), kind="", credit_code="", id_number="")
    )
    errors = response.context["form"].errors
    assert errors["kind"] == ["请选择申请主体类型。"]
    assert "credit_code" not in errors and "id_number" not in errors

    response = client.post(start_url(call), step_data("applicant", form_post(call, space), credit_code=""))
    assert response.context["form"].errors["credit_code"] == ["组织申请请填写18位统一社会信用代码。"]

    response = client.post(
        start_url(call),
        step_data("applicant", form_post(call, space), kind=PartnerKind.INDIVIDUAL_OR_TEAM, credit_code=""),
    )
    errors = response.context["form"].errors
    assert errors["id_number"] == ["个人申请请填写18位身份证号。"] and "credit_code" not in errors


def test_individual_step_keeps_id_number_not_credit_code(client):
    call, space = call_with_space()
    draft, _ = start(
        client, call, space, kind=PartnerKind.INDIVIDUAL_OR_TEAM, applicant_name="王晓燕", id_number=ID_NUMBER
    )
    assert (draft.data["id_number"], draft.data["credit_code"]) == (ID_NUMBER, "")


def test_first_step_honeypot_saves_nothing(client):
    call, space = call_with_space()
    data = step_data("applicant", form_post(call, space)) | {"website": "http://spam.example"}
    assert client.post(start_url(call), data).status_code == 400
    assert ApplicationDraft.objects.count() == 0


# --- Steps 2 and 3 ------------------------------------------------------------------------


def test_project_step_errors_are_its_own_and_draft_unchanged(client):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    response = client.post(
        step_url(draft, "project"),
        step_data("project", form_post(call, space), project_title="", hours_per_month="-1"),
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"project_title", "hours_per_month"}
    html = response.content.decode()
    assert '<a href="#field-project_title">项目名称：请填写项目名称。</a>' in html
    assert 'value="-1"' in html  # what was typed is shown again
    draft.refresh_from_db()
    assert draft.step == "applicant" and "plan" not in draft.data


def test_project_and_place_steps_hold_what_was_entered(client):
    call, space = call_with_space()
    draft = through_place(client, call, space)
    draft.refresh_from_db()
    assert draft.step == "place"
    assert draft.data["service_categories"] == ["elderly", "skills_training"]
    assert draft.data["hours_per_month"] == 20
    assert draft.data["spaces"] == [space.pk]
    assert draft.data["community"] is None
    assert draft.data["preferred_times"] == "每周二、四下午"
    # Coming back to a step shows what the draft holds.
    html = client.get(step_url(draft, "project")).content.decode()
    assert 'value="银龄学堂·智能手机课"' in html


def test_back_keeps_what_was_typed_correctly_and_not_the_errors(client):
    """上一步 is a submit button: the valid values typed on this step are saved, the
    invalid ones are not (the draft's own stay), and the draft has not passed the step."""
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    posted = step_data("project", form_post(call, space), project_title="社区书法课", hours_per_month="-1")
    response = client.post(step_url(draft, "project"), {**posted, "go": "back"})
    assert (response.status_code, response["Location"]) == (302, step_url(draft, "applicant"))
    draft.refresh_from_db()
    assert (draft.step, draft.data["project_title"]) == ("applicant", "社区书法课")
    assert "hours_per_month" not in draft.data
    html = client.get(step_url(draft, "project")).content.decode()
    assert 'value="社区书法课"' in html


def test_back_from_documents_keeps_the_chosen_file_without_requiring_the_others(client):
    call, space = call_with_space()
    draft = through_place(client, call, space)
    response = client.post(
        step_url(draft, "documents"),
        {"step": "documents", "go": "back", "doc_registration": pdf_file("licence.pdf")},
    )
    assert (response.status_code, response["Location"]) == (302, step_url(draft, "place"))
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["licence.pdf"]


def test_back_button_follows_next_so_enter_moves_on(client):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    html = client.get(step_url(draft, "project")).content.decode()
    actions = html[html.index('class="actions form-actions"') :]
    assert actions.index("下一步") < actions.index('name="go" value="back"')
    assert "formnovalidate" in actions[actions.index('name="go" value="back"') - 80 :][:200]


def test_place_step_needs_a_space_or_a_community(client):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    response = client.post(step_url(draft, "place"), {"step": "place", "preferred_times": "周六"})
    assert response.status_code == 400
    assert response.context["form"].errors["community"] == ["请选择意向空间或申报社区。"]


# --- Step 4: documents kept across errors -------------------------------------------------


def test_file_kept_when_another_file_is_refused_and_listed_with_delete(client):
    call, space = call_with_space()
    draft = through_place(client, call, space)
    bad = SimpleUploadedFile("plan.pdf", b"MZ" + b"\0" * 300)
    response = upload(client, draft, {"doc_registration": pdf_file("licence.pdf"), "doc_project_plan": bad})
    assert response.status_code == 400
    assert "文件“plan.pdf”的实际内容不是允许的类型" in " ".join(
        response.context["form"].errors["doc_project_plan"]
    )
    kept = DraftAttachment.objects.get()
    assert (kept.kind, kept.original_name) == ("registration", "licence.pdf")
    html = response.content.decode()
    assert "licence.pdf" in html and f'name="remove" value="{kept.pk}"' in html

    # Only the refused file is picked again; the kept one counts.
    response = upload(client, draft, {"doc_project_plan": pdf_file("plan.pdf")})
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "confirm")
    assert sorted(draft.attachments.values_list("original_name", flat=True)) == ["licence.pdf", "plan.pdf"]


def test_documents_step_requires_each_required_kind(client):
    call, space = call_with_space()
    draft = through_place(client, call, space)
    response = upload(client, draft, {"doc_registration": pdf_file("licence.pdf")})
    assert response.status_code == 400
    assert response.context["form"].errors["doc_project_plan"] == [
        "本次招募要求提交“项目计划书”，请选择文件。"
    ]
    assert draft.attachments.count() == 1


def test_kept_file_deleted_with_its_button(client):
    call, space = call_with_space()
    draft = complete(client, call, space)
    plan = draft.attachments.get(kind="project_plan")
    response = client.post(step_url(draft, "documents"), {"step": "documents", "remove": str(plan.pk)})
    assert response.status_code == 302
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["licence.pdf"]


def test_draft_file_limits_count_kept_files(client, settings):
    settings.UPLOAD_MAX_FILES = 2
    call, space = call_with_space()
    draft = complete(client, call, space)
    response = upload(client, draft, {"doc_other": pdf_file("c.pdf")})
    assert response.status_code == 400
    assert response.context["form"].errors["doc_other"] == ["一次最多上传 2 个文件，您选择了 3 个。"]
    assert draft.attachments.count() == 2


# --- Step 5: confirm and submit -----------------------------------------------------------


def test_confirm_shows_summary_and_submits_with_the_kept_files(client, django_capture_on_commit_callbacks):
    call, space = call_with_space()
    draft = complete(client, call, space)
    html = client.get(step_url(draft, "confirm")).content.decode()
    assert "银龄学堂·智能手机课" in html and "licence.pdf" in html and space.name in html
    assert "errorlist" not in html  # nothing entered on this step yet: no error shown

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, draft, call, space)

    assert response.status_code == 302
    assert response["Location"].startswith("/applications/status/")
    application = Application.objects.get()
    assert application.project_title == "银龄学堂·智能手机课"
    assert application.credit_code == "91330100716105852F"
    assert list(application.spaces.all()) == [space]
    assert application.hours_per_month == 20
    assert sorted(application.documents.values_list("original_name", flat=True)) == [
        "licence.pdf",
        "plan.pdf",
    ]
    assert application.documents.get(kind="registration").file.read().startswith(b"%PDF")
    assert ApplicationDraft.objects.count() == 0 and DraftAttachment.objects.count() == 0


def test_confirm_consent_error_is_short_in_the_summary(client):
    call, space = call_with_space()
    draft = complete(client, call, space)
    response = confirm(client, draft, call, space, privacy_consent=None)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<a href="#field-privacy_consent">个人信息处理同意：请阅读并同意个人信息处理说明后再提交。</a>'
        in html
    )
    summary = html[html.index('id="errors"') : html.index("</div>", html.index('id="errors"'))]
    assert "仅用于招募" not in summary  # not the whole consent text
    assert Application.objects.count() == 0 and ApplicationDraft.objects.count() == 1


def test_confirm_revalidates_every_step_and_links_to_it(client):
    call, space = call_with_space()
    draft = complete(client, call, space)
    ApplicationDraft.objects.filter(pk=draft.pk).update(data={**draft.data, "project_title": ""})
    response = confirm(client, draft, call, space)
    assert response.status_code == 400
    assert f'<a href="{step_url(draft, "project")}#field-project_title">项目名称：请填写项目名称。</a>' in (
        response.content.decode()
    )
    assert Application.objects.count() == 0


def test_confirm_without_a_required_document_links_to_documents(client):
    call, space = call_with_space()
    draft = through_place(client, call, space)
    response = confirm(client, draft, call, space)
    assert response.status_code == 400
    assert f'<a href="{step_url(draft, "documents")}">本次招募要求提交“登记证书/营业执照/身份证”' in (
        response.content.decode()
    )


def test_confirm_refused_when_the_call_closed_meanwhile_and_draft_kept(client):
    call, space = call_with_space()
    draft = complete(client, call, space)
    type(call).objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    response = confirm(client, draft, call, space)
    assert response.status_code == 403
    assert "本次招募当前不在申请时间内，不接受申请。" in response.content.decode()
    assert Application.objects.count() == 0
    assert ApplicationDraft.objects.get().attachments.count() == 2


def test_confirm_duplicate_refused_and_draft_kept(client):
    call, space = call_with_space()
    first = complete(client, call, space)
    assert confirm(client, first, call, space).status_code == 302
    second = complete(client, call, space)
    response = confirm(client, second, call, space)
    assert response.status_code == 400
    assert "该申请人已向本次招募提交过申请" in response.content.decode()
    assert ApplicationDraft.objects.filter(pk=second.pk).exists()


# --- Resuming -----------------------------------------------------------------------------


def test_resume_by_link_goes_on_where_left(client):
    call, space = call_with_space()
    draft = through_place(client, call, space)
    client.cookies.clear()
    response = client.get(step_url(draft, "documents"))
    assert response.status_code == 200
    assert draft.reference in response.content.decode()


def test_resume_by_reference_and_phone(client):
    call, space = call_with_space()
    draft = through_place(client, call, space)
    response = client.post(
        "/applications/drafts/", {"reference": draft.reference.lower(), "phone": "13812345678"}
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "documents")


@pytest.mark.parametrize(("reference", "phone"), [("right", "13812345679"), ("ZZZZZZZZ", "13812345678")])
def test_resume_wrong_phone_or_reference_refused_alike(client, reference, phone):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    response = client.post(
        "/applications/drafts/",
        {"reference": draft.reference if reference == "right" else reference, "phone": phone},
    )
    assert response.status_code == 400
    assert "草稿编号或手机号不正确，请核对后重试。".replace(",", "，") in response.content.decode()


def test_expired_draft_refused_with_a_clear_message(client):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    ApplicationDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now())  # exactly at the limit
    response = client.get(step_url(draft, "project"))
    assert response.status_code == 410
    assert "该草稿已于" in response.content.decode() and "过期" in response.content.decode()
    response = client.post("/applications/drafts/", {"reference": draft.reference, "phone": "13812345678"})
    assert response.status_code == 400
    assert "过期" in response.content.decode()


def test_draft_one_second_before_expiry_still_opens(client):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    ApplicationDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + dt.timedelta(seconds=30))
    assert client.get(step_url(draft, "project")).status_code == 200


def test_unknown_token_or_step_not_found(client):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    assert client.get("/applications/drafts/nosuchtoken/project/").status_code == 404
    assert client.get(step_url(draft, "elsewhere")).status_code == 404


def test_step_pages_are_never_cached(client):
    call, space = call_with_space()
    draft, _ = start(client, call, space)
    for url in (start_url(call), step_url(draft, "project"), "/applications/drafts/"):
        assert (
            "no-store" in client.get(url)["Cache-Control"] or "max-age=0" in client.get(url)["Cache-Control"]
        )


# --- Retention ----------------------------------------------------------------------------


def test_expired_drafts_purged_with_their_files(client):
    call, space = call_with_space()
    draft = complete(client, call, space)
    names = list(draft.attachments.values_list("file", flat=True))
    storage = DraftAttachment.file.field.storage
    assert all(storage.exists(n) for n in names)
    now = timezone.now()
    ApplicationDraft.objects.filter(pk=draft.pk).update(expires_at=now - dt.timedelta(seconds=1))
    assert erase_expired_application_drafts(cutoff=now - dt.timedelta(seconds=2), dry_run=False) == 0
    assert erase_expired_application_drafts(cutoff=now, dry_run=True) == 1
    assert erase_expired_application_drafts(cutoff=now, dry_run=False) == 1
    assert ApplicationDraft.objects.count() == 0
    assert AuditEvent.objects.filter(action="calls.application_draft.expired_deleted").count() == 1


# --- Query counts -------------------------------------------------------------------------


STEP_QUERIES = {"applicant": 3, "project": 3, "place": 5, "documents": 2, "confirm": 4}


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("slug", [s.slug for s in APPLICATION_STEPS])
def test_step_page_query_count(client, django_assert_num_queries, slug, size):
    """The same count with one space and one extra file as with three of each."""
    call, space = call_with_space()
    for _i in range(size - 1):
        call.spaces.add(SpaceFactory(community=space.community))
    draft = complete(client, call, space)
    upload(client, draft, {"doc_other": [pdf_file(f"extra{i}.pdf") for i in range(size)]})
    with django_assert_num_queries(STEP_QUERIES[slug]):
        assert client.get(step_url(draft, slug)).status_code == 200
