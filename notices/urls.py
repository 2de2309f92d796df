from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/feed/", views.feed, name="notice_feed"),
    path("notices/objections/status/", views.objection_status, name="objection_status"),
    path("notices/objections/filed/<str:token>/", views.objection_filed, name="objection_filed"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/objections/", views.objection_create, name="objection_create"),
    path("filings/", views.filing_inbox, name="filing_inbox"),
    path("filings/<int:pk>/", views.filing_receipt_detail, name="filing_receipt"),
    path("filings/<int:pk>/report/", views.filing_receipt_report, name="filing_receipt_report"),
]
