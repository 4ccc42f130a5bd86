"""New application ids and receipt numbers (受理编号) that a person can read out on the phone."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from bot.clock import CHINA_TIME

# No 0/O, 1/I: a receipt number is read aloud and typed back.
READABLE = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_application_id() -> str:
    return uuid.uuid4().hex


def readable_code(length: int = 6) -> str:
    return "".join(secrets.choice(READABLE) for _ in range(length))


def new_receipt_no(at: datetime) -> str:
    """YJS-20241121-7K3F9Q: the date of receipt in China time, then a random readable code."""
    return f"YJS-{at.astimezone(CHINA_TIME):%Y%m%d}-{readable_code()}"
