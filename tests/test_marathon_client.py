"""Marathon client: server-side errors as one line, retries of GETs (its CLI behaviour: tests/cli/test_app.py)."""

from __future__ import annotations

import pytest

from avictl import errors
from avictl.marathon.client import MarathonClient
from avictl.http import HttpOptions
from conftest import make_journal


def test_server_side_validation_errors_are_one_line(marathon_lab):
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    with pytest.raises(errors.RemoteError) as info:
        client.post_app({"id": "web", "cmd": "x", "instances": "two"})  # local validation skipped on purpose
    err = info.value
    assert err.exit_code == 2 and "\n" not in err.message
    # 0.9: a type error is Play's JsResultException, 400 "Invalid JSON" (MarathonExceptionMapper @ v0.9.2)
    assert ("Invalid JSON" if marathon_lab.v < (1, 0) else "Object is not valid") in err.message
    assert "instances" in err.message
    client.close()


def test_gets_retry_on_503(marathon_lab):
    marathon_lab.add_fault(count=2, method="GET", path="^/v2/apps$", status=503)
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    client.transport.sleep = lambda s: None
    assert client.list_apps() == []
    client.close()


