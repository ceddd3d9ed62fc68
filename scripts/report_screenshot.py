"""Write docs/report-example.png: `kg report` of an incident graph, loaded offline in headless
Chromium (the same DevTools client as tests/test_report.py) and captured as one full page.

    python scripts/report_screenshot.py                      # the bundled example corpus
    python scripts/report_screenshot.py --store kg-store     # a built and resolved store
    python scripts/report_screenshot.py --graph tests/fixtures/incidents.trig --out shot.png

It fails (exit 1) when the page has a JavaScript error or a located incident has no marker.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cdp import chromium, find_browser  # noqa: E402

EXAMPLES = ROOT / "examples" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--graph", type=Path, help="an RDF file with incidents")
    source.add_argument("--store", type=Path, help="an embedded store with incidents")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-example.png")
    args = parser.parse_args()
    browser = find_browser()
    if browser is None:
        print("no chromium on PATH: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        kg = Path(sys.executable).with_name("kg")
        if args.graph:
            where = ["--graph", str(args.graph)]
        else:
            store = args.store or Path(tmp) / "store"
            if not args.store:  # kg build resolves the events into incidents as it ends
                build = [str(kg), "build", str(EXAMPLES), "--store", str(store), "--workers", "1"]
                subprocess.run(build, check=True)
            where = ["--store", str(store)]
        subprocess.run([str(kg), "report", str(page_file), *where], check=True)
        with chromium(browser) as page:
            page.open(page_file.as_uri())
            page.wait_until("document.body.getAttribute('data-timeline') === 'ready'")
            markers = page.evaluate("document.querySelectorAll('path.kg-incident').length")
            page.screenshot(args.out)
            errors = page.javascript_errors()
    print(f"{args.out}: {markers} markers, {len(errors)} JavaScript errors", file=sys.stderr)
    for error in errors:
        print(f"  {error}", file=sys.stderr)
    return 1 if errors or markers == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
