"""The desk over HTTP against a real portal process: who may open it (staff only, CSRF, lockout,
cookie flags, supervisors), polite errors, the SMS short link, and the audit of unmasked views."""

from __future__ import annotations

import threading
from urllib.parse import unquote

import pytest
import requests

from tests.desk.conftest import PASSWORD, DeskPortal, StaffSession

pytestmark = pytest.mark.servers
CALLER = "13800004321"


def test_a_browser_without_a_staff_session_is_sent_to_sign_in(desk_portal: DeskPortal) -> None:
    page = requests.get(f"{desk_portal.url}/desk", allow_redirects=False)
    assert (page.status_code, page.headers["Location"]) == (303, "/desk/login")


def test_a_citizen_s_credentials_open_no_desk_api(desk_portal: DeskPortal) -> None:
    """The widget's sender id and demo identity token are no staff session, in any header."""
    tries = [
        requests.get(f"{desk_portal.url}/desk/api/overview"),
        requests.get(f"{desk_portal.url}/desk/api/overview", cookies={"desk_session": "demo-zhang-wei"}),
        requests.get(f"{desk_portal.url}/desk/api/overview", headers={"Authorization": "Bearer demo-zhang-wei"}),
        requests.post(f"{desk_portal.url}/desk/api/guided", json={"phone": CALLER}),
        requests.get(f"{desk_portal.url}/desk/api/stats"),
    ]
    assert [(r.status_code, r.json()["error"]) for r in tries] == [(401, "not_signed_in")] * 5


def test_the_session_cookie_is_http_only_strict_and_scoped_to_the_desk(desk_portal: DeskPortal) -> None:
    who = desk_portal.staff()
    http = requests.Session()
    form = http.get(f"{desk_portal.url}/desk/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    signed = http.post(f"{desk_portal.url}/desk/login", data={"csrf": csrf, "login": who.login, "password": PASSWORD},
                       allow_redirects=False)
    cookie = signed.headers["Set-Cookie"]
    assert (signed.status_code, signed.headers["Location"], "HttpOnly" in cookie, "SameSite=Strict" in cookie,
            "Path=/desk" in cookie) == (303, "/desk", True, True, True)
    assert "script-src 'self'" in form.headers["Content-Security-Policy"]


def test_signing_in_without_the_form_s_token_is_refused(desk_portal: DeskPortal) -> None:
    who = desk_portal.staff()
    signed = requests.post(f"{desk_portal.url}/desk/login", data={"login": who.login, "password": PASSWORD},
                           allow_redirects=False)
    assert signed.headers["Location"] == "/desk/login?e=csrf"


def test_five_wrong_passwords_lock_the_account(desk_portal: DeskPortal) -> None:
    who = desk_portal.staff()
    ends = []
    for password in ["wrong-1", "wrong-2", "wrong-3", "wrong-4", "wrong-5", PASSWORD]:
        http = requests.Session()
        csrf = http.get(f"{desk_portal.url}/desk/login").text.split('name="csrf" value="')[1].split('"')[0]
        ends.append(http.post(f"{desk_portal.url}/desk/login", data={"csrf": csrf, "login": who.login,
                                                                      "password": password},
                              allow_redirects=False).headers["Location"])
    assert ends == ["/desk/login?e=bad_credentials"] * 4 + ["/desk/login?e=locked"] * 2


def test_a_change_without_the_csrf_token_is_refused(desk_portal: DeskPortal) -> None:
    agent = desk_portal.session(desk_portal.staff())
    without = agent.http.post(f"{desk_portal.url}/desk/api/presence", json={"presence": "away"})
    wrong = agent.http.post(f"{desk_portal.url}/desk/api/presence", json={"presence": "away"},
                            headers={"X-CSRF-Token": "guess"})
    right = agent.post("/presence", {"presence": "away"})
    assert [without.status_code, wrong.status_code, right.status_code] == [403, 403, 200]


