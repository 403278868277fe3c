"""ISO 8601 dates at the precision the sources give (year, month or day), with Japanese era years."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = [calendar.month_name[m] for m in range(13)]

# Era (name, name in kanji, first day). A year in which an era began belongs to both eras.
ERAS = (
    ("Reiwa", "令和", dt.date(2019, 5, 1)),
    ("Heisei", "平成", dt.date(1989, 1, 8)),
    ("Shōwa", "昭和", dt.date(1926, 12, 25)),
)


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day:
            return self.first_day
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def sort_key(self) -> tuple[int, int, int]:
        # A date known only to the month sorts before the days of that month.
        return (self.year, self.month or 0, self.day or 0)

    def human(self) -> str:
        if self.day:
            return f"{self.day} {MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)

    def era(self) -> str:
        """Japanese era year(s), e.g. 'Heisei 1, 平成元年'; both where the date spans a change of era."""
        names = []
        for name, kanji, start in ERAS:
            if self.last_day >= start:
                number = self.year - start.year + 1
                names.append(f"{name} {number}, {kanji}{'元' if number == 1 else number}年")
                if self.first_day >= start:
                    break
        return " / ".join(reversed(names))


def parse(value: object) -> PartialDate:
    """Parse 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; raise ValueError with a reader's message."""
    if not isinstance(value, str):
        raise ValueError(f"date must be a quoted string such as \"1989-06-04\", not {type(value).__name__}")
    return _parse(value)


@functools.lru_cache(maxsize=65536)
def _parse(value: str) -> PartialDate:
    """parse() of a string: the listings sort thousands of pages by the same few thousand dates."""
    match = _DATE_RE.match(value)
    if not match:
        raise ValueError(f"'{value}' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in match.groups())
    if year < 1:
        raise ValueError(f"'{value}' has no year 0")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"'{value}' has no month {month}")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"'{value}' is not a real date ({MONTHS[month]} {year} has no day {day})") from None
    return PartialDate(year, month, day)


def describe(date: PartialDate | None, start: PartialDate | None = None, end: PartialDate | None = None) -> str:
    """Human form of a date or a span, with the era: '14–16 July 1989 (Heisei 1, 平成元年)'."""
    if date:
        return f"{date.human()} ({date.era()})"
    if start and end:
        if start.year == end.year and start.month == end.month and start.day and end.day:
            text = f"{start.day}–{end.day} {MONTHS[start.month]} {start.year}"
        else:
            text = f"{start.human()} – {end.human()}"
        eras = start.era() if start.era() == end.era() else f"{start.era()} – {end.era()}"
        return f"{text} ({eras})"
    if start:
        return f"from {start.human()} ({start.era()})"
    return "not stated in the sources"
