"""The trained model: a fingerprint of everything it depends on, and training when it changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

from bot.settings import ROOT, Settings

# Code the model runs inside Rasa (custom components) is part of the model's inputs.
CODE_INPUTS = ("bot/nlu", "bot/text/normalize.py", "requirements/base.lock", "requirements/rasa.lock")


class ModelError(RuntimeError):
    """No usable model: missing or stale with training disabled, or training failed."""


def _files(paths: Iterable[Path]) -> List[Path]:
    out: List[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(p for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            out.append(path)
    return out


def fingerprint(settings: Settings, config: Optional[Path] = None) -> str:
    config = config or settings.config_file
    inputs = [config, settings.domain_file, settings.data_dir] + [ROOT / p for p in CODE_INPUTS]
    digest = hashlib.sha256()
    for path in _files(inputs):
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings, config: Optional[Path] = None, prefix: str = "nlu-core") -> Path:
    return settings.models_dir / f"{prefix}-{fingerprint(settings, config)}.tar.gz"


def ensure_model(settings: Settings, config: Optional[Path] = None, allow_training: Optional[bool] = None,
                 prefix: str = "nlu-core", echo: bool = True) -> Path:
    """The model for the current inputs, training it first when missing."""
    path = model_path(settings, config, prefix)
    if path.is_file():
        return path
    allow = settings.train if allow_training is None else allow_training
    if not allow:
        raise ModelError(f"no trained model for the current config, domain and data ({path.name}) "
                         "and training is disabled (BOT_TRAIN=0): run `make train`")
    train(settings, path, config, echo=echo)
    return path


def train(settings: Settings, path: Path, config: Optional[Path] = None, echo: bool = True) -> float:
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    argv = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(config or settings.config_file), "--domain", str(settings.domain_file),
        "--data", str(settings.data_dir), "--out", str(settings.models_dir),
        "--fixed-model-name", path.name.removesuffix(".tar.gz"), "--quiet",
    ]
    env = {**os.environ, **quiet_env(), "PYTHONHASHSEED": "0"}
    if echo:
        print(f"training the model ({path.name}); this takes a minute or two", flush=True)
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not path.is_file():
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        reason = next((line for line in reversed(lines) if "rror" in line), lines[-1] if lines else "no output")
        raise ModelError(f"training failed: {reason.strip()}")
    elapsed = time.monotonic() - started
    if echo:
        print(f"trained in {elapsed:.0f}s", flush=True)
    return elapsed


def quiet_env() -> dict:
    """Environment for Rasa processes: no telemetry, no TensorFlow chatter."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
        "LOG_LEVEL_LIBRARIES": "ERROR",
    }
