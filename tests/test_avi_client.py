"""AviClient against the stand-in over HTTPS: sessions, re-login, retries, the session cache, paging."""

from __future__ import annotations

import json
from urllib.parse import parse_qs
import os
import stat

import pytest
from plugins.avi_lab import AVI_VERSIONS

from avictl import errors
from avictl.avi.client import AviClient
from avictl.avi.session import Session
from avictl.http import HttpOptions
from conftest import make_journal


def make_client(lab, ca, cache=None, **kw) -> AviClient:
    opts = HttpOptions(ca_bundle=ca, backoff=0.01, backoff_max=0.05, journal=make_journal())
    return AviClient(Session(lab.url, opts, username=lab.username, password=kw.pop("password", lab.password),
                             cache_file=cache, **kw))


def logins(lab) -> int:
    return len(lab.sent("POST", "^/login$"))


@pytest.mark.parametrize("avi_lab", AVI_VERSIONS, indirect=True)
def test_session_headers_per_version(avi_lab, avi_ca_bundle):
    client = make_client(avi_lab, avi_ca_bundle)
    assert client.version == avi_lab.version
    client.request("POST", "/api/pool", json_body={"name": "p"})
    get = avi_lab.sent("GET")
    post = avi_lab.sent("POST", "^/api/pool$")[-1]["headers"]
    assert post["x-avi-version"] == avi_lab.version and post["x-avi-tenant"] == "admin"
    assert post["x-csrftoken"] and post["referer"] == avi_lab.url
    assert all("x-csrftoken" not in r["headers"] for r in get)


def test_configured_version_wins(avi_lab, avi_ca_bundle):
    avi_lab.seed(1)
    client = make_client(avi_lab, avi_ca_bundle, api_version="17.2.14")
    items = list(client.list_virtualservices())
    assert items[0]["vips"] == ["10.2.0.1"]
    assert avi_lab.sent("GET", "virtualservice")[-1]["headers"]["x-avi-version"] == "17.2.14"
    assert not avi_lab.sent("GET", "vsvip")  # inline vip[] needs no VsVip reads


@pytest.mark.parametrize("status", [401, 419])
def test_relogin_once_and_replay(avi_lab, avi_ca_bundle, status):
    client = make_client(avi_lab, avi_ca_bundle)
    client.login()
    avi_lab.add_fault(count=1, path="^/api/pool$", status=status)
    assert client.request("GET", "/api/pool").value["count"] == 0
    assert logins(avi_lab) == 2


def test_relogin_after_forced_expiry_for_a_write(avi_lab, avi_ca_bundle):
    import httpx

    client = make_client(avi_lab, avi_ca_bundle)
    client.login()
    httpx.post(f"{avi_lab.url}/_lab/expire", verify=avi_ca_bundle)
    assert client.request("POST", "/api/pool", json_body={"name": "after-expiry"}).value["name"] == "after-expiry"
    assert logins(avi_lab) == 2


def test_gives_up_after_one_relogin(avi_lab, avi_ca_bundle):
    client = make_client(avi_lab, avi_ca_bundle)
    client.login()
    avi_lab.add_fault(count=0, path="^/api/pool$", status=401)
    with pytest.raises(errors.RemoteError) as err:
        client.request("GET", "/api/pool")
    assert err.value.exit_code == 5 and logins(avi_lab) == 2


def test_bad_password_is_exit_5(avi_lab, avi_ca_bundle):
    with pytest.raises(errors.AuthError, match="Invalid credentials"):
        make_client(avi_lab, avi_ca_bundle, password="wrong").login()


def test_503_then_recover(avi_lab, avi_ca_bundle):
    avi_lab.seed(3)
    client = make_client(avi_lab, avi_ca_bundle)
    avi_lab.add_fault(count=2, path="^/api/virtualservice$", status=503,
                      body={"error": "Controller is not ready"})
    assert len(list(client.list_virtualservices())) == 3
    assert len(avi_lab.sent("GET", "^/api/virtualservice$")) == 3


