"""The dashboard's summary rows: kept equal to the source records, rebuilt, read at a constant cost."""

import datetime as dt
import io
from decimal import Decimal

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner, PartnerStatus
from portal.models import Community, Street
from services import domain
from services.models import (
    CommunityFigures,
    CommunityMonthFigures,
    Feedback,
    FeedbackStatus,
    LogStatus,
    ServiceLog,
    StreetMonthFigures,
)
from services.summaries import communities_refresh, community_months_refresh, summaries_rebuild
from spaces.models import ResidentNeed
from tests.factories import CommunityFactory, SpaceFactory, StreetFactory, UserFactory, street_staff

from .factories import make_log, serving_partner, weekly_slot

pytestmark = pytest.mark.django_db

MONTH_COLUMNS = ["hours", "residents", "events", "feedback_count", "rating_sum"]


def snapshot() -> dict:
    """Every summary row, as plain values (what the incremental path and the rebuild must agree on)."""
    return {
        "community_months": sorted(
            CommunityMonthFigures.objects.values_list("community_id", "street_id", "month", *MONTH_COLUMNS)
        ),
        "street_months": sorted(StreetMonthFigures.objects.values_list("street_id", "month", *MONTH_COLUMNS)),
        "communities": sorted(
            CommunityFigures.objects.values_list(
                "community_id",
                "street_id",
                "partners_by_status",
                "spaces_total",
                "spaces_in_use",
                "needs_total",
                "needs_covered",
            )
        ),
    }


def source_months() -> list:
    """(community, month) figures recomputed straight from the logs and feedback, the slow way."""
    found = {}
    for log in ServiceLog.objects.filter(status=LogStatus.VERIFIED).select_related("partner"):
        row = found.setdefault(
            (log.partner.community_id, log.date.replace(day=1)), [Decimal("0"), 0, 0, 0, 0]
        )
        row[0] += log.hours
        row[1] += log.residents_served
        row[2] += 1
    for feedback in Feedback.objects.filter(status=FeedbackStatus.APPROVED).select_related("partner"):
        month = timezone.localtime(feedback.created_at).date().replace(day=1)
        row = found.setdefault((feedback.partner.community_id, month), [Decimal("0"), 0, 0, 0, 0])
        row[3] += 1
        row[4] += feedback.rating
    return sorted((cid, month, *values) for (cid, month), values in found.items())


def summary_months() -> list:
    return sorted(CommunityMonthFigures.objects.values_list("community_id", "month", *MONTH_COLUMNS))


@pytest.fixture
def city():
    """Two streets; street one has partners A (trial) and B (active) in two communities."""
    a, a_agreement, a_space = serving_partner("trial")
    b, b_agreement, b_space = serving_partner("active", community__street=a.community.street)
    other, other_agreement, other_space = serving_partner("active")
    return {
        "a": (a, a_agreement, a_space),
        "b": (b, b_agreement, b_space),
        "other": (other, other_agreement, other_space),
        "staff": street_staff(street=a.community.street),
        "other_staff": street_staff(street=other.community.street),
        "admin": UserFactory(username="city-admin", is_superuser=True, is_staff=True),
    }


