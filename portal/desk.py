"""The staff desk (待办): what is waiting on this person, from every app, ordered by deadline.

Each app registers a provider `items(user) -> list[DeskItem]` with `@desk_provider(order=…)`
(imported from its AppConfig.ready(), like the dossier sections), so portal never imports
upwards. A provider answers with a constant number of queries whatever the number of
records (an aggregate: the count and the earliest due date), and only items with a count
are shown. Orders follow the flow: 10 recruitment, 20 vetting, 30 roadshow, 40 notice
(45 filings), 50 agreements, 60 services, 70 evaluation, 80 renewal and exit.

Any app may add items, including the programme apps above services (surveys, reports,
timebank, organisations, …): put a `desk.py` in the app with a provider decorated with
`@desk_provider(order=…)` (90 and up for programme features, or the stage it belongs to),
and import it from the app's AppConfig.ready(). The provider decides who sees its items
(return [] for anyone else; a programme switched off for a street: no items for its staff)
and links to pages the person may open. Registering the same function again (a module
imported twice) replaces it rather than listing it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class DeskItem:
    """One line of the desk: how many records wait, where they are, by when."""

    label: str
    count: int
    url: str
    due: dt.date | None = None
    order: int = 0

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


_providers: list[tuple[int, Callable]] = []


def _key(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def desk_provider(*, order: int):
    """Register `items(user) -> list[DeskItem]` for the desk, at `order` in the flow."""

    def register(func):
        _providers[:] = [(o, f) for o, f in _providers if _key(f) != _key(func)]
        _providers.append((order, func))
        _providers.sort(key=lambda item: item[0])
        return func

    return register


def desk_providers() -> list[tuple[int, Callable]]:
    """The registered providers, in flow order (for tests and the architecture check)."""
    return list(_providers)


def as_date(value) -> dt.date | None:
    """A due date from an aggregate (a date, an aware datetime, or None)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def desk_items(user) -> list[DeskItem]:
    """Everything waiting on `user` with a count, earliest deadline first (none last)."""
    items: list[DeskItem] = []
    for order, provider in _providers:
        for item in provider(user):
            if item.count:
                items.append(
                    DeskItem(label=item.label, count=item.count, url=item.url, due=item.due, order=order)
                )
    return sorted(items, key=lambda i: (i.due is None, i.due or dt.date.max, i.order))
