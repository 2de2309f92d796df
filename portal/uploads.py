"""Private uploads: content-sniffed, size-limited, stored outside the web root.

Documents hold ID cards and business licences, so nothing here is ever
served by URL alone: apps serve files through `serve_private_file` after
their own permission check. An upload is stored as `<uuid>.<sniffed type>` and
served with the user's base name and the sniffed type's extension: the name the
client sent never decides how a file is stored or opened (`shell.php` holding a
JPEG is `<uuid>.jpg`, downloaded as `shell.jpg`). Images with too many pixels and
DOCX/XLSX that unpack too far (decompression bombs) are refused before anything
is written.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
import warnings
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from PIL import Image

# Allowed kinds by sniffed extension → human label.
DOCUMENT_KINDS = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG", "docx": "DOCX", "xlsx": "XLSX"}
IMAGE_KINDS = {"jpg": "JPEG", "png": "PNG"}
VIDEO_KINDS = {"mp4": "MP4"}


# `private_upload_to` ends a new upload's name with this; the storage, which sees the content,
# replaces it with the sniffed type's extension.
SNIFFED_SUFFIX = ".sniffed"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT, with no public URL."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def save(self, name, content, max_length=None):
        if name and name.endswith(SNIFFED_SUFFIX):
            name = name[: -len(SNIFFED_SUFFIX)] + "." + stored_extension(content)
        return super().save(name, content, max_length=max_length)

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
    """A random name in a folder per model, with the extension of the content's sniffed type
    (never the client's); the original name is kept on the record."""
    label = instance._meta.label_lower.replace(".", "/")
    return f"{label}/{uuid.uuid4().hex}{SNIFFED_SUFFIX}"


def sniff_kind(uploaded) -> str | None:
    """The file's real type from its content (not its name), e.g. 'pdf', or None."""
    pos = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(pos)
    kind = filetype.guess(head)
    return kind.extension if kind else None


def stored_extension(content) -> str:
    """The extension a file is stored and served with: its sniffed type, `bin` if unknown."""
    kind = sniff_kind(content)
    return kind if kind in CONTENT_TYPES else "bin"


def configure_pillow() -> None:
    """Pillow refuses images over UPLOAD_MAX_IMAGE_PIXELS everywhere (its bomb guard, made ours)."""
    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_IMAGE_PIXELS


def _refuse_image_bomb(uploaded, name: str) -> None:
    """Read the image's header only: too many pixels is refused before any decoding."""
    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    error = ValidationError(
        _("图片“%(name)s”的像素过多（上限 %(limit)s 万像素），请缩小后再上传。"),
        code="image_too_large",
        params={"name": name, "limit": limit // 10_000},
    )
    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise error from None
    except (OSError, ValueError, SyntaxError):
        return  # not decodable as an image at all: the type check has already spoken
    finally:
        uploaded.seek(0)
    if width * height > limit:
        raise error


def _refuse_zip_bomb(uploaded, name: str) -> None:
    """DOCX and XLSX are ZIP archives: check every member's unpacked size before accepting."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            _("文件“%(name)s”已损坏，无法打开。"), code="corrupt", params={"name": name}
        ) from None
    finally:
        uploaded.seek(0)
    total = sum(member.file_size for member in members)
    ratio = settings.UPLOAD_MAX_UNPACK_RATIO
    too_packed = any(
        member.file_size > 1024 * 1024 and member.file_size > ratio * max(member.compress_size, 1)
        for member in members
    )
    if total > settings.UPLOAD_MAX_UNPACKED_BYTES or too_packed:
        raise ValidationError(
            _("文件“%(name)s”解压后过大（%(size)s，上限 %(limit)s），可能是恶意压缩文件，请检查后重新上传。"),
            code="unpacks_too_far",
            params={
                "name": name,
                "size": human_size(total),
                "limit": human_size(settings.UPLOAD_MAX_UNPACKED_BYTES),
            },
        )


def _is_zip(uploaded) -> bool:
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    return head == b"PK\x03\x04"


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
            _("文件“%(name)s”大小为 %(size)s，超过单个文件上限 %(limit)s。"),
            code="too_large",
            params={"name": name, "size": human_size(uploaded.size), "limit": human_size(max_bytes)},
        )
    kind = sniff_kind(uploaded)
    if kind not in kinds:
        raise ValidationError(
            _("文件“%(name)s”的实际内容不是允许的类型（仅限 %(allowed)s）。"),
            code="bad_type",
            params={"name": name, "allowed": "、".join(kinds.values())},
        )
    if kind in ("jpg", "png"):
        _refuse_image_bomb(uploaded, name)
    elif _is_zip(uploaded):
        _refuse_zip_bomb(uploaded, name)
    return kind


def validate_upload_set(files, *, max_files: int | None = None, max_total: int | None = None):
    """Check a set of uploads together: how many, and how large in all."""
    max_files = max_files or settings.UPLOAD_MAX_FILES
    max_total = max_total or settings.UPLOAD_MAX_TOTAL_BYTES
    files = list(files)
    if len(files) > max_files:
        raise ValidationError(
            _("一次最多上传 %(limit)s 个文件，您选择了 %(count)s 个。"),
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


def download_name(filename: str, kind: str | None) -> str:
    """The user's base name, made safe, with the extension of the content's sniffed type.

    `shell.php` holding a JPEG is `shell.jpg`; `../../报告.pdf` is `报告.pdf`.
    """
    base = os.path.basename((filename or "").replace("\\", "/"))
    base = os.path.splitext(base)[0] if "." in base.lstrip(".") else base
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = re.sub(r'[\\/:*?"<>|;%]+', "_", base).strip(" ._")[:100]
    extension = kind if kind in CONTENT_TYPES else "bin"
    return f"{base or 'file'}.{extension}"


def serve_private_file(fieldfile, *, filename: str | None = None, inline: bool = False):
    """Stream a private file. Call only after the caller's permission check.

    The type (and so the download's extension) is the sniffed one, whatever the name says.
    """
    fieldfile.open("rb")
    kind = sniff_kind(fieldfile)
    response = FileResponse(
        fieldfile,
        as_attachment=not inline,
        filename=download_name(filename or os.path.basename(fieldfile.name), kind),
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
