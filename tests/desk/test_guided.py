"""帮办代办 in process (bot/desk/guided.py): an agent drives the same questionnaire for a caller,
sends the notice and the receipt by SMS, submits marked 代办, records the 好差评; plus reveal,
工单 and the supervisor's figures."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any, Dict

import pytest

from bot.desk import control, guided, stats, view
from bot.desk.control import DeskError
from bot.dialogue.stage import Stage
from bot.settings import ROOT
from tests.conversation.driver import valid_id_number, value_for
from tests.desk.conftest import LocalDesk

CALLER = "13800001234"
TYPED = {"applicant_name": "王建国", "applicant_id_number": valid_id_number("37010219640115001")}


def _state(local: LocalDesk, cid: str):
    return local.run(local.desk.store.find(cid))


def drive_to_consent(local: LocalDesk, agent: Any, cid: str, need: str = "老人想办退休") -> None:
    """Type the caller's need, then click the first choice on offer or type a plausible value,
    as an agent on the phone would, until the consent question."""
    if need:
        local.run(control.act(local.desk, agent, cid, text=need))
    for _ in range(60):
        found = _state(local, cid)
        stage, offered = found.state.stage, found.offered
        if stage is Stage.CONSENT:
            return
        if stage is Stage.REVIEWING:
            local.run(control.act(local.desk, agent, cid, payload="/affirm"))
        elif stage is Stage.FILLING and not offered:
            field_id = found.state.pending_field
            value = TYPED.get(field_id) or value_for(local.desk.engine.catalogue.fields[field_id])
            local.run(control.act(local.desk, agent, cid, text=value))
        elif offered:
            local.run(control.act(local.desk, agent, cid, payload=offered[0]["payload"]))
        else:
            local.run(control.act(local.desk, agent, cid, text="2026年11月10日"))
    raise AssertionError(f"stuck at {_state(local, cid).state.stage}")


@pytest.fixture
def guided_session(local: LocalDesk) -> Dict[str, Any]:
    agent = local.staff()
    cid = local.run(guided.start(local.desk, agent, CALLER, "王大爷"))
    drive_to_consent(local, agent, cid)
    return {"agent": agent, "cid": cid}


def test_a_guided_session_is_held_by_the_agent_from_the_start(local: LocalDesk) -> None:
    agent = local.staff()
    cid = local.run(guided.start(local.desk, agent, "138 0000 1234", "王大爷"))
    row = local.run(local.desk.queue.open_row(cid))
    assert (row.kind, row.state, row.agent_id, row.caller_phone, row.channel) == (
        "guided", "taken", agent.staff_id, CALLER, "phone")


def test_a_wrong_caller_number_is_refused(local: LocalDesk) -> None:
    with pytest.raises(DeskError) as refused:
        local.run(guided.start(local.desk, local.staff(), "12345", ""))
    assert refused.value.code == "bad_phone"


def test_the_caller_s_need_routes_to_the_same_questionnaire(local: LocalDesk) -> None:
    agent = local.staff()
    cid = local.run(guided.start(local.desk, agent, CALLER, ""))
    local.run(control.act(local.desk, agent, cid, text="老人想办退休"))
    found = _state(local, cid)
    assert (found.state.stage, found.state.candidates) == (Stage.CONFIRMING, ["retirement"])


def test_the_notice_is_sent_only_once_complete_and_its_link_holds_the_notice(local: LocalDesk) -> None:
    agent = local.staff()
    cid = local.run(guided.start(local.desk, agent, CALLER, ""))
    local.run(control.act(local.desk, agent, cid, text="老人想办退休"))
    local.run(control.act(local.desk, agent, cid, payload=_state(local, cid).offered[0]["payload"]))
    with pytest.raises(DeskError) as refused:
        local.run(guided.send_notice(local.desk, agent, cid))
    drive_to_consent(local, agent, cid, need="")
    sent = local.run(guided.send_notice(local.desk, agent, cid))
    token = sent["link"].rsplit("/", 1)[1]
    payload = json.loads(local.run(guided.notice_payload(local.desk, token)))
    assert (refused.value.code, local.sms.sent[-1]["phone"], sent["link"] in local.sms.sent[-1]["text"],
            payload["notice"]["bundle_id"], payload["notice"]["complete"], bool(payload["notice"]["materials"])) == (
        "notice_incomplete", CALLER, True, "retirement", True, True)


def test_submitting_for_the_caller_marks_the_application_and_texts_the_receipt(
        local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    agent, cid = guided_session["agent"], guided_session["cid"]
    result = local.run(guided.submit(local.desk, agent, cid, "phone_verbal_recorded"))
    draft = local.handoff.drafts[-1]
    body = json.loads(draft.json())
    receipt = result["application"]["receipt_no"]
    assert (body["proxy"], body["channel"], body["applicant"]["name"]) == (
        {"agent_id": agent.staff_id, "consent_method": "phone_verbal_recorded"}, "agent", "王建国")
    assert (local.sms.sent[-1]["phone"], receipt in local.sms.sent[-1]["text"],
            f"{agent.staff_id}号" in local.sms.sent[-1]["text"]) == (CALLER, True, True)


def test_a_notice_sent_after_filing_carries_the_receipt_number_and_one_before_does_not(
        local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    agent, cid = guided_session["agent"], guided_session["cid"]
    before = local.run(guided.send_notice(local.desk, agent, cid))
    receipt = local.run(guided.submit(local.desk, agent, cid, "phone_verbal_recorded"))["application"]["receipt_no"]
    after = local.run(guided.send_notice(local.desk, agent, cid))
    sheets = [json.loads(local.run(guided.notice_payload(local.desk, sent["link"].rsplit("/", 1)[1])))
              for sent in (before, after)]
    assert ("application" in sheets[0], sheets[1]["application"]) == (
        False, {"receipt_no": receipt, "status": "submitted", "bundle_id": "retirement"})


def test_consent_needs_a_method_and_cannot_be_clicked_past(local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    agent, cid = guided_session["agent"], guided_session["cid"]
    codes = []
    for attempt in (lambda: guided.submit(local.desk, agent, cid, "nodded"),
                    lambda: control.act(local.desk, agent, cid, payload="/affirm")):
        with pytest.raises(DeskError) as refused:
            local.run(attempt())
        codes.append(refused.value.code)
    assert (codes, local.handoff.drafts) == (["bad_consent_method", "use_submit"], [])


def test_an_application_the_person_submits_themselves_has_no_proxy_field() -> None:
    from bot.handoff.draft import ApplicationDraft
    from tests.intake.payloads import newborn_application

    draft = ApplicationDraft.parse_obj(newborn_application())
    assert "proxy" not in json.loads(draft.json())


def test_a_bad_rating_from_the_caller_opens_a_revisit_due_in_fifteen_working_days(
        local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    agent, cid = guided_session["agent"], guided_session["cid"]
    assert local.run(guided.rate(local.desk, agent, cid, 5, "很好")) is None
    ticket = local.run(guided.rate(local.desk, agent, cid, 1, "等太久了"))
    assert (ticket.kind, ticket.phone, ticket.due_at, "非常不满意" in ticket.subject) == (
        "revisit", CALLER, pytest.approx(local.desk.rules.working_days_later(local.now, 15), abs=5), True)


def test_a_bad_rating_left_in_the_widget_gets_its_revisit_too(local: LocalDesk) -> None:
    local.run(local.desk.ratings.record("web-1", "newborn", None, 2, "看不懂"))
    assert local.run(local.desk.tickets.revisit_bad_ratings()) == 1
    assert local.run(local.desk.tickets.revisit_bad_ratings()) == 0  # one 回访 per 差评


def test_revealing_a_value_returns_it_whole_and_is_audited(local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    agent, cid = guided_session["agent"], guided_session["cid"]
    shown = local.run(view.reveal(local.desk, agent, cid, "field:applicant_id_number"))
    phone = local.run(view.reveal(local.desk, agent, cid, "caller_phone"))
    audit = [(e.action, e.detail.get("field")) for e in local.run(local.desk.audit.recent(action="reveal"))]
    assert (shown["value"], phone["value"], audit) == (
        TYPED["applicant_id_number"], CALLER, [("reveal", "caller_phone"), ("reveal", "field:applicant_id_number")])


def test_another_agent_cannot_reveal_anything(local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    with pytest.raises(DeskError) as refused:
        local.run(view.reveal(local.desk, local.staff(), guided_session["cid"], "caller_phone"))
    assert refused.value.code == "forbidden"


def test_the_desk_view_masks_personal_data(local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    agent, cid = guided_session["agent"], guided_session["cid"]
    shown = json.dumps(local.run(view.conversation(local.desk, agent, cid)), ensure_ascii=False)
    assert (CALLER in shown, TYPED["applicant_id_number"] in shown, "138****1234" in shown) == (False, False, True)


def test_the_desk_s_print_link_carries_the_receipt_only_once_filed(
        local: LocalDesk, guided_session: Dict[str, Any]) -> None:
    agent, cid = guided_session["agent"], guided_session["cid"]
    before = local.run(view.conversation(local.desk, agent, cid))["context"]
    receipt = local.run(guided.submit(local.desk, agent, cid, "phone_verbal_recorded"))["application"]["receipt_no"]
    after = local.run(view.conversation(local.desk, agent, cid))["context"]
    assert ("notice_application" in before, after["notice_application"]["receipt_no"]) == (False, receipt)


def test_the_supervisor_sees_waiting_answered_and_ratings(local: LocalDesk) -> None:
    agent = local.staff()
    taken = local.citizen_waiting()
    local.now += 3
    local.run(control.take(local.desk, agent, taken))  # answered in 3 s
    local.citizen_waiting()
    local.now += 20  # the second has waited 20 s
    local.run(control.give_back(local.desk, agent, taken))
    local.run(local.desk.ratings.record(taken, "newborn", None, 4, None))
    figures = local.run(stats.supervisor(local.desk))
    assert (figures["waiting_now"], figures["longest_wait_s"], figures["answered_within"],
            figures["answered_counted"], figures["handled_today"],
            [r["count"] for r in figures["ratings"]]) == (1, 20.0, 1, 2, 1, [0, 1, 0, 0, 0])


def test_callbacks_list_prints_the_requests_with_phones_masked(local: LocalDesk) -> None:
    sender = local.citizen_waiting()  # nobody online: a call back is offered
    local.say(sender, "13900002222", "answer")
    listed = subprocess.run([sys.executable, "-m", "bot", "callbacks", "list"], cwd=ROOT, capture_output=True,
                            text=True, env={"BOT_DATABASE_URL": local.db.url, "PATH": "/usr/bin:/bin"}, timeout=120)
    assert (listed.returncode, "139****2222" in listed.stdout, "13900002222" in listed.stdout,
            "GD-" in listed.stdout) == (0, True, False, True)
