from django.urls import path

from nghedan.places import views

app_name = "places"
urlpatterns = [
    path("", views.lookup, name="lookup"),
]