def test_summary_follows_domain_actions_and_equals_the_rebuild(city):
    a, a_agreement, a_space = city["a"]
    b, b_agreement, b_space = city["b"]
    staff = city["staff"]

    submitted = [
        make_log(a, a_agreement, a_space, date=day, status=LogStatus.SUBMITTED, residents=n)
        for day, n in [(dt.date(2026, 2, 28), 7), (dt.date(2026, 3, 1), 11), (dt.date(2026, 3, 2), 13)]
    ]
    assert CommunityMonthFigures.objects.count() == 0  # nothing verified yet: nothing counted

    domain.servicelog_review(log=submitted[0], decision=LogStatus.VERIFIED, by=staff)
    domain.servicelog_review(log=submitted[1], decision=LogStatus.VERIFIED, by=staff)
    domain.servicelog_review(log=submitted[2], decision=LogStatus.REJECTED, note="照片与活动不符", by=staff)
    feedback = domain.feedback_submit(partner=b, rating=4, comment="很好")
    assert summary_months() == source_months()  # pending feedback does not count
    domain.feedback_moderate(feedback=feedback, approve=True, by=staff)
    rejected = domain.feedback_submit(partner=b, rating=1, comment="广告")
    domain.feedback_moderate(feedback=rejected, approve=False, note="广告", by=staff)
    make_log(b, b_agreement, b_space, date=dt.date(2026, 3, 4), residents=20)

    feb, mar = dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    assert CommunityMonthFigures.objects.get(community=a.community, month=feb).residents == 7
    assert (
        CommunityMonthFigures.objects.get(community=a.community, month=mar).residents == 11
    )  # rejected: out
    street_mar = StreetMonthFigures.objects.get(street=a.community.street, month=mar)
    assert (street_mar.residents, street_mar.events, street_mar.hours) == (31, 2, Decimal("4.00"))
    assert summary_months() == source_months()

    # A partner transition (exit) changes the stage counts; its past services stay counted.
    domain.partner_exit(
        partner=a,
        reason="force_majeure",
        note="拆迁",
        handover_note="已交还",
        exit_date=dt.date(2026, 3, 10),
        by=staff,
    )
    assert CommunityFigures.objects.get(community=a.community).partners_by_status == {PartnerStatus.EXITED: 1}
    # A partner moved to another community (an admin edit) takes its services with it.
    new_home = CommunityFactory(street=b.community.street)
    old_home = b.community
    moved = Partner.objects.get(pk=b.pk)
    moved.community = new_home
    moved.save()
    assert not CommunityMonthFigures.objects.filter(community=old_home).exists()
    assert CommunityMonthFigures.objects.get(community=new_home, month=mar).residents == 20
    assert CommunityFigures.objects.get(community=old_home).partners_by_status == {}

    incremental = snapshot()
    counts = summaries_rebuild()

    assert snapshot() == incremental
    assert summary_months() == source_months()
    assert counts["community_months"] == len(incremental["community_months"])


def test_spaces_in_use_and_needs_covered_follow_their_records(city):
    a, _agreement, a_space = city["a"]
    today = timezone.localdate()
    figures = CommunityFigures.objects.get(community=a.community)
    assert (figures.spaces_total, figures.spaces_in_use) == (1, 0)

    weekly_slot(a, a_space, today.weekday())
    SpaceFactory(community=a.community)
    need = ResidentNeed.objects.create(
        community=a.community, title="老人想学用手机", category="elderly", collection_method="door_to_door"
    )
    figures.refresh_from_db()
    assert (figures.spaces_total, figures.spaces_in_use, figures.needs_total, figures.needs_covered) == (
        2,
        1,
        1,
        0,
    )

    a.application.call.needs.add(need)  # the call A answered listed it: covered

    figures.refresh_from_db()
    assert (figures.needs_total, figures.needs_covered) == (1, 1)
    incremental = snapshot()
    summaries_rebuild()
    assert snapshot() == incremental


def test_feedback_counts_in_the_local_month_it_was_given(city):
    b, _agreement, _space = city["b"]
    feedback = Feedback.objects.create(partner=b, rating=5, comment="好", status=FeedbackStatus.APPROVED)
    # 16:00 UTC on 28 Feb is midnight on 1 Mar in Shanghai; one second earlier is still February.
    for moment, month in [
        (dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC), dt.date(2026, 3, 1)),
        (dt.datetime(2026, 2, 28, 15, 59, 59, tzinfo=dt.UTC), dt.date(2026, 2, 1)),
    ]:
        Feedback.objects.filter(pk=feedback.pk).update(created_at=moment)
        summaries_rebuild()
        assert list(CommunityMonthFigures.objects.values_list("month", "feedback_count", "rating_sum")) == [
            (month, 1, 5)
        ]


def test_community_moved_to_another_street_takes_its_rows(city):
    a, a_agreement, a_space = city["a"]
    other_street = city["other"][0].community.street
    make_log(a, a_agreement, a_space, date=dt.date(2026, 3, 3), residents=9)
    community = Community.objects.get(pk=a.community_id)
    old_street = community.street

    community.street = other_street
    community.save()

    assert not StreetMonthFigures.objects.filter(street=old_street).exists()
    assert StreetMonthFigures.objects.get(street=other_street, month=dt.date(2026, 3, 1)).residents == 9
    incremental = snapshot()
    summaries_rebuild()
    assert snapshot() == incremental


