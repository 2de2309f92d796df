"""Per-street switches for what the other four policies add (issue 20).

The portal implements the 崇明 rulebook (seed 000). The programmes of seeds
001–004 add pieces a street may run beside it: 徐汇 a needs survey and
satisfaction evaluations, 晋江 monthly reports and a fund ledger, 成都 a time
bank and a neighbourhood map, 长宁 a registry of community organisations.

Each piece is a model of its own app that subclasses `StreetFeature`: one row
per street with `enabled` and the piece's numbers, and `PRESETS` saying what
each programme sets. No row means the 崇明 preset: the piece is off. A street
adopts programmes with `portal.domain.street_programmes_apply`; a piece turned
off hides its pages (`feature_required`) and keeps its records.
"""

from __future__ import annotations

import time
from typing import ClassVar, Self

from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import Role, Street
from .rules import street_scope_q, user_profile


class Programme(models.TextChoices):
    """The presets, named after the programmes they come from."""

    CHONGMING = "chongming", _("崇明睦邻合伙人（默认）")
    XUHUI = "xuhui", _("徐汇邻里汇")
    JINJIANG = "jinjiang", _("晋江共建共享")
    CHENGDU = "chengdu", _("成都社区合伙人")
    CHANGNING = "changning", _("长宁社区组织")


class StreetFeature(models.Model):
    """One piece's switch and numbers for one street.

    Subclasses name the piece (`feature_label`) and fill `PRESETS`:
    ``{Programme.CHENGDU: {"enabled": True, "points_per_hour": 1}}``. Fields
    not named by a preset keep their model default.
    """

    street = models.OneToOneField(
        "portal.Street",
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s",
        verbose_name=_("街道"),
    )
    enabled = models.BooleanField(_("启用"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    PRESETS: ClassVar[dict[str, dict]] = {}
    feature_label: ClassVar = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        state = _("启用") if self.enabled else _("未启用")
        return f"{self.street}·{self.feature_label}（{state}）"

    @classmethod
    def for_street(cls, street: Street | int | None) -> Self:
        """The street's row, or an unsaved one with the defaults (the 崇明 preset: off)."""
        street_id = getattr(street, "pk", street)
        if street_id is None:
            return cls()
        row = cls.objects.filter(street_id=street_id).first()
        return row if row is not None else cls(street_id=street_id)

    @classmethod
    def preset_values(cls, programmes: list[str]) -> dict:
        """Field values for a street running `programmes`: defaults, then each preset in turn."""
        values = {
            field.name: field.get_default()
            for field in cls._meta.concrete_fields
            if field.name not in ("id", "street", "updated_at")
        }
        for programme in programmes:
            values.update(cls.PRESETS.get(programme, {}))
        return values


def feature_models() -> list[type[StreetFeature]]:
    """Every installed piece, in app order."""
    return [model for model in apps.get_models() if issubclass(model, StreetFeature)]


def feature_enabled(model: type[StreetFeature], street: Street | int | None) -> bool:
    """Whether `street` runs the piece `model` switches."""
    street_id = getattr(street, "pk", street)
    if street_id is None:
        return False
    return model.objects.filter(street_id=street_id, enabled=True).exists()


def streets_with(model: type[StreetFeature]) -> models.QuerySet:
    """The ids of the streets that run the piece (for scoping lists and menus)."""
    return model.objects.filter(enabled=True).values("street_id")


def feature_required(model: type[StreetFeature], street: Street | int | None) -> None:
    """A page of a piece the street does not run does not exist for it (404); its records are kept."""
    if not feature_enabled(model, street):
        raise Http404(_("本街道未启用此功能。"))


def scope_runs(user, model: type[StreetFeature]) -> bool:
    """Whether some street in the user's scope runs the piece.

    Asked many times while the admin builds one page (every model's permissions of
    every piece), so one query answers for every piece at once; the answer is kept
    on the user object for the request and in the cache for the scope until a
    switch changes (`_switch_changed`), so an admin page costs no query for it.
    """
    # getattr/setattr, not __dict__: request.user is a lazy wrapper that passes them to the user.
    known = getattr(user, "_portal_scope_runs", None)
    if known is None:
        known = _pieces_run_in_scope(user)
        user._portal_scope_runs = known
    return known.get(model._meta.label, False)


PIECES_VERSION_KEY = "portal:features:version"


def _scope_key(user) -> str | None:
    """The user's scope of streets as a cache key (None: no street at all)."""
    if getattr(user, "is_superuser", False):
        return "all"
    profile = user_profile(user)
    if profile is None:
        return None
    if profile.role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF):
        street_id = profile.street_id or (profile.community.street_id if profile.community_id else None)
        return f"street:{street_id}" if street_id else None
    if profile.role == Role.DISTRICT_STAFF and profile.district_id:
        return f"district:{profile.district_id}"
    if profile.role == Role.CITY_STAFF and profile.city_id:
        return f"city:{profile.city_id}"
    return None


def _pieces_run_in_scope(user) -> dict[str, bool]:
    scope = _scope_key(user)
    if scope is None:
        return {}
    return _pieces_cached(scope, lambda: _pieces_run_by(Street.objects.filter(street_scope_q(user, ""))))


def community_runs(community_id: int | None, model: type[StreetFeature]) -> bool:
    """Whether the street of community `community_id` runs the piece (a partner's menu).

    One query answers for every piece of that community's street; cached like `scope_runs`
    until a switch changes, so a partner's pages pay nothing for their menu."""
    if community_id is None:
        return False
    found = _pieces_cached(
        f"community:{community_id}",
        lambda: _pieces_run_by(Street.objects.filter(communities__pk=community_id)),
    )
    return found.get(model._meta.label, False)


def pieces_version():
    """The version of the streets' switches: new whenever one changes, and after the cache is cleared."""
    return cache.get_or_set(PIECES_VERSION_KEY, time.time_ns, None)


def _pieces_cached(scope: str, compute) -> dict[str, bool]:
    """{piece label: runs} for `scope`, from the cache until a switch changes (or an hour)."""
    version = pieces_version()
    key = f"portal:features:{version}:{scope}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, 3600)
    return found


def _pieces_run_by(streets: models.QuerySet) -> dict[str, bool]:
    """Which pieces some street of `streets` runs, in one query: {piece label: runs}."""
    pieces = {f"piece_{i}": model for i, model in enumerate(feature_models())}
    if not pieces:
        return {}
    rows = streets.annotate(
        **{
            name: models.Exists(model.objects.filter(street_id=models.OuterRef("pk"), enabled=True))
            for name, model in pieces.items()
        }
    ).values_list(*pieces)
    found = dict.fromkeys((model._meta.label for model in pieces.values()), False)
    for row in rows:
        for (_name, model), runs in zip(pieces.items(), row, strict=True):
            found[model._meta.label] = found[model._meta.label] or runs
    return found


def _switch_changed(sender, **kwargs) -> None:
    """A street's switch was saved or deleted: every cached answer is stale (a new version)."""
    if issubclass(sender, StreetFeature):
        # A version never used before (not incr: a missing key would count as a cache failure),
        # now and again at the commit, so an answer read meanwhile is not kept under it.
        cache.set(PIECES_VERSION_KEY, time.time_ns(), None)
        transaction.on_commit(lambda: cache.set(PIECES_VERSION_KEY, time.time_ns(), None))


post_save.connect(_switch_changed, dispatch_uid="portal-features-switch-saved")
post_delete.connect(_switch_changed, dispatch_uid="portal-features-switch-deleted")
