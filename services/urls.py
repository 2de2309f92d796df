from django.urls import path

from . import views

app_name = "services"

urlpatterns = [
    # Partners (login): their service logs, progress and feedback.
    path("services/logs/", views.log_list, name="log_list"),
    path("services/logs/new/", views.log_create, name="log_create"),
    path("services/logs/<int:pk>/", views.log_detail, name="log_detail"),
    path("services/logs/<int:pk>/edit/", views.log_edit, name="log_edit"),
    path("services/files/<int:pk>/", views.log_file, name="log_file"),
    path(
        "services/partners/<int:partner_pk>/logs/<int:year>-<int:month>.<fmt>",
        views.log_export,
        name="log_export",
    ),
    path("services/progress/", views.progress_index, name="progress_index"),
    path("services/progress/<int:pk>/", views.progress_detail, name="progress_detail"),
    path("services/feedback/", views.partner_feedback, name="partner_feedback"),
    # Residents: the suggestion box of a serving partner.
    path("partners/", views.directory, name="directory"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:partner_pk>/feedback/", views.feedback_public, name="feedback_public"),
    # Observers.
    path("services/observations/", views.observation_list, name="observation_list"),
    path("services/observations/new/", views.observation_create, name="observation_create"),
    path("services/observation-photos/<int:pk>/", views.observation_photo, name="observation_photo"),
    # Staff: dossier and statistics.
    path("services/dossier/<int:pk>/", views.dossier, name="dossier"),
    path("services/dossier/<int:pk>/pdf/", views.dossier_pdf, name="dossier_pdf"),
    path("services/dossier/<int:pk>/zip/", views.dossier_zip, name="dossier_zip"),
    path("services/dossier/<int:pk>/logs/", views.dossier_logs, name="dossier_logs"),
    path("services/dossier/<int:pk>/logs.xlsx", views.dossier_logs_xlsx, name="dossier_logs_xlsx"),
    path("services/dashboard/", views.dashboard, name="dashboard"),
    path("services/dashboard/csv/", views.dashboard_csv, name="dashboard_csv"),
    path("services/comparison/", views.comparison, name="comparison"),
    path("services/comparison/xlsx/", views.comparison_xlsx, name="comparison_xlsx"),
    path("services/dashboard/xlsx/", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("services/inspection/", views.inspection_pack, name="inspection_pack"),
    path("services/partners/<int:pk>/plaque.pdf", views.partner_plaque, name="partner_plaque"),
]
