"""kg report: the page's parts, and the page in a real headless Chromium (Debian's package,
installed by .ci/run): it loads offline with no JavaScript error and shows one marker per
located incident, the timeline, the network and the table."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kg.incident_view import read_incidents
from kg.report import MARKER_CLASS, marker_radius, network_svg, render_report, write_report
from kg.store import GraphStore
from tests.cdp import chromium, find_browser
from tests.test_export import FIXTURE, example_store, invoke  # noqa: F401 (a fixture)

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def incidents():
    store = GraphStore(None)
    store.load_file(FIXTURE)
    return read_incidents(store)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = invoke("report", out, "--graph", FIXTURE)
    assert result.exit_code == 0, result.stderr
    assert "4 incidents written" in result.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> str:
    path = find_browser()
    if path is None:
        if IN_CI:
            pytest.fail("no Chromium in CI: .ci/run installs Debian's chromium package")
        pytest.skip(
            "no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)"
        )
    return path


def test_report_is_self_contained(report_file):
    page = report_file.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "window.L=t" in page  # Leaflet itself, inlined
    assert "window.vegaEmbed" in page  # the vega bundle, inlined
    assert page.count(f'"className": "{MARKER_CLASS}"') == 3  # Tall al-Ward has no coordinates


def test_report_table_links_incidents_to_sentences_and_sources(report_file, incidents):
    page = report_file.read_text(encoding="utf-8")
    assert page.count('<tr id="incident-') == len(incidents) == 4
    for incident in incidents:
        assert incident.iri in page
        for report in incident.reports:
            assert f'href="{report.url}"' in page
            assert f'href="{report.sentence}"' in page
            assert report.sentence_text and report.trigger
            before, _, after = report.sentence_text.partition(report.trigger)
            assert f"{before}<mark>{report.trigger}</mark>{after}" in page
    assert "12 / 15 / 15" in page and "sources disagree" in page


def test_report_network_draws_agents_against_targets_and_victims(incidents):
    svg, caption = network_svg(incidents)
    assert caption == "5 actors, 2 links."
    assert svg.count('class="kg-actor"') == 5 and svg.count('class="kg-link"') == 2


def test_report_marker_area_grows_with_fatalities():
    assert marker_radius(None) == marker_radius(0) == 6.0
    assert marker_radius(1) < marker_radius(9) < marker_radius(15) <= 30.0
    assert marker_radius(10_000) == 30.0


def test_report_filtered_to_one_place(tmp_path):
    out = tmp_path / "idlib.html"
    result = invoke("report", out, "--graph", FIXTURE, "--place", "Idlib Governorate")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count('<tr id="incident-') == 1 and "سراقب" in page and "تعز" not in page


def test_report_of_nothing_writes_no_file(tmp_path):
    out = tmp_path / "none.html"
    result = invoke("report", out, "--graph", FIXTURE, "--until", "2001-01-01")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no incident matches --until 2001-01-01"
    assert list(tmp_path.iterdir()) == []


def test_report_renders_the_same_twice(incidents):
    assert render_report(incidents) == render_report(incidents)


def located_incidents(store: GraphStore) -> int:
    """Incidents whose place has coordinates in the graph, counted by SPARQL alone."""
    q = """SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {
             GRAPH <https://w3id.org/ar-conflict-kg/resource/graph/incidents> {
               ?i a aco:Incident ; sem:hasPlace ?p } ?p geo:lat ?lat ; geo:long ?lon }"""
    return int(next(iter(store.query(q)))["n"].value)


@pytest.fixture(scope="module", params=["fixture", "examples"])
def page_under_test(request, tmp_path_factory) -> tuple[Path, dict[str, int | None]]:
    """A report and what it must show: the test fixture's four incidents (one without
    coordinates), and the incidents kg resolve finds in the bundled example corpus."""
    if request.param == "fixture":
        # 4 bars (a day and type each) in each of the two timeline panels; 5 actors
        return request.getfixturevalue("report_file"), {
            "markers": 3,
            "rows": 4,
            "bars": 8,
            "actors": 5,
        }
    store = request.getfixturevalue("example_store")
    out = tmp_path_factory.mktemp("examples") / "report.html"
    rows = write_report(read_incidents(store), out)
    return out, {"markers": located_incidents(store), "rows": rows, "bars": None, "actors": None}


def test_report_in_headless_chromium(page_under_test, browser, tmp_path):
    report, expected = page_under_test
    with chromium(browser) as page:
        page.open(report.as_uri())
        page.wait_until("document.body.getAttribute('data-timeline') === 'ready'")
        markers = page.evaluate(f"document.querySelectorAll('path.{MARKER_CLASS}').length")
        bars = page.evaluate("document.querySelectorAll('#kg-timeline .mark-rect path').length")
        actors = page.evaluate("document.querySelectorAll('svg g.kg-actor').length")
        rows = page.evaluate("document.querySelectorAll('table.incidents tbody tr').length")
        page.evaluate(
            f"document.querySelector('path.{MARKER_CLASS}')"
            ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
        )
        page.wait_until("document.querySelector('.leaflet-popup-content a') !== null")
        link = page.evaluate("document.querySelector('.leaflet-popup-content a').hash")
        page.evaluate("document.querySelector('.leaflet-popup-close-button').click()")
        # the screenshot stays in pytest's tmp dir as the test's artefact; docs/report-example.png
        # is the same capture of the bundled example, made by scripts/report_screenshot.py
        shot = tmp_path / "report.png"
        page.screenshot(shot)
        errors = page.javascript_errors()
    assert errors == []
    assert markers == expected["markers"] > 0
    assert rows == expected["rows"]
    assert bars == expected["bars"] if expected["bars"] else bars >= 2  # a bar in each panel
    assert actors == expected["actors"] if expected["actors"] else actors > 0
    assert re.fullmatch(r"#incident-\d+", link)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
