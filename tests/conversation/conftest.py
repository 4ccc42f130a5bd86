"""Every whole-conversation test runs twice: on the embedded default and on the cluster profile
(PostgreSQL, Redis, two Rasa servers and two action servers behind nginx)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", params=["embedded", "cluster"])
def stack(request: pytest.FixtureRequest):
    return request.getfixturevalue("embedded_stack" if request.param == "embedded" else "cluster")
