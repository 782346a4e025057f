from django.urls import path

from nghedan.reception import views

app_name = "reception"
urlpatterns = [
    path("", views.receptions, name="list"),
    path("mo-buoi-tiep/", views.open_reception, name="open"),
    path("<int:pk>/", views.reception, name="reception"),
    path("<int:pk>/ghi-luot-tiep/", views.record_visit, name="record_visit"),
    path("luot-tiep/<int:pk>/can-cuoc/", views.visit_id_number, name="visit_id_number"),
    path("luot-tiep/<int:pk>/danh-tinh/", views.visit_identity, name="visit_identity"),
]
