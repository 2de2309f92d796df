"""Panels the apps above add to a partner's public page, without the page knowing them (issue 20).

An app registers `panel(partner) -> PublicPanel | None` with `@public_panel(order=…)`;
the partner page (services) renders the panels inside its cached fragment, so each
app must bump the partner's page scope (portal.cache) when what its panel shows
changes. Panels show public figures only, never personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PublicPanel:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    note: str = ""
    url: str = ""  # a page with more detail


_panels: list[tuple[int, Callable]] = []


def public_panel(*, order: int):
    def register(func):
        _panels.append((order, func))
        _panels.sort(key=lambda item: item[0])
        return func

    return register


def partner_public_panels(partner) -> list[PublicPanel]:
    return [panel for _order, func in _panels if (panel := func(partner)) is not None]
