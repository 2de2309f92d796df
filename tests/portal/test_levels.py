"""Levels above the street (issue 15): city → district → street → community.

District and city staff read everything below them and write nothing; a district or
city sets defaults and bounds for its streets' policy numbers; moving a street keeps its
records and is audited; a level with records below it cannot be deleted.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.domain import (
    level_policy_set,
    street_create,
    street_policy_defaults,
    street_update_policy,
    user_assign_role,
)
from portal.models import AuditEvent, City, Community, District, LevelPolicy, Profile, Role, Street
from tests.factories import (
    CityFactory,
    CommunityFactory,
    DistrictFactory,
    PartnerFactory,
    SpaceFactory,
    StreetFactory,
    UserFactory,
    city_staff,
    district_staff,
    street_staff,
)
from tests.utils import pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels():
    city = CityFactory(name="镇江市")
    jurong = DistrictFactory(name="句容市", city=city)
    dantu = DistrictFactory(name="丹徒区", city=city)
    street = StreetFactory(name="崇明街道", district=jurong)
    return {
        "city": city,
        "jurong": jurong,
        "dantu": dantu,
        "street": street,
        "street_staff": street_staff(street=street),
        "qu": district_staff(district=jurong),
        "other_qu": district_staff(district=dantu),
        "shi": city_staff(city=city),
        "root": UserFactory(is_superuser=True, is_staff=True),
    }


# --- Roles ----------------------------------------------------------------------------


def test_district_and_city_staff_need_their_level():
    with pytest.raises(ValidationError) as district_missing:
        user_assign_role(user=UserFactory(), role=Role.DISTRICT_STAFF)
    with pytest.raises(ValidationError) as city_missing:
        user_assign_role(user=UserFactory(), role=Role.CITY_STAFF)

    assert district_missing.value.message_dict == {"district": ["区级工作人员必须指定所属区县。"]}
    assert city_missing.value.message_dict == {"city": ["市级工作人员必须指定所属市。"]}
    assert Profile.objects.count() == 0


def test_a_district_of_another_city_is_refused():
    with pytest.raises(ValidationError) as refused:
        user_assign_role(
            user=UserFactory(), role=Role.DISTRICT_STAFF, district=DistrictFactory(), city=CityFactory()
        )

    assert refused.value.message_dict == {"district": ["区县不属于所选市。"]}


def test_level_staff_open_the_admin(levels):
    assert levels["qu"].is_staff and levels["shi"].is_staff
    assert (levels["qu"].profile.district, levels["shi"].profile.city) == (levels["jurong"], levels["city"])


# --- Read-only everywhere --------------------------------------------------------------


@pytest.mark.parametrize("who", ["qu", "shi"])
def test_level_staff_writes_are_refused_by_the_api(client, levels, who):
    partner = PartnerFactory(community=CommunityFactory(street=levels["street"]))
    space = SpaceFactory(community=partner.community)
    client.force_login(levels[who])

    assert client.get(f"/api/partners/{partner.pk}/").status_code == 200
    assert client.get(f"/api/spaces/{space.pk}/").status_code == 200
    transition = client.post(
        f"/api/partners/{partner.pk}/transition/", {"transition": "forward"}, content_type="application/json"
    )
    changed = client.patch(f"/api/spaces/{space.pk}/", {"name": "改名"}, content_type="application/json")
    deleted = client.delete(f"/api/spaces/{space.pk}/")

    assert (transition.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert transition.json()["detail"] == "区级、市级工作人员只能查看，不能修改。"
    space.refresh_from_db()
    partner.refresh_from_db()
    assert (space.name, partner.status) != ("改名", "vetting")


def test_another_districts_staff_see_nothing_of_this_one(client, levels):
    community = CommunityFactory(street=levels["street"])
    partner = PartnerFactory(community=community)
    space = SpaceFactory(community=community)
    client.force_login(levels["other_qu"])

    assert client.get("/api/partners/").json()["results"] == []
    assert client.get("/api/spaces/").json()["results"] == []
    assert client.get(f"/api/partners/{partner.pk}/").status_code == 404
    assert client.get(f"/api/spaces/{space.pk}/").status_code == 404
    assert client.get(reverse("services:dossier", args=[partner.pk])).status_code == 404
    assert client.get(f"/admin/portal/street/{levels['street'].pk}/change/").status_code == 302


def test_admin_offers_district_staff_only_the_export_action(client, levels):
    PartnerFactory(community=CommunityFactory(street=levels["street"]))
    client.force_login(levels["qu"])

    html = client.get("/admin/calls/application/").content.decode()

    assert 'value="export_summary"' in html
    assert 'value="forward_to_street"' not in html


def test_export_holds_only_the_district_below(client, levels):
    ours = PartnerFactory(
        community=CommunityFactory(street=levels["street"]), application__applicant_name="句容甲机构"
    )
    theirs = PartnerFactory(
        community=CommunityFactory(street=StreetFactory(district=levels["dantu"])),
        application__applicant_name="丹徒乙机构",
    )
    selected = [ours.application.pk, theirs.application.pk]

    client.force_login(levels["qu"])
    mine = client.post(
        "/admin/calls/application/", {"action": "export_summary", "_selected_action": selected}
    )
    client.force_login(levels["shi"])
    city = client.post(
        "/admin/calls/application/", {"action": "export_summary", "_selected_action": selected}
    )
    client.force_login(levels["other_qu"])
    other = client.post(
        "/admin/calls/application/", {"action": "export_summary", "_selected_action": [ours.application.pk]}
    )

    assert [row[3] for row in xlsx_rows(mine.content)[1:]] == ["句容甲机构"]
    assert sorted(row[3] for row in xlsx_rows(city.content)[1:]) == ["丹徒乙机构", "句容甲机构"]
    assert xlsx_rows(other.content)[1:] == []  # another district's rows are not found: an empty export


def test_dashboard_csv_counts_only_the_levels_streets(client, levels):
    PartnerFactory(community=CommunityFactory(street=levels["street"], name="华阳社区"))
    elsewhere = StreetFactory(district=levels["dantu"], name="高资街道")
    PartnerFactory(community=CommunityFactory(street=elsewhere, name="高资社区"))

    # Above a street the dashboard compares streets (one row each, issue 14's summary rows).
    client.force_login(levels["qu"])
    mine = client.get(reverse("services:dashboard_csv")).content.decode()
    client.force_login(levels["other_qu"])
    other = client.get(reverse("services:dashboard_csv")).content.decode()

    assert levels["street"].name in mine and "高资街道" not in mine
    assert "高资街道" in other and levels["street"].name not in other


# --- Defaults and bounds -----------------------------------------------------------------


def test_a_new_street_takes_the_nearest_levels_default(levels):
    level_policy_set(level=levels["city"], name="notice_min_days", default=6, by=levels["root"])
    level_policy_set(level=levels["city"], name="renewal_max_months", default=18, by=levels["root"])
    level_policy_set(level=levels["jurong"], name="notice_min_days", default=7, by=levels["root"])

    in_jurong = street_create(by=levels["root"], district=levels["jurong"], name="华阳街道")
    in_dantu = street_create(by=levels["root"], district=levels["dantu"], name="高资街道")
    alone = street_create(by=levels["root"], name="独立街道")

    assert (in_jurong.notice_min_days, in_jurong.renewal_max_months) == (7, 18)
    assert (in_dantu.notice_min_days, in_dantu.renewal_max_months) == (6, 18)
    assert (alone.notice_min_days, alone.renewal_max_months) == (5, 24)
    assert street_policy_defaults(district=None)["notice_min_days"] == 5


@pytest.mark.parametrize(
    ("field", "bound", "at", "looser", "stricter"),
    [
        ("notice_min_days", 7, 7, 6, 8),  # a minimum: fewer days is looser
        ("renewal_max_months", 18, 18, 19, 17),  # a maximum: more months is looser
        ("resident_rep_min_share", Decimal("0.40"), Decimal("0.40"), Decimal("0.39"), Decimal("0.41")),
    ],
)
def test_street_staff_may_go_to_the_bound_and_stricter_not_looser(levels, field, bound, at, looser, stricter):
    street, staff = levels["street"], levels["street_staff"]
    level_policy_set(level=levels["jurong"], name=field, bound=bound, by=levels["qu"])

    street_update_policy(street=street, by=staff, values={field: at})
    street_update_policy(street=street, by=staff, values={field: stricter})
    with pytest.raises(ValidationError) as refused:
        street_update_policy(street=Street.objects.get(pk=street.pk), by=staff, values={field: looser})

    shown = f"{bound:.2f}" if isinstance(bound, Decimal) else str(bound)
    assert refused.value.message_dict == {
        field: [f"比句容市设定的最宽限值{shown}更宽松；需句容市工作人员批准（由其设置）。"]
    }
    street.refresh_from_db()
    assert getattr(street, field) == stricter
    assert not AuditEvent.objects.filter(action="portal.street.policy_approved").exists()


def test_the_districts_staff_approve_a_looser_value_and_it_is_recorded(client, levels):
    street = levels["street"]
    level_policy_set(level=levels["jurong"], name="notice_min_days", bound=7, by=levels["qu"])

    with pytest.raises(ValidationError):
        street_update_policy(street=street, by=levels["other_qu"], values={"notice_min_days": 6})
    street_update_policy(
        street=Street.objects.get(pk=street.pk), by=levels["qu"], values={"notice_min_days": 6}
    )

    street.refresh_from_db()
    assert street.notice_min_days == 6
    approval = AuditEvent.objects.get(action="portal.street.policy_approved")
    assert (approval.actor, approval.data["level"], approval.data["bound"], approval.data["value"]) == (
        levels["qu"],
        "句容市",
        "7",
        "6",
    )
    client.force_login(levels["street_staff"])
    page = client.get(f"/admin/portal/street/{street.pk}/change/").content.decode()
    assert "句容市" in page and "公示最少天数 = 6（限值 7" in page


def test_a_city_bound_needs_the_citys_approval_not_the_districts(levels):
    street = levels["street"]
    level_policy_set(level=levels["city"], name="notice_min_days", bound=6, by=levels["shi"])

    with pytest.raises(ValidationError) as refused:
        street_update_policy(street=street, by=levels["qu"], values={"notice_min_days": 5})
    street_update_policy(
        street=Street.objects.get(pk=street.pk), by=levels["shi"], values={"notice_min_days": 5}
    )

    assert refused.value.message_dict == {
        "notice_min_days": ["比镇江市设定的最宽限值6更宽松；需镇江市工作人员批准（由其设置）。"]
    }
    assert Street.objects.get(pk=street.pk).notice_min_days == 5


def test_level_policies_are_checked(levels):
    level_policy_set(level=levels["city"], name="notice_min_days", bound=6, by=levels["shi"])

    with pytest.raises(ValidationError) as looser_than_city:
        level_policy_set(level=levels["jurong"], name="notice_min_days", bound=5, by=levels["qu"])
    with pytest.raises(ValidationError) as default_looser:
        level_policy_set(level=levels["jurong"], name="notice_min_days", default=6, bound=7, by=levels["qu"])
    with pytest.raises(ValidationError) as not_whole:
        level_policy_set(
            level=levels["jurong"], name="notice_min_days", default=Decimal("6.5"), by=levels["qu"]
        )
    with pytest.raises(PermissionDenied):
        level_policy_set(level=levels["jurong"], name="notice_min_days", bound=7, by=levels["other_qu"])
    level_policy_set(
        level=levels["jurong"], name="notice_min_days", bound=6, by=levels["qu"]
    )  # at the city's

    assert looser_than_city.value.message_dict == {"bound": ["不能比镇江市设定的最宽限值6更宽松。"]}
    assert default_looser.value.message_dict == {"default": ["默认值不能比最宽限值更宽松。"]}
    assert not_whole.value.message_dict == {"default": ["该参数须为整数。"]}
    assert LevelPolicy.objects.filter(district=levels["jurong"]).values_list("bound", flat=True).get() == 6


def _policy_inline(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_district_staff_set_their_bounds_in_the_admin_within_the_citys(client, levels):
    level_policy_set(level=levels["city"], name="notice_min_days", bound=6, by=levels["shi"])
    url = f"/admin/portal/district/{levels['jurong'].pk}/change/"
    client.force_login(levels["qu"])

    looser = client.post(url, _policy_inline("policies", [{"name": "notice_min_days", "bound": "5"}]))
    at_city = client.post(
        url, _policy_inline("policies", [{"name": "notice_min_days", "default": "7", "bound": "6"}])
    )
    client.force_login(levels["other_qu"])
    other = client.post(url, _policy_inline("policies", [{"name": "notice_min_days", "bound": "9"}]))

    assert looser.status_code == 200
    assert "不能比镇江市设定的最宽限值6更宽松。" in looser.content.decode()
    assert at_city.status_code == 302
    assert other.status_code in (302, 403)  # not found in their scope, or not theirs to change
    policy = LevelPolicy.objects.get(district=levels["jurong"])
    assert (policy.default, policy.bound) == (7, 6)
    assert AuditEvent.objects.filter(action="portal.levelpolicy.changed").count() == 2


def test_admin_names_the_bound_and_keeps_the_street(client, levels):
    street = levels["street"]
    level_policy_set(level=levels["jurong"], name="notice_min_days", bound=7, by=levels["qu"])
    street_update_policy(street=street, by=levels["qu"], values={"notice_min_days": 8})
    client.force_login(levels["street_staff"])
    data = {
        f.name: getattr(street, f.name)
        for f in Street._meta.concrete_fields
        if f.name not in ("id", "district")
    }
    data["notice_min_days"] = 6
    data["address"] = "新地址"

    response = client.post(f"/admin/portal/street/{street.pk}/change/", data)

    assert response.status_code == 200
    assert "比句容市设定的最宽限值7更宽松；需句容市工作人员批准（由其设置）。" in response.content.decode()
    street.refresh_from_db()
    assert (street.notice_min_days, street.address) == (8, "")


# --- Moving and deleting -------------------------------------------------------------------


def test_moving_a_street_keeps_its_records_and_is_audited(levels):
    street = levels["street"]
    partner = PartnerFactory(community=CommunityFactory(street=street))
    street_update_policy(street=street, by=levels["street_staff"], values={"notice_min_days": 6})
    history = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        street_update_policy(street=street, by=levels["street_staff"], values={"district": levels["dantu"]})
    street_update_policy(
        street=Street.objects.get(pk=street.pk), by=levels["root"], values={"district": levels["dantu"]}
    )

    assert refused.value.message_dict == {"district": ["只有系统管理员可以调整街道所属区县。"]}
    partner.refresh_from_db()
    assert partner.community.street.district == levels["dantu"]
    moved = AuditEvent.objects.get(action="portal.street.moved")
    assert (moved.from_state, moved.to_state, moved.actor) == ("句容市", "丹徒区", levels["root"])
    assert AuditEvent.objects.filter(action="portal.street.policy_changed").count() == 2
    assert AuditEvent.objects.count() == history + 2  # nothing of the history was lost


@pytest.mark.parametrize("level", ["city", "jurong", "street", "community"])
def test_a_level_with_records_below_cannot_be_deleted(client, levels, level):
    community = CommunityFactory(street=levels["street"])
    PartnerFactory(community=community)
    # The accounts of the level's staff hold it too (the fixture's 市级 / 区级 / 街道 staff).
    reasons = {
        "city": "区县（2）、账号角色（1）",
        "jurong": "街道（1）、账号角色（1）",
        "street": "招募公告（1）、社区（1）、账号角色（1）",
        "community": "睦邻合伙人（1）、项目申请（1）",
    }
    obj = {
        "city": levels["city"],
        "jurong": levels["jurong"],
        "street": levels["street"],
        "community": community,
    }[level]
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    client.force_login(levels["root"])

    page = client.get(url, follow=True).content.decode()
    client.post(url, {"post": "yes"})

    assert f"“{obj}”下仍有记录：{reasons[level]}，不能删除。请先移走或处理这些记录。" in page
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_empty_district_can_be_deleted(client, levels):
    empty = DistrictFactory(city=levels["city"])
    client.force_login(levels["root"])

    client.post(reverse("admin:portal_district_delete", args=[empty.pk]), {"post": "yes"})

    assert not District.objects.filter(pk=empty.pk).exists()
    assert City.objects.filter(pk=levels["city"].pk).exists()
    assert Community.objects.count() == 0


def test_application_pdf_is_downloaded_within_the_level_only(client, levels):
    partner = PartnerFactory(
        community=CommunityFactory(street=levels["street"]), application__applicant_name="句容甲机构"
    )
    url = f"/admin/calls/application/{partner.application.pk}/pdf/"

    client.force_login(levels["qu"])
    mine = client.get(url)
    client.force_login(levels["other_qu"])
    other = client.get(url)

    assert mine["Content-Type"] == "application/pdf"
    assert "句容甲机构" in pdf_text(mine.content)
    assert other.status_code == 404


def test_a_street_added_in_the_admin_takes_its_districts_defaults(client, levels):
    level_policy_set(level=levels["jurong"], name="notice_min_days", default=7, bound=6, by=levels["qu"])
    client.force_login(levels["root"])

    response = client.post(
        "/admin/portal/street/add/",
        {
            "name": "华阳街道",
            "kind": "street",
            "district": levels["jurong"].pk,
            "programme_name": "睦邻合伙人",
        },
    )

    assert response.status_code == 302
    street = Street.objects.get(name="华阳街道")
    assert (street.district, street.notice_min_days, street.trial_max_months) == (levels["jurong"], 7, 12)
