"""Recognising mentions of actors and places on the token stream.

Three sources of candidates, longest match first:
- names the gazetteer knows, in any clitic form ("وبحلب", "للمرصد", "بالعراق");
- names after a place or facility head ("بلدة كفرنبل", "حي كرم الميسر", "مطار الحديدة"), which
  also admits the gazetteer's small places that never match bare, and mints local entities for
  names nobody knows;
- nothing else: a bare unknown word is never guessed to be a name.

The recogniser only proposes; ``kg.linking`` chooses the entity of each candidate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kg.arabic import normalise, strip_diacritics_map
from kg.gazetteer import Entry, Gazetteer
from kg.model import Analysis, Token

CONJUNCTIONS = ("", "و", "ف")
PREPOSITIONS = ("", "ب", "ل")  # not ك: "كامل" is not ك + "آمل"
MIN_STEM = 3
MAX_MEMO = 500_000  # token forms remembered per gazetteer (_name_starts)
JOINERS = frozenset({"_"})  # hashtags: "#الجيش_اليمني"
QUOTES_OPEN = frozenset("«\"“'")
QUOTES_CLOSE = frozenset("»\"”'")
MAX_UNKNOWN_TOKENS = 3
DUAL_HEADS = frozenset({"محافظتي", "مدينتي", "بلدتي", "قريتي"})
RIF = normalise("ريف")
DEMONSTRATIVES = frozenset(normalise(w) for w in ("هذه", "تلك", "هذا", "ذلك"))
ORG_KINDS = frozenset({"armed_group", "organisation", "media", "state_force", "government"})


@dataclass(frozen=True, slots=True)
class Cue:
    role: str  # place_head, facility_head, org_head
    kind: str
    subkind: str  # org_head: name (in the span), descriptor (not), bare-name (unquoted names)
    mint: bool  # may a name nobody knows follow it? (not after plurals: "أحياء تمكنت")


Known = tuple[int, int, tuple[str, ...], list[Entry]]  # a gazetteer match, see _match_known


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    first_token: int
    end_token: int
    entries: tuple[Entry, ...]  # empty: an unknown name
    cue: Cue | None  # the head before it, if any
    name_key: tuple[str, ...]
    source: str = "rules"  # or "model": a span of the statistical recogniser (kg.ner)

    @property
    def headed(self) -> bool:
        """Is the head word part of the mention ("مطار الحديدة", "حركة حماس")?"""
        return self.cue is not None and _head_in_name(self.cue)


def _head_in_name(cue: Cue) -> bool:
    return cue.role == "facility_head" or (cue.role == "org_head" and cue.subkind != "descriptor")


def data_table(name: str) -> list[dict[str, str]]:
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=1)
def cues() -> dict[str, Cue]:
    return {
        normalise(r["cue_ar"]): Cue(r["role"], r["kind"], r["subkind"], r["mint"] == "yes")
        for r in data_table("cues.tsv")
    }


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(normalise(r["word"]) for r in data_table("stopwords.tsv"))


@lru_cache(maxsize=262_144)
def clitic_variants(norm: str) -> tuple[tuple[str, int], ...]:
    """Readings of a token with its proclitics removed: (stem, letters removed).

    "وبحلب" -> [("وبحلب", 0), ("بحلب", 1), ("حلب", 2)]; "للمرصد" -> [..., ("المرصد", 1)]
    (the article's alef elided after lam is restored; the span starts at the second lam).
    """
    out = [(norm, 0)]
    for conj in CONJUNCTIONS:
        for prep in PREPOSITIONS:
            prefix = conj + prep
            if not prefix or not norm.startswith(prefix):
                continue
            stem = norm[len(prefix) :]
            if len(stem) < MIN_STEM or (prefix == "ف" and not stem.startswith("ال")):
                continue  # "فرقه" (his teams) is not ف + "رقة"
            out.append((stem, len(prefix)))
            if prep == "ل" and stem.startswith("ل") and len(stem) > MIN_STEM:
                out.append(("ا" + stem, len(prefix)))
    return tuple(out)


def _word_indices(tokens: tuple[Token, ...], i: int, limit: int) -> list[int]:
    """Up to ``limit`` token indices from ``i`` on, skipping hashtag joiners."""
    idx: list[int] = []
    j = i
    while j < len(tokens) and len(idx) < limit:
        if tokens[j].norm not in JOINERS or j == i:
            idx.append(j)
        j += 1
    return idx


def _cue_before(tokens: tuple[Token, ...], i: int) -> tuple[Cue, int] | None:
    """The head word right before token ``i`` and its proclitic letters, if any."""
    if i == 0 or not tokens[i - 1].is_word:
        return None
    norm = tokens[i - 1].norm
    if norm in _CUE_OF:
        return _CUE_OF[norm]
    found = _cue_of(norm)
    if len(_CUE_OF) < MAX_MEMO:
        _CUE_OF[norm] = found
    return found


_CUE_OF: dict[str, tuple[Cue, int] | None] = {}  # word form -> the head it is (a memo)


def _cue_of(norm: str) -> tuple[Cue, int] | None:
    table = cues()
    for stem, plen in clitic_variants(norm):
        if stem in table:
            return table[stem], plen
    if norm[:1] in "وفبل" and norm[1:] in table:  # short heads: "وحي الكلاسة"
        return table[norm[1:]], 1
    return None


def _name_starts(norm: str, gaz: Gazetteer) -> tuple[tuple[str, int, int], ...]:
    """Readings of a token that start a gazetteer name: (stem, clitic letters, longest name
    in words). Memoised on the gazetteer: most tokens start none, and this is asked of each."""
    found = gaz.starts.get(norm)
    if found is None:
        found = tuple(
            (stem, plen, gaz.max_len[stem]) for stem, plen in clitic_variants(norm)
            if stem in gaz.max_len
        )  # fmt: skip
        if len(gaz.starts) < MAX_MEMO:
            gaz.starts[norm] = found
    return found


def _match_known(
    tokens: tuple[Token, ...], i: int, gaz: Gazetteer, cue: Cue | None, joiners: bool = True
) -> Known | None:
    """Longest gazetteer name starting at token ``i``: (prefix letters, end token, key, entries).
    ``joiners=False`` promises that no token is a hashtag joiner (the words are consecutive)."""
    starts = gaz.starts.get(tokens[i].norm)
    if starts is None:
        starts = _name_starts(tokens[i].norm, gaz)
    if not starts:
        return None  # the common case: no name starts with this word
    best: Known | None = None
    cued = cue is not None
    bare, headed = gaz.bare_names, gaz.cue_names
    for stem, plen, longest in starts:
        idx: Sequence[int] = (
            _word_indices(tokens, i, longest)
            if joiners
            else range(i, min(i + longest, len(tokens)))
        )
        seq = [stem] + [tokens[j].norm for j in idx[1:]]
        lengths = gaz.name_lengths[stem]
        for k in range(len(seq), 0, -1):
            if k not in lengths:
                continue  # no name of k words starts with this one
            key = tuple(seq[:k])
            if key not in bare and not (cued and key in headed):
                continue  # what gaz.lookup would find empty, without building its list
            entries = gaz.lookup(key, cued=cued)
            if entries:
                end = idx[k - 1] + 1
                better = best is None or (end, -plen) > (best[1], -best[0])
                if better:
                    best = (plen, end, key, entries)
                break
    return best


def _after_org_head(known: Known, cue: Cue) -> Known:
    """A known name after an organisation head: an organisation ("حركة حماس"), a new name
    where the head takes one ("قناة المنار", not a place), or the place it was
    ("جبهة حيفان": a front line)."""
    if cue.subkind == "descriptor":
        return known
    actors = [e for e in known[3] if e.entity.kind in ORG_KINDS]
    if actors or cue.subkind == "bare-name":
        return (known[0], known[1], known[2], actors)  # no actors: a new name
    return known


def _starts_with_head(key: tuple[str, ...], gaz: Gazetteer) -> bool:
    """Does a gazetteer name start with a place head that is not part of a mention?"""
    cue = cues().get(key[0]) if len(key) > 1 else None
    if cue is None or cue.role != "place_head" or key[0] == RIF:
        return False  # "ريف دمشق" is the governorate's own name
    rest = {e.entity.key for e in gaz.lookup(key[1:], cued=True)}
    return any(e.entity.key in rest for e in gaz.lookup(key, cued=True))


def _facility_word(key: tuple[str, ...], tokens: tuple[Token, ...], i: int, end: int) -> bool:
    """Is a one-word name also a facility head with the article, after a demonstrative or
    before a word with the article ("هذه القاعدة", "القاعدة الجوية")? Then it is that
    facility, not the name."""
    word = key[0] if len(key) == 1 else ""
    cue = cues().get(word[2:]) if word.startswith("ال") else None
    if cue is None or cue.role != "facility_head":
        return False
    if i > 0 and tokens[i - 1].norm in DEMONSTRATIVES:
        return True
    return end < len(tokens) and tokens[end].is_word and tokens[end].norm.startswith("ال")


def _describes_head(tok: Token, cue: Cue) -> bool:
    """Is the word after a facility head an adjective of it rather than a name ("قاعدة جوية",
    "قاعدة خلفية")? Feminine indefinite nisba forms are; names rarely take that shape."""
    return (
        cue.role == "facility_head"
        and tok.is_word
        and tok.norm.endswith("يه")
        and (not tok.norm.startswith("ال"))
    )


def _unknown_name(tokens: tuple[Token, ...], i: int, text: str) -> int | None:
    """End token of a name that follows a head at token ``i``, or None."""
    stop = stopwords()
    tok = tokens[i]
    if not tok.is_word:
        if tok.norm in QUOTES_OPEN:  # a quoted name: up to the closing quote
            j = i + 1
            while j < len(tokens) and j - i <= MAX_UNKNOWN_TOKENS + 1:
                if tokens[j].norm in QUOTES_CLOSE:
                    return j if j > i + 1 else None
                if not tokens[j].is_word:
                    return None
                j += 1
        return None
    if tok.norm in stop or tok.norm.isdigit() or len(tok.norm) < MIN_STEM:
        return None
    end = i + 1
    while end < len(tokens) and end - i < MAX_UNKNOWN_TOKENS:
        nxt = tokens[end]
        gap = text[tokens[end - 1].end : nxt.start]
        if not nxt.is_word or gap.strip() or "\n" in gap or nxt.norm in stop:
            break
        if not nxt.norm.startswith("ال") or (nxt.norm[0] in "وفبلك" and nxt.norm[1:3] == "ال"):
            break  # name parts after the first are article-bearing ("كرم الميسر", "عين الفيجة")
        end += 1
    return end


def find_candidates(text: str, analysis: Analysis, gaz: Gazetteer) -> list[Candidate]:
    """Non-overlapping mention candidates, left to right, longest first."""
    tokens = analysis.tokens
    out: list[Candidate] = []
    i = 0
    n = len(tokens)
    joiners = any(j in text for j in JOINERS)  # a joiner token is its own character
    stop = stopwords()
    while i < n:
        tok = tokens[i]
        if not tok.is_word and tok.norm not in QUOTES_OPEN:
            i += 1
            continue
        found_cue = _cue_before(tokens, i)
        if found_cue is None and i >= 3 and tokens[i].norm.startswith("و") and out:
            # a dual head covers the coordinated name: "محافظتي إدلب (شمال غرب) وحمص"
            prev = out[-1]
            head_word = tokens[prev.first_token - 1].norm if prev.first_token > 0 else ""
            if prev.cue is not None and head_word in DUAL_HEADS and i - prev.end_token <= 4:
                found_cue = (prev.cue, 0)
        cue = found_cue[0] if found_cue else None
        known = _match_known(tokens, i, gaz, cue, joiners) if tok.is_word else None
        if known is not None and len(known[2]) == 1 and known[2][0] in stop:
            known = None  # "مدينة منكوبة": an adjective after the head, not a village of that name
        if known is not None and _facility_word(known[2], tokens, i, known[1]):
            known = None  # "القاعدة العسكرية" is a base, "القاعدة" alone the group
        if known is not None and _starts_with_head(known[2], gaz):
            i += 1  # "محافظة اللاذقية": the head is a cue, the name follows it
            continue
        if known is not None and cue is not None and cue.role == "org_head":
            known = _after_org_head(known, cue)
            if known[3] and known[3][0].entity.kind not in ORG_KINDS:
                found_cue = cue = None  # "جبهة حيفان": a front line, not a group
                known = _match_known(tokens, i, gaz, None, joiners)
        if known is not None:
            plen, end, key, entries = known
            start, first = tok.start + _letters_to_chars(text, tok, plen), i
            if found_cue and _head_in_name(found_cue[0]):  # "مطار الحديدة", "حركة حماس"
                head = tokens[i - 1]
                start, first = head.start + _letters_to_chars(text, head, found_cue[1]), i - 1
            out.append(Candidate(start, tokens[end - 1].end, first, end, tuple(entries), cue, key))
            i = end
            continue
        if cue is not None and cue.role == "org_head" and tok.is_word:
            i += 1  # an organisation head names something new only in quotes: تنظيم «ولاية سيناء»
            continue
        if not tok.is_word and i + 1 < n and tokens[i + 1].is_word:
            inner = _match_known(tokens, i + 1, gaz, None, joiners)
            if inner is not None:
                i += 1  # a quoted name the gazetteer knows: matched at the next token
                continue
        if cue is not None and cue.mint and not _describes_head(tok, cue):
            end_tok = _unknown_name(tokens, i, text)
            if end_tok is not None:
                first = i + 1 if not tok.is_word else i  # inside quotes
                last = end_tok
                if first < last:
                    key = tuple(t.norm for t in tokens[first:last] if t.norm not in JOINERS)
                    start = tokens[first].start
                    if found_cue and found_cue[0].role == "facility_head" and tok.is_word:
                        head = tokens[i - 1]
                        start, first = (
                            head.start + _letters_to_chars(text, head, found_cue[1]),
                            i - 1,
                        )
                    out.append(Candidate(start, tokens[last - 1].end, first, last, (), cue, key))
                    i = last
                    continue
        i += 1
    return out


def _letters_to_chars(text: str, tok: Token, letters: int) -> int:
    return strip_diacritics_map(text[tok.start : tok.end], letters) if letters else 0
