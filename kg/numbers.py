"""Numbers in Arabic news: digits in both scripts, number words, duals, and qualifiers.

``read_number(tokens, i)`` reads a figure starting at token ``i``: "52", "٥٢", "ثلاثة",
"ثلاثين", "خمسة عشر", "مئتي", "ثلاثة آلاف"; a dual noun ("طفلين", "امرأتين", "قتيلين") is 2.
``qualifier_before``/``qualifier_after`` read "أكثر من", "نحو", "على الأقل", "ما لا يقل عن"…
"""

from __future__ import annotations

from kg.arabic import normalise
from kg.model import Token

_UNITS = {
    "واحد": 1, "واحده": 1, "احد": 1, "احدى": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثنتان": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9,
    "عشر": 10, "عشره": 10,
    "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2,  # "اثنا عشر", "اثني عشر"
}  # fmt: skip
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}  # fmt: skip
_HUNDREDS = {"مئه": 100, "مائه": 100, "مئتي": 200, "مئتين": 200, "مئتان": 200, "مائتي": 200,
             "مائتين": 200, "ثلاثمئه": 300, "ثلاثمائه": 300, "اربعمئه": 400, "اربعمائه": 400,
             "خمسمئه": 500, "خمسمائه": 500, "ستمئه": 600, "ستمائه": 600, "سبعمئه": 700,
             "سبعمائه": 700, "ثمانمئه": 800, "ثمانمائه": 800, "ثمانيمئه": 800,
             "ثمانيمائه": 800, "تسعمئه": 900, "تسعمائه": 900}  # fmt: skip
_MULTIPLIERS = {"الف": 1000, "الاف": 1000, "الفا": 1000, "الفين": 2000, "مليون": 1_000_000}
# a thousand told alone: "ألف شخص", "ألفي شخص" (after a figure "ألفا" multiplies: "ثلاثين ألفا")
_THOUSANDS = {"الف": 1000, "الفا": 2000, "الفي": 2000, "الفين": 2000, "الفان": 2000}
_WORDS = {normalise(k): v for k, v in {**_UNITS, **_TENS, **_HUNDREDS, **_THOUSANDS}.items()}
NUMBER_WORDS = frozenset(_WORDS)  # a figure spelled out starts with one of these
# A dual noun is a count of two: "قتيلين", "طفلين", "امرأتين", "جنديين".
DUAL_NOUNS = {normalise(w) for w in ("قتيلين", "طفلين", "امرأتين", "امراتين", "جنديين",
                                     "شخصين", "مدنيين اثنين", "عنصرين", "مقاتلين اثنين",
                                     "قتيلان", "طفلان", "امرأتان", "امراتان", "جنديان", "شخصان",
                                     "مدنيان", "عنصران", "مسلحان", "مقاتلان", "ضابطان",
                                     "شرطيان", "جريحان", "مصابان")}  # fmt: skip

_QUALIFIERS_BEFORE: dict[tuple[str, ...], str] = {
    ("اكثر", "من"): "more_than",
    ("ما", "يزيد", "عن"): "more_than",
    ("ما", "يزيد", "على"): "more_than",
    ("ما", "لا", "يقل", "عن"): "at_least",
    ("لا", "يقل", "عن"): "at_least",
    ("نحو",): "about",
    ("حوالي",): "about",
    ("قرابه",): "about",
    ("زهاء",): "about",
    ("ما", "يقارب"): "about",
    ("ما", "يقرب", "من"): "about",
    ("اقل", "من"): "at_most",
    ("اكثر", "من", "اي", "وقت"): "more_than",
    ("ازيد", "من"): "more_than",
    ("ما", "يربو", "على"): "more_than",
    ("ما", "يناهز"): "about",
    ("ما", "يصل", "الى"): "at_most",
}
# keys as tokens are normalised ("على" is "علي" there)
QUALIFIERS_BEFORE = {tuple(normalise(w) for w in k): v for k, v in _QUALIFIERS_BEFORE.items()}
QUALIFIERS_AFTER = {("علي", "الاقل"): "at_least"}


def _word_value(norm: str) -> int | None:
    if norm in _WORDS:
        return _WORDS[norm]
    for prefix in ("و",):  # "خمسة وعشرين": the conjunction joins parts of one number
        if norm.startswith(prefix) and norm[1:] in _WORDS:
            return _WORDS[norm[1:]]
    return None


def read_number(tokens: tuple[Token, ...], i: int) -> tuple[int, int] | None:
    """(value, end token) of a number starting at token ``i``, or None."""
    norm = tokens[i].norm
    if norm not in _WORDS and not norm[-1:].isdigit():
        return None  # most tokens: neither digits nor a number word
    if norm[:1] in ("و", "ب", "ل") and norm[1:].isdigit():  # "و52"
        norm = norm[1:]
    if norm.isdigit():
        value, j = int(norm), i + 1
        # "1,200" / "1.200" split by the tokeniser into 1 , 200
        while (
            j + 1 < len(tokens)
            and tokens[j].norm in {",", "٬"}
            and tokens[j + 1].norm.isdigit()
            and len(tokens[j + 1].norm) == 3
            and tokens[j].start == tokens[j - 1].end
        ):
            value, j = value * 1000 + int(tokens[j + 1].norm), j + 2
        if j < len(tokens) and tokens[j].norm in _MULTIPLIERS:
            value, j = value * _MULTIPLIERS[tokens[j].norm], j + 1
        return value, j
    first = _word_value(norm)
    if first is None or norm.startswith("و"):
        return None
    value, j = first, i + 1
    while j < len(tokens):
        nxt = tokens[j].norm
        if nxt in ("عشر", "عشره") and value < 10:  # "خمسة عشر"
            value, j = value + 10, j + 1
            continue
        part = _word_value(nxt)
        if nxt.startswith("و") and part is not None:  # "خمسة وعشرين", "مئة وعشرة"
            value, j = value + part, j + 1
            continue
        if nxt in _MULTIPLIERS:
            value, j = value * _MULTIPLIERS[nxt], j + 1
            continue
        if nxt in ("مئه", "مائه") and value < 10:  # "ثلاث مئة"
            value, j = value * 100, j + 1
            continue
        break
    return value, j


def _matches(tokens: tuple[Token, ...], start: int, words: tuple[str, ...]) -> bool:
    if start < 0 or start + len(words) > len(tokens):
        return False
    return all(tokens[start + k].norm == w for k, w in enumerate(words))


def qualifier_before(tokens: tuple[Token, ...], i: int) -> str | None:
    for words, qual in QUALIFIERS_BEFORE.items():
        if _matches(tokens, i - len(words), words):
            return qual
    return None


def qualifier_after(tokens: tuple[Token, ...], j: int, window: int = 3) -> str | None:
    for k in range(j, min(j + window, len(tokens))):
        for words, qual in QUALIFIERS_AFTER.items():
            if _matches(tokens, k, words):
                return qual
    return None
