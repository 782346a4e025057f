from django.urls import path

from nghedan.cases import public_views

urlpatterns = [
    path("gui-y-kien/", public_views.submit, name="submit"),
    path("tra-cuu/", public_views.track, name="track"),
]
