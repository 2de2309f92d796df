"""Demo step: spaces, resident needs and prospects for the demo street's communities.

Idempotent: every record is found by its natural key first, so a second run adds nothing.
Runs before calls.demo, so bookings here are community events only.
"""

import datetime as dt
from decimal import Decimal

from portal.choices import PartnerKind as K

from .domain import timeslot_create
from .models import CollectionMethod as M
from .models import ContactStatus, Occupancy, Prospect, ResidentNeed, Space, SpaceNature, TimeSlot

# community index → spaces: name, address, area, nature, occupancy, water, network, furniture, accessible,
# capacity, opening hours
SPACES = {
    0: [
        (
            "党群服务中心二楼多功能室",
            "华阳北路18号党群服务中心2楼",
            "86.5",
            SpaceNature.SERVICE_CENTRE,
            Occupancy.SEMI_IDLE,
            True,
            True,
            True,
            True,
            40,
            "周一至周五 8:30–17:30，周末预约开放",
        ),
        (
            "东苑小区3幢架空层",
            "东苑小区3幢底层",
            "120",
            SpaceNature.PUBLIC_SPACE,
            Occupancy.IDLE,
            False,
            False,
            False,
            True,
            60,
            "每日 7:00–21:00",
        ),
        (
            "党群服务中心一楼阅览室",
            "华阳北路18号党群服务中心1楼",
            "45",
            SpaceNature.SERVICE_CENTRE,
            Occupancy.SEMI_IDLE,
            True,
            True,
            True,
            True,
            20,
            "周一至周六 9:00–20:00",
        ),
    ],
    1: [
        (
            "崇明社区睦邻客厅",
            "崇明西路66号社区综合楼1楼",
            "70",
            SpaceNature.SERVICE_CENTRE,
            Occupancy.SEMI_IDLE,
            True,
            True,
            True,
            True,
            30,
            "周一至周日 8:30–20:30",
        ),
        (
            "崇明花园9幢闲置门面",
            "崇明花园9幢102室",
            "38",
            SpaceNature.OTHER,
            Occupancy.IDLE,
            True,
            False,
            False,
            False,
            12,
            "按约定开放",
        ),
    ],
    2: [
        (
            "宝华社区四点半课堂教室",
            "宝华路9号社区服务中心2楼",
            "55",
            SpaceNature.SERVICE_CENTRE,
            Occupancy.IDLE,
            True,
            True,
            True,
            False,
            25,
            "工作日 15:30–19:00",
        ),
        (
            "宝华广场东侧活动棚",
            "宝华广场东侧",
            "150",
            SpaceNature.PUBLIC_SPACE,
            Occupancy.SEMI_IDLE,
            False,
            False,
            False,
            True,
            80,
            "每日 6:00–21:00",
        ),
    ],
    3: [
        (
            "葛村社区康养活动室",
            "葛村大道120号社区服务中心1楼",
            "64",
            SpaceNature.SERVICE_CENTRE,
            Occupancy.IDLE,
            True,
            True,
            True,
            True,
            30,
            "周一至周五 8:30–17:00",
        ),
        (
            "葛村文化礼堂",
            "葛村大道118号",
            "210",
            SpaceNature.PUBLIC_SPACE,
            Occupancy.SEMI_IDLE,
            True,
            True,
            True,
            True,
            150,
            "预约开放",
        ),
    ],
    4: [
        (
            "西门社区手工坊",
            "西门大街38号社区服务中心3楼",
            "42",
            SpaceNature.SERVICE_CENTRE,
            Occupancy.IDLE,
            True,
            True,
            True,
            False,
            16,
            "周二至周六 9:00–17:00",
        ),
        (
            "西门老街会客厅",
            "西门大街12号",
            "58",
            SpaceNature.OTHER,
            Occupancy.SEMI_IDLE,
            True,
            True,
            True,
            True,
            24,
            "周一至周日 9:00–18:00",
        ),
    ],
}

