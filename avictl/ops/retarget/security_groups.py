"""Do the instances' security groups admit the load balancer on the new instance port?"""

from __future__ import annotations

import ipaddress
from typing import Any

from ...aws import ec2
from ...aws.client import AwsClient
from .model import Notice, Plan, SgRule


def check_security_groups(aws: AwsClient, plan: Plan) -> None:
    """Fill plan.missing_rules (and a notice for each) with the rules the instances' groups lack."""
    lb = plan.lb
    sources = list(lb.get("security_groups") or [])
    src_name = src_owner = None
    if not sources and lb.get("source_security_group"):
        src_name = lb["source_security_group"].get("GroupName")
        src_owner = lb["source_security_group"].get("OwnerAlias")
    if not sources and not src_name:
        plan.notices.append(Notice("no_security_group", {"load_balancer": plan.name, "port": plan.instance_port}))
        return
    ids = sorted({i["id"] for i in lb.get("instances", []) if str(i.get("id", "")).startswith("i-")})
    if not ids:
        plan.notices.append(Notice("no_instances"))
        return
    instances = ec2.instances(aws, ids)
    groups = {g["GroupId"]: g for g in ec2.security_groups(
        aws, [sg["GroupId"] for inst in instances for sg in inst.get("SecurityGroups", [])])}
    vpc_cidrs: list[str] | None = None

    def admits(group: dict[str, Any]) -> bool:
        nonlocal vpc_cidrs
        for perm in group.get("IpPermissions", []):
            proto = str(perm.get("IpProtocol"))
            if proto not in ("-1", "tcp", "6"):
                continue
            if proto != "-1" and not (perm.get("FromPort", 0) <= plan.instance_port <= perm.get("ToPort", 65535)):
                continue
            for pair in perm.get("UserIdGroupPairs", []):
                if pair.get("GroupId") in sources or (src_name and pair.get("GroupName") == src_name):
                    return True
            for rng in perm.get("IpRanges", []):
                cidr = rng.get("CidrIp")
                if cidr == "0.0.0.0/0":
                    return True
                if cidr and lb.get("vpc_id"):
                    if vpc_cidrs is None:
                        vpc_cidrs = ec2.vpc_cidrs(aws, lb["vpc_id"])
                    if _covers(cidr, vpc_cidrs):
                        return True
        return False

    missing: dict[str, SgRule] = {}
    for inst in instances:
        inst_groups = [g["GroupId"] for g in inst.get("SecurityGroups", [])]
        if any(admits(groups[g]) for g in inst_groups if g in groups):
            continue
        if not inst_groups:
            continue
        target = next((g for g in inst_groups if g in missing), inst_groups[0])
        rule = missing.get(target) or SgRule(group_id=target, group_name=groups.get(target, {}).get("GroupName"),
                                             port=plan.instance_port, source_group_id=sources[0] if sources else None,
                                             source_group_name=src_name, source_owner=src_owner)
        rule.instances.append(inst["InstanceId"])
        missing[target] = rule
    plan.missing_rules = list(missing.values())
    plan.notices += [Notice("missing_rule", {"rule": r.to_dict(), "fix": plan.fix_security_group})
                     for r in plan.missing_rules]


def _covers(cidr: str, vpc_cidrs: list[str]) -> bool:
    try:
        net = ipaddress.ip_network(cidr, strict=False)
        return bool(vpc_cidrs) and all(ipaddress.ip_network(v, strict=False).subnet_of(net) for v in vpc_cidrs)
    except (ValueError, TypeError):
        return False