def test_503_for_good_is_an_error(avi_lab, avi_ca_bundle):
    client = make_client(avi_lab, avi_ca_bundle)
    avi_lab.add_fault(count=0, path="^/api/virtualservice$", status=503, body={"error": "Controller is not ready"})
    with pytest.raises(errors.RemoteError, match="Controller is not ready") as err:
        list(client.list_virtualservices())
    assert err.value.exit_code == 1


def test_session_cache_is_private_and_reused(avi_lab, avi_ca_bundle, tmp_path):
    cache = tmp_path / "cache" / "session.json"
    make_client(avi_lab, avi_ca_bundle, cache=cache).request("GET", "/api/pool")
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600
    assert avi_lab.password not in cache.read_text()
    assert json.loads(cache.read_text())["version"] == avi_lab.version
    again = make_client(avi_lab, avi_ca_bundle, cache=cache, password=lambda: pytest.fail("asked for a password"))
    again.request("GET", "/api/pool")
    assert logins(avi_lab) == 1
    # the controller ended that session: one new login, cache refreshed
    import httpx

    httpx.post(f"{avi_lab.url}/_lab/expire", verify=avi_ca_bundle)
    third = make_client(avi_lab, avi_ca_bundle, cache=cache)
    third.request("GET", "/api/pool")
    assert logins(avi_lab) == 2
    assert third.logout() is True
    assert not cache.exists()
    assert avi_lab.sent("POST", "^/logout$")


def test_user_token_login(avi_lab, avi_ca_bundle):
    token = make_client(avi_lab, avi_ca_bundle).user_token(hours=1)
    opts = HttpOptions(ca_bundle=avi_ca_bundle)
    client = AviClient(Session(avi_lab.url, opts, username=avi_lab.username, token=token))
    assert client.version == avi_lab.version
    # a form body, as the SDK sends it (avi_api.py authenticate_session)
    sent = parse_qs(avi_lab.sent("POST", "^/login$")[-1]["body"])
    assert sent == {"username": ["admin"], "token": [token]}


def test_tls_is_verified(avi_lab):
    client = AviClient(Session(avi_lab.url, HttpOptions(retries=1), username="admin", password="x"))
    with pytest.raises(errors.ConnectError, match="TLS verification failed"):
        client.login()


@pytest.mark.parametrize("avi_lab", AVI_VERSIONS, indirect=True)
def test_listing_pages_concurrently_with_the_vsvip_collection(avi_lab, avi_ca_bundle):
    avi_lab.seed(1001)
    client = make_client(avi_lab, avi_ca_bundle)
    items = list(client.list_virtualservices())
    assert [i["name"] for i in items] == [f"vs-{n:06d}" for n in range(1001)]
    assert items[500]["vips"] == ["10.2.2.1"] and items[500]["state"] == "OPER_UP"
    pages = avi_lab.sent("GET", "^/api/virtualservice$")
    assert sorted(int(p["query"]["page"][0]) for p in pages) == [1, 2, 3, 4, 5, 6]
    assert all(p["query"]["page_size"] == ["200"] and p["query"]["join_subresources"] == ["runtime"] for p in pages)
    vsvip_reads = avi_lab.sent("GET", "vsvip")
    if avi_lab.vt >= (20, 1):
        # the VsVip collection beside the VS pages: one read per 200 VIPs, short URLs, never one per VS
        assert sorted(int(r["query"]["page"][0]) for r in vsvip_reads) == [1, 2, 3, 4, 5, 6]
        assert all(r["query"]["page_size"] == ["200"] and "uuid" not in r["query"] for r in vsvip_reads)
    else:
        assert not vsvip_reads
    assert not avi_lab.sent("GET", "runtime")


