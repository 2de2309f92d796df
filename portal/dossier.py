"""The partner's dossier (项目档案, rulebook 六(二)1): sections contributed by each app.

Each app registers a function `section(partner) -> DossierSection | None` with
`@dossier_section(order=…)`; the dossier page, PDF and ZIP render them in
order. Orders: 10 application, 20 vetting, 30 roadshow scores, 40 committee
decision, 50 notice and objections, 60 agreements, 70 service logs,
80 observations and feedback, 90 evaluations, commendations and warnings,
100 exit. The status history is always appended by the dossier itself.

Each entry names its documents (`DossierDocument`): a stored file or a
generated PDF, labelled by what it is. `dossier_archive` packs them into the
ZIP that is the dossier's archival copy (社区为合伙人建立项目档案,完整记录
申请、评估、签约、服务、考核、奖惩、退出等全过程资料, rulebook 六(二)1):
one numbered folder per section, files named by their label, and an index.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from .xlsx import rows_to_xlsx


@dataclass
class DossierDocument:
    """One file of the dossier archive, named by what it is (e.g. 营业执照, 三方协议-HY-2026-001).

    Either `file` (a stored FieldFile; the archive uses the stored name's extension,
    which is the content's sniffed type, never the client's) or `render` (a function
    returning the bytes of a generated file with `extension`).
    """

    label: str
    file: object = None
    render: Callable[[], bytes] | None = None
    original_name: str = ""
    extension: str = ".pdf"

    def suffix(self) -> str:
        if self.file is not None:
            return (
                os.path.splitext(self.file.name)[1].lower() or os.path.splitext(self.original_name)[1].lower()
            )
        return self.extension

    def read(self) -> bytes:
        if self.render is not None:
            return self.render()
        with self.file.open("rb") as handle:
            return handle.read()


@dataclass
class DossierEntry:
    when: dt.date | dt.datetime | None
    title: str
    detail: str = ""
    url: str = ""  # staff URL of the record (admin change page or staff view)
    documents: list[DossierDocument] = field(default_factory=list)  # what the ZIP holds for it
    source: str = ""  # the record in words for the archive index, e.g. "申请 MLHH-2026-000123"


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


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _safe(label: str) -> str:
    """A file or folder name from a label: path separators and reserved characters become 、."""
    return _UNSAFE.sub("、", str(label)).strip(" .、") or "文件"


def safe_filename(label: str) -> str:
    """A file or folder name from a label, for other archives built from records."""
    return _safe(label)


def _when_text(when) -> str:
    if isinstance(when, dt.datetime):
        return (
            timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(when)
            else f"{when:%Y-%m-%d %H:%M}"
        )
    return f"{when:%Y-%m-%d}" if when else ""


def dossier_archive(
    sections: list[DossierSection],
    *,
    dossier: DossierDocument,
    absolute_url: Callable[[str], str] = str,
    out: BinaryIO | None = None,
) -> bytes | None:
    """The dossier as a ZIP: the dossier PDF, one numbered folder per section, and 目录.xlsx.

    Written to `out` (a file; returns None) when given, else returned as bytes. Each document
    is read, written and dropped in turn, so memory holds one document at a time.

    Folders follow the dossier's section order (01申请与证明材料, 02资格审查, …), files
    are named by their label plus the original extension, a repeated name gets (2), (3);
    the index lists every file with its title, date and source record.
    """
    buffer = out if out is not None else io.BytesIO()
    index = []
    taken: set[str] = set()

    def unique(path: str) -> str:
        stem, ext = os.path.splitext(path)
        candidate, n = path, 1
        while candidate in taken:
            n += 1
            candidate = f"{stem}（{n}）{ext}"
        taken.add(candidate)
        return candidate

    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        name = unique(_safe(dossier.label) + dossier.suffix())
        archive.writestr(name, dossier.read())
        index.append(["", name, dossier.label, _when_text(timezone.now()), _("项目档案（本次生成）"), ""])
        for number, section in enumerate(sections, start=1):
            folder = f"{number:02d}{_safe(section.title)}"
            for entry in section.entries:
                for document in entry.documents:
                    if document.file is not None and not document.file:
                        continue
                    path = unique(f"{folder}/{_safe(document.label)}{document.suffix()}")
                    archive.writestr(path, document.read())
                    index.append(
                        [
                            folder,
                            path.split("/", 1)[1],
                            entry.title,
                            _when_text(entry.when),
                            entry.source or entry.title,
                            absolute_url(entry.url) if entry.url else "",
                        ]
                    )
        headers = [_("序号"), _("文件夹"), _("文件名"), _("标题"), _("日期"), _("来源记录"), _("记录链接")]
        rows = [[i, *row] for i, row in enumerate(index, start=1)]
        archive.writestr(unique(_("目录") + ".xlsx"), rows_to_xlsx(headers, rows, title=_("目录")))
    return None if out is not None else buffer.getvalue()
