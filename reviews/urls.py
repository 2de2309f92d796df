from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("review/", views.review_home, name="home"),
    path("review/shortlist.pdf", views.shortlist_pdf, name="shortlist_pdf"),
    path("review/shortlist.xlsx", views.shortlist_xlsx, name="shortlist_xlsx"),
    path("review/<int:roadshow_id>/", views.roadshow_detail, name="roadshow"),
    path("review/<int:roadshow_id>/applicants/<int:partner_id>/", views.score_applicant, name="score"),
    path(
        "review/<int:roadshow_id>/applicants/<int:partner_id>/documents/<int:document_id>/",
        views.applicant_document,
        name="document",
    ),
    path("review/<int:roadshow_id>/results/", views.results, name="results"),
    path("review/<int:roadshow_id>/results.pdf", views.results_pdf, name="results_pdf"),
    path("review/<int:roadshow_id>/results.xlsx", views.results_xlsx, name="results_xlsx"),
]