def test_filters(avi_lab, avi_ca_bundle):
    avi_lab.seed(20)
    avi_lab.seed(4, prefix="edge-", cloud="vmware-cloud")
    avi_lab.seed(2, prefix="dev-", tenant="dev")
    client = make_client(avi_lab, avi_ca_bundle)
    names = lambda **kw: [i["name"] for i in client.list_virtualservices(**kw)]  # noqa: E731
    assert names(name="vs-00001?") == [f"vs-0000{n}" for n in range(10, 20)]
    assert names(name="vs-000003") == ["vs-000003"]
    assert avi_lab.sent("GET", "virtualservice")[-1]["query"]["name"] == ["vs-000003"]
    assert names(cloud="vmware-cloud") == [f"edge-{n:06d}" for n in range(20, 24)]
    assert names(state="down") == ["vs-000000", "vs-000007", "vs-000014", "edge-000021"]
    assert names(tenant="dev") == ["dev-000024", "dev-000025"]
    assert len(names(all_tenants=True)) == 26
    with pytest.raises(errors.UsageError):
        names(state="sideways")


def test_vs_for_group_app_and_port(avi_lab, avi_marathon, avi_ca_bundle):
    from plugins.avi_lab import post_marathon_app

    app = {"id": "/shop/api", "instances": 1,
           "labels": {"avi_proxy": json.dumps({"virtualservice": {"services": [
               {"port": 10443, "enable_ssl": True}, {"port": 10080}]}})},
           "container": {"type": "DOCKER", "docker": {"image": "api", "network": "BRIDGE",
                                                      "portMappings": [{"containerPort": 8080, "hostPort": 0}]}}}
    post_marathon_app(avi_marathon, app, wait_running=1)
    client = make_client(avi_lab, avi_ca_bundle)
    vs = client.vs_for_app("/shop/api")
    assert vs["name"] == "api.shop" and vs["app"] == "/shop/api" and vs["state"] == "OPER_UP"
    assert client.vs_port_for_app("/shop/api") == 10080
    assert client.vs_port_for_app("shop/api/", ssl=True) == 10443
    assert client.vs_port_for_app("api.shop", ssl=True) == 10443
    assert client.vs_for_app("/shop/other") is None
    with pytest.raises(errors.NotFound, match="no virtual service for app /shop/other yet"):
        client.vs_port_for_app("/shop/other")


@pytest.mark.parametrize("api_version,reads_vsvip", [("16.4.4", False), ("17.2.14", False), ("18.2.9", False),
                                                     ("20.1.1", True), (None, True)])
def test_vip_extraction_for_every_layout(avi_lab, avi_ca_bundle, api_version, reads_vsvip):
    avi_lab.seed(3)
    client = make_client(avi_lab, avi_ca_bundle, api_version=api_version)
    assert [i["vips"] for i in client.list_virtualservices()] == [["10.2.0.1"], ["10.2.0.2"], ["10.2.0.3"]]
    assert client.describe_virtualservice("vs-000002")["vips"] == ["10.2.0.3"]
    assert bool(avi_lab.sent("GET", "vsvip")) == reads_vsvip


def test_first_page_is_handed_out_before_the_rest_is_fetched(avi_lab, avi_ca_bundle):
    avi_lab.seed(450)
    client = make_client(avi_lab, avi_ca_bundle)
    items = client.list_virtualservices()
    assert next(items)["name"] == "vs-000000"
    assert len(avi_lab.sent("GET", "^/api/virtualservice$")) == 1
    assert len(list(items)) == 449
    assert len(avi_lab.sent("GET", "^/api/virtualservice$")) == 3


