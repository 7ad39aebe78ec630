"""The Avi stand-in's constants and object bodies (shaped like recorded 20.1 objects)."""

from __future__ import annotations

import copy
import re
import uuid as uuidlib
from typing import Any

DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "avi-lab-pass"
VERSION_WHEN_ABSENT = "16.4.2"  # AVI_API_VERSION: 16_4_2 in the recorded 20.1.1 replies
MAX_PAGE_SIZE = 200  # the SDK refuses more (avi_api.py); a controller is not recorded doing so
DEFAULT_PAGE_SIZE = 25
COLLECTIONS = ("virtualservice", "vsvip", "pool", "cloud", "tenant")
TYPE_TITLE = {"virtualservice": "Virtual Service", "vsvip": "VsVip", "pool": "Pool", "cloud": "Cloud",
              "tenant": "Tenant"}
CSRF_FAILURE = "CSRF token missing or incorrect."
BUILDS = {"17.2": ("17.2.14", 9007), "18.2": ("18.2.9", 9210), "20.1": ("20.1.1", 9046), "22.1": ("22.1.3", 9051)}
NORTH_SOUTH_NET = "10.10.0."
EAST_WEST_VIP = "172.17.0.1"  # the Docker bridge IP on each host (use_bridge_ip_as_vip)


def version_tuple(text: str | None) -> tuple[int, ...]:
    nums = re.findall(r"\d+", text or "")
    return tuple(int(n) for n in nums[:3]) or (0,)


def full_version(version: str) -> str:
    """'22.1' → '22.1.3' (a real release of that train); a full version stays as it is."""
    if version.count(".") >= 2:
        return version
    return BUILDS.get(version, (f"{version}.1", 9000))[0]


def new_uuid() -> str:
    return str(uuidlib.uuid4())


# Fields a real 20.1 VS carries (tests/fixtures/avi/cassettes/test_basic_vs.json), so that
# replies, and the scale benchmark, have a realistic size.
VS_TEMPLATE: dict[str, Any] = {
    "active_standby_se_tag": "ACTIVE_STANDBY_SE_1", "advertise_down_vs": False, "allow_invalid_client_cert": False,
    "analytics_profile_ref": "https://avi-controller/api/analyticsprofile/analyticsprofile-d168b5ad-ccf5-4c57",
    "application_profile_ref": "https://avi-controller/api/applicationprofile/applicationprofile-13766555-a218",
    "bulk_sync_kvcache": False, "close_client_conn_on_config_update": False, "cloud_type": "CLOUD_NONE",
    "delay_fairness": False, "east_west_placement": False, "enable_autogw": True, "flow_dist": "LOAD_AWARE",
    "flow_label_type": "NO_LABEL", "ign_pool_net_reach": False, "limit_doser": False, "marked_for_delete": False,
    "max_cps_per_client": 0, "network_profile_ref": "https://avi-controller/api/networkprofile/networkprofile-2e95",
    "redis_db": 8, "redis_port": 5028, "remove_listening_port_on_vs_down": False, "scaleout_ecmp": False,
    "se_group_ref": "https://avi-controller/api/serviceenginegroup/serviceenginegroup-accee5f4-45ed-4ee6",
    "self_se_election": True, "ssl_sess_cache_avg_size": 1024, "traffic_enabled": True, "type": "VS_TYPE_NORMAL",
    "use_bridge_ip_as_vip": False, "use_vip_as_snat": False, "version": "2",
    "vip_runtime": [{"num_additional_se": 0, "requested_resource": {"num_se": 1, "num_standby_se": 0},
                     "vip_id": "0"}],
    "vrf_context_ref": "https://avi-controller/api/vrfcontext/vrfcontext-ae78dc00-73fa-4111-961a", "weight": 1,
}


def vs_body(name: str, cloud_uuid: str, pool_uuid: str, vsvip_uuid: str, services: list[dict[str, Any]],
             oper: str | None = None) -> dict[str, Any]:
    body = copy.deepcopy(VS_TEMPLATE)
    body.update(name=name, enabled=True, cloud_uuid=cloud_uuid, pool_uuid=pool_uuid, vsvip_uuid=vsvip_uuid,
                services=[{"enable_http2": False, "port_range_end": s.get("port"), **s} for s in services])
    if oper:
        body["_oper"] = oper
    return body


def pool_body(name: str, cloud_uuid: str, servers: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "enabled": True, "cloud_uuid": cloud_uuid, "default_server_port": 80,
            "lb_algorithm": "LB_ALGORITHM_LEAST_CONNECTIONS", "inline_health_monitor": True,
            "servers": [{"ratio": 1, "enabled": True, **s} for s in servers]}

