"""How `status` words its checks: the DETAIL of each row and a HINT (a command) for each failure.

ops/checks.py returns what each check found; only this module turns it into text.
"""

from __future__ import annotations

import re
from typing import Any

from .elb import listener_text, rule_text


def _host(url: str) -> str:
    return re.sub(r"^https?://", "", url)


def detail(r: Any) -> str:
    """The DETAIL cell of one check result."""
    if r.skipped:
        return f"not checked: {r.data.get('needed')} failed"
    if r.detail:  # an error's own message
        return r.detail
    d = r.data
    words = _WORDS.get(r.check)
    return words(r, d) if words else ("ok" if r.ok else "failed")


def _marathon(r: Any, d: dict[str, Any]) -> str:
    if r.problem == "no_leader":
        return f"Marathon {d.get('version') or '?'} has no leader"
    return f"Marathon {d.get('version') or '?'}, leader {d.get('leader')}"


def _mesos(r: Any, d: dict[str, Any]) -> str:
    st = d["state"]
    via = f" (via standby {_host(st.redirected_from)})" if st.redirected_from else ""
    return (f"Mesos {st.version or '?'}, leader {_host(st.url)}{via}, "
            f"{len(st.active_agents)}/{len(st.agents)} agents active")


def _controller(r: Any, d: dict[str, Any]) -> str:
    who = f"logged in as {d['username']}" if d.get("username") else "logged in with a user token"
    return f"Avi {d.get('version') or '?'}, {who}" + (" (factory default password)" if d.get("default_password")
                                                       else "")


def _cloud(r: Any, d: dict[str, Any]) -> str:
    if r.problem == "no_cloud":
        return "the controller has no Mesos cloud"
    c = d["cloud"]
    return f"{c['name']}: {c['state']}" + (f" ({c['reason']})" if c.get("reason") else "")


def _ses(r: Any, d: dict[str, Any]) -> str:
    if "nodes" not in d:
        ses, down = d["ses"], d["down"]
        return f"{len(ses) - len(down)}/{len(ses)} Service Engines up" + (
            ": " + ", ".join(f"{s['name']} {s['state']}" for s in down) if down else "")
    active = [n for n in d["nodes"] if n["active"]]
    missing = d["missing"]
    text = f"{len(active) - len(missing)}/{len(active)} active nodes have a Service Engine up"
    if missing:
        text += ": " + ", ".join(f"{n['hostname']} ({n['se_state'] or 'no SE'})" for n in missing)
    return text


def _aws(r: Any, d: dict[str, Any]) -> str:
    if r.problem == "no_region":
        return f"credentials of {d['arn']}, but no region"
    return f"{d['arn']} in {d['region']}"


def _elb(r: Any, d: dict[str, Any]) -> str:
    lb = d["lb"]
    listeners = ", ".join(listener_text(ls) for ls in lb["listeners"]) or "no listeners"
    return f"{lb['name']} ({lb['type']}): {listeners}; {lb.get('total') or 0} instances"


def _tasks(r: Any, d: dict[str, Any]) -> str:
    text = f"{d['running']}/{d['wanted']} running"
    if d.get("healthy") is not None:
        text += f", {d['healthy']}/{d['wanted']} healthy"
    if d.get("deployment"):
        text += f"; deployment {d['deployment']} in progress"
    if not r.ok and d.get("failure"):
        text += f"; last failure: {d['failure']}"
    return text


def _vs(r: Any, d: dict[str, Any]) -> str:
    return (f"{d['vs']['name']} {d['vs']['state']} on port {d['port']}, "
            f"{d['up']}/{len(d['members'])} members up")


def _listener(r: Any, d: dict[str, Any]) -> str:
    if r.problem == "no_listener":
        have = ", ".join(listener_text(ls) for ls in d["listeners"]) or "none"
        return f"{d['lb']} has no listener on port {d['listener_port']} (listeners: {have})"
    if r.problem == "drift":
        return (f"ELB :{d['listener']['port']} forwards to {d['target']} but {d['app']}'s VS now listens on "
                f"{d['port']}")
    return f"{listener_text({**d['listener'], 'instance_port': d['target']})} = {d['vs_name']}'s service port"


def _health(r: Any, d: dict[str, Any]) -> str:
    target = (d.get("health_check") or {}).get("target") or "none"
    if not r.ok:
        return f"health check {target} does not check the VS port {d['port']}"
    return target if "traffic-port" not in target else f"{target} (the traffic port, {d['port']})"


