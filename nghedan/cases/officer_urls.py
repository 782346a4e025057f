from django.urls import path

from nghedan.cases import officer_views

urlpatterns = [
    path("vu-viec/", officer_views.queue, name="queue"),
    path("vu-viec/<int:pk>/", officer_views.case, name="case"),
]
