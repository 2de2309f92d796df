"""URLs of the city benchmark (config.settings.bench only): the portal plus a baseline view."""

from django.http import HttpResponse
from django.urls import include, path


def baseline(request):
    """The smallest Django response: the unit every page's throughput is measured in."""
    return HttpResponse(b"ok", content_type="text/plain")


from config.urls import handler404, handler500  # noqa: E402, F401  (the root URLconf names them)

urlpatterns = [
    path("__bench__/baseline", baseline),
    path("", include("config.urls")),
]
