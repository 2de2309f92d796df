"""Time a 10,000-row space import (the Celery path's work) and print the figures.

Usage (any configured database; nothing is left behind, everything runs in a
transaction that is rolled back):

    .venv/bin/python benchmarks/spaces_import.py [--rows 10000] [--format xlsx|csv]

Use DATABASE_URL to point at PostgreSQL; the default settings use SQLite.
Not a unit test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

HEADERS = [
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


class Rollback(Exception):
    pass


def build_file(rows: int, file_format: str, community: str) -> bytes:
    data = [
        [
            community,
            f"基准活动室{i:05d}",
            f"基准路{i}号",
            f"{20 + i % 80}.5",
            "党群服务中心内阵地",
            "闲置",
            "是",
            "是",
            "否",
            30,
            "周一至周五 8:30–17:30",
        ]
        for i in range(rows)
    ]
    if file_format == "csv":
        lines = [",".join(HEADERS)] + [",".join(str(v) for v in row) for row in data]
        return ("\n".join(lines) + "\n").encode("utf-8-sig")
    from portal.xlsx import rows_to_xlsx

    return rows_to_xlsx(HEADERS, data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()

    from django.contrib.auth import get_user_model

    from portal.domain import user_assign_role
    from portal.models import Community, Role, Street
    from spaces.imports import import_rows, load_dataset
    from spaces.models import Space

    figures = {}
    try:
        with transaction.atomic():
            street = Street.objects.create(name="基准测试街道")
            community = Community.objects.create(street=street, name="基准测试社区")
            user = get_user_model().objects.create(username="benchmark-import", is_staff=True)
            user_assign_role(user=user, role=Role.COMMUNITY_STAFF, community=community)

            started = time.perf_counter()
            payload = build_file(args.rows, args.format, community.name)
            figures["build file"] = time.perf_counter() - started

            started = time.perf_counter()
            dataset = load_dataset(payload, args.format)
            figures["read file"] = time.perf_counter() - started

            started = time.perf_counter()
            check = import_rows(kind="spaces", dataset=dataset, user=user, dry_run=True)
            figures["check (dry run)"] = time.perf_counter() - started
            assert not check["errors"], check["errors"][:3]

            dataset = load_dataset(payload, args.format)
            started = time.perf_counter()
            done = import_rows(kind="spaces", dataset=dataset, user=user, dry_run=False)
            figures["import"] = time.perf_counter() - started
            assert not done["errors"], done["errors"][:3]
            saved = Space.objects.filter(community=community).count()
            raise Rollback
    except Rollback:
        pass

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"spaces import benchmark · {args.rows} rows · {args.format.upper()} · "
        f"{connection.vendor} · {len(payload) / 1024:.0f} KB file"
    )
    for name, seconds in figures.items():
        print(f"  {name:<16} {seconds:7.2f} s")
    print(f"  {'rows/s (import)':<16} {args.rows / figures['import']:7.0f}")
    print(f"  {'rows saved':<16} {saved:7d}  (rolled back afterwards)")
    print(f"  {'peak RSS':<16} {peak_mb:7.0f} MB")


if __name__ == "__main__":
    main()
