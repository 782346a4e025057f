"""Texts from files: plain-text news articles, JSON Lines, CSV, RSS 2.0 and Atom.

    parse(content, "jsonl")            ->  ParsedFile  (every item with its line, nothing stored)
    draft_of(item, kind=…, source=…)   ->  TextDraft   (or ItemProblem: why the item is refused)

A file that cannot be read at all (not UTF-8, not XML, too large) is refused whole with a
`Refused` that says how to fix it; a bad line or item is reported with its line (or its number
among the feed's items) and the others go on. A JSONL or CSV file that is UTF-8 but for a few
lines has those lines refused, each with its line; a file wholly in another encoding (UTF-16,
Windows-1252) is refused whole. Storing is `actions.do_import_texts`.

The plain-text news format: line 1 is `date YYYY-MM`, then the body, and the last line is the
author's name in capitals. A directory of such files is one import (`read_news_directory`).
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from nghedan.insight.models import Text
from nghedan.lib.plain_text import plain_text
from nghedan.lib.refusal import Refused
from nghedan.lib.text_files import (
    decode_lines,
    decode_whole,
    half_pair_problem,
    read_csv_cells_up_to,
    undecoded_problem,
)

FORMATS = ("news", "jsonl", "csv", "rss")
EXTENSIONS = {
    ".txt": "news", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xml": "rss",
    ".rss": "rss", ".atom": "rss",
}  # fmt: skip
FIELDS = ("text", "title", "date", "author", "url", "kind")
MAX_FILE_BYTES = 50 * 1024 * 1024
# Far beyond any article; the engine reads only the start of a long text anyway.
MAX_TEXT_CHARS = 500_000
MAX_TITLE_CHARS = 300
MAX_AUTHOR_CHARS = 150
MAX_URL_CHARS = 1000
# Kept indexed: 500 characters stay within an index entry on PostgreSQL.
MAX_ITEM_KEY_CHARS = 500
# A news file's last line is its author when it is short and written in capitals.
MAX_AUTHOR_LINE_CHARS = 80
NEWS_DATE_LINE = re.compile(r"^date\s+(\d{4})-(\d{1,2})$", re.IGNORECASE)
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
KIND_WORDS = {
    "news": Text.Kind.NEWS, "bai bao": Text.Kind.NEWS, "bài báo": Text.Kind.NEWS,
    "comment": Text.Kind.COMMENT, "binh luan": Text.Kind.COMMENT,
    "bình luận": Text.Kind.COMMENT, "grassroots": Text.Kind.GRASSROOTS,
    "bao cao co so": Text.Kind.GRASSROOTS, "báo cáo từ cơ sở": Text.Kind.GRASSROOTS,
    "báo cáo cơ sở": Text.Kind.GRASSROOTS, "other": Text.Kind.OTHER, "khac": Text.Kind.OTHER,
    "khác": Text.Kind.OTHER,
}  # fmt: skip
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DUBLIN_CORE_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
XHTML = "{http://www.w3.org/1999/xhtml}"
# XHTML elements after which a feed body's text goes on a new line.
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
    "table", "pre", "figure", "figcaption", "section", "article",
}  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One text as read from a file, before any check: its line (or its number among a feed's
    items), the file it came from when a directory is read, its values by field; `error` when
    it could not even be read (malformed JSON); for a feed's item, `key`, which item of the
    feed it is (its RSS guid or Atom id, else its link)."""

    line: int
    values: Mapping[str, Any]
    file: str = ""
    error: str = ""
    note: str = ""
    key: str = ""


@dataclass
class ParsedFile:
    items: list[Item]
    format: str
    checksum: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TextDraft:
    """A text that passed every check, ready to be stored."""

    kind: str
    title: str
    body: str
    published_on: date | None
    precision: str
    author: str
    url: str
    source_name: str
    note: str = ""
    item_key: str = ""


class ItemProblem(Exception):
    """Why one item is refused, in words for the person who fixes the file."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Reading a file


def detect_format(filename: str, content: bytes) -> str:
    """By the file's extension; failing that, by its first bytes."""
    suffix = Path(filename).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if start.startswith(b"<"):
        return "rss"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"date"):
        return "news"
    return "csv"


