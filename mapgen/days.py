"""Why a date written with numbers names no day of the calendar."""

from __future__ import annotations

import calendar


def calendar_fault(year: int, month: int | None, day: int | None) -> str | None:
    """None when year, month and day (each may be left out, from the end) name
    a real day or month; otherwise why not, as a clause: 'month 00 does not
    exist; months run 01 to 12'. A 00 written is no vague month or day."""
    if year < 1:
        return "year 0000 does not exist; years run from 0001"
    if month is None:
        return None
    if not 1 <= month <= 12:
        return f"month {month:02d} does not exist; months run 01 to 12"
    length = calendar.monthrange(year, month)[1]
    if day is None or 1 <= day <= length:
        return None
    return f"{calendar.month_name[month]} {year} has days 01 to {length}, not {day:02d}"
