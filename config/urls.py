from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.views import after_login, background_job, elder_mode_set, healthz, language_set, two_factor_setup

from .api import build_router

# The site's titles, its home (the staff desk) and its menu: portal.admin_site.PortalAdminSite.
# No navigation sidebar: it builds the whole app list (a permission check per model,
# ~40) on every admin page, a sixth of a list page's time; the staff desk (the admin
# index) and the breadcrumbs lead to every list (issue 14).
admin.site.enable_nav_sidebar = False

router = build_router()

# Swagger UI comes from its CDN; its start-up script is a separate request (the split view),
# so even this page needs no inline script. Only its own small <style> block is allowed inline.
api_docs = csp_update(
    {
        "script-src": ["https://cdn.jsdelivr.net"],
        "style-src": ["https://cdn.jsdelivr.net", UNSAFE_INLINE],
        "img-src": ["https://cdn.jsdelivr.net"],
    }
)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

# Under /api/ errors are JSON; elsewhere the 404.html and 500.html pages.
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("admin/jobs/<slug:job>/", background_job, name="background-job"),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/auth/", include("rest_framework.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", language_set, name="set_language"),  # no CSRF token: portal.views
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/home/", after_login, name="after-login"),
    path("accounts/two-factor/", two_factor_setup, name="two-factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/elder-mode/", elder_mode_set, name="elder_mode"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Each app's public and staff pages. Order matters only for "" (home).
    path("", include("spaces.urls")),
    path("", include("calls.urls")),
    path("", include("notices.urls")),
    path("", include("reviews.urls")),
    path("", include("agreements.urls")),
    path("", include("services.urls")),
    path("", include("timebank.urls")),
    path("", include("lifecircle.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
]
