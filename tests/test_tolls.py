"""Tolls (kg/tolls.py): figures given to their events. Sentences written for the project."""

from __future__ import annotations


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
