"""Text files people upload (CSV, JSON Lines, articles): UTF-8, and read so that a few lines
in another encoding are refused on their own, with their line numbers, and the rest is read.
Shared by the case import and the texts import."""

import csv
import re

from django.utils.translation import gettext as _

from nghedan.lib.refusal import Refused

# Bytes that are not UTF-8, as `surrogateescape` decoding keeps them (U+DC80 to U+DCFF).
UNDECODED_BYTE = re.compile("[\udc80-\udcff]")
# Any UTF-16 surrogate: in text it is either an undecoded byte or half of a broken pair (a JSON
# "\ud83d" without its other half); neither can be stored.
SURROGATE = re.compile("[\ud800-\udfff]")


def read_csv_cells_up_to(size: int) -> None:
    """Python's csv refuses a cell over 131,072 characters and so the whole file after it; a
    cell as long as the file (`size`) is read instead, and refused on its own row by the
    importer's length checks. The limit is the whole process's: raised here, never lowered."""
    csv.field_size_limit(max(csv.field_size_limit(), size))


def not_utf8(line: int) -> Refused:
    return Refused(
        "bad_encoding",
        _("Tệp không phải văn bản UTF-8 (lỗi đầu tiên ở dòng %(line)s). Hãy lưu lại tệp với "
          "bảng mã UTF-8 (trong bảng tính: “CSV UTF-8”).") % {"line": line},
        "file",
    )  # fmt: skip


def decode_whole(content: bytes) -> str:
    """The whole file as UTF-8, or Refused naming the first line that is not."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_utf8(content[: error.start].count(b"\n") + 1) from error


def decode_lines(content: bytes) -> str:
    """A line-by-line file (JSONL, CSV) as text, its bytes that are not UTF-8 kept as
    `UNDECODED_BYTE`s so that only their lines are refused (`undecoded_problem`). A file that is
    wholly in another encoding is refused: a UTF-16 one (byte-order mark, or NUL bytes all
    through), or one where no line with accents is UTF-8 and at least half the lines are not."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or content.count(b"\x00") * 4 > len(content):
        raise not_utf8(1)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = content[: error.start].count(b"\n") + 1
    text = content.decode("utf-8-sig", "surrogateescape")
    lines = [line for line in text.split("\n") if line.strip()]
    bad = sum(1 for line in lines if UNDECODED_BYTE.search(line))
    good_with_accents = any(
        not line.isascii() and not UNDECODED_BYTE.search(line) for line in lines
    )
    if not good_with_accents and bad * 2 >= len(lines):
        raise not_utf8(first_bad)
    return text


def undecoded_problem(text: str) -> str:
    """Why a line holding bytes that are not UTF-8 is refused; "" when it holds none."""
    if not UNDECODED_BYTE.search(text):
        return ""
    return _(
        "Không phải văn bản UTF-8: dòng này có byte của một bảng mã khác (ví dụ Windows-1252). "
        "Hãy lưu lại tệp với bảng mã UTF-8 rồi nhập lại dòng này."
    )


def half_pair_problem(text: str, place: str) -> str:
    """Why a value holding half of a UTF-16 pair (JSON's "\\ud83d" without its other half)
    cannot be stored; "" when it holds none. `place` names the value: “Cột title”."""
    broken = SURROGATE.search(text)
    if broken is None:
        return ""
    return _(
        "%(place)s có mã \\u%(code)04x ở ký tự thứ %(position)s: đó là nửa của một cặp mã UTF-16 "
        "(thường là một biểu tượng cảm xúc bị cắt đôi), không thành chữ. Hãy xóa mã đó hoặc viết "
        "đủ cả cặp rồi nhập lại dòng này."
    ) % {"place": place, "code": ord(broken[0]), "position": broken.start() + 1}
