"""The WeChat settings: the stand-in's in the embedded profile, the operator's in production, and
a channel that is off — and says so at start-up — when production lacks them."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.fernet import Fernet

from bot.channels.wechat import WeChatInput
from bot.launcher.stack import Stack, services_for
from bot.settings import Settings
from bot.wechat.config import REAL_API_BASE, wechat_config

UNUSED = Path("unused-model")
# A production deployment's own secrets (bot/secrets.py refuses to start without them).
SECRETS = {"intake_token": "k7Q2vX9pL4mN8rT1", "action_token": "z3W6yB0cH5jF2uD9", "session_key": "q8E1nA4gK7oS3xV6",
           "data_keys": Fernet.generate_key().decode()}


def test_the_embedded_profile_talks_to_the_stand_in_that_make_run_starts() -> None:
    settings = Settings(profile="embedded", wechat_standin_port=5999)
    config = wechat_config(settings)
    names = [s.name for s in services_for(settings, UNUSED)]
    assert (config.enabled, config.mode, config.api_base, "WeChat stand-in" in names) == (
        True, "safe", "http://127.0.0.1:5999/", True)


def test_production_without_wechat_settings_has_the_channel_off_and_says_so(caplog) -> None:
    settings = Settings(profile="production", **SECRETS)
    with caplog.at_level(logging.WARNING, logger="bot.channels.wechat"):
        channel = WeChatInput(wechat_config(settings))
    urls = Stack(settings, UNUSED).urls()
    names = [s.name for s in services_for(settings, UNUSED)]
    assert (channel.reader, "WeChat channel off: BOT_WECHAT_TOKEN, BOT_WECHAT_APPID, BOT_WECHAT_SECRET, "
            "BOT_WECHAT_AES_KEY unset" in caplog.text, urls["WeChat channel"].startswith("off ("),
            "WeChat stand-in" in names) == (None, True, True, False)


def test_production_with_its_settings_talks_to_the_real_wechat() -> None:
    settings = Settings(profile="production", wechat_token="t0k3n", wechat_appid="wx1234567890abcdef",
                        wechat_secret="s3cr3t", wechat_aes_key="a" * 43)
    config = wechat_config(settings)
    assert (config.enabled, config.api_base, "WeChat stand-in" in [s.name for s in services_for(settings, UNUSED)]) \
        == (True, REAL_API_BASE, False)


def test_plain_mode_needs_no_aes_key_but_a_malformed_key_turns_the_channel_off() -> None:
    plain = wechat_config(Settings(profile="production", wechat_token="t", wechat_appid="wx1", wechat_secret="s",
                                   wechat_mode="plain"))
    bad = wechat_config(Settings(profile="production", wechat_token="t", wechat_appid="wx1", wechat_secret="s",
                                 wechat_aes_key="short"))
    assert (plain.enabled, bad.enabled, "43-character" in (bad.off_reason or "")) == (True, False, True)
