from django.urls import path

from nghedan.cases import officer_views

# Each action on a case has its own address: /can-bo/vu-viec/<pk>/<action>/ (POST).
ACTION_PATHS = {
    "classify": "phan-loai",
    "accept": "thu-ly",
    "refuse": "khong-thu-ly",
    "forward": "chuyen",
    "assign": "giao-viec",
    "verify": "xac-minh",
    "resolve": "giai-quyet",
    "close": "ket-thuc",
    "extend": "gia-han",
    "withdraw": "rut-don",
    "comment": "y-kien",
}

urlpatterns = [
    path("vu-viec/", officer_views.queue, name="queue"),
    path("vu-viec/giao-viec/", officer_views.queue_assign, name="queue_assign"),
    path("vu-viec/<int:pk>/", officer_views.case, name="case"),
    path("vu-viec/<int:pk>/danh-tinh/", officer_views.case_identity, name="case_identity"),
    *(
        path(
            f"vu-viec/<int:pk>/{slug}/",
            officer_views.case_action,
            {"action": action},
            name=f"case_{action}",
        )
        for action, slug in ACTION_PATHS.items()
    ),
    path("tiep-nhan/", officer_views.intake, name="intake"),
]
