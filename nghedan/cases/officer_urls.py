from django.urls import path

from nghedan.cases import exports, import_views, officer_views, registry_views

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
    "attach": "them-tep",
    "comment": "y-kien",
}

urlpatterns = [
    path("vu-viec/", officer_views.queue, name="queue"),
    path("vu-viec/giao-viec/", officer_views.queue_assign, name="queue_assign"),
    path("vu-viec/xuat.csv", exports.export_csv, name="export_csv"),
    path("vu-viec/xuat.xlsx", exports.export_xlsx, name="export_xlsx"),
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
    path("tep/<int:pk>/", officer_views.attachment, name="attachment"),
    # Likely duplicates, hard-case flags and their registry (registry_views)
    path("vu-viec-kho/", registry_views.registry, name="registry"),
    path("vu-viec/<int:pk>/dau-hieu/", registry_views.case_marks, name="case_marks"),
    path("vu-viec/<int:pk>/dau-hieu/neu/", registry_views.case_flag, name="case_flag"),
    path("vu-viec/<int:pk>/dau-hieu/<int:flag_pk>/xac-nhan/", registry_views.flag_confirm,
         name="flag_confirm"),  # fmt: skip
    path("vu-viec/<int:pk>/dau-hieu/<int:flag_pk>/bo/", registry_views.flag_clear,
         name="flag_clear"),  # fmt: skip
    path("vu-viec/<int:pk>/lien-ket-trung/", registry_views.case_link_duplicate,
         name="case_link_duplicate"),  # fmt: skip
    path("vu-viec/<int:pk>/gop/", registry_views.case_merge, name="case_merge"),
    path("vu-viec/<int:pk>/de-nghi-bao-cao/", registry_views.case_request_report,
         name="case_request_report"),  # fmt: skip
    path("nhap-tu-tep/", import_views.import_cases, name="import"),
]
