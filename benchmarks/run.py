"""Run every benchmark in this folder against a fresh throw-away database and print figures.

Usage: make bench   (or: .venv/bin/python benchmarks/run.py [name ...])

Each module `benchmarks/<name>.py` defines `run() -> list[tuple[str, float, str]]`
(label, value, unit). Figures and ratios are printed; nothing is asserted:
speed and memory targets are read here, not enforced by timed unit tests.
"""

import importlib
import os
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(names):
    tmp = tempfile.mkdtemp(prefix="mulin-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("PORTAL_VAR_DIR", tmp)
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("RATELIMIT_ENABLE", "false")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    modules = names or sorted(
        m.name
        for m in pkgutil.iter_modules([str(ROOT / "benchmarks")])
        if m.name != "run" and not m.name.startswith("city")  # city*: make bench-city
    )
    for name in modules:
        source = (ROOT / "benchmarks" / f"{name}.py").read_text()
        if "\ndef run(" not in source:
            # A standalone script with its own options: run it as it is.
            print(f"\n== {name} (standalone)")
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / f"{name}.py")], check=False)
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n== {name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        for label, value, unit in module.run():
            print(f"  {label:<48} {value:>12.2f} {unit}")


if __name__ == "__main__":
    main(sys.argv[1:])
