"""Remote SPARQL endpoints through SPARQLWrapper: queries with a polite agent and retries."""

from __future__ import annotations

import time
import urllib.error
from typing import Any

from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointNotFound, QueryBadFormed, SPARQLWrapperException

from kg import __version__
from kg.errors import EndpointError, QueryError

USER_AGENT = f"arabic-conflict-kg/{__version__} (https://w3id.org/ar-conflict-kg; research use)"
TRANSIENT = (429, 500, 502, 503, 504)


def select(
    endpoint: str,
    query: str,
    *,
    timeout: float = 60.0,
    retries: int = 3,
    backoff: float = 1.0,
    user: str | None = None,
    password: str | None = None,
) -> dict[str, Any]:
    """Run a query and return the SPARQL 1.1 JSON results document."""
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    client.setMethod("POST")
    if user is not None:
        client.setCredentials(user, password or "")
    attempt = 0
    while True:
        attempt += 1
        try:
            result = client.queryAndConvert()
        except QueryBadFormed as exc:
            raise QueryError(f"{endpoint} rejected the query: {_first_line(exc)}") from exc
        except EndPointNotFound as exc:
            raise EndpointError(
                f"{endpoint}: not found (404)", hint="check the endpoint URL"
            ) from exc
        except urllib.error.HTTPError as exc:
            if exc.code in TRANSIENT and attempt <= retries:
                time.sleep(backoff * 2 ** (attempt - 1))
                continue
            raise EndpointError(f"{endpoint} answered HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            if attempt <= retries:
                time.sleep(backoff * 2 ** (attempt - 1))
                continue
            reason = getattr(exc, "reason", exc)
            raise EndpointError(
                f"{endpoint} is unreachable after {attempt} attempts ({reason})",
                hint="check the URL and the network, then run the command again",
            ) from exc
        except SPARQLWrapperException as exc:
            raise EndpointError(f"{endpoint}: {_first_line(exc)}") from exc
        except ValueError as exc:  # the body was not JSON (json.JSONDecodeError)
            raise EndpointError(f"{endpoint}: malformed SPARQL JSON results ({exc})") from exc
        if isinstance(result, dict):
            return result
        raise EndpointError(f"{endpoint} returned something that is not SPARQL JSON results")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
