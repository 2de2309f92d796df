"""Every admin page renders for every staff role on realistic data (the demo), never a 500.

`demo_database` (tests/conftest.py): the module runs on a copy of what `load_demo` made of an
empty database; each test rolls back.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

ROLES = ["admin", "jiedao", "shequ1", "qu", "shi"]


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


# The one page the levels above a street may save: a street's policy numbers (their approval).
LEVEL_STAFF_MAY_SAVE = {"portal.street"}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["qu", "shi"])
def test_district_and_city_staff_read_every_admin_page_and_change_nothing(demo_database, client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    saveable, addable, opened = [], [], 0
    for label, model, model_admin in admin_urls():
        opts = model._meta
        if client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code != 403:
            addable.append(label)
        request = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).wsgi_request
        if client.get(request.path).status_code != 200:
            continue
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is None:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
        html = client.get(url).content.decode()
        opened += 1
        if 'name="_save"' in html and label not in LEVEL_STAFF_MAY_SAVE:
            saveable.append(label)
        if label not in LEVEL_STAFF_MAY_SAVE and client.post(url, {}).status_code != 403:
            saveable.append(f"{label} (POST)")
    assert (saveable, addable) == ([], [])
    assert opened >= 15  # the programme's records below the district / city are there to read
