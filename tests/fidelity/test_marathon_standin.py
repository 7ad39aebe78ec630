"""The Marathon stand-in and the client against it, per version, from Marathon's own source.

Sources (tests/fixtures/marathon/source/): AppsResource.index @ v0.9.2 (embed), Events.scala
and Formats.scala @ v0.9.1 / v1.5.0 / v1.7.216 / v1.8.244 (deployment events),
HttpEventStreamServlet @ v1.3.6 / v1.3.7 (event_type), EnrichedTaskWrites @ v0.9.2
(servicePorts), LeaderProxyFilter @ v1.7.216 (standby redirect), Jetty's EventSourceServlet
(CRLF).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from avictl.http import HttpOptions
from avictl.marathon.client import MarathonClient
from conftest import make_journal
from avictl.marathon.events import EventReader
from avictl.ops.wait import wait_for_app

SOURCE = Path(__file__).parent.parent / "fixtures" / "marathon" / "source"


def _events(lab, post, *, params=None, until=b"deployment_success", timeout=10.0) -> bytes:
    """Raw bytes of /v2/events while `post()` runs, up to the first `until`."""
    raw = b""
    with httpx.stream("GET", lab.url + "/v2/events", params=params, headers={"Accept": "text/event-stream"},
                      timeout=timeout) as r:
        post()
        for chunk in r.iter_raw():
            raw += chunk
            if until in raw:
                break
    return raw


def _data(raw: bytes) -> list[dict]:
    return [json.loads(line[len("data: "):]) for line in raw.decode().split("\r\n") if line.startswith("data: ")]


# -- item 3: 0.9's embed ------------------------------------------------------------------

def test_09_embed_is_one_value_and_only_apps_tasks_or_failures(marathon_lab_factory):
    assert 'val EmbedTasksAndFailures = "apps.failures"' in (SOURCE / "v0.9.2_AppsResource_index.scala.txt").read_text()
    lab = marathon_lab_factory("0.9.1", deploy_seconds=0.2)
    httpx.post(lab.url + "/v2/apps", json={"id": "bad", "cmd": "exit 1", "instances": 1})
    deadline = time.monotonic() + 10
    while not lab.apps["/bad"].get("_failure") and time.monotonic() < deadline:
        time.sleep(0.05)

    def get(*embeds):
        return httpx.get(lab.url + "/v2/apps", params=[("embed", e) for e in embeds]).json()["apps"][0]

    assert "lastTaskFailure" not in get("apps.lastTaskFailure", "apps.counts")  # unknown to 0.9
    assert "lastTaskFailure" in get("apps.failures") and "tasks" in get("apps.failures")
    assert "tasks" in get("apps.tasks") and "lastTaskFailure" not in get("apps.tasks")
    assert "tasks" not in get("app.tasks")  # the exact value only
    assert "lastTaskFailure" not in get("apps.counts", "apps.failures")  # the first value only


def test_app_list_shows_failures_on_09(cli, marathon_lab_factory):
    lab = marathon_lab_factory("0.9.1", deploy_seconds=0.2)
    httpx.post(lab.url + "/v2/apps", json={"id": "bad", "cmd": "exit 1", "instances": 1})
    deadline = time.monotonic() + 10
    while not lab.apps["/bad"].get("_failure") and time.monotonic() < deadline:
        time.sleep(0.05)
    r = cli("app", "list", "-o", "json", env={"MARATHON_URL": lab.url})
    assert r.exit_code == 0, r
    apps = json.loads(r.stdout)
    app = apps[0] if isinstance(apps, list) else apps
    assert "exit 1" in json.dumps(app) or "TASK_FAILED" in json.dumps(app), app
    sent = lab.sent("GET", "^/v2/apps$")[-1]["query"]
    assert sent.get("embed") == ["apps.failures"]


# -- item 7: stand-in details ---------------------------------------------------------------

@pytest.mark.parametrize("version, filtered", [("1.3.6", False), ("1.3.7", True)])
def test_event_type_filter_from_137(marathon_lab_factory, version, filtered):
    assert "event_type" not in (SOURCE / "v1.3.6_HttpEventStreamServlet_no_filter.scala.txt").read_text()
    assert '"event_type"' in (SOURCE / "v1.3.7_HttpEventStreamServlet_event_type.scala.txt").read_text()
    lab = marathon_lab_factory(version, deploy_seconds=0.2)
    raw = _events(lab, lambda: httpx.post(lab.url + "/v2/apps", json={"id": "web", "cmd": "sleep 1"}),
                  params={"event_type": "deployment_success"})
    types = [d["eventType"] for d in _data(raw)]
    assert (types == ["deployment_success"]) is filtered, types


def test_09_tasks_keep_service_ports_and_sse_uses_crlf(marathon_lab_factory):
    assert '"servicePorts" -> task.servicePorts' in (SOURCE / "v0.9.2_Formats_EnrichedTask.scala.txt").read_text()
    lab = marathon_lab_factory("0.9.1", deploy_seconds=0.2)
    raw = _events(lab, lambda: httpx.post(lab.url + "/v2/apps", json={
        "id": "web", "cmd": "sleep 1", "ports": [0]}))
    assert b"\r\n\r\n" in raw and b"\n\n" not in raw.replace(b"\r\n", b"") and b"event:" not in raw
    tasks = httpx.get(lab.url + "/v2/apps/web/tasks").json()["tasks"]
    assert tasks and tasks[0]["servicePorts"][0] >= 10000


# -- item 2: deployment events per version ----------------------------------------------------

@pytest.mark.parametrize("version", ["0.9.1", "1.5.0", "1.7.216", "1.8.244"])
def test_deployment_events_per_version(marathon_lab_factory, version):
    lab = marathon_lab_factory(version, deploy_seconds=0.2)
    raw = _events(lab, lambda: httpx.post(lab.url + "/v2/apps", json={"id": "/shop/cart", "cmd": "sleep 1"}))
    events = {d["eventType"]: d for d in _data(raw)}
    info, success = events["deployment_info"], events["deployment_success"]
    action = info["currentStep"]["actions"][0]
    assert action["app"] == "/shop/cart"
    assert set(action) == ({"type", "app"} if version < "1" else {"action", "app"})
    plan = info["plan"]
    if version >= "1.8":
        assert set(plan) == {"id", "steps", "version"}
    else:  # heavy: the whole root group, the app in a nested group
        shop = [g for g in plan["target"]["groups"] if g["id"] == "/shop"]
        assert shop and shop[0]["apps"][0]["id"] == "/shop/cart"
    if version < "1":
        assert set(success) == {"id", "eventType", "timestamp"}  # Events.scala @ v0.9.1
    else:
        assert success["plan"]["steps"][0]["actions"][0]["app"] == "/shop/cart"


def test_17_light_plans_on_request(marathon_lab_factory):
    assert 'getOrDefault("plan-format"' in (SOURCE / "v1.7.216_HttpEventStreamServlet_plan_format.scala.txt").read_text()
    lab = marathon_lab_factory("1.7.216", deploy_seconds=0.2)
    raw = _events(lab, lambda: httpx.post(lab.url + "/v2/apps", json={"id": "web", "cmd": "sleep 1"}),
                  params={"plan-format": "light"})
    plan = [d for d in _data(raw) if d["eventType"] == "deployment_info"][0]["plan"]
    assert set(plan) == {"id", "steps", "version"}


@pytest.mark.parametrize("version", ["0.9.1", "1.5.0", "1.8.244"])
def test_wait_on_a_group_app_reacts_to_its_events(marathon_lab_factory, version):
    """With no poll and no limit before pytest's timeout, only the events (apps read from plan.steps)
    can end the wait."""
    lab = marathon_lab_factory(version, deploy_seconds=0.4)
    client = MarathonClient(lab.url, HttpOptions(journal=make_journal()))
    try:
        client.post_app({"id": "/shop/cart", "cmd": "sleep 100", "instances": 1})
        app = wait_for_app(client, "/shop/cart", 600, poll_interval=600)
        assert app["tasksRunning"] == 1
        assert len(lab.sent("GET", "^/v2/apps/shop/cart$")) <= 6  # event-driven checks, not polling
    finally:
        client.close()


# -- item 4: a standby redirects /v2/events to the leader (1.7+) --------------------------------

def _reader_events(client, types, wanted, timeout=10):
    reader = EventReader(client, types).start()
    seen = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and wanted not in [e.type for e in seen]:
            try:
                seen.append(reader.queue.get(timeout=0.2))
            except Exception:  # queue.Empty
                continue
    finally:
        reader.stop()
    return reader, [e.type for e in seen]


def test_standby_redirect_to_the_leader_is_followed(marathon_lab_factory):
    text = (SOURCE / "v1.7.216_LeaderProxyFilter.scala.txt").read_text()
    assert "response.sendRedirect(url.toString)" in text and "EventsPath" in text
    leader = marathon_lab_factory("1.7.216", deploy_seconds=0.2)
    standby = marathon_lab_factory("1.7.216", leader=leader.url)
    r = httpx.get(standby.url + "/v2/events", headers={"Accept": "text/event-stream"})
    assert r.status_code == 302 and r.headers["location"] == leader.url + "/v2/events"
    client = MarathonClient(standby.url)
    try:
        threading.Timer(0.5, lambda: httpx.post(leader.url + "/v2/apps", json={"id": "web", "cmd": "x"})).start()
        reader, types = _reader_events(client, ["deployment_success", "event_stream_attached"], "deployment_success")
        assert "deployment_success" in types, (types, reader.errors)
        assert leader.sent("GET", "^/v2/events$") and leader.sent("GET", "^/v2/leader$")
    finally:
        client.close()


def test_a_redirect_elsewhere_is_refused_and_nothing_reaches_it(marathon_lab_factory):
    leader = marathon_lab_factory("1.7.216")
    elsewhere = marathon_lab_factory("1.7.216")
    standby = marathon_lab_factory("1.7.216", leader=leader.url, auth=None)
    standby.leader = None  # answers itself ...
    standby.add_fault(count=0, method="GET", path="^/v2/events$", status=302, body="",
                      headers={"Location": elsewhere.url + "/v2/events"})  # ... but sends events elsewhere
    client = MarathonClient(standby.url, auth=("basic", "ops", "s3cret"))
    try:
        reader, types = _reader_events(client, [], "never", timeout=1.5)
        assert any("not this cluster's leader" in e for e in reader.errors), reader.errors
        assert not elsewhere.sent()  # neither the request nor the credentials went there
    finally:
        client.close()
