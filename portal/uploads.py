"""Private uploads: content-sniffed, size-limited, stored outside the web root.

Documents hold ID cards and business licences, so nothing here is ever
served by URL alone: apps serve files through `serve_private_file` after
their own permission check.
"""

from __future__ import annotations

import os
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Allowed kinds by sniffed extension → human label.
DOCUMENT_KINDS = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG", "docx": "DOCX", "xlsx": "XLSX"}
IMAGE_KINDS = {"jpg": "JPEG", "png": "PNG"}
VIDEO_KINDS = {"mp4": "MP4"}


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT, with no public URL."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")


private_storage = PrivateStorage()


def private_upload_to(instance, filename):
    """A random name in a folder per model; the original name is kept on the record."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    label = instance._meta.label_lower.replace(".", "/")
    return f"{label}/{uuid.uuid4().hex}{ext}"


def sniff_kind(uploaded) -> str | None:
    """The file's real type from its content (not its name), e.g. 'pdf', or None."""
    pos = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(pos)
    kind = filetype.guess(head)
    return kind.extension if kind else None


def validate_upload(uploaded, *, kinds: dict[str, str] = DOCUMENT_KINDS, max_bytes: int | None = None) -> str:
    """Check one upload's real type and size; return its sniffed kind.

    Raises ValidationError with a message that names the file and says what
    is allowed, in the user's language.
    """
    max_bytes = max_bytes or settings.UPLOAD_MAX_FILE_BYTES
    name = getattr(uploaded, "name", "") or ""
    if uploaded.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。"), code="empty", params={"name": name})
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s,超过单个文件上限 %(limit)s。"),
            code="too_large",
            params={"name": name, "size": human_size(uploaded.size), "limit": human_size(max_bytes)},
        )
    kind = sniff_kind(uploaded)
    if kind not in kinds:
        raise ValidationError(
            _("文件“%(name)s”的实际内容不是允许的类型(仅限 %(allowed)s)。"),
            code="bad_type",
            params={"name": name, "allowed": "、".join(kinds.values())},
        )
    return kind


def validate_upload_set(files, *, max_files: int | None = None, max_total: int | None = None):
    """Check a set of uploads together: how many, and how large in all."""
    max_files = max_files or settings.UPLOAD_MAX_FILES
    max_total = max_total or settings.UPLOAD_MAX_TOTAL_BYTES
    files = list(files)
    if len(files) > max_files:
        raise ValidationError(
            _("一次最多上传 %(limit)s 个文件,您选择了 %(count)s 个。"),
            code="too_many",
            params={"limit": max_files, "count": len(files)},
        )
    total = sum(f.size for f in files)
    if total > max_total:
        raise ValidationError(
            _("文件总大小 %(size)s 超过上限 %(limit)s。"),
            code="total_too_large",
            params={"size": human_size(total), "limit": human_size(max_total)},
        )


def human_size(num: int) -> str:
    if num >= 1024 * 1024:
        return f"{num / 1024 / 1024:.1f} MB"
    if num >= 1024:
        return f"{num / 1024:.0f} KB"
    return f"{num} B"


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "mp4": "video/mp4",
}


def serve_private_file(fieldfile, *, filename: str | None = None, inline: bool = False):
    """Stream a private file. Call only after the caller's permission check."""
    fieldfile.open("rb")
    kind = sniff_kind(fieldfile)
    response = FileResponse(
        fieldfile,
        as_attachment=not inline,
        filename=filename or os.path.basename(fieldfile.name),
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
