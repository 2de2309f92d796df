"""The REST API root: each app contributes its viewsets through `<app>.api.register`."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

API_APPS = [
    "portal",
    "organisations",
    "spaces",
    "calls",
    "partners",
    "notices",
    "reviews",
    "agreements",
    "services",
    "timebank",
    "reports",
]


class PortalRouter(DefaultRouter):
    """Ids are numbers: `/api/partners/abc/` matches no route and is a JSON 404, never a 500."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not hasattr(viewset, "lookup_value_regex"):
            viewset.lookup_value_regex = "[0-9]+"
        return super().get_lookup_regex(viewset, lookup_prefix)


def build_router() -> DefaultRouter:
    router = PortalRouter()
    for app in API_APPS:
        module = import_module(f"{app}.api")
        module.register(router)
    return router
