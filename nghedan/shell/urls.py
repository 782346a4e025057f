from django.urls import path

from nghedan.shell import views

app_name = "shell"
urlpatterns = [
    path("", views.home, name="home"),
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
]
