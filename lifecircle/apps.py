from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecircleConfig(AppConfig):
    """The neighbourhood map (社区生活圈一张图, 成都 seed 001): spaces, partners, needs and calls of a street."""

    name = "lifecircle"
    verbose_name = _("社区生活圈一张图")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from .cache import connect_invalidation

        connect_invalidation()
