"""The stand-in gateway runs on the portal: the desk tests' portal process serves it."""

from tests.desk.conftest import desk_portal  # noqa: F401 - a fixture shared with the desk tests
