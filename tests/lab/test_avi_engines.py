"""Service Engines and the cloud status in the Avi stand-in, against avinetworks/sdk (tests/fidelity/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avictl import errors
from avictl.avi.session import Session
from avictl.http import HttpOptions
from plugins.chain_lab import chain, lab_post  # noqa: F401

SWAGGER = Path(__file__).resolve().parents[1] / "fixtures" / "avi" / "swagger"
# python/avi/migrationtools/pb_attributes.yaml @ 2998d85: ServiceEngineRuntime and ServiceEngineRuntimeSummary
SE_RUNTIME = {"at_curr_ver", "azure_info", "consumers", "counters", "creation_in_progress", "delete_in_progress",
              "gateway_up", "gcp_info", "hb_status", "inband_mgmt", "migrate_state", "migrate_timestamp",
              "networks", "oper_status", "power_state", "prev_se_connected", "se_connected", "state_name",
              "version", "vinfra_discovered", "vnic"}
SE_RUNTIME_SUMMARY = {"hb_status", "migrate_state", "oper_status", "version"}
# docs/inventory.html @ 2998d85: ServiceEngineInventoryConfig
SE_INVENTORY_CONFIG = {"uuid", "name", "tenant_ref", "cloud_ref", "url", "se_group_ref", "enable_state",
                       "mgmt_ip_address", "virtualservice_refs"}
# vmware/alb-sdk go/models/cloud_status.go @ 2a75a36
CLOUD_STATUS = {"cc_id", "nsxt_streaming_server_status", "reason", "se_image_state", "state"}
CLOUD_STATES = {"CLOUD_STATE_UNKNOWN", "CLOUD_STATE_IN_PROGRESS", "CLOUD_STATE_FAILED", "CLOUD_STATE_PLACEMENT_READY",
                "CLOUD_STATE_DELETING", "CLOUD_STATE_NOT_CONNECTED"}


def _session(c) -> Session:
    return Session(c["avi"].url, HttpOptions(ca_bundle=c["ca"]), username=c["avi"].username,
                   password=c["avi"].password)


def test_se_objects_use_only_swagger_fields(chain):
    c = chain()
    schema = json.loads((SWAGGER / "ServiceEngine.json").read_text())
    fields = set(schema["definitions"]["ServiceEngine"]["properties"])
    assert "/serviceengine/{uuid}/runtime/" in schema["paths"]
    s = _session(c)
    listed = s.request("GET", "/api/serviceengine", params={"join_subresources": "runtime"})
    assert listed["count"] == 2 and len(listed["results"]) == 2
    for se in listed["results"]:
        assert set(se) - {"runtime"} <= fields, set(se) - fields
        assert set(se["runtime"]) <= SE_RUNTIME
        one = s.request("GET", f"/api/serviceengine/{se['uuid']}")
        assert set(one) <= fields
        runtime = s.request("GET", f"/api/serviceengine/{se['uuid']}/runtime/")
        assert set(runtime) <= SE_RUNTIME and runtime["oper_status"]["state"] == "OPER_UP"
        assert set(runtime["oper_status"]) <= {"state", "reason", "reason_code", "reason_code_string",
                                               "last_changed_time"}
    inventory = s.request("GET", "/api/serviceengine-inventory", params={"page_size": 1})
    assert inventory["count"] == 2 and "next" in inventory
    item = inventory["results"][0]
    assert set(item) == {"uuid", "config", "runtime"}
    assert set(item["config"]) <= SE_INVENTORY_CONFIG and set(item["runtime"]) <= SE_RUNTIME_SUMMARY


def test_cloud_status_reply_is_cloud_status(chain):
    c = chain()
    s = _session(c)
    schema = json.loads((SWAGGER / "Cloud.json").read_text())
    assert "/cloud/{uuid}/status/" in schema["paths"]
    for cloud in s.request("GET", "/api/cloud")["results"]:
        status = s.request("GET", f"/api/cloud/{cloud['uuid']}/status/")
        assert set(status) <= CLOUD_STATUS and status["state"] in CLOUD_STATES
    with pytest.raises(errors.NotFound):
        s.request("GET", "/api/cloud/cloud-nope/status/", not_found="cloud cloud-nope")


def test_one_se_per_active_agent_named_by_its_host(chain):
    c = chain()
    lab_post(c["mesos"], "agents", {"hostname": c["hosts"][1], "active": False})
    s = _session(c)
    names = [se["name"] for se in s.request("GET", "/api/serviceengine")["results"]]
    assert names == c["hosts"][:1]
