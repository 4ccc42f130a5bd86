"""The battery: hostile and broken requests against every HTTP surface of the running stack.
None gets a 5xx, none is echoed back, and every service still answers afterwards."""

from __future__ import annotations

import json
from typing import Dict, List, Tuple

import pytest

from tests.conftest import open_session
from tests.security.http import json_of, request

pytestmark = pytest.mark.servers

NESTED = b"[" * 1000 + b"]" * 1000
BRACKETS = b"[" * 100_000
SURROGATE = b'{"text": "\\udfff", "message": "\\udfff", "identity_token": "\\udfff"}'
HUGE = b'{"message": "' + b"x" * 2_000_000 + b'"}'
# UTF-16, where U+2200 holds a quote byte: read byte by byte, the brackets look like a string
UTF16_NESTED = ('["\u2200", ' + "[" * 5000 + "]" * 5000 + ', "x"]').encode("utf-16-le")
MARKER = "HOSTILE-MARKER-7f3a"
BODIES: Dict[str, bytes] = {
    "nested-1000": NESTED,
    "brackets-100k": BRACKETS,
    "lone-surrogate": SURROGATE,
    "utf16-nested-5000": UTF16_NESTED,
    "huge-2mb": HUGE,
    "empty": b"",
    "array": b"[]",
    "object": b"{}",
    "not-json": b"{" + MARKER.encode() + b"<script>",
    "binary": bytes(range(256)),
    "wrong-types": json.dumps({"sender": [1], "message": {"a": MARKER}, "text": 5, "limit": "x"}).encode(),
}


def surfaces(stack) -> List[Tuple[str, str, bool]]:
    """(name, url, needs a chat session) for every POST surface."""
    s = stack.settings
    return [
        ("rest-webhook", f"{s.rasa_url}/webhooks/rest/webhook", True),
        ("rest-session", f"{s.rasa_url}/webhooks/rest/session", False),
        ("socketio-polling", f"{s.rasa_url}/socket.io/?EIO=4&transport=polling", False),
        ("portal-route", f"{s.portal_url}/api/v1/route", False),
        ("intake-applications", f"{s.intake_base_url}/applications", False),
        ("action-server", f"http://{s.host}:{s.action_port}/webhook", False),
    ]


def healthy(stack) -> bool:
    s = stack.settings
    urls = [f"{s.rasa_url}/webhooks/rest/", f"{s.portal_url}/health", f"{s.intake_base_url}/health",
            f"http://{s.host}:{s.action_port}/health"]
    return all(request(url)[0] == 200 for url in urls)


@pytest.mark.parametrize("body_name", sorted(BODIES))
def test_no_surface_answers_a_hostile_body_with_a_5xx_or_an_echo(stack, body_name: str) -> None:
    token = open_session(stack.settings.rasa_url)["session_token"]
    failures = []
    for name, url, needs_session in surfaces(stack):
        headers = {"Content-Type": "application/json"}
        if needs_session:
            headers["Authorization"] = f"Bearer {token}"
        status, body, _ = request(url, "POST", BODIES[body_name], headers)
        if status >= 500 or MARKER.encode() in body:
            failures.append((name, status, body[:120]))
    assert failures == [] and healthy(stack)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_a_wrong_method_is_a_4xx_everywhere(stack, method: str) -> None:
    statuses = {name: request(url, method)[0] for name, url, _ in surfaces(stack) if name != "socketio-polling"}
    assert all(400 <= status < 500 for status in statuses.values()), statuses


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../app.py",
                                  "/static/%2e%2e/app.py", "/webhooks/rest/../../etc/passwd", "/" + "a" * 5000])
def test_traversal_and_odd_paths_are_a_4xx_on_every_port(stack, path: str) -> None:
    s = stack.settings
    bases = [s.rasa_url, s.portal_url, s.intake_base_url, f"http://{s.host}:{s.action_port}"]
    statuses = [request(base + path)[0] for base in bases]
    assert all(400 <= status < 500 for status in statuses), statuses


def test_a_lone_surrogate_in_a_message_gets_a_polite_reply_and_is_saved(stack) -> None:
    session = open_session(stack.settings.rasa_url)
    status, body, _ = request(f"{stack.settings.rasa_url}/webhooks/rest/webhook", "POST",
                              b'{"message": "\\u5b69\\u5b50\\udfff\\u51fa\\u751f\\u4e86"}',
                              {"Authorization": f"Bearer {session['session_token']}"})
    assert (status, bool(json_of(body))) == (200, True)


def test_a_socketio_packet_nested_too_deep_is_refused_and_the_server_goes_on(stack) -> None:
    base = f"{stack.settings.rasa_url}/socket.io/?EIO=4&transport=polling"
    status, body, _ = request(base)
    sid = json_of(body[1:])["sid"] if status == 200 else None
    deep = b"4" + b'2["user_uttered",' + NESTED + b"]"
    posted = request(f"{base}&sid={sid}", "POST", deep, {"Content-Type": "text/plain"})[0]
    assert (status, posted < 500, healthy(stack)) == (200, True, True)
