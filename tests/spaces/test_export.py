"""Exports: Chinese headers, Chinese labels, the same columns the import reads back."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.dates import local_today
from portal.ledgers import chinese_date
from spaces.domain import timeslot_create
from spaces.imports import import_rows, load_dataset
from spaces.models import Space
from tests.factories import PartnerFactory, SpaceFactory
from tests.spaces.factories import ProspectFactory, ResidentNeedFactory
from tests.utils import xlsx_rows

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"


def test_space_export_xlsx_has_chinese_headers_and_labels(client, community_a, staff_a):
    SpaceFactory(
        community=community_a,
        name="二楼活动室",
        address="华阳北路18号",
        area_m2="86.50",
        nature="public_space",
        occupancy="semi_idle",
        has_water=True,
        capacity=40,
        opening_hours="周一至周五",
    )
    client.force_login(staff_a)

    response = client.post(reverse("admin:spaces_space_export"), {"format": XLSX, "resource": "0"})

    title, *rows = xlsx_rows(response.content)
    assert (
        title[0]
        == f"空间资源清单台账（筛选：无；日期（登记时间）：全部（导出于{chinese_date(local_today())}））"
    )
    assert rows[0] == [
        "社区",
        "名称",
        "楼栋/房间及地址",
        "面积（㎡）",
        "性质",
        "使用状态",
        "通水",
        "通电",
        "网络",
        "桌椅家具",
        "无障碍通行",
        "可容纳人数",
        "开放时间",
        "纬度",
        "经度",
        "备注",
    ]
    assert rows[1][:9] == [
        "华阳社区",
        "二楼活动室",
        "华阳北路18号",
        86.5,
        "辖区公共空间",
        "半闲置",
        "是",
        "是",
        "否",
    ]
    assert rows[1][11:13] == [40, "周一至周五"]


def test_space_export_csv_imports_back_unchanged(client, community_a, staff_a):
    SpaceFactory(community=community_a, name="二楼活动室", area_m2="86.50", nature="other", has_network=True)
    client.force_login(staff_a)

    exported = client.post(reverse("admin:spaces_space_export"), {"format": CSV, "resource": "0"}).content
    outcome = import_rows(kind="spaces", dataset=load_dataset(exported, "csv"), user=staff_a, dry_run=False)

    assert exported.decode("utf-8-sig").startswith("空间资源清单台账（")  # the title row is skipped
    assert (outcome["errors"], outcome["new"], outcome["update"]) == ([], 0, 1)
    space = Space.objects.get()
    assert (space.nature, space.has_network, space.area_m2) == ("other", True, 86.5)


def test_need_and_prospect_exports_render_lists_as_labels(client, community_a, staff_a):
    ResidentNeedFactory(
        community=community_a,
        title="老人助餐",
        target_groups=["elderly", "disabled"],
        category="elderly",
        collection_method="meeting",
    )
    ProspectFactory(
        community=community_a,
        name="银发课堂",
        categories=["elderly", "skills_training"],
        kind="social_organization",
    )
    client.force_login(staff_a)

    needs = xlsx_rows(
        client.post(reverse("admin:spaces_residentneed_export"), {"format": XLSX, "resource": "0"}).content
    )[1:]
    prospects = xlsx_rows(
        client.post(reverse("admin:spaces_prospect_export"), {"format": XLSX, "resource": "0"}).content
    )[1:]

    need = dict(zip(needs[0], needs[1], strict=True))
    prospect = dict(zip(prospects[0], prospects[1], strict=True))
    assert (need["需求"], need["服务类别"], need["收集方式"], need["服务对象"]) == (
        "老人助餐",
        "为老服务",
        "议事协商会",
        "老年人、残疾人",
    )
    assert (prospect["名称/姓名"], prospect["主体类型"], prospect["服务类别"]) == (
        "银发课堂",
        "社会组织",
        "为老服务、技能培训",
    )


def test_timeslot_resource_exports_space_and_partner_names(community_a, staff_a):
    from spaces.resources import TimeSlotResource

    space = SpaceFactory(community=community_a, name="活动室")
    partner = PartnerFactory(community=community_a)
    timeslot_create(space=space, weekday=2, start_time=dt.time(9), end_time=dt.time(10), partner=partner)

    data = TimeSlotResource(user=staff_a).export()

    assert data.headers[:5] == ["社区", "空间", "睦邻合伙人", "用途", "星期"]
    assert list(data[0][:5]) == ["华阳社区", "活动室", partner.name, "", "周三"]


def test_timeslot_admin_exports_the_schedule(client, community_a, staff_a):
    space = SpaceFactory(community=community_a, name="活动室")
    partner = PartnerFactory(community=community_a)
    timeslot_create(space=space, weekday=2, start_time=dt.time(9), end_time=dt.time(10), partner=partner)
    client.force_login(staff_a)

    title, *rows = xlsx_rows(
        client.post(reverse("admin:spaces_timeslot_export"), {"format": XLSX, "resource": "0"}).content
    )

    assert title[0].startswith("使用时段台账（筛选：无；")
    assert rows[0][:5] == ["社区", "空间", "睦邻合伙人", "用途", "星期"]
    assert rows[1][:5] == ["华阳社区", "活动室", partner.name, None, "周三"]


def test_import_of_a_ledger_file_numbers_rows_as_the_spreadsheet_does(community_a, staff_a):
    import io

    from portal.ledgers import write_ledger

    out = io.BytesIO()
    write_ledger(
        out,
        fmt="xlsx",
        sheet="空间资源清单",
        title="空间资源清单台账（筛选：无；日期：全部）",
        headers=["社区", "名称", "面积（㎡）"],
        rows=[["华阳社区", "一楼", 20], ["不存在社区", "二楼", 30]],
    )

    outcome = import_rows(
        kind="spaces", dataset=load_dataset(out.getvalue(), "xlsx"), user=staff_a, dry_run=True
    )

    # Row 1 is the title, row 2 the header: the unknown community is on row 4.
    assert [e["row"] for e in outcome["errors"]] == [4]
    assert "不存在社区" in outcome["errors"][0]["message"]
