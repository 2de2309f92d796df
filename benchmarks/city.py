"""Generate a city-sized programme in PostgreSQL, once: `make bench-city` runs it.

Usage (DATABASE_URL must point at PostgreSQL; scripts/bench_city.sh sets it):

    .venv/bin/python benchmarks/city.py [--scale 0.01] [--force]

Rows are written by `INSERT … SELECT … FROM generate_series(…)` (never Python
objects: a million service logs in Python took 14 of 22 minutes). Columns a
statement does not name take the model's own default (see `insert_select`), so
every row is what the model would save. A row in `bench_city_marker` records
the scale; a second run at the same scale skips generation.

Sizes at scale 1 (a city the size of Chengdu: 3,044 communities) are in SIZES;
the organisational levels are in LEVELS — adding a district or city level
(issue 15) means adding one entry there and its table's statement in
`levels_generate`.

Not generated yet (the pages measured do not read them): vetting checks,
roadshows and scores, committee decisions, site visits, evaluations,
observers, prospects, resident needs, uploaded files.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Rows at scale 1. Scaled counts never drop below the minimum in brackets.
SIZES = {
    "street": (50, 2),
    "community": (3_000, 4),
    "space": (30_000, 8),
    "partner": (20_000, 28),
    "call_per_street": (4, 4),  # not scaled: a street publishes a few calls a year
    "notice_per_street": (9, 9),  # 450 notices city-wide, as measured in the issue
    "service_log": (1_000_000, 100),
    "heavy_logs": (5_000, 50),  # the busiest partner's logs (its dossier PDF is timed)
    "feedback": (100_000, 20),
}

# Administrative levels, top down: (name, table, parent level). Issue 15 adds
# ("city", …) and ("district", …, "city") above "street"; street's parent then
# becomes "district" and `levels_generate` gets one statement per new level.
LEVELS = [
    ("street", "portal_street", None),
    ("community", "portal_community", "street"),
]

# How the partners are spread over the lifecycle (weights; every state present).
STATE_MIX = {
    "submitted": 3,
    "vetting": 2,
    "shortlisted": 1,
    "rejected": 2,
    "scored": 1,
    "approved": 1,
    "not_selected": 1,
    "in_notice": 1,
    "signing": 1,
    "trial": 4,
    "active": 10,
    "renewal_due": 2,
    "exited": 2,
    "withdrawn": 1,
}
SERVING = ("trial", "active", "renewal_due")
NOTICED = ("in_notice", "signing", "trial", "active", "renewal_due", "exited")
SIGNED = ("trial", "active", "renewal_due", "exited")
PASSWORD = "bench-city-password"
LOGIN_USERS = {  # username → role; each logs in once for the load driver
    "bench-street": "street_staff",
    "bench-community": "community_staff",
    "bench-reviewer": "reviewer",
    "bench-admin": "superuser",
}


def sizes(scale: float) -> dict[str, int]:
    return {name: max(minimum, round(full * scale)) for name, (full, minimum) in SIZES.items()}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def _default_sql(field, connection):
    """A column's value when a statement leaves it out: what the model would save."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now()", []
    if field.has_default():
        return "%s", [field.get_db_prep_save(field.get_default(), connection)]
    if field.null:
        return "NULL", []
    if field.blank and field.get_internal_type() in ("CharField", "TextField", "EmailField", "FileField"):
        return "''", []
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value in the statement")


def insert_select(model, columns: dict[str, str], source: str) -> int:
    """INSERT INTO model's table SELECT the given column expressions FROM source.

    `columns` maps a column name to an SQL expression; every other column gets
    the model's default (auto_now fields: now()).
    """
    from django.db import connection

    names, exprs, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in columns:
            continue  # the identity column numbers the rows
        names.append(f'"{field.column}"')
        if field.column in columns:
            exprs.append(columns[field.column].replace("%", "%%"))  # SQL modulo, not a placeholder
        else:
            sql, default_params = _default_sql(field, connection)
            exprs.append(sql)
            values += default_params
    unknown = set(columns) - {f.column for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model.__name__}: no columns {sorted(unknown)}")
    statement = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(exprs)} FROM "
        + source.replace("%", "%%")
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        return cursor.rowcount


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def marker_scale() -> float | None:
    sql(
        "CREATE TABLE IF NOT EXISTS bench_city_marker (scale float PRIMARY KEY, seconds float, made_at timestamptz)"
    )
    rows = sql("SELECT scale FROM bench_city_marker")
    return rows[0][0] if rows else None


