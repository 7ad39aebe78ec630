"""Fixtures shared by the command tests (the general ones are in tests/conftest.py and tests/plugins/)."""

from __future__ import annotations

import pytest
from cli.helpers import WEB
from plugins.avi_lab import post_marathon_app


@pytest.fixture
def web_app(avi_marathon):
    """WEB posted to Marathon and running; (the app, its service port)."""
    app = post_marathon_app(avi_marathon, WEB, wait_running=2)
    mappings = (app.get("container", {}).get("portMappings")
                or app.get("container", {}).get("docker", {}).get("portMappings"))
    return app, mappings[0]["servicePort"]
