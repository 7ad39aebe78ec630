"""Marathon app definitions (the seed's Docker.json): local validation, `--set` overrides, ports.

Validation runs before any request so a bad file costs nothing and says where it is wrong
(line and column). The rules follow the AppDefinition schemas of Marathon 0.9, 1.4 and 1.5
(tests/fixtures/marathon/*/AppDefinition.schema.json): both Docker networking forms are
accepted — 0.9–1.4 `container.docker.network` + `container.docker.portMappings`, 1.5+
`networks[{mode}]` + `container.portMappings` — but not both port-mapping lists at once.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from typing import Any

from ..errors import UsageError

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
ID_SEGMENT = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
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


# -- loading ------------------------------------------------------------------------------


def load_app_definition(text_or_bytes: str | bytes, source_name: str = "-") -> dict[str, Any]:
    """Parse and validate one app definition; UsageError (exit 2) saying where it is wrong."""
    text = _decode(text_or_bytes, source_name)
    if not text.strip():
        raise UsageError(f"{source_name}: empty input, expected a Marathon app definition (a JSON object)")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source_name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         "fix the JSON syntax there (a trailing comma or a missing quote is the usual cause)") from None
    except _DuplicateKey as exc:
        line, col = _locate_key(text, exc.key, last=True)
        raise UsageError(f"{source_name}: line {line}, column {col}: duplicate key {exc.key!r}",
                         "a key may appear only once in a JSON object") from None
    except _BadConstant as exc:
        raise UsageError(f"{source_name}: invalid JSON: {exc.name} is not a JSON number") from None
    except RecursionError:
        raise UsageError(f"{source_name}: JSON nested too deeply to be an app definition") from None
    if isinstance(data, list) or (isinstance(data, dict) and "apps" in data and "id" in data and "cmd" not in data):
        raise UsageError(f"{source_name}: expected one app definition (a JSON object), got "
                         f"{'a list' if isinstance(data, list) else 'a group'}",
                         "post each app separately")
    if not isinstance(data, dict):
        raise UsageError(f"{source_name}: expected one app definition (a JSON object), got {_type_name(data)}")
    data = {k: v for k, v in data.items() if k not in READ_ONLY_KEYS}
    check_app_definition(data, source_name, text)
    return data


def check_app_definition(defn: dict[str, Any], source_name: str = "-", text: str | None = None) -> None:
    """Raise UsageError listing what is wrong with an app definition (line numbers when `text` is given)."""
    problems = _Problems()
    _validate(defn, problems)
    if not problems.items:
        return
    lines = []
    for path, message in problems.items[:5]:
        where = _json_path(path)
        if text is not None and path:
            line, col = _locate_path(text, path)
            if line:
                where = f"line {line}, column {col}: {where}" if where else f"line {line}, column {col}"
        lines.append(f"{where}: {message}" if where else message)
    more = f" (and {len(problems.items) - 5} more)" if len(problems.items) > 5 else ""
    first = lines[0]
    rest = "; ".join(lines[1:])
    raise UsageError(f"{source_name}: {first}" + (f"; {rest}" if rest else "") + more,
                     "see the Marathon app definition reference; nothing was sent")


def _decode(data: str | bytes, source_name: str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(f"{source_name}: not UTF-8 text (line {line}, byte {exc.start})",
                         "save the file as UTF-8") from None


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


class _BadConstant(Exception):
    def __init__(self, name: str):
        self.name = name


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _no_constants(name: str) -> Any:
    raise _BadConstant(name)


# -- rules --------------------------------------------------------------------------------


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    return "an object"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) or (isinstance(v, float) and v.is_integer())


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _expect(p: _Problems, path: tuple[Any, ...], v: Any, kind: str, *, minimum: float | None = None,
            maximum: float | None = None) -> bool:
    ok = {"string": lambda x: isinstance(x, str), "integer": _is_int, "number": _is_num,
          "boolean": lambda x: isinstance(x, bool), "array": lambda x: isinstance(x, list),
          "object": lambda x: isinstance(x, dict)}[kind](v)
    if not ok:
        article = "an" if kind[0] in "aeiou" else "a"
        shown = json.dumps(v) if isinstance(v, (str, int, float)) and not isinstance(v, bool) else ""
        p.add(path, f"must be {article} {kind}, not {_type_name(v)}" + (f" ({shown})" if shown and len(shown) < 40
                                                                         else ""))
        return False
    if minimum is not None and v < minimum:
        p.add(path, f"must be at least {minimum:g}, not {v}")
        return False
    if maximum is not None and v > maximum:
        p.add(path, f"must be at most {maximum:g}, not {v}")
        return False
    return True


def check_app_id(app_id: Any) -> str | None:
    """Why `app_id` is not a valid Marathon app id, or None when it is."""
    if not isinstance(app_id, str):
        return f"must be a string, not {_type_name(app_id)}"
    if not app_id or app_id == "/":
        return "must not be empty"
    body = app_id[1:] if app_id.startswith("/") else app_id
    for seg in body.split("/"):
        if seg == "":
            return f"{app_id!r}: empty path segment (double or trailing '/')"
        if seg in (".", ".."):
            return f"{app_id!r}: relative segment {seg!r} is not allowed in an app id"
        if not ID_SEGMENT.match(seg):
            if seg.lower() != seg and ID_SEGMENT.match(seg.lower()):
                return f"{app_id!r}: upper-case letters are not allowed (use {app_id.lower()!r})"
            return (f"{app_id!r}: segment {seg!r} may only contain lowercase letters, digits, '-' and '.', "
                    "and must not start or end with '-'")
    return None


def normalize_app_id(app_id: str) -> str:
    """The absolute form Marathon uses in replies ('/web' for 'web'); validated."""
    problem = check_app_id(app_id)
    if problem:
        raise UsageError(f"invalid app id: {problem}")
    return app_id if app_id.startswith("/") else "/" + app_id


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
                    p.add((key, k), f"must be a string, not {_type_name(v)} (quote it: \"{k}\": \"{v}\")"
                          if _is_num(v) or isinstance(v, bool) else f"must be a string, not {_type_name(v)}")
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


# -- where in the text --------------------------------------------------------------------


def _json_path(path: tuple[Any, ...]) -> str:
    """container.docker.portMappings[0]; a key that is not a plain name is quoted (["a b"])."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part))}]"
    return out


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _locate_key(text: str, key: str, *, last: bool = False) -> tuple[int, int]:
    matches = list(re.compile(r'"' + re.escape(key) + r'"\s*:').finditer(text))
    if not matches:
        return (0, 0)
    return _line_col(text, (matches[-1] if last else matches[0]).start())


