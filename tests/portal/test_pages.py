"""The portal's pages and static files over HTTP: CSP on HTML, content types, no path escapes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Dict, Tuple

import pytest

from bot.portal.pages import content_security_policy
from bot.settings import Settings


def get(url: str, method: str = "GET") -> Tuple[int, Dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.mark.parametrize("path", ["/", "/notice"])
def test_html_pages_carry_a_strict_csp_naming_the_rasa_origin(fake_portal, path):
    status, headers, body = get(fake_portal.url + path)
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "default-src 'self'" in csp
    assert f"connect-src 'self' {fake_portal.settings.rasa_url}" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    # Strict CSP only works if the pages themselves have no inline script or style.
    html = body.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    assert " on" + "click=" not in html


def test_home_embeds_the_widget_with_one_script_tag_pointing_at_settings(fake_portal):
    html = get(fake_portal.url + "/")[2].decode()
    assert html.count('src="/static/widget/widget.js"') == 1
    assert f'data-rasa-url="{fake_portal.settings.rasa_url}"' in html
    assert f'data-portal-url="{fake_portal.settings.portal_url}"' in html


def test_head_requests_are_answered(fake_portal):
    assert get(fake_portal.url + "/", "HEAD")[0] == 200
    assert get(fake_portal.url + "/static/widget/widget.js", "HEAD")[0] == 200


@pytest.mark.parametrize("path, content_type", [
    ("/static/widget/widget.js", "text/javascript"),
    ("/static/widget/chat.js", "text/javascript"),
    ("/static/widget/widget.css", "text/css"),
    ("/static/portal/portal.js", "text/javascript"),
    ("/static/portal/portal.css", "text/css"),
    ("/static/notice/notice.js", "text/javascript"),
    ("/static/notice/notice.css", "text/css"),
])
def test_static_files_are_served_with_their_content_type(fake_portal, path, content_type):
    status, headers, body = get(fake_portal.url + path)
    assert status == 200 and body
    assert headers["content-type"].split(";")[0] == content_type
    assert headers["x-content-type-options"] == "nosniff"
    # Other sites may embed the widget with one script tag.
    assert headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/widget/nope.js",
    "/static/widget", "/static/../../bot/settings.py",
])
def test_nothing_outside_the_static_folder_is_served(fake_portal, path):
    status, _, body = get(fake_portal.url + path)
    assert status == 404, body[:200]


def test_demo_logins_list_names_and_tokens_only(fake_portal):
    status, _, body = get(fake_portal.url + "/api/v1/demo-logins")
    logins = json.loads(body)["logins"]
    assert status == 200
    assert {"token": "demo-zhang-wei", "name": "张伟", "kind": "person"} in logins
    assert any(login["kind"] == "enterprise" for login in logins)
    assert all(set(login) == {"token", "name", "kind"} for login in logins)


def test_csp_takes_the_rasa_origin_from_settings():
    csp = content_security_policy(Settings(host="10.0.0.7", rasa_port=5999))
    assert "connect-src 'self' http://10.0.0.7:5999;" in csp


def test_the_notice_page_prints_the_service_centre_from_the_rules(fake_portal, catalogue) -> None:
    html = get(fake_portal.url + "/notice")[2].decode()
    centre = catalogue.sites[catalogue.service_centre]
    heading = f'<p class="org" id="centre-name">{centre.name}</p>'
    assert (centre.address in html, centre.hours in html, heading in html) == (True, True, True)


def test_the_notice_is_dated_in_china_time_whatever_the_server_s_zone(catalogue, monkeypatch) -> None:
    """18:30 UTC on New Year's Eve is already 1 January in Beijing."""
    from datetime import UTC, datetime

    from bot import clock
    from bot.portal.pages import notice_values

    evening_utc = datetime(2026, 12, 31, 18, 30, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: evening_utc.astimezone(clock.CHINA_TIME))
    values = notice_values(catalogue)
    assert (values["TODAY"], values["TODAY_TEXT"]) == ("2027-01-01", "2027年1月1日")
