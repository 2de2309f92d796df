from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.views import after_login, healthz

from .api import build_router

# The site's titles, its home (the staff desk) and its menu: portal.admin_site.PortalAdminSite.
# No navigation sidebar: it builds the whole app list (a permission check per model,
# ~40) on every admin page, a sixth of a list page's time; the staff desk (the admin
# index) and the breadcrumbs lead to every list (issue 14).
admin.site.enable_nav_sidebar = False

router = build_router()

# Under /api/ errors are JSON; elsewhere the 404.html and 500.html pages.
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/auth/", include("rest_framework.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/home/", after_login, name="after-login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Each app's public and staff pages. Order matters only for "" (home).
    path("", include("spaces.urls")),
    path("", include("calls.urls")),
    path("", include("notices.urls")),
    path("", include("reviews.urls")),
    path("", include("agreements.urls")),
    path("", include("services.urls")),
]
