"""Deployment events as Marathon writes them (Formats.scala per tag), and events nobody foresaw.

Shapes built from tests/fixtures/marathon/source/*Formats*.scala.txt and *Events*.scala.txt:
- 0.9.1: `deployment_success` is only `{id}`; step events carry `plan{id, original, target,
  steps[{actions[{type, app}]}], version}` and `currentStep{actions}`;
- 1.5.0: actions are `{action, app}`; `plan.original/target` are whole root groups (nested
  `groups`);
- 1.7: heavy by default, `?plan-format=light` gives `{id, steps, version}`; 1.8: light only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avictl.http import HttpOptions
from avictl.marathon.client import MarathonClient
from conftest import make_journal
from avictl.marathon.events import Event, parse_sse, split_lines
from avictl.ops.wait import wait_for_app

SOURCE = Path(__file__).parent.parent / "fixtures" / "marathon" / "source"


def test_the_sources_say_what_the_shapes_are():
    assert '"type" -> action.getClass.getSimpleName' in (SOURCE / "v0.9.1_Formats_DeploymentPlan.scala.txt").read_text()
    assert '"action" -> DeploymentAction.actionName(action)' in (
        SOURCE / "v1.5.0_Formats_DeploymentAction.scala.txt").read_text()
    light = (SOURCE / "v1.8.244_Formats_DeploymentPlan.scala.txt").read_text()
    assert '"original"' not in light and '"steps" -> plan.steps' in light
    assert "case class DeploymentSuccess(\n  id: String,\n  eventType" in (
        SOURCE / "v0.9.1_Events_deployment.scala.txt").read_text()


def _group(apps, groups=()):
    return {"id": "/", "apps": apps, "groups": list(groups), "dependencies": [], "version": "2017-01-01T00:00:00Z"}


HEAVY_15 = {  # 1.5.0 deployment_info: the whole root group, the app inside /shop
    "eventType": "deployment_info", "timestamp": "2017-01-01T00:00:01Z",
    "plan": {"id": "d1", "version": "2017-01-01T00:00:00Z",
             "original": _group([{"id": "/other", "instances": 1}],
                                [{"id": "/shop", "apps": [{"id": "/shop/cart", "instances": 1}], "groups": []}]),
             "target": _group([{"id": "/other", "instances": 1}],
                              [{"id": "/shop", "apps": [{"id": "/shop/cart", "instances": 3}], "groups": []}]),
             "steps": [{"actions": [{"action": "ScaleApplication", "app": "/shop/cart"}]}]},
    "currentStep": {"actions": [{"action": "ScaleApplication", "app": "/shop/cart"}]},
}
LIGHT_18 = {"eventType": "deployment_step_success", "timestamp": "2019-01-01T00:00:01Z",
            "plan": {"id": "d2", "steps": [{"actions": [{"action": "StartApplication", "app": "/a/b"}]},
                                           {"actions": [{"action": "ScaleApplication", "app": "/a/b"}]}],
                     "version": "2019-01-01T00:00:00Z"},
            "currentStep": {"actions": [{"action": "StartApplication", "app": "/a/b"}]}}
STEP_091 = {"eventType": "deployment_step_success", "timestamp": "2015-01-01T00:00:01Z",
            "plan": {"id": "d3", "original": {"id": "/", "apps": [], "groups": []},
                     "target": {"id": "/", "apps": [{"id": "/web"}], "groups": []},
                     "steps": [{"actions": [{"type": "StartApplication", "app": "/web"}]}],
                     "version": "2015-01-01T00:00:00Z"},
            "currentStep": {"actions": [{"type": "StartApplication", "app": "/web"}]}}
SUCCESS_091 = {"id": "d3", "eventType": "deployment_success", "timestamp": "2015-01-01T00:00:02Z"}


@pytest.mark.parametrize("data, apps", [
    (HEAVY_15, {"/shop/cart"}),  # not /other: a root group names every app of the cluster
    (LIGHT_18, {"/a/b"}),
    (STEP_091, {"/web"}),
    (SUCCESS_091, set()),  # says nothing: the waiter checks by polling
])
def test_apps_an_event_is_about(data, apps):
    assert Event(data["eventType"], data).deployment_apps() == apps


def test_heavy_plan_without_steps_falls_back_to_changed_apps_in_nested_groups():
    data = json.loads(json.dumps(HEAVY_15))
    data["plan"]["steps"] = []
    data.pop("currentStep")
    assert Event("deployment_info", data).deployment_apps() == {"/shop/cart"}


JUNK = [{"currentStep": []}, {"currentStep": ["x", 1]}, {"currentStep": "ScaleApplication"}, {"currentStep": None},
        {"plan": None}, {"plan": []}, {"plan": "d1"}, {"plan": {"steps": "x"}}, {"plan": {"steps": [None, 3, "a"]}},
        {"plan": {"original": [], "target": {"groups": "x", "apps": [1]}}}, {"appDefinition": []},
        {"appId": ["/web"]}, {"id": 7, "plan": {"id": []}}]


@pytest.mark.parametrize("data", JUNK, ids=lambda d: json.dumps(d)[:40])
def test_any_shape_is_read_without_an_exception(data):
    e = Event("deployment_info", data)
    assert isinstance(e.deployment_apps(), set)
    assert e.app_id is None or isinstance(e.app_id, str)
    assert e.deployment_id is None or isinstance(e.deployment_id, str)


def test_junk_data_lines_and_null_are_events_not_errors():
    raw = b"data: null\r\n\r\ndata: [1,2]\r\n\r\ndata: {\"eventType\": [\"x\"]}\r\n\r\ndata: \x00\xff{\r\n\r\n"
    events = [e for e in parse_sse(split_lines([raw])) if e.type != "heartbeat"]
    assert [e.type for e in events] == ["message", "message", "message", "message"]


@pytest.mark.parametrize("junk", JUNK, ids=lambda d: json.dumps(d)[:40])
def test_wait_survives_any_deployment_event(marathon15, junk):
    """The stand-in sends an odd deployment event before each real one; the wait still ends."""
    original = marathon15.emit

    def emit(event_type, **data):
        if event_type.startswith("deployment_"):
            original("deployment_info", **junk)
        original(event_type, **data)

    marathon15.emit = emit
    client = MarathonClient(marathon15.url, HttpOptions(journal=make_journal()))
    try:
        client.post_app({"id": "web", "cmd": "sleep 100", "instances": 1})
        app = wait_for_app(client, "web", 10, poll_interval=0.2)
        assert app["tasksRunning"] == 1
    finally:
        marathon15.emit = original
        client.close()


def test_cli_post_survives_junk_events(cli, marathon15):
    original = marathon15.emit

    def emit(event_type, **data):
        if event_type.startswith("deployment_"):
            original(event_type, id=[], plan=[], currentStep=[{"app": 1}])
        original(event_type, **data)

    marathon15.emit = emit
    try:
        r = cli("app", "post", "-", "--timeout", "20", input=json.dumps(
            {"id": "web", "cmd": "sleep 100", "instances": 1}), env={"MARATHON_URL": marathon15.url})
    finally:
        marathon15.emit = original
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output and "AttributeError" not in r.output