def test_rebuild_command_equals_the_incremental_rows(city):
    a, a_agreement, a_space = city["a"]
    make_log(a, a_agreement, a_space, date=dt.date(2026, 3, 3))
    incremental = snapshot()
    CommunityMonthFigures.objects.all().delete()
    out = io.StringIO()

    call_command("summaries_rebuild", stdout=out)

    assert snapshot() == incremental
    assert "summaries rebuilt" in out.getvalue()


def test_nightly_task_rebuilds_and_is_scheduled(city):
    from config.celery import app
    from services.tasks import rebuild_summaries

    CommunityFigures.objects.all().delete()
    assert rebuild_summaries()["communities"] == Community.objects.count()
    assert CommunityFigures.objects.count() == Community.objects.count()
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "services.tasks.rebuild_summaries" in schedule


# --- The page ------------------------------------------------------------------------


def test_superuser_sees_one_row_per_street_with_drill_down(client, city):
    a, a_agreement, a_space = city["a"]
    other, other_agreement, other_space = city["other"]
    make_log(a, a_agreement, a_space, date=dt.date(2026, 3, 3), residents=12)
    make_log(other, other_agreement, other_space, date=dt.date(2026, 3, 5), residents=30)
    client.force_login(city["admin"])

    response = client.get(reverse("services:dashboard"))

    figures = response.context["figures"]
    assert figures["level"] == "city"
    street, other_street = a.community.street, other.community.street
    assert sorted((u.name, u.residents, u.events) for u in figures["units"]) == sorted(
        [(street.name, 12, 1), (other_street.name, 30, 1)]
    )
    assert figures["monthly"] == [
        {"month": "2026-03", "hours": Decimal("4.00"), "residents": 42, "events": 2}
    ]
    html = response.content.decode()
    assert f'href="?street={street.pk}"' in html
    assert a.community.name not in html  # communities are one click down, not listed city-wide

    response = client.get(reverse("services:dashboard"), {"street": street.pk})
    figures = response.context["figures"]
    assert (figures["level"], figures["street"]) == ("street", street)
    assert {u.name: u.residents for u in figures["units"]} == {
        a.community.name: 12,
        city["b"][0].community.name: 0,
    }
    assert f"street={street.pk}&amp;community={a.community_id}" in response.content.decode()

    response = client.get(reverse("services:dashboard"), {"street": street.pk, "community": a.community_id})
    figures = response.context["figures"]
    assert (figures["level"], [u.name for u in figures["units"]]) == ("community", [a.community.name])
    assert figures["stage_rows"] == [(a.community.name, [1])]


def test_street_staff_cannot_reach_another_street(client, city):
    other = city["other"][0]
    client.force_login(city["staff"])
    response = client.get(reverse("services:dashboard"), {"street": other.community.street_id})
    assert response.context["figures"]["street"] == city["a"][0].community.street  # the field is not theirs
    response = client.get(reverse("services:dashboard"), {"community": other.community_id})
    assert response.context["form"].errors["community"]
    assert response.context["figures"]["level"] == "street"


def test_month_filter_counts_whole_months_at_the_boundary(client, city):
    a, a_agreement, a_space = city["a"]
    for day in [dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1)]:
        make_log(a, a_agreement, a_space, date=day)
    client.force_login(city["staff"])

    for params, expected in [
        ({"start": "2026-03", "end": "2026-03"}, [("2026-03", 2)]),
        ({"start": "2026-03-15", "end": "2026-03-15"}, [("2026-03", 2)]),  # a date means its whole month
        ({"start": "2026-02", "end": "2026-03"}, [("2026-02", 1), ("2026-03", 2)]),
        ({"start": "2026-04"}, [("2026-04", 1)]),
        ({"end": "2026-02"}, [("2026-02", 1)]),
    ]:
        monthly = client.get(reverse("services:dashboard"), params).context["figures"]["monthly"]
        assert [(m["month"], m["events"]) for m in monthly] == expected

    response = client.get(reverse("services:dashboard"), {"start": "2026-04", "end": "2026-03"})
    assert response.context["form"].errors["end"] == ["截止月份不能早于起始月份。"]
    assert len(response.context["figures"]["monthly"]) == 3  # the bad period is ignored, nothing lost


