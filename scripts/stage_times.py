"""Time each pipeline stage over a JSON Lines corpus, beside camel-tools tokenisation alone.

Times are CPU seconds of this process (``time.process_time``), so other work on a shared
machine does not inflate them. Run: python scripts/stage_times.py ../shared/corpus/conflict_2144.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from kg.arabic import analyse, camel_tokenise
from kg.coref import add_references
from kg.events import extract_events
from kg.gazetteer import default_gazetteer
from kg.linking import link
from kg.mentions import find_candidates
from kg.model import Document, Extraction
from kg.phrases import extend_actor_phrases
from kg.rdf import document_triples, nquads

STAGES = ("tokenise", "recognise+link", "references+phrases", "events", "rdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    gaz = default_gazetteer()
    with args.corpus.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    docs = [Document(r["id"], r["text"], r.get("date")) for r in rows]
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.process_time
    for doc in docs:
        t0 = clock()
        analysis = analyse(doc.text)
        t1 = clock()
        mentions, entities = link(doc.text, analysis, find_candidates(doc.text, analysis, gaz), gaz)
        t2 = clock()
        mentions, entities = add_references(doc.text, analysis, mentions, entities, gaz)
        mentions, entities = extend_actor_phrases(doc.text, analysis, mentions, entities)
        t3 = clock()
        events = extract_events(doc, analysis, mentions)
        t4 = clock()
        nquads("urn:g", document_triples(Extraction(doc, analysis, mentions, entities, events)))
        t5 = clock()
        for stage, dt in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            spent[stage] += dt
    total = sum(spent.values())
    start = clock()
    for doc in docs:
        camel_tokenise(doc.text)
    camel = clock() - start
    chars = sum(len(d.text) for d in docs) / len(docs)
    print(
        f"{len(docs)} documents, {chars:.0f} characters on average; load {os.getloadavg()[0]:.2f}"
    )
    print("| stage | seconds | share |\n|---|---|---|")
    for stage, sec in spent.items():
        print(f"| {stage} | {sec:.2f} | {100 * sec / total:.0f}% |")
    print(f"| extraction, all stages | {total:.2f} | {len(docs) / total:.0f} docs/s |")
    print(f"| camel-tools tokenisation alone | {camel:.2f} | {len(docs) / camel:.0f} docs/s |")
    print(f"ratio extraction / camel tokenisation: {total / camel:.1f}")


if __name__ == "__main__":
    main()
