"""The public application form at /calls/<id>/apply/ (issue 5): errors, kept input, anti-abuse."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from calls.models import Application
from partners.models import Partner
from portal.choices import PartnerKind

from .factories import (
    ID_NUMBER,
    call_with_space,
    docx_file,
    form_files,
    form_post,
    pdf_file,
    png_file,
)

pytestmark = pytest.mark.django_db


def apply_url(call):
    return f"/calls/{call.pk}/apply/"


def post(client, call, data, files=None):
    return client.post(apply_url(call), {**data, **(form_files() if files is None else files)})


def test_apply_get_shows_every_section(client):
    """Issue 19: the form comes in steps; every section is on its step's page."""
    call, space = call_with_space()
    response = client.get(apply_url(call))
    assert response.status_code == 200
    pages = [response.content.decode()]
    draft_response = client.post(apply_url(call), {**form_post(call, space), "step": "applicant"})
    token = draft_response["Location"].split("/")[3]
    for slug in ("project", "place", "documents", "confirm"):
        pages.append(client.get(f"/applications/drafts/{token}/{slug}/").content.decode())
    html = "".join(pages)
    for text in [
        "第 1 步（共 5 步）：申请人",
        "统一社会信用代码",
        "身份证号",
        "每月免费服务时数",
        "证明材料",
        "基本条件承诺",
        space.name,
        'enctype="multipart/form-data"',
        "csrfmiddlewaretoken",
    ]:
        assert text in html


def test_apply_valid_post_redirects_to_status_page(client, django_capture_on_commit_callbacks, mailoutbox):
    call, space = call_with_space()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, call, form_post(call, space))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith("/applications/status/")
    page = client.get(response["Location"])
    assert application.reference in page.content.decode()
    assert "已提交，社区审核中" in page.content.decode()
    assert application.partner.status == "submitted"
    assert application.documents.count() == 2
    assert application.service_categories == ["elderly", "skills_training"]
    assert len(mailoutbox) == 1


def test_apply_individual_with_id_number_ignores_credit_code_field(client):
    call, space = call_with_space()
    response = post(
        client,
        call,
        form_post(
            call,
            space,
            kind=PartnerKind.INDIVIDUAL_OR_TEAM,
            applicant_name="王晓燕",
            credit_code="乱填的",
            id_number=ID_NUMBER,
        ),
    )
    assert response.status_code == 302
    assert Application.objects.get().id_number == ID_NUMBER
    assert Application.objects.get().credit_code == ""


