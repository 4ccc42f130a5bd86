"""The supervisor's figures for today (the desk's time zone): waiting now and the longest wait,
the share of requests answered within 15 s (GB/T 33358-2016), conversations handled, 好差评 by
level, open 工单 past due, and who is online with how many conversations."""

from __future__ import annotations

from typing import Any, Dict

from sqlalchemy import func, select

from bot.db.tables import desk_handoffs, desk_tickets, ratings, staff
from bot.desk.desk import Desk

_h, _t, _r, _s = desk_handoffs.c, desk_tickets.c, ratings.c, staff.c


async def supervisor(desk: Desk) -> Dict[str, Any]:
    now = desk.clock()
    today = desk.rules.day_start(now)
    within = desk.rules.answer_within_s

    def work(conn) -> Dict[str, Any]:
        waiting = conn.execute(select(func.count(), func.min(_h.requested_at)).where(_h.state == "waiting")).one()
        asked = conn.execute(select(_h.requested_at, _h.first_taken_at, _h.state, _h.ended_at).where(
            _h.kind == "citizen", _h.requested_at >= today)).all()
        # A request counts once it was answered, or has waited (or was given up) past the limit.
        counted = [a for a in asked if a.first_taken_at is not None
                   or (a.ended_at or now) - a.requested_at > within]
        answered = [a for a in counted if a.first_taken_at is not None and a.first_taken_at - a.requested_at <= within]
        handled = conn.execute(select(func.count()).select_from(desk_handoffs).where(
            _h.state.in_(("returned", "closed")), _h.ended_at >= today)).scalar() or 0
        by_stars = dict(conn.execute(select(_r.stars, func.count()).where(_r.at >= today, _r.stars.is_not(None))
                                     .group_by(_r.stars)).all())
        overdue = conn.execute(select(desk_tickets).where(_t.state == "open", _t.due_at < now)
                               .order_by(_t.due_at).limit(50)).all()
        held = dict(conn.execute(select(_h.agent_id, func.count()).where(_h.state == "taken")
                                 .group_by(_h.agent_id)).all())
        people = conn.execute(select(staff).order_by(_s.staff_id)).all()
        recent = now - desk.settings.desk_agent_timeout_s
        return {
            "waiting_now": waiting[0] or 0,
            "longest_wait_s": round(now - waiting[1], 1) if waiting[1] else 0,
            "answer_within_s": within,
            "answered_within": len(answered), "answered_counted": len(counted),
            "answered_share": round(len(answered) / len(counted), 3) if counted else None,
            "handled_today": handled,
            "ratings": [{"stars": n, "level": desk.rules.rating_levels[n], "count": int(by_stars.get(n, 0))}
                        for n in sorted(desk.rules.rating_levels, reverse=True)],
            "overdue_tickets": [{"id": t.id, "ticket_no": t.ticket_no, "kind": t.kind, "due_at": t.due_at,
                                 "owner_id": t.owner_id, "subject": t.subject} for t in overdue],
            "staff": [{"staff_id": p.staff_id, "name": p.name, "role": p.role, "presence": p.presence,
                       "online": p.presence == "online" and (p.last_seen or 0) >= recent,
                       "holding": int(held.get(p.staff_id, 0)), "capacity": p.capacity} for p in people],
        }

    return await desk.db.run(work)
