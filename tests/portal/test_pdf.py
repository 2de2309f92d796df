"""PDF rendering keeps one font configuration per thread (issue 14: the agreement PDF's cost)."""

import threading

from django.template import engines

from portal import pdf
from tests.utils import pdf_text


def _one_page(text: str) -> str:
    return (
        engines["django"]
        .from_string('{% extends "pdf/base.html" %}{% block content %}<p>' + text + "</p>{% endblock %}")
        .render({})
    )


def test_html_to_pdf_reuses_this_threads_font_configuration_and_keeps_the_text():
    first = pdf.html_to_pdf(_one_page("睦邻合伙人一页文档。"))
    config = pdf._font_config()
    second = pdf.html_to_pdf(_one_page("三方协议第二份。"))

    assert pdf._font_config() is config
    assert "睦邻合伙人一页文档。" in pdf_text(first).replace(" ", "")
    assert "三方协议第二份。" in pdf_text(second).replace(" ", "")
    assert "睦邻合伙人一页文档。" not in pdf_text(second).replace(" ", "")


def test_each_thread_has_its_own_font_configuration():
    mine = pdf._font_config()
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(pdf._font_config()))
    thread.start()
    thread.join()

    assert theirs[0] is not mine