@pytest.mark.parametrize("extra", [0, 3])
def test_city_dashboard_query_count_does_not_grow(client, city, extra, django_assert_num_queries):
    a, a_agreement, a_space = city["a"]
    for i in range(extra):
        partner, agreement, space = serving_partner("active", community__street=StreetFactory())
        make_log(partner, agreement, space, date=dt.date(2026, 2, 1 + i))
        make_log(a, a_agreement, a_space, date=dt.date(2026, 1, 1 + i))
    client.force_login(city["admin"])
    # +1: the satisfaction panel (issue 20, surveys.dashboard), one grouped query at any size.
    with django_assert_num_queries(8 + 1):
        response = client.get(reverse("services:dashboard"))
    assert len(response.context["figures"]["units"]) == 2 + extra


@pytest.mark.parametrize("extra", [0, 3])
def test_street_dashboard_query_count_does_not_grow(client, city, extra, django_assert_num_queries):
    a, a_agreement, a_space = city["a"]
    for i in range(extra):
        partner, agreement, space = serving_partner("active", community__street=a.community.street)
        make_log(partner, agreement, space, date=dt.date(2026, 2, 1 + i))
    client.force_login(city["admin"])
    # +1: the satisfaction panel (issue 20, surveys.dashboard), one grouped query at any size.
    with django_assert_num_queries(10 + 1):
        response = client.get(reverse("services:dashboard"), {"street": a.community.street_id})
    assert len(response.context["figures"]["units"]) == 2 + extra


def test_street_rows_paginate_at_fifty(client, city):
    street = city["a"][0].community.street
    for _ in range(49):  # 2 communities with partners + 49 with a space each = 51 rows
        SpaceFactory(community=CommunityFactory(street=street))
    client.force_login(city["staff"])

    first = client.get(reverse("services:dashboard"))
    second = client.get(reverse("services:dashboard"), {"page": 2})

    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 1)
    assert first.context["figures"]["spaces"]["total"] == 51  # totals cover every page


def test_page_figures_match_the_source_records(client, city):
    a, a_agreement, a_space = city["a"]
    b, b_agreement, b_space = city["b"]
    make_log(a, a_agreement, a_space, date=dt.date(2026, 3, 3), residents=12)
    make_log(b, b_agreement, b_space, date=dt.date(2026, 3, 4), residents=8, status=LogStatus.SUBMITTED)
    Feedback.objects.create(partner=b, rating=3, comment="一般", status=FeedbackStatus.APPROVED)
    Feedback.objects.create(partner=b, rating=5, comment="好", status=FeedbackStatus.APPROVED)
    client.force_login(city["staff"])

    figures = client.get(reverse("services:dashboard")).context["figures"]

    street = a.community.street
    logs = ServiceLog.objects.filter(status=LogStatus.VERIFIED, partner__community__street=street)
    by_month = logs.aggregate(hours=Sum("hours"), residents=Sum("residents_served"), events=Count("id"))
    assert figures["monthly"] == [{"month": "2026-03", **by_month}]
    assert figures["satisfaction"] == {"avg": Decimal("4.00"), "n": 2}
    statuses = dict(
        Partner.objects.filter(community__street=street).values_list("status").annotate(n=Count("id"))
    )
    assert dict(zip([v for v, _l in figures["stages"]], figures["stage_totals"], strict=True)) == statuses


def test_csv_has_the_comparison_rows(client, city):
    a, a_agreement, a_space = city["a"]
    make_log(a, a_agreement, a_space, date=dt.date(2026, 3, 3), residents=12)
    client.force_login(city["admin"])

    text = client.get(reverse("services:dashboard_csv")).content.decode()

    assert "2026-03,2.00,12,1" in text
    assert f"{a.community.street.name},2.00,12,1," in text


# --- Many writes, one recompute (portal.batching) ---------------------------------


