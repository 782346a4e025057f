"""Cases from a file: CSV, Excel (XLSX) or JSON Lines, one case a row, through the same
action as every channel.

    import_file(officer, content, filename="hotline-thang-3.csv")  ->  ImportReport

A file is read whole before anything is written, so a file that cannot be read changes
nothing. Then each row goes in on its own, in its own transaction (a savepoint inside an
outer one): a good row becomes a case through `do_submit_case` (which routes it and seals a
denouncer's identity), a bad row is reported with its line and a Vietnamese reason, and no
row is ever half-written. A row that repeats an earlier row of the same file is skipped.

Each file is known by its SHA-256 checksum. The audit log keeps one "case.import" entry per
run (checksum, organization, counts); a file already imported for the same organization is
refused unless forced, so running the same file twice does not make every case twice. The
entry is written before the rows, with the audit chain's write lock held while the log is
searched, so two runs of one file started together cannot both pass.

Reasons name columns and lines, never the sender's name, phone, e-mail or address: reports
are shown on screen and printed by a command, and a denouncer's identity must not be in them.
"""

import csv
import hashlib
import io
import json
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghedan.audit.chain import record
from nghedan.audit.models import AuditEntry
from nghedan.cases.access import handled_organizations
from nghedan.cases.actions import do_submit_case
from nghedan.cases.models import Category, Channel, Kind
from nghedan.cases.public_forms import CONTENT_MAX, PEOPLE_COUNT_MAX
from nghedan.lib.folding import folded
from nghedan.lib.plain_text import plain_text
from nghedan.lib.refusal import Refused
from nghedan.lib.text_files import (
    decode_lines,
    half_pair_problem,
    read_csv_cells_up_to,
    undecoded_problem,
)
from nghedan.people.models import Organization
from nghedan.places import gazetteer
from nghedan.places.models import Commune

if TYPE_CHECKING:
    from openpyxl.worksheet.cell_range import CellRange

FORMATS = ("csv", "xlsx", "jsonl")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
COLUMNS = (
    "kind", "channel", "category", "title", "description", "address", "commune_code",
    "submitter_name", "submitter_phone", "submitter_email", "submitter_address",
    "people_count", "received_at",
)  # fmt: skip
REQUIRED_COLUMNS = ("kind", "channel", "category", "title", "description")
PLACE_COLUMNS = ("address", "commune_code")
# Lengths of the case's fields (models.Case): checked here, so a long value is a reason on
# its row rather than a database error.
MAX_LENGTHS = {
    "title": 200,
    "description": CONTENT_MAX,
    "address": gazetteer.MAX_ADDRESS_LENGTH,
    "submitter_name": 150,
    "submitter_phone": 20,
    "submitter_email": 254,
    "submitter_address": 300,
}
# An XLSX is a zip: what it unpacks to is bounded too, not only what was uploaded.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_CANDIDATES_SHOWN = 8
# A time of day may follow a date (a spreadsheet's "05/03/2026 08:30"); only the day is kept.
TIME_OF_DAY = r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
DATE_PATTERN = re.compile(
    r"^(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})" + TIME_OF_DAY + "$"
)
ISO_DATE_PATTERN = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})" + TIME_OF_DAY + "$"
)
# Excel's day numbers, 1 (1 January 1900) to 2958465 (31 December 9999): a date cell that lost
# its date format reads as one. Saved as CSV it is five digits of text (years 1927 to 2173).
EXCEL_LAST_SERIAL = 2958465
EXCEL_SERIAL_TEXT = re.compile(r"^\d{5}$")
# A phone typed into a number cell loses its leading 0 (0909123456 is kept as 909123456). Without
# it, a Vietnamese mobile is 9 digits starting 3, 5, 7, 8 or 9, a landline 10 digits starting 2
# (028 3822 1234): such a number is a phone whose 0 was lost, and it gets it back.
PHONE_WITHOUT_ZERO = re.compile(r"^(?:[35789]\d{8}|2\d{9})$")
COUNT_PATTERN = re.compile(r"^\d+$")
COMMUNE_CODE_PATTERN = re.compile(r"^\d{1,5}$")
BLOCKING = "case.import"
RESULT = "case.import_result"
TARGET_TYPE = "cases.import"

