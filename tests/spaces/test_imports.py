"""Importing the lists: all or nothing, bad rows named by spreadsheet row number."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.xlsx import rows_to_xlsx
from spaces.domain import timeslot_create
from spaces.imports import import_job_confirm, import_job_create, import_job_run, import_rows, load_dataset
from spaces.models import ImportStatus, Prospect, ResidentNeed, Space, TimeSlot
from tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db

SPACE_HEADERS = [
    "社区",
    "名称",
    "楼栋/房间及地址",
    "面积（㎡）",
    "性质",
    "使用状态",
    "通水",
    "通电",
    "网络",
    "可容纳人数",
    "开放时间",
]


def csv_dataset(headers, rows):
    text = ",".join(headers) + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows) + "\n"
    return load_dataset(text.encode("utf-8-sig"), "csv")


def xlsx_dataset(headers, rows):
    return load_dataset(rows_to_xlsx(headers, rows), "xlsx")


GOOD_SPACES = [
    [
        "华阳社区",
        "党群服务中心二楼多功能室",
        "华阳北路18号2楼",
        "85.5",
        "党群服务中心内阵地",
        "闲置",
        "是",
        "是",
        "是",
        "40",
        "周一至周五 8:30–17:30",
    ],
    [
        "华阳社区",
        "小区东门架空层",
        "东苑小区3幢底层",
        "120",
        "辖区公共空间",
        "半闲置",
        "否",
        "是",
        "否",
        "60",
        "",
    ],
]


@pytest.mark.parametrize("to_dataset", [csv_dataset, xlsx_dataset], ids=["csv", "xlsx"])
def test_space_import_good_file_saves_every_row(to_dataset, community_a, staff_a):
    outcome = import_rows(
        kind="spaces", dataset=to_dataset(SPACE_HEADERS, GOOD_SPACES), user=staff_a, dry_run=False
    )

    assert outcome["errors"] == []
    assert (outcome["new"], outcome["update"]) == (2, 0)
    room = Space.objects.get(name="党群服务中心二楼多功能室")
    assert (
        room.community,
        room.area_m2,
        room.nature,
        room.occupancy,
        room.has_water,
        room.has_network,
        room.capacity,
    ) == (community_a, 85.5, "service_centre", "idle", True, True, 40)
    assert Space.objects.get(name="小区东门架空层").occupancy == "semi_idle"


def test_space_import_dry_run_saves_nothing_and_previews(community_a, staff_a):
    outcome = import_rows(
        kind="spaces", dataset=csv_dataset(SPACE_HEADERS, GOOD_SPACES), user=staff_a, dry_run=True
    )

    assert (outcome["errors"], outcome["new"]) == ([], 2)
    assert outcome["preview"]["rows"][1][1] == "小区东门架空层"
    assert Space.objects.count() == 0


def test_space_import_same_file_twice_updates(community_a, staff_a):
    import_rows(kind="spaces", dataset=csv_dataset(SPACE_HEADERS, GOOD_SPACES), user=staff_a, dry_run=False)
    changed = [GOOD_SPACES[0][:3] + ["90"] + GOOD_SPACES[0][4:]]

    outcome = import_rows(
        kind="spaces", dataset=csv_dataset(SPACE_HEADERS, changed), user=staff_a, dry_run=False
    )

    assert (outcome["new"], outcome["update"]) == (0, 1)
    room = Space.objects.get(name="党群服务中心二楼多功能室")
    assert room.area_m2 == 90
    assert room.updated_at > room.created_at


def bad_space_rows(community_b):
    return {
        "unknown_community": (
            GOOD_SPACES + [["不存在社区", "会议室", "", "30", "", "", "", "", "", "", ""]],
            4,
            "未知社区“不存在社区”",
        ),
        "other_community": (
            GOOD_SPACES + [[community_b.name, "会议室", "", "30", "", "", "", "", "", "", ""]],
            4,
            f"未知社区“{community_b.name}”",
        ),
        "negative_area": (
            [GOOD_SPACES[0], ["华阳社区", "会议室", "", "-5", "", "", "", "", "", "", ""], GOOD_SPACES[1]],
            3,
            "面积（㎡）：",
        ),
        "bad_choice": (
            [GOOD_SPACES[0], ["华阳社区", "会议室", "", "5", "仓库", "", "", "", "", "", ""]],
            3,
            "性质：“仓库”不是有效选项",
        ),
    }


@pytest.mark.parametrize("case", ["unknown_community", "other_community", "negative_area", "bad_choice"])
def test_space_import_bad_row_reported_and_nothing_saved(case, community_a, community_b, staff_a):
    rows, row_number, message = bad_space_rows(community_b)[case]

    outcome = import_rows(
        kind="spaces", dataset=csv_dataset(SPACE_HEADERS, rows), user=staff_a, dry_run=False
    )

    assert [e["row"] for e in outcome["errors"]] == [row_number]
    assert message in outcome["errors"][0]["message"]
    assert Space.objects.count() == 0


def test_space_import_missing_required_column_saves_nothing(community_a, staff_a):
    headers = [h for h in SPACE_HEADERS if h != "面积（㎡）"]
    rows = [[v for i, v in enumerate(r) if i != 3] for r in GOOD_SPACES]

    outcome = import_rows(kind="spaces", dataset=csv_dataset(headers, rows), user=staff_a, dry_run=False)

    assert outcome["errors"] == [{"row": 1, "message": "文件缺少必填列：面积（㎡）。"}]
    assert Space.objects.count() == 0


SLOT_HEADERS = [
    "社区",
    "空间",
    "睦邻合伙人",
    "用途",
    "星期",
    "日期",
    "开始时间",
    "结束时间",
    "生效日期",
    "截止日期",
]


def test_timeslot_import_overlap_with_existing_reported_and_nothing_saved(community_a, staff_a):
    room = SpaceFactory(community=community_a, name="活动室")
    timeslot_create(space=room, weekday=2, start_time=dt.time(14), end_time=dt.time(16), title="合唱队")
    rows = [
        ["华阳社区", "活动室", "", "书法班", "周一", "", "09:00", "11:00", "", ""],
        ["华阳社区", "活动室", "", "舞蹈队", "周三", "", "15:59", "17:00", "", ""],
    ]

    outcome = import_rows(
        kind="timeslots", dataset=csv_dataset(SLOT_HEADERS, rows), user=staff_a, dry_run=False
    )

    assert [e["row"] for e in outcome["errors"]] == [3]
    assert "合唱队 周三 14:00–16:00" in outcome["errors"][0]["message"]
    assert TimeSlot.objects.count() == 1


def test_timeslot_import_overlap_within_file_reported(community_a, staff_a):
    SpaceFactory(community=community_a, name="活动室")
    rows = [
        ["华阳社区", "活动室", "", "书法班", "周一", "", "09:00", "11:00", "", ""],
        ["华阳社区", "活动室", "", "读书会", "", "2026-12-07", "10:30", "12:00", "", ""],
        ["华阳社区", "活动室", "", "棋牌", "周一", "", "11:00", "12:00", "", ""],
    ]

    outcome = import_rows(
        kind="timeslots", dataset=csv_dataset(SLOT_HEADERS, rows), user=staff_a, dry_run=False
    )

    assert [e["row"] for e in outcome["errors"]] == [3]
    assert TimeSlot.objects.count() == 0


def test_need_and_prospect_import_good_files(community_a, staff_a):
    SpaceFactory(community=community_a, name="活动室")
    needs = csv_dataset(
        ["社区", "需求", "服务类别", "收集方式", "收集人", "服务对象", "涉及居民人数", "相关空间"],
        [
            [
                "华阳社区",
                "老人想学用智能手机",
                "为老服务",
                "入户走访",
                "睦邻长 王阿姨",
                "老年人、困难群体",
                "25",
                "活动室",
            ]
        ],
    )
    prospects = csv_dataset(
        ["社区", "名称/姓名", "主体类型", "电子邮箱", "服务类别"],
        [["华阳社区", "句容市银发课堂", "社会组织", "a@example.cn", "为老服务、技能培训"]],
    )

    assert import_rows(kind="needs", dataset=needs, user=staff_a, dry_run=False)["errors"] == []
    assert import_rows(kind="prospects", dataset=prospects, user=staff_a, dry_run=False)["errors"] == []

    need = ResidentNeed.objects.get()
    assert (
        need.category,
        need.collection_method,
        need.target_groups,
        need.residents_count,
        need.space.name,
    ) == ("elderly", "door_to_door", ["elderly", "low_income"], 25, "活动室")
    prospect = Prospect.objects.get()
    assert (prospect.kind, prospect.categories) == ("social_organization", ["elderly", "skills_training"])


def test_import_job_checks_then_imports_on_confirmation(community_a, staff_a):
    upload = SimpleUploadedFile("空间.xlsx", rows_to_xlsx(SPACE_HEADERS, GOOD_SPACES))
    job = import_job_create(kind="spaces", uploaded=upload, by=staff_a)

    job = import_job_run(job=job, confirm=False)
    assert (job.status, job.total, job.new_count, Space.objects.count()) == (ImportStatus.CHECKED, 2, 2, 0)

    assert import_job_run(job=job, confirm=True).status == ImportStatus.CHECKED  # not confirmed yet
    assert import_job_confirm(job=job, by=staff_a) is True
    job = import_job_run(job=job, confirm=True)
    assert (job.status, job.processed, Space.objects.count()) == (ImportStatus.DONE, 2, 2)
    # A second confirmation or a retried task imports nothing more.
    assert import_job_confirm(job=job, by=staff_a) is False
    assert import_job_run(job=job, confirm=True).status == ImportStatus.DONE
    assert Space.objects.count() == 2


def test_import_job_unreadable_file_fails_cleanly(staff_a):
    job = import_job_create(
        kind="spaces", uploaded=SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad"), by=staff_a
    )

    job = import_job_run(job=job, confirm=False)

    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["message"].startswith("无法读取文件")


def test_import_of_a_large_file_runs_in_worker_task(community_a, staff_a, django_capture_on_commit_callbacks):
    """Not a timing test (see benchmarks/spaces_import.py): the task path handles a large file."""
    rows = [["华阳社区", f"活动室{i}", "", "20", "", "", "", "", "", "", ""] for i in range(1000)]
    upload = SimpleUploadedFile(
        "big.csv", (",".join(SPACE_HEADERS) + "\n" + "\n".join(",".join(r) for r in rows)).encode()
    )
    job = import_job_create(kind="spaces", uploaded=upload, by=staff_a)

    from spaces.tasks import run_import_job

    run_import_job(job_id=job.pk)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, by=staff_a)  # queues the import (eager in tests)

    job.refresh_from_db()
    assert (job.status, job.new_count, Space.objects.filter(community=community_a).count()) == (
        ImportStatus.DONE,
        1000,
        1000,
    )


def test_import_header_only_file_is_an_error(staff_a):
    outcome = import_rows(kind="spaces", dataset=csv_dataset(SPACE_HEADERS, []), user=staff_a, dry_run=True)

    assert outcome["errors"] == [{"row": None, "message": "文件没有数据行。"}]


def test_need_reimport_with_number_updates_and_foreign_number_refused(community_a, community_b, staff_a):
    from tests.spaces.factories import ResidentNeedFactory

    own = ResidentNeedFactory(community=community_a, title="助餐", residents_count=10)
    other = ResidentNeedFactory(community=community_b, title="别人的需求")
    headers = ["编号", "社区", "需求", "服务类别", "收集方式", "涉及居民人数"]

    updated = import_rows(
        kind="needs",
        dataset=csv_dataset(
            headers,
            [
                [own.pk, "华阳社区", "助餐", "为老服务", "入户走访", "25"],
                ["", "华阳社区", "新需求", "便民服务", "问卷调查", "3"],
            ],
        ),
        user=staff_a,
        dry_run=False,
    )
    refused = import_rows(
        kind="needs",
        dataset=csv_dataset(headers, [[other.pk, "华阳社区", "改别人的", "为老服务", "入户走访", "1"]]),
        user=staff_a,
        dry_run=False,
    )

    assert (updated["errors"], updated["new"], updated["update"]) == ([], 1, 1)
    own.refresh_from_db()
    assert own.residents_count == 25
    assert refused["errors"] == [{"row": 2, "message": f"编号“{other.pk}”不存在，或不在您的管理范围内。"}]
    other.refresh_from_db()
    assert other.title == "别人的需求"


def test_import_progress_published_while_running(community_a, staff_a):
    from django.core.cache import cache

    from spaces.imports import import_job_progress

    rows = [["华阳社区", f"活动室{i}", "", "20", "", "", "", "", "", "", ""] for i in range(450)]
    job = import_job_create(
        kind="spaces",
        uploaded=SimpleUploadedFile(
            "p.csv", (",".join(SPACE_HEADERS) + "\n" + "\n".join(",".join(r) for r in rows)).encode()
        ),
        by=staff_a,
    )
    import_rows(
        kind="spaces",
        dataset=csv_dataset(SPACE_HEADERS, rows),
        user=staff_a,
        dry_run=True,
        progress_key=job.progress_key,
    )

    assert cache.get(job.progress_key) == 400  # published every 200 rows
    assert import_job_progress(job) == 400  # the job is still pending: live figure
    job.status, job.processed = ImportStatus.DONE, 450
    assert import_job_progress(job) == 450


def test_timeslot_import_row_without_weekday_or_date_reported(community_a, staff_a):
    SpaceFactory(community=community_a, name="活动室")
    rows = [["华阳社区", "活动室", "", "书法班", "", "", "09:00", "11:00", "", ""]]

    outcome = import_rows(
        kind="timeslots", dataset=csv_dataset(SLOT_HEADERS, rows), user=staff_a, dry_run=False
    )

    assert outcome["errors"] == [
        {"row": 2, "message": "星期：每周固定时段填写星期，单次预约填写日期，二者只填其一。"}
    ]


def test_space_import_same_name_twice_in_file_reported(community_a, staff_a):
    rows = [GOOD_SPACES[0], GOOD_SPACES[1], GOOD_SPACES[0]]

    outcome = import_rows(
        kind="spaces", dataset=csv_dataset(SPACE_HEADERS, rows), user=staff_a, dry_run=False
    )

    assert outcome["errors"] == [{"row": 4, "message": "名称：与第 2 行重复。"}]
    assert Space.objects.count() == 0
