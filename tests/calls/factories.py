"""Test data for the recruitment stage: valid form posts, real files, submitted applications."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from calls.demo import demo_pdf, demo_png
from calls.domain import application_submit
from calls.models import BasicCondition, DocumentKind
from portal.choices import PartnerKind
from tests.factories import CommunityFactory, RecruitmentCallFactory, SpaceFactory

# Real, published numbers (check characters verified independently).
CREDIT_CODE = "91330100716105852F"
CREDIT_CODE_2 = "914403001922038216"
ID_NUMBER = "11010519491231002X"
ID_NUMBER_2 = "110101199003077774"


def pdf_file(name="plan.pdf", title="Plan"):
    return SimpleUploadedFile(name, demo_pdf(title), content_type="application/pdf")


def png_file(name="photo.png"):
    return SimpleUploadedFile(name, demo_png(), content_type="image/png")


def docx_file(name="team.docx"):
    """A minimal DOCX (a zip with [Content_Types].xml and word/document.xml)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def call_with_space(**kwargs):
    """A published, open call offering one space in one community of its street."""
    community = kwargs.pop("community", None) or CommunityFactory()
    call = RecruitmentCallFactory(street=community.street, **kwargs)
    space = SpaceFactory(community=community)
    call.spaces.add(space)
    return call, space


def form_post(call, space=None, **overrides) -> dict:
    """A complete, valid POST for the application form (files go separately)."""
    data = {
        "kind": PartnerKind.SOCIAL_ORGANIZATION,
        "applicant_name": "句容市邻里互助服务中心",
        "credit_code": CREDIT_CODE,
        "legal_representative": "李明",
        "id_number": "",
        "contact_name": "王小明",
        "mobile": "13812345678",
        "email": "wang@example.cn",
        "address": "句容市华阳北路18号",
        "project_title": "银龄学堂·智能手机课",
        "service_categories": ["elderly", "skills_training"],
        "target_groups": ["elderly"],
        "plan": "帮助老年人跨越数字鸿沟。",
        "activities": "每周两次智能手机课。",
        "schedule": "每月8次课。",
        "hours_per_month": "20",
        "residents_per_month": "120",
        "events_per_month": "8",
        "special_groups": "独居老人",
        "preferred_times": "每周二、四下午",
        "team_intro": "志愿者5人。",
        "past_cases": "2025年服务300人次。",
        "free_services": "全部课程免费。",
        "low_cost_services": "",
        "declarations": list(BasicCondition.values),
        "privacy_consent": "on",
        "website": "",
    }
    if space is not None:
        data["spaces"] = [str(space.pk)]
    else:
        data["community"] = str(call.street.communities.first().pk)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def form_files() -> dict:
    return {"doc_registration": pdf_file("licence.pdf"), "doc_project_plan": pdf_file("plan.pdf")}


def submission(call, space=None, **overrides) -> dict:
    """Cleaned data for `application_submit` (what the form hands over)."""
    data = {
        "kind": PartnerKind.SOCIAL_ORGANIZATION,
        "applicant_name": "句容市邻里互助服务中心",
        "credit_code": CREDIT_CODE,
        "id_number": "",
        "legal_representative": "李明",
        "contact_name": "王小明",
        "mobile": "13812345678",
        "email": "wang@example.cn",
        "address": "句容市华阳北路18号",
        "project_title": "银龄学堂·智能手机课",
        "service_categories": ["elderly"],
        "target_groups": ["elderly"],
        "plan": "目标",
        "activities": "活动",
        "schedule": "进度",
        "hours_per_month": 20,
        "residents_per_month": 120,
        "events_per_month": 8,
        "spaces": [space] if space else [],
        "community": None if space else call.street.communities.first(),
        "declarations": list(BasicCondition.values),
        "privacy_consent": True,
    }
    data.update(overrides)
    return data


def submission_files() -> dict:
    return {
        DocumentKind.REGISTRATION: [pdf_file("licence.pdf")],
        DocumentKind.PROJECT_PLAN: [pdf_file("plan.pdf")],
    }


def submitted_application(call=None, space=None, **overrides):
    if call is None:
        call, space = call_with_space()
    return application_submit(call=call, data=submission(call, space, **overrides), files=submission_files())
