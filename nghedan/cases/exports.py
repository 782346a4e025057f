"""The officers' queue as a file: CSV or Excel, with the queue's own filters.

An export holds exactly the cases the queue shows for the same query string (the filter form
and the access check are the queue's), at most MAX_ROWS of them, written row by row: the CSV
is streamed, the workbook is written in openpyxl's write-only mode to a temporary file. Every
export is written to the audit log: who, which filters, how many rows.

It is redacted: no sender's name, phone, e-mail or address, no description (people write
personal details into it), and nothing from a denouncer's sealed identity. Only the columns
below are read from the database at all.
"""

import csv
import tempfile
from collections.abc import Iterator
from datetime import date, datetime

from django.contrib import messages
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from nghedan.audit.chain import record
from nghedan.cases.access import cases_for_user
from nghedan.cases.models import Case, Channel, Kind
from nghedan.cases.officer_forms import QueueFilterForm
from nghedan.lib.plain_text import CONTROL_CHARACTERS
from nghedan.people.decorators import working_role_required

MAX_ROWS = 50_000
CHUNK = 2_000
DATE_FORMAT = "%d/%m/%Y"
# What is read of each case, in the order of the columns.
FIELDS = (
    "code", "kind", "status", "category__name", "commune__name", "organization__name",
    "received_at", "open_due", "assignee__full_name", "assignee__username", "title",
    "channel", "people_count",
)  # fmt: skip
HEADERS = (
    gettext_lazy("Mã số"),
    gettext_lazy("Loại"),
    gettext_lazy("Trạng thái"),
    gettext_lazy("Lĩnh vực"),
    gettext_lazy("Xã, phường"),
    gettext_lazy("Cơ quan xử lý"),
    gettext_lazy("Ngày tiếp nhận"),
    gettext_lazy("Hạn xử lý"),
    gettext_lazy("Cán bộ xử lý"),
    gettext_lazy("Tóm tắt"),
    gettext_lazy("Kênh tiếp nhận"),
    gettext_lazy("Số người cùng nêu"),
)
# A spreadsheet reads a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMN_WIDTHS = (12, 14, 22, 22, 22, 34, 14, 12, 24, 60, 22, 10)


class Labels:
    """Names of kinds, statuses and channels in the language of the request, read once:
    the rows are written after the view has returned."""

    def __init__(self):
        self.headers = [str(header) for header in HEADERS]
        self.kinds = {value: str(label) for value, label in Kind.choices}
        self.statuses = {value: str(label) for value, label in Case.Status.choices}
        self.channels = {value: str(label) for value, label in Channel.choices}

    def row(self, values: tuple) -> list:
        """One case's cells; dates as dates, for the writer to format."""
        (code, kind, status, category, commune, organization, received_at, open_due,
         assignee_name, assignee_username, title, channel, people_count) = values  # fmt: skip
        return [
            code,
            self.kinds.get(kind, kind),
            self.statuses.get(status, status),
            category,
            commune or "",
            organization,
            timezone.localtime(received_at).date(),
            open_due,
            assignee_name or assignee_username or "",
            title,
            self.channels.get(channel, channel),
            people_count,
        ]


def exported_cases(request):
    """The filtered queue's rows, the filters used and how many; or the reason it cannot be
    exported (filters that do not validate, or too many rows)."""
    form = QueueFilterForm(request.user, request.GET)
    if not form.is_valid():
        return None, _("Bộ lọc chưa hợp lệ; hãy sửa bộ lọc trong danh sách rồi xuất lại.")
    found = form.filter(cases_for_user(request.user), timezone.localdate())
    count = found.count()
    if count > MAX_ROWS:
        return None, _(
            "Bộ lọc cho ra %(count)s vụ việc, quá giới hạn %(limit)s vụ việc của một lần xuất: "
            "hãy lọc hẹp hơn (theo trạng thái, lĩnh vực, xã phường…) rồi xuất từng phần."
        ) % {"count": number_format(count, force_grouping=True),
             "limit": number_format(MAX_ROWS, force_grouping=True)}  # fmt: skip
    filters = {name: request.GET[name] for name in form.fields if request.GET.get(name)}
    return (found.values_list(*FIELDS), filters, count), ""


def export(request, fmt: str, write):
    if request.htmx:
        # The queue's link sends the filters as they are on screen now; the browser then
        # downloads the file by an ordinary request.
        query = request.GET.urlencode()
        return HttpResponseClientRedirect(request.path + (f"?{query}" if query else ""))
    found, problem = exported_cases(request)
    if found is None:
        messages.error(request, problem)
        query = request.GET.urlencode()
        return redirect(reverse("cases:queue") + (f"?{query}" if query else ""))
    rows, filters, count = found
    record(request.user, "case.export", ("cases.export", fmt), format=fmt, filters=filters,
           rows=count)  # fmt: skip
    response = write(rows.iterator(chunk_size=CHUNK), Labels())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="vu-viec-{stamp}.{fmt}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


# CSV


class Echo:
    """A file that hands back what is written to it: csv.writer makes one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_text(value) -> str:
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if value is None:
        return ""
    # Control characters pasted from Word are no text; removed before the formula check.
    text = CONTROL_CHARACTERS.sub("", str(value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(rows: Iterator[tuple], labels: Labels) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff"  # the byte-order mark tells Excel the file is UTF-8
    yield writer.writerow(labels.headers)
    for values in rows:
        yield writer.writerow([csv_text(cell) for cell in labels.row(values)])


def write_csv(rows, labels: Labels) -> StreamingHttpResponse:
    return StreamingHttpResponse(csv_lines(rows, labels), content_type="text/csv; charset=utf-8")


@working_role_required
def export_csv(request):
    return export(request, "csv", write_csv)


# Excel


def write_xlsx(rows, labels: Labels) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Vụ việc"))
    for position, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, font=None) -> WriteOnlyCell:
        if isinstance(value, str):
            # openpyxl refuses control characters (a "\x0b" pasted from Word): removed.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # text stays text, even when it starts with “=”
        elif isinstance(value, date | datetime):
            written.number_format = "DD/MM/YYYY"
        if font is not None:
            written.font = font
        return written

    sheet.append([cell(header, bold) for header in labels.headers])
    for values in rows:
        sheet.append([cell(value) for value in labels.row(values)])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@working_role_required
def export_xlsx(request):
    return export(request, "xlsx", write_xlsx)
