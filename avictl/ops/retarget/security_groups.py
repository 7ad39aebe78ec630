"""Do the instances' security groups admit the load balancer on the new instance port and on the
health-check port? And which rules that avictl added does nothing use any more?

A rule admits the load balancer when it names the load balancer's security group (or, for a
classic ELB without one, its source security group), or when its address ranges cover the
addresses the load balancer's nodes take: those of the load balancer's own subnets (IPv4, and
IPv6 when the subnets have it) — `0.0.0.0/0`, a VPC-wide range, a range covering just those
subnets, or a managed prefix list whose entries cover them (botocore's ec2 model:
IpPermission.IpRanges, Ipv6Ranges, PrefixListIds, UserIdGroupPairs).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ...aws import ec2
from ...aws.client import AwsClient
from .model import CREATED_BY, Call, Notice, Plan, SgRule, Step


def check_security_groups(aws: AwsClient, plan: Plan) -> None:
    """Fill plan.missing_rules (and a notice for each), and add cleanup steps for avictl's unused rules."""
    lb = plan.lb
    sources = list(lb.get("security_groups") or [])
    src_name = src_owner = None
    if not sources and lb.get("source_security_group"):
        src_name = lb["source_security_group"].get("group_name")
        src_owner = lb["source_security_group"].get("owner_alias")
    ids = sorted({i["id"] for i in lb.get("instances", []) if str(i.get("id", "")).startswith("i-")})
    if not sources and not src_name:
        plan.notices.append(Notice("no_security_group", {"load_balancer": plan.name, "port": plan.instance_port}))
        return
    if not ids:
        plan.notices.append(Notice("no_instances"))
        return
    instances = ec2.instances(aws, ids)
    groups = {g["GroupId"]: g for g in ec2.security_groups(
        aws, [sg["GroupId"] for inst in instances for sg in inst.get("SecurityGroups", [])])}
    ports = sorted({plan.instance_port, plan.health_port or plan.instance_port})
    ranges = _Ranges(aws, lb)

    def admits(group: dict[str, Any], port: int) -> bool:
        for perm in group.get("IpPermissions", []):
            proto = str(perm.get("IpProtocol"))
            if proto not in ("-1", "tcp", "6"):
                continue
            if proto != "-1" and not (perm.get("FromPort", 0) <= port <= perm.get("ToPort", 65535)):
                continue
            for pair in perm.get("UserIdGroupPairs", []):
                if pair.get("GroupId") in sources or (src_name and pair.get("GroupName") == src_name):
                    return True
            if ranges.covered([r.get("CidrIp") for r in perm.get("IpRanges", [])], 4):
                return True
            if ranges.covered([r.get("CidrIpv6") for r in perm.get("Ipv6Ranges", [])], 6):
                return True
            for pl in perm.get("PrefixListIds", []):
                if pl.get("PrefixListId") and ranges.covered(ranges.prefix_list(pl["PrefixListId"]), 0):
                    return True
        return False

    missing: dict[tuple[str, int], SgRule] = {}
    for inst in instances:
        inst_groups = [g["GroupId"] for g in inst.get("SecurityGroups", [])]
        if not inst_groups:
            continue
        for port in ports:
            if any(admits(groups[g], port) for g in inst_groups if g in groups):
                continue
            target = next((g for g in inst_groups if (g, port) in missing), inst_groups[0])
            rule = missing.get((target, port)) or SgRule(
                group_id=target, group_name=groups.get(target, {}).get("GroupName"), port=port,
                source_group_id=sources[0] if sources else None, source_group_name=src_name, source_owner=src_owner)
            rule.instances.append(inst["InstanceId"])
            missing[(target, port)] = rule
    plan.missing_rules = list(missing.values())
    plan.notices += [Notice("missing_rule", {"rule": r.to_dict(), "fix": plan.fix_security_group})
                     for r in plan.missing_rules]
    _unused_rules(plan, groups, sources, instances)


