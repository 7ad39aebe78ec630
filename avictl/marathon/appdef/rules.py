"""The rules of an app definition, from Marathon's AppDefinition schemas (0.9, 1.4, 1.5 and later).

Both Docker networking forms are accepted — 0.9–1.4 `container.docker.network` +
`container.docker.portMappings`, 1.5+ `networks[{mode}]` + `container.portMappings` — but not
both port-mapping lists at once. Problems are collected with their JSON path so the message
can give a line and a column.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from ...errors import UsageError
from .app_id import check_app_id
from .location import json_path, locate_path
from .types import is_int, is_num, type_name

# Properties of the AppDefinition schemas (0.9 ∪ 1.4 ∪ 1.5); the schemas forbid any other.
KNOWN_KEYS = frozenset({
    "acceptedResourceRoles", "args", "backoffFactor", "backoffSeconds", "cmd", "constraints", "container", "cpus",
    "dependencies", "disk", "env", "executor", "fetch", "gpus", "healthChecks", "id", "instances", "ipAddress",
    "killSelection", "labels", "maxLaunchDelaySeconds", "mem", "networks", "portDefinitions", "ports",
    "readinessChecks", "requirePorts", "residency", "secrets", "storeUrls", "taskKillGracePeriodSeconds",
    "unreachableStrategy", "upgradeStrategy", "uris", "user", "version", "versionInfo", "role", "tty",
    # Marathon 1.6+ / DC/OS 1.11+: command health check, resource limits, per-task network and shm
    "check", "resourceLimits", "networkBandwidth", "killPolicy", "sharedMemory", "executorResources",
})
# Fields Marathon adds to its replies: an exported app (`app show -o json`) can be posted again.
READ_ONLY_KEYS = frozenset({
    "tasksRunning", "tasksStaged", "tasksHealthy", "tasksUnhealthy", "deployments", "lastTaskFailure", "tasks",
    "taskStats", "readinessCheckResults", "versionInfo", "version",
})
NETWORK_MODES_DOCKER = ("BRIDGE", "HOST", "USER", "NONE")
NETWORK_MODES = ("host", "container/bridge", "container")
PROTOCOLS = ("tcp", "udp", "udp,tcp", "tcp,udp")
HEALTH_PROTOCOLS = ("HTTP", "HTTPS", "TCP", "COMMAND", "MESOS_HTTP", "MESOS_HTTPS", "MESOS_TCP")
CONTAINER_TYPES = ("DOCKER", "MESOS")
STRING_KEYS = frozenset({"id", "cmd", "user", "executor", "image", "network", "name", "path", "protocol", "mode",
                         "type", "value", "role", "ipAddress"})
STRING_MAP_PARENTS = frozenset({"env", "labels"})
MAX_INSTANCES = 2**31 - 1  # `instances` is an Int in Marathon


class _Problems:
    """Collects validation errors, each tied to a JSON path (for a line number)."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple[Any, ...], str]] = []

    def add(self, path: tuple[Any, ...], message: str) -> None:
        self.items.append((path, message))



def check_app_definition(defn: dict[str, Any], source_name: str = "-", text: str | None = None) -> None:
    """Raise UsageError listing what is wrong with an app definition (line numbers when `text` is given)."""
    problems = _Problems()
    _validate(defn, problems)
    if not problems.items:
        return
    lines = []
    for path, message in problems.items[:5]:
        where = json_path(path)
        if text is not None and path:
            line, col = locate_path(text, path)
            if line:
                where = f"line {line}, column {col}: {where}" if where else f"line {line}, column {col}"
        lines.append(f"{where}: {message}" if where else message)
    more = f" (and {len(problems.items) - 5} more)" if len(problems.items) > 5 else ""
    first = lines[0]
    rest = "; ".join(lines[1:])
    raise UsageError(f"{source_name}: {first}" + (f"; {rest}" if rest else "") + more,
                     "see the Marathon app definition reference; nothing was sent")



def _expect(p: _Problems, path: tuple[Any, ...], v: Any, kind: str, *, minimum: float | None = None,
            maximum: float | None = None) -> bool:
    ok = {"string": lambda x: isinstance(x, str), "integer": is_int, "number": is_num,
          "boolean": lambda x: isinstance(x, bool), "array": lambda x: isinstance(x, list),
          "object": lambda x: isinstance(x, dict)}[kind](v)
    if not ok:
        article = "an" if kind[0] in "aeiou" else "a"
        shown = json.dumps(v) if isinstance(v, (str, int, float)) and not isinstance(v, bool) else ""
        p.add(path, f"must be {article} {kind}, not {type_name(v)}" + (f" ({shown})" if shown and len(shown) < 40
                                                                         else ""))
        return False
    if minimum is not None and v < minimum:
        p.add(path, f"must be at least {minimum:g}, not {v}")
        return False
    if maximum is not None and v > maximum:
        p.add(path, f"must be at most {maximum:g}, not {v}")
        return False
    return True



