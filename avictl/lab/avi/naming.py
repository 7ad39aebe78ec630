"""How the stand-in's Mesos cloud names and ports the objects it makes for a Marathon app.

The stand-in's own copy of the integration's rules, written from API-NOTES.md §Avi
"Marathon integration" (never imported from the product, so that a wrong rule in the
product fails the tests instead of agreeing with itself):

- per app, one pool per container port named `<app>-pool-<containerPort>` (Avi's A/B-pool
  guide) and one virtual service per container port on that pool (MesosConfiguration's
  `http_container_ports`, "container ports that create a HTTP Virtualservice instead of a
  TCP/UDP VirtualService", decides each port's VS type): the first port's is named after the
  app, the others `<name>-<containerPort>` (how the real ones are named is undocumented);
- a Marathon app id is a path (`/group/app`) and object names cannot hold `/`: the path's
  segments are joined with `-` (`/group/app` → `group-app`);
- which port the VS listens on (swagger/Cloud.json, doc/cloud.html @ SDK 16.2): a north-south
  (`FE-Proxy`) VS uses the container port when the cloud's
  `feproxy_container_port_as_service` is true (its default), else the service port; an
  east-west VS uses the Marathon service port; an `avi_proxy` label's
  `virtualservice.services` overrides both;
- labels steer it: `FE-Proxy: yes` asks for a north-south VIP, `FE-Proxy-VIP` pins one,
  `avi_proxy` (JSON) overrides fields of the `virtualservice`, `pool` and `tenant`; the
  Marathon configuration's `tenant`, when set, wins over the label's (Cloud.json: "regardless
  of, if any, tenant configuration in marathon label");
- VS names for apps in groups and for clouds with `vs_name_tag_framework` are undocumented:
  this stand-in deliberately uses a form nobody would guess (`cart.shop` for `/shop/cart`,
  `<framework_tag>.<name>` when tagged), so a client must find VSs through their pools.
"""

from __future__ import annotations

import json
import re
from typing import Any


def flat_name(app_id: str) -> str:
    """`/group/app` → `group-app`: an app id as an object name (pools are named after it)."""
    return app_id.strip().strip("/").replace("/", "-")


def vs_name(app_id: str, framework_tag: str | None = None) -> str:
    """The stand-in's VS name: `web` for `/web`; `cart.shop` for `/shop/cart`; `<tag>.<name>` when tagged."""
    segments = app_id.strip().strip("/").split("/")
    name = segments[0] if len(segments) == 1 else ".".join(reversed(segments))
    return f"{framework_tag}.{name}" if framework_tag else name


def pool_name(app_id: str, container_port: int) -> str:
    """The pool of the app's tasks on one container port: `<app>-pool-<containerPort>`."""
    return f"{flat_name(app_id)}-pool-{container_port}"


def app_ports(app: dict[str, Any]) -> list[tuple[int, int]]:
    """(container port, service port) pairs of an app, from any Marathon version's layout."""
    container = app.get("container") or {}
    mappings = container.get("portMappings") or (container.get("docker") or {}).get("portMappings")
    if mappings:
        return [(int(m.get("containerPort") or 0), int(m.get("servicePort") or 0)) for m in mappings]
    if app.get("portDefinitions"):
        return [(int(p.get("port") or 0), int(p.get("port") or 0)) for p in app["portDefinitions"]]
    return [(int(p), int(p)) for p in app.get("ports") or []]


def avi_proxy(labels: dict[str, Any]) -> dict[str, Any]:
    """The app's `avi_proxy` label as a dict ({} when absent or not JSON)."""
    raw = labels.get("avi_proxy")
    if not raw:
        return {}
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def host_ip(host: str) -> str:
    """A pool server's address from a task's host (an address, else the name itself)."""
    if re.match(r"^\d+\.\d+\.\d+\.\d+$", host):
        return host
    return "127.0.0.1" if host in ("localhost", "") else host