logger = logging.getLogger(__name__)


class Outcome(models.TextChoices):
    CREATED = "created", gettext_lazy("Đã nhập")
    FAILED = "failed", gettext_lazy("Lỗi")
    DUPLICATE = "duplicate", gettext_lazy("Trùng, bỏ qua")


@dataclass(frozen=True)
class SourceRow:
    """One row of a file: its line in the file (the header is line 1) and its values by
    column; `error` when the line could not even be read (malformed JSON)."""

    line: int
    values: Mapping[str, Any]
    error: str = ""


@dataclass(frozen=True)
class RowResult:
    line: int
    outcome: str
    case_code: str = ""
    reason: str = ""

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checksum: str = ""
    format: str = ""

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(Outcome.CREATED)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)

    @property
    def duplicates(self) -> int:
        return self.count(Outcome.DUPLICATE)

    @property
    def ok(self) -> bool:
        return self.failed == 0


class RowProblem(Exception):
    """What is wrong with one row, in words for the person who fixes the file."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Reading a file


@dataclass
class ParsedFile:
    rows: list[SourceRow]
    warnings: list[str] = field(default_factory=list)


def detect_format(filename: str, content: bytes) -> str:
    """By the file's extension; failing that, by its first bytes."""
    lowered = filename.lower()
    for extension, fmt in EXTENSIONS.items():
        if lowered.endswith(extension):
            return fmt
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "jsonl"
    return "csv"


def read_file(content: bytes, fmt: str) -> ParsedFile:
    readers = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl}
    if fmt not in readers:
        raise Refused(
            "bad_format",
            _("Chỉ nhận tệp CSV, XLSX hoặc JSONL (đang chọn “%(format)s”).") % {"format": fmt},
            "format",
        )
    parsed = readers[fmt](content)
    if not parsed.rows:
        raise Refused(
            "empty_file",
            _("Tệp không có dòng dữ liệu nào: dòng 1 là tiêu đề cột, mỗi vụ việc một dòng sau "
              "đó."),
            "file",
        )  # fmt: skip
    return parsed


