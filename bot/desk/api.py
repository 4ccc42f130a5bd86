"""`/desk/api/…`: the desk page's JSON API. Polling `overview` (about once a second) is also the
agent's heartbeat; every POST needs the session's CSRF token (bot/desk/auth.py)."""

from __future__ import annotations

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.desk import control, guided, stats, view
from bot.desk.auth import body, error, staff_api

bp = Blueprint("desk_api", url_prefix="/desk/api")
_CID = "<conversation_id:str>"


def _int(value: object, default: int = 0) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else default


# -- the desk --------------------------------------------------------------------------------


@bp.get("/overview")
@staff_api()
async def overview(request: Request) -> HTTPResponse:
    desk, who = request.app.ctx.desk, request.ctx.staff
    await desk.accounts.heartbeat(who.staff_id)
    return response.json(await view.overview(desk, await desk.accounts.get(who.staff_id) or who))


@bp.get("/config")
@staff_api()
async def config(request: Request) -> HTTPResponse:
    rules = request.app.ctx.desk.rules
    return response.json({
        "hotline": rules.hotline, "hours_text": rules.hours_text,
        "canned": [c.dict() for c in rules.canned],
        "consent_methods": [c.dict() for c in rules.consent_methods],
        "rating_levels": [{"stars": n, "label": rules.rating_levels[n]}
                          for n in sorted(rules.rating_levels, reverse=True)],
        "ticket_kinds": rules.ticket_kinds,
    })


@bp.post("/presence")
@staff_api()
async def presence(request: Request) -> HTTPResponse:
    desk, who = request.app.ctx.desk, request.ctx.staff
    await desk.accounts.set_presence(who.staff_id, str(body(request).get("presence") or ""))
    await desk.audit.record(who.staff_id, "presence", presence=body(request).get("presence"))
    return response.json({"ok": True})


@bp.post("/next")
@staff_api()
async def take_next(request: Request) -> HTTPResponse:
    row = await control.take_next(request.app.ctx.desk, request.ctx.staff)
    if row is None:
        return error("queue_empty", 404)
    return response.json({"conversation_id": row.conversation_id})


# -- one conversation ------------------------------------------------------------------------


@bp.get(f"/conversations/{_CID}")
@staff_api()
async def conversation(request: Request, conversation_id: str) -> HTTPResponse:
    desk, who = request.app.ctx.desk, request.ctx.staff
    after, key = _int(request.args.get("after")), str(request.args.get("key") or "")
    found = await view.conversation(desk, who, conversation_id, after, key)
    if after == 0 and not key:  # opened (not a refresh): observing is an action too
        await desk.audit.record(who.staff_id, "view", conversation_id)
    return response.json(found)


@bp.post(f"/conversations/{_CID}/take")
@staff_api()
async def take(request: Request, conversation_id: str) -> HTTPResponse:
    row = await control.take(request.app.ctx.desk, request.ctx.staff, conversation_id)
    return response.json({"conversation_id": row.conversation_id, "agent_id": row.agent_id})


@bp.post(f"/conversations/{_CID}/give-back")
@staff_api()
async def give_back(request: Request, conversation_id: str) -> HTTPResponse:
    await control.give_back(request.app.ctx.desk, request.ctx.staff, conversation_id)
    return response.json({"ok": True})


@bp.post(f"/conversations/{_CID}/close")
@staff_api()
async def close(request: Request, conversation_id: str) -> HTTPResponse:
    await control.close(request.app.ctx.desk, request.ctx.staff, conversation_id)
    return response.json({"ok": True})


@bp.post(f"/conversations/{_CID}/messages")
@staff_api()
async def message(request: Request, conversation_id: str) -> HTTPResponse:
    data = body(request)
    await control.say(request.app.ctx.desk, request.ctx.staff, conversation_id, str(data.get("text") or ""),
                      str(data.get("canned_id") or "") or None)
    return response.json({"ok": True})


@bp.post(f"/conversations/{_CID}/act")
@staff_api()
async def act(request: Request, conversation_id: str) -> HTTPResponse:
    data = body(request)
    payload, text = data.get("payload"), data.get("text")
    says = await control.act(request.app.ctx.desk, request.ctx.staff, conversation_id,
                             payload=str(payload) if payload else None, text=str(text) if text else None,
                             shown_as=str(data.get("shown_as") or "")[:80] or None)
    return response.json({"said": len(says)})


@bp.post(f"/conversations/{_CID}/submit")
@staff_api()
async def submit(request: Request, conversation_id: str) -> HTTPResponse:
    result = await guided.submit(request.app.ctx.desk, request.ctx.staff, conversation_id,
                                 str(body(request).get("consent_method") or ""))
    return response.json(result)


@bp.post(f"/conversations/{_CID}/notice-sms")
@staff_api()
async def notice_sms(request: Request, conversation_id: str) -> HTTPResponse:
    phone = body(request).get("phone")
    return response.json(await guided.send_notice(request.app.ctx.desk, request.ctx.staff, conversation_id,
                                                  str(phone) if phone else None))


