from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/apply/", views.call_apply, name="call_apply"),
    path("applications/drafts/", views.application_draft_resume_page, name="application_draft_resume"),
    path(
        "applications/drafts/<str:token>/<slug:step>/",
        views.application_draft_step,
        name="application_draft_step",
    ),
    path("applications/status/", views.application_status_lookup, name="application_status_lookup"),
    path(
        "applications/status/<str:token>/",
        views.application_status_private,
        name="application_status_private",
    ),
    path(
        "applications/status/<str:token>/withdraw/",
        views.application_status_withdraw,
        name="application_status_withdraw",
    ),
    path("applications/status/<str:token>/pdf/", views.application_status_pdf, name="application_status_pdf"),
    path(
        "applications/upload/<str:token>/",
        views.application_document_upload,
        name="application_document_upload",
    ),
    path(
        "applications/documents/<int:pk>/",
        views.application_document_download,
        name="application_document_download",
    ),
]