def levels_generate(n: dict[str, int]) -> None:
    """Streets, then communities spread evenly over them (community c in street (c-1) % S + 1)."""
    from portal.models import Community, Street

    insert_select(
        Street,
        {
            "id": "g",
            "name": "'基准街道' || lpad(g::text, 3, '0')",
            "social_work_station": "'基准街道' || lpad(g::text, 3, '0') || '社工站'",
            "address": "'基准市基准路' || g || '号'",
            "contact_phone": "'0511-8' || lpad(g::text, 7, '0')",
        },
        f"generate_series(1, {n['street']}) AS g",
    )
    insert_select(
        Community,
        {
            "id": "g",
            "street_id": f"(g - 1) % {n['street']} + 1",
            "name": "'基准社区' || lpad(g::text, 5, '0')",
            "address": "'基准路' || g || '号'",
            "contact_name": "'联系人' || g",
            "contact_phone": "'1380000' || lpad((g % 10000)::text, 4, '0')",
        },
        f"generate_series(1, {n['community']}) AS g",
    )


def people_generate(n: dict[str, int]) -> None:
    """The accounts the load driver logs in with, through the real role assignment."""
    from django.contrib.auth import get_user_model

    from portal.domain import user_assign_role
    from portal.models import Community, Street

    User = get_user_model()
    street, community = Street.objects.get(pk=1), Community.objects.get(pk=1)
    for username, role in LOGIN_USERS.items():
        user = User.objects.create_user(username=username, password=PASSWORD)
        if role == "superuser":
            User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
        elif role == "street_staff":
            user_assign_role(user=user, role=role, street=street)
        elif role == "community_staff":
            user_assign_role(user=user, role=role, community=community)
        else:
            user_assign_role(user=user, role=role, street=street)


def spaces_generate(n: dict[str, int]) -> None:
    """Spaces: space s in community (s-1) % C + 1, so community c owns c, c+C, c+2C, …"""
    from spaces.models import Space

    insert_select(
        Space,
        {
            "id": "g",
            "community_id": f"(g - 1) % {n['community']} + 1",
            "name": "'活动室' || g",
            "address": "'基准路' || g || '号' || (g % 5 + 1) || '楼'",
            "area_m2": "20 + (g % 180)",
            "nature": "(ARRAY['service_centre','public_space','other'])[g % 3 + 1]",
            "occupancy": "(ARRAY['idle','semi_idle','in_use'])[g % 3 + 1]",
            "capacity": "10 + g % 50",
            "opening_hours": "'周一至周五 8:30–17:30'",
        },
        f"generate_series(1, {n['space']}) AS g",
    )


def calls_generate(n: dict[str, int]) -> None:
    from calls.models import RecruitmentCall

    per = n["call_per_street"]
    insert_select(
        RecruitmentCall,
        {
            "id": "g",
            "street_id": f"(g - 1) % {n['street']} + 1",
            "title": "'基准街道第' || ((g - 1) / " + str(n["street"]) + " + 1) || '批睦邻合伙人招募公告'",
            "body": "'面向辖区招募睦邻合伙人,提供公益服务。'",
            "eligible_kinds": """'["social_organization", "individual_or_team"]'::jsonb""",
            "opens_at": "now() - interval '1 day' * (400 - g % 300)",
            "closes_at": "now() - interval '1 day' * (400 - g % 300) + interval '30 days'",
            "contact": "'0511-80000000'",
            "status": f"CASE WHEN g > {n['street'] * (per - 1)} THEN 'published' ELSE 'closed' END",
            "published_at": "now() - interval '1 day' * (400 - g % 300)",
            "closed_at": f"CASE WHEN g > {n['street'] * (per - 1)} THEN NULL "
            "ELSE now() - interval '1 day' * (370 - g % 300) END",
        },
        f"generate_series(1, {n['street'] * per}) AS g",
    )
    # The current call of each street is open now.
    sql(
        "UPDATE calls_recruitmentcall SET opens_at = now() - interval '5 days', "
        "closes_at = now() + interval '25 days' WHERE status = 'published'"
    )


