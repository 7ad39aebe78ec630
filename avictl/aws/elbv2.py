"""ELBv2 (ALB/NLB, service `elbv2`, API 2015-12-01): every call avictl makes, with its wire shapes.

Reads return avictl's one load-balancer shape (see `view`, shared with classic ELBs); writes
take plain values and build the request here. Each write function has an `api` attribute
naming the AWS operation, which the retarget's printed plan and its journal show.

Facts from botocore's elbv2 model (botocore/data/elbv2/2015-12-01/service-2.json):
- a target group's Port and Protocol cannot be changed; ModifyTargetGroup changes only the
  health check (HealthCheckPort may be `traffic-port`);
- RegisterTargets / DeregisterTargets take a per-target Port: one instance may be registered
  several times in one group on different ports;
- TargetHealth.State is initial | healthy | unhealthy | unused | draining | unavailable
  (and unhealthy.draining); Reason `Target.NotInUse` marks a group no listener or rule uses —
  such a group is not health-checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import NotFound
from .session import AwsSession


def _api(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.api = f"elbv2:{name}"  # type: ignore[attr-defined]
        return fn
    return mark


# -- reads --------------------------------------------------------------------------------------


def describe(aws: AwsSession, name: str) -> dict[str, Any] | None:
    """DescribeLoadBalancers' load balancer `name`, or None."""
    from ..errors import UsageError

    try:
        lbs = aws.call("elbv2", "describe_load_balancers", Names=[name])["LoadBalancers"]
    except (NotFound, UsageError):  # v2 rejects names that break its rules with ValidationError
        return None
    return lbs[0] if lbs else None


def describe_all(aws: AwsSession) -> Iterator[dict[str, Any]]:
    yield from aws.paginate("elbv2", "describe_load_balancers", "LoadBalancers")


def target_health(aws: AwsSession, target_group_arn: str) -> list[dict[str, Any]]:
    """Targets of one group as {id, port, state, reason, description}."""
    descs = aws.call("elbv2", "describe_target_health",
                     TargetGroupArn=target_group_arn).get("TargetHealthDescriptions", [])
    out = []
    for d in descs:
        th = d.get("TargetHealth", {})
        out.append({"id": d["Target"]["Id"], "port": d["Target"].get("Port"), "state": th.get("State", "unknown"),
                    "reason": th.get("Reason"), "description": th.get("Description")})
    return out


def find_target_group(aws: AwsSession, name: str) -> dict[str, Any] | None:
    """DescribeTargetGroups' group called `name` (AWS's shape), or None."""
    try:
        groups = aws.call("elbv2", "describe_target_groups", Names=[name])["TargetGroups"]
    except NotFound:
        return None
    return groups[0] if groups else None