def _locate_path(text: str, path: tuple[Any, ...]) -> tuple[int, int]:
    """Approximate line/column of a JSON path: each key searched after its parent's position."""
    pos = 0
    found = 0
    for part in path:
        if isinstance(part, int):
            continue
        m = re.compile(r'"' + re.escape(str(part)) + r'"\s*:').search(text, pos)
        if not m:
            break
        pos = m.start()
        found = m.start() + 1
    return _line_col(text, found - 1) if found else (0, 0)


# -- overrides ----------------------------------------------------------------------------


def _parse_key(key: str) -> list[str | int]:
    parts: list[str | int] = []
    for raw in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if raw.startswith("["):
            parts.append(int(raw[1:-1]))
        elif raw.isdigit() and parts:
            parts.append(int(raw))
        else:
            parts.append(raw)
    return parts


def _typed_value(raw: str, leaf: str | int, parent_key: str | int | None, current: Any) -> Any:
    if isinstance(current, str) or leaf in STRING_KEYS or parent_key in STRING_MAP_PARENTS:
        return raw
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except (ValueError, _BadConstant):
        return raw


def apply_overrides(defn: dict[str, Any], overrides: list[str] | tuple[str, ...] | None,
                    source_name: str = "--set") -> dict[str, Any]:
    """A copy of `defn` with `key=value` overrides applied (dotted keys, `[i]` indexes, typed values)."""
    if not overrides:
        return defn
    out = copy.deepcopy(defn)
    for item in overrides:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected KEY=VALUE", "e.g. --set instances=3 --set id=/web")
        key, raw = item.split("=", 1)
        parts = _parse_key(key.strip())
        if not parts or not isinstance(parts[0], str):
            raise UsageError(f"--set {item!r}: empty or invalid key", "e.g. --set container.docker.image=nginx:1.25")
        node: Any = out
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    raise UsageError(f"--set {item!r}: index [{part}] out of range")
                node = node[part]
                continue
            if not isinstance(node, dict):
                raise UsageError(f"--set {item!r}: {_json_path(tuple(parts[:i]))} is not an object")
            if node.get(part) is None:
                if isinstance(nxt, int):
                    raise UsageError(f"--set {item!r}: {_json_path(tuple(parts[:i + 1]))} has no element [{nxt}]")
                node[part] = {}
            node = node[part]
        leaf = parts[-1]
        parent = parts[-2] if len(parts) > 1 else None
        if isinstance(leaf, int):
            if not isinstance(node, list) or leaf >= len(node):
                raise UsageError(f"--set {item!r}: index [{leaf}] out of range")
            node[leaf] = _typed_value(raw, leaf, parent, node[leaf])
        else:
            if not isinstance(node, dict):
                raise UsageError(f"--set {item!r}: {_json_path(tuple(parts[:-1]))} is not an object")
            node[leaf] = _typed_value(raw, leaf, parent, node.get(leaf))
    check_app_definition(out, source_name)
    return out


# -- reading ports ------------------------------------------------------------------------


