from django.urls import path

from . import views

app_name = "lifecircle"

urlpatterns = [
    path("map/<int:street_pk>/", views.map_page, name="map"),
]
