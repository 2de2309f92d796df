"""Demo organisations and accounts: 崇明街道 with five communities, in a city of two districts.

The city (镇江市) has two districts of two streets each (issue 15), so district and
city staff (`qu`, `shi`) have streets to compare; the other three streets get two
communities each, and spaces.demo gives them a little data.
"""

from django.contrib.auth import get_user_model

from .domain import (
    audit_events_for,
    level_policy_set,
    street_create,
    street_programmes_apply,
    user_assign_role,
)
from .features import Programme
from .models import (
    City,
    Community,
    CommunityKind,
    District,
    DistrictKind,
    PolicyName,
    Role,
    Street,
    StreetKind,
)

DEMO_PASSWORD = "mulin-demo-2026"

COMMUNITIES = [
    ("华阳社区", "华阳北路18号", "李秀英", "0511-87261001"),
    ("崇明社区", "崇明西路66号", "张建国", "0511-87261002"),
    ("宝华社区", "宝华路9号", "陈玉兰", "0511-87261003"),
    ("葛村社区", "葛村大道120号", "刘志强", "0511-87261004"),
    ("西门社区", "西门大街38号", "赵丽华", "0511-87261005"),
]

CITY = ("镇江市", "321100")
SECOND_STREET = "华阳街道"  # the demo street with every programme preset on (issue 20)
# district name, code, kind, [(street name, kind, [community names])]; 崇明街道 is the main demo street.
DISTRICTS = [
    (
        "句容市",
        "321183",
        DistrictKind.COUNTY_CITY,
        [("崇明街道", StreetKind.STREET, []), ("华阳街道", StreetKind.STREET, ["南门社区", "北山社区"])],
    ),
    (
        "丹徒区",
        "321112",
        DistrictKind.DISTRICT,
        [
            ("高资街道", StreetKind.STREET, ["高资社区", "港口社区"]),
            ("上党镇", StreetKind.TOWN, ["上党村", "五塘村"]),
        ],
    ),
]

# username, role, community index (None: street-wide), display name, department
ACCOUNTS = [
    ("jiedao", Role.STREET_STAFF, None, "周敏", "党建工作办公室"),
    ("dangzheng", Role.STREET_STAFF, None, "徐立新", "党政和人大办公室"),
    ("zhengfa", Role.STREET_STAFF, None, "蒋文华", "政法和社会事业办公室"),
    ("jijian", Role.STREET_STAFF, None, "孙磊", "纪检室"),
    ("shegongzhan", Role.STREET_STAFF, None, "吴静", "街道社工站"),
    ("shequ1", Role.COMMUNITY_STAFF, 0, "李秀英", "华阳社区居委会"),
    ("shequ2", Role.COMMUNITY_STAFF, 1, "张建国", "崇明社区居委会"),
    ("shequ3", Role.COMMUNITY_STAFF, 2, "陈玉兰", "宝华社区居委会"),
    ("pingshen1", Role.REVIEWER, None, "郑华", "市委组织部"),
    ("pingshen2", Role.REVIEWER, None, "王芳", "市纪委监委"),
    ("pingshen3", Role.REVIEWER, None, "何伟", "市委社会工作部"),
    ("jumin1", Role.REVIEWER, 0, "钱桂芳", "居民代表"),
    ("jumin2", Role.REVIEWER, 1, "冯德明", "居民代表"),
    ("guanchayuan", Role.OBSERVER, 0, "马淑珍", "社区观察员"),
]
# The levels above the street: read-only accounts (issue 15).
LEVEL_ACCOUNTS = [
    ("qu", Role.DISTRICT_STAFF, "句容市", "钱晓东", "句容市委社会工作部"),
    ("shi", Role.CITY_STAFF, None, "林雪梅", "镇江市委社会工作部"),
]


def load_levels(street, admin):
    """The city, its two districts and the three other streets (found by name: a second run adds nothing)."""
    city, _ = City.objects.get_or_create(code=CITY[1], defaults={"name": CITY[0]})
    districts = {
        name: District.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "city": city})[
            0
        ]
        for name, code, kind, _streets in DISTRICTS
    }
    # 丹徒区 asks its new streets for a seven-day notice (the default); five stays the bound.
    if not districts["丹徒区"].policies.exists():
        level_policy_set(
            level=districts["丹徒区"], name=PolicyName.NOTICE_MIN_DAYS, default=7, bound=5, by=admin
        )
    others = []
    for name, _code, _kind, streets in DISTRICTS:
        district = districts[name]
        for street_name, street_kind, community_names in streets:
            if street_name == street.name:
                if street.district_id is None:
                    street.district = district
                    street.save(update_fields=["district"])
                continue
            other = Street.objects.filter(name=street_name).first() or street_create(
                by=admin, district=district, name=street_name, kind=street_kind
            )
            for community_name in community_names:
                kind = CommunityKind.VILLAGE if community_name.endswith("村") else CommunityKind.COMMUNITY
                Community.objects.get_or_create(street=other, name=community_name, defaults={"kind": kind})
            others.append(other)
    return city, districts, others


def load(ctx):
    street, _ = Street.objects.get_or_create(
        name="崇明街道",
        defaults={
            "programme_name": "睦邻崇明",
            "social_work_station": "崇明街道社工站",
            "address": "句容市华阳镇崇明路1号",
            "contact_phone": "0511-87260000",
        },
    )
    communities = []
    for name, address, contact, phone in COMMUNITIES:
        community, _ = Community.objects.get_or_create(
            street=street,
            name=name,
            defaults={"address": address, "contact_name": contact, "contact_phone": phone},
        )
        communities.append(community)

    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_superuser": True, "is_staff": True, "email": "admin@mulin.example.cn"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    users = {"admin": admin}
    for username, role, index, display, department in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": display, "email": f"{username}@mulin.example.cn"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user_assign_role(
                user=user,
                role=role,
                street=street,
                community=communities[index]
                if index is not None and role in (Role.COMMUNITY_STAFF, Role.OBSERVER)
                else None,
                department=department,
            )
        users[username] = user
    city, districts, other_streets = load_levels(street, admin)
    # 华阳街道 runs what the other four policies add (issue 20), so `make run` shows every piece;
    # 崇明街道 keeps the 崇明 preset (all off).
    second = next(other for other in other_streets if other.name == SECOND_STREET)
    if not audit_events_for(second).filter(action="portal.street.programmes_applied").exists():
        street_programmes_apply(
            street=second, programmes=[p for p in Programme.values if p != Programme.CHONGMING], by=admin
        )
    for username, role, district_name, display, department in LEVEL_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": display, "email": f"{username}@mulin.example.cn"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user_assign_role(
                user=user,
                role=role,
                district=districts[district_name] if district_name else None,
                city=city,
                department=department,
            )
        users[username] = user
    ctx.update(
        street=street,
        communities=communities,
        users=users,
        city=city,
        districts=districts,
        other_streets=other_streets,
        second_street=second,
    )
