from django.urls import path

from . import views

app_name = "timebank"

urlpatterns = [
    # Residents: what a community's points buy.
    path("timebank/communities/<int:community_pk>/benefits/", views.benefits, name="benefits"),
    # Individual partners (login): their own ledger.
    path("timebank/my-points/", views.my_points, name="my_points"),
]
