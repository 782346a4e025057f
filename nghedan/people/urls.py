from django.urls import path

from nghedan.people import management_views, views

app_name = "people"
urlpatterns = [
    path("dang-nhap/", views.sign_in, name="sign_in"),
    path("dang-xuat/", views.sign_out, name="sign_out"),
    path("tai-khoan/", views.account, name="account"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("quan-tri/to-chuc/", management_views.organizations, name="organizations"),
    path("quan-tri/nguoi-dung/", management_views.people, name="people"),
]
