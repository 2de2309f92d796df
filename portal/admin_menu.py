"""The admin menu of a user, built once and kept until something it depends on changes (issue 14).

Building the menu asks every registered model's admin for its permissions (about 80 models,
400 permission checks and 160 URL reversals): 35 ms of every admin page for street staff at
city scale, and twice on the desk. What the menu shows depends only on:

- who the user is: superuser and staff flags, and the profile's role and scope, read from the
  request's user, so a change shows on the user's next request;
- the Django permissions of the user and of its groups (`portal.domain.user_assign_role`
  keeps groups in step with the role), and the places a scope spans (a street moved to
  another district): a change bumps the menu version below;
- which pieces the streets run (`portal.features`, its own version);
- the language (names are sorted in it).

The built menu is kept in the web process (it holds model classes and lazy names, which
belong in memory rather than in Redis), for MENU_SECONDS at most, under a key made of all
of the above. The versions live in the shared cache: with Redis (production) every process
sees a change on its next request; with the embedded default (a cache per process) a change
made by another process shows within MENU_SECONDS. A version is bumped when the change is
made and again once it is committed, so a menu built meanwhile from the old permissions is
not kept under the new version; a cleared cache gives a new version, never an old one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from . import features
from .models import Community, District, Street
from .rules import user_profile

MENU_SECONDS = 600
MENUS_KEPT = 500
_VERSION_KEY = "portal:admin-menu:version"

_menus: OrderedDict[tuple, tuple[float, list]] = OrderedDict()
_lock = threading.Lock()


def _versions() -> tuple:
    """(menu version, features version), in one cache round trip when both exist."""
    found = cache.get_many([_VERSION_KEY, features.PIECES_VERSION_KEY])
    menu = found.get(_VERSION_KEY)
    if menu is None:
        menu = cache.get_or_set(_VERSION_KEY, time.time_ns, None)
    pieces = found.get(features.PIECES_VERSION_KEY)
    if pieces is None:
        pieces = features.pieces_version()
    return menu, pieces


def _menu_key(request) -> tuple:
    user = request.user
    profile = user_profile(user)
    who = (
        user.pk,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        (profile.role, profile.city_id, profile.district_id, profile.street_id, profile.community_id)
        if profile
        else None,
    )
    return (*_versions(), who, translation.get_language())


def admin_menu(request, build: Callable[[], list]) -> list:
    """The user's admin menu: `build()` once, then kept (see the module's docstring).

    Within one request the menu is built or fetched once (the desk asks for it twice)."""
    known = getattr(request, "_portal_admin_menu", None)
    if known is not None:
        return known
    key = _menu_key(request)
    now = time.monotonic()
    with _lock:
        kept = _menus.get(key)
        if kept is not None and kept[0] > now:
            _menus.move_to_end(key)
            menu = kept[1]
        else:
            menu = None
    if menu is None:
        menu = build()
        with _lock:
            _menus[key] = (now + MENU_SECONDS, menu)
            _menus.move_to_end(key)
            while len(_menus) > MENUS_KEPT:
                _menus.popitem(last=False)
    request._portal_admin_menu = menu
    return menu


def _bump() -> None:
    cache.set(_VERSION_KEY, time.time_ns(), None)


def menu_inputs_changed(**kwargs) -> None:
    """Permissions or a place changed: every kept menu is stale (a version never used), now and
    again at the commit (see the module's docstring)."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: only once the rows changed
    _bump()
    transaction.on_commit(_bump)


def connect_signals() -> None:
    """Called from PortalConfig.ready(), so that every process that changes roles bumps the version."""
    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            menu_inputs_changed, sender=through, dispatch_uid=f"admin-menu-{through._meta.label}"
        )
    # Groups and permissions themselves; and the places a district's or city's scope spans.
    for model in (Group, Permission, Community, Street, District):
        post_save.connect(
            menu_inputs_changed, sender=model, dispatch_uid=f"admin-menu-save-{model._meta.label}"
        )
        post_delete.connect(
            menu_inputs_changed, sender=model, dispatch_uid=f"admin-menu-del-{model._meta.label}"
        )