def view(aws: AwsSession, lb: dict[str, Any], health: bool) -> dict[str, Any]:
    """avictl's shape of one ALB/NLB.

    A listener's instance port is the port its forward group's registered targets listen on
    (one instance may be registered on several ports, so a target group's own Port is only
    the default of RegisterTargets): `instance_ports` lists them, `instance_port` is the one
    port when they agree (the group's Port when nothing is registered). Targets of the groups
    a listener forwards to are always read; those of other groups only with `health`.
    """
    arn = lb["LoadBalancerArn"]
    groups = {tg["TargetGroupArn"]: tg for tg in
              aws.call("elbv2", "describe_target_groups", LoadBalancerArn=arn).get("TargetGroups", [])}
    raw = aws.call("elbv2", "describe_listeners", LoadBalancerArn=arn).get("Listeners", [])
    for lst in raw:
        for tg_arn in forward_target_groups(lst.get("DefaultActions", [])):
            if tg_arn not in groups:  # attached through a rule only, or just created
                groups.update({tg["TargetGroupArn"]: tg for tg in aws.call(
                    "elbv2", "describe_target_groups", TargetGroupArns=[tg_arn]).get("TargetGroups", [])})
    serving = {a for lst in raw for a in forward_target_groups(lst.get("DefaultActions", []))} or set(groups)
    targets = {a: target_health(aws, a) if (health or a in serving) else [] for a in groups}
    listeners = []
    for lst in raw:
        tg_arns = forward_target_groups(lst.get("DefaultActions", []))
        first = groups.get(tg_arns[0]) if tg_arns else None
        ports = registered_ports(targets.get(tg_arns[0], [])) if first else []
        listeners.append({
            "port": lst["Port"], "protocol": lst["Protocol"], "arn": lst["ListenerArn"],
            "instance_port": (ports[0] if len(ports) == 1 else None) if ports else (first or {}).get("Port"),
            "instance_ports": ports, "instance_protocol": first["Protocol"] if first else None,
            "ssl_certificate_id": (lst.get("Certificates") or [{}])[0].get("CertificateArn"),
            "target_group_arns": tg_arns, "default_actions": lst.get("DefaultActions", []),
        })
    target_groups = []
    instances: list[dict[str, Any]] = []
    # Count the targets of the groups a listener forwards to; another group serves no traffic.
    for tg in groups.values():
        in_use = tg["TargetGroupArn"] in serving
        tg_targets = targets[tg["TargetGroupArn"]]
        for t in tg_targets:
            t["target_group"] = tg["TargetGroupName"]
        if in_use:
            instances.extend(tg_targets)
        ports = registered_ports(tg_targets)
        target_groups.append({
            "name": tg["TargetGroupName"], "arn": tg["TargetGroupArn"], "port": tg.get("Port"),
            "protocol": tg.get("Protocol"), "vpc_id": tg.get("VpcId"), "target_type": tg.get("TargetType"),
            "health_check": health_check_view(tg, ports[0] if len(ports) == 1 else None),
            "targets": tg_targets, "in_use": in_use,
        })
    first_tg = next((t for t in target_groups if listeners and t["arn"] in listeners[0]["target_group_arns"]),
                    target_groups[0] if target_groups else None)
    in_service = sum(1 for i in instances if i.get("state") == "healthy")
    return {
        "name": lb["LoadBalancerName"], "type": lb.get("Type", "application"), "dns_name": lb.get("DNSName"),
        "scheme": lb.get("Scheme"), "vpc_id": lb.get("VpcId"), "arn": arn,
        "security_groups": lb.get("SecurityGroups", []), "source_security_group": None,
        "subnets": [az.get("SubnetId") for az in lb.get("AvailabilityZones", [])],
        "availability_zones": [az.get("ZoneName") for az in lb.get("AvailabilityZones", [])],
        "listeners": listeners,
        "health_check": first_tg["health_check"] if first_tg else None,
        "instances": instances, "in_service": in_service if health else None, "total": len(registered(instances)),
        "target_groups": target_groups,
    }


