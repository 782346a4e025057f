from django.urls import path

from nghedan.people import management_views, views

app_name = "people"
urlpatterns = [
    path("dang-nhap/", views.sign_in, name="sign_in"),
    path("dang-xuat/", views.sign_out, name="sign_out"),
    path("dang-ky/", views.sign_up, name="sign_up"),
    path("tai-khoan/", views.account, name="account"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
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
    path(
        "quan-tri/to-chuc/them/",
        management_views.organization_create,
        name="organization_create",
    ),
    path(
        "quan-tri/to-chuc/xa-phuong/",
        management_views.organization_communes,
        name="organization_communes",
    ),
    path("quan-tri/to-chuc/<int:pk>/", management_views.organization, name="organization"),
    path(
        "quan-tri/to-chuc/<int:pk>/sua/",
        management_views.organization_edit,
        name="organization_edit",
    ),
    path(
        "quan-tri/to-chuc/<int:pk>/trang-thai/",
        management_views.organization_set_active,
        name="organization_set_active",
    ),
    path(
        "quan-tri/to-chuc/<int:pk>/giam-sat/",
        management_views.supervision_add,
        name="supervision_add",
    ),
    path(
        "quan-tri/giam-sat/<int:pk>/xoa/",
        management_views.supervision_remove,
        name="supervision_remove",
    ),
    path("quan-tri/nguoi-dung/them/", management_views.person_create, name="person_create"),
    path("quan-tri/nguoi-dung/<int:pk>/", management_views.person, name="person"),
    path("quan-tri/nguoi-dung/<int:pk>/sua/", management_views.person_edit, name="person_edit"),
    path(
        "quan-tri/nguoi-dung/<int:pk>/trang-thai/",
        management_views.person_set_active,
        name="person_set_active",
    ),
    path(
        "quan-tri/nguoi-dung/<int:pk>/gui-thu-dat-mat-khau/",
        management_views.person_send_password_email,
        name="person_send_password_email",
    ),
    path(
        "quan-tri/nguoi-dung/<int:pk>/vai-tro/",
        management_views.membership_add,
        name="membership_add",
    ),
    path(
        "quan-tri/vai-tro/<int:pk>/xoa/",
        management_views.membership_remove,
        name="membership_remove",
    ),
]