# community index, title, category, method, collected by, target groups, residents, space name or ""
NEEDS = [
    (
        0,
        "老人不会用智能手机挂号、缴费，希望有人手把手教",
        "elderly",
        M.DOOR_TO_DOOR,
        "睦邻长 钱桂芳",
        ["elderly"],
        46,
        "党群服务中心一楼阅览室",
    ),
    (
        0,
        "双职工家庭放学后孩子无人看管",
        "childcare",
        M.NEIGHBOUR_INTERVIEW,
        "网格员 孙丽",
        ["children"],
        32,
        "党群服务中心二楼多功能室",
    ),
    (0, "小区家电坏了找不到靠谱的维修", "convenience", M.SUGGESTION_BOX, "", ["all"], 58, ""),
    (
        1,
        "希望每月有义剪，方便行动不便的老人",
        "convenience",
        M.MEETING,
        "睦邻长 冯德明",
        ["elderly", "disabled"],
        27,
        "崇明社区睦邻客厅",
    ),
    (1, "邻里纠纷、遗产继承等法律问题想咨询", "legal_aid", M.QUESTIONNAIRE, "", ["all"], 41, ""),
    (1, "独居老人心理疏导与陪伴", "counselling", M.DOOR_TO_DOOR, "睦邻长 冯德明", ["elderly"], 19, ""),
    (
        2,
        "垃圾分类不会分，希望有人定期指导",
        "environment",
        M.MEETING,
        "居民议事会",
        ["all"],
        120,
        "宝华广场东侧活动棚",
    ),
    (
        2,
        "青少年周末缺少创客、科普活动",
        "youth_education",
        M.QUESTIONNAIRE,
        "",
        ["youth"],
        35,
        "宝华社区四点半课堂教室",
    ),
    (
        3,
        "中老年人想有固定的健身、康复场地",
        "health_fitness",
        M.NEIGHBOUR_INTERVIEW,
        "睦邻长 刘建华",
        ["elderly"],
        52,
        "葛村社区康养活动室",
    ),
    (
        3,
        "失业人员、新市民希望有就业创业辅导",
        "employment",
        M.MEETING,
        "",
        ["new_residents", "low_income"],
        23,
        "",
    ),
    (
        4,
        "阿姨们想学编织、剪纸，做点手工",
        "handicraft",
        M.NEIGHBOUR_INTERVIEW,
        "睦邻长 赵丽华",
        ["women", "elderly"],
        28,
        "西门社区手工坊",
    ),
    (4, "亲子阅读、周末读书会", "culture_sports", M.SUGGESTION_BOX, "", ["children"], 30, "西门老街会客厅"),
]

# community index, name, kind, contact, phone, email, offer, categories, status
PROSPECTS = [
    (
        0,
        "句容市夕阳红志愿服务队",
        K.SOCIAL_ORGANIZATION,
        "周建平",
        "13905110101",
        "xiyanghong@example.cn",
        "退休教师组成，可开设智能手机、书法课程",
        ["elderly", "skills_training"],
        ContactStatus.INTERESTED,
    ),
    (
        1,
        "句容市明理律师事务所",
        K.NEW_ECONOMY_ORGANIZATION,
        "吴律师",
        "13905110102",
        "mingli@example.cn",
        "每月两次免费法律咨询",
        ["legal_aid"],
        ContactStatus.CONTACTED,
    ),
    (
        1,
        "孙悦（心理咨询师）",
        K.INDIVIDUAL_OR_TEAM,
        "孙悦",
        "13905110103",
        "",
        "国家二级心理咨询师，可做独居老人陪伴",
        ["counselling"],
        ContactStatus.INTERESTED,
    ),
    (
        2,
        "句容市青禾科创工作室",
        K.INDIVIDUAL_OR_TEAM,
        "陆一鸣",
        "13905110104",
        "qinghe@example.cn",
        "周末青少年编程、科普实验",
        ["youth_education"],
        ContactStatus.NOT_CONTACTED,
    ),
    (
        3,
        "句容市康乐健身器材店",
        K.INDIVIDUAL_BUSINESS,
        "郑店长",
        "13905110105",
        "kangle@example.cn",
        "提供康复器械与健身指导",
        ["health_fitness"],
        ContactStatus.CONTACTED,
    ),
    (
        3,
        "句容市人力资源服务协会",
        K.SOCIAL_ORGANIZATION,
        "何秘书长",
        "13905110106",
        "hr@example.cn",
        "就业创业讲座与岗位推介",
        ["employment"],
        ContactStatus.INTERESTED,
    ),
]

