import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.uploads import DOCUMENT_KINDS, IMAGE_KINDS, validate_upload, validate_upload_set

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_real_pdf_is_accepted():
    assert validate_upload(SimpleUploadedFile("plan.pdf", PDF)) == "pdf"


def test_a_disguised_file_is_refused_by_content():
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 this is an executable")
    with pytest.raises(ValidationError) as error:
        validate_upload(fake)
    assert error.value.code == "bad_type"
    assert "licence.pdf" in error.value.messages[0]
    assert "PDF" in error.value.messages[0]


def test_an_image_is_not_a_document_when_images_are_not_allowed():
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("a.png", png_bytes()), kinds={"pdf": "PDF"})
    assert validate_upload(SimpleUploadedFile("a.png", png_bytes()), kinds=IMAGE_KINDS) == "png"


def test_too_large_is_refused_with_the_limit(settings):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048), max_bytes=1024)
    assert error.value.code == "too_large"
    assert "1 KB" in error.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("empty.pdf", b""), kinds=DOCUMENT_KINDS)
    assert error.value.code == "empty"


def test_too_many_and_too_much_in_all(settings):
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(3)]
    with pytest.raises(ValidationError) as error:
        validate_upload_set(files, max_files=2)
    assert error.value.code == "too_many"
    with pytest.raises(ValidationError) as error:
        validate_upload_set(files, max_total=len(PDF) * 2)
    assert error.value.code == "total_too_large"
    validate_upload_set(files, max_files=3, max_total=len(PDF) * 3)