def header_columns(cells: Iterable[Any]) -> tuple[list[str], list[str]]:
    """Column keys of a header row, and the warnings about it. Refuses a header that lacks
    a required column or names one twice."""
    columns = [column_key(cell) for cell in cells]
    while columns and not columns[-1]:
        columns.pop()
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        raise Refused(
            "repeated_columns",
            _("Dòng tiêu đề có cột trùng tên: %(columns)s. Mỗi cột chỉ được có một lần.")
            % {"columns": ", ".join(repeated)},
            "file",
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if not any(name in columns for name in PLACE_COLUMNS):
        missing.append("address / commune_code")
    if missing:
        raise Refused(
            "missing_columns",
            _("Dòng tiêu đề (dòng 1) thiếu cột: %(missing)s. Các cột dùng được: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)},
            "file",
        )
    return columns, unused_columns_warning(name for name in columns if name)


def column_key(cell: Any) -> str:
    text = unicodedata.normalize("NFC", str(cell or "")).strip().strip("\ufeff").lower()
    return re.sub(r"[\s\-]+", "_", text)


def unused_columns_warning(names: Iterable[str]) -> list[str]:
    unused = sorted(set(names) - set(COLUMNS))
    if not unused:
        return []
    return [
        _("Bỏ qua các cột không dùng đến: %(columns)s. Các cột dùng được: %(known)s.")
        % {"columns": ", ".join(unused), "known": ", ".join(COLUMNS)}
    ]


def read_csv(content: bytes) -> ParsedFile:
    text = decode_lines(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    read_csv_cells_up_to(len(content))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise Refused("empty_file", _("Tệp trống."), "file")
        columns, warnings = header_columns(header)
        rows: list[SourceRow] = []
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue
            rows.append(csv_row(line, columns, cells))
    except csv.Error as error:
        raise Refused(
            "bad_file",
            _("Không đọc được tệp CSV ở dòng %(line)s; hãy mở lại bằng Excel rồi lưu dạng "
              "“CSV UTF-8”.") % {"line": reader.line_num},
            "file",
        ) from error  # fmt: skip
    return ParsedFile(rows, warnings)


def csv_row(line: int, columns: list[str], cells: list[str]) -> SourceRow:
    if problem := undecoded_problem("".join(cells)):
        return SourceRow(line, {}, problem)
    extra = [cell for cell in cells[len(columns) :] if cell.strip()]
    if extra:
        return SourceRow(
            line,
            {},
            _("Dòng có %(cells)s ô nhưng tiêu đề chỉ có %(columns)s cột: có thể một ô có dấu "
              "phẩy hoặc chấm phẩy mà thiếu dấu ngoặc kép bao quanh.")
            % {"cells": len(cells), "columns": len(columns)},
        )  # fmt: skip
    return SourceRow(line, dict(zip(columns, cells, strict=False)))


def read_xlsx(content: bytes) -> ParsedFile:
    """The first sheet: row 1 is the header, each later row a case. A merged cell's value is
    read into every cell of its range, as the sheet shows it."""
    from openpyxl import load_workbook  # only imports of Excel files need it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise not_xlsx() from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise Refused(
            "too_large",
            _("Tệp Excel khi giải nén quá lớn; hãy chia thành nhiều tệp nhỏ hơn."),
            "file",
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise not_xlsx() from error
    try:
        sheet = workbook.worksheets[0]
        merged = merged_ranges(content, sheet)
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise Refused("empty_file", _("Trang tính đầu tiên của tệp Excel trống."), "file")
        columns, warnings = header_columns(header)
        data = sheet.iter_rows(min_row=2, max_col=len(columns), values_only=True)
        rows = [
            SourceRow(line, dict(zip(columns, cells, strict=False)))
            for line, cells in enumerate(unmerged(data, merged, first_line=2), start=2)
            if any(text(cell) for cell in cells)
        ]
    finally:
        workbook.close()
    return ParsedFile(rows, warnings)


def merged_ranges(content: bytes, sheet) -> list["CellRange"]:
    """The merged ranges of a sheet opened read-only. openpyxl reads them only when it loads
    a whole sheet into memory (tens of times the file's size), so they are read here from the
    sheet's XML, streamed."""
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse  # defusedxml's when it is installed

    merge_cell = f"{{{SHEET_MAIN_NS}}}mergeCell"
    ranges: list[CellRange] = []
    try:
        # The sheet's part in the archive: openpyxl has no public name for it.
        with (
            zipfile.ZipFile(io.BytesIO(content)) as archive,
            archive.open(sheet._worksheet_path) as source,
        ):
            for _event, element in iterparse(source):
                if element.tag == merge_cell:
                    ranges.append(CellRange(element.get("ref")))
                element.clear()
    except (KeyError, ValueError, SyntaxError) as error:  # a damaged sheet or range
        raise not_xlsx() from error
    return ranges


def unmerged(rows: Iterable[tuple], merged: list["CellRange"], first_line: int) -> Iterator[list]:
    """The rows with each merged range's value in every cell of the range. Rows come in
    order, so a range's value (its first cell's) is read before the rows below need it."""
    starting: dict[int, list[CellRange]] = {}
    for cell_range in merged:
        starting.setdefault(cell_range.min_row, []).append(cell_range)
    spanning: list[tuple[CellRange, Any]] = []
    for line, row in enumerate(rows, start=first_line):
        cells = list(row)
        spanning = [(span, value) for span, value in spanning if span.max_row >= line]
        for span in starting.pop(line, ()):
            first = span.min_col - 1
            spanning.append((span, cells[first] if first < len(cells) else None))
        for span, value in spanning:
            for column in range(span.min_col - 1, min(span.max_col, len(cells))):
                cells[column] = value
        yield cells


def not_xlsx() -> Refused:
    return Refused(
        "bad_file",
        _("Tệp không phải tệp Excel .xlsx đọc được. Tệp .xls cũ: hãy mở bằng Excel và lưu "
          "lại dạng .xlsx."),
        "file",
    )  # fmt: skip


def read_jsonl(content: bytes) -> ParsedFile:
    """One JSON object a line; blank lines are skipped but counted, so line numbers are those
    an editor shows. Lines end at "\n" only (a "\r" before it is dropped): U+2028, U+0085 and
    the like are characters inside a line, as JSON has them."""
    rows: list[SourceRow] = []
    keys: set[str] = set()
    for line, raw in enumerate(decode_lines(content).split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip():
            continue
        if problem := undecoded_problem(raw):
            rows.append(SourceRow(line, {}, problem))
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            reason = _(
                "Dòng này không phải JSON hợp lệ (lỗi ở ký tự thứ %(column)s); hãy kiểm tra "
                "dấu ngoặc kép, dấu phẩy và dấu ngoặc nhọn."
            ) % {"column": error.colno}
            rows.append(SourceRow(line, {}, reason))
            continue
        if not isinstance(value, dict):
            rows.append(SourceRow(line, {}, _(
                "Mỗi dòng phải là một đối tượng JSON, ví dụ {\"kind\": \"phản ánh\", "
                "\"title\": \"…\"}.")))  # fmt: skip
            continue
        values = {column_key(key): item for key, item in value.items()}
        keys.update(values)
        rows.append(SourceRow(line, values))
    return ParsedFile(rows, unused_columns_warning(keys))


# Reading one value


def text(value: Any) -> str:
    """A cell as text: numbers without a trailing “.0”, dates as day/month/year."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return plain_text(str(value))


def same_text(value: str) -> str:
    return " ".join(value.split()).casefold()


class Lookups:
    """The names a file may use for kinds, channels, categories and places, read once a run."""

    def __init__(self):
        self.kinds = choice_names(Kind)
        self.channels = choice_names(Channel)
        self.categories: dict[str, Category] = {}
        for category in Category.objects.all():
            self.categories.setdefault(folded(category.name), category)
            self.categories[folded(category.code)] = category
        self.communes: dict[str, Commune | None] = {}
        self.addresses: dict[str, gazetteer.Resolution] = {}

    def commune(self, code: str) -> Commune | None:
        if code not in self.communes:
            self.communes[code] = (
                Commune.objects.select_related("province").filter(code=code).first()
            )
        return self.communes[code]

    def resolve(self, address: str) -> gazetteer.Resolution:
        if address not in self.addresses:
            self.addresses[address] = gazetteer.resolve(address)
        return self.addresses[address]


def choice_names(choices: type[models.TextChoices]) -> dict[str, str]:
    """Each choice by its code, its Vietnamese name and its name in the current language."""
    names = {folded(value): value for value in choices.values}
    for value, label in choices.choices:
        names.setdefault(folded(str(label)), value)
    with translation.override("vi"):
        for value, label in choices.choices:
            names.setdefault(folded(str(label)), value)
    return names


def submission(values: Mapping[str, Any], lookups: Lookups) -> tuple[dict, date | None]:
    """The arguments of `do_submit_case` for one row, and the day it was received if the
    file says; RowProblem when the row is wrong."""
    for name in COLUMNS:
        if isinstance(values.get(name), (dict, list)):
            raise RowProblem(
                _("Cột %(column)s phải là chữ hoặc số, không phải danh sách hay đối tượng JSON.")
                % {"column": name}
            )
    row = {name: text(values.get(name)) for name in COLUMNS}
    for name, value in row.items():
        if problem := half_pair_problem(value, _("Cột %(column)s") % {"column": name}):
            raise RowProblem(problem)
    row["submitter_phone"] = read_phone(values.get("submitter_phone"))
    for name, limit in MAX_LENGTHS.items():
        if len(row[name]) > limit:
            raise RowProblem(
                _("Cột %(column)s dài tối đa %(limit)s ký tự (đang có %(length)s).")
                % {"column": name, "limit": limit, "length": len(row[name])}
            )
    if not row["title"]:
        raise RowProblem(_("Thiếu tóm tắt (cột title): mỗi vụ việc cần một câu tóm tắt."))
    if not row["description"]:
        raise RowProblem(_("Thiếu nội dung (cột description): hãy ghi nội dung người dân nêu."))
    if row["submitter_email"]:
        try:
            validate_email(row["submitter_email"])
        except ValidationError as error:
            raise RowProblem(
                _("E-mail người gửi (cột submitter_email) chưa đúng dạng, ví dụ đúng: "
                  "ten@example.vn.")
            ) from error  # fmt: skip
    arguments = {
        "kind": read_kind(row["kind"], lookups),
        "channel": read_channel(row["channel"], lookups),
        "category": read_category(row["category"], lookups),
        "commune": read_place(row["commune_code"], row["address"], lookups),
        "people_count": read_count(row["people_count"]),
        "title": row["title"],
        "description": row["description"],
        "address": row["address"],
        "submitter_name": row["submitter_name"],
        "submitter_phone": row["submitter_phone"],
        "submitter_email": row["submitter_email"],
        "submitter_address": row["submitter_address"],
    }
    return arguments, read_day(values.get("received_at"))


def read_kind(value: str, lookups: Lookups) -> str:
    kind = lookups.kinds.get(folded(value))
    if kind is None:
        raise RowProblem(
            (_("Loại (cột kind) “%(value)s” không hợp lệ: ") % {"value": value} if value
             else _("Thiếu loại (cột kind): "))
            + _("hãy ghi phản ánh, kiến nghị, khiếu nại hoặc tố cáo.")
        )  # fmt: skip
    return kind


def read_channel(value: str, lookups: Lookups) -> str:
    channel = lookups.channels.get(folded(value))
    if channel is None:
        raise RowProblem(
            (_("Kênh tiếp nhận (cột channel) “%(value)s” không hợp lệ: ") % {"value": value}
             if value else _("Thiếu kênh tiếp nhận (cột channel): "))
            + _("hãy ghi một trong các mã %(codes)s.") % {"codes": ", ".join(Channel.values)}
        )  # fmt: skip
    return channel


def read_category(value: str, lookups: Lookups) -> Category:
    category = lookups.categories.get(folded(value))
    if category is None:
        raise RowProblem(
            (_("Lĩnh vực (cột category) “%(value)s” không có trong danh mục: ")
             % {"value": value} if value else _("Thiếu lĩnh vực (cột category): "))
            + _("hãy ghi mã (ví dụ infrastructure) hoặc tên lĩnh vực (ví dụ Hạ tầng).")
        )  # fmt: skip
    if not category.is_active:
        raise RowProblem(
            _("Lĩnh vực “%(name)s” đã ngừng sử dụng: hãy chọn lĩnh vực khác.")
            % {"name": category.name}
        )
    return category


def read_place(code: str, address: str, lookups: Lookups) -> Commune:
    """The commune by its code when given (the address is then kept as written), else the
    commune the gazetteer finds for the address; it never guesses among several."""
    if code:
        commune = lookups.commune(code.zfill(5)) if COMMUNE_CODE_PATTERN.match(code) else None
        if commune is None:
            raise RowProblem(
                _("Không có xã, phường nào mang mã “%(code)s” (cột commune_code): mã gồm 5 chữ "
                  "số theo danh mục đơn vị hành chính, ví dụ 26740 là phường Sài Gòn.")
                % {"code": code}
            )  # fmt: skip
        return commune
    if not address:
        raise RowProblem(
            _("Thiếu nơi xảy ra: hãy ghi địa chỉ (cột address) hoặc mã xã, phường (cột "
              "commune_code).")
        )  # fmt: skip
    resolution = lookups.resolve(address)
    if resolution.status == gazetteer.FOUND and resolution.commune is not None:
        return resolution.commune
    if resolution.status == gazetteer.AMBIGUOUS:
        shown = resolution.candidates[:MAX_CANDIDATES_SHOWN]
        more = len(resolution.candidates) - len(shown)
        raise RowProblem(
            _("Địa chỉ “%(address)s” có thể thuộc nhiều xã, phường: %(candidates)s%(more)s. "
              "Hãy ghi thêm tên quận, huyện cũ hoặc tỉnh, thành phố, hoặc ghi mã xã, phường "
              "vào cột commune_code.")
            % {
                "address": address,
                "candidates": "; ".join(
                    _("%(commune)s, %(province)s (mã %(code)s)")
                    % {"commune": c.name, "province": c.province.name, "code": c.code}
                    for c in shown
                ),
                "more": _(" và %(count)s nơi khác") % {"count": more} if more > 0 else "",
            }
        )  # fmt: skip
    raise RowProblem(
        _("Không xác định được xã, phường của địa chỉ “%(address)s”: %(explanation)s")
        % {"address": address, "explanation": resolution.explanation}
    )


def read_phone(value: Any) -> str:
    """The phone as written; a number cell's phone gets back the leading 0 it lost."""
    written = text(value)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and PHONE_WITHOUT_ZERO.match(written):
        return "0" + written
    return written


def read_count(value: str) -> int:
    """1 when empty, else a whole number from 1 to the limit of the public form."""
    if not value:
        return 1
    digits = value.lstrip("0")
    if not COUNT_PATTERN.match(value) or not digits:
        raise RowProblem(
            _("Số người cùng nêu (cột people_count) phải là số nguyên từ 1 trở lên (đang ghi "
              "“%(value)s”).") % {"value": value}
        )  # fmt: skip
    # Length first: int() refuses thousands of digits. The value is not repeated: a number
    # this long is most often a phone typed in the wrong column.
    if len(digits) > len(str(PEOPLE_COUNT_MAX)) or int(digits) > PEOPLE_COUNT_MAX:
        raise RowProblem(
            _("Số người cùng nêu (cột people_count) nhiều nhất là %(limit)s, nhưng ô này ghi "
              "một số %(length)s chữ số: hãy kiểm tra lại, có thể đã ghi nhầm số điện thoại "
              "vào cột này.")
            % {"limit": PEOPLE_COUNT_MAX, "length": len(digits)}
        )  # fmt: skip
    return int(digits)


def read_day(value: Any) -> date | None:
    """The day a petition was received, not after today."""
    day = received_day(value)
    if day is not None and day > timezone.localdate():
        raise RowProblem(
            _("Ngày tiếp nhận %(day)s ở sau hôm nay: hãy kiểm tra lại cột received_at.")
            % {"day": day.strftime("%d/%m/%Y")}
        )
    return day


def received_day(value: Any) -> date | None:
    """An Excel date, dd/mm/yyyy or yyyy-mm-dd (a time of day after it is allowed), or an
    Excel day number; None when empty."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    written = text(value)
    if not written:
        return None
    day = excel_serial_day(value, written) or parse_day(written)
    if day is None:
        raise RowProblem(
            _("Ngày tiếp nhận (cột received_at) “%(value)s” không phải ngày hợp lệ: hãy ghi "
              "ngày/tháng/năm, có thể kèm giờ:phút, ví dụ 05/03/2026 hoặc 05/03/2026 08:30; "
              "cũng nhận năm-tháng-ngày (2026-03-05) và ô kiểu ngày của Excel.")
            % {"value": written}
        )  # fmt: skip
    return day


def excel_serial_day(value: Any, written: str) -> date | None:
    """The day of an Excel day number: a number cell, or five digits of text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = value
    elif EXCEL_SERIAL_TEXT.match(written):
        serial = int(written)
    else:
        return None
    if not 1 <= serial <= EXCEL_LAST_SERIAL:  # also refuses NaN
        return None
    from openpyxl.utils.datetime import from_excel  # only files from Excel need it

    return from_excel(serial).date()


def parse_day(written: str) -> date | None:
    """dd/mm/yyyy or yyyy-mm-dd, with an optional HH:MM[:SS] that must be a time of day."""
    match = DATE_PATTERN.match(written) or ISO_DATE_PATTERN.match(written)
    if match is None:
        return None
    parts = {name: int(part or 0) for name, part in match.groupdict().items()}
    try:
        time(parts["hour"], parts["minute"], parts["second"])
        return date(parts["year"], parts["month"], parts["day"])
    except ValueError:
        return None


def same_as_key(arguments: dict) -> tuple:
    """What makes two rows the same matter: what, where and who."""
    commune = arguments["commune"]
    return (
        same_text(arguments["title"]),
        same_text(arguments["description"]),
        commune.pk if commune else None,
        *(
            same_text(arguments[name])
            for name in ("submitter_name", "submitter_phone", "submitter_email",
                         "submitter_address")
        ),
    )  # fmt: skip


# Importing


def check_importer(actor, organization: Organization | None) -> None:
    """Only people who handle cases import them, and only into an organization they handle."""
    handled = handled_organizations(actor)
    if not handled.exists():
        raise Refused(
            "not_a_handler",
            _("Chỉ cán bộ tiếp nhận, xử lý vụ việc mới được nhập vụ việc từ tệp."),
            status=403,
        )
    if organization is not None and not handled.filter(pk=organization.pk).exists():
        raise Refused(
            "bad_organization",
            _("Bạn không xử lý vụ việc của %(organization)s: hãy chọn cơ quan bạn làm việc, "
              "hoặc để trống để chuyển theo quy tắc.") % {"organization": organization},
            "organization",
        )  # fmt: skip


def import_rows(
    actor, rows: Iterable[SourceRow | Mapping[str, Any]], *,
    organization: Organization | None = None,
) -> ImportReport:  # fmt: skip
    """Import each good row as a case, each in its own transaction; report every row.

    Rows are `SourceRow`s, or plain mappings numbered as lines 2, 3, … of a file with a
    header."""
    check_importer(actor, organization)
    report = ImportReport()
    import_into(report, actor, rows, organization)
    return report


def import_into(report: ImportReport, actor, rows, organization: Organization | None) -> None:
    lookups = Lookups()
    seen: dict[tuple, int] = {}
    for position, row in enumerate(rows, start=2):
        source = row if isinstance(row, SourceRow) else SourceRow(position, row)
        report.rows.append(import_guarded(actor, source, organization, lookups, seen))


def import_guarded(actor, source: SourceRow, organization, lookups: Lookups, seen) -> RowResult:
    """`import_one` in a savepoint of its own: a row the database refuses, or one that meets a
    fault of ours, is undone and reported on its line, and the rows after it still go in, so
    the run ends with its report and its result in the audit log."""
    try:
        with transaction.atomic():
            return import_one(actor, source, organization, lookups, seen)
    except (DatabaseError, OverflowError):  # SQLite's driver: OverflowError for a huge integer
        logger.exception("Import: the database refused line %s", source.line)
        reason = _(
            "Cơ sở dữ liệu không nhận dòng này (có giá trị vượt giới hạn lưu trữ); dòng chưa "
            "được nhập, các dòng khác không bị ảnh hưởng. Hãy kiểm tra các cột số và ngày."
        )
    except Exception:
        logger.exception("Import: line %s failed", source.line)
        reason = _(
            "Lỗi hệ thống khi nhập dòng này; dòng chưa được nhập, các dòng khác không bị ảnh "
            "hưởng. Hãy báo quản trị hệ thống."
        )
    return RowResult(source.line, Outcome.FAILED, reason=reason)


def import_one(actor, source: SourceRow, organization, lookups: Lookups, seen) -> RowResult:
    def failed(reason: str) -> RowResult:
        return RowResult(source.line, Outcome.FAILED, reason=reason)

    if source.error:
        return failed(source.error)
    try:
        arguments, received_on = submission(source.values, lookups)
    except RowProblem as problem:
        return failed(problem.message)
    key = same_as_key(arguments)
    if key in seen:
        return RowResult(
            source.line,
            Outcome.DUPLICATE,
            reason=_("Trùng với dòng %(line)s của tệp (cùng tóm tắt, nội dung, nơi xảy ra và "
                     "người gửi).") % {"line": seen[key]},
        )  # fmt: skip
    try:
        case = do_submit_case(
            actor, organization=organization, received_on=received_on, **arguments
        )
    except Refused as refusal:
        return failed(refusal.message)
    seen[key] = source.line
    return RowResult(source.line, Outcome.CREATED, case_code=case.code)


def import_file(
    actor, content: bytes, *, filename: str = "", fmt: str | None = None,
    organization: Organization | None = None, force: bool = False,
    max_rows: int | None = None,
) -> ImportReport:  # fmt: skip
    """Read the file whole, refuse it if already imported for this organization (unless
    forced) or longer than `max_rows`, then import its rows; the audit log keeps the
    checksum and the counts."""
    check_importer(actor, organization)
    fmt = fmt or detect_format(filename, content)
    parsed = read_file(content, fmt)
    if max_rows is not None and len(parsed.rows) > max_rows:
        raise Refused(
            "too_many_rows",
            _("Tệp có %(rows)s dòng dữ liệu, quá %(limit)s dòng của một lần nhập trên trang: "
              "hãy chia thành nhiều tệp, hoặc nhờ quản trị hệ thống chạy lệnh import_cases.")
            % {"rows": len(parsed.rows), "limit": max_rows},
            "file",
        )  # fmt: skip
    checksum = hashlib.sha256(content).hexdigest()
    report = ImportReport(warnings=parsed.warnings, checksum=checksum, format=fmt)
    started = claim(actor, checksum, fmt, len(parsed.rows), organization, force)
    interrupted = True
    try:
        import_into(report, actor, parsed.rows, organization)
        interrupted = False
    finally:
        record(
            actor, RESULT, (TARGET_TYPE, checksum), started=started.seq,
            created=report.created, failed=report.failed, duplicates=report.duplicates,
            interrupted=interrupted,
        )  # fmt: skip
    return report


def organization_key(organization: Organization | None) -> str | None:
    return organization.code if organization is not None else None


@transaction.atomic
def claim(actor, checksum: str, fmt: str, rows: int, organization, force: bool) -> AuditEntry:
    """Write the run's "case.import" entry; refuse if the file was imported before.

    `record` takes the audit chain's write lock, held until this transaction ends: a second
    run of the same file waits here, then sees this entry."""
    entry = record(
        actor, BLOCKING, (TARGET_TYPE, checksum), organization=organization_key(organization),
        format=fmt, rows=rows, forced=force,
    )  # fmt: skip
    if not force:
        earlier = earlier_import(checksum, organization, before=entry.seq)
        if earlier is not None:
            raise already_imported(earlier)
    return entry


def earlier_import(
    checksum: str, organization, before: int
) -> tuple[AuditEntry, int | None] | None:
    """The last earlier run of this file for this organization that brought cases in (or
    whose result is unknown: still running or interrupted), with its count of cases."""
    entries = AuditEntry.objects.filter(target_type=TARGET_TYPE, target_id=checksum, seq__lt=before)
    results = {
        entry.data.get("started"): entry.data.get("created", 0)
        for entry in entries.filter(action=RESULT)
    }
    key = organization_key(organization)
    for entry in entries.filter(action=BLOCKING).select_related("actor").order_by("-seq"):
        if entry.data.get("organization") != key:
            continue
        created = results.get(entry.seq)
        if created is None or created > 0:
            return entry, created
    return None


def already_imported(earlier: tuple[AuditEntry, int | None]) -> Refused:
    entry, created = earlier
    when = timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M")
    who = entry.actor.get_full_name() if entry.actor else entry.actor_label
    if created is None:
        message = _(
            "Tệp này đang được nhập, hoặc lần nhập lúc %(when)s của %(who)s bị gián đoạn. Hãy "
            "xem danh sách vụ việc trước; nếu thật sự cần nhập lại, hãy chọn “Vẫn nhập lại” "
            "(lệnh import_cases: thêm --force)."
        ) % {"when": when, "who": who}
    else:
        message = _(
            "Tệp này đã được nhập lúc %(when)s bởi %(who)s (%(created)s vụ việc); nhập lại sẽ "
            "tạo vụ việc trùng. Nếu thật sự cần nhập lại, hãy chọn “Vẫn nhập lại” (lệnh "
            "import_cases: thêm --force)."
        ) % {"when": when, "who": who, "created": created}
    return Refused("already_imported", message, "force", status=409)


def rows_of(report: ImportReport) -> Iterator[tuple[int, str, str]]:
    """Line, outcome and what came of it (the case's code or the reason), for printing."""
    for row in report.rows:
        yield row.line, row.outcome_label, row.case_code or row.reason
