"""The city benchmark's generator (benchmarks/city.py) writes rows the models accept.

Generated at the smallest scale: every row it writes by SQL must pass the
model's own validation and the cross-record rules the pages rely on.
"""

import pytest
from django.apps import apps
from django.db import connection

from benchmarks.city import (
    LEVELS,
    STATE_MIX,
    city_counts,
    city_generate,
    marker_scale,
    schema_fingerprint,
    sizes,
    sql,
)

pytestmark = pytest.mark.django_db

SCALE = 0.002
GENERATED = [
    "portal.City",
    "portal.District",
    "portal.Street",
    "portal.Community",
    "spaces.Space",
    "calls.RecruitmentCall",
    "partners.Partner",
    "partners.PartnerTransition",
    "calls.Application",
    "notices.PublicNotice",
    "notices.NoticeEntry",
    "agreements.Agreement",
    "agreements.AgreementSignature",
    "agreements.ServiceTarget",
    "services.ServiceLog",
    "services.Feedback",
    "spaces.TimeSlot",
]


def scalar(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


@pytest.fixture
def small_city():
    city_generate(SCALE, verbose=False)


def test_city_rows_pass_full_clean(small_city):
    for label in GENERATED:
        model = apps.get_model(label)
        rows = list(model.objects.order_by("pk"))
        assert rows, label
        sample = rows[:: max(1, len(rows) // 7)]  # spread over the ids: every CASE branch is hit
        # The partner's status is a protected FSM field (full_clean would assign it);
        # its values are checked against the workflow in the next test.
        exclude = ["status"] if label == "partners.Partner" else None
        for row in sample:
            row.full_clean(exclude=exclude)


def test_city_has_every_state_with_history_ending_in_it(small_city):
    from partners.models import Partner

    assert set(Partner.objects.values_list("status", flat=True)) == set(STATE_MIX)
    # The last transition of each partner leads to its state; submitted partners have none.
    wrong = scalar(
        "SELECT count(*) FROM partners_partner p LEFT JOIN LATERAL (SELECT to_state FROM "
        "partners_partnertransition t WHERE t.partner_id = p.id ORDER BY t.created_at DESC, t.id DESC "
        "LIMIT 1) last ON true WHERE COALESCE(last.to_state, 'submitted') <> p.status"
    )
    assert wrong == 0


def test_city_records_agree_with_each_other(small_city):
    checks = {
        "application's call in the partner's street": (
            "SELECT count(*) FROM calls_application a JOIN partners_partner p ON p.id = a.partner_id "
            "JOIN portal_community c ON c.id = p.community_id JOIN calls_recruitmentcall k ON k.id = a.call_id "
            "WHERE k.street_id <> c.street_id OR a.community_id <> p.community_id"
        ),
        "logs of serving partners only": (
            "SELECT count(*) FROM services_servicelog l JOIN partners_partner p ON p.id = l.partner_id "
            "WHERE p.status NOT IN ('trial', 'active', 'renewal_due')"
        ),
        "log's space in the partner's community, its agreement the partner's": (
            "SELECT count(*) FROM services_servicelog l JOIN partners_partner p ON p.id = l.partner_id "
            "JOIN spaces_space s ON s.id = l.space_id JOIN agreements_agreement a ON a.id = l.agreement_id "
            "WHERE s.community_id <> p.community_id OR a.partner_id <> p.id"
        ),
        "log dated inside its term, not in the future": (
            "SELECT count(*) FROM services_servicelog l JOIN agreements_agreement a ON a.id = l.agreement_id "
            "WHERE l.date < a.start_date OR l.date > a.end_date OR l.date >= current_date"
        ),
        "notice entry in the partner's street": (
            "SELECT count(*) FROM notices_noticeentry e JOIN notices_publicnotice n ON n.id = e.notice_id "
            "JOIN partners_partner p ON p.id = e.partner_id JOIN portal_community c ON c.id = p.community_id "
            "WHERE n.street_id <> c.street_id"
        ),
        "partner in notice on a running notice": (
            "SELECT count(*) FROM notices_noticeentry e JOIN notices_publicnotice n ON n.id = e.notice_id "
            "JOIN partners_partner p ON p.id = e.partner_id WHERE (p.status = 'in_notice') <> (n.status = 'published')"
        ),
    }
    broken = {name: scalar(statement) for name, statement in checks.items()}
    assert broken == {name: 0 for name in checks}


def test_city_logs_and_suggestions_are_in_every_state_in_every_street(small_city):
    """Statuses are not tied to the partner (and so to some streets only): each busy partner's
    logs are in every state, so every street's desk and filtered lists have records to show."""
    partners_statuses = scalar(
        "SELECT min(n) FROM (SELECT count(DISTINCT status) AS n FROM services_servicelog "
        "GROUP BY partner_id HAVING count(*) >= 6) per_partner"
    )
    assert partners_statuses == 4  # verified, submitted, queried, rejected
    streets_without_logs_to_verify = scalar(
        "SELECT count(*) FROM (SELECT street_id FROM services_servicelog GROUP BY street_id "
        "HAVING count(*) FILTER (WHERE status = 'submitted') = 0) s"
    )
    assert streets_without_logs_to_verify == 0
    suggestion_statuses = scalar(
        "SELECT min(n) FROM (SELECT count(DISTINCT status) AS n FROM services_feedback "
        "GROUP BY partner_id HAVING count(*) >= 4) per_partner"
    )
    assert suggestion_statuses == 3  # approved, pending, rejected


def test_city_serving_partners_use_a_room_weekly_without_overlaps(small_city):
    """Each serving partner has one weekly slot in a space of its own community, named by its
    term; no two slots of a space overlap (四(二)1 错峰使用); the dashboard counts the rooms."""
    serving = scalar(
        "SELECT count(*) FROM partners_partner WHERE status IN ('trial', 'active', 'renewal_due')"
    )
    assert scalar("SELECT count(DISTINCT partner_id) FROM spaces_timeslot") == serving
    assert scalar("SELECT count(*) FROM spaces_timeslot") == serving
    assert (
        scalar(
            "SELECT count(*) FROM spaces_timeslot t JOIN spaces_space s ON s.id = t.space_id "
            "JOIN partners_partner p ON p.id = t.partner_id WHERE s.community_id <> p.community_id"
        )
        == 0
    )
    assert (
        scalar(
            "SELECT count(*) FROM spaces_timeslot t JOIN agreements_agreement_timeslots m ON m.timeslot_id = t.id "
            "JOIN agreements_agreement a ON a.id = m.agreement_id AND a.partner_id = t.partner_id"
        )
        == serving
    )
    overlapping = scalar(
        "SELECT count(*) FROM spaces_timeslot x JOIN spaces_timeslot y ON x.space_id = y.space_id "
        "AND x.weekday = y.weekday AND x.id < y.id AND x.start_time < y.end_time AND y.start_time < x.end_time"
    )
    assert overlapping == 0
    assert scalar("SELECT sum(spaces_in_use) FROM services_communityfigures") > 0


def test_city_second_run_skips_generation(small_city):
    before = city_counts()
    assert city_generate(SCALE, verbose=False) == {}
    assert marker_scale() == SCALE
    assert city_counts() == before


def test_full_city_has_one_city_twelve_districts_fifty_streets():
    n = sizes(1)

    assert (n["city"], n["district"], n["street"]) == (1, 12, 50)
    assert [(name, parent) for name, _table, parent in LEVELS] == [
        ("city", None),
        ("district", "city"),
        ("street", "district"),
        ("community", "street"),
    ]


def test_city_streets_are_spread_over_the_districts_of_one_city(small_city):
    from portal.models import City, District, Street

    assert City.objects.count() == 1
    assert Street.objects.filter(district__isnull=True).count() == 0
    per_district = sorted(District.objects.values_list("streets__district_id", flat=True))
    assert len(set(per_district)) == District.objects.count()
    assert District.objects.exclude(city=City.objects.get()).count() == 0


def test_city_marker_records_the_schema_fingerprint(small_city):
    assert sql("SELECT schema FROM bench_city_marker")[0][0] == schema_fingerprint()


def test_fingerprint_changes_with_a_migration_or_the_generator(tmp_path):
    (tmp_path / "partners" / "migrations").mkdir(parents=True)
    (tmp_path / "benchmarks").mkdir()
    migration = tmp_path / "partners" / "migrations" / "0001_initial.py"
    migration.write_text("operations = []\n")
    (tmp_path / "benchmarks" / "city.py").write_text("STEPS = []\n")
    first = schema_fingerprint(tmp_path)

    migration.write_text("operations = ['an index']\n")
    after_migration = schema_fingerprint(tmp_path)
    (tmp_path / "benchmarks" / "city.py").write_text("STEPS = ['a column']\n")
    after_generator = schema_fingerprint(tmp_path)

    assert schema_fingerprint(tmp_path) == after_generator  # stable
    assert len({first, after_migration, after_generator}) == 3


def test_city_from_another_schema_is_dropped_and_made_again(small_city, monkeypatch):
    # A marker written under other migrations: the next run resets the schema and generates.
    sql("UPDATE bench_city_marker SET schema = 'older'")
    resets = []
    monkeypatch.setattr("benchmarks.city._schema_reset", lambda: resets.append(True) or _tables_emptied())

    timings = city_generate(SCALE, verbose=False)

    assert resets == [True]
    assert timings["total"] > 0
    assert sql("SELECT schema FROM bench_city_marker")[0][0] == schema_fingerprint()


def _tables_emptied() -> None:
    # Inside the test's transaction the schema cannot be dropped (the test database would
    # go with it); emptying the generated tables is what a fresh schema gives the generator.
    # Content types and permissions stay: other code holds their ids in memory (ContentType's cache).
    kept = {"contenttypes.contenttype", "auth.permission", "auth.group"}
    tables = [model._meta.db_table for model in apps.get_models() if model._meta.label_lower not in kept]
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # the city's deferred foreign keys, checked before TRUNCATE
    sql("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
