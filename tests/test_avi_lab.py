"""The controller stand-in against the recorded facts (tests/fixtures/avi/) and API-NOTES.md §Avi."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from plugins.avi_lab import AVI_VERSIONS

FIXTURES = Path(__file__).parent / "fixtures" / "avi"


def cassette(name: str) -> list[dict]:
    return json.loads((FIXTURES / "cassettes" / f"{name}.json").read_text())["interactions"]


def login(lab, ca: str) -> httpx.Client:
    client = httpx.Client(base_url=lab.url, verify=ca)
    r = client.post("/login", data={"username": lab.username, "password": lab.password})
    assert r.status_code == 200, r.text
    return client


def write_headers(lab, client: httpx.Client, version: str | None = None) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies["csrftoken"], "Referer": lab.url,
            "X-Avi-Version": version or lab.version}


EXPECTED_COOKIES = {"17.2": {"csrftoken", "sessionid"}, "18.2": {"csrftoken", "avi-sessionid"},
                    "20.1": {"csrftoken", "sessionid", "avi-sessionid"},
                    "22.1": {"csrftoken", "sessionid", "avi-sessionid"}}


@pytest.mark.parametrize("avi_lab", AVI_VERSIONS, indirect=True)
def test_login_cookies_and_reply_per_version(avi_lab, avi_ca_bundle):
    recorded = json.loads(cassette("setUpModule")[0]["response"]["body"]["string"])
    client = httpx.Client(base_url=avi_lab.url, verify=avi_ca_bundle)
    r = client.post("/login", json={"username": avi_lab.username, "password": avi_lab.password})
    assert r.status_code == 200
    version = next(v for v in AVI_VERSIONS if avi_lab.version.startswith(v))
    assert set(client.cookies.keys()) == EXPECTED_COOKIES[version]
    reply = r.json()
    assert set(recorded["version"]) <= set(reply["version"]) and reply["version"]["Version"] == avi_lab.version
    assert reply["controller"]["api_idle_timeout"] == 15
    assert ("session_cookie_name" in reply) == (version != "17.2")
    # a wrong password: 401 with the controller's {"error": ...}
    bad = httpx.post(f"{avi_lab.url}/login", data={"username": "admin", "password": "nope"}, verify=avi_ca_bundle)
    assert bad.status_code == 401 and "error" in bad.json()


def test_only_the_versions_session_cookie_counts(avi_tls, avi_ca_bundle):
    from avictl.lab.avi import AviLab
    from avictl.lab.tls import server_context

    lab = AviLab(version="17.2", tls=server_context(avi_tls[1], avi_tls[2])).start()
    try:
        client = login(lab, avi_ca_bundle)
        sid = client.cookies["sessionid"]
        other = httpx.get(f"{lab.url}/api/virtualservice", cookies={"avi-sessionid": sid}, verify=avi_ca_bundle)
        assert other.status_code == 401
        assert client.get("/api/virtualservice").status_code == 200
    finally:
        lab.stop()


def test_write_without_csrf_is_refused_like_the_recording(avi_lab, avi_ca_bundle):
    recorded = cassette("test_retry_unauth_api")[1]["response"]
    client = login(avi_lab, avi_ca_bundle)
    for headers in ({}, {"Referer": avi_lab.url}, {"X-CSRFToken": "invalid", "Referer": avi_lab.url},
                    {"X-CSRFToken": client.cookies["csrftoken"]}):
        r = client.post("/api/pool", json={"name": "p"}, headers=headers)
        assert r.status_code == recorded["status"]["code"] == 401
        assert r.text == recorded["body"]["string"] == "CSRF token missing or incorrect."
    ok = client.post("/api/pool", json={"name": "p"}, headers=write_headers(avi_lab, client))
    assert ok.status_code == 201 and ok.headers["Location"] == ok.json()["url"]
    assert client.post("/api/pool", json={"name": "p"}, headers=write_headers(avi_lab, client)).status_code == 409


def test_expired_session_and_logout(avi_lab, avi_ca_bundle):
    client = login(avi_lab, avi_ca_bundle)
    assert client.get("/api/pool").status_code == 200
    httpx.post(f"{avi_lab.url}/_lab/expire", verify=avi_ca_bundle)
    assert client.get("/api/pool").status_code == 401
    client = login(avi_lab, avi_ca_bundle)
    assert client.post("/logout", headers=write_headers(avi_lab, client)).status_code == 200
    assert client.get("/api/pool").status_code == 401


def test_idle_timeout(avi_lab, avi_ca_bundle):
    client = login(avi_lab, avi_ca_bundle)
    avi_lab.idle_timeout = 0.05
    import time

    time.sleep(0.1)
    assert client.get("/api/pool").status_code == 401


def test_paging_limits_and_next(avi_lab, avi_ca_bundle):
    avi_lab.seed(60)
    client = login(avi_lab, avi_ca_bundle)
    first = client.get("/api/virtualservice").json()
    assert first["count"] == 60 and len(first["results"]) == 25 and "page=2" in first["next"]
    # only the SDK refuses page_size above 200 (avi_api.py); no source shows a controller doing so
    assert len(client.get("/api/virtualservice", params={"page_size": 1000}).json()["results"]) == 60
    assert "error" in client.get("/api/virtualservice", params={"page_size": 0}).json()
    last = client.get("/api/virtualservice", params={"page_size": 50, "page": 2}).json()
    assert len(last["results"]) == 10 and "next" not in last
    seen, url = [], "/api/virtualservice?page_size=7"
    while url:
        page = client.get(url).json()
        seen += [r["name"] for r in page["results"]]
        url = page.get("next")
    assert len(seen) == 60 == len(set(seen))


def test_filters_fields_include_name_runtime(avi_lab, avi_ca_bundle):
    avi_lab.seed(30)
    avi_lab.seed(5, prefix="other-", cloud="vmware-cloud")
    client = login(avi_lab, avi_ca_bundle)
    h = {"X-Avi-Version": avi_lab.version}
    get = lambda **p: client.get("/api/virtualservice", params=p, headers=h).json()  # noqa: E731
    assert get(name="vs-000003")["count"] == 1
    assert get(**{"name.contains": "000-"})["count"] == 0
    assert get(**{"name.contains": "vs-00001"})["count"] == 10
    assert get(**{"cloud_ref.name": "vmware-cloud"})["count"] == 5
    one = get(name="vs-000003", fields="name,services")["results"][0]
    assert set(one) == {"url", "uuid", "name", "services"}
    named = get(name="vs-000003", include_name="true")["results"][0]
    assert named["pool_ref"].endswith("#vs-000003-pool") and named["cloud_ref"].endswith("#Default-Cloud")
    assert "#" not in get(name="vs-000003")["results"][0]["pool_ref"]
    rt = get(name="vs-000003", join_subresources="runtime")["results"][0]["runtime"]["oper_status"]["state"]
    assert rt == "OPER_UP"
    uuid = named["uuid"]
    assert client.get(f"/api/virtualservice/{uuid}/runtime/", headers=h).json()["oper_status"]["state"] == rt
    inv = client.get("/api/virtualservice-inventory", params={"name": "vs-000003"}, headers=h).json()
    assert inv["results"][0]["runtime"]["oper_status"]["state"] == rt
    assert client.get("/api/virtualservice/virtualservice-nope", headers=h).json() == {
        "error": "Virtual Service object not found!"}


@pytest.mark.parametrize("sent,layout", [(None, "ip_address"), ("16.4.4", "ip_address"), ("17.2.14", "vip"),
                                         ("18.2.9", "vip"), ("20.1.1", "vsvip_ref"), ("22.1.3", "vsvip_ref")])
def test_vip_layout_follows_x_avi_version(avi_lab, avi_ca_bundle, sent, layout):
    avi_lab.seed(1)
    client = login(avi_lab, avi_ca_bundle)
    vs = client.get("/api/virtualservice", headers={"X-Avi-Version": sent} if sent else {}).json()["results"][0]
    if layout == "ip_address":
        assert vs["ip_address"]["addr"] == "10.2.0.1" and "vip" not in vs and "vsvip_ref" not in vs
    elif layout == "vip":
        assert vs["vip"][0]["ip_address"]["addr"] == "10.2.0.1" and "vsvip_ref" in vs
    else:
        assert "vip" not in vs and "ip_address" not in vs
        vsvip = client.get(vs["vsvip_ref"].split(avi_lab.url, 1)[1], headers={"X-Avi-Version": sent}).json()
        assert vsvip["vip"][0]["ip_address"]["addr"] == "10.2.0.1"


def test_recorded_20_1_vs_create_round_trips(avi_lab, avi_ca_bundle):
    """The SDK test's own pool → vsvip → VS bodies (test_basic_vs) are accepted and read back in 20.1 shape."""
    steps = cassette("test_basic_vs")
    client = login(avi_lab, avi_ca_bundle)
    h = write_headers(avi_lab, client, "20.1.1")
    pool = client.post("/api/pool", content=steps[0]["request"]["body"], headers=h).json()
    vsvip = client.post("/api/vsvip", content=steps[1]["request"]["body"], headers=h).json()
    body = json.loads(steps[2]["request"]["body"])
    body["pool_ref"], body["vsvip_ref"] = pool["url"], vsvip["url"]
    body.pop("cloud_ref", None)
    created = client.post("/api/virtualservice", json=body, headers=h)
    assert created.status_code == 201, created.text
    recorded = json.loads(steps[3]["response"]["body"]["string"])["results"][0]
    listed = client.get("/api/virtualservice", params={"name": body["name"]}, headers=h).json()["results"][0]
    assert {"pool_ref", "vsvip_ref", "services", "cloud_ref", "tenant_ref", "uuid", "url"} <= set(listed)
    assert set(recorded) - set(listed) <= {"tls_ticket_key"}, set(recorded) - set(listed)
    assert "vip" not in listed and listed["services"][0]["port"] == recorded["services"][0]["port"]


