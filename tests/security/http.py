"""Raw HTTP for the battery: any method, any body, any header; the status and body, never raises."""

from __future__ import annotations

import http.client
import json
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit


def request(url: str, method: str = "GET", body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
            timeout: float = 60.0) -> Tuple[int, bytes, Dict[str, str]]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(method, path or "/", body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    except (ConnectionError, http.client.HTTPException) as error:
        # A server that drops a hostile request without an answer: visible, not a 5xx.
        return 0, str(error).encode(), {}
    finally:
        conn.close()


def json_of(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