# Every field's bad input and the Chinese message shown next to it.
BAD_INPUT = [
    ({"kind": ""}, "kind", "请选择申请主体类型。"),
    ({"kind": "alien"}, "kind", "选择一个有效的选项"),
    ({"applicant_name": ""}, "applicant_name", "请填写申请主体名称或姓名。"),
    ({"credit_code": ""}, "credit_code", "组织申请请填写18位统一社会信用代码。"),
    ({"credit_code": "91330100716105852G"}, "credit_code", "统一社会信用代码校验位不正确"),
    ({"credit_code": "9133010071610585"}, "credit_code", "统一社会信用代码应为18位，您填写了16位。"),
    ({"kind": PartnerKind.INDIVIDUAL_OR_TEAM, "id_number": ""}, "id_number", "个人申请请填写18位身份证号。"),
    (
        {"kind": PartnerKind.INDIVIDUAL_OR_TEAM, "id_number": "110105194912310021"},
        "id_number",
        "身份证号校验位不正确",
    ),
    (
        {"kind": PartnerKind.INDIVIDUAL_OR_TEAM, "id_number": "11010519491331002X"},
        "id_number",
        "身份证号中的出生日期",
    ),
    ({"contact_name": ""}, "contact_name", "请填写联系人。"),
    ({"mobile": ""}, "mobile", "请填写手机号码。"),
    ({"mobile": "12812345678"}, "mobile", "请填写11位手机号码"),
    ({"email": "not-an-email"}, "email", "电子邮箱格式不正确"),
    ({"address": ""}, "address", "请填写地址。"),
    ({"project_title": ""}, "project_title", "请填写项目名称。"),
    ({"service_categories": []}, "service_categories", "请至少选择一项服务类别。"),
    ({"service_categories": ["gambling"]}, "service_categories", "选择一个有效的选项"),
    ({"target_groups": []}, "target_groups", "请至少选择一类服务对象。"),
    ({"plan": ""}, "plan", "请填写项目目标。"),
    ({"activities": ""}, "activities", "请填写主要活动内容。"),
    ({"schedule": ""}, "schedule", "请填写实施进度安排。"),
    ({"hours_per_month": "很多"}, "hours_per_month", "请填写整数。"),
    ({"hours_per_month": "-3"}, "hours_per_month", "不能小于0。"),
    ({"residents_per_month": "1.5"}, "residents_per_month", "请填写整数。"),
    ({"events_per_month": "x"}, "events_per_month", "请填写整数。"),
    ({"spaces": None, "community": None}, "community", "请选择意向空间或申报社区。"),
    ({"spaces": ["999999"]}, "spaces", "999999"),
    ({"declarations": ["law_abiding"]}, "declarations", "请逐项确认全部基本条件（共5项）。"),
    ({"privacy_consent": None}, "privacy_consent", "请阅读并同意个人信息处理说明后再提交。"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD_INPUT, ids=[f"{row[1]}-{i}" for i, row in enumerate(BAD_INPUT)]
)
def test_apply_bad_input_error_next_to_field_and_input_kept(client, overrides, field, message):
    call, space = call_with_space()
    data = {k: v for k, v in form_post(call, space, **overrides).items() if v is not None}
    if overrides.get("spaces", "") is None:
        data.pop("spaces", None)
    response = post(client, call, data)

    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors.get(field, [])), form.errors
    html = response.content.decode()
    # The error sits inside the field's own block, and what was typed is still there.
    block = html[html.index(f'id="field-{field}"') :]
    block = block[: block.index('<div class="field', 10) if '<div class="field' in block[10:] else None]
    assert "errorlist" in block
    kept = 'value="王小明"' if field == "mobile" else 'value="13812345678"'
    assert kept in html
    assert "出于安全原因，浏览器不会保留已选择的文件，请重新选择。" in html
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        (
            "doc_registration",
            SimpleUploadedFile("licence.pdf", b"MZ" + b"\0" * 300),
            "文件“licence.pdf”的实际内容不是允许的类型（仅限 PDF、JPEG、PNG、DOCX、XLSX）。",
        ),
        (
            "doc_registration",
            SimpleUploadedFile("licence.png", b"GIF89a" + b"\0" * 300),
            "文件“licence.png”的实际内容不是允许的类型",
        ),
        ("doc_project_plan", SimpleUploadedFile("plan.pdf", b""), "提交的是空文件。"),
    ],
)
def test_apply_upload_refused_next_to_field(client, field, upload, message):
    call, space = call_with_space()
    files = form_files() | {field: upload}
    response = post(client, call, form_post(call, space), files)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert Application.objects.count() == 0


