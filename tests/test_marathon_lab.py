"""Fidelity of the Marathon stand-in: a client nobody here wrote (marathon-python), and the real replies' shapes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "marathon"


def _wait_until(cond, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_marathon_python_creates_lists_scales_deletes(marathon_lab, monkeypatch):
    import collections
    import collections.abc

    # marathon-python 0.13 still uses collections.Iterable (gone since Python 3.10) to encode nested objects.
    monkeypatch.setattr(collections, "Iterable", collections.abc.Iterable, raising=False)
    from marathon import MarathonApp, MarathonClient
    from marathon.models.container import MarathonContainer

    client = MarathonClient(marathon_lab.url)
    container = MarathonContainer.from_json({"type": "DOCKER", "docker": {
        "image": "avinetworks/server", "network": "BRIDGE",
        "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0, "protocol": "tcp"}]}})
    created = client.create_app("webapp1", MarathonApp(cpus=0.1, mem=32, instances=1, container=container))
    assert created.id == "/webapp1"
    assert created.deployments  # the 201 carries the deployment
    assert _wait_until(lambda: not client.get_app("webapp1").deployments)
    assert client.get_app("webapp1").tasks_running == 1
    apps = client.list_apps(embed_tasks=True)  # sends embed=app.tasks
    assert [a.id for a in apps] == ["/webapp1"]
    if marathon_lab.v < (0, 11):
        # 0.9 knows only the exact value "apps.tasks" (AppsResource.index @ v0.9.2): no tasks for "app.tasks"
        assert not apps[0].tasks
    else:
        assert apps[0].tasks[0].host in ("10.0.1.10", "10.0.1.11")
    c = client.get_app("webapp1").container
    pms = getattr(c, "port_mappings", None) or getattr(c.docker, "port_mappings", None)
    assert pms and pms[0].service_port >= 10000
    client.scale_app("webapp1", instances=3)
    assert _wait_until(lambda: not client.list_deployments())
    assert client.get_app("webapp1").tasks_running == 3
    assert len(client.list_tasks("webapp1")) == 3
    client.delete_app("webapp1")
    assert _wait_until(lambda: client.list_apps() == [])


def test_post_needs_json_content_type(marathon_lab):
    r = httpx.post(marathon_lab.url + "/v2/apps", content=b'{"id": "a", "cmd": "x"}',
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415


def test_post_reply_has_zero_service_ports_then_assigned(marathon_lab):
    defn = {"id": "web", "container": {"type": "DOCKER", "docker": {
        "image": "nginx", "network": "BRIDGE", "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}
    r = httpx.post(marathon_lab.url + "/v2/apps", json=defn)
    assert r.status_code == 201
    body = r.json()
    assert body["deployments"] and body["instances"] == 1 and body["cpus"] == 1 and body["mem"] == 128
    pms = (body["container"].get("portMappings") or body["container"]["docker"]["portMappings"])
    assert pms[0]["servicePort"] == 0
    assert ("Marathon-Deployment-Id" in r.headers) == (marathon_lab.v >= (1, 4))
    app = httpx.get(marathon_lab.url + "/v2/apps/web").json()["app"]
    pms = (app["container"].get("portMappings") or app["container"]["docker"]["portMappings"])
    assert 10000 <= pms[0]["servicePort"] <= 20000
    if marathon_lab.v >= (1, 5):  # answers in the new form
        assert app["networks"] == [{"mode": "container/bridge"}] and "network" not in app["container"]["docker"]


def test_defaults_for_a_command_app(marathon_lab):
    r = httpx.post(marathon_lab.url + "/v2/apps", json={"id": "sleepy", "cmd": "sleep 100"})
    assert r.status_code == 201
    app = httpx.get(marathon_lab.url + "/v2/apps/sleepy").json()["app"]
    ports = app.get("ports") or [p["port"] for p in app["portDefinitions"]]
    assert len(ports) == 1 and ports[0] >= 10000


def test_error_shapes_per_version(marathon_lab):
    r = httpx.post(marathon_lab.url + "/v2/apps", json={"id": "Bad_Id", "cmd": "x", "instances": "2"})
    body = r.json()
    if marathon_lab.v < (1, 0):
        # a type error fails Play's reads first: 400 "Invalid JSON" with details (MarathonExceptionMapper @ v0.9.2)
        assert r.status_code == 400 and body["message"] == "Invalid JSON" and body["details"][0]["path"]
        r = httpx.post(marathon_lab.url + "/v2/apps", json={"id": "Bad_Id", "cmd": "x", "instances": 2})
        assert r.status_code == 422 and set(r.json()) == {"errors"}  # marathon#536: no "message"
        assert {"attribute", "error"} <= set(r.json()["errors"][0])
    else:
        assert r.status_code == 422 and body["message"] == "Object is not valid"
        real = json.loads((FIXTURES / "v1.5" / "error_422_invalid.json").read_text())
        assert set(body) == set(real) and set(body["details"][0]) == set(real["details"][0])
    r = httpx.post(marathon_lab.url + "/v2/apps", content=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_deployments_shape_matches_the_real_reply(marathon_lab):
    marathon_lab.deploy_seconds = 10
    httpx.post(marathon_lab.url + "/v2/apps", json={"id": "web", "cmd": "x"})
    deps = httpx.get(marathon_lab.url + "/v2/deployments").json()
    flavour = "v0.9" if marathon_lab.v < (1, 0) else "v1.5"
    real = json.loads((FIXTURES / flavour / "deployments.json").read_text())[0]
    assert set(real) - {"affectedPods"} <= set(deps[0])
    assert type(deps[0]["steps"][0]) is type(real["steps"][0])


def test_locked_app_409_has_deployments(marathon_lab):
    marathon_lab.deploy_seconds = 10
    httpx.post(marathon_lab.url + "/v2/apps", json={"id": "web", "cmd": "x"})
    r = httpx.put(marathon_lab.url + "/v2/apps/web", json={"instances": 2})
    real = json.loads((FIXTURES / "v0.9" / "app_put_409_locked.json").read_text())
    assert r.status_code == 409 and set(r.json()) == set(real)
    assert httpx.put(marathon_lab.url + "/v2/apps/web?force=true", json={"instances": 2}).status_code == 200


def test_event_stream_framing(marathon_lab):
    lines: list[str] = []
    with httpx.stream("GET", marathon_lab.url + "/v2/events", headers={"Accept": "text/event-stream"},
                      timeout=5) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        httpx.post(marathon_lab.url + "/v2/apps", json={"id": "web", "cmd": "x"})
        raw = b""
        for chunk in r.iter_raw():
            raw += chunk
            if b"deployment_success" in raw:
                break
    text = raw.decode()
    if marathon_lab.v < (1, 0):  # data: lines only; CRLF like 1.x (Jetty's EventSourceServlet)
        assert "event:" not in text and "\r\n" in text and text.startswith("data: ")
    else:
        assert text.startswith("event: event_stream_attached\r\ndata: ")


def test_basic_and_token_auth(marathon_lab_factory):
    lab = marathon_lab_factory(auth=("basic", "ops", "s3cret"))
    assert httpx.get(lab.url + "/v2/apps").status_code == 401
    assert httpx.get(lab.url + "/v2/apps", auth=("ops", "s3cret")).status_code == 200
    lab = marathon_lab_factory(auth=("token", "jwt.abc"))
    r = httpx.get(lab.url + "/v2/apps")
    assert r.status_code == 401 and "html" in r.headers["content-type"]
    assert httpx.get(lab.url + "/v2/apps", headers={"Authorization": "token=jwt.abc"}).status_code == 200


@pytest.mark.parametrize("version", ["0.9.0", "1.4.0", "1.5.0"])
def test_info_reports_the_flavour(marathon_lab_factory, version):
    lab = marathon_lab_factory(version)
    assert httpx.get(lab.url + "/v2/info").json()["version"] == version