def check_digit_functions() -> None:
    """SQL twins of calls.validators' check characters, so generated numbers pass validation."""
    from calls.validators import (
        CREDIT_CODE_ALPHABET,
        CREDIT_CODE_WEIGHTS,
        ID_NUMBER_CHECKS,
        ID_NUMBER_WEIGHTS,
    )

    sql(
        "CREATE OR REPLACE FUNCTION bench_credit_code(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ "
        "SELECT t || substr(a, ((31 - s % 31) % 31)::int + 1, 1) FROM (SELECT c.a, "
        "sum((strpos(c.a, substr(t, i, 1)) - 1) * c.w[i]) AS s FROM (SELECT "
        f"'{CREDIT_CODE_ALPHABET}'::text AS a, ARRAY{CREDIT_CODE_WEIGHTS} AS w) c, "
        "generate_series(1, 17) i GROUP BY c.a) x $$"
    )
    sql(
        "CREATE OR REPLACE FUNCTION bench_id_number(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ "
        f"SELECT t || substr('{ID_NUMBER_CHECKS}', (sum(substr(t, i, 1)::int * w[i]) % 11)::int + 1, 1) "
        f"FROM (SELECT ARRAY{ID_NUMBER_WEIGHTS} AS w) c, generate_series(1, 17) i $$"
    )


def partners_generate(n: dict[str, int]) -> None:
    """Partners in every state, each with its application and the transitions that led there."""
    from calls.models import Application
    from partners.models import Partner, PartnerTransition
    from partners.workflow import TRANSITIONS, shortest_paths

    paths = shortest_paths()
    paths["exited"] = [*paths["active"], "exit"]  # shortest_paths leaves out transitions needing a reason
    mix = [state for state, weight in STATE_MIX.items() for _ in range(weight)]
    sql("DROP TABLE IF EXISTS bench_state_mix")
    sql(
        "CREATE TABLE bench_state_mix (k int PRIMARY KEY, state text, steps text[], froms text[], tos text[])"
    )
    for k, state in enumerate(mix):
        steps = list(paths[state])
        froms, tos, current = [], [], "submitted"
        for name in steps:
            froms.append(current)
            current = str(TRANSITIONS[name].target)
            tos.append(current)
        assert current == state, (state, current)
        sql("INSERT INTO bench_state_mix VALUES (%s, %s, %s, %s, %s)", [k, state, steps, froms, tos])
    check_digit_functions()
    C, S = n["community"], n["street"]
    insert_select(
        Partner,
        {
            "id": "g",
            "community_id": f"(g - 1) % {C} + 1",
            "status": "m.state",
            "composite_score": "CASE WHEN m.state IN ('scored','approved','not_selected','in_notice','signing',"
            "'trial','active','renewal_due','exited') THEN 60 + g % 40 END",
            "exit_reason": "CASE WHEN m.state = 'exited' THEN 'expired_voluntary' ELSE '' END",
            "created_at": "now() - interval '1 day' * (30 + g % 700)",
            "status_changed_at": "now() - interval '1 day' * (g % 30)",
        },
        f"generate_series(1, {n['partner']}) AS g JOIN bench_state_mix m ON m.k = g % {len(mix)}",
    )
    # The application: to the current call (the last one) of the partner's street.
    last_call = n["street"] * (n["call_per_street"] - 1)
    insert_select(
        Application,
        {
            "id": "p.id",
            "partner_id": "p.id",
            "call_id": f"{last_call} + (p.community_id - 1) % {S} + 1",
            "community_id": "p.community_id",
            "reference": "'MLHH-2025-' || lpad(p.id::text, 6, '0')",
            "kind": "CASE WHEN p.id % 5 = 0 THEN 'individual_or_team' ELSE 'social_organization' END",
            "applicant_name": "CASE WHEN p.id % 5 = 0 THEN '申请人' || p.id ELSE '邻里互助服务中心' || p.id END",
            "credit_code": "CASE WHEN p.id % 5 = 0 THEN '' "
            "ELSE bench_credit_code('91320100MA1' || lpad(p.id::text, 6, '0')) END",
            "id_number": "CASE WHEN p.id % 5 = 0 "
            "THEN bench_id_number('32010219900101' || lpad((p.id % 1000)::text, 3, '0')) ELSE '' END",
            "applicant_key": "'bench-' || p.id",
            "contact_name": "'王小明'",
            "mobile": "'138' || lpad(p.id::text, 8, '0')",
            "email": "'applicant' || p.id || '@example.cn'",
            "project_title": "(ARRAY['银龄学堂','四点半课堂','邻里议事厅','手工坊','健康小屋'])[p.id % 5 + 1]",
            "service_categories": "jsonb_build_array((ARRAY['elderly','childcare','culture_sports',"
            "'handicraft','health_fitness'])[p.id % 5 + 1])",
            "plan": "'每周开展两次公益活动,服务社区居民。'",
            "hours_per_month": "20",
            "residents_per_month": "100",
            "events_per_month": "4",
            "submitted_at": "p.created_at",
        },
        "partners_partner p",
    )
    insert_select(
        PartnerTransition,
        {
            "partner_id": "p.id",
            "transition": "s.step",
            "from_state": "m.froms[s.i]",
            "to_state": "m.tos[s.i]",
            "actor_label": "'系统'",
            "created_at": "p.created_at + interval '1 day' * (s.i * 7)",
        },
        f"partners_partner p JOIN bench_state_mix m ON m.k = p.id % {len(mix)}, "
        "unnest(m.steps) WITH ORDINALITY AS s(step, i)",
    )


