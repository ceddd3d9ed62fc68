"""Removing documents from the embedded store: by id (``kg remove``), or every document that
is no longer in the corpus (``prune``, for ``kg build --prune``). A document is its named
graph; the shared entity descriptions stay, as other documents may mention them."""

from __future__ import annotations

from collections.abc import Iterable

from kg.corpus import CorpusReader
from kg.errors import InputError
from kg.rdf import doc_graph
from kg.store import GraphStore

LIST_IDS = 'kg query "SELECT ?id WHERE { ?d dcterms:identifier ?id }"'


def remove_documents(store: GraphStore, ids: Iterable[str]) -> list[str]:
    """Remove the documents ``ids``; all of them must be in the store, or none is removed."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise InputError("no document id given")
    known = store.document_hashes()
    missing = [i for i in wanted if i not in known]
    if missing:
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise InputError(
            f"not in the store: {', '.join(missing[:10])}{more}; nothing was removed",
            hint=f"the store's document ids: {LIST_IDS}",
        )
    store.remove_documents(doc_graph(i) for i in wanted)
    store.flush()
    return wanted


def stale_documents(store: GraphStore, corpus_ids: Iterable[str]) -> list[str]:
    """Ids of the store's documents that are not among ``corpus_ids``."""
    keep = set(corpus_ids)
    return sorted(i for i in store.document_hashes() if i not in keep)


def prune(store: GraphStore, corpus_ids: Iterable[str]) -> list[str]:
    """Remove every document whose id is not in ``corpus_ids`` (the ids a build read) and
    return their ids. A corpus that yielded no document prunes nothing: that is a mistake
    (a wrong path), not a wish to empty the store."""
    keep = set(corpus_ids)
    if not keep:
        raise InputError("the corpus has no document: refusing to remove every document")
    gone = stale_documents(store, keep)
    if gone:
        store.remove_documents(doc_graph(i) for i in gone)
        store.flush()
    return gone


def corpus_ids(reader: CorpusReader) -> set[str]:
    """The ids of the documents ``reader`` reads (records it rejects are not among them)."""
    return {doc.id for doc in reader}
