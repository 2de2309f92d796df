"""Public pages: one h1, headings in order, a label for every input, lang zh-Hans, no script."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import partner_in_state
from tests.notices.factories import approved_partner, published_notice, setting


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.inputs, self.labels, self.scripts, self.lang = [], [], set(), 0, None
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs.get("id"))
        if tag == "script":
            self.scripts += 1


@pytest.fixture
def pages(db):
    community, staff = setting()
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    partner = partner_in_state("active", community=community)
    return [
        reverse("notices:home"),
        reverse("notices:notice_list"),
        reverse("notices:notice_detail", args=[notice.pk]),
        reverse("services:directory"),
        reverse("services:partner_detail", args=[partner.pk]),
        reverse("notices:objection_status"),
    ]


def test_home_and_public_pages_are_accessible(client, pages):
    for url in pages:
        outline = Outline()
        outline.feed(client.get(url).content.decode())

        assert outline.lang == "zh-Hans", url
        assert outline.headings.count(1) == 1, url
        assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False)), url
        assert [i for i in outline.inputs if i not in outline.labels] == [], url
        assert outline.scripts == 0, url


def test_home_objection_errors_announced_to_screen_readers(client, db):
    community, staff = setting()
    notice = published_notice(staff=staff, partners=[approved_partner(community)])

    html = client.post(
        reverse("notices:objection_create", args=[notice.pk]),
        {
            "entry": notice.entries.get().pk,
            "grounds": "",
            "objector_name": "李居民",
            "objector_phone": "13700001111",
        },
    ).content.decode()

    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_grounds_errors id_grounds_help"' in html
    assert 'id="id_grounds_errors"' in html