def test_imported_spaces_needs_and_slots_count_at_once_and_equal_the_rebuild(city):
    """Bulk imports send no post_save: the import says what it wrote, in its own transaction."""
    from portal.xlsx import rows_to_xlsx
    from spaces.imports import import_rows, load_dataset

    a, _agreement, a_space = city["a"]
    community = a.community
    headers = ["社区", "名称", "楼栋/房间及地址", "面积（㎡）", "性质", "使用状态"]
    rows = [[community.name, f"导入活动室{i}", "一楼", "30", "党群服务中心内阵地", "闲置"] for i in range(3)]
    outcome = import_rows(
        kind="spaces",
        dataset=load_dataset(rows_to_xlsx(headers, rows), "xlsx"),
        user=city["staff"],
        dry_run=False,
    )
    assert outcome["errors"] == []
    assert CommunityFigures.objects.get(community=community).spaces_total == 4

    needs = [[community.name, f"老人想学用智能手机{i}", "为老服务", "入户走访"] for i in range(2)]
    outcome = import_rows(
        kind="needs",
        dataset=load_dataset(rows_to_xlsx(["社区", "需求", "服务类别", "收集方式"], needs), "xlsx"),
        user=city["staff"],
        dry_run=False,
    )
    assert outcome["errors"] == [], outcome["errors"]
    assert CommunityFigures.objects.get(community=community).needs_total == 2

    incremental = snapshot()
    summaries_rebuild()
    assert snapshot() == incremental


def test_a_dry_run_import_leaves_the_figures_as_they_were(city):
    from portal.xlsx import rows_to_xlsx
    from spaces.imports import import_rows, load_dataset

    a, _agreement, _space = city["a"]
    headers = ["社区", "名称", "楼栋/房间及地址", "面积（㎡）", "性质", "使用状态"]
    rows = [[a.community.name, "试导入活动室", "一楼", "30", "党群服务中心内阵地", "闲置"]]
    import_rows(
        kind="spaces",
        dataset=load_dataset(rows_to_xlsx(headers, rows), "xlsx"),
        user=city["staff"],
        dry_run=True,
    )
    assert CommunityFigures.objects.get(community=a.community).spaces_total == 1


def test_a_partner_update_that_changes_no_count_does_not_recompute(city, django_assert_num_queries):
    a, _agreement, _space = city["a"]
    partner = Partner.objects.select_related("community").get(pk=a.pk)  # the public cache reads its street
    before = snapshot()
    with django_assert_num_queries(1):  # the UPDATE only
        partner.save(update_fields=["status"])
    assert snapshot() == before


def test_writes_in_a_coalesced_block_recompute_once_at_its_end(city):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from portal.batching import coalesced

    a, _agreement, _space = city["a"]

    def add_spaces(n):
        with CaptureQueriesContext(connection) as queries, transaction.atomic(), coalesced():
            for _ in range(n):
                SpaceFactory(community=a.community)
        return len(queries)

    one, five = add_spaces(1), add_spaces(5)
    # Each space is one INSERT (and the factory's own reads); the recompute happens once.
    assert five - one <= 4 * 3
    assert CommunityFigures.objects.get(community=a.community).spaces_total == 7
    incremental = snapshot()
    summaries_rebuild()
    assert snapshot() == incremental


def test_a_failed_coalesced_block_drops_its_deferred_work(city):
    from django.db import transaction

    from portal.batching import coalesced

    a, _agreement, _space = city["a"]
    with pytest.raises(RuntimeError), transaction.atomic(), coalesced():
        SpaceFactory(community=a.community)
        raise RuntimeError("boom")
    assert CommunityFigures.objects.get(community=a.community).spaces_total == 1


def _street_locked_elsewhere(street_id: int) -> bool:
    """Whether another connection finds the street's row locked (FOR UPDATE NOWAIT refused)."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Street._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT", [street_id]
            )
        return False
    except psycopg2.errors.LockNotAvailable:
        return True
    finally:
        other.rollback()
        other.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("refresh", ["communities", "months"])
def test_a_refresh_holds_its_streets_until_its_transaction_ends(refresh):
    """Two transactions never sum each other's stale rows: a refresh locks the streets of the
    communities it recomputes (and no other) until the transaction that runs it ends."""
    community, other = CommunityFactory(), CommunityFactory()

    with transaction.atomic():
        if refresh == "communities":
            communities_refresh(community_ids=[community.pk])
        else:
            community_months_refresh(keys=[(community.pk, timezone.localdate())])
        assert _street_locked_elsewhere(community.street_id)
        assert not _street_locked_elsewhere(other.street_id)

    assert not _street_locked_elsewhere(community.street_id)
