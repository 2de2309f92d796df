from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("staff/agreements/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("staff/agreements/signatures/<int:pk>/scan/", views.signature_scan, name="signature_scan"),
]
