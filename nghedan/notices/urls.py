from django.urls import path

from nghedan.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("da-doc/", views.mark_all_read, name="mark_all_read"),
]