def parse(content: bytes, fmt: str, filename: str = "") -> ParsedFile:
    if fmt not in FORMATS:
        raise Refused(
            "bad_format",
            _("Định dạng “%(format)s” không dùng được; hãy chọn một trong: %(formats)s.")
            % {"format": fmt, "formats": ", ".join(FORMATS)},
            "format",
        )
    check_size(len(content))
    readers = {"news": read_news, "jsonl": read_jsonl, "csv": read_csv, "rss": read_feed_xml}
    parsed = readers[fmt](content, filename)
    parsed.checksum = hashlib.sha256(content).hexdigest()
    if not parsed.items:
        raise Refused("empty_file", _("Tệp không có văn bản nào để nhập."), "file")
    return parsed


def check_size(size: int, limit: int = MAX_FILE_BYTES) -> None:
    if size > limit:
        raise Refused(
            "too_large",
            _("Tệp nặng %(size).1f MB, vượt giới hạn %(limit)s MB: hãy chia thành nhiều tệp nhỏ "
              "hơn.") % {"size": size / 1024 / 1024, "limit": limit // (1024 * 1024)},
            "file",
        )  # fmt: skip


def read_news(content: bytes, filename: str = "") -> ParsedFile:
    """One article: `date YYYY-MM`, the body, the author in capitals on the last line. A file
    that breaks the format is one refused item, so a directory's other files still go in."""
    return ParsedFile([news_item(content, filename)], "news")


def news_item(content: bytes, filename: str) -> Item:
    try:
        text = decode_whole(content)
    except Refused as refusal:
        return Item(1, {}, filename, refusal.message)
    lines = [line.strip() for line in plain_text(text).split("\n")]
    if not lines or not lines[0]:
        return Item(1, {}, filename, _("Tệp trống."))
    match = NEWS_DATE_LINE.match(lines[0])
    if match is None:
        return Item(
            1,
            {},
            filename,
            _("Dòng 1 phải là ngày đăng dạng “date YYYY-MM” (ví dụ: date 2023-05), đang là "
              "“%(line)s”.") % {"line": lines[0][:60]},
        )  # fmt: skip
    rest = lines[1:]
    while rest and not rest[-1]:
        rest.pop()
    author = rest.pop() if rest and is_author_line(rest[-1]) else ""
    body = "\n".join(rest).strip()
    title = next((line for line in rest if line), "")
    values = {
        "text": body,
        "title": title if len(title) <= MAX_TITLE_CHARS and title != body else "",
        "date": f"{match[1]}-{int(match[2]):02d}",
        "author": author.title() if author else "",
    }
    note = "" if author else _("Dòng cuối không phải tên tác giả viết hoa: nhập không có tác giả.")
    return Item(1, values, filename, note=note)


def is_author_line(line: str) -> bool:
    letters = [char for char in line if char.isalpha()]
    return bool(letters) and len(line) <= MAX_AUTHOR_LINE_CHARS and line == line.upper()


def read_news_directory(directory: Path) -> ParsedFile:
    """Every .txt file in the directory (not its subdirectories), in name order."""
    paths = sorted(path for path in directory.iterdir() if path.suffix.lower() == ".txt")
    if not paths:
        raise Refused(
            "empty_directory",
            _("Thư mục %(path)s không có tệp .txt nào.") % {"path": directory},
            "file",
        )
    items = []
    digest = hashlib.sha256()
    for path in paths:
        # A name that is not UTF-8 is shown (and kept in the report) with its bad bytes replaced.
        name = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        digest.update(name.encode())
        try:
            if path.is_dir():
                items.append(Item(1, {}, name, _("Đây là một thư mục, không phải tệp: bỏ qua.")))
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                items.append(Item(1, {}, name, _("Tệp quá lớn (quá 50 MB).")))
                continue
            content = path.read_bytes()
        except OSError as error:
            items.append(
                Item(1, {}, name, _("Không đọc được tệp (%(reason)s): hãy kiểm tra tệp, liên kết "
                                    "hoặc quyền đọc.") % {"reason": error.strerror or error})
            )  # fmt: skip
            continue
        digest.update(content)
        items.append(news_item(content, name))
    return ParsedFile(items, "news", digest.hexdigest())


def read_jsonl(content: bytes, filename: str = "") -> ParsedFile:
    """One JSON object a line. Lines end at "\n" only (a "\r" before it is dropped): U+2028,
    U+0085 and the like are characters inside a line, as JSON has them."""
    items = []
    for line, raw in enumerate(decode_lines(content).split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip():
            continue
        if problem := undecoded_problem(raw):
            items.append(Item(line, {}, error=problem))
            continue
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as error:
            items.append(
                Item(line, {}, error=_("Không đọc được JSON ở dòng %(line)s, cột %(column)s: hãy "
                                       "kiểm tra dấu ngoặc, dấu phẩy và dấu ngoặc kép quanh chỗ "
                                       "đó.") % {"line": line, "column": error.colno})
            )  # fmt: skip
            continue
        if not isinstance(values, dict):
            items.append(
                Item(line, {}, error=_("Mỗi dòng phải là một đối tượng JSON {…} có khóa “text”."))
            )
            continue
        items.append(Item(line, {str(key).strip().lower(): value for key, value in values.items()}))
    return ParsedFile(items, "jsonl")


class RecordingLines:
    """The lines of a text for `csv.reader`, remembering those read since `start()` and whether
    the text has run out, so a record the reader cannot parse can be placed and judged."""

    def __init__(self, text: str):
        self.source = io.StringIO(text, newline="")
        self.taken: list[str] = []
        self.exhausted = False

    def start(self) -> None:
        self.taken = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.source.readline()
        if not line:
            self.exhausted = True
            raise StopIteration
        self.taken.append(line)
        return line


def read_csv(content: bytes, filename: str = "") -> ParsedFile:
    """Strict about quotes, so that a quote left open is found rather than swallowing the rows
    after it: the rows before it are read, it is reported at the line where it opens. A row
    whose only fault is a stray quote within one line is read as spreadsheets read it."""
    text = decode_lines(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    read_csv_cells_up_to(MAX_FILE_BYTES)  # an over-long text is refused on its line (`draft_of`)
    lines = RecordingLines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next_record(reader, lines, delimiter)
    except csv.Error as error:
        raise Refused(
            "bad_file",
            _("Không đọc được dòng tiêu đề của tệp CSV: dấu ngoặc kép ở dòng 1 không đóng. Dòng 1 "
              "phải là tên các cột, ví dụ: text,title,date."),
            "file",
        ) from error  # fmt: skip
    columns = [str(cell).strip().strip("\ufeff").lower() for cell in header or []]
    if "text" not in columns:
        raise Refused(
            "missing_columns",
            _("Dòng 1 phải là dòng tiêu đề có cột “text” (nội dung); các cột dùng được: "
              "%(columns)s.") % {"columns": ", ".join(FIELDS)},
            "file",
        )  # fmt: skip
    items = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next_record(reader, lines, delimiter)
        except csv.Error:
            items.append(Item(line, {}, error=unclosed_quote(line)))
            break
        if cells is None:
            break
        if any(cell.strip() for cell in cells):
            items.append(csv_item(line, columns, cells))
    warnings = []
    unused = sorted(set(columns) - set(FIELDS) - {""})
    if unused:
        warnings.append(
            _("Bỏ qua các cột không dùng đến: %(columns)s.") % {"columns": ", ".join(unused)}
        )
    return ParsedFile(items, "csv", warnings=warnings)


def next_record(reader, lines: RecordingLines, delimiter: str) -> list[str] | None:
    """The next record; None at the end. A quote out of place within one line is read as a
    spreadsheet reads it; csv.Error when a quote stays open across lines or to the end."""
    lines.start()
    try:
        return next(reader, None)
    except csv.Error:
        if len(lines.taken) == 1 and not lines.exhausted:
            return next(csv.reader(lines.taken, delimiter=delimiter), [])
        raise


def unclosed_quote(line: int) -> str:
    return _(
        "Dấu ngoặc kép mở ở dòng %(line)s không được đóng đúng chỗ, nên từ dòng %(line)s đến cuối "
        "tệp chưa được nhập. Hãy đóng dấu ngoặc kép của ô đó (hoặc xóa nó) rồi nhập lại tệp; các "
        "văn bản đã nhập sẽ không bị lưu hai lần."
    ) % {"line": line}


def csv_item(line: int, columns: list[str], cells: list[str]) -> Item:
    if problem := undecoded_problem("".join(cells)):
        return Item(line, {}, error=problem)
    if any(cell.strip() for cell in cells[len(columns) :]):
        return Item(
            line,
            {},
            error=_("Dòng có %(cells)s ô nhưng tiêu đề chỉ có %(columns)s cột: có thể một ô có "
                    "dấu phẩy mà thiếu dấu ngoặc kép bao quanh.")
            % {"cells": len(cells), "columns": len(columns)},
        )  # fmt: skip
    return Item(line, dict(zip(columns, cells, strict=False)))


def read_feed_xml(content: bytes, filename: str = "") -> ParsedFile:
    """RSS 2.0 (channel/item) or Atom (feed/entry). Parsed by defusedxml: a document that
    declares entities or fetches external ones is refused, never expanded."""
    try:
        root = fromstring(content)
    except DefusedXmlException as error:
        raise Refused(
            "unsafe_xml",
            _("Tệp XML có khai báo thực thể (DTD, ENTITY) nên không được đọc, vì lý do an toàn. "
              "Nguồn RSS, Atom bình thường không cần các khai báo này."),
            "file",
        ) from error  # fmt: skip
    except (ParseError, ValueError) as error:
        raise Refused(
            "bad_xml",
            _("Không đọc được tệp RSS/Atom: XML hỏng (%(problem)s).") % {"problem": error},
            "file",
        ) from error
    if root.tag == f"{ATOM}feed":
        entries = root.findall(f"{ATOM}entry")
        items = [atom_item(number, entry) for number, entry in enumerate(entries, start=1)]
    elif root.tag == "rss" or root.find("channel") is not None:
        entries = root.findall("./channel/item")
        items = [rss_item(number, entry) for number, entry in enumerate(entries, start=1)]
    else:
        raise Refused(
            "not_a_feed",
            _("Tệp XML không phải RSS 2.0 (<rss><channel><item>) hay Atom (<feed><entry>)."),
            "file",
        )
    return ParsedFile(items, "rss")


def child_text(element: Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def html_to_text(markup: str) -> str:
    """Feed bodies are often HTML: paragraphs become lines, tags and entities go."""
    markup = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\b[^>]*>", "\n", markup)
    return unescape(strip_tags(markup))


def markup_text(element: Element, tag: str) -> str:
    """The text of a feed's title or body: escaped HTML (RSS, Atom type="html") or plain text as
    HTML is read; markup written as elements (Atom type="xhtml", or a <description> holding <p>
    elements) is read from the elements' text, each block on its own line."""
    found = element.find(tag)
    if found is None:
        return ""
    if len(found) == 0 and found.get("type") != "xhtml":
        return html_to_text((found.text or "").strip())
    parts: list[str] = []
    if found.get("type") != "xhtml" and found.text:
        parts.append(found.text)
    for child in found:
        element_text(child, parts)
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def element_text(element: Element, parts: list[str]) -> None:
    """Appends the text of the element and its descendants (as `itertext`), then its tail; a
    block element ends its line."""
    name = str(element.tag).rsplit("}", 1)[-1].lower()
    if name in BLOCK_TAGS:
        parts.append("\n")
    parts.append(element.text or "")
    for child in element:
        element_text(child, parts)
    if name in BLOCK_TAGS:
        parts.append("\n")
    parts.append(element.tail or "")


def rss_item(number: int, entry: Element) -> Item:
    body = markup_text(entry, CONTENT_ENCODED) or markup_text(entry, "description")
    link = child_text(entry, "link")
    return Item(
        number,
        {
            "text": body,
            "title": markup_text(entry, "title"),
            "date": feed_date(child_text(entry, "pubDate")),
            "author": child_text(entry, DUBLIN_CORE_CREATOR) or child_text(entry, "author"),
            "url": link,
        },
        key=child_text(entry, "guid") or link,
    )


def atom_item(number: int, entry: Element) -> Item:
    link = next(
        (
            element.get("href", "")
            for element in entry.findall(f"{ATOM}link")
            if element.get("rel", "alternate") == "alternate"
        ),
        "",
    )
    body = markup_text(entry, f"{ATOM}content") or markup_text(entry, f"{ATOM}summary")
    stamp = child_text(entry, f"{ATOM}published") or child_text(entry, f"{ATOM}updated")
    return Item(
        number,
        {
            "text": body,
            "title": markup_text(entry, f"{ATOM}title"),
            "date": feed_date(stamp),
            "author": child_text(entry, f"{ATOM}author/{ATOM}name"),
            "url": link,
        },
        key=child_text(entry, f"{ATOM}id") or link,
    )


def feed_date(stamp: str) -> str:
    """RFC 822 (RSS) or ISO 8601 (Atom) to the local calendar day; "" when unreadable, since a
    feed's dates are not the operator's to fix."""
    if not stamp:
        return ""
    try:
        moment = parsedate_to_datetime(stamp)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.date().isoformat()


# Checking one item


def draft_of(item: Item, *, kind: str, source_name: str) -> TextDraft:
    """The text to store, or ItemProblem saying what is wrong with the item."""
    if item.error:
        raise ItemProblem(item.error)
    body = plain_text(value(item, "text"))
    if not body:
        raise ItemProblem(_("Thiếu nội dung: trường “text” trống hoặc không có."))
    if len(body) > MAX_TEXT_CHARS:
        raise ItemProblem(
            _("Nội dung dài %(length)s ký tự, vượt giới hạn %(limit)s: hãy chia thành nhiều văn "
              "bản.") % {"length": f"{len(body):,}".replace(",", "."),
                         "limit": f"{MAX_TEXT_CHARS:,}".replace(",", ".")}
        )  # fmt: skip
    published_on, precision = read_date(value(item, "date"))
    return TextDraft(
        kind=read_kind(value(item, "kind"), kind),
        title=limited(plain_text(value(item, "title")), MAX_TITLE_CHARS, _("Tiêu đề")),
        body=body,
        published_on=published_on,
        precision=precision,
        author=limited(plain_text(value(item, "author")), MAX_AUTHOR_CHARS, _("Tác giả")),
        url=read_url(value(item, "url")),
        source_name=source_name,
        note=item.note,
        item_key=read_item_key(item.key),
    )


def value(item: Item, name: str) -> str:
    raw = item.values.get(name)
    if raw is None:
        return ""
    if isinstance(raw, (dict, list)):
        raise ItemProblem(
            _("Trường “%(field)s” phải là một chuỗi, không phải danh sách hay đối tượng.")
            % {"field": name}
        )
    text = str(raw)
    if problem := half_pair_problem(text, _("Trường “%(field)s”") % {"field": name}):
        raise ItemProblem(problem)
    return text


def limited(text: str, limit: int, label: str) -> str:
    if len(text) > limit:
        raise ItemProblem(
            _("%(field)s dài %(length)s ký tự, tối đa %(limit)s.")
            % {"field": label, "length": len(text), "limit": limit}
        )
    return text


def read_kind(raw: str, default: str) -> str:
    word = raw.strip().lower()
    if not word:
        return default
    if word not in KIND_WORDS:
        raise ItemProblem(
            _("Loại văn bản “%(kind)s” không có; dùng news, comment, grassroots hoặc other.")
            % {"kind": raw[:40]}
        )
    return KIND_WORDS[word]


def read_date(raw: str) -> tuple[date | None, str]:
    """YYYY-MM-DD, YYYY-MM (a month: kept as its first day), dd/mm/yyyy, or an ISO moment."""
    raw = raw.strip()
    if not raw:
        return None, Text.Precision.DAY
    try:
        if month := ISO_MONTH.match(raw):
            return date(int(month[1]), int(month[2]), 1), Text.Precision.MONTH
        if day := DAY_MONTH_YEAR.match(raw):
            return date(int(day[3]), int(day[2]), int(day[1])), Text.Precision.DAY
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ItemProblem(
            _("Ngày “%(date)s” không đọc được: hãy ghi dạng YYYY-MM-DD, YYYY-MM hoặc "
              "ngày/tháng/năm.") % {"date": raw[:40]}
        ) from None  # fmt: skip
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.date(), Text.Precision.DAY


def read_item_key(raw: str) -> str:
    """A key too long to keep identifies nothing: the item is then known by its body alone."""
    key = plain_text(raw)
    return key if len(key) <= MAX_ITEM_KEY_CHARS else ""


def read_url(raw: str) -> str:
    url = raw.strip()
    if not url:
        return ""
    if not url.lower().startswith(("http://", "https://")) or len(url) > MAX_URL_CHARS:
        raise ItemProblem(
            _("Địa chỉ “%(url)s” không dùng được: phải bắt đầu bằng http:// hoặc https:// và "
              "dài không quá 1.000 ký tự.") % {"url": url[:60]}
        )  # fmt: skip
    return url
