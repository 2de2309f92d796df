"""The migrations match the models, and each project app has one initial migration."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

PROJECT_APPS = [
    "portal",
    "partners",
    "spaces",
    "calls",
    "notices",
    "reviews",
    "agreements",
    "services",
    "timebank",
    "surveys",
]


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    # Exits with status 1 (SystemExit) and names the missing migration when a model changed.
    call_command("makemigrations", "--check", "--dry-run", verbosity=1)


@pytest.mark.parametrize("label", PROJECT_APPS)
def test_app_has_exactly_one_initial_migration(label):
    folder = Path(apps.get_app_config(label).path) / "migrations"
    migrations = sorted(p.name for p in folder.glob("*.py") if p.name != "__init__.py")

    assert migrations == ["0001_initial.py"]
    assert not any("merge" in name for name in migrations)
