"""The partner's dossier (项目档案, rulebook 六(二)1): sections contributed by each app.

Each app registers a function `section(partner) -> DossierSection | None` with
`@dossier_section(order=…)`; the dossier page, PDF and ZIP render them in
order. Orders: 10 application, 20 vetting, 30 roadshow scores, 40 committee
decision, 50 notice and objections, 60 agreements, 70 service logs,
80 observations and feedback, 90 evaluations, commendations and warnings,
100 exit. The status history is always appended by the dossier itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DossierEntry:
    when: dt.date | dt.datetime | None
    title: str
    detail: str = ""
    url: str = ""  # staff URL of the record (admin change page or staff view)
    files: list = field(default_factory=list)  # FieldFile objects to include in the ZIP


@dataclass
class DossierSection:
    key: str
    title: str
    entries: list[DossierEntry]


_sections: list[tuple[int, Callable]] = []


def dossier_section(*, order: int):
    def register(func):
        _sections.append((order, func))
        _sections.sort(key=lambda item: item[0])
        return func

    return register


def dossier_sections(partner) -> list[DossierSection]:
    result = []
    for _order, func in _sections:
        section = func(partner)
        if section is not None:
            result.append(section)
    return result