def port_mappings(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The app's Docker port mappings in either form (1.5+ `container.portMappings` first)."""
    c = app.get("container") or {}
    pms = c.get("portMappings")
    if not pms:
        pms = (c.get("docker") or {}).get("portMappings")
    return list(pms or [])


def network_mode(app: dict[str, Any]) -> str:
    """'BRIDGE', 'HOST', 'USER' or 'NONE' whichever form the app uses (Marathon's 1.5 names mapped back)."""
    nets = app.get("networks")
    if nets:
        mode = (nets[0] or {}).get("mode", "container")
        return {"host": "HOST", "container/bridge": "BRIDGE", "container": "USER"}.get(mode, mode.upper())
    docker = (app.get("container") or {}).get("docker") or {}
    return docker.get("network") or "HOST"


def container_ports(defn: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per port: containerPort (None without a container), servicePort, hostPort, protocol, name."""
    rows = []
    pms = port_mappings(defn)
    if pms:
        for pm in pms:
            rows.append({"containerPort": pm.get("containerPort"), "hostPort": pm.get("hostPort"),
                         "servicePort": pm.get("servicePort"), "protocol": pm.get("protocol", "tcp"),
                         "name": pm.get("name")})
        return rows
    pds = defn.get("portDefinitions")
    if pds:
        return [{"containerPort": None, "hostPort": None, "servicePort": pd.get("port"),
                 "protocol": pd.get("protocol", "tcp"), "name": pd.get("name")} for pd in pds]
    return [{"containerPort": None, "hostPort": None, "servicePort": port, "protocol": "tcp", "name": None}
            for port in defn.get("ports") or []]


def service_ports(app: dict[str, Any]) -> list[int]:
    """The service ports Marathon assigned (0 until it has, e.g. in a 201 reply)."""
    ports = [r["servicePort"] for r in container_ports(app) if r["servicePort"] is not None]
    if not ports and app.get("ports"):
        ports = list(app["ports"])
    return [int(p) for p in ports]


# -- comparing a definition with what Marathon runs (app apply) ----------------------------

_NET_FROM_DOCKER = {"BRIDGE": "container/bridge", "HOST": "host", "USER": "container"}
# Fields where the definition's 0 means "let Marathon pick": any assigned value satisfies it.
_ASSIGNED = frozenset({"servicePort", "hostPort", "port"})
_DEFAULTS = {"protocol": "tcp", "labels": {}, "volumes": [], "type": "DOCKER"}


def canonical(defn: dict[str, Any]) -> dict[str, Any]:
    """One form for both networking styles and both id spellings, so equal apps compare equal."""
    d = copy.deepcopy(defn)
    if isinstance(d.get("id"), str) and not d["id"].startswith("/"):
        d["id"] = "/" + d["id"]
    c = d.get("container")
    if isinstance(c, dict):
        docker = c.get("docker") if isinstance(c.get("docker"), dict) else {}
        if docker.get("portMappings") and not c.get("portMappings"):
            c["portMappings"] = docker.pop("portMappings")
        docker.pop("portMappings", None)
        net = docker.pop("network", None)
        if net and not d.get("networks"):
            d["networks"] = [{"mode": _NET_FROM_DOCKER.get(net, net.lower())}]
    return d


def diff_app(desired: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields of `desired` that differ from the running app: [{"field", "current", "desired"}].

    Only the fields the definition sets are compared (Marathon keeps the others on PUT);
    defaults Marathon fills in (protocol tcp, empty labels) and assigned ports (0 in the
    file) are not differences.
    """
    want, have = canonical(desired), canonical(current)
    out: list[dict[str, Any]] = []
    for key in sorted(want):
        if key in READ_ONLY_KEYS:
            continue
        if key == "networks" and "networks" not in have:
            continue  # Marathon < 1.5 has no networks field; its docker.network was compared via canonical()
        _diff_value(key, want[key], have.get(key), out)
    return out


def _same_scalar(a: Any, b: Any) -> bool:
    if _is_num(a) and _is_num(b):
        return float(a) == float(b)
    return a == b


def _diff_value(path: str, want: Any, have: Any, out: list[dict[str, Any]]) -> None:
    leaf = path.rsplit(".", 1)[-1].split("[")[0]
    if leaf in _ASSIGNED and want == 0 and _is_int(have):
        return
    if isinstance(want, dict) and isinstance(have, dict):
        for k in sorted(set(want) | set(have)):
            if k not in want:
                continue
            if k not in have and (want[k] in (None, {}, [], "") or _DEFAULTS.get(k) == want[k]):
                continue
            _diff_value(f"{path}.{k}", want[k], have.get(k), out)
        return
    if isinstance(want, list) and isinstance(have, list) and len(want) == len(have):
        for i, (w, h) in enumerate(zip(want, have)):
            _diff_value(f"{path}[{i}]", w, h, out)
        return
    if want in (None, {}, []) and have in (None, {}, []):
        return
    if not _same_scalar(want, have):
        out.append({"field": path, "current": have, "desired": want})
