"""Time expressions, resolved against the publication date.

"أمس" is the day before publication, "أمس الأول" two days before, "اليوم" the day itself, a
weekday the latest such day on or before it; "منتصف مارس 2011" is 2011-03, "صيف عام 2015" is
2015. With no publication date, relative expressions resolve to nothing: no date is invented.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from kg.arabic import normalise, strip_diacritics_map
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
_MONTH_KEYS: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _name, _month in sorted(_MONTHS.items(), key=lambda kv: -len(kv[0].split())):
    _MONTH_KEYS.setdefault(_name.split()[0], []).append((tuple(_name.split()), _month))
# ordinal days before "من" and a month: "الثامن من أكتوبر"
_ORDINALS = {normalise(w): d for w, d in (
    ("الأول", 1), ("الثاني", 2), ("الثالث", 3), ("الرابع", 4), ("الخامس", 5), ("السادس", 6),
    ("السابع", 7), ("الثامن", 8), ("التاسع", 9), ("العاشر", 10), ("العشرين", 20),
    ("الثلاثين", 30),
)}  # fmt: skip
# periods counted from the publication date: (precision, months or years back)
_PERIODS = {
    ("الشهر", "الجاري"): ("month", 0), ("الشهر", "الحالي"): ("month", 0),
    ("الشهر", "الماضي"): ("month", 1), ("العام", "الجاري"): ("year", 0),
    ("العام", "الحالي"): ("year", 0), ("العام", "الماضي"): ("year", 1),
    ("السنه", "الماضيه"): ("year", 1), ("هذا", "العام"): ("year", 0),
}  # fmt: skip
_STARTERS = {"امس", "اليوم", "منتصف", "صيف", "شتاء", "ربيع", "خريف", "مطلع", "اوائل", "اواخر",
             "نهايه", "بدايه", "عام", "سنه", "صباح", "مساء", "فجر", "البارحه", "اول", "الليله"}  # fmt: skip
_TIME_WORDS = (
    frozenset(_WEEKDAYS)
    | frozenset(_MONTH_KEYS)
    | _STARTERS
    | frozenset(_ORDINALS)
    | frozenset(words[0] for words in _PERIODS)
)
_SEASONS = ("صيف", "شتاء", "ربيع", "خريف", "مطلع", "منتصف", "نهايه")
_PARTS = ("منتصف", "مطلع", "اوائل", "اواخر", "نهايه", "بدايه")


@lru_cache(maxsize=131_072)
def _prefix(norm: str) -> int:
    """Letters of attached clitics before a time word ("والسبت", "ومنتصف", "بالأمس")."""
    if norm in _TIME_WORDS or norm[:1] not in ("و", "ف", "ب"):
        return 0
    for prefix in ("وفي", "و", "ب", "ف"):
        if norm.startswith(prefix) and norm[len(prefix) :] in _TIME_WORDS:
            return len(prefix)
    return 0


@lru_cache(maxsize=131_072)
def _time_stem(norm: str) -> str:
    return norm[_prefix(norm) :]


class _Stems:
    """Each token's normalised form without clitics, computed once per sentence."""

    def __init__(self, tokens: tuple[Token, ...], first: int, end: int) -> None:
        self.first = first
        self.end = end
        self.stems = [_time_stem(tokens[k].norm) for k in range(first, end)]

    def __getitem__(self, k: int) -> str:
        return self.stems[k - self.first] if self.first <= k < self.end else ""


def _month_at(stems: _Stems, i: int) -> tuple[int, int] | None:
    """(month, end token) of a month name at token ``i`` ("مايو", "أيار/مايو", "تشرين الأول")."""
    for words, month in _MONTH_KEYS.get(stems[i], ()):
        if all(stems[i + k] == w for k, w in enumerate(words)):
            j = i + len(words)
            if stems[j] == "/":  # "أكتوبر/تشرين الأول": the same month in both calendars
                other = _month_at(stems, j + 1)
                j = other[1] if other else j
            return month, j
    return None


def _year_at(stems: _Stems, i: int) -> tuple[int, int] | None:
    j = i + 1 if stems[i] in ("عام", "سنه") else i
    word = stems[j]
    if word.isdigit() and len(word) == 4 and 1900 <= int(word) <= 2100:
        return int(word), j + 1
    return None