def _sg(r: Any, d: dict[str, Any]) -> str:
    if d["missing"]:
        return "; ".join(f"missing {rule_text(rule)}" for rule in d["missing"])
    if any(n.kind == "no_security_group" for n in d["notices"]):
        return f"{d['lb']} has no security group: make sure the instances admit the clients on port {d['port']}"
    if any(n.kind == "no_instances" for n in d["notices"]):
        return f"{d['lb']} has no registered instances to check"
    return f"the instances admit {d['lb']} on port {d['port']}"


def _instances(r: Any, d: dict[str, Any]) -> str:
    text = f"{d['in_service']}/{d['total']} instances in service"
    if d["bad"]:
        text += "; " + ", ".join(f"{i['id']} {i.get('state')}" + (f" ({i['description']})" if i.get("description")
                                                                  else "") for i in d["bad"][:3])
    return text


def _probe(r: Any, d: dict[str, Any]) -> str:
    if r.problem == "no_url":
        return "no URL reaches the load balancer from here (set elb_url)"
    return f"GET {d['url']} → {d['probe'].text}"


_WORDS = {"marathon": _marathon, "mesos master": _mesos, "controller": _controller, "mesos cloud": _cloud,
          "service engines": _ses, "aws": _aws, "load balancer": _elb, "app tasks": _tasks,
          "app virtual service": _vs, "elb listener": _listener, "elb health check": _health,
          "security group": _sg, "elb instances": _instances, "elb probe": _probe}


def hint(r: Any, app: str | None, elb: str | None) -> str | None:
    """A command for a failing row (the error's own hint when we have nothing better)."""
    if r.ok or r.skipped:
        return None
    elb = elb or "NAME"
    app = app or "APP"
    table = {
        ("marathon", "unreachable"): "avictl config set marathon http://HOST:8080",
        ("marathon", "auth"): "export DCOS_ACS_TOKEN=$(dcos config show core.dcos_acs_token)",
        ("marathon", "no_leader"): "avictl -v app list",
        ("mesos master", "unreachable"): "avictl config set mesos http://HOST:5050",
        ("mesos master", "auth"): "export DCOS_ACS_TOKEN=$(dcos config show core.dcos_acs_token)",
        ("mesos master", "error"): "avictl -v node list",
        ("mesos master", "no_agents"): "avictl node list",
        ("controller", "auth"): "avictl login",
        ("controller", "unreachable"): "avictl config set controller https://HOST",
        ("mesos cloud", "cloud_not_ready"): f"avictl cloud status {(r.data.get('cloud') or {}).get('name', '')}".strip(),
        ("mesos cloud", "no_cloud"): "avictl cloud list",
        ("service engines", "se_down"): "avictl node list --check" if "nodes" in r.data else "avictl se list",
        ("aws", "auth"): "aws sts get-caller-identity",
        ("aws", "no_region"): "avictl config set aws_region us-east-1",
        ("load balancer", "not_found"): "avictl elb list",
        ("app tasks", "tasks"): f"avictl app show {app}",
        ("app tasks", "not_found"): "avictl app list",
        ("app virtual service", "vs_down"): f"avictl vs show {app}",
        ("app virtual service", "not_found"): "avictl cloud status",
        ("elb listener", "drift"): f"avictl elb retarget {elb} --app {app}",
        ("elb listener", "no_listener"): f"avictl elb show {elb}",
        ("elb health check", "drift"): f"avictl elb retarget {elb} --app {app}",
        ("security group", "sg"): f"avictl elb retarget {elb} --app {app} --fix-security-group",
        ("elb instances", "out_of_service"): f"avictl elb health {elb}",
        ("elb probe", "probe"): f"curl -v {r.data.get('url', '')}".strip(),
        ("elb probe", "unreachable"): f"avictl elb url {elb}",
        ("elb probe", "no_url"): "avictl config set elb_url http://HOST/",
    }
    return table.get((r.check, r.problem)) or r.hint


def row(r: Any, app: str | None, elb: str | None) -> dict[str, Any]:
    """The JSON form of one row: {check, ok, detail, hint, seconds}."""
    return {"check": r.check, "ok": r.ok, "detail": detail(r), "hint": hint(r, app, elb),
            "seconds": round(r.seconds, 3)}
