from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    # Partners (login): monthly reports, self-evaluations, the fund ledger.
    path("reports/", views.report_index, name="index"),
    path("reports/monthly/<int:pk>/", views.report_submit, name="report_submit"),
    path("reports/self-evaluation/new/", views.self_evaluation_new, name="self_evaluation_new"),
    path("reports/funds/new/", views.fund_entry_new, name="fund_entry_new"),
]