def notices_generate(n: dict[str, int]) -> None:
    """Notices (9 per street, ended except the newest) and an entry for every partner past approval."""
    from notices.models import NoticeEntry, PublicNotice

    S, per = n["street"], n["notice_per_street"]
    insert_select(
        PublicNotice,
        {
            "id": "g",
            "street_id": f"(g - 1) % {S} + 1",
            "title": "'睦邻合伙人拟入选名单公示(第' || ((g - 1) / " + str(S) + " + 1) || '批)'",
            "body": "'经街道党工委会议研究,拟确定以下睦邻合伙人,现予公示。'",
            "decision_reference": "'党工委会议纪要〔2025〕' || g || '号'",
            "starts_at": f"now() - interval '1 day' * (10 * ({per} - (g - 1) / {S}))",
            "ends_at": f"now() - interval '1 day' * (10 * ({per} - (g - 1) / {S})) + interval '6 days'",
            "objection_contact": "'0511-80000000'",
            "status": "'ended'",
            "published_at": f"now() - interval '1 day' * (10 * ({per} - (g - 1) / {S}))",
            "ended_at": f"now() - interval '1 day' * (10 * ({per} - (g - 1) / {S})) + interval '6 days'",
        },
        f"generate_series(1, {S * per}) AS g",
    )
    # The street's newest notice is running: its partners are in_notice.
    sql(
        "UPDATE notices_publicnotice SET status = 'published', starts_at = now() - interval '2 days', "
        "published_at = now() - interval '2 days', ends_at = now() + interval '4 days', ended_at = NULL "
        "WHERE id > %s",
        [S * (per - 1)],
    )
    insert_select(
        NoticeEntry,
        {
            "notice_id": f"CASE WHEN p.status = 'in_notice' THEN {S * (per - 1)} + c.street_id "
            f"ELSE (p.id % {per - 1}) * {S} + c.street_id END",
            "partner_id": "p.id",
            "position": "p.id % 1000",
            "applicant_name": "a.applicant_name",
            "kind": "a.kind",
            "project_title": "a.project_title",
            "community_name": "c.name",
            "composite_score": "p.composite_score",
        },
        "partners_partner p JOIN portal_community c ON c.id = p.community_id "
        "JOIN calls_application a ON a.partner_id = p.id "
        f"WHERE p.status IN {NOTICED}",
    )


