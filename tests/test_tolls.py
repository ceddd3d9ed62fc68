"""Tolls (kg/tolls.py): figures given to their events. Sentences written for the project."""

from __future__ import annotations

from kg.model import Count
from kg.rdf import ACO, document_triples, int_lit
from kg.tolls import event_toll


def fatalities(ex) -> list[list[int]]:
    return [sorted(c.value for c in ev.counts if c.what == "fatalities") for ev in ex.events]


def test_tolls_a_dual_in_the_nominative_is_two(run):
    ex = run("قتل مدنيان في غارة على مدينة إدلب.")
    assert fatalities(ex) == [[2]]


def test_tolls_eleven_is_not_a_toll_of_one(run):
    ex = run("قتل أحد عشر مدنيا في غارة على مدينة إدلب.")
    assert fatalities(ex) == [[11]]


def test_tolls_thousands_told_alone(run):
    assert fatalities(run("قتل ألفا شخص في غارات على مدينة حلب.")) == [[2000]]


def test_tolls_children_among_the_dead_do_not_add_to_the_toll(run):
    ex = run("قتل 52 مدنيا بينهم طفلان في غارة على مدينة إدلب.")
    [ev] = ex.events
    counts = {c.what: c.value for c in ev.counts}
    assert counts["fatalities"] == 52 and counts["children"] == 2


BATTLE = (
    "وقال الحاكم إن أكثر من 300 مسلح قتلوا في معركة في المدينة. "
    "وأشار إلى أن 25 جنديا قتلوا أيضا في المعركة."
)


def test_tolls_the_dead_of_the_two_sides_of_a_battle_add_up(run):
    [ev] = run(BATTLE).events
    value, qualifier, parts = event_toll(ev.counts)
    assert (value, qualifier) == (325, "more_than")
    assert sorted(ev.counts[k].value for k in parts) == [25, 300]


def test_tolls_a_summed_toll_names_the_claims_it_adds(run):
    ex = run(BATTLE, doc_id="battle")
    triples = document_triples(ex)
    fatalities = [o for _, p, o in triples if p == f"<{ACO}fatalities>"]
    assert fatalities == [int_lit(325)]
    summed = {o for _, p, o in triples if p == f"<{ACO}fatalitiesSummedFrom>"}
    claims = {o for _, p, o in triples if p == f"<{ACO}hasCountClaim>"}
    assert len(summed) == 2 and summed <= claims


def test_tolls_a_total_and_a_group_among_it_do_not_add_up(run):
    # «بينهم»: the soldiers are among the dead counted, not beside them
    [ev] = run("قتل 20 شخصا بينهم خمسة جنود في هجوم على مدينة العريش.").events
    assert event_toll(ev.counts)[:2] == (20, "exact")


def test_tolls_civilians_and_the_children_among_them_do_not_add_up(run):
    [ev] = run("قتل 52 مدنيا بينهم عشرة أطفال في غارة على مدينة إدلب.").events
    assert event_toll(ev.counts)[:2] == (52, "exact")


def test_tolls_civilians_and_police_killed_in_one_attack_add_up(run):
    [ev] = run("قتل ثلاثة مدنيين وعنصرين من الشرطة في هجوم مسلح على حاجز في مدينة العريش.").events
    assert {c.what for c in ev.counts} >= {"civilians", "soldiers"}
    assert event_toll(ev.counts)[:2] == (5, "exact")


def test_tolls_men_of_the_police_are_soldiers_not_people(run):
    ex = run("قتل أربعة رجال شرطة في هجوم على نقطة تفتيش في مدينة غزني.")
    counted = {c.what for ev in ex.events for c in ev.counts}
    assert "soldiers" in counted and "people" not in counted


def test_tolls_one_group_told_twice_is_its_highest_figure():
    counts = (
        Count("soldiers", 12, "exact", (0, 8)),
        Count("fatalities", 12, "exact", (0, 8)),
        Count("soldiers", 15, "exact", (40, 48)),
        Count("fatalities", 15, "exact", (40, 48)),
        Count("fighters", 30, "about", (60, 68)),
        Count("fatalities", 30, "about", (60, 68)),
    )
    assert event_toll(counts) == (45, "about", (3, 5))


def test_tolls_the_qualifier_of_a_sum():
    def two(q1: str, q2: str) -> str | None:
        counts = (
            Count("soldiers", 4, q1, (0, 5)),
            Count("fatalities", 4, q1, (0, 5)),
            Count("fighters", 6, q2, (10, 15)),
            Count("fatalities", 6, q2, (10, 15)),
        )
        toll = event_toll(counts)
        return toll[1] if toll and toll[0] == 10 else None

    assert two("exact", "exact") == "exact"
    assert two("at_least", "exact") == "at_least"
    assert two("at_least", "more_than") == "more_than"
    assert two("about", "more_than") == "about"
    assert two("at_most", "at_least") == "about"
    assert two("at_most", "exact") == "at_most"


def test_tolls_a_smaller_count_of_bodies_told_again_of_the_battle_is_part_of_its_dead(run):
    ex = run(
        "وقال الحاكم إن 40 مسلحا قتلوا في معركة في المدينة، كما قتل عشرة جنود. "
        "وقال طبيب إن 12 جثة نقلت إلى المستشفى منذ بدء المعركة."
    )
    [ev] = ex.events
    assert event_toll(ev.counts)[:2] == (50, "exact")


def test_tolls_fighters_of_the_state_s_forces_are_soldiers(run):
    # one group told twice, first as «مسلحا من قوات النظام», then as «من قوات الجيش»
    ex = run(
        "قتل 14 مسلحا من قوات النظام في هجوم انتحاري في مدينة درعا. "
        "وأعلن المرصد مقتل 14 من قوات الجيش في الهجوم."
    )
    [ev] = ex.events
    assert event_toll(ev.counts)[:2] == (14, "exact")


def test_tolls_a_group_among_the_dead_does_not_add_to_them(run):
    ex = run("قتل 35 مقاتلا من قوات النظام بينهم تسعة مقاتلين روس في هجوم على مدينة الميادين.")
    [ev] = ex.events
    assert event_toll(ev.counts)[:2] == (35, "exact")


def test_tolls_soldiers_among_the_injured_are_no_toll(run):
    ex = run(
        "أدى الهجوم على دورية في مدينة غاو إلى مقتل أربعة مدنيين وجرح أكثر من عشرين شخصا "
        "بينهم أربعة جنود."
    )
    [ev] = ex.events
    fours = {c.what for c in ev.counts if c.value == 4}
    assert fours == {"civilians", "fatalities", "injured"}  # the soldiers among the injured
    assert event_toll(ev.counts)[:2] == (4, "exact")


def test_tolls_a_list_of_attacks_each_with_its_toll_is_one_event_each(run):
    ex = run(
        "ونفذ التنظيم تفجير كنيسة في مدينة طنطا التي راح ضحيتها 30 قتيلاً، وهاجم حاجزا "
        "للشرطة في مدينة العريش الذي راح ضحيته 12 قتيلاً، عدا عن كمين في الصحراء عام 2015 "
        "راح ضحيته 9 قتلى."
    )
    tolls = sorted(event_toll(ev.counts)[0] for ev in ex.events if event_toll(ev.counts))
    assert tolls == [9, 12, 30], [(e.cls, e.triggers, e.counts) for e in ex.events]


def test_tolls_a_toll_that_rose_is_one_toll_told_twice(run):
    ex = run("وارتفعت حصيلة الغارة على مدينة دوما من 20 قتيلا إلى 25 قتيلا.")
    [ev] = ex.events
    assert event_toll(ev.counts)[0] == 25
