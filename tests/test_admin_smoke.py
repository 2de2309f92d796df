"""Every admin page renders for every staff role on realistic data (the demo), never a 500.

`demo_database` (tests/conftest.py): the module runs on a copy of what `load_demo` made of an
empty database; each test rolls back.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

ROLES = ["admin", "jiedao", "shequ1"]


def admin_urls():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield f"{opts.app_label}.{opts.model_name}", model, model_admin


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_every_admin_list_and_change_page_renders(demo_database, client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    failures = []
    assert client.get("/admin/").status_code == 200
    for label, model, _model_admin in admin_urls():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(url)
        if response.status_code not in (200, 302, 403):
            failures.append((label, "list", response.status_code))
            continue
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
            if change.status_code not in (200, 302, 403):
                failures.append((label, "change", change.status_code))
        add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        if add.status_code not in (200, 302, 403):
            failures.append((label, "add", add.status_code))
    assert failures == []