def agreements_generate(n: dict[str, int]) -> None:
    """A signed first term for every admitted partner, with its signatures and targets.

    Terms end spread over the next year, so the renewal scan has work at any date;
    renewal_due partners' terms end within two months (五(三)2).
    """
    from agreements.models import Agreement, AgreementSignature, ServiceTarget

    insert_select(
        Agreement,
        {
            "id": "p.id",
            "partner_id": "p.id",
            "community_id": "p.community_id",
            "kind": "'first'",
            "number": "'MLXY-2025-' || lpad(p.id::text, 6, '0')",
            "start_date": "(e.end_date - interval '12 months')::date",
            "end_date": "e.end_date",
            "status": "'signed'",
            "services_description": "'每月开展公益服务不少于20小时。'",
            "signed_at": "e.end_date - interval '12 months'",
        },
        "partners_partner p, LATERAL (SELECT (current_date + (CASE p.status "
        "WHEN 'renewal_due' THEN p.id % 55 + 5 WHEN 'exited' THEN -(p.id % 200) - 10 "
        "ELSE p.id % 290 + 70 END)::int)::date AS end_date) e "
        f"WHERE p.status IN {SIGNED}",
    )
    insert_select(
        AgreementSignature,
        {
            "agreement_id": "a.id",
            "party": "party",
            "signatory": "'签署人' || a.id",
            "signed_on": "a.start_date",
        },
        "agreements_agreement a, unnest(ARRAY['station','community','partner']) AS party",
    )
    insert_select(
        ServiceTarget,
        {
            "agreement_id": "a.id",
            "metric": "metric",
            "value": "CASE metric WHEN 'hours' THEN 20 ELSE 100 END",
        },
        "agreements_agreement a, unnest(ARRAY['hours','residents']) AS metric",
    )


