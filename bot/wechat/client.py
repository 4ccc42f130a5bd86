"""wechatpy's WeChatClient pointed at one configured API base, with the access token handed in
per call (bot/wechat/tokens.py owns it) and its errors sorted into retry / refetch / give up.

wechatpy reaches WeChat in three places, and all three follow `api_base` here:
`WeChatClient.API_BASE_URL` (cgi-bin/… calls, the send API), `WeChatWxa.API_BASE_URL`
(sns/jscode2session) and the URL hard-coded in `WeChatClient.fetch_access_token`. The client
never fetches a token by itself (`auto_retry=False`, no token unless one is pinned): with several
processes, a token fetched on the side would knock out the shared one."""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Optional, TypeVar

import requests
from wechatpy import WeChatClient
from wechatpy.client.api import WeChatWxa
from wechatpy.exceptions import WeChatClientException

T = TypeVar("T")

# errcodes: the token is invalid or expired (refetch once and retry); WeChat is busy or rate
# limits (retry later). Any other errcode says this message can never be delivered (out of the
# 48-hour window, over the quota, unknown user, bad content): retrying would not help.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
BUSY_ERRORS = frozenset({-1, 45009, 45011})
TIMEOUT_S = 5.0


class WeChatApiError(RuntimeError):
    """A call failed. `token_invalid`: refetch the token once; `permanent`: do not retry."""

    def __init__(self, message: str, errcode: Optional[int] = None) -> None:
        super().__init__(message)
        self.errcode = errcode

    @property
    def token_invalid(self) -> bool:
        return self.errcode in TOKEN_ERRORS

    @property
    def permanent(self) -> bool:
        """No answer (network, HTTP error) or a busy WeChat is worth another try; the rest not."""
        return self.errcode is not None and self.errcode not in TOKEN_ERRORS | BUSY_ERRORS


class _Wxa(WeChatWxa):
    """sns/jscode2session and the other wxa calls, on the client's configured base."""

    @property
    def API_BASE_URL(self) -> str:  # noqa: N802 - wechatpy's attribute name
        return self._client.api_base


class WeChatApi(WeChatClient):
    wxa = _Wxa()

    def __init__(self, appid: str, secret: str, api_base: str, timeout: float = TIMEOUT_S) -> None:
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self.api_base = api_base.rstrip("/") + "/"
        self.API_BASE_URL = self.api_base + "cgi-bin/"
        self._pinned = threading.local()

    # -- the three call sites ------------------------------------------------------------------

    def fetch_access_token(self) -> Dict[str, Any]:
        return self._fetch_access_token(
            url=self.api_base + "cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )

    @property
    def access_token(self) -> str:
        token = getattr(self._pinned, "token", None)
        if token is None:
            raise RuntimeError("no access token pinned for this call (bot/wechat/tokens.py owns it)")
        return token

    # -- calls ---------------------------------------------------------------------------------

    def call(self, token: Optional[str], work: Callable[[], T]) -> T:
        """Run one blocking wechatpy call with `token`, its failures as WeChatApiError."""
        self._pinned.token = token
        try:
            return work()
        except WeChatClientException as error:
            code = error.errcode if isinstance(error.errcode, int) else None
            status = getattr(error.response, "status_code", None)
            raise WeChatApiError(f"errcode {code}" if code is not None else f"HTTP {status}", code) from None
        except requests.RequestException as error:
            raise WeChatApiError(f"unreachable: {type(error).__name__}") from None
        except (ValueError, KeyError, TypeError) as error:  # not the JSON WeChat answers with
            raise WeChatApiError(f"unexpected answer: {type(error).__name__}") from None
        finally:
            self._pinned.token = None

    def send(self, token: str, openid: str, body: Dict[str, Any]) -> Dict[str, Any]:
        """One customer-service message; `body` is the send API's message without `touser`."""
        kind = body["msgtype"]
        if kind == "text":
            return self.call(token, lambda: self.message.send_text(openid, body["text"]["content"]))
        if kind == "link":
            return self.call(token, lambda: self.message.send_link(openid, body["link"]))
        if kind == "miniprogrampage":
            return self.call(token, lambda: self.message.send_mini_program_page(openid, body["miniprogrampage"]))
        raise ValueError(f"unsupported message type {kind!r}")

    def typing(self, token: str, openid: str, typing: bool = True) -> Dict[str, Any]:
        """The typing indicator (wechatpy has no call for it): valid 15 s, after a recent message."""
        command = "Typing" if typing else "CancelTyping"
        return self.call(token, lambda: self.post("message/custom/typing", data={"touser": openid, "command": command}))

    def fetch_token(self) -> Dict[str, Any]:
        return self.call("", self.fetch_access_token)

    def code_to_session(self, js_code: str) -> Dict[str, Any]:
        # jscode2session takes appid and secret, no access token; WeChat ignores an empty one.
        return self.call("", lambda: self.wxa.code_to_session(js_code))
