"""The working-day calendar. Pure: no database, no Django settings.

Holiday dates are asserted against the pinned `holidays` package, so an upgrade that
changes them shows up here first.
"""

from datetime import date

import holidays
import pytest

from nghedan.lib.workdays import EXTRA_DAY_OFF_NAME, WorkCalendar


# The root conftest's autouse fixture needs pytest-django's `settings`; these tests
# need none, and must also run with `-p no:django`.
@pytest.fixture(name="test_settings")
def _no_django_settings():
    return None


@pytest.fixture
def cal():
    return WorkCalendar()


def package_days_off(year: int) -> set[date]:
    return set(holidays.country_holidays("VN", years=year))


# --- Tết Bính Ngọ 2026 ---


def test_tet_2026_dates_in_package():
    tet = {d for d in package_days_off(2026) if d.month == 2}
    # Eve (Monday) to the fourth day (Friday), with the weekends either side: 14-22/2 off.
    assert tet == {date(2026, 2, d) for d in range(16, 21)}


def test_ten_working_days_across_tet_2026(cal):
    # Received Friday 13/2, the last working day before Tết; 14/2-22/2 is off.
    assert cal.add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 6)
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 3, 6)) == 10


def test_ten_working_days_started_before_tet_2026(cal):
    # Thursday 12/2: Friday 13/2 is day 1, then 23/2-27/2 and 2/3-5/3.
    assert cal.add_working_days(date(2026, 2, 12), 10) == date(2026, 3, 5)


def test_tet_2026_days_are_off_with_vietnamese_names(cal):
    for day in range(14, 23):
        assert not cal.is_working_day(date(2026, 2, day))
    assert cal.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.holiday_name(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert cal.holiday_name(date(2026, 2, 21)) is None  # plain Saturday
    assert cal.is_working_day(date(2026, 2, 23))


# --- weekends ---


def test_five_working_days_across_a_weekend(cal):
    # Wednesday 11/3/2026: Thu, Fri, Mon, Tue, Wed.
    assert cal.add_working_days(date(2026, 3, 11), 5) == date(2026, 3, 18)


def test_received_on_a_weekend_counts_from_monday(cal):
    assert cal.add_working_days(date(2026, 3, 14), 1) == date(2026, 3, 16)
    assert cal.add_working_days(date(2026, 3, 15), 5) == date(2026, 3, 20)


def test_zero_days_returns_start(cal):
    assert cal.add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 14)


# --- 30/4 - 1/5 ---


def test_april_may_2025_in_package():
    may = {d for d in package_days_off(2025) if date(2025, 4, 20) <= d <= date(2025, 5, 10)}
    # 2/5 is off in exchange for Saturday 26/4, which is worked.
    assert may == {date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)}
    assert date(2025, 4, 26) in holidays.country_holidays("VN", years=2025).weekend_workdays


def test_across_april_may_2025_with_swapped_saturday(cal):
    assert cal.is_working_day(date(2025, 4, 26))
    assert not cal.is_working_day(date(2025, 5, 2))
    # Friday 25/4: Sat 26/4, Mon 28/4, Tue 29/4, then 30/4-4/5 off, Mon 5/5, Tue 6/5.
    assert cal.add_working_days(date(2025, 4, 25), 3) == date(2025, 4, 29)
    assert cal.add_working_days(date(2025, 4, 25), 5) == date(2025, 5, 6)


def test_across_april_may_2026(cal):
    # Friday 24/4/2026: Hùng Kings (Sunday 26/4) observed Monday 27/4; 30/4 and 1/5 are
    # Thursday and Friday.
    assert cal.add_working_days(date(2026, 4, 24), 5) == date(2026, 5, 6)


# --- National Day ---


def test_national_day_in_package():
    assert {d for d in package_days_off(2025) if d.month == 9} == {
        date(2025, 9, 1),
        date(2025, 9, 2),
    }
    days_2026 = package_days_off(2026)
    assert {d for d in days_2026 if date(2026, 8, 20) <= d <= date(2026, 9, 10)} == {
        date(2026, 8, 31),  # swapped for Saturday 22/8
        date(2026, 9, 1),
        date(2026, 9, 2),
    }


def test_across_national_day_2025(cal):
    # Friday 29/8/2025: 30/8-2/9 off.
    assert cal.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)
    assert cal.holiday_name(date(2025, 9, 1)) == "Quốc khánh"


def test_across_national_day_2026(cal):
    assert cal.is_working_day(date(2026, 8, 22))
    assert cal.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    # Friday 28/8/2026: 29/8-2/9 off.
    assert cal.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


# --- Hùng Kings (10/3 lunar) ---


def test_hung_kings_day(cal):
    assert date(2025, 4, 7) in package_days_off(2025)
    assert not cal.is_working_day(date(2025, 4, 7))
    assert cal.holiday_name(date(2025, 4, 7)) == "Ngày Giỗ Tổ Hùng Vương"
    # Friday 4/4/2025, one working day: Monday 7/4 is off.
    assert cal.add_working_days(date(2025, 4, 4), 1) == date(2025, 4, 8)


