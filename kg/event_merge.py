"""One event per happening: merging the tellings of a sentence and of a document.

A killing and the attack that caused it in one sentence are one event; the same happening told
again later in the document joins its first telling when the class and the day agree and the
places and agents do not conflict. A generic telling ("الهجوم", a bare "قصف") takes the class of
the specific one it joins.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from importlib import resources

from kg.arabic import normalise
from kg.model import Event, Mention, TimeValue

VIOLENT = (
    "ArmedClash",
    "AirStrike",
    "Shelling",
    "Bombing",
    "AttackOnCivilians",
    "Attack",
    "Killing",
    "GovernmentRegainsTerritory",
    "NonStateActorTakesTerritory",
    "Destruction",  # part of the strike or battle of its sentence, else property destroyed
    "Interception",  # resolved to the attack it shot down before any merge
)
SPECIFIC_ATTACKS = ("AirStrike", "Shelling", "Bombing")
VERBAL = ("Statement", "Appeal", "Rejection")
# the fighting, a strike or a destruction and the change of control it brought are two events
APART_FROM_TERRITORY = ("ArmedClash", "AirStrike", "Shelling", "Bombing", "AttackOnCivilians",
                        "Destruction")  # fmt: skip
BATTLE_AND_TERRITORY = tuple(
    frozenset({a, c})
    for a in APART_FROM_TERRITORY
    for c in ("GovernmentRegainsTerritory", "NonStateActorTakesTerritory", "TakeControl")
)
TERRITORY = {"GovernmentRegainsTerritory", "NonStateActorTakesTerritory"}
ARMED_KINDS = ("state_force", "armed_group", "government", "country")
STATE_KINDS = ("state_force", "government", "country")
PARTS = frozenset(normalise(w) for w in ("شمال", "جنوب", "شرق", "غرب", "وسط", "ريف", "محيط",
                                         "شمالي", "جنوبي", "شرقي", "غربي"))  # fmt: skip
# when a killing and an attack are one event, the more specific class names it
VIOLENT_RANK = {c: n for n, c in enumerate((
    "Destruction", "Killing", "Attack", "ArmedClash", "NonStateActorTakesTerritory", "GovernmentRegainsTerritory",
    "AttackOnCivilians", "Bombing", "Shelling", "AirStrike"))}  # fmt: skip
# what a generic telling can be a telling of: "الهجوم" of an air strike, a bare "قصف" of one
REFINES = {"ArmedClash": {"AirStrike", "Shelling", "Bombing", "AttackOnCivilians"},
           "Shelling": {"AirStrike"}}  # fmt: skip


def _merge(a: Event, b: Event, cls: str | None = None, allied: bool = False) -> Event:
    """One event of two tellings. The first telling's agents stand, unless it names none, or
    the second names one of them with its allies (``allied``: «قرار الولايات المتحدة
    وبريطانيا وفرنسا شن ضربات» after «الضربات الأمريكية»): then they join."""
    roles = a.roles + tuple(
        r
        for r in b.roles
        if (r not in a.roles and r[0] != "agent")
        or (r[0] == "agent" and not any(x[0] == "agent" for x in a.roles))
        or (r[0] == "agent" and allied and r not in a.roles)
    )
    time = a.time if a.time is not None and a.time.expression is not None else (b.time or a.time)
    return replace(
        a,
        cls=cls or a.cls,
        triggers=tuple(sorted(set(a.triggers + b.triggers))),
        roles=roles,
        place=a.place if a.place is not None else b.place,
        time=time,
        counts=a.counts + tuple(c for c in b.counts if c not in a.counts),
        sources=tuple(sorted(set(a.sources) | set(b.sources))),
        negated=a.negated and b.negated,
        hedged=a.hedged and b.hedged,
        back_reference=a.back_reference and b.back_reference,
        vague=_vague_after_merge(a, b, cls or a.cls),
    )


def _vague_after_merge(a: Event, b: Event, cls: str) -> bool:
    """Still generic when the class kept came only from generic tellings ("قتلوا في القصف")."""
    tellings = [e for e in (a, b) if e.cls == cls]
    return bool(tellings) and all(e.vague for e in tellings)


def merge_in_sentence(events: list[Event]) -> list[Event]:
    """A killing and the attack that caused it, or one class told twice, are one event. A
    killing joins the nearest attack («غارتين على دوما، فضلا عن مقتل امرأة جراء قصف»: the
    shelling), so killings are placed after the attacks are."""
    out: list[Event] = []
    for ev in sorted(events, key=lambda e: e.cls == "Killing"):
        candidates = []
        for k, other in enumerate(out):
            same = (
                (other.cls == ev.cls or {other.cls, ev.cls} <= TERRITORY)
                and other.negated == ev.negated
                # a hoped-for taking is not the retaking told beside it; but the ceasefire
                # an agreement is for («اتفاق لوقف إطلاق النار») is that agreement
                and (other.hedged == ev.hedged or ev.cls not in VIOLENT + tuple(TERRITORY))
            )
            violent_pair = (
                ev.cls in VIOLENT
                and (
                    ev.hedged == other.hedged
                    # «صاروخ … في طريقه لاستهداف جازان»: a generic attack word for what the
                    # missile was meant to strike is a telling of the missile itself
                    or _purpose_of(ev, other)
                    or _purpose_of(other, ev)
                )
                and other.cls in VIOLENT
                and not (
                    ev.cls in SPECIFIC_ATTACKS
                    and other.cls in SPECIFIC_ATTACKS
                    and ev.cls != other.cls
                    and _refined(ev, other) is None
                )
                and {ev.cls, other.cls} not in BATTLE_AND_TERRITORY
            )
            if same or violent_pair:
                candidates.append(k)
        if not candidates:
            out.append(ev)
            continue
        target = candidates[0]
        if ev.cls == "Killing":
            target = min(candidates, key=lambda k: _distance(out[k], ev))
        other = out[target]
        if other.cls in TERRITORY and ev.cls in TERRITORY:  # the one whose agent is known decides
            if _has_agent(ev) != _has_agent(other):
                cls = ev.cls if _has_agent(ev) else other.cls
            else:  # neither, or both: a word of retaking ("استعادة", "تحرير") decides
                cls = (
                    "GovernmentRegainsTerritory"
                    if "GovernmentRegainsTerritory" in (ev.cls, other.cls)
                    else other.cls
                )
        else:
            cls = max((other.cls, ev.cls), key=lambda c: VIOLENT_RANK.get(c, -1))
        out[target] = _merge(other, ev, cls)
    return sorted(out, key=lambda e: e.triggers[0])


def _purpose_of(hedged: Event, fact: Event) -> bool:
    return (
        hedged.hedged
        and hedged.vague
        and not hedged.negated
        and fact.cls in SPECIFIC_ATTACKS
        and not (fact.hedged or fact.negated or fact.vague)
    )


def _distance(a: Event, b: Event) -> int:
    return min(max(x[0] - y[1], y[0] - x[1], 0) for x in a.triggers for y in b.triggers)


def _has_agent(ev: Event) -> bool:
    return any(role == "agent" for role, _ in ev.roles)


def merge_in_document(
    events: list[Event],
    mentions: list[Mention],
    country_of: Mapping[str, str] | None = None,
    text: str = "",
) -> list[Event]:
    """The same happening told twice is one event: the same class and day, and places and
    agents that do not conflict (the same entity, or one of the tellings does not name it or
    names only a country, and not a place in another country).
    A happening with a place of its own stays apart from one elsewhere, unless the later
    telling is a bare back reference ("الغارة") with no figure of its own. Tellings that give
    different death tolls, or a total with a part («43 مدنياً بينهم 16 جراء غارة»), stay
    apart: a total is not one of the strikes it adds up. One speaker's statement told twice
    on one day is one, whatever places its sentences name (a state's forces speak for it)."""
    country_of = country_of or {}

    def key(mi: int | None) -> str | None:
        return mentions[mi].entity_key if mi is not None else None

    def other_countries(a: Event, b: Event) -> bool:
        ca, cb = (country_of.get(key(e.place) or "") for e in (a, b))
        return ca is not None and cb is not None and ca != cb

    def open_place(e: Event) -> bool:
        """No place that tells it apart: none, a country (too coarse), or the agent itself
        («نفذت الولايات المتحدة غارات»: the United States is who struck, not where)."""
        return (
            e.place is None
            or mentions[e.place].kind == "country"
            or any(role == "agent" and key(mi) == key(e.place) for role, mi in e.roles)
        )

    def agents(e: Event) -> set[str | None]:
        """Who did it, as far as it can tell two happenings apart: for violence only armed
        actors and states (a spokesman quoted beside a strike is not its agent), and a
        state's forces are the state («الجيش الإسرائيلي», «سلاح الجو الإسرائيلي», «إسرائيل»)."""
        if e.cls in VERBAL:
            return {key(mi) for role, mi in e.roles if role == "agent"}
        out: set[str | None] = set()
        for role, mi in e.roles:
            m = mentions[mi]
            if role != "agent" or m.kind not in ARMED_KINDS:
                continue
            country = country_of.get(m.entity_key) if m.kind in STATE_KINDS else None
            if country is not None:
                out.add(country)
            elif m.method != "phrase":  # a description made of words is no identity
                out.add(m.entity_key)
        return out

    def agent_keys(e: Event) -> set[str]:
        return {mentions[mi].entity_key for role, mi in e.roles if role == "agent"}

    def surface(mi: int) -> tuple[str, ...]:
        return tuple(normalise(text[mentions[mi].start : mentions[mi].end]).split())

    def _within(a: int | None, b: int | None) -> bool:
        """«شمال سيناء» and «سيناء»: a part of a place named by a direction and the place."""
        if a is None or b is None or not text:
            return False
        sa, sb = surface(a), surface(b)
        if sa == sb:  # one name told twice in an article is one place
            return True
        short, long = sorted((sa, sb), key=len)
        return len(long) == len(short) + 1 and long[1:] == short and long[0] in PARTS

    def _one_speaker(a: Event, b: Event) -> bool:
        """One speaker's words told twice on one day are one statement, wherever the places
        its sentences name: a statement's place is what it is about, not where it was told."""
        if a.cls != "Statement" or b.cls != "Statement":
            return False
        who = [
            {_speaker(mentions[mi], country_of) for r, mi in e.roles if r == "agent"}
            for e in (a, b)
        ]
        return bool(who[0]) and who[0] == who[1]

    out: list[Event] = []
    for ev in events:
        target = None
        back = _bare_back_reference(ev)
        for k, other in enumerate(out):
            if (
                _refined(ev, other) is None
                or other.negated != ev.negated
                or other.hedged != ev.hedged
                or not _same_time(other.time, ev.time)
                or not _same_toll(other, ev)
                or (other_countries(other, ev) and not back and not _one_speaker(other, ev))
            ):
                continue
            same_place = key(ev.place) is not None and (
                key(other.place) == key(ev.place) or _within(other.place, ev.place)
            )
            unplaced = (
                same_place or back or open_place(ev) or open_place(other) or _one_speaker(other, ev)
            )
            who = [agents(e) for e in (ev, other)]
            if ev.cls in VERBAL:  # what one party says is not what another says
                # …unless a definite noun tells it again with no speaker («الاعتراف»)
                fits = who[0] == who[1] or (ev.back_reference and not who[0])
                fits = fits or _one_speaker(other, ev)
            else:
                fits = not _other_agents(who[0], who[1]) or ev.back_reference
            if same_place or (unplaced and fits):
                if target is None or not back:  # the most recent such event: keep looking
                    target = k  # (a bare back reference: the first, the article's main one)
                if same_place:
                    break
        if target is None:
            out.append(ev)
        else:
            first, known = out[target], agent_keys(out[target])
            allied = bool(known & agent_keys(ev)) and len(agent_keys(ev)) > 1
            out[target] = _merge(first, ev, _refined(ev, first), allied=allied)
    return out


def _speaker(m: Mention, country_of: Mapping[str, str]) -> str:
    """Who speaks, a state's forces and government being the state («الجيش الإسرائيلي»,
    «إسرائيل»)."""
    country = country_of.get(m.entity_key) if m.kind in STATE_KINDS else None
    return country or m.entity_key


@lru_cache(maxsize=1)
def _generic_actors() -> frozenset[str]:
    """The keys of the generic actor phrases of ``kg/data/local_actors.tsv`` («الميليشيات»,
    «المقاتلين», «مسلحين حوثيين»): descriptions, not identities."""
    text = resources.files("kg").joinpath("data", "local_actors.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    return frozenset(
        f"local:{r['kind']}/{r['label_en'].lower().replace(' ', '-')}"
        for r in rows
        if "generic" in (r.get("evidence") or "")
    )


def _other_agents(a: set[str | None], b: set[str | None]) -> bool:
    """Do two tellings name different perpetrators? Only names tell them apart: «ميليشيات
    الحوثي» and «الميليشيات», «الميليشيات الإيرانية» or «مسلحين حوثيين» may be the same
    fighters told by a descriptive phrase."""
    generic = _generic_actors()
    named = [{k for k in x if k and k not in generic} for x in (a, b)]
    return bool(named[0] and named[1] and not named[0] & named[1])


def _bare_back_reference(ev: Event) -> bool:
    """A definite noun («الغارة», «الضربات») with no figure and no time of its own: it tells
    again a happening told before, whatever place its sentence names."""
    return ev.back_reference and not ev.counts and (ev.time is None or ev.time.expression is None)


def _refined(a: Event, b: Event) -> str | None:
    """The class of one happening told by ``a`` and ``b``: their class, or the specific class
    of one when the other's came from a generic word; None when they cannot be one."""
    if a.cls == b.cls:
        return a.cls
    if a.vague and not b.vague and b.cls in REFINES.get(a.cls, ()):
        return b.cls
    if b.vague and not a.vague and a.cls in REFINES.get(b.cls, ()):
        return a.cls
    return None


def _fatality_figures(ev: Event) -> set[int]:
    return {c.value for c in ev.counts if c.what == "fatalities"}


SIDES = {"fighters": "armed", "soldiers": "state"}  # who fell, by the count noun


def _sides(ev: Event) -> set[str]:
    return {SIDES[c.what] for c in ev.counts if c.what in SIDES}


def _same_toll(a: Event, b: Event) -> bool:
    """Compatible death tolls of a telling ``a`` and a later one ``b``: one gives none, or
    both give the same single figure. Two figures in one event are a total and a part of it
    (told with «بينهم»). In a battle, the dead of one side and the dead of the other («300
    مسلح» … «25 من قوات الأمن») are two figures of one happening. A definite noun that tells
    the happening again with a smaller toll of anyone («28 جثة نقلت إلى المستشفى منذ بدء
    المعركة») gives a part of its dead."""
    fa, fb = _fatality_figures(a), _fatality_figures(b)
    if not fa or not fb or (fa == fb and len(fa) == 1):
        return True
    sa, sb = _sides(a), _sides(b)
    if a.cls == b.cls == "ArmedClash" and len(sa) == len(sb) == 1 and sa != sb:
        return True
    return b.back_reference and not sb and max(fb) < max(fa)


def _same_time(a: TimeValue | None, b: TimeValue | None) -> bool:
    """Compatible times: equal, or one of them only the publication date (no expression)."""
    if a is None or b is None or a.expression is None or b.expression is None:
        return True
    return a.value == b.value
