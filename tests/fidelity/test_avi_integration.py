"""The Avi stand-in's Mesos integration and the client against it, from the SDK's swagger, docs and cassettes.

Sources (tests/fixtures/avi/source/ and cassettes/): Cloud.json and doc/cloud.html @ SDK 16.2
(feproxy_container_port_as_service default true, services_accessible_all_interfaces,
marathon_configurations[].tenant, framework_tag, vs_name_tag_framework), the SDK sample
sticky_pool_group.py (`refers_to=pool:<uuid>`), OperationalStatus in the swagger
(OPER_UNAVAIL), the recorded 20.1.1 replies (AVI_API_VERSION 16_4_2), avi_api.py (page_size).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from plugins.avi_lab import post_marathon_app

SOURCE = Path(__file__).parent.parent / "fixtures" / "avi" / "source"
CASSETTES = Path(__file__).parent.parent / "fixtures" / "avi" / "cassettes"


def _app(app_id: str, labels: dict[str, str] | None = None, container_port: int = 80) -> dict[str, Any]:
    return {"id": app_id, "instances": 1, "labels": labels or {},
            "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE", "portMappings": [
                {"containerPort": container_port, "hostPort": 0}]}}}


def _service_port(app: dict[str, Any]) -> int:
    c = app["container"]
    return (c.get("portMappings") or c["docker"]["portMappings"])[0]["servicePort"]


@pytest.fixture
def make_avi(avi_tls, avi_marathon):
    """An Avi stand-in with given Mesos cloud settings; its CLI environment."""
    from avictl.lab.avi import AviLab
    from avictl.lab.tls import server_context

    started = []

    def make(version: str = "22.1", **kw: Any) -> tuple[Any, dict[str, str]]:
        lab = AviLab(marathon_url=avi_marathon.url, version=version, tls=server_context(avi_tls[1], avi_tls[2]),
                     sync_interval=0, **kw).start()
        started.append(lab)
        return lab, {"AVI_CONTROLLER": lab.url, "AVI_USERNAME": lab.username, "AVI_PASSWORD": lab.password,
                     "AVI_CA_BUNDLE": avi_tls[0], "MARATHON_URL": avi_marathon.url}

    yield make
    for lab in started:
        lab.stop()


# -- item 8: which port the VS listens on ---------------------------------------------------------

def test_the_sources_give_the_flags_and_their_defaults():
    cloud = json.loads((SOURCE / "Cloud_mesos_fields.json").read_text())["MesosConfiguration"]
    assert cloud["feproxy_container_port_as_service"]["default"] is True
    assert "AWS Mesos clusters" in cloud["services_accessible_all_interfaces"]["description"]
    doc = (SOURCE / "doc_16.2_cloud_mesos_fields.txt").read_text()
    assert "use container port as service port Default True" in doc  # the same in the 16.x era


@pytest.mark.parametrize("flag, labels, expect", [
    (None, {"FE-Proxy": "yes"}, "container"),  # absent: the schema's default (true)
    (True, {"FE-Proxy": "yes"}, "container"),
    (False, {"FE-Proxy": "yes"}, "service"),
    (True, {}, "service"),  # east-west: the Marathon service port
    (True, {"FE-Proxy": "yes", "avi_proxy": json.dumps({"virtualservice": {"services": [{"port": 8443}]}})},
     "label"),
])
def test_vs_port_follows_the_cloud_flag(cli, make_avi, avi_marathon, flag, labels, expect):
    mesos = {} if flag is None else {"feproxy_container_port_as_service": flag}
    lab, env = make_avi(mesos=mesos)
    if flag is None:
        lab.default_cloud["mesos_configuration"].pop("feproxy_container_port_as_service", None)
    app = post_marathon_app(avi_marathon, _app("/web", labels, container_port=8080), wait_running=1)
    want = {"container": 8080, "service": _service_port(app), "label": 8443}[expect]
    r = cli("vs", "port", "/web", env=env)
    assert (r.exit_code, r.stdout.strip()) == (0, str(want)), r
    # avictl reads the port off the VS: the ELB goes where the VS listens
    vs = json.loads(cli("vs", "show", "/web", "-o", "json", env=env).stdout)
    assert vs["services"][0]["port"] == want


# -- item 9: can the ELB reach the VS ----------------------------------------------------------------

def test_retarget_stops_when_the_cloud_keeps_service_ports_off_the_agents(cli, make_avi, avi_marathon, aws_world,
                                                                          boto):
    lab, env = make_avi(mesos={"services_accessible_all_interfaces": False})
    post_marathon_app(avi_marathon, _app("/web"), wait_running=1)
    env = {**aws_world["env"], **env}
    before = boto["elb"].describe_load_balancers(LoadBalancerNames=[aws_world["elb_name"]])
    r = cli("elb", "retarget", aws_world["elb_name"], "--app", "/web", "--yes", env=env)
    assert r.exit_code == 4, r
    assert "services_accessible_all_interfaces" in r.stderr and "east-west" in r.stderr and "--force" in r.stderr
    assert r.stderr.count("avictl: error:") == 1 and "Traceback" not in r.stderr
    after = boto["elb"].describe_load_balancers(LoadBalancerNames=[aws_world["elb_name"]])
    assert before["LoadBalancerDescriptions"][0]["ListenerDescriptions"] == \
        after["LoadBalancerDescriptions"][0]["ListenerDescriptions"]
    forced = cli("elb", "retarget", aws_world["elb_name"], "--app", "/web", "--yes", "--force",
                 "--fix-security-group", env=env)
    assert forced.exit_code == 0, forced
    assert "warning" in forced.stderr.lower() and "services_accessible_all_interfaces" in forced.stderr


def test_retarget_goes_ahead_when_the_cloud_exports_service_ports(cli, make_avi, avi_marathon, aws_world):
    lab, env = make_avi()  # the lab's default: all interfaces, like AWS Mesos clusters
    assert lab.default_cloud["mesos_configuration"]["services_accessible_all_interfaces"] is True
    post_marathon_app(avi_marathon, _app("/web"), wait_running=1)
    r = cli("elb", "retarget", aws_world["elb_name"], "--app", "/web", "--yes", "--fix-security-group",
            env={**aws_world["env"], **env})
    assert r.exit_code == 0, r
    assert "services_accessible_all_interfaces" not in r.stderr


# -- item 10: finding an app's VS ---------------------------------------------------------------------

def test_group_apps_and_tagged_clouds_are_found_through_their_pools(cli, make_avi, avi_marathon):
    assert "refers_to=pool:%s" in (SOURCE / "sample_refers_to_pool.py.txt").read_text()
    lab, env = make_avi(marathon_config={"framework_tag": "prod", "vs_name_tag_framework": True})
    post_marathon_app(avi_marathon, _app("/shop/api"), wait_running=1)
    lab.sync(force=True)
    names = [v["name"] for v in lab.objects["virtualservice"].values()]
    assert names == ["prod.api.shop"]  # a name no client could guess
    r = cli("vs", "show", "/shop/api", "-o", "json", env=env)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["name"] == "prod.api.shop"
    refers = [q for q in lab.sent("GET", "^/api/virtualservice$") if "refers_to" in q["query"]]
    assert refers and refers[0]["query"]["refers_to"][0].startswith("pool:pool-")


def test_two_apps_with_one_flat_name_are_exit_4_naming_both(cli, make_avi, avi_marathon):
    lab, env = make_avi()
    post_marathon_app(avi_marathon, _app("/shop/cart"), wait_running=1)
    post_marathon_app(avi_marathon, _app("/shop-cart"), wait_running=1)
    r = cli("vs", "port", "/shop/cart", env=env)
    assert r.exit_code == 4, r
    assert "cart.shop" in r.stderr and "shop-cart" in r.stderr and r.stdout == ""


# -- issue 13 item 16: an app of several ports ------------------------------------------------------

def _two_port_app(app_id: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": app_id, "instances": 2, "labels": labels or {},
            "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE", "portMappings": [
                {"containerPort": 80, "hostPort": 0}, {"containerPort": 9000, "hostPort": 0}]}}}


def test_each_container_port_makes_its_own_vs_on_its_pool(make_avi, avi_marathon):
    # The cloud decides per container port whether it "create[s] a HTTP Virtualservice instead of
    # a TCP/UDP VirtualService": one VS per container port, each on that port's pool.
    cloud = json.loads((SOURCE / "Cloud_mesos_fields.json").read_text())["MesosConfiguration"]
    assert "container ports that create a HTTP Virtualservice instead of a TCP/UDP VirtualService" in \
        cloud["http_container_ports"]["description"]
    lab, _ = make_avi()
    app = post_marathon_app(avi_marathon, _two_port_app("/two"), wait_running=2)
    lab.sync(force=True)
    pools = {p["uuid"]: p["name"] for p in lab.objects["pool"].values()}
    vss = sorted(lab.objects["virtualservice"].values(), key=lambda v: v["name"])
    assert [v["name"] for v in vss] == ["two", "two-9000"]
    assert [pools[v["pool_uuid"]] for v in vss] == ["two-pool-80", "two-pool-9000"]
    mappings = app["container"].get("portMappings") or app["container"]["docker"]["portMappings"]
    assert [[s["port"] for s in v["services"]] for v in vss] == [[m["servicePort"]] for m in mappings]
    assert all(len(p["servers"]) == 2 for p in lab.objects["pool"].values())


@pytest.mark.parametrize("labels, flag, expect", [
    ({}, True, "service"),  # east-west: each VS on its service port
    ({"FE-Proxy": "yes"}, True, "container"),  # north-south, container port as service
    ({"FE-Proxy": "yes"}, False, "service"),
])
def test_app_ports_of_a_two_port_app_shows_each_ports_vs_port(cli, make_avi, avi_marathon, labels, flag, expect):
    lab, env = make_avi(mesos={"feproxy_container_port_as_service": flag})
    post_marathon_app(avi_marathon, _two_port_app("/shop/two", labels), wait_running=2)
    r = cli("app", "ports", "/shop/two", "-o", "json", env=env)
    assert r.exit_code == 0 and "warning" not in r.stderr, r
    rows = json.loads(r.stdout)
    key = "service_port" if expect == "service" else "container_port"
    assert [row["avi_vs_port"] for row in rows] == [row[key] for row in rows]
    assert rows[0]["avi_vs_port"] != rows[1]["avi_vs_port"] and "-" not in [row["avi_vs_port"] for row in rows]
    table = cli("app", "ports", "/shop/two", "-o", "table", env=env).stdout.splitlines()
    assert len(table) == 3 and all(line.split()[-1] == str(row["avi_vs_port"]) for line, row in zip(table[1:], rows))


def test_vs_port_of_a_two_port_app_is_ambiguous_without_its_ports(cli, make_avi, avi_marathon):
    lab, env = make_avi()
    app = post_marathon_app(avi_marathon, _two_port_app("/two"), wait_running=2)
    lab.sync(force=True)
    mappings = app["container"].get("portMappings") or app["container"]["docker"]["portMappings"]
    # with Marathon at hand the app's first container port decides: its VS's port
    r = cli("app", "ports", "/two", "-o", "json", env=env)
    assert [row["avi_vs_port"] for row in json.loads(r.stdout)] == [m["servicePort"] for m in mappings]
    assert cli("vs", "port", "/two", env=env).stdout.strip() == str(mappings[0]["servicePort"])
    # without Marathon's container ports the app's VS is ambiguous: exit 4 naming both, never a pick
    alone = {k: v for k, v in env.items() if k != "MARATHON_URL"}
    r = cli("vs", "port", "/two", env=alone)
    assert r.exit_code == 4 and "two-9000" in r.stderr, r
    assert cli("vs", "port", "two-9000", env=alone).stdout.strip() == str(mappings[1]["servicePort"])


# -- item 11: tenant -----------------------------------------------------------------------------------

def test_the_clouds_tenant_wins_over_the_label_and_apps_are_found_there(cli, make_avi, avi_marathon):
    cloud = json.loads((SOURCE / "Cloud_mesos_fields.json").read_text())["MarathonConfiguration"]
    assert "regardless of" in cloud["tenant"]["description"]
    lab, env = make_avi(marathon_config={"tenant": "dev"})
    post_marathon_app(avi_marathon, _app("/web", {"avi_proxy": json.dumps({"tenant": "other"})}), wait_running=1)
    lab.sync(force=True)
    vs = next(iter(lab.objects["virtualservice"].values()))
    assert vs["_tenant"] == "dev"
    r = cli("vs", "port", "/web", env=env)  # the profile's tenant is admin: looked up in every tenant
    assert r.exit_code == 0 and r.stdout.strip().isdigit(), r


def test_without_a_cloud_tenant_the_label_decides(make_avi, avi_marathon):
    lab, env = make_avi()
    post_marathon_app(avi_marathon, _app("/web", {"avi_proxy": json.dumps({"tenant": "other"})}), wait_running=1)
    lab.sync(force=True)
    assert next(iter(lab.objects["virtualservice"].values()))["_tenant"] == "other"


# -- item 12: small facts -----------------------------------------------------------------------------

def test_oper_unavail_matches_state_unavailable(cli, make_avi):
    state = json.loads((SOURCE / "OperationalStatus_state.json").read_text())["state"]
    assert "OPER_UNAVAIL." in state["description"] and state["default"] == "OPER_UNAVAIL"
    lab, env = make_avi()
    lab.seed(2)
    with lab.state_lock:
        lone = dict(next(iter(lab.objects["virtualservice"].values())), name="no-pool", pool_uuid=None,
                    uuid="virtualservice-nopool")
        lone.pop("_oper", None)
        lab.objects["virtualservice"]["virtualservice-nopool"] = lone
    r = cli("vs", "list", "--state", "unavailable", "-o", "json", env=env)
    assert r.exit_code == 0, r
    assert [v["name"] for v in json.loads(r.stdout)] == ["no-pool"]


def test_no_version_header_is_answered_as_16_4_2_like_the_recording(make_avi, avi_ca_bundle):
    recorded = json.loads((CASSETTES / "test_multiple_tenants.json").read_text())["interactions"]
    unversioned = [i for i in recorded if "X-Avi-Version" not in i["request"]["headers"]]
    assert {tuple(i["response"]["headers"]["AVI_API_VERSION"]) for i in unversioned} == {("16_4_2",)}
    lab, _ = make_avi("20.1")
    lab.seed(1)
    with httpx.Client(base_url=lab.url, verify=avi_ca_bundle) as c:
        c.post("/login", data={"username": lab.username, "password": lab.password})
        r = c.get("/api/virtualservice")
        assert r.headers["AVI_API_VERSION"] == "16_4_2"
        vs = r.json()["results"][0]
        assert "ip_address" in vs and "vsvip_ref" not in vs  # the pre-17.1 layout
        r = c.get("/api/virtualservice", headers={"X-Avi-Version": "20.1.1"})
        assert r.headers["AVI_API_VERSION"] == "20.1.1" and "vsvip_ref" in r.json()["results"][0]


def test_page_size_above_200_is_refused_by_the_sdk_only(make_avi, avi_ca_bundle):
    assert "page_size cannot be more than 200" in (SOURCE / "avi_api_page_size.py.txt").read_text()
    lab, _ = make_avi()
    lab.seed(250)
    with httpx.Client(base_url=lab.url, verify=avi_ca_bundle) as c:
        c.post("/login", data={"username": lab.username, "password": lab.password})
        assert len(c.get("/api/virtualservice", params={"page_size": 1000}).json()["results"]) == 250


# -- item 13: the seed's controller versions -------------------------------------------------------------

@pytest.mark.parametrize("version", ["15.3", "16.4"])
def test_old_controllers_work(cli, make_avi, avi_marathon, version):
    sent = (SOURCE / "avi_api_16.2_login.py.txt").read_text()
    body = sent.split("\n", 1)[1]  # the code, without the header line
    assert 'self.prefix+"/login", body' in body and "X-Avi-Version" not in body
    lab, env = make_avi(version)
    lab.seed(3)
    app = post_marathon_app(avi_marathon, _app("/web"), wait_running=1)
    r = cli("vs", "list", "-o", "json", env=env)
    assert r.exit_code == 0, r
    items = {v["name"]: v for v in json.loads(r.stdout)}
    assert items["vs-000000"]["vips"] == ["10.2.0.1"]  # top-level ip_address (no vsvip before 17.1)
    assert cli("vs", "port", "/web", env=env).stdout.strip() == str(_service_port(app))
    assert lab.logins == 1  # one login for all of it, though the controller never said its version
    logins = lab.sent("POST", "^/login$")
    assert logins and "json" not in logins[0]["headers"].get("content-type", "")