def test_vips_without_bulk_uuid_reads(avi_lab, avi_ca_bundle):
    """A controller whose `uuid=` takes one uuid only: the VsVips are read once as a collection."""
    avi_lab.bulk_uuid_filter = False
    avi_lab.seed(450)
    client = make_client(avi_lab, avi_ca_bundle)
    items = list(client.list_virtualservices())
    assert [i["vips"] for i in items[:3]] == [["10.2.0.1"], ["10.2.0.2"], ["10.2.0.3"]]
    assert items[449]["vips"] == ["10.2.1.200"]
    reads = avi_lab.sent("GET", "^/api/vsvip$")
    assert len(reads) < 20  # a few failed bulk reads plus 3 pages of VsVips, never one per VS


def test_a_controller_serving_smaller_pages_is_followed_by_next(avi_lab, avi_ca_bundle):
    avi_lab.cap_page_size = 100
    avi_lab.seed(250)
    client = make_client(avi_lab, avi_ca_bundle)
    assert [i["name"] for i in client.list_virtualservices()] == [f"vs-{n:06d}" for n in range(250)]
    assert len(avi_lab.sent("GET", "^/api/virtualservice$")) == 3


def test_state_from_inventory_when_fields_drop_runtime(avi_lab, avi_ca_bundle):
    avi_lab.runtime_with_fields = False
    avi_lab.seed(210)
    client = make_client(avi_lab, avi_ca_bundle)
    items = list(client.list_virtualservices())
    assert [i["state"] for i in items[:8]] == ["OPER_DOWN"] + ["OPER_UP"] * 6 + ["OPER_DOWN"]
    assert items[203]["state"] == "OPER_DOWN"
    assert len(avi_lab.sent("GET", "^/api/virtualservice-inventory$")) == 2  # one per page


def test_a_few_vss_among_many_vips_read_theirs_in_bulk(avi_lab, avi_ca_bundle):
    """A filtered listing does not read the whole VsVip collection: one bulk `uuid=` read instead."""
    avi_lab.seed(450)
    client = make_client(avi_lab, avi_ca_bundle)
    items = list(client.list_virtualservices(name="vs-00030?"))
    assert [i["vips"] for i in items] == [[f"10.2.1.{n - 249}"] for n in range(300, 310)]
    reads = avi_lab.sent("GET", "^/api/vsvip$")
    assert [r["query"].get("page") for r in reads if "uuid" not in r["query"]] == [["1"]]
    assert len([r for r in reads if "uuid" in r["query"]]) == 1


def test_vips_found_whatever_order_the_vsvip_collection_comes_in(avi_lab, avi_ca_bundle):
    """VS page 1 waits for the VsVip pages that hold its VIPs; each VsVip page is read once."""
    avi_lab.seed(450)
    with avi_lab.state_lock:
        avi_lab.objects["vsvip"] = dict(reversed(list(avi_lab.objects["vsvip"].items())))
    client = make_client(avi_lab, avi_ca_bundle)
    items = list(client.list_virtualservices())
    assert [i["vips"] for i in items] == [[f"10.2.{n // 250}.{n % 250 + 1}"] for n in range(450)]
    reads = avi_lab.sent("GET", "^/api/vsvip$")
    assert sorted(int(r["query"]["page"][0]) for r in reads) == [1, 2, 3]


def test_a_vip_shared_by_vss_pages_apart_is_read_again_in_bulk(avi_lab, avi_ca_bundle):
    """VsVip entries are dropped once handed out; a later VS sharing one gets it by a bulk read."""
    avi_lab.seed(450)
    with avi_lab.state_lock:
        vss = list(avi_lab.objects["virtualservice"].values())
        vss[449]["vsvip_uuid"] = vss[0]["vsvip_uuid"]
    client = make_client(avi_lab, avi_ca_bundle)
    items = list(client.list_virtualservices())
    assert items[0]["vips"] == items[449]["vips"] == ["10.2.0.1"]
    assert items[448]["vips"] == ["10.2.1.199"]
    bulk = [r for r in avi_lab.sent("GET", "^/api/vsvip$") if "uuid" in r["query"]]
    assert [r["query"]["uuid"] for r in bulk] == [[vss[0]["vsvip_uuid"]]]

