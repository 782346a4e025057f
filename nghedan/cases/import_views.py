"""The officers' page for importing cases from a file: upload, then a table of every row's
outcome. Only for those who handle cases somewhere; the rows go in through `imports`."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from nghedan.cases.access import cases_for_user, handled_organizations
from nghedan.cases.imports import COLUMNS, FORMATS, import_file
from nghedan.cases.officer_forms import NamedChoiceField, choice_field
from nghedan.lib.refusal import Refused
from nghedan.people.decorators import working_role_required
from nghedan.people.models import Organization

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Each row is a case made and audited, some tens of milliseconds: a page's import must end
# well within the web server's limit on a request (60 s). Longer files go through the
# import_cases command.
MAX_PAGE_ROWS = 1_000


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp cần nhập"),
        help_text=gettext_lazy(
            "CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy), Excel .xlsx (trang tính đầu "
            "tiên) hoặc JSONL (mỗi dòng một đối tượng JSON); tối đa 5 MB và 1.000 dòng."
        ),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp cần nhập."),
            "empty": gettext_lazy("Tệp đã chọn không có nội dung."),
        },
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Định dạng"),
        required=False,
        choices=[("", gettext_lazy("Theo đuôi tệp (.csv, .xlsx, .jsonl)"))]
        + [(fmt, fmt.upper()) for fmt in FORMATS],
    )
    organization = NamedChoiceField(
        label=gettext_lazy("Cơ quan xử lý"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("Theo quy tắc chuyển xử lý (mặc định)"),
        help_text=gettext_lazy(
            "Chọn khi mọi vụ việc trong tệp thuộc một cơ quan bạn làm việc; để trống thì mỗi "
            "vụ việc được chuyển theo lĩnh vực và nơi xảy ra."
        ),
    )
    force = forms.BooleanField(
        label=gettext_lazy("Vẫn nhập lại"),
        required=False,
        help_text=gettext_lazy(
            "Tệp này đã được nhập trước đây: chỉ đánh dấu khi chắc chắn cần nhập lại, vì mọi "
            "dòng sẽ thành vụ việc mới."
        ),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organization").queryset = handled_organizations(user).order_by("name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(upload.size))
        return upload


def too_large_message(size: int) -> str:
    return _("Tệp nặng %(size).1f MB, vượt giới hạn 5 MB: hãy chia thành nhiều tệp nhỏ hơn.") % {
        "size": size / 1024 / 1024
    }


@never_cache
@working_role_required
def import_cases(request):
    if not handled_organizations(request.user).exists():
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận, xử lý mới nhập được vụ việc từ tệp."))
    if request.method != "POST":
        return page(request, ImportForm(request.user))
    form = ImportForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return page(request, form, status=400)
    data = form.cleaned_data
    try:
        report = import_file(
            request.user, data["file"].read(), filename=data["file"].name,
            fmt=data["format"] or None, organization=data["organization"], force=data["force"],
            max_rows=MAX_PAGE_ROWS,
        )  # fmt: skip
    except Refused as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        offer_force = refusal.code == "already_imported"
        return page(request, form, status=refusal.status, offer_force=offer_force)
    return page(request, ImportForm(request.user), report=report)


def page(request, form, status=200, report=None, offer_force=False):
    """The form (with “Vẫn nhập lại” only after a file was refused as imported before) and,
    after an import, each row with a link to its case where the officer may open it."""
    if not offer_force:
        del form.fields["force"]
    rows = []
    if report is not None:
        codes = [row.case_code for row in report.rows if row.case_code]
        links = dict(
            cases_for_user(request.user).filter(code__in=codes).values_list("code", "pk")
        )
        rows = [(row, links.get(row.case_code)) for row in report.rows]
    context = {"form": form, "report": report, "rows": rows, "columns": COLUMNS}
    return render(request, "cases/import.html", context, status=status)