def test_last_modified_mismatch_is_412(avi_lab, avi_ca_bundle):
    client = login(avi_lab, avi_ca_bundle)
    h = write_headers(avi_lab, client)
    pool = client.post("/api/pool", json={"name": "p1"}, headers=h).json()
    stale = dict(pool, _last_modified="1")
    r = client.put(f"/api/pool/{pool['uuid']}", json=stale, headers=h)
    assert r.status_code == 412 and "error" in r.json()
    r = client.put(f"/api/pool/{pool['uuid']}", json=dict(pool, default_server_port=8080), headers=h)
    assert r.status_code == 200 and r.json()["default_server_port"] == 8080
    assert client.delete(f"/api/pool/{pool['uuid']}", headers=h).status_code == 204


def test_tenants_and_user_token(avi_lab, avi_ca_bundle):
    avi_lab.seed(2)
    avi_lab.seed(3, prefix="dev-", tenant="dev")
    client = login(avi_lab, avi_ca_bundle)
    assert client.get("/api/virtualservice").json()["count"] == 2
    assert client.get("/api/virtualservice", headers={"X-Avi-Tenant": "dev"}).json()["count"] == 3
    assert client.get("/api/virtualservice", headers={"X-Avi-Tenant": "*"}).json()["count"] == 5
    assert client.get("/api/virtualservice", headers={"X-Avi-Tenant": "nope"}).status_code == 404
    token = client.post("/api/user-token", json={"hours": 1}, headers=write_headers(avi_lab, client)).json()["token"]
    fresh = httpx.Client(base_url=avi_lab.url, verify=avi_ca_bundle)
    assert fresh.post("/login", json={"username": "admin", "token": token}).status_code == 200
    assert fresh.get("/api/virtualservice").status_code == 200
    assert httpx.post(f"{avi_lab.url}/login", json={"username": "admin", "token": "bad"},
                      verify=avi_ca_bundle).status_code == 401