def services_generate(n: dict[str, int]) -> None:
    """Service logs of serving partners only (in a space of their community, inside their term); feedback."""
    from services.models import Feedback, ServiceLog

    C = n["community"]
    per_community = max(1, n["space"] // C)
    sql("DROP TABLE IF EXISTS bench_serving")
    sql(
        "CREATE TABLE bench_serving AS SELECT row_number() OVER (ORDER BY p.id) AS k, p.id, p.community_id, "
        "a.id AS agreement_id, a.start_date FROM partners_partner p JOIN agreements_agreement a "
        f"ON a.partner_id = p.id WHERE p.status IN {SERVING}"
    )
    sql("ALTER TABLE bench_serving ADD PRIMARY KEY (k)")
    serving = sql("SELECT count(*) FROM bench_serving")[0][0]
    # One partner (the first serving one) carries n["heavy_logs"] logs: the dossier of a busy partner.
    heavy = min(n["heavy_logs"], n["service_log"] // 2)
    pick = f"CASE WHEN g <= {heavy} THEN 1 ELSE g % {serving} + 1 END"
    insert_select(
        ServiceLog,
        {
            "partner_id": "b.id",
            "agreement_id": "b.agreement_id",
            "space_id": f"b.community_id + {C} * (g % {per_community})",
            "date": f"LEAST(b.start_date + ((CASE WHEN g <= {heavy} THEN g ELSE g / {serving} END) % 300)::int, "
            "current_date - 1)",
            "start_time": "make_time(9 + g % 8, 0, 0)",
            "end_time": "make_time(11 + g % 8, 0, 0)",
            "hours": "2",
            "category": "(ARRAY['elderly','childcare','culture_sports','handicraft','health_fitness'])[g % 5 + 1]",
            "title": "'公益活动第' || g || '场'",
            "description": "'组织社区居民开展公益活动。'",
            "residents_served": "10 + g % 40",
            "special_group_residents": "g % 10",
            "status": "(ARRAY['verified','verified','verified','submitted','queried','rejected'])[g % 6 + 1]",
        },
        f"generate_series(1, {n['service_log']}) AS g JOIN bench_serving b ON b.k = {pick}",
    )
    insert_select(
        Feedback,
        {
            "partner_id": "b.id",
            "rating": "1 + g % 5",
            "comment": "'活动很好,希望多办几期。'",
            "status": "(ARRAY['approved','approved','pending','rejected'])[g % 4 + 1]",
            "created_at": "now() - interval '1 day' * (g % 300)",
        },
        f"generate_series(1, {n['feedback']}) AS g JOIN bench_serving b ON b.k = g % {serving} + 1",
    )


def sequences_reset() -> None:
    """Explicit ids were inserted: move each id sequence past them."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        for model in apps.get_models():
            pk = model._meta.pk
            if pk.get_internal_type() in ("AutoField", "BigAutoField"):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{pk.column}'), "
                    f"COALESCE((SELECT max({pk.column}) FROM {table}), 0) + 1, false)"
                )


STEPS = [
    levels_generate,
    people_generate,
    spaces_generate,
    calls_generate,
    partners_generate,
    notices_generate,
    agreements_generate,
    services_generate,
]


def city_generate(scale: float, *, force: bool = False, verbose: bool = True) -> dict:
    """Build the city at `scale` unless the marker says it is there; return timings per step."""
    from django.core.management import call_command
    from django.db import connection, transaction

    assert connection.vendor == "postgresql", "the city benchmark needs PostgreSQL (set DATABASE_URL)"
    call_command("migrate", verbosity=0)
    existing = marker_scale()
    if existing == scale and not force:
        if verbose:
            print(f"city at scale {scale} already generated: skipping")
        return {}
    if existing is not None:
        raise SystemExit(f"this database holds a city at scale {existing}; use a fresh database (or --force)")
    n = sizes(scale)
    timings = {}
    started = time.perf_counter()
    with transaction.atomic():
        for step in STEPS:
            t0 = time.perf_counter()
            step(n)
            timings[step.__name__] = time.perf_counter() - t0
            if verbose:
                print(f"  {step.__name__:<22} {timings[step.__name__]:7.1f} s", flush=True)
        sequences_reset()
        sql(
            "INSERT INTO bench_city_marker VALUES (%s, %s, now())",
            [scale, time.perf_counter() - started],
        )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM too, as autovacuum would have on a live site: it sets the visibility map,
        # so index-only scans (a street's COUNT(*) of service logs) skip the heap. Not in
        # a transaction (tests/test_bench_city.py), where VACUUM cannot run.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    timings["analyze"] = time.perf_counter() - t0
    # The dashboard reads summary rows; bulk inserts bypass the receivers that keep them.
    t0 = time.perf_counter()
    call_command("summaries_rebuild", verbosity=0)
    timings["summaries_rebuild"] = time.perf_counter() - t0
    if verbose:
        print(f"  {'summaries_rebuild':<22} {timings['summaries_rebuild']:7.1f} s", flush=True)
    timings["total"] = time.perf_counter() - started
    if verbose:
        print(f"city at scale {scale} generated in {timings['total']:.1f} s: {n}")
    return timings


def city_counts() -> dict[str, int]:
    tables = [
        "portal_street",
        "portal_community",
        "spaces_space",
        "calls_recruitmentcall",
        "partners_partner",
        "partners_partnertransition",
        "calls_application",
        "notices_publicnotice",
        "notices_noticeentry",
        "agreements_agreement",
        "agreements_servicetarget",
        "services_servicelog",
        "services_feedback",
    ]
    return {t: sql(f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true", help="generate even if the marker says done")
    args = parser.parse_args()
    setup_django()
    city_generate(args.scale, force=args.force)
    for table, count in city_counts().items():
        print(f"  {table:<30} {count:>10,}")


if __name__ == "__main__":
    main()
