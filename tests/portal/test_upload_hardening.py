"""Uploads after the attack run (issue 18): decompression bombs refused before anything is
written (defect 2), and files stored and served by their sniffed type, never by the client's
name (defect 8), on each upload door."""

import datetime as dt
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from calls.models import Application
from notices.models import Objection
from portal.uploads import download_name, validate_upload
from services import domain as services_domain
from services.models import LogFileKind, ServiceLog
from tests.calls.factories import call_with_space, docx_file, form_files, form_post
from tests.factories import community_staff
from tests.notices.factories import approved_partner, published_notice, setting
from tests.services.factories import log_data, observer_user, partner_user, serving_partner

pytestmark = pytest.mark.django_db


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width × height: enough for Pillow to read its size (and find a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def bomb_png(name="bomb.png"):
    return SimpleUploadedFile(name, png_header(20000, 20000), content_type="image/png")


def jpeg_bytes(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def docx_unpacking_to(member_bytes: int, *, name="team.docx", compressible=True) -> SimpleUploadedFile:
    """A DOCX whose word/document.xml unpacks to `member_bytes` (written in chunks, not held)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            left = member_bytes
            chunk = b"\0" * (1 << 20) if compressible else None
            while left > 0:
                n = min(left, 1 << 20)
                member.write(chunk[:n] if compressible else _random_bytes(n))
                left -= n
    return SimpleUploadedFile(name, buffer.getvalue())


def _random_bytes(n: int) -> bytes:
    import random

    return random.Random(n).randbytes(n)


def files_on_disk(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- Decompression bombs ----------------------------------------------------------


def test_pillow_guard_is_set_from_the_settings(settings):
    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_IMAGE_PIXELS == 50_000_000


def test_a_20000_square_png_is_refused_by_its_header():
    with pytest.raises(ValidationError) as error:
        validate_upload(bomb_png())

    assert error.value.messages == ["图片“bomb.png”的像素过多（上限 5000 万像素），请缩小后再上传。"]


@pytest.mark.parametrize(("size", "refused"), [((100, 99), False), ((100, 100), False), ((101, 100), True)])
def test_image_pixel_limit_boundary(settings, size, refused):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10_000
    upload = SimpleUploadedFile("p.png", png_header(*size))

    if refused:
        with pytest.raises(ValidationError):
            validate_upload(upload)
    else:
        assert validate_upload(upload) == "png"


@pytest.mark.parametrize(
    ("unpacked", "refused"),
    [(4 * 1024 * 1024 - 1, False), (4 * 1024 * 1024, False), (4 * 1024 * 1024 + 1, True)],
)
def test_docx_unpacked_size_boundary(settings, unpacked, refused):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 4 * 1024 * 1024
    header = len('<?xml version="1.0"?><Types/>')
    upload = docx_unpacking_to(unpacked - header, compressible=False)

    if refused:
        with pytest.raises(ValidationError) as error:
            validate_upload(upload)
        assert "解压后过大" in error.value.messages[0]
    else:
        assert validate_upload(upload) == "docx"


def test_a_docx_inflating_to_500_mb_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(docx_unpacking_to(500 * 1024 * 1024, name="团队.docx"))

    assert error.value.messages == [
        "文件“团队.docx”解压后过大（500.0 MB，上限 100.0 MB），可能是恶意压缩文件，请检查后重新上传。"
    ]


def test_a_member_packed_too_tightly_is_refused_even_under_the_total():
    # 2 MB of zeros packs to about 2 KB: a ratio of ~1000, over the 200 allowed.
    with pytest.raises(ValidationError):
        validate_upload(docx_unpacking_to(2 * 1024 * 1024))


def test_an_ordinary_docx_is_accepted():
    assert validate_upload(docx_file()) == "docx"


def test_bomb_png_on_the_public_application_form_keeps_input_and_no_file(client, settings):
    call, space = call_with_space()
    data = {**form_post(call, space), **form_files(), "doc_registration": bomb_png("执照.png")}

    response = client.post(f"/calls/{call.pk}/apply/", data)

    assert response.status_code == 400
    assert response.context["form"].errors["doc_registration"] == [
        "图片“执照.png”的像素过多（上限 5000 万像素），请缩小后再上传。"
    ]
    assert 'value="13812345678"' in response.content.decode()
    assert Application.objects.count() == 0
    assert files_on_disk(settings) == []


def test_docx_bomb_on_the_public_application_form_is_refused(client, settings):
    call, space = call_with_space()
    data = {**form_post(call, space), **form_files(), "doc_other": docx_unpacking_to(200 * 1024 * 1024)}

    response = client.post(f"/calls/{call.pk}/apply/", data)

    assert response.status_code == 400
    assert "解压后过大" in " ".join(response.context["form"].errors["doc_other"])
    assert Application.objects.count() == 0
    assert files_on_disk(settings) == []


def test_bomb_png_as_a_service_log_photo_is_refused_with_no_orphan(settings):
    partner, _agreement, space = serving_partner("trial")

    with pytest.raises(ValidationError) as error:
        services_domain.servicelog_create(
            partner=partner,
            data=log_data(space),
            by=partner_user(partner),
            today=dt.date(2026, 3, 20),
            files={LogFileKind.PHOTO: [bomb_png("活动.png")]},
        )

    assert error.value.message_dict == {
        "photo": ["图片“活动.png”的像素过多（上限 5000 万像素），请缩小后再上传。"]
    }
    assert ServiceLog.objects.count() == 0
    assert files_on_disk(settings) == []


def test_bomb_png_on_the_service_log_page_is_a_form_error_not_a_500(client, settings):
    partner, _agreement, space = serving_partner("trial")
    client.force_login(partner_user(partner))
    data = {k: v for k, v in log_data(space).items() if v is not None}
    data["space"] = space.pk
    data["photos"] = bomb_png("活动.png")

    response = client.post("/services/logs/new/", data)

    assert response.status_code in (200, 400)
    assert "像素过多" in response.content.decode()
    assert ServiceLog.objects.count() == 0
    assert files_on_disk(settings) == []


# --- Stored and served by the sniffed type ------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kind", "served"),
    [
        ("shell.php", "jpg", "shell.jpg"),
        ("../../etc/报告.pdf", "pdf", "报告.pdf"),
        ('a";b.png', "png", "a_b.png"),
        ("照片", "jpg", "照片.jpg"),
        (".htaccess", None, "htaccess.bin"),
    ],
)
def test_download_name_keeps_the_base_and_takes_the_sniffed_extension(sent, kind, served):
    assert download_name(sent, kind) == served


def _stored_and_served(client, fieldfile, url):
    response = client.get(url)
    assert response.status_code == 200
    return Path(fieldfile.name).suffix, response["Content-Type"], response["Content-Disposition"]


def test_application_form_shell_php_is_stored_and_served_as_jpg(client):
    call, space = call_with_space()
    shell = SimpleUploadedFile("shell.php", jpeg_bytes(), content_type="application/x-php")
    assert client.post(
        f"/calls/{call.pk}/apply/", {**form_post(call, space), **form_files(), "doc_other": shell}
    )["Location"]
    document = Application.objects.get().documents.get(kind="other")
    staff = Client_logged_in(community_staff(community=document.application.community))

    suffix, content_type, disposition = _stored_and_served(
        staff, document.file, f"/applications/documents/{document.pk}/"
    )

    assert document.original_name == "shell.php"  # kept on the record, as typed
    assert (suffix, content_type) == (".jpg", "image/jpeg")
    assert disposition == 'attachment; filename="shell.jpg"'


def test_service_log_photo_shell_php_is_stored_and_served_as_jpg():
    partner, _agreement, space = serving_partner("trial")
    user = partner_user(partner)
    log = services_domain.servicelog_create(
        partner=partner,
        data=log_data(space),
        by=user,
        today=dt.date(2026, 3, 20),
        files={LogFileKind.PHOTO: [SimpleUploadedFile("shell.php", jpeg_bytes())]},
    )
    record = log.files.get()

    suffix, content_type, disposition = _stored_and_served(
        Client_logged_in(user), record.file, f"/services/files/{record.pk}/"
    )

    assert (suffix, content_type, disposition) == (".jpg", "image/jpeg", 'inline; filename="shell.jpg"')
    assert Path(record.thumbnail.name).suffix == ".jpg"


def test_observation_photo_shell_php_is_stored_as_jpg():
    partner, _agreement, _space = serving_partner("trial")
    observation = services_domain.observation_record(
        partner=partner,
        date=dt.date(2026, 3, 1),
        seen="按时开课",
        punctuality=5,
        quality=5,
        safety=5,
        attitude=5,
        photos=[SimpleUploadedFile("shell.php", jpeg_bytes())],
        by=observer_user(partner.community),
    )

    assert Path(observation.photos.get().file.name).suffix == ".jpg"


def test_objection_evidence_shell_php_is_stored_and_served_as_jpg(client):
    community, staff = setting()
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    client.post(
        f"/notices/{notice.pk}/objections/",
        {
            "entry": notice.entries.get().pk,
            "grounds": "存在收费行为。",
            "objector_name": "李居民",
            "objector_phone": "13700001111",
            "website": "",
            "evidence": SimpleUploadedFile("shell.php", jpeg_bytes()),
        },
    )
    objection = Objection.objects.get()
    staff.is_staff = True
    staff.save()

    suffix, content_type, disposition = _stored_and_served(
        Client_logged_in(staff),
        objection.evidence,
        f"/admin/notices/objection/{objection.pk}/evidence/",
    )

    assert (suffix, content_type, disposition) == (".jpg", "image/jpeg", 'attachment; filename="shell.jpg"')


def Client_logged_in(user):  # noqa: N802 (reads like the class it returns)
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