def _validate(d: dict[str, Any], p: _Problems) -> None:
    for key in d:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1)
            p.add((key,), "unknown field" + (f" (did you mean {close[0]!r}?)" if close else ""))
    if "id" not in d:
        p.add((), "missing required field 'id'")
    else:
        problem = check_app_id(d["id"])
        if problem:
            p.add(("id",), problem)
    if not any(k in d and d[k] not in (None, "", []) for k in ("cmd", "args", "container")):
        p.add((), "one of 'cmd', 'args' or 'container' is required")
    if d.get("cmd") is not None and d.get("args") is not None:
        p.add(("args",), "'cmd' and 'args' cannot be used together")
    if "instances" in d:
        _expect(p, ("instances",), d["instances"], "integer", minimum=0, maximum=MAX_INSTANCES)
    for key in ("cpus", "mem", "disk", "gpus", "backoffSeconds", "backoffFactor", "maxLaunchDelaySeconds",
                "taskKillGracePeriodSeconds"):
        if key in d and d[key] is not None:
            _expect(p, (key,), d[key], "number", minimum=0)
    for key in ("cmd", "user", "executor"):
        if key in d and d[key] is not None:
            _expect(p, (key,), d[key], "string")
    if "requirePorts" in d:
        _expect(p, ("requirePorts",), d["requirePorts"], "boolean")
    for key in ("args", "uris", "storeUrls", "dependencies", "acceptedResourceRoles"):
        if d.get(key) is not None and _expect(p, (key,), d[key], "array"):
            for i, item in enumerate(d[key]):
                _expect(p, (key, i), item, "string")
    for key in ("env", "labels"):
        if d.get(key) is not None and _expect(p, (key,), d[key], "object"):
            for k, v in d[key].items():
                if key == "env" and isinstance(v, dict) and "secret" in v:
                    continue
                if not isinstance(v, str):
                    p.add((key, k), f"must be a string, not {type_name(v)} (quote it: \"{k}\": \"{v}\")"
                          if is_num(v) or isinstance(v, bool) else f"must be a string, not {type_name(v)}")
    if d.get("ports") is not None and _expect(p, ("ports",), d["ports"], "array"):
        for i, port in enumerate(d["ports"]):
            _expect(p, ("ports", i), port, "integer", minimum=0, maximum=65535)
    if d.get("portDefinitions") is not None and _expect(p, ("portDefinitions",), d["portDefinitions"], "array"):
        for i, pd in enumerate(d["portDefinitions"]):
            if _expect(p, ("portDefinitions", i), pd, "object"):
                if "port" in pd:
                    _expect(p, ("portDefinitions", i, "port"), pd["port"], "integer", minimum=0, maximum=65535)
                _check_protocol(p, ("portDefinitions", i), pd)
    if d.get("ports") and d.get("portDefinitions"):
        p.add(("portDefinitions",), "'ports' and 'portDefinitions' cannot be used together")
    if d.get("constraints") is not None and _expect(p, ("constraints",), d["constraints"], "array"):
        for i, c in enumerate(d["constraints"]):
            if not isinstance(c, list) or not 2 <= len(c) <= 3 or not all(isinstance(x, str) for x in c):
                p.add(("constraints", i), 'must be ["field", "OPERATOR"] or ["field", "OPERATOR", "value"] '
                      "(strings)")
    if d.get("healthChecks") is not None and _expect(p, ("healthChecks",), d["healthChecks"], "array"):
        for i, hc in enumerate(d["healthChecks"]):
            _check_health_check(p, ("healthChecks", i), hc)
    if d.get("upgradeStrategy") is not None and _expect(p, ("upgradeStrategy",), d["upgradeStrategy"], "object"):
        for key in ("minimumHealthCapacity", "maximumOverCapacity"):
            if key in d["upgradeStrategy"]:
                _expect(p, ("upgradeStrategy", key), d["upgradeStrategy"][key], "number", minimum=0, maximum=1)
    if d.get("fetch") is not None and _expect(p, ("fetch",), d["fetch"], "array"):
        for i, f in enumerate(d["fetch"]):
            if _expect(p, ("fetch", i), f, "object") and not isinstance(f.get("uri"), str):
                p.add(("fetch", i, "uri"), "must be a string")
    if d.get("networks") is not None and _expect(p, ("networks",), d["networks"], "array"):
        for i, n in enumerate(d["networks"]):
            if _expect(p, ("networks", i), n, "object"):
                mode = n.get("mode", "container")
                if mode not in NETWORK_MODES:
                    p.add(("networks", i, "mode"), f"must be one of {', '.join(NETWORK_MODES)}, not {mode!r}")
                if "name" in n:
                    _expect(p, ("networks", i, "name"), n["name"], "string")
    if d.get("container") is not None:
        _check_container(p, d["container"])