# community index, space name, weekday, start, end, title
EVENTS = [
    (0, "党群服务中心二楼多功能室", 2, dt.time(9), dt.time(11), "社区议事会"),
    (1, "崇明社区睦邻客厅", 4, dt.time(14), dt.time(16), "老年合唱队排练"),
    (3, "葛村文化礼堂", 5, dt.time(19), dt.time(21), "村民文艺晚会排练"),
]


# The other demo streets (portal.demo, issue 15): one space and one need per community, so the
# district and city staff's comparison shows spaces in use and idle, and needs, in every street.
# community name → (space name, occupancy, area, need title, category, residents)
OTHER_STREETS = {
    "南门社区": ("南门社区睦邻驿站", Occupancy.IN_USE, "60", "老人午间助餐", "elderly", 32),
    "北山社区": ("北山社区活动室", Occupancy.IDLE, "48", "儿童假期托管", "childcare", 18),
    "高资社区": ("高资社区党群服务中心三楼", Occupancy.SEMI_IDLE, "75", "居民健身指导", "health_fitness", 25),
    "港口社区": ("港口社区文化广场棚", Occupancy.IDLE, "110", "广场舞队排练场地", "culture_sports", 40),
    "上党村": ("上党村文化礼堂", Occupancy.IN_USE, "150", "村民电商培训", "employment", 22),
    "五塘村": ("五塘村老年活动中心", Occupancy.SEMI_IDLE, "90", "留守老人陪伴", "elderly", 16),
}


def load_other_streets(ctx):
    for street in ctx.get("other_streets", []):
        for community in street.communities.all():
            row = OTHER_STREETS.get(community.name)
            if row is None:
                continue
            space_name, occupancy, area, title, category, residents = row
            space, _ = Space.objects.get_or_create(
                community=community,
                name=space_name,
                defaults={
                    "address": f"{street.name}{community.name}",
                    "area_m2": Decimal(area),
                    "nature": SpaceNature.SERVICE_CENTRE,
                    "occupancy": occupancy,
                    "has_water": True,
                    "has_power": True,
                    "capacity": 30,
                    "opening_hours": "周一至周五 8:30–17:30",
                },
            )
            ResidentNeed.objects.get_or_create(
                community=community,
                title=title,
                defaults={
                    "category": category,
                    "collection_method": M.DOOR_TO_DOOR,
                    "target_groups": ["all"],
                    "residents_count": residents,
                    "collected_on": dt.date(2025, 11, 20),
                    "space": space,
                },
            )


def load(ctx):
    load_other_streets(ctx)
    communities = ctx["communities"]
    spaces = {}
    for index, rows in SPACES.items():
        community = communities[index]
        for (
            name,
            address,
            area,
            nature,
            occupancy,
            water,
            network,
            furniture,
            accessible,
            capacity,
            hours,
        ) in rows:
            space, _ = Space.objects.get_or_create(
                community=community,
                name=name,
                defaults={
                    "address": address,
                    "area_m2": Decimal(area),
                    "nature": nature,
                    "occupancy": occupancy,
                    "has_water": water,
                    "has_power": True,
                    "has_network": network,
                    "has_furniture": furniture,
                    "is_accessible": accessible,
                    "capacity": capacity,
                    "opening_hours": hours,
                },
            )
            spaces[(index, name)] = space
    for index, title, category, method, collected_by, groups, residents, space_name in NEEDS:
        ResidentNeed.objects.get_or_create(
            community=communities[index],
            title=title,
            defaults={
                "category": category,
                "collection_method": method,
                "collected_by": collected_by,
                "target_groups": groups,
                "residents_count": residents,
                "collected_on": dt.date(2025, 11, 15),
                "space": spaces.get((index, space_name)),
            },
        )
    for index, name, kind, contact, phone, email, offer, categories, status in PROSPECTS:
        Prospect.objects.get_or_create(
            community=communities[index],
            name=name,
            defaults={
                "kind": kind,
                "contact_name": contact,
                "phone": phone,
                "email": email,
                "offer": offer,
                "categories": categories,
                "contact_status": status,
            },
        )
    for index, space_name, weekday, start, end, title in EVENTS:
        space = spaces[(index, space_name)]
        if not TimeSlot.objects.filter(space=space, weekday=weekday, start_time=start, title=title).exists():
            timeslot_create(space=space, weekday=weekday, start_time=start, end_time=end, title=title)
    ctx["spaces"] = spaces
