"""The stand-in checked with the official SDK nobody here wrote: avisdk's ApiSession, per version."""

from __future__ import annotations

import warnings

import pytest
from plugins.avi_lab import AVI_VERSIONS


@pytest.fixture
def sdk(avi_lab, avi_ca_bundle, monkeypatch):
    from avi.sdk.avi_api import ApiSession

    # requests lets these override a session's own `verify` (the SDK keeps the CA there)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)

    ApiSession.clear_cached_sessions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        session = ApiSession(controller_ip=avi_lab.host, port=avi_lab.port, username=avi_lab.username,
                             password=avi_lab.password, tenant="admin", api_version=avi_lab.version,
                             verify=avi_ca_bundle)
    yield session
    ApiSession.clear_cached_sessions()


@pytest.mark.parametrize("avi_lab", AVI_VERSIONS, indirect=True)
def test_sdk_logs_in_pages_reads_and_writes(avi_lab, sdk):
    avi_lab.seed(230)
    assert sdk.remote_api_version["Version"] == avi_lab.version
    names = [vs["name"] for vs in sdk.get_objects_iter("virtualservice", params={"page_size": 50})]
    assert len(names) == 230 == len(set(names))
    pages = avi_lab.sent("GET", r"^/api/virtualservice$")
    assert len(pages) == 5 and all(p["query"]["page_size"] == ["50"] for p in pages)
    assert all(p["headers"]["x-avi-version"] == avi_lab.version for p in pages)

    vs = sdk.get_object_by_name("virtualservice", "vs-000007")
    assert vs["name"] == "vs-000007" and vs["services"]

    # writes: the SDK sends X-CSRFToken + Referer, the stand-in accepts them
    created = sdk.post("pool", data={"name": "sdk-pool", "servers": [{"ip": {"addr": "10.9.9.9", "type": "V4"},
                                                                       "port": 80}]})
    assert created.status_code == 201, created.text
    write = avi_lab.sent("POST", r"^/api/pool$")[-1]["headers"]
    assert write["x-csrftoken"] and write["referer"]
    pool = sdk.get_object_by_name("pool", "sdk-pool")
    pool["default_server_port"] = 8080
    updated = sdk.put(f"pool/{pool['uuid']}", data=pool)
    assert updated.status_code == 200 and updated.json()["default_server_port"] == 8080
    assert sdk.delete_by_name("pool", "sdk-pool").status_code == 204
    dup = sdk.post("virtualservice", data={"name": "vs-000001"})
    assert dup.status_code == 409 and "already exist" in dup.text


@pytest.mark.parametrize("avi_lab", ["17.2", "22.1"], indirect=True)
def test_sdk_logs_in_again_after_forced_expiry(avi_lab, sdk, avi_ca_bundle):
    import httpx

    logins = len(avi_lab.sent("POST", "^/login$"))
    httpx.post(f"{avi_lab.url}/_lab/expire", verify=avi_ca_bundle)
    assert sdk.get("virtualservice").status_code == 200
    assert len(avi_lab.sent("POST", "^/login$")) == logins + 1


def test_sdk_recovers_from_419(avi_lab, sdk):
    avi_lab.add_fault(count=1, path="^/api/pool$", status=419, body={"error": "Need to switch session"})
    assert sdk.get("pool").status_code == 200
