from django.urls import include, path

from nghedan.cases import dashboard_views

app_name = "cases"
urlpatterns = [
    path("", include("nghedan.cases.public_urls")),
    path("can-bo/", include("nghedan.cases.officer_urls")),
    path("can-bo/tong-quan/", dashboard_views.dashboard, name="dashboard"),
]