def test_mesos_cloud_syncs_marathon_apps(avi_lab, avi_marathon, avi_ca_bundle):
    from plugins.avi_lab import post_marathon_app

    app = {"id": "/shop/web", "instances": 2, "labels": {"FE-Proxy": "yes"},
           "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
                                                      "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}
    running = post_marathon_app(avi_marathon, app, wait_running=2)
    service_port = running["container"]["docker"]["portMappings"][0]["servicePort"] if running.get(
        "container", {}).get("docker", {}).get("portMappings") else running["container"]["portMappings"][0][
        "servicePort"]
    client = login(avi_lab, avi_ca_bundle)
    h = {"X-Avi-Version": avi_lab.version}
    vs = client.get("/api/virtualservice", params={"name": "web.shop", "join_subresources": "runtime",
                                                   "include_name": "1"}, headers=h).json()["results"][0]
    # north-south (FE-Proxy) in the lab's cloud (feproxy_container_port_as_service off): the service port
    assert vs["services"][0]["port"] == service_port
    assert vs["runtime"]["oper_status"]["state"] == "OPER_UP"
    assert vs["pool_ref"].endswith("#shop-web-pool-80")
    pool = client.get("/api/pool", params={"name": "shop-web-pool-80"}, headers=h).json()["results"][0]
    assert len(pool["servers"]) == 2
    cloud = client.get("/api/cloud", params={"name": "Default-Cloud"}, headers=h).json()["results"][0]
    assert cloud["vtype"] == "CLOUD_MESOS"
    assert cloud["mesos_configuration"]["marathon_configurations"][0]["marathon_url"] == avi_marathon.url
    # scaled to zero: VS down; deleted: VS gone
    req = httpx.put(f"{avi_marathon.url}/v2/apps/shop/web?force=true", json={"instances": 0})
    assert req.status_code in (200, 201)
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        state = client.get(f"/api/virtualservice/{vs['uuid']}/runtime/", headers=h).json()["oper_status"]["state"]
        if state == "OPER_DOWN":
            break
        time.sleep(0.05)
    assert state == "OPER_DOWN"
    httpx.delete(f"{avi_marathon.url}/v2/apps/shop/web?force=true")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and client.get("/api/virtualservice", params={"name": "shop-web"},
                                                       headers=h).json()["count"]:
        time.sleep(0.05)
    assert client.get("/api/virtualservice", params={"name": "shop-web"}, headers=h).json()["count"] == 0


def test_vsvip_collection_in_pages_with_fields(avi_lab, avi_ca_bundle):
    """`fields=vip` on the VsVip collection: name, url and uuid come along (swagger/VsVip.json)."""
    avi_lab.seed(5)
    client = login(avi_lab, avi_ca_bundle)
    h = {"X-Avi-Version": avi_lab.version}
    page = client.get("/api/vsvip", params={"fields": "vip", "page_size": 2, "page": 2}, headers=h).json()
    assert page["count"] == 5 and "page=3" in page["next"]
    assert [set(v) for v in page["results"]] == [{"url", "uuid", "name", "vip"}] * 2
    assert page["results"][0]["vip"][0]["ip_address"]["addr"] == "10.2.0.3"
