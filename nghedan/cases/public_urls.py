from django.urls import path

from nghedan.cases import public_views

urlpatterns = [
    path("gui-y-kien/", public_views.submit, name="submit"),
    path("gui-y-kien/da-gui/", public_views.submitted, name="submitted"),
    path("tra-cuu/", public_views.track, name="track"),
    path("tra-cuu/<str:code>/", public_views.track_case, name="track_case"),
    path("tra-cuu/<str:code>/danh-gia/", public_views.rate, name="rate"),
    path("tra-cuu/<str:code>/xem-xet-lai/", public_views.reopen, name="reopen"),
    path("y-kien-cua-toi/", public_views.mine, name="mine"),
]