def registered(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The targets that take traffic or will: not draining, not deregistered."""
    return [t for t in targets if t.get("state") not in ("draining", "unhealthy.draining")
            and t.get("reason") != "Target.NotRegistered"]


def registered_ports(targets: list[dict[str, Any]]) -> list[int]:
    return sorted({int(t["port"]) for t in registered(targets) if t.get("port") is not None})


def forward_target_groups(actions: list[dict[str, Any]]) -> list[str]:
    """Target group ARNs a listener's default actions forward to."""
    arns: list[str] = []
    for action in actions:
        if action.get("Type") != "forward":
            continue
        if action.get("TargetGroupArn"):
            arns.append(action["TargetGroupArn"])
        for tg in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
            if tg.get("TargetGroupArn") and tg["TargetGroupArn"] not in arns:
                arns.append(tg["TargetGroupArn"])
    return arns


def health_check_view(tg: dict[str, Any], traffic_port: int | None = None) -> dict[str, Any]:
    """A target group's health check in avictl's shape (target `PROTOCOL:PORT[/PATH]`); with
    `traffic-port` the port is the targets' (`traffic_port`, else the group's Port)."""
    protocol = tg.get("HealthCheckProtocol") or tg.get("Protocol") or "TCP"
    port = tg.get("HealthCheckPort") or "traffic-port"
    port = (traffic_port or tg.get("Port")) if port == "traffic-port" else port
    target = f"{protocol}:{port}"
    if protocol in ("HTTP", "HTTPS"):
        target += tg.get("HealthCheckPath") or "/"
    return {"target": target, "interval": tg.get("HealthCheckIntervalSeconds"),
            "timeout": tg.get("HealthCheckTimeoutSeconds"), "healthy_threshold": tg.get("HealthyThresholdCount"),
            "unhealthy_threshold": tg.get("UnhealthyThresholdCount"), "port": tg.get("HealthCheckPort"),
            "path": tg.get("HealthCheckPath") if protocol in ("HTTP", "HTTPS") else None, "protocol": protocol}


# -- writes -------------------------------------------------------------------------------------


def health_check_payload(hc: dict[str, Any]) -> dict[str, Any]:
    """The HealthCheck* parameters of CreateTargetGroup / ModifyTargetGroup from avictl's health check."""
    m = re.match(r"^([A-Za-z]+):(\d+|traffic-port)(/.*)?$", hc.get("target") or "")
    protocol = hc.get("protocol") or (m.group(1).upper() if m else None) or "HTTP"
    out = {"HealthCheckProtocol": protocol, "HealthCheckPort": "traffic-port",
           "HealthCheckIntervalSeconds": hc["interval"], "HealthCheckTimeoutSeconds": hc["timeout"],
           "HealthyThresholdCount": hc["healthy_threshold"], "UnhealthyThresholdCount": hc["unhealthy_threshold"]}
    if hc.get("port") not in (None, "traffic-port"):
        out["HealthCheckPort"] = str(hc["port"])
    if protocol in ("HTTP", "HTTPS"):
        out["HealthCheckPath"] = hc.get("path") or (m.group(3) if m else None) or "/"
    return out


def actions_payload(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """DefaultActions as DescribeListeners gave them, minus what ModifyListener rejects."""
    cleaned = []
    for action in actions:
        a = {k: v for k, v in action.items() if v not in (None, [], {})}
        if a.get("Type") == "forward" and a.get("TargetGroupArn") and a.get("ForwardConfig"):
            a.pop("ForwardConfig")  # both forms describe the same group; sending both may be refused
        cleaned.append(a)
    return cleaned


@_api("CreateTargetGroup")
def create_target_group(aws: AwsSession, spec: dict[str, Any], health_check: dict[str, Any]) -> str:
    """Create the group `spec` ({name, protocol, port, vpc_id, target_type}); returns its ARN."""
    created = aws.call("elbv2", "create_target_group", Name=spec["name"], Protocol=spec["protocol"],
                       Port=spec["port"], VpcId=spec["vpc_id"], TargetType=spec.get("target_type") or "instance",
                       **health_check_payload(health_check))["TargetGroups"][0]
    return created["TargetGroupArn"]


@_api("DeleteTargetGroup")
def delete_target_group(aws: AwsSession, arn: str) -> None:
    aws.call("elbv2", "delete_target_group", TargetGroupArn=arn)


@_api("ModifyTargetGroup")
def modify_health_check(aws: AwsSession, arn: str, health_check: dict[str, Any]) -> None:
    aws.call("elbv2", "modify_target_group", TargetGroupArn=arn, **health_check_payload(health_check))


@_api("RegisterTargets")
def register_targets(aws: AwsSession, arn: str, targets: list[dict[str, Any]]) -> None:
    """Register targets ({id, port}; port None = the group's port)."""
    aws.call("elbv2", "register_targets", TargetGroupArn=arn, Targets=_targets(targets))


@_api("DeregisterTargets")
def deregister_targets(aws: AwsSession, arn: str, targets: list[dict[str, Any]]) -> None:
    aws.call("elbv2", "deregister_targets", TargetGroupArn=arn, Targets=_targets(targets))


@_api("ModifyListener")
def forward_listener(aws: AwsSession, listener_arn: str, target_group_arn: str) -> None:
    """Point a listener's default action at one target group."""
    aws.call("elbv2", "modify_listener", ListenerArn=listener_arn,
             DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group_arn}])


@_api("ModifyListener")
def set_listener_actions(aws: AwsSession, listener_arn: str, actions: list[dict[str, Any]]) -> None:
    """Put back a listener's default actions as DescribeListeners returned them."""
    aws.call("elbv2", "modify_listener", ListenerArn=listener_arn, DefaultActions=actions_payload(actions))


def _targets(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for t in targets:
        item: dict[str, Any] = {"Id": t["id"]}
        if t.get("port") is not None:
            item["Port"] = int(t["port"])
        out.append(item)
    return out
