"""EC2 (service `ec2`): the instances, security groups, subnets and VPCs a retarget reads, and the
ingress rules it adds or removes. Each write has an `api` attribute naming the AWS operation.

An ingress rule is avictl's plain dict {protocol, from_port, to_port, source_group_id |
source_group_name + source_owner, description}; `permission_payload` builds the IpPermissions
item (botocore's ec2 model: IpPermission.UserIdGroupPairs[].Description tags the rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .session import AwsSession


def _api(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.api = f"ec2:{name}"  # type: ignore[attr-defined]
        return fn
    return mark


# -- reads --------------------------------------------------------------------------------------


def instances(aws: AwsSession, instance_ids: list[str]) -> list[dict[str, Any]]:
    if not instance_ids:
        return []
    out = []
    for res in aws.paginate("ec2", "describe_instances", "Reservations", InstanceIds=list(instance_ids)):
        out.extend(res.get("Instances", []))
    return out


def security_groups(aws: AwsSession, group_ids: list[str]) -> list[dict[str, Any]]:
    if not group_ids:
        return []
    return aws.call("ec2", "describe_security_groups", GroupIds=sorted(set(group_ids)))["SecurityGroups"]


def vpc_cidrs(aws: AwsSession, vpc_id: str) -> list[str]:
    vpcs = aws.call("ec2", "describe_vpcs", VpcIds=[vpc_id]).get("Vpcs", [])
    cidrs = []
    for v in vpcs:
        cidrs.extend(a["CidrBlock"] for a in v.get("CidrBlockAssociationSet", []) if a.get("CidrBlock"))
        if v.get("CidrBlock") and v["CidrBlock"] not in cidrs:
            cidrs.append(v["CidrBlock"])
    return cidrs


def subnets(aws: AwsSession, subnet_ids: list[str]) -> list[dict[str, Any]]:
    """DescribeSubnets: CidrBlock and Ipv6CidrBlockAssociationSet of each subnet."""
    if not subnet_ids:
        return []
    return aws.call("ec2", "describe_subnets", SubnetIds=sorted(set(subnet_ids))).get("Subnets", [])


def prefix_list_cidrs(aws: AwsSession, prefix_list_id: str) -> list[str]:
    """The CIDRs of a managed prefix list (GetManagedPrefixListEntries)."""
    return [e["Cidr"] for e in aws.paginate("ec2", "get_managed_prefix_list_entries", "Entries",
                                            PrefixListId=prefix_list_id) if e.get("Cidr")]


# -- writes -------------------------------------------------------------------------------------


def permission_payload(rule: dict[str, Any]) -> dict[str, Any]:
    """One IpPermissions item for a tcp rule from a security group."""
    pair: dict[str, Any] = ({"GroupId": rule["source_group_id"]} if rule.get("source_group_id")
                            else {"GroupName": rule["source_group_name"], "UserId": rule["source_owner"]})
    if rule.get("description"):
        pair["Description"] = rule["description"]
    return {"IpProtocol": "tcp", "FromPort": rule["port"], "ToPort": rule["port"], "UserIdGroupPairs": [pair]}


@_api("AuthorizeSecurityGroupIngress")
def authorize_ingress(aws: AwsSession, group_id: str, rule: dict[str, Any]) -> None:
    aws.call("ec2", "authorize_security_group_ingress", GroupId=group_id, IpPermissions=[permission_payload(rule)])


@_api("RevokeSecurityGroupIngress")
def revoke_ingress(aws: AwsSession, group_id: str, rule: dict[str, Any]) -> None:
    aws.call("ec2", "revoke_security_group_ingress", GroupId=group_id, IpPermissions=[permission_payload(rule)])
