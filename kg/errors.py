"""The library's exceptions. The CLI turns them into one line and an exit code."""

from __future__ import annotations


class KgError(Exception):
    """A problem the user can act on: ``message`` says what, ``hint`` what to try."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(KgError):
    """Bad input: a missing path, an undecodable file, a malformed record, a bad option."""

    exit_code = 2


class DataError(KgError):
    """A shipped or supplied data file (gazetteer, lexicon, ontology) is unusable."""


class StoreError(KgError):
    """The embedded store cannot be opened, read or written."""


class EndpointError(KgError):
    """A remote SPARQL endpoint failed or answered something unusable."""


class QueryError(KgError):
    """A SPARQL query is malformed or was rejected."""

    exit_code = 2