def test_only_supervisors_see_the_board_and_the_audit_log(desk_portal: DeskPortal) -> None:
    agent = desk_portal.session(desk_portal.staff())
    chief = desk_portal.session(desk_portal.staff(role="supervisor"))
    assert [agent.get("/stats").status_code, agent.get("/audit").status_code, chief.get("/stats").status_code,
            chief.get("/audit").status_code] == [403, 403, 200, 200]


def test_bad_input_gets_a_polite_error(desk_portal: DeskPortal) -> None:
    agent = desk_portal.session(desk_portal.staff())
    answers = [
        agent.http.post(f"{desk_portal.url}/desk/api/guided", data="{not json",
                        headers={"X-CSRF-Token": agent.csrf, "Content-Type": "application/json"}),
        agent.post("/conversations/no-such-one/take"),
        agent.get("/conversations/no-such-one"),
        agent.post("/tickets/999999/close", {"result": "x"}),
        agent.post("/tickets", {"kind": "unresolved"}),
    ]
    assert [(a.status_code, a.json()["error"]) for a in answers] == [
        (400, "bad_phone"), (409, "not_waiting"), (404, "no_such_conversation"), (400, "not_found"),
        (400, "subject_required")]


def test_of_two_agents_taking_one_conversation_at_once_one_wins(desk_portal: DeskPortal) -> None:
    """Both press 接入 on the same waiting citizen at the same moment (the citizen asked for a
    human through the dialogue as the action server runs it; the browser tests do it in the widget)."""
    first, second = desk_portal.session(desk_portal.staff()), desk_portal.session(desk_portal.staff())
    first.get("/overview"), second.get("/overview")  # both online
    waiting = _citizen_waiting(desk_portal)
    answers = {}

    def take(name: str, who: StaffSession) -> None:
        answers[name] = who.post(f"/conversations/{waiting}/take")

    threads = [threading.Thread(target=take, args=pair) for pair in (("a", first), ("b", second))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    codes = sorted(a.status_code for a in answers.values())
    loser = next(a for a in answers.values() if a.status_code == 409).json()
    winner = next(a for a in answers.values() if a.status_code == 200).json()
    assert (codes, loser["error"], loser["holder"]) == ([200, 409], "taken", winner["agent_id"])


def _citizen_waiting(portal: DeskPortal) -> str:
    """A web citizen who asked for a human, through the dialogue as the action server runs it."""
    import asyncio
    import uuid

    from bot import runtime
    from tests.dialogue.talk import incoming

    dialogue = runtime.build_dialogue(portal.settings)
    sender = f"web-{uuid.uuid4().hex[:10]}"

    async def talk() -> None:
        await dialogue.handle(incoming('/choose_bundle{"bundle_id":"newborn"}', None, sender))
        await dialogue.handle(incoming("转人工", "ask_human", sender))

    asyncio.run(talk())
    return sender


def test_the_notice_link_opens_the_printable_notice_and_unknown_links_do_not(desk_portal: DeskPortal) -> None:
    agent = desk_portal.session(desk_portal.staff())
    from tests.desk.test_guided import TYPED  # noqa: F401 - the same caller answers

    cid = agent.post("/guided", {"phone": CALLER, "name": "李阿姨"}).json()["conversation_id"]
    _drive_to_consent(agent, cid)
    sent = agent.post(f"/conversations/{cid}/notice-sms").json()
    opened = requests.get(sent["link"], allow_redirects=False)
    missing = requests.get(f"{desk_portal.url}/n/nothing-here", allow_redirects=False)
    location = unquote(opened.headers["Location"])
    assert (opened.status_code, location.startswith("/notice#"), '"bundle_id": "retirement"' in location,
            missing.status_code) == (302, True, True, 404)
    inbox = requests.get(f"{desk_portal.url}/dev/sms/messages", params={"phone": CALLER}).json()["messages"]
    assert sent["link"] in inbox[-1]["text"]


def test_every_unmasked_view_is_in_the_audit_log(desk_portal: DeskPortal) -> None:
    agent_staff = desk_portal.staff()
    agent = desk_portal.session(agent_staff)
    chief = desk_portal.session(desk_portal.staff(role="supervisor"))
    cid = agent.post("/guided", {"phone": CALLER, "name": "李阿姨"}).json()["conversation_id"]
    masked = agent.get(f"/conversations/{cid}").text
    shown = agent.post(f"/conversations/{cid}/reveal", {"what": "caller_phone"}).json()
    entries = chief.get(f"/audit?action=reveal&conversation_id={cid}").json()["entries"]
    assert (CALLER in masked, shown["value"], [(e["staff_id"], e["detail"]["field"]) for e in entries]) == (
        False, CALLER, [(agent_staff.staff_id, "caller_phone")])


def _drive_to_consent(agent: StaffSession, cid: str) -> None:
    from bot.catalogue import load_catalogue
    from bot.settings import ROOT
    from tests.conversation.driver import value_for
    from tests.desk.test_guided import TYPED

    fields = load_catalogue(ROOT / "rules").fields
    agent.post(f"/conversations/{cid}/act", {"text": "老人想办退休"})
    for _ in range(60):
        context = agent.get(f"/conversations/{cid}").json()["context"]
        stage, offered = context["stage"], context["offered"]
        if stage == "consent":
            return
        if stage == "reviewing":
            body = {"payload": "/affirm"}
        elif stage == "filling" and not offered:
            field_id = context["pending_field"]
            body = {"text": TYPED.get(field_id) or value_for(fields[field_id])}
        elif offered:
            body = {"payload": offered[0]["payload"]}
        else:
            body = {"text": "2026年11月10日"}
        assert agent.post(f"/conversations/{cid}/act", body).status_code == 200
    raise AssertionError("no consent question after 60 steps")


def test_a_supervisor_observes_a_conversation_another_agent_holds_and_an_agent_may_not(
        desk_portal: DeskPortal) -> None:
    holder = desk_portal.session(desk_portal.staff())
    other = desk_portal.session(desk_portal.staff())
    chief = desk_portal.session(desk_portal.staff(role="supervisor"))
    cid = holder.post("/guided", {"phone": CALLER}).json()["conversation_id"]
    observed = chief.get(f"/conversations/{cid}")
    assert (observed.status_code, observed.json()["mine"], observed.json()["holder"] is not None,
            other.get(f"/conversations/{cid}").status_code,
            chief.post(f"/conversations/{cid}/act", {"text": "我来"}).json()["error"]) == (
        200, False, True, 403, "not_yours")


def test_private_notes_stay_on_the_desk(desk_portal: DeskPortal) -> None:
    agent = desk_portal.session(desk_portal.staff())
    cid = agent.post("/guided", {"phone": CALLER}).json()["conversation_id"]
    agent.post(f"/conversations/{cid}/notes", {"text": "来电人耳背，说话要慢"})
    seen = agent.get(f"/conversations/{cid}").json()
    assert ([n["text"] for n in seen["notes"]], [line["text"] for line in seen["lines"]]) == (
        ["来电人耳背，说话要慢"], [])


def test_a_ticket_is_opened_owned_noted_and_closed_with_a_result(desk_portal: DeskPortal) -> None:
    agent_staff = desk_portal.staff()
    agent = desk_portal.session(agent_staff)
    opened = agent.post("/tickets", {"kind": "unresolved", "subject": "异地社保转移办不成，需部门核实",
                                     "phone": CALLER, "due_hours": 4}).json()
    agent.post(f"/tickets/{opened['id']}/notes", {"text": "已联系人社局"})
    closed = agent.post(f"/tickets/{opened['id']}/close", {"result": "已回电说明办理途径"}).json()
    again = agent.post(f"/tickets/{opened['id']}/close", {"result": "再办一次"})
    notes = agent.get(f"/tickets/{opened['id']}/notes").json()["notes"]
    assert (opened["ticket_no"].startswith("GD-"), opened["owner_id"], opened["phone"], closed["state"],
            closed["result"], [n["text"] for n in notes], again.json()["error"]) == (
        True, agent_staff.staff_id, "138****4321", "closed", "已回电说明办理途径", ["已联系人社局"], "closed")
    assert opened["due_at"] - opened["created_at"] == pytest.approx(4 * 3600, abs=5)
