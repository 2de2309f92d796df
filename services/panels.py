"""Tables that apps above services add to the dashboard (issue 20: the other programmes' figures).

The dashboard (services.views.dashboard) shows what the 崇明 rulebook counts; a
piece of another programme (徐汇's satisfaction evaluation, …) adds its own
table for the same level and period by registering a function with
`@dashboard_panel(order=…)`. The function takes the dashboard's figures
(level, street, community: services.stats.dashboard_figures) and the period,
and returns a `DashboardPanel`, or None when it has nothing to show there (its
feature off in every street shown). Each panel costs a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DashboardPanel:
    key: str
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    empty: str = ""


_panels: list[tuple[int, Callable]] = []


def dashboard_panel(*, order: int):
    def register(func):
        _panels.append((order, func))
        _panels.sort(key=lambda item: item[0])
        return func

    return register


def dashboard_panels(
    *, user, figures: dict, start: dt.date | None = None, end: dt.date | None = None
) -> list[DashboardPanel]:
    found = []
    for _order, func in _panels:
        panel = func(user=user, figures=figures, start=start, end=end)
        if panel is not None:
            found.append(panel)
    return found
