"""Classic ELB (service `elb`, API 2012-06-01): every call avictl makes, with its wire shapes.

Reads return avictl's one load-balancer shape (see `view`), shared with ELBv2 and printed by
`-o json`. Writes take that shape's pieces (a listener dict, a health check dict) and build
the request here; each write function has an `api` attribute naming the AWS operation, which
the retarget's printed plan and its journal show.

Facts from botocore's elb model (botocore/data/elb/2012-06-01/service-2.json):
- there is no call that edits a listener: DeleteLoadBalancerListeners then
  CreateLoadBalancerListeners (an identical listener that exists already is accepted);
- ConfigureHealthCheck needs all five of Target, Interval, Timeout, UnhealthyThreshold,
  HealthyThreshold;
- backend-server policies (proxy protocol, backend authentication) belong to an instance
  port: DescribeLoadBalancers → BackendServerDescriptions [{InstancePort, PolicyNames}],
  replaced per port by SetLoadBalancerPoliciesForBackendServer (an empty list removes them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..errors import NotFound
from .session import AwsSession


def _api(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.api = f"elb:{name}"  # type: ignore[attr-defined]
        return fn
    return mark


# -- reads --------------------------------------------------------------------------------------


def describe(aws: AwsSession, name: str) -> dict[str, Any] | None:
    """DescribeLoadBalancers' description of `name`, or None when no classic ELB has that name."""
    try:
        desc = aws.call("elb", "describe_load_balancers", LoadBalancerNames=[name])["LoadBalancerDescriptions"]
    except NotFound:
        return None
    return desc[0] if desc else None


def describe_all(aws: AwsSession) -> Iterator[dict[str, Any]]:
    yield from aws.paginate("elb", "describe_load_balancers", "LoadBalancerDescriptions")


def instance_health(aws: AwsSession, name: str) -> list[dict[str, Any]]:
    """InstanceStates as {id, port: None, state, reason, description}."""
    states = aws.call("elb", "describe_instance_health", LoadBalancerName=name).get("InstanceStates", [])
    return [{"id": s["InstanceId"], "port": None, "state": s.get("State", "Unknown"),
             "reason": _na(s.get("ReasonCode")), "description": _na(s.get("Description"))} for s in states]


def view(aws: AwsSession, desc: dict[str, Any], health: bool) -> dict[str, Any]:
    """avictl's shape of one classic ELB (instance health read when `health`)."""
    listeners = []
    for ld in desc.get("ListenerDescriptions", []):
        lst = ld["Listener"]
        listeners.append({
            "port": lst["LoadBalancerPort"], "protocol": lst["Protocol"].upper(),
            "instance_port": lst["InstancePort"],
            "instance_protocol": (lst.get("InstanceProtocol") or lst["Protocol"]).upper(),
            "ssl_certificate_id": lst.get("SSLCertificateId"), "policy_names": ld.get("PolicyNames", []),
        })
    hc = desc.get("HealthCheck") or {}
    instances = [{"id": i["InstanceId"]} for i in desc.get("Instances", [])]
    if health and instances:
        instances = instance_health(aws, desc["LoadBalancerName"])
    in_service = sum(1 for i in instances if i.get("state") == "InService")
    return {
        "name": desc["LoadBalancerName"], "type": "classic", "dns_name": desc.get("DNSName"),
        "scheme": desc.get("Scheme"), "vpc_id": desc.get("VPCId"), "arn": None,
        "security_groups": desc.get("SecurityGroups", []),
        "source_security_group": _source_group(desc.get("SourceSecurityGroup")),
        "subnets": desc.get("Subnets", []), "availability_zones": desc.get("AvailabilityZones", []),
        "listeners": listeners,
        "health_check": {"target": hc.get("Target"), "interval": hc.get("Interval"), "timeout": hc.get("Timeout"),
                         "healthy_threshold": hc.get("HealthyThreshold"),
                         "unhealthy_threshold": hc.get("UnhealthyThreshold")} if hc else None,
        "backend_policies": {int(b["InstancePort"]): list(b.get("PolicyNames") or [])
                             for b in desc.get("BackendServerDescriptions") or [] if b.get("PolicyNames")},
        "instances": instances, "in_service": in_service if health else None, "total": len(instances),
        "target_groups": [],
    }


# -- writes -------------------------------------------------------------------------------------


def _source_group(group: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ELB's source security group (EC2-Classic) in avictl's keys: group_name, owner_alias."""
    if not group:
        return None
    return {"group_name": group.get("GroupName"), "owner_alias": group.get("OwnerAlias")}


def listener_payload(listener: dict[str, Any]) -> dict[str, Any]:
    """A Listener of CreateLoadBalancerListeners from avictl's listener dict (every field kept)."""
    out = {"Protocol": listener["protocol"], "LoadBalancerPort": listener["port"],
           "InstanceProtocol": listener["instance_protocol"], "InstancePort": listener["instance_port"]}
    if listener.get("ssl_certificate_id"):
        out["SSLCertificateId"] = listener["ssl_certificate_id"]
    return out


def health_check_payload(hc: dict[str, Any]) -> dict[str, Any]:
    return {"Target": hc["target"], "Interval": hc["interval"], "Timeout": hc["timeout"],
            "HealthyThreshold": hc["healthy_threshold"], "UnhealthyThreshold": hc["unhealthy_threshold"]}


@_api("ConfigureHealthCheck")
def configure_health_check(aws: AwsSession, name: str, health_check: dict[str, Any]) -> None:
    aws.call("elb", "configure_health_check", LoadBalancerName=name, HealthCheck=health_check_payload(health_check))


@_api("DeleteLoadBalancerListeners")
def delete_listener(aws: AwsSession, name: str, port: int) -> None:
    aws.call("elb", "delete_load_balancer_listeners", LoadBalancerName=name, LoadBalancerPorts=[port])


@_api("CreateLoadBalancerListeners")
def create_listener(aws: AwsSession, name: str, listener: dict[str, Any]) -> None:
    aws.call("elb", "create_load_balancer_listeners", LoadBalancerName=name, Listeners=[listener_payload(listener)])


@_api("SetLoadBalancerPoliciesOfListener")
def set_listener_policies(aws: AwsSession, name: str, port: int, policy_names: list[str]) -> None:
    aws.call("elb", "set_load_balancer_policies_of_listener", LoadBalancerName=name, LoadBalancerPort=port,
             PolicyNames=list(policy_names))


@_api("SetLoadBalancerPoliciesForBackendServer")
def set_backend_policies(aws: AwsSession, name: str, instance_port: int, policy_names: list[str]) -> None:
    """Replace the policies of `instance_port` (an empty list removes them)."""
    aws.call("elb", "set_load_balancer_policies_for_backend_server", LoadBalancerName=name,
             InstancePort=instance_port, PolicyNames=list(policy_names))


def _na(value: str | None) -> str | None:
    return None if value in (None, "", "N/A") else value
