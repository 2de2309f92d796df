"""Demo organisations and accounts: 崇明街道 with five communities."""

from django.contrib.auth import get_user_model

from .domain import user_assign_role
from .models import Community, Role, Street

DEMO_PASSWORD = "mulin-demo-2026"

COMMUNITIES = [
    ("华阳社区", "华阳北路18号", "李秀英", "0511-87261001"),
    ("崇明社区", "崇明西路66号", "张建国", "0511-87261002"),
    ("宝华社区", "宝华路9号", "陈玉兰", "0511-87261003"),
    ("葛村社区", "葛村大道120号", "刘志强", "0511-87261004"),
    ("西门社区", "西门大街38号", "赵丽华", "0511-87261005"),
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
    ctx.update(street=street, communities=communities, users=users)
