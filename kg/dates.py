"""Time expressions, resolved against the publication date.

"أمس" is the day before publication, "أمس الأول" two days before, "اليوم" the day itself, a
weekday the latest such day on or before it; "منتصف مارس 2011" is 2011-03, "صيف عام 2015" is
2015. With no publication date, relative expressions resolve to nothing: no date is invented.
"""

from __future__ import annotations

import datetime as dt

from kg.arabic import normalise
from kg.model import TimeValue, Token

_RELATIVE = {
    ("امس", "الاول"): 2,
    ("اول", "امس"): 2,
    ("امس",): 1,
    ("البارحه",): 1,
    ("اليوم",): 0,
    ("صباح", "اليوم"): 0,
    ("مساء", "اليوم"): 0,
    ("فجر", "اليوم"): 0,
    ("الليله", "الماضيه"): 1,
}
_WEEKDAYS = {normalise(w): d for w, d in (
    ("الاثنين", 0), ("الثلاثاء", 1), ("الأربعاء", 2), ("الخميس", 3), ("الجمعة", 4),
    ("السبت", 5), ("الأحد", 6),
)}  # fmt: skip
_MONTHS = {normalise(w): m for w, m in (
    ("يناير", 1), ("كانون الثاني", 1), ("فبراير", 2), ("شباط", 2), ("مارس", 3), ("آذار", 3),
    ("أبريل", 4), ("إبريل", 4), ("نيسان", 4), ("مايو", 5), ("أيار", 5), ("يونيو", 6),
    ("يونيه", 6), ("حزيران", 6), ("يوليو", 7), ("يوليه", 7), ("تموز", 7), ("أغسطس", 8),
    ("آب", 8), ("سبتمبر", 9), ("أيلول", 9), ("أكتوبر", 10), ("تشرين الأول", 10),
    ("نوفمبر", 11), ("تشرين الثاني", 11), ("ديسمبر", 12), ("كانون الأول", 12),
)}  # fmt: skip
_MONTH_KEYS = sorted(((tuple(k.split()), v) for k, v in _MONTHS.items()), key=lambda kv: -len(kv[0]))


def _strip(norm: str) -> str:
    for prefix in ("وفي", "في", "و", "ب", "ف"):
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 3:
            rest = norm[len(prefix) :]
            if rest in _WEEKDAYS or rest in _MONTHS or rest in ("امس", "اليوم", "منتصف", "صيف"):
                return rest
    return norm


def _month_at(tokens: tuple[Token, ...], i: int) -> tuple[int, int] | None:
    """(month, end token) of a month name at token ``i`` ("مايو", "أيار/مايو", "تشرين الأول")."""
    for words, month in _MONTH_KEYS:
        if i + len(words) <= len(tokens) and all(
            _strip(tokens[i + k].norm) == w for k, w in enumerate(words)
        ):
            j = i + len(words)
            if j + 1 < len(tokens) and tokens[j].norm == "/" and _strip(tokens[j + 1].norm) in _MONTHS:
                j += 2
            return month, j
    return None


def _year_at(tokens: tuple[Token, ...], i: int) -> tuple[int, int] | None:
    j = i + 1 if i < len(tokens) and tokens[i].norm in ("عام", "سنه") else i
    if j < len(tokens) and tokens[j].norm.isdigit() and len(tokens[j].norm) == 4:
        year = int(tokens[j].norm)
        if 1900 <= year <= 2100:
            return year, j + 1
    return None


def find_times(
    tokens: tuple[Token, ...], first: int, end: int, text: str, published: str | None
) -> list[tuple[int, int, TimeValue]]:
    """Time expressions in tokens [first, end): (first token, end token, value)."""
    pub = dt.date.fromisoformat(published) if published else None
    out: list[tuple[int, int, TimeValue]] = []
    i = first
    while i < end:
        norm = _strip(tokens[i].norm)
        found: tuple[int, str, str] | None = None  # (end token, value, precision)
        day = int(norm) if norm.isdigit() and 1 <= int(norm) <= 31 and len(norm) <= 2 else None
        month = _month_at(tokens, i + 1 if day else i)
        if month:
            year = _year_at(tokens, month[1])
            y = year[0] if year else (pub.year if pub else None)
            stop = year[1] if year else month[1]
            if y is not None and (year or pub):
                if day:
                    try:
                        found = (stop, dt.date(y, month[0], day).isoformat(), "day")
                    except ValueError:
                        found = None
                else:
                    found = (stop, f"{y:04d}-{month[0]:02d}", "month")
        if found is None and norm in ("منتصف", "مطلع", "اوائل", "اواخر", "نهايه", "بدايه"):
            month = _month_at(tokens, i + 1)
            year = _year_at(tokens, month[1]) if month else None
            if month and year:
                found = (year[1], f"{year[0]:04d}-{month[0]:02d}", "month")
        if found is None and norm in ("صيف", "شتاء", "ربيع", "خريف", "مطلع", "منتصف", "نهايه"):
            year = _year_at(tokens, i + 1)
            if year:
                found = (year[1], f"{year[0]:04d}", "year")
        if found is None and norm in ("عام", "سنه"):
            year = _year_at(tokens, i)
            if year:
                found = (year[1], f"{year[0]:04d}", "year")
        if found is None and pub is not None:
            for words, back in _RELATIVE.items():
                if i + len(words) <= end and all(
                    _strip(tokens[i + k].norm) == w for k, w in enumerate(words)
                ):
                    found = (i + len(words), (pub - dt.timedelta(days=back)).isoformat(), "day")
                    break
            if found is None and norm in _WEEKDAYS:
                back = (pub.weekday() - _WEEKDAYS[norm]) % 7
                found = (i + 1, (pub - dt.timedelta(days=back)).isoformat(), "day")
        if found:
            stop, value, precision = found
            span = (tokens[i].start, tokens[stop - 1].end)
            out.append((i, stop, TimeValue(value, precision, text[span[0] : span[1]], span)))
            i = stop
        else:
            i += 1
    return out


def publication_time(published: str | None) -> TimeValue | None:
    return TimeValue(published, "day", None, None) if published else None
