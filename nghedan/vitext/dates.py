"""Dates written in Vietnamese prose, with what they fix: day, month, quarter, year.

    "ngày 15/3/2024", "15-3-2024", "ngày 15 tháng 3 năm 2024"  -> day 15, month 3, year 2024
    "tháng 3/2024", "tháng 3 năm 2024"                          -> month 3, year 2024
    "quý IV/2023", "quý 4 năm 2023"                             -> quarter 4, year 2023
    "năm 2023"                                                  -> year 2023
    "6 tháng đầu năm 2024"                                      -> year 2024 (a part of it)

A day and month without a year ("15/3", "12-11") is only taken after a word that makes it a
date ("ngày", "sáng", "chiều", ...): alone it may be a score or a fraction. A number glued to
other digits, slashes or dashes (phone numbers, "12/2024/QĐ-UBND") is never a date, and an
impossible date (31/2) is skipped. One regular expression finds every form at once.
"""

from __future__ import annotations

import datetime
import re

from nghedan.vitext.result import DateMention, Span

MIN_YEAR, MAX_YEAR = 1900, 2100
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_WHEN = r"(?:ngày|ngay|sáng|sang|chiều|chieu|trưa|trua|tối|toi|đêm|dem|hôm|hom)"
_YEAR = r"\d{4}(?!\d)"
_NOT_GLUED_BEFORE = r"(?<![\w/.\-])"
_NOT_GLUED_AFTER = r"(?![\w/]|[.\-]\d)"

# Every form starts at a digit or at "tháng", "quý", "năm"; the look-ahead skips the rest of
# the text at once. The word before a day ("ngày", "sáng") is looked up afterwards.
_DATE = re.compile(
    r"(?=[\dtTqQnN])(?:"
    + "|".join(
        (
            # 15 tháng 3 năm 2024; ngày 15 tháng 3
            rf"{_NOT_GLUED_BEFORE}(?P<d1>\d{{1,2}})\s+(?:tháng|thang)\s+"
            rf"(?P<m1>\d{{1,2}})(?!\d)(?:,?\s+(?:năm|nam)\s+(?P<y1>{_YEAR}))?",
            # 6 tháng đầu năm 2024
            rf"{_NOT_GLUED_BEFORE}(?P<n5>\d{{1,2}})\s+(?:tháng|thang)\s+(?:đầu|dau|cuối|cuoi)\s+"
            rf"(?:năm|nam)\s+(?P<y5>{_YEAR})",
            # 15/3/2024, 15-3-2024, 15.3.2024; ngày 15/3
            rf"{_NOT_GLUED_BEFORE}(?P<d2>\d{{1,2}})(?P<s2>[/\-.])"
            rf"(?P<m2>\d{{1,2}})(?:(?P=s2)(?P<y2>{_YEAR}))?{_NOT_GLUED_AFTER}",
            # tháng 3/2024, tháng 3 năm 2024, tháng 3
            rf"(?<![\w])(?:tháng|thang)\s+(?P<m3>\d{{1,2}})(?!\d)(?:\s*[/\-.]\s*(?P<y3>{_YEAR})"
            rf"|,?\s+(?:năm|nam)\s+(?P<y3b>{_YEAR}))?(?![/\-.]?\d)",
            # quý IV/2023, quý 4 năm 2023, quý I
            rf"(?<![\w])(?:quý|quy)\s+(?P<q4>iv|iii|ii|i|[1-4])(?![\w])(?:\s*[/\-]\s*(?P<y4>{_YEAR})"
            rf"|,?\s+(?:năm|nam)\s+(?P<y4b>{_YEAR}))?",
            # năm 2023
            rf"(?<![\w])(?:năm|nam)\s+(?P<y6>{_YEAR})",
        )
    )
    + ")",
    re.IGNORECASE,
)
_WHEN_BEFORE = re.compile(rf"(?<![\w]){_WHEN}\s+$", re.IGNORECASE)


def find_dates(text: str) -> tuple[DateMention, ...]:
    """Every date in `text` (normalized), in order."""
    if not text or not isinstance(text, str):
        return ()
    found: list[DateMention] = []
    for match in _DATE.finditer(text):
        mention = _mention(match)
        if mention is not None:
            found.append(mention)
    return tuple(found)


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _mention(match: re.Match[str]) -> DateMention | None:
    groups = match.groupdict()
    if groups["d1"] or groups["d2"]:
        return _day(match, groups)
    if groups["n5"]:
        return _dated(match, year=_int(groups["y5"]))
    if groups["m3"]:
        month = int(groups["m3"])
        if not 1 <= month <= 12:
            return None
        return _dated(match, year=_int(groups["y3"] or groups["y3b"]), month=month)
    if groups["q4"]:
        written = groups["q4"].lower()
        quarter = ROMAN_QUARTERS.get(written) or int(written)
        if written in ROMAN_QUARTERS and not groups["q4"].isupper():
            return None  # "quý i" in lower case is not a quarter
        return _dated(match, year=_int(groups["y4"] or groups["y4b"]), quarter=quarter)
    return _dated(match, year=_int(groups["y6"]))


def _day(match: re.Match[str], groups: dict[str, str | None]) -> DateMention | None:
    day = int(groups["d1"] or groups["d2"] or 0)
    month = int(groups["m1"] or groups["m2"] or 0)
    year = _int(groups["y1"] or groups["y2"])
    text = match.string
    said_when = _WHEN_BEFORE.search(text, max(0, match.start() - 10), match.start())
    if year is None and said_when is None:
        return None  # "2-1" is a score, "3/4" a fraction
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        datetime.date(year or 2024, month, day)  # 2024 is a leap year: 29/2 stays possible
    except ValueError:
        return None
    start = said_when.start() if said_when else match.start()
    return DateMention(
        text[start : match.end()], Span(start, match.end()), year=year, month=month, day=day
    )


def _dated(
    match: re.Match[str],
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
) -> DateMention | None:
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if year is None and month is None and quarter is None:
        return None
    return DateMention(
        match.group(),
        Span(match.start(), match.end()),
        year=year,
        quarter=quarter,
        month=month,
    )