def _check_protocol(p: _Problems, path: tuple[Any, ...], obj: dict[str, Any]) -> None:
    if "protocol" in obj and obj["protocol"] not in PROTOCOLS:
        p.add(path + ("protocol",), f"must be one of {', '.join(PROTOCOLS)}, not {obj['protocol']!r}")


def _check_health_check(p: _Problems, path: tuple[Any, ...], hc: Any) -> None:
    if not _expect(p, path, hc, "object"):
        return
    proto = hc.get("protocol", "HTTP")
    if proto not in HEALTH_PROTOCOLS:
        p.add(path + ("protocol",), f"must be one of {', '.join(HEALTH_PROTOCOLS)}, not {proto!r}")
    for key in ("gracePeriodSeconds", "intervalSeconds", "timeoutSeconds", "maxConsecutiveFailures", "portIndex",
                "port"):
        if key in hc and hc[key] is not None:
            _expect(p, path + (key,), hc[key], "integer", minimum=0)
    if "path" in hc and hc["path"] is not None:
        _expect(p, path + ("path",), hc["path"], "string")


def _check_port_mappings(p: _Problems, path: tuple[Any, ...], pms: Any) -> None:
    if pms is None or not _expect(p, path, pms, "array"):
        return
    for i, pm in enumerate(pms):
        if not _expect(p, path + (i,), pm, "object"):
            continue
        for key in ("containerPort", "hostPort", "servicePort"):
            if key in pm and pm[key] is not None:
                _expect(p, path + (i, key), pm[key], "integer", minimum=0, maximum=65535)
        _check_protocol(p, path + (i,), pm)
        if "name" in pm:
            _expect(p, path + (i, "name"), pm["name"], "string")


def _check_container(p: _Problems, c: Any) -> None:
    if not _expect(p, ("container",), c, "object"):
        return
    ctype = c.get("type", "DOCKER")
    if ctype not in CONTAINER_TYPES:
        p.add(("container", "type"), f"must be one of {', '.join(CONTAINER_TYPES)}, not {ctype!r}")
    docker = c.get("docker")
    if docker is not None and _expect(p, ("container", "docker"), docker, "object"):
        if ctype == "DOCKER" and not isinstance(docker.get("image"), str):
            p.add(("container", "docker", "image") if "image" in docker else ("container", "docker"),
                  "a Docker container needs 'image' (a string)")
        elif isinstance(docker.get("image"), str) and not docker["image"].strip():
            p.add(("container", "docker", "image"), "must not be empty")
        net = docker.get("network")
        if net is not None and net not in NETWORK_MODES_DOCKER:
            p.add(("container", "docker", "network"),
                  f"must be one of {', '.join(NETWORK_MODES_DOCKER)}, not {net!r}")
        for key in ("privileged", "forcePullImage"):
            if key in docker:
                _expect(p, ("container", "docker", key), docker[key], "boolean")
        _check_port_mappings(p, ("container", "docker", "portMappings"), docker.get("portMappings"))
        if docker.get("portMappings") and c.get("portMappings"):
            p.add(("container", "portMappings"), "use either container.docker.portMappings (Marathon ≤1.4) "
                  "or container.portMappings (1.5+), not both")
    elif docker is None and ctype == "DOCKER":
        p.add(("container",), "a DOCKER container needs 'docker': {\"image\": ...}")
    _check_port_mappings(p, ("container", "portMappings"), c.get("portMappings"))
    if c.get("volumes") is not None and _expect(p, ("container", "volumes"), c["volumes"], "array"):
        for i, v in enumerate(c["volumes"]):
            if _expect(p, ("container", "volumes", i), v, "object") and not isinstance(v.get("containerPath"), str):
                p.add(("container", "volumes", i, "containerPath"), "must be a string")