def _unused_rules(plan: Plan, groups: dict[str, dict[str, Any]], sources: list[str],
                  instances: list[dict[str, Any]]) -> None:
    """Cleanup steps for the rules avictl added (their description says so) on a port that
    nothing of this load balancer uses after the change."""
    lb = plan.lb
    used = {plan.instance_port, plan.health_port or plan.instance_port}
    used |= {ls["instance_port"] for ls in lb["listeners"] if ls["port"] != plan.listener_port and ls["instance_port"]}
    used |= {p for ls in lb["listeners"] if ls["port"] != plan.listener_port for p in ls.get("instance_ports") or []}
    mine = {g["GroupId"] for inst in instances for g in inst.get("SecurityGroups", [])}
    for gid in sorted(mine):
        for perm in (groups.get(gid) or {}).get("IpPermissions", []):
            if perm.get("IpProtocol") != "tcp" or perm.get("FromPort") != perm.get("ToPort"):
                continue
            port = perm.get("FromPort")
            for pair in perm.get("UserIdGroupPairs", []):
                if pair.get("Description") != CREATED_BY or pair.get("GroupId") not in sources or port in used:
                    continue
                rule = SgRule(group_id=gid, group_name=groups[gid].get("GroupName"), port=port,
                              source_group_id=pair["GroupId"])
                plan.steps.append(Step("revoke_ingress", do=Call(ec2.revoke_ingress, {"group_id": gid,
                                                                                     "rule": rule.as_rule()}),
                                       subject={"rule": rule.to_dict()}, cleanup=True))


class _Ranges:
    """The address ranges the load balancer's nodes take (its subnets'), read when first needed."""

    def __init__(self, aws: AwsClient, lb: dict[str, Any]):
        self.aws, self.lb = aws, lb
        self._nets: dict[int, list[Any]] | None = None
        self._lists: dict[str, list[str]] = {}

    def nets(self) -> dict[int, list[Any]]:
        if self._nets is None:
            v4: list[str] = []
            v6: list[str] = []
            for sn in ec2.subnets(self.aws, [s for s in self.lb.get("subnets") or [] if s]):
                if sn.get("CidrBlock"):
                    v4.append(sn["CidrBlock"])
                v6 += [a["Ipv6CidrBlock"] for a in sn.get("Ipv6CidrBlockAssociationSet") or []
                       if a.get("Ipv6CidrBlock")]
            if not v4 and self.lb.get("vpc_id"):  # no subnets known: the whole VPC
                v4 = ec2.vpc_cidrs(self.aws, self.lb["vpc_id"])
            self._nets = {4: [_net(c) for c in v4 if _net(c)], 6: [_net(c) for c in v6 if _net(c)]}
        return self._nets

    def prefix_list(self, prefix_list_id: str) -> list[str]:
        if prefix_list_id not in self._lists:
            self._lists[prefix_list_id] = ec2.prefix_list_cidrs(self.aws, prefix_list_id)
        return self._lists[prefix_list_id]

    def covered(self, cidrs: list[str | None], version: int) -> bool:
        """Do these CIDRs cover every subnet of the load balancer of IP `version` (0: of either)?

        An IPv6 range counts only for a load balancer whose subnets have IPv6 ranges."""
        rules = [n for n in (_net(c) for c in cidrs if c) if n is not None]
        if version == 0:
            return self.covered([str(r) for r in rules if r.version == 4], 4) or \
                self.covered([str(r) for r in rules if r.version == 6], 6)
        rules = [r for r in rules if r.version == version]
        if not rules:
            return False
        if version == 4 and any(r.prefixlen == 0 for r in rules):
            return True
        wanted = self.nets()[version]
        return bool(wanted) and all(any(w.subnet_of(r) for r in rules) for w in wanted)


def _net(cidr: str | None) -> Any:
    try:
        return ipaddress.ip_network(cidr, strict=False) if cidr else None
    except ValueError:
        return None
