"""The REST API root: each app contributes its viewsets through `<app>.api.register`."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

API_APPS = ["portal", "spaces", "calls", "partners", "notices", "reviews", "agreements", "services"]


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for app in API_APPS:
        module = import_module(f"{app}.api")
        module.register(router)
    return router

