"""Demo applicants, one or more for every stage of the lifecycle.

Every later demo step (reviews, notices, agreements, services) reads
DEMO_APPLICANTS and moves only the applicants whose `target` lies beyond
its own stage, and only if they are exactly at the stage it starts from.
"""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from partners.domain import partner_transition
from partners.models import Partner
from portal.choices import INDIVIDUAL_KINDS, PartnerKind
from spaces.models import ResidentNeed, Space

from .domain import application_submit, call_publish
from .models import Application, BasicCondition, CallStatus, DocumentKind, RecruitmentCall
from .validators import credit_code_check_char, id_number_check_char

K = PartnerKind
# name, kind, community index, project title, categories, target status
DEMO_APPLICANTS = [
    (
        "句容市银龄互助服务中心",
        K.SOCIAL_ORGANIZATION,
        0,
        "银龄学堂·智能手机课",
        ["elderly", "skills_training"],
        "active",
    ),
    (
        "句容市童心托育有限公司",
        K.NEW_ECONOMY_ORGANIZATION,
        0,
        "四点半课堂",
        ["childcare", "youth_education"],
        "trial",
    ),
    ("崇明社区便民理发店", K.INDIVIDUAL_BUSINESS, 1, "每月义剪日", ["convenience"], "renewal_due"),
    ("王晓燕", K.INDIVIDUAL_OR_TEAM, 1, "邻里心理驿站", ["counselling"], "signing"),
    ("句容市绿邻环保志愿服务社", K.SOCIAL_ORGANIZATION, 2, "垃圾分类小管家", ["environment"], "in_notice"),
    ("陈志远", K.INDIVIDUAL_OR_TEAM, 2, "青年创客工坊", ["handicraft", "employment"], "approved"),
    (
        "句容市乐活康养服务有限公司",
        K.NEW_ECONOMY_ORGANIZATION,
        3,
        "康养健身角",
        ["health_fitness", "elderly"],
        "scored",
    ),
    ("句容市阳光法律服务所", K.SOCIAL_ORGANIZATION, 3, "法律明白人", ["legal_aid"], "shortlisted"),
    ("刘梅", K.INDIVIDUAL_OR_TEAM, 4, "巧手编织坊", ["handicraft"], "vetting"),
    (
        "句容市书香悦读会",
        K.SOCIAL_ORGANIZATION,
        4,
        "周末亲子阅读",
        ["culture_sports", "youth_education"],
        "submitted",
    ),
    ("句容市快修便民服务部", K.INDIVIDUAL_BUSINESS, 0, "家电义务维修", ["convenience"], "exited"),
    ("句容市某某商贸有限公司", K.NEW_ECONOMY_ORGANIZATION, 1, "社区团购点", ["other"], "rejected"),
    ("句容市舞韵文化艺术团", K.SOCIAL_ORGANIZATION, 2, "广场舞培训", ["culture_sports"], "not_selected"),
]

DEMO_MOBILES = [
    "13805110001",
    "13805110002",
    "13805110003",
    "13805110004",
    "13805110005",
    "13805110006",
    "13805110007",
    "13805110008",
    "13805110009",
    "13805110010",
    "13805110011",
    "13805110012",
    "13805110013",
]


def demo_partners(target=None):
    """The demo partners (optionally only those whose target status is `target`)."""
    names = [row[0] for row in DEMO_APPLICANTS if target is None or row[5] == target]
    return Partner.objects.filter(application__applicant_name__in=names).select_related(
        "application", "community"
    )


def demo_target(partner) -> str:
    return {row[0]: row[5] for row in DEMO_APPLICANTS}[partner.application.applicant_name]


def demo_credit_code(index: int) -> str:
    """A credit code with a correct check character (GB 32100-2015), unique per demo row."""
    first17 = f"9132118{3}MA{index:07d}"
    return first17 + credit_code_check_char(first17)


def demo_id_number(index: int) -> str:
    """A resident ID number with a correct check digit (GB 11643), born in the 1980s."""
    first17 = f"32118319{85 + index % 10}0{index % 9 + 1}1{index % 10}{index:02d}{index % 10}"[:17]
    return first17 + id_number_check_char(first17)


