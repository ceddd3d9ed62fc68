"""Arabic text handling: tokens and sentences over the original string, normalised forms.

This is the one module that imports camel-tools, and only where its own functions are called:
labels (``display_form``, camel's dediacritisation), the references below, transliteration
and NER. Everything here runs without camel-tools'
downloadable data. The tokeniser splits words exactly as camel-tools' ``simple_word_tokenize``
does (whitespace, then every punctuation or symbol character of camel's
``UNICODE_PUNCT_SYMBOL_CHARSET`` on its own), but as one compiled regular expression that
reports offsets; normalisation applies camel's dediacritisation and alef / alef maksura /
teh marbuta normalisation, compiled into a single ``str.translate`` table. Tests check both
against the camel-tools functions themselves.

Normalisation never changes the original text: tokens keep their offsets into it, so a
mention found on normalised tokens maps back to exact characters even when the original
carries tatweel, diacritics or guillemets.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate, repeat

import regex

from kg.model import Analysis, Sentence, Token

__all__ = [
    "TATWEEL",
    "analyse",
    "camel_normalise",
    "camel_tokenise",
    "normalise",
    "strip_diacritics_map",
    "tokenise",
]

TATWEEL = "\u0640"
_ALEF_VARIANTS = "\u0622\u0623\u0625\u0671"  # آ أ إ ٱ -> ا  (camel: normalize_alef_ar)
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_EXTENDED_INDIC = "۰۱۲۳۴۵۶۷۸۹"

# camel-tools' AR_DIAC_CHARSET (tanwin, short vowels, shadda, sukun, dagger alef); a test checks
# it is camel's. camel-tools is imported only by the reference functions below: importing its
# charsets walks all 1.1 million code points, half a second of CPU at every start.
AR_DIAC_CHARSET = frozenset("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670")
_TRANSLATE: dict[int, int | str | None] = {ord(c): None for c in AR_DIAC_CHARSET}
_TRANSLATE[ord(TATWEEL)] = None
_TRANSLATE.update({ord(c): "ا" for c in _ALEF_VARIANTS})
_TRANSLATE[ord("ى")] = "ي"  # camel: normalize_alef_maksura_ar
_TRANSLATE[ord("ة")] = "ه"  # camel: normalize_teh_marbuta_ar
# Beyond camel's set: Persian/Urdu letters that creep into Arabic news text, zero-width marks,
# and digits in both Arabic scripts mapped to ASCII so numbers compare as numbers.
_TRANSLATE.update({ord("ی"): "ي", ord("ک"): "ك", ord("ھ"): "ه", ord("ۀ"): "ه"})
_TRANSLATE.update({ord(c): None for c in "\u200c\u200d\u200e\u200f\ufeff"})
_TRANSLATE.update({ord(d): str(i) for i, d in enumerate(_ARABIC_INDIC)})
_TRANSLATE.update({ord(d): str(i) for i, d in enumerate(_EXTENDED_INDIC)})
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


# camel's UNICODE_PUNCT_SYMBOL_CHARSET is exactly the Unicode categories P* and S*; the regex
# module's property classes match them far faster than an 8,560-character class in ``re``.
_TOKEN_RE = regex.compile(r"[\p{P}\p{S}]|[^\s\p{P}\p{S}]+")
_TOKEN_SPLIT = regex.compile(r"([\p{P}\p{S}]|[^\s\p{P}\p{S}]+)")
_TERMINAL = frozenset(".!?؟…")
_CLOSERS = frozenset("»\"')]”’")


def normalise(s: str) -> str:
    """The matching form of a word or phrase (see the module docstring)."""
    if _PRESENTATION_FORMS.search(s):
        s = unicodedata.normalize("NFKC", s)
    return s.translate(_TRANSLATE)


def camel_normalise(s: str) -> str:
    """camel-tools' own normalisation chain; the reference ``normalise`` is tested against."""
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )

    return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(s))))


