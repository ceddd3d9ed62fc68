"""The data that flows through the pipeline: frozen dataclasses, no I/O.

document -> sentences/tokens -> mentions -> linked entities -> events -> RDF.
Every span is a pair of Python string indices (code points) into ``Document.text``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

Span = tuple[int, int]

ACTOR_KINDS = (
    "person",
    "state_force",
    "armed_group",
    "government",
    "organisation",
    "media",
    "civilians",
)
PLACE_KINDS = ("country", "region", "settlement", "neighbourhood", "facility")
KINDS = ACTOR_KINDS + PLACE_KINDS


@dataclass(frozen=True, slots=True)
class Document:
    """One article, its text exactly as read."""

    id: str
    text: str
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) of publication
    source: str | None = None
    url: str | None = None
    title: str | None = None
    origin: str = ""  # "file:line" it came from, for messages


class Token(NamedTuple):
    """A word or punctuation mark (a named tuple: documents hold thousands of them)."""

    start: int
    end: int
    norm: str  # normalised form (no diacritics/tatweel, unified alef/yaa/teh marbuta)
    is_word: bool  # False for punctuation and symbols


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    first_token: int  # index into Analysis.tokens
    end_token: int  # exclusive


@dataclass(frozen=True, slots=True)
class Analysis:
    """The text layer of a document: tokens and sentences over the original string."""

    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(s.start for s in self.sentences))

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding ``offset`` (the last one when none does); a binary search,
        as events merged over a long document ask it for every trigger."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return self.sentences[-1]


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor or place, linked to Wikidata (``qid``) or local to this project."""

    key: str  # "Q123" for Wikidata items, "local:<kind>/<slug>" otherwise
    kind: str
    label_ar: str
    label_en: str | None = None
    qid: str | None = None
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_qid: str | None = None
    parent_key: str | None = None
    population: int | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    entity_key: str
    kind: str
    sentence: int
    first_token: int
    end_token: int  # exclusive
    method: str  # how it was found: gazetteer, cue, nisba, generic, model
    confidence: float  # linking confidence in [0, 1]


@dataclass(frozen=True, slots=True)
class Count:
    """A figure reported for an event: fatalities, injured, trucks…"""

    what: str  # fatalities, injured, civilians, children, women, or a unit (trucks, fighters)
    value: int
    qualifier: str  # exact, at_least, more_than, about, at_most
    span: Span
    part: bool = False  # told as a part of the figure before it («بينهم أربعة جنود»)


@dataclass(frozen=True, slots=True)
class TimeValue:
    """A resolved time: ``value`` is YYYY-MM-DD, YYYY-MM or YYYY; precision says which."""

    value: str
    precision: str  # day, month, year
    expression: str | None  # the words it came from; None when it is the publication date
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Event:
    cls: str  # local name of an ontology event class, e.g. "AirStrike"
    triggers: tuple[Span, ...]
    sentence: int  # sentence of the first trigger
    roles: tuple[tuple[str, int], ...] = ()  # (role, mention index)
    place: int | None = None  # mention index
    time: TimeValue | None = None
    counts: tuple[Count, ...] = ()
    sources: tuple[int, ...] = ()  # mention indices of who reported it
    negated: bool = False
    hedged: bool = False
    # told by a definite noun with no place or participant ("الغارات", "الهجوم"): most likely
    # a reference back to an event the document told before
    back_reference: bool = False
    # the class came from a generic word ("الهجوم", a bare "قصف") that a more specific telling
    # of the same happening in the document may refine
    vague: bool = False


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    analysis: Analysis
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
