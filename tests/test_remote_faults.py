"""Faults while talking to a SPARQL store: an unreachable endpoint, error answers, a
time-out in the middle of a push, malformed answers, a rejected query. Each gives one clear
error saying what failed, what was already sent and how to resume; a resumed push ends with
the store as a clean push leaves it."""

from __future__ import annotations

import base64

import pytest
import requests

from kg.errors import EndpointError, QueryError
from kg.remote import PushError, graph_names, graph_triples, push, update_requests
from kg.results import construct_endpoint, select_endpoint
from tests.sparql_servers import FaultServer, build_examples, closed_port, quads

FAST = {"retries": 1, "backoff": 0.01}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_examples(tmp_path_factory.mktemp("built"))[1]


@pytest.fixture(scope="module")
def clean_push(store, server):
    """What the store holds after one uninterrupted push."""
    requests.post(server.update_url, data={"update": "CLEAR ALL"}, timeout=10).raise_for_status()
    push(store, server.store_url)
    return quads(server)


def test_remote_unreachable_endpoint_says_nothing_was_sent(store):
    url = f"http://127.0.0.1:{closed_port()}/store"
    with pytest.raises(PushError) as caught:
        push(store, url, **FAST)
    message = caught.value.message
    assert f"push to {url} failed" in message
    assert f"cannot connect to 127.0.0.1:{url.split(':')[2].split('/')[0]}" in message
    assert "(after 2 attempts)" in message
    assert "0 of 9 graphs (0 triples) were sent" in message
    assert "run it again" in message
    assert caught.value.resume_after is None and caught.value.exit_code == 1


def test_remote_server_error_is_retried_then_reported(store):
    with FaultServer(status=500, body=b"disk full") as fault, pytest.raises(PushError) as caught:
        push(store, fault.url + "/store", retries=2, backoff=0.01)
    assert len(fault.seen) == 3  # one try and two retries
    assert "HTTP 500 Internal Server Error: disk full (after 3 attempts)" in caught.value.message
    assert "PUT graph <" in caught.value.message


def test_remote_transient_failures_are_retried_until_the_push_succeeds(store, remote, clean_push):
    with FaultServer(
        status=503, fail_first=2, upstream=remote.url, headers={"Retry-After": "0"}
    ) as fault:
        summary = push(store, fault.url + "/store", retries=3, backoff=0.01)
    assert summary.graphs == 9 and len(fault.seen) == 9 + 2
    assert quads(remote) == clean_push


def test_remote_unauthorised_is_not_retried_and_sends_basic_auth(store):
    with FaultServer(status=401, body=b"") as fault, pytest.raises(PushError) as caught:
        push(store, fault.url + "/store", user="analyst", password="s3cret", retries=3)
    assert len(fault.seen) == 1
    assert fault.seen[0][2] == "Basic " + base64.b64encode(b"analyst:s3cret").decode()
    assert "HTTP 401 Unauthorized" in caught.value.message
    assert "--user and --password" in (caught.value.hint or "")


def test_remote_redirect_is_reported_not_followed(store):
    with (
        FaultServer(status=302, headers={"Location": "http://elsewhere.invalid/store"}) as fault,
        pytest.raises(PushError, match=r"redirected to http://elsewhere.invalid/store"),
    ):
        push(store, fault.url + "/store")
    assert len(fault.seen) == 1


def test_remote_timeout_mid_push_then_resume(store, remote, clean_push):
    names = graph_names(store)
    with (
        FaultServer(upstream=remote.url, pass_through=3, hang=10) as fault,
        pytest.raises(PushError) as caught,
    ):
        push(store, fault.url + "/store", timeout=0.3, **FAST)
    error = caught.value
    assert "no answer within 0.3 s (after 2 attempts)" in error.message
    assert "3 of 9 graphs" in error.message
    assert f"resume with --resume-after {names[2]}" in error.message
    assert error.resume_after == names[2] and error.summary.graphs == 3
    resumed = push(store, remote.store_url, resume_after=error.resume_after)
    assert resumed.skipped == 3 and resumed.graphs == 6
    assert quads(remote) == clean_push


def test_remote_update_failure_inside_a_graph_resumes_from_the_last_whole_graph(
    store, remote, clean_push
):
    with (
        FaultServer(upstream=remote.url, pass_through=4, status=502) as fault,
        pytest.raises(PushError) as caught,
    ):
        push(store, fault.url + "/update", method="update", batch_size=150, **FAST)
    error = caught.value
    assert "update request 5" in error.message and "HTTP 502" in error.message
    planned = update_requests(((n, graph_triples(store, n)) for n in graph_names(store)), 150)
    whole = [g for request in list(planned)[:4] for g in request.completed]
    assert len(whole) < error.summary.requests  # some graphs spanned two requests
    assert error.resume_after == whole[-1]
    push(store, remote.update_url, method="update", batch_size=150, resume_after=error.resume_after)
    assert quads(remote) == clean_push


def test_remote_malformed_select_results_are_an_endpoint_error():
    with (
        FaultServer(
            status=200, body=b"{not json", content_type="application/sparql-results+json"
        ) as fault,
        pytest.raises(EndpointError, match="malformed SPARQL JSON results"),
    ):
        select_endpoint(fault.url + "/query", "SELECT * WHERE { ?s ?p ?o }", retries=0)
    with (
        FaultServer(status=200, body=b"<html>login</html>", content_type="text/html") as fault,
        pytest.raises(EndpointError, match="not SPARQL JSON results"),
    ):
        select_endpoint(fault.url + "/query", "SELECT * WHERE { ?s ?p ?o }", retries=0)


def test_remote_malformed_construct_results_are_an_endpoint_error():
    with (
        FaultServer(status=200, body=b"<a> <b> not turtle", content_type="text/turtle") as f,
        pytest.raises(EndpointError, match="malformed text/turtle graph"),
    ):
        construct_endpoint(f.url + "/query", "CONSTRUCT WHERE { ?s ?p ?o }", retries=0)
    with (
        FaultServer(status=200, body=b"{}", content_type="application/json") as f,
        pytest.raises(EndpointError, match="not an RDF graph"),
    ):
        construct_endpoint(f.url + "/query", "CONSTRUCT WHERE { ?s ?p ?o }", retries=0)


def test_remote_a_rejected_query_is_a_query_error(server):
    with pytest.raises(QueryError, match="rejected the query"):
        select_endpoint(server.query_url, "SELECT ?x WHERE { ?x ", retries=0)
    with pytest.raises(QueryError, match="rejected the query"):
        construct_endpoint(server.query_url, "CONSTRUCT { ?s ?p } WHERE { }", retries=0)
