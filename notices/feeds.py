"""Atom feed of public notices (公示) for residents' readers and other channels."""

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .domain import public_notices

FEED_SIZE = 20


class NoticeFeed(Feed):
    feed_type = Atom1Feed
    title = _("睦邻合伙人 · 公示")
    subtitle = _("拟入驻“睦邻合伙人”名单公示，接受居民和社会监督。")
    language = "zh-Hans"

    def link(self):
        return reverse("notices:notice_list")

    def items(self):
        return public_notices().prefetch_related("entries").order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Only the masked list: the same rendering as the public page.
        return render_to_string("notices/notice_feed_item.html", {"notice": item})

    def item_link(self, item):
        return reverse("notices:notice_detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