def test_hung_kings_day_on_sunday_observed_monday(cal):
    assert cal.holiday_name(date(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert cal.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


# --- announced substitutions ---


def test_extra_day_off_delays_the_deadline():
    start = date(2026, 3, 11)
    plain = WorkCalendar()
    bridged = WorkCalendar(extra_days_off=[date(2026, 3, 13)])
    assert plain.add_working_days(start, 5) == date(2026, 3, 18)
    assert bridged.add_working_days(start, 5) == date(2026, 3, 19)
    assert bridged.holiday_name(date(2026, 3, 13)) == EXTRA_DAY_OFF_NAME
    assert bridged.working_days_between(start, date(2026, 3, 18)) == 4


def test_extra_working_saturday_advances_the_deadline():
    start = date(2026, 3, 11)
    cal = WorkCalendar(extra_working_days=[date(2026, 3, 14)])
    assert cal.is_working_day(date(2026, 3, 14))
    assert cal.add_working_days(start, 5) == date(2026, 3, 17)
    assert cal.holiday_name(date(2026, 3, 14)) is None


def test_extra_working_day_overrides_a_package_holiday():
    cal = WorkCalendar(extra_working_days=[date(2026, 8, 31)])
    assert cal.is_working_day(date(2026, 8, 31))
    assert cal.holiday_name(date(2026, 8, 31)) is None


def test_same_date_both_off_and_working_is_refused():
    with pytest.raises(ValueError, match="2026-03-14"):
        WorkCalendar(extra_days_off=[date(2026, 3, 14)], extra_working_days=[date(2026, 3, 14)])


def test_extras_accept_any_iterable():
    cal = WorkCalendar(extra_days_off=(d for d in [date(2026, 3, 13)]))
    assert not cal.is_working_day(date(2026, 3, 13))


# --- calendar days (Civil Code Art. 148) ---


def test_calendar_days_ending_on_sunday_move_to_monday(cal):
    # 30 days from Friday 30/1/2026 end on Sunday 1/3/2026.
    assert cal.add_calendar_days(date(2026, 1, 30), 30) == date(2026, 3, 2)


def test_calendar_days_ending_on_a_working_day_stay(cal):
    assert cal.add_calendar_days(date(2026, 3, 1), 30) == date(2026, 3, 31)


def test_calendar_days_ending_in_tet_move_past_it(cal):
    # 30 days from 15/1/2026 end on Saturday 14/2, the first day of the Tết break.
    assert cal.add_calendar_days(date(2026, 1, 15), 30) == date(2026, 2, 23)


def test_calendar_days_ending_on_extra_working_saturday_stay():
    cal = WorkCalendar(extra_working_days=[date(2026, 3, 14)])
    assert cal.add_calendar_days(date(2026, 2, 12), 30) == date(2026, 3, 14)


def test_calendar_days_refuse_negative(cal):
    with pytest.raises(ValueError, match="days must be zero or positive, got -3"):
        cal.add_calendar_days(date(2026, 3, 1), -3)


# --- days left ---


def test_working_days_between_positive(cal):
    assert cal.working_days_between(date(2026, 3, 11), date(2026, 3, 18)) == 5


def test_working_days_between_zero(cal):
    assert cal.working_days_between(date(2026, 3, 11), date(2026, 3, 11)) == 0
    # Friday to Sunday: nothing to work in between.
    assert cal.working_days_between(date(2026, 3, 13), date(2026, 3, 15)) == 0


def test_working_days_between_negative(cal):
    # Deadline Monday 9/3, today Wednesday 11/3: two working days overdue.
    assert cal.working_days_between(date(2026, 3, 11), date(2026, 3, 9)) == -2


def test_working_days_between_across_years(cal):
    start, end = date(2025, 12, 20), date(2027, 1, 15)
    assert cal.add_working_days(start, cal.working_days_between(start, end)) == end
    stepped = 0
    day = start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        stepped += cal.is_working_day(day)
    assert cal.working_days_between(start, end) == stepped


def test_add_working_days_agrees_with_stepping(cal):
    start = date(2025, 12, 24)
    day = start
    for n in range(1, 300):
        day = date.fromordinal(day.toordinal() + 1)
        while not cal.is_working_day(day):
            day = date.fromordinal(day.toordinal() + 1)
        assert cal.add_working_days(start, n) == day, n


# --- errors ---


def test_negative_working_days_refused(cal):
    with pytest.raises(ValueError, match="days must be zero or positive, got -1"):
        cal.add_working_days(date(2026, 3, 11), -1)


def test_non_integer_days_refused(cal):
    with pytest.raises(TypeError):
        cal.add_working_days(date(2026, 3, 11), 1.5)