def test_apply_upload_too_large_refused(client, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 2000
    call, space = call_with_space()
    big = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n" + b"0" * 3000)
    response = post(client, call, form_post(call, space), form_files() | {"doc_project_plan": big})
    assert response.status_code == 400
    assert response.context["form"].errors["doc_project_plan"] == [
        "文件“plan.pdf”大小为 3 KB，超过单个文件上限 2 KB。"
    ]


def test_apply_too_many_files_refused(client, settings):
    settings.UPLOAD_MAX_FILES = 3
    call, space = call_with_space()
    data = {**form_post(call, space), **form_files(), "doc_other": [png_file("a.png"), docx_file("b.docx")]}
    response = client.post(apply_url(call), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["一次最多上传 3 个文件，您选择了 4 个。"]


def test_apply_several_files_of_one_kind_accepted(client):
    call, space = call_with_space()
    data = {
        **form_post(call, space),
        **form_files(),
        "doc_other": [png_file("a.png"), docx_file("b.docx"), pdf_file("c.pdf")],
    }
    assert client.post(apply_url(call), data).status_code == 302
    assert sorted(
        Application.objects.get().documents.filter(kind="other").values_list("original_name", flat=True)
    ) == ["a.png", "b.docx", "c.pdf"]


def test_apply_missing_required_document(client):
    call, space = call_with_space()
    response = post(client, call, form_post(call, space), {"doc_registration": pdf_file()})
    assert response.context["form"].errors["doc_project_plan"] == [
        "本次招募要求提交“项目计划书”，请选择文件。"
    ]


def test_apply_duplicate_caught_with_clear_message(client):
    call, space = call_with_space()
    assert post(client, call, form_post(call, space)).status_code == 302
    response = post(client, call, form_post(call, space, applicant_name="同一代码不同名字"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "该申请人已向本次招募提交过申请，不能重复提交。如需了解进度，请使用提交时获得的申请编号查询。"
    ]
    assert Application.objects.count() == 1


def test_apply_again_after_withdrawing_is_accepted(client):
    from partners.domain import partner_transition

    call, space = call_with_space()
    assert post(client, call, form_post(call, space)).status_code == 302
    first = Application.objects.get()
    partner_transition(partner=first.partner, transition="withdraw", as_applicant=True)

    response = post(client, call, form_post(call, space))

    assert response.status_code == 302
    assert Application.objects.count() == 2
    first.refresh_from_db()
    assert first.partner.status == "withdrawn"  # the first record stays, withdrawn
    assert Application.objects.exclude(pk=first.pk).get().partner.status == "submitted"


@pytest.mark.parametrize(("opens", "closes"), [(1, 5), (-5, -1)])
def test_apply_outside_window_shows_notice_and_refuses_post(client, opens, closes):
    now = timezone.now()
    call, space = call_with_space(
        opens_at=now + dt.timedelta(days=opens), closes_at=now + dt.timedelta(days=closes)
    )
    page = client.get(apply_url(call))
    assert page.status_code == 200
    assert "本次招募当前不在申请时间内，不接受申请。" in page.content.decode()
    assert post(client, call, form_post(call, space)).status_code == 403
    assert Application.objects.count() == 0


def test_apply_window_closes_between_page_and_submit(client):
    """The form was opened before the closing time; the POST after it is refused."""
    call, space = call_with_space()
    assert client.get(apply_url(call)).status_code == 200
    type(call).objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert post(client, call, form_post(call, space)).status_code == 403
    assert Application.objects.count() == 0


def test_apply_draft_call_not_found(client):
    call, _space = call_with_space(status="draft")
    assert client.get(apply_url(call)).status_code == 404


def test_apply_honeypot_saves_nothing(client):
    call, space = call_with_space()
    response = post(client, call, form_post(call, space, website="http://spam.example"))
    assert response.status_code == 400
    assert (Application.objects.count(), Partner.objects.count()) == (0, 0)


def test_apply_without_csrf_token_refused():
    client = Client(enforce_csrf_checks=True)
    call, space = call_with_space()
    response = post(client, call, form_post(call, space))
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_apply_rate_limited_per_ip(client):
    call, space = call_with_space()
    bad = form_post(call, space, applicant_name="")
    statuses = [client.post(apply_url(call), bad, REMOTE_ADDR="10.1.1.1").status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]
    assert (
        "操作过于频繁，请稍后再试。"
        in client.post(apply_url(call), bad, REMOTE_ADDR="10.1.1.1").content.decode()
    )
    # Another address is not affected; GET is never limited.
    assert client.post(apply_url(call), bad, REMOTE_ADDR="10.1.1.2").status_code == 400
    assert client.get(apply_url(call), REMOTE_ADDR="10.1.1.1").status_code == 200