def demo_pdf(title: str) -> bytes:
    """A one-page PDF with an ASCII line: small, real, and sniffed as PDF."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_png(color=(179, 38, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), color).save(buffer, format="PNG")
    return buffer.getvalue()


# Entries of the needs list (spaces/demo.py) this call sets out to meet.
DEMO_CALL_NEEDS = [
    "老人不会用智能手机挂号、缴费，希望有人手把手教",
    "双职工家庭放学后孩子无人看管",
    "小区家电坏了找不到靠谱的维修",
    "希望每月有义剪，方便行动不便的老人",
    "独居老人心理疏导与陪伴",
    "垃圾分类不会分，希望有人定期指导",
    "青少年周末缺少创客、科普活动",
]


def load(ctx):
    street, communities = ctx["street"], ctx["communities"]
    closes = max(
        timezone.now() + dt.timedelta(days=90),
        dt.datetime(2027, 3, 31, 17, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    call, created = RecruitmentCall.objects.get_or_create(
        street=street,
        title="崇明街道2026年第一批“睦邻合伙人”招募公告",
        defaults={
            "body": DEMO_CALL_BODY,
            "opens_at": dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            "closes_at": closes,
            "contact": "崇明街道党建工作办公室 0511-87260000",
        },
    )
    if created:
        call.spaces.set(Space.objects.filter(community__street=street))
        call.needs.set(ResidentNeed.objects.filter(community__street=street, title__in=DEMO_CALL_NEEDS))
    if call.status == CallStatus.DRAFT:
        call_publish(call=call, by=ctx["users"]["admin"])
    ctx["call"] = call

    for index, (name, kind, community_index, title, categories, _target) in enumerate(DEMO_APPLICANTS):
        if Application.objects.filter(call=call, applicant_name=name).exists():
            continue
        community = communities[community_index]
        individual = kind in INDIVIDUAL_KINDS
        data = {
            "kind": kind,
            "applicant_name": name,
            "credit_code": "" if individual else demo_credit_code(index + 1),
            "id_number": demo_id_number(index + 1) if individual else "",
            "legal_representative": "" if individual else "负责人" + str(index + 1),
            "contact_name": name if individual else "联系人" + str(index + 1),
            "mobile": DEMO_MOBILES[index],
            "email": f"demo{index + 1}@mulin.example.cn",
            "address": f"句容市华阳镇{community.name}{index + 1}号",
            "project_title": title,
            "service_categories": categories,
            "target_groups": ["all"],
            "plan": "目标：围绕居民需求，每月稳定开展公益服务。",
            "activities": "课程、志愿服务与主题活动。",
            "schedule": "第1月筹备，第2月起按月推进，每季度总结。",
            "hours_per_month": 16 + index,
            "residents_per_month": 80 + 5 * index,
            "events_per_month": 4,
            "special_groups": "独居老人、困难家庭儿童",
            "preferred_times": "每周六上午 9:00—11:30",
            "free_services": "全部课程与活动免费。",
            "team_intro": "核心成员3人，均有社区服务经验。",
            "spaces": list(call.spaces.filter(community=community)[:1]),
            "community": community,
            "declarations": list(BasicCondition.values),
            "privacy_consent": True,
        }
        files = {
            DocumentKind.REGISTRATION: [
                SimpleUploadedFile(f"registration-{index + 1}.pdf", demo_pdf(f"Registration {index + 1}"))
            ],
            DocumentKind.PROJECT_PLAN: [
                SimpleUploadedFile(f"plan-{index + 1}.pdf", demo_pdf(f"Project plan {index + 1}"))
            ],
        }
        if index % 3 == 0:
            files[DocumentKind.PAST_CASES] = [SimpleUploadedFile(f"case-{index + 1}.png", demo_png())]
        application_submit(call=call, data=data, files=files, ip="127.0.0.1")

    # Everyone beyond `submitted` has been forwarded to the street by now.
    clerk = ctx["users"]["jiedao"]
    for partner in demo_partners().filter(status="submitted"):
        if demo_target(partner) != "submitted":
            partner_transition(partner=partner, transition="forward", by=clerk)


DEMO_CALL_BODY = """## 一、招募对象
在民政部门登记的社会组织、新经济组织、个体工商户，以及自由职业者、创业团队、青年创客等。

## 二、服务内容
便民服务、为老服务、托幼服务、青少年教育、文体活动、康养健身等，以公益服务为主，可适当提供微利服务。

## 三、申请方式
在线填写《项目申请表》并上传证明材料，提交至意向空间所属社区。

## 四、时间安排
1. 报名：见本公告申请时间；
2. 联审联查、路演评审、党工委研究；
3. 公示不少于5天后签订三方协议。
"""