@bp.post(f"/conversations/{_CID}/rating")
@staff_api()
async def rating(request: Request, conversation_id: str) -> HTTPResponse:
    data = body(request)
    ticket = await guided.rate(request.app.ctx.desk, request.ctx.staff, conversation_id, _int(data.get("stars")),
                               str(data.get("comment") or ""))
    desk = request.app.ctx.desk
    return response.json({"revisit": ticket.view(desk.clock()) if ticket else None})


@bp.post(f"/conversations/{_CID}/notes")
@staff_api()
async def note(request: Request, conversation_id: str) -> HTTPResponse:
    await view.add_note(request.app.ctx.desk, request.ctx.staff, conversation_id, str(body(request).get("text") or ""))
    return response.json({"ok": True})


@bp.post(f"/conversations/{_CID}/reveal")
@staff_api()
async def reveal(request: Request, conversation_id: str) -> HTTPResponse:
    return response.json(await view.reveal(request.app.ctx.desk, request.ctx.staff, conversation_id,
                                           str(body(request).get("what") or "")))


@bp.post("/guided")
@staff_api()
async def start_guided(request: Request) -> HTTPResponse:
    data = body(request)
    conversation_id = await guided.start(request.app.ctx.desk, request.ctx.staff, str(data.get("phone") or ""),
                                         str(data.get("name") or ""))
    return response.json({"conversation_id": conversation_id})


# -- 工单 ----------------------------------------------------------------------------------


@bp.get("/tickets")
@staff_api()
async def tickets(request: Request) -> HTTPResponse:
    desk = request.app.ctx.desk
    state = request.args.get("state", "open")
    found = await desk.tickets.listing(state=None if state == "all" else state, kind=request.args.get("kind"))
    return response.json({"tickets": [t.view(desk.clock()) for t in found]})


@bp.post("/tickets")
@staff_api()
async def new_ticket(request: Request) -> HTTPResponse:
    desk, who, data = request.app.ctx.desk, request.ctx.staff, body(request)
    subject = str(data.get("subject") or "").strip()
    if not subject:
        return error("subject_required", 400)
    hours = _int(data.get("due_hours"))
    due = desk.clock() + hours * 3600 if hours else None
    phone = str(data.get("phone") or "").strip() or None
    ticket = await desk.tickets.open(str(data.get("kind") or "unresolved"), subject, due,
                                     conversation_id=str(data.get("conversation_id") or "") or None, phone=phone,
                                     owner_id=who.staff_id, created_by=who.staff_id)
    await desk.audit.record(who.staff_id, "ticket_open", ticket.conversation_id, ticket=ticket.ticket_no)
    return response.json(ticket.view(desk.clock()))


@bp.get("/tickets/<ticket_id:int>/notes")
@staff_api()
async def ticket_notes(request: Request, ticket_id: int) -> HTTPResponse:
    return response.json({"notes": await request.app.ctx.desk.tickets.notes(ticket_id)})


@bp.post("/tickets/<ticket_id:int>/take")
@staff_api()
async def ticket_take(request: Request, ticket_id: int) -> HTTPResponse:
    return await _ticket_action(request, ticket_id, "take")


@bp.post("/tickets/<ticket_id:int>/close")
@staff_api()
async def ticket_close(request: Request, ticket_id: int) -> HTTPResponse:
    return await _ticket_action(request, ticket_id, "close")


@bp.post("/tickets/<ticket_id:int>/notes")
@staff_api()
async def ticket_note(request: Request, ticket_id: int) -> HTTPResponse:
    return await _ticket_action(request, ticket_id, "notes")


async def _ticket_action(request: Request, ticket_id: int, action: str) -> HTTPResponse:
    desk, who, data = request.app.ctx.desk, request.ctx.staff, body(request)
    if action == "take":
        ticket = await desk.tickets.take(ticket_id, who.staff_id)
    elif action == "close":
        ticket = await desk.tickets.close(ticket_id, str(data.get("result") or ""))
    else:
        await desk.tickets.add_note(ticket_id, who.staff_id, str(data.get("text") or ""))
        ticket = await desk.tickets.get(ticket_id)
    await desk.audit.record(who.staff_id, f"ticket_{action}", ticket.conversation_id, ticket=ticket.ticket_no)
    return response.json(ticket.view(desk.clock()))


# -- supervisors -------------------------------------------------------------------------------


@bp.get("/stats")
@staff_api(supervisor=True)
async def supervisor_stats(request: Request) -> HTTPResponse:
    return response.json(await stats.supervisor(request.app.ctx.desk))


@bp.get("/audit")
@staff_api(supervisor=True)
async def audit(request: Request) -> HTTPResponse:
    desk = request.app.ctx.desk
    entries = await desk.audit.recent(limit=min(_int(request.args.get("limit"), 200), 1000),
                                      action=request.args.get("action"),
                                      conversation_id=request.args.get("conversation_id"))
    return response.json({"entries": [e.view() for e in entries]})
