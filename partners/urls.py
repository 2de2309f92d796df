from django.urls import include, path

app_name = "partners"

# Two groups of public pages live in this app: recruitment calls and
# applications, and the public notice board (公示) with the partner directory.
urlpatterns = [
    path("", include("partners.urls_applications")),
    path("", include("partners.urls_notices")),
]
