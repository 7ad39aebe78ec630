"""Comparing a definition with the app Marathon runs: what `app apply` and `deploy` would change."""

from __future__ import annotations

import copy
from typing import Any

from .rules import READ_ONLY_KEYS
from .types import is_int, is_num

_NET_FROM_DOCKER = {"BRIDGE": "container/bridge", "HOST": "host", "USER": "container"}
# Fields where the definition's 0 means "let Marathon pick": any assigned value satisfies it.
_ASSIGNED = frozenset({"servicePort", "hostPort", "port"})
_DEFAULTS = {"protocol": "tcp", "labels": {}, "volumes": [], "type": "DOCKER"}


def definition_of(app: dict[str, Any]) -> dict[str, Any]:
    """An app as Marathon reports it, minus what Marathon adds (tasks, counts, versions): postable."""
    return {k: copy.deepcopy(v) for k, v in app.items() if k not in READ_ONLY_KEYS}


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
    if is_num(a) and is_num(b):
        return float(a) == float(b)
    return a == b


def _diff_value(path: str, want: Any, have: Any, out: list[dict[str, Any]]) -> None:
    leaf = path.rsplit(".", 1)[-1].split("[")[0]
    if leaf in _ASSIGNED and want == 0 and is_int(have):
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
