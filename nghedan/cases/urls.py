from django.urls import include, path

app_name = "cases"
urlpatterns = [
    path("", include("nghedan.cases.public_urls")),
    path("can-bo/", include("nghedan.cases.officer_urls")),
]