# «حتى 12 أيار/مايو», «بحلول مايو», «في مايو المقبل»: a date ahead, not one that passed
_AHEAD_BEFORE = frozenset(normalise(w) for w in ("حتى", "بحلول", "قبل"))
_AHEAD_AFTER = frozenset(normalise(w) for w in ("المقبل", "القادم", "المقبله", "القادمه"))


def _year_before(pub: dt.date | None, month: int, day: int | None) -> int | None:
    """The year of a day or month named without one: the latest on or before publication
    ("5 سبتمبر" in an article of March 2018 is September 2017: news tells what happened)."""
    if pub is None:
        return None
    later = (month, day or 1) > (pub.month, pub.day if day else 1)
    return pub.year - 1 if later else pub.year


def _period_at(stems: _Stems, i: int, pub: dt.date | None) -> tuple[int, str, str] | None:
    """ "الشهر الجاري", "(مطلع) الشهر الماضي", "العام الماضي": a month or year before publication."""
    words = (stems[i], stems[i + 1])
    if pub is None or words not in _PERIODS:
        return None
    precision, back = _PERIODS[words]
    if precision == "year":
        return i + 2, f"{pub.year - back:04d}", "year"
    months = pub.year * 12 + pub.month - 1 - back
    return i + 2, f"{months // 12:04d}-{months % 12 + 1:02d}", "month"


def _expression_at(stems: _Stems, i: int, pub: dt.date | None) -> tuple[int, str, str] | None:
    """(end token, value, precision) of a time expression starting at token ``i``."""
    word = stems[i]
    start = i
    day = int(word) if word.isdigit() and len(word) <= 2 and 1 <= int(word) <= 31 else None
    if day is None and word not in _TIME_WORDS:
        return None
    if word in _ORDINALS and stems[i + 1] == "من" and _month_at(stems, i + 2):
        day, i = _ORDINALS[word], i + 1  # "الثامن من أكتوبر": the month follows "من"
    month = _month_at(stems, i + 1 if day else i)
    if month:
        year = _year_at(stems, month[1])
        ahead = stems[start - 1] in _AHEAD_BEFORE or stems[month[1]] in _AHEAD_AFTER
        y = year[0] if year else (pub.year if ahead and pub else _year_before(pub, month[0], day))
        stop = year[1] if year else month[1]
        if y is None:
            return None
        if not day:
            return stop, f"{y:04d}-{month[0]:02d}", "month"
        try:
            return stop, dt.date(y, month[0], day).isoformat(), "day"
        except ValueError:
            return None
    period = _period_at(stems, i + 1 if word in _PARTS else i, pub)
    if period is not None:
        return period
    if word in _PARTS:
        month = _month_at(stems, i + 1)
        year = _year_at(stems, month[1]) if month else None
        if month and year:
            return year[1], f"{year[0]:04d}-{month[0]:02d}", "month"
    if word in _SEASONS or word in ("عام", "سنه"):
        year = _year_at(stems, i if word in ("عام", "سنه") else i + 1)
        if year:
            return year[1], f"{year[0]:04d}", "year"
    if pub is None:
        return None
    for words, back in _RELATIVE.items():
        if all(stems[i + k] == w for k, w in enumerate(words)):
            return i + len(words), (pub - dt.timedelta(days=back)).isoformat(), "day"
    if word in _WEEKDAYS:
        back = (pub.weekday() - _WEEKDAYS[word]) % 7
        return i + 1, (pub - dt.timedelta(days=back)).isoformat(), "day"
    return None


def find_times(
    tokens: tuple[Token, ...], first: int, end: int, text: str, published: str | None
) -> list[tuple[int, int, TimeValue]]:
    """Time expressions in tokens [first, end): (first token, end token, value)."""
    pub = dt.date.fromisoformat(published) if published else None
    stems = _Stems(tokens, first, end)
    out: list[tuple[int, int, TimeValue]] = []
    i = first
    while i < end:
        word = stems.stems[i - first]
        if word not in _TIME_WORDS and not word.isdigit():  # the quick test for most tokens
            i += 1
            continue
        found = _expression_at(stems, i, pub)
        if found is None:
            i += 1
            continue
        stop, value, precision = found
        skip = strip_diacritics_map(text[tokens[i].start : tokens[i].end], _prefix(tokens[i].norm))
        span = (tokens[i].start + skip, tokens[stop - 1].end)
        out.append((i, stop, TimeValue(value, precision, text[span[0] : span[1]], span)))
        i = stop
    return out


def publication_time(published: str | None) -> TimeValue | None:
    return TimeValue(published, "day", None, None) if published else None
