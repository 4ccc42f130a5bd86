"""What browsers reach is the chat and the portal only; no sample secret works anywhere."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from bot.settings import ROOT
from tests.security.http import request

pytestmark = pytest.mark.servers
SAMPLES = ["change-me-rasa-token", "change-me-intake-token", "test-intake-token", ""]


@pytest.mark.parametrize("method,path", [("GET", "/status"), ("GET", "/version"),
                                         ("GET", "/conversations/x/tracker"), ("PUT", "/model"),
                                         ("POST", "/model/parse"), ("POST", "/conversations/x/tracker/events")])
def test_the_rasa_http_api_is_not_served_on_the_chat_port(stack, method: str, path: str) -> None:
    for token in SAMPLES:
        status = request(f"{stack.settings.rasa_url}{path}?token={token}", method, b"{}")[0]
        assert status in (404, 405), (path, token, status)


@pytest.mark.parametrize("token", SAMPLES)
def test_sample_tokens_do_not_open_the_intake_api(stack, token: str) -> None:
    status = request(f"{stack.settings.intake_base_url}/applications/x", "GET",
                     headers={"Authorization": f"Bearer {token}"})[0]
    assert status == 401


@pytest.mark.parametrize("token", SAMPLES)
def test_the_action_server_runs_nothing_without_the_rasa_server_s_credential(stack, token: str) -> None:
    call = json.dumps({"next_action": "action_turn", "tracker": {"sender_id": "x", "events": []}}).encode()
    status = request(f"http://{stack.settings.host}:{stack.settings.action_port}/webhook?token={token}", "POST",
                     call, {"Content-Type": "application/json"})[0]
    assert status == 401


def test_cors_allows_the_portal_and_nobody_else(stack) -> None:
    def allowed(origin: str) -> str:
        return request(f"{stack.settings.rasa_url}/webhooks/rest/session", "OPTIONS", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})[2].get("access-control-allow-origin", "")

    portal = stack.settings.allowed_origins[0]
    assert (allowed(portal), allowed("https://evil.example")) == (portal, "")


def test_a_conversation_s_own_reads_on_the_portal_answer_allowed_sites_and_nobody_else(stack) -> None:
    def allowed(origin: str) -> str:
        url = f"{stack.settings.portal_url}/api/v1/conversations/web-x/current?session=x"
        return request(url, "GET", headers={"Origin": origin})[2].get("access-control-allow-origin", "")

    site = stack.settings.cors_origins  # another site embedding the widget, as configured
    assert (allowed(site), allowed("https://evil.example")) == (site, "")


def test_the_generated_secrets_are_readable_by_their_owner_only(stack) -> None:
    mode = stat.S_IMODE(os.stat(stack.settings.var_dir / "secrets.json").st_mode)
    assert mode == 0o600


def test_production_refuses_to_start_with_sample_secrets(tmp_path) -> None:
    env = {**os.environ, "BOT_PROFILE": "production", "BOT_VAR_DIR": str(tmp_path),
           "BOT_INTAKE_TOKEN": "change-me-intake-token", "BOT_TRAIN": "0"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stderr.count("\n"), "BOT_INTAKE_TOKEN" in result.stderr) == (1, 1, True)