def camel_tokenise(s: str) -> list[str]:
    """camel-tools' own tokeniser; the reference ``tokenise`` is tested against."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    return list(simple_word_tokenize(s))


def is_punct_symbol(char: str) -> bool:
    """Is ``char`` in camel-tools' UNICODE_PUNCT_SYMBOL_CHARSET? camel builds that set from
    ``unicodedata.category`` (P* and S*), as this does."""
    return unicodedata.category(char)[0] in "PS"


_ONE_TO_ONE = {k: v for k, v in _TRANSLATE.items() if isinstance(v, str) and len(v) == 1}
_DELETED = re.compile("[" + "".join(chr(k) for k, v in _TRANSLATE.items() if v is None) + "]")


def tokenise(text: str) -> list[Token]:
    """Tokens with offsets into ``text`` and their normalised forms.

    The text is split once (tokens and the gaps between them alternate) and the offsets are
    running sums of the pieces' lengths, so no Python code runs per regex match. The
    one-to-one mappings are applied to the whole text at once (offsets do not move); only
    tokens that hold a character normalisation deletes (diacritics, tatweel) or a
    presentation form are normalised one by one.
    """
    pieces = _TOKEN_SPLIT.split(text)  # gap, token, gap, token, ..., gap
    offsets = list(accumulate(map(len, pieces), initial=0))
    surfaces = pieces[1::2]
    starts, ends = offsets[1:-1:2], offsets[2::2]
    category = unicodedata.category
    words = [len(t) > 1 or category(t)[0] not in "PS" for t in surfaces]  # is_punct_symbol
    if _PRESENTATION_FORMS.search(text) is not None:
        norms = [normalise(t) if w else t for t, w in zip(surfaces, words, strict=True)]
    else:
        mapped = text.translate(_ONE_TO_ONE)
        norms = [
            mapped[s:e] if w else t
            for s, e, t, w in zip(starts, ends, surfaces, words, strict=True)
        ]
        # only ever inside a word token; a token with several diacritics is normalised once
        for i in {bisect_right(starts, m.start()) - 1 for m in _DELETED.finditer(text)}:
            norms[i] = normalise(surfaces[i])
    # tuple.__new__ on the zipped fields builds each Token without a Python-level call
    return list(map(tuple.__new__, repeat(Token), zip(starts, ends, norms, words, strict=True)))


def _sentences(text: str, tokens: list[Token]) -> list[Sentence]:
    sentences: list[Sentence] = []
    first = 0
    n = len(tokens)
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < n else None
        boundary = nxt is None
        if nxt is not None:
            gap = text[tok.end : nxt.start]
            if "\n" in gap or (
                not tok.is_word
                and tok.norm in _TERMINAL
                and gap
                and not (not nxt.is_word and nxt.norm in _CLOSERS)
            ):
                boundary = True
            elif not tok.is_word and tok.norm in _CLOSERS and gap and i > first:
                prev = tokens[i - 1]
                boundary = not prev.is_word and prev.norm in _TERMINAL
        if boundary:
            start, end = tokens[first].start, tok.end
            sentences.append(Sentence(len(sentences), start, end, first, i + 1))
            first = i + 1
    if not sentences:
        sentences.append(Sentence(0, 0, len(text), 0, 0))
    return sentences


def analyse(text: str) -> Analysis:
    """Tokenise ``text`` and split it into sentences."""
    tokens = tokenise(text)
    return Analysis(tuple(tokens), tuple(_sentences(text, tokens)))


def strip_diacritics_map(surface: str, n_letters: int) -> int:
    """How many characters of ``surface`` hold its first ``n_letters`` normalised letters.

    Used to place a clitic boundary in the original text: the normalised form drops
    diacritics and tatweel, the original keeps them.
    """
    seen = 0
    for i, ch in enumerate(surface):
        if seen == n_letters:
            return i
        if _TRANSLATE.get(ord(ch), ch) is not None:
            seen += 1
    return len(surface)


_SAFEBW = None


def transliterate(s: str) -> str:
    """ASCII transliteration (camel-tools' Safe Buckwalter) of normalised Arabic, for IRIs."""
    global _SAFEBW
    if _SAFEBW is None:
        from camel_tools.utils.charmap import CharMapper

        _SAFEBW = CharMapper.builtin_mapper("ar2safebw")
    return str(_SAFEBW(s))


def camel_ner_recogniser(model_dir: str) -> object:
    """camel-tools' pretrained NER model from ``model_dir``, on the CPU (``kg.ner`` adapts it).
    Imported here, lazily: it needs torch and transformers, and the default pipeline never
    loads it."""
    from camel_tools.ner import NERecognizer

    return NERecognizer(model_dir, use_gpu=False)


def display_form(s: str) -> str:
    """A label: the original letters without diacritics (camel-tools' ``dediac_ar``), tatweel
    or stray spaces."""
    from camel_tools.utils.dediac import dediac_ar  # imported once, on the first label

    return " ".join(dediac_ar(s).replace(TATWEEL, "").split())
