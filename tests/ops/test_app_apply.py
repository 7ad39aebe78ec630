"""ops.apps: the one create / update / unchanged decision (`app apply`, `app post`, `deploy` step 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avictl import errors
from avictl.marathon.appdef import AppId, load_app_definition
from avictl.http import HttpOptions
from avictl.marathon.client import MarathonClient
from conftest import make_journal
from avictl.ops import apps
from avictl.ops.wait import wait_for_app

DOCKER_JSON = Path(__file__).parent.parent / "corpus" / "appdef" / "good" / "Docker.json"


def definition(**changes):
    defn = load_app_definition(DOCKER_JSON.read_bytes(), "Docker.json")
    defn.update(changes)
    return defn


def test_create_then_unchanged_then_update(marathon_lab):
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    plan = apps.plan_app(client, definition())
    assert plan.action == apps.CREATE and plan.current is None and plan.changes_app
    assert isinstance(plan.app_id, AppId) and plan.app_id.startswith("/")
    applied = apps.apply_app(client, plan)
    assert applied.action == apps.CREATE and applied.warnings == []
    assert len(marathon_lab.sent("POST", "^/v2/apps$")) == 1
    wait_for_app(client, plan.app_id, 30)

    again = apps.plan_app(client, definition())
    assert again.action == apps.UNCHANGED and not again.changes_app and again.changes == []
    assert apps.apply_app(client, again).deployment_id is None
    assert len(marathon_lab.sent("POST")) == 1 and not marathon_lab.sent("PUT")

    scaled = apps.plan_app(client, definition(instances=3))
    assert scaled.action == apps.UPDATE
    assert [c["field"] for c in scaled.changes] == ["instances"] and scaled.changes[0]["desired"] == 3
    apps.apply_app(client, scaled)
    put = marathon_lab.sent("PUT")
    assert len(put) == 1 and json.loads(put[0]["body"])["instances"] == 3
    client.close()


def test_create_of_an_existing_app_is_a_conflict(marathon15):
    client = MarathonClient(marathon15.url, HttpOptions(journal=make_journal()))
    apps.create_app(client, definition())
    with pytest.raises(errors.Conflict):
        apps.create_app(client, definition())
    client.close()


def test_a_lost_answer_to_the_post_is_a_warning_in_the_result(marathon15):
    marathon15.add_fault(method="POST", path="^/v2/apps$", reset_after=True)
    client = MarathonClient(marathon15.url, HttpOptions(journal=make_journal()))
    applied = apps.create_app(client, definition())
    assert applied.action == apps.CREATE and len(applied.warnings) == 1 and "arrived" in applied.warnings[0]
    assert "_warning" not in applied.reply
    client.close()


def test_the_1_5_network_form_on_an_older_marathon_is_a_warning(cli, marathon09):
    """Marathon < 1.5 ignores `networks`; `app apply` says so (through ops.apps) before sending."""
    defn = {"id": "/net15", "cmd": "sleep 1000", "instances": 1, "networks": [{"mode": "container/bridge"}]}
    client = MarathonClient(marathon09.url, HttpOptions(journal=make_journal()))
    plan = apps.plan_app(client, defn)
    try:
        applied = apps.apply_app(client, plan)
    except errors.RemoteError:
        pytest.skip("this Marathon stand-in refuses the 1.5 form outright")
    assert any("ignores `networks`" in w for w in applied.warnings), applied.warnings
    client.close()
