"""The Vietnamese working-day calendar, for deadlines counted in working days.

Days off are Saturdays, Sundays and the public holidays of the `holidays` package's
Vietnam calendar, adjusted by the substitutions the government announces each year
(`extra_days_off`, `extra_working_days`), which administrators enter.

What `holidays` 0.109 gives for Vietnam (language "vi"):

- Tết Dương lịch (1/1); Tết Nguyên Đán: lunar New Year's Eve and days 1-4 (days 1-3 before
  2013); Giỗ Tổ Hùng Vương (10/3 lunar, since 2007); 30/4; 1/5; Quốc khánh 2/9 plus one
  adjacent day since 2021 (Labor Code 2019: 1/9 or 3/9 depending on the weekday);
  Ngày Văn hóa Việt Nam (24/11, since 2026).
- Observed days ("nghỉ bù"): a fixed holiday or Hùng Kings day falling on a Saturday or
  Sunday moves to the next working day. A Tết day on a Saturday moves to the previous
  working day, on a Sunday to the next one (labelled e.g. "29 Tết", "Mùng năm Tết").
- Announced swaps the package knows (e.g. 2/5/2025 off for Saturday 26/4/2025, 31/8/2026
  off for Saturday 22/8/2026): the day off is a holiday and the swapped Saturday is a
  working day (`weekend_workdays`). Later announcements must be entered as extras.

Extras win over everything: an extra working day is worked even on a package holiday.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from itertools import accumulate

import holidays

__all__ = ["EXTRA_DAY_OFF_NAME", "WorkCalendar"]

# Shown for a day off that an administrator entered; the package knows nothing about it.
EXTRA_DAY_OFF_NAME = "Ngày nghỉ theo thông báo"

_SATURDAY = 5
_LANGUAGE = "vi" if "vi" in holidays.VN.supported_languages else "en_US"


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Holidays (date -> name) and weekend days made working days, for one year.

    Cached for the process: building a year of lunar holidays costs about a millisecond.
    """
    vn = holidays.country_holidays("VN", years=year, language=_LANGUAGE)
    days_off = {d: name for d, name in vn.items() if d.year == year}
    # The package also preloads swapped Saturdays of other years; keep this year's only.
    weekend_workdays = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return days_off, weekend_workdays


class _Year:
    """One year as flags per day plus running counts, so lookups never loop."""

    __slots__ = ("first", "flags", "counts", "total")

    def __init__(self, first: int, flags: bytes):
        self.first = first  # ordinal of 1 January
        self.flags = flags  # 1 for a working day, by day of year
        # counts[i]: working days from 1 January up to and including day i
        self.counts = list(accumulate(flags))
        self.total = self.counts[-1]


class WorkCalendar:
    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ):
        self._extra_off = frozenset(extra_days_off)
        self._extra_work = frozenset(extra_working_days)
        clash = self._extra_off & self._extra_work
        if clash:
            listed = ", ".join(d.isoformat() for d in sorted(clash))
            raise ValueError(f"a date cannot be both an extra day off and working day: {listed}")
        self._years: dict[int, _Year] = {}

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build(year)
        return table

    def _build(self, year: int) -> _Year:
        days_off, weekend_workdays = _package_year(year)
        first = date(year, 1, 1).toordinal()
        length = date(year, 12, 31).toordinal() - first + 1
        flags = bytearray(length)
        for i in range(length):
            d = date.fromordinal(first + i)
            if d in self._extra_work:
                flags[i] = 1
            elif d in self._extra_off or d in days_off:
                flags[i] = 0
            elif d.weekday() >= _SATURDAY:
                flags[i] = d in weekend_workdays
            else:
                flags[i] = 1
        return _Year(first, bytes(flags))

    def is_working_day(self, d: date) -> bool:
        table = self._year(d.year)
        return table.flags[d.toordinal() - table.first] == 1

    def holiday_name(self, d: date) -> str | None:
        """Why `d` is a day off, or None for working days and ordinary weekends."""
        if d in self._extra_work:
            return None
        if d in self._extra_off:
            return EXTRA_DAY_OFF_NAME
        return _package_year(d.year)[0].get(d)

    def add_working_days(self, start: date, days: int) -> date:
        """The last day of a period of `days` working days received on `start`.

        The day of receipt is not counted ("trong thời hạn N ngày làm việc kể từ ngày
        nhận"): counting begins the next day. days=0 gives `start`.
        """
        days = operator.index(days)
        if days < 0:
            raise ValueError(f"days must be zero or positive, got {days}")
        if days == 0:
            return start
        year = start.year
        table = self._year(year)
        i = start.toordinal() - table.first
        target = table.counts[i] + days
        while target > table.total:
            target -= table.total
            year += 1
            table = self._year(year)
            i = -1
        # first day whose running count reaches the target is the target working day
        i = bisect_left(table.counts, target, lo=i + 1)
        return date.fromordinal(table.first + i)

    def add_calendar_days(self, start: date, days: int) -> date:
        """The last day of a period of `days` calendar days starting after `start`.

        Bộ luật Dân sự 2015: the period starts the day after the event (Art. 147) and,
        when its last day is a weekend day or holiday, it ends at the end of the next
        working day (Art. 148). days=0 gives `start`.
        """
        days = operator.index(days)
        if days < 0:
            raise ValueError(f"days must be zero or positive, got {days}")
        if days == 0:
            return start
        end = date.fromordinal(start.toordinal() + days)
        if self.is_working_day(end):
            return end
        return self.add_working_days(end, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative if end < start.

        With `start` today and `end` a deadline this is the number of working days left.
        """
        if end < start:
            return -self.working_days_between(end, start)
        first = self._year(start.year)
        last = self._year(end.year)
        before = first.counts[start.toordinal() - first.first]
        upto = last.counts[end.toordinal() - last.first]
        between = sum(self._year(y).total for y in range(start.year, end.year))
        return between + upto - before
