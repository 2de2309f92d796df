"""Demo applicants, one or more for every stage of the lifecycle.

Every later demo step (reviews, notices, agreements, services) reads
DEMO_APPLICANTS and moves only the applicants whose `target` lies beyond
its own stage, and only if they are exactly at the stage it starts from.
"""

from config.choices import PartnerKind

from .models import Application, Partner, RecruitmentCall

K = PartnerKind
# name, kind, community index, project title, categories, target status
DEMO_APPLICANTS = [
    ("句容市银龄互助服务中心", K.SOCIAL_ORGANIZATION, 0, "银龄学堂·智能手机课", ["elderly", "skills_training"], "active"),
    ("句容市童心托育有限公司", K.NEW_ECONOMY_ORGANIZATION, 0, "四点半课堂", ["childcare", "youth_education"], "trial"),
    ("崇明社区便民理发店", K.INDIVIDUAL_BUSINESS, 1, "每月义剪日", ["convenience"], "renewal_due"),
    ("王晓燕", K.INDIVIDUAL_OR_TEAM, 1, "邻里心理驿站", ["counselling"], "signing"),
    ("句容市绿邻环保志愿服务社", K.SOCIAL_ORGANIZATION, 2, "垃圾分类小管家", ["environment"], "in_notice"),
    ("陈志远", K.INDIVIDUAL_OR_TEAM, 2, "青年创客工坊", ["handicraft", "employment"], "approved"),
    ("句容市乐活康养服务有限公司", K.NEW_ECONOMY_ORGANIZATION, 3, "康养健身角", ["health_fitness", "elderly"], "scored"),
    ("句容市阳光法律服务所", K.SOCIAL_ORGANIZATION, 3, "法律明白人", ["legal_aid"], "shortlisted"),
    ("刘梅", K.INDIVIDUAL_OR_TEAM, 4, "巧手编织坊", ["handicraft"], "vetting"),
    ("句容市书香悦读会", K.SOCIAL_ORGANIZATION, 4, "周末亲子阅读", ["culture_sports", "youth_education"], "submitted"),
    ("句容市快修便民服务部", K.INDIVIDUAL_BUSINESS, 0, "家电义务维修", ["convenience"], "exited"),
    ("句容市某某商贸有限公司", K.NEW_ECONOMY_ORGANIZATION, 1, "社区团购点", ["other"], "rejected"),
    ("句容市舞韵文化艺术团", K.SOCIAL_ORGANIZATION, 2, "广场舞培训", ["culture_sports"], "not_selected"),
]

DEMO_MOBILES = ["13805110001", "13805110002", "13805110003", "13805110004", "13805110005",
                "13805110006", "13805110007", "13805110008", "13805110009", "13805110010",
                "13805110011", "13805110012", "13805110013"]


def demo_partners(target=None):
    """The demo partners (optionally only those whose target status is `target`)."""
    names = [row[0] for row in DEMO_APPLICANTS if target is None or row[5] == target]
    return Partner.objects.filter(application__applicant_name__in=names).select_related(
        "application", "community")


def demo_target(partner) -> str:
    return {row[0]: row[5] for row in DEMO_APPLICANTS}[partner.application.applicant_name]


def load(ctx):
    street, communities = ctx["street"], ctx["communities"]
    call, _ = RecruitmentCall.objects.get_or_create(
        street=street, title="崇明街道2026年第一批“睦邻合伙人”招募公告",
        defaults={"body": "为盘活社区闲置空间,现面向社会公开招募“睦邻合伙人”。",
                  "opens_at": "2026-01-05T09:00:00+08:00", "closes_at": "2027-03-31T17:00:00+08:00",
                  "contact": "崇明街道党建工作办公室 0511-87260000", "status": "published"},
    )
    ctx["call"] = call
    for index, (name, kind, community_index, title, categories, _target) in enumerate(DEMO_APPLICANTS):
        if Application.objects.filter(call=call, applicant_name=name).exists():
            continue
        application = Application.objects.create(
            call=call, community=communities[community_index],
            reference=f"MLHH-2026-{index + 1:06d}", kind=kind, applicant_name=name,
            contact_name=name if kind == K.INDIVIDUAL_OR_TEAM else "联系人" + str(index + 1),
            mobile=DEMO_MOBILES[index], email=f"demo{index + 1}@mulin.example.cn",
            project_title=title, service_categories=categories,
            plan="目标:每月开展公益服务;活动:课程与志愿服务;进度:按月推进。",
            hours_per_month=16 + index, residents_per_month=80 + 5 * index, events_per_month=4,
        )
        Partner.objects.create(application=application, community=application.community)

    # Everyone beyond `submitted` has been forwarded to the street by now.
    from .domain import partner_transition

    clerk = ctx["users"]["jiedao"]
    for partner in demo_partners().filter(status="submitted"):
        if demo_target(partner) != "submitted":
            partner_transition(partner=partner, transition="forward", by=clerk)
