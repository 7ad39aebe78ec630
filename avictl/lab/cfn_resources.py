"""How the lab's CloudFormation makes each resource: one EC2 / ELB call at a time, on moto.

moto's own CloudFormation drops part of what a template wires (an instance's
`SecurityGroupIds`, a classic ELB's `Subnets`: moto 5.2.6 `ec2/models/instances.py` and
`elb/models.py` `create_from_cloudformation_json`, tried), so the lab
makes every resource through the same API calls an operator's console would, with every
property the template gives — the security groups `elb retarget` reads are real ones.

A type maps to (create, delete). `create(ctx, logical_id, props)` returns (physical id,
attributes for Fn::GetAtt); an API error is the resource's failure reason, worded as
CloudFormation words them: "<message> (Service: <svc>; Status Code: 400; Error Code: <code>;
Request ID: <id>)". Property names and Ref / GetAtt values follow the CloudFormation
resource reference (AWS::EC2::Instance, AWS::ElasticLoadBalancing::LoadBalancer, ...).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable

SERVICES = {"ec2": "AmazonEC2", "elb": "AmazonElasticLoadBalancing"}


class ResourceFailed(Exception):
    """The reason a resource failed, as its CREATE_FAILED / DELETE_FAILED event shows it."""


@dataclass
class Context:
    clients: dict[str, Any]  # boto3 clients straight to moto
    stack_name: str
    region: str
    addresses: list[str] = field(default_factory=list)  # public IPv4 addresses for AWS::EC2::EIP, in turn

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        try:
            return getattr(self.clients[service], operation)(**params)
        except Exception as exc:
            err = getattr(exc, "response", {}).get("Error") or {}
            meta = getattr(exc, "response", {}).get("ResponseMetadata") or {}
            if not err:
                raise ResourceFailed(f"{type(exc).__name__}: {exc}") from None
            raise ResourceFailed(f"{err.get('Message') or err.get('Code')} (Service: {SERVICES.get(service, service)}; "
                                 f"Status Code: {meta.get('HTTPStatusCode', 400)}; Error Code: {err.get('Code')}; "
                                 f"Request ID: {meta.get('RequestId', '')})") from None

    def name(self, logical_id: str, limit: int = 255) -> str:
        """A generated physical name, `<stack>-<logical id>-<random>` as CloudFormation makes them."""
        suffix = secrets.token_hex(6).upper()
        head = f"{self.stack_name}-{logical_id}"[: max(1, limit - len(suffix) - 1)]
        return f"{head}-{suffix}"


def _tags(props: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in props.get("Tags") or []]


def _tag(ctx: Context, resource_id: str, props: dict[str, Any]) -> None:
    if props.get("Tags"):
        ctx.call("ec2", "create_tags", Resources=[resource_id], Tags=_tags(props))


def _bool(value: Any) -> bool:
    return str(value).lower() == "true"


# -- EC2 -----------------------------------------------------------------------------------


def vpc(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    v = ctx.call("ec2", "create_vpc", CidrBlock=p["CidrBlock"])["Vpc"]
    for attr in ("EnableDnsSupport", "EnableDnsHostnames"):
        if attr in p:
            ctx.call("ec2", "modify_vpc_attribute", VpcId=v["VpcId"], **{attr: {"Value": _bool(p[attr])}})
    _tag(ctx, v["VpcId"], p)
    groups = ctx.call("ec2", "describe_security_groups", Filters=[
        {"Name": "vpc-id", "Values": [v["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    return v["VpcId"], {"CidrBlock": v["CidrBlock"], "VpcId": v["VpcId"],
                        "DefaultSecurityGroup": groups[0]["GroupId"] if groups else ""}


def subnet(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    args = {"VpcId": p["VpcId"], "CidrBlock": p["CidrBlock"]}
    if p.get("AvailabilityZone"):
        args["AvailabilityZone"] = p["AvailabilityZone"]
    s = ctx.call("ec2", "create_subnet", **args)["Subnet"]
    if _bool(p.get("MapPublicIpOnLaunch")):
        ctx.call("ec2", "modify_subnet_attribute", SubnetId=s["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    _tag(ctx, s["SubnetId"], p)
    return s["SubnetId"], {"AvailabilityZone": s["AvailabilityZone"], "SubnetId": s["SubnetId"],
                           "VpcId": s["VpcId"], "CidrBlock": s["CidrBlock"]}


def internet_gateway(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    igw = ctx.call("ec2", "create_internet_gateway")["InternetGateway"]["InternetGatewayId"]
    _tag(ctx, igw, p)
    return igw, {"InternetGatewayId": igw}


def gateway_attachment(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ctx.call("ec2", "attach_internet_gateway", InternetGatewayId=p["InternetGatewayId"], VpcId=p["VpcId"])
    return f"IGW|{p['VpcId']}|{p['InternetGatewayId']}", {}


def route_table(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rtb = ctx.call("ec2", "create_route_table", VpcId=p["VpcId"])["RouteTable"]["RouteTableId"]
    _tag(ctx, rtb, p)
    return rtb, {"RouteTableId": rtb}


def route(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ctx.call("ec2", "create_route", RouteTableId=p["RouteTableId"], DestinationCidrBlock=p["DestinationCidrBlock"],
             GatewayId=p["GatewayId"])
    return f"{p['RouteTableId']}|{p['DestinationCidrBlock']}", {}


def route_association(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    assoc = ctx.call("ec2", "associate_route_table", RouteTableId=p["RouteTableId"], SubnetId=p["SubnetId"])
    return assoc["AssociationId"], {"Id": assoc["AssociationId"]}


def _permission(rule: dict[str, Any]) -> dict[str, Any]:
    perm: dict[str, Any] = {"IpProtocol": str(rule.get("IpProtocol", "-1"))}
    if "FromPort" in rule:
        perm["FromPort"] = int(rule["FromPort"])
    if "ToPort" in rule:
        perm["ToPort"] = int(rule["ToPort"])
    if rule.get("CidrIp"):
        perm["IpRanges"] = [{"CidrIp": rule["CidrIp"], **({"Description": rule["Description"]}
                                                         if rule.get("Description") else {})}]
    group = rule.get("SourceSecurityGroupId") or rule.get("DestinationSecurityGroupId")
    if group:
        perm["UserIdGroupPairs"] = [{"GroupId": group}]
    return perm


def security_group(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    args = {"GroupName": p.get("GroupName") or ctx.name(lid), "Description": p["GroupDescription"]}
    if p.get("VpcId"):
        args["VpcId"] = p["VpcId"]
    gid = ctx.call("ec2", "create_security_group", **args)["GroupId"]
    _tag(ctx, gid, p)
    if p.get("SecurityGroupIngress"):
        ctx.call("ec2", "authorize_security_group_ingress", GroupId=gid,
                 IpPermissions=[_permission(r) for r in p["SecurityGroupIngress"]])
    if p.get("SecurityGroupEgress"):
        ctx.call("ec2", "authorize_security_group_egress", GroupId=gid,
                 IpPermissions=[_permission(r) for r in p["SecurityGroupEgress"]])
    # Ref is the group id when VpcId is given, else the group name (the resource reference).
    physical = gid if p.get("VpcId") else args["GroupName"]
    return physical, {"GroupId": gid, "VpcId": p.get("VpcId", "")}


def security_group_ingress(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    perm = _permission(p)
    ctx.call("ec2", "authorize_security_group_ingress", GroupId=p["GroupId"], IpPermissions=[perm])
    return f"{p['GroupId']}|ingress|{ctx.name(lid, 40)}", {"_permission": perm}


def instance(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    args: dict[str, Any] = {"ImageId": p["ImageId"], "MinCount": 1, "MaxCount": 1,
                            "InstanceType": p.get("InstanceType", "m1.small")}
    if p.get("KeyName"):
        args["KeyName"] = p["KeyName"]
    if p.get("SubnetId"):
        args["SubnetId"] = p["SubnetId"]
    if p.get("SecurityGroupIds"):
        args["SecurityGroupIds"] = list(p["SecurityGroupIds"])
    if p.get("SecurityGroups"):
        args["SecurityGroups"] = list(p["SecurityGroups"])
    if p.get("UserData"):
        args["UserData"] = base64.b64decode(p["UserData"]).decode("utf-8", "replace")
    if p.get("Tags"):
        args["TagSpecifications"] = [{"ResourceType": "instance", "Tags": _tags(p)}]
    i = ctx.call("ec2", "run_instances", **args)["Instances"][0]
    return i["InstanceId"], {
        "PrivateIp": i.get("PrivateIpAddress", ""), "PublicIp": i.get("PublicIpAddress", ""),
        "PrivateDnsName": i.get("PrivateDnsName", ""), "PublicDnsName": i.get("PublicDnsName", ""),
        "AvailabilityZone": (i.get("Placement") or {}).get("AvailabilityZone", ""), "InstanceId": i["InstanceId"]}


def elastic_ip(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    args: dict[str, Any] = {"Domain": p.get("Domain") or "vpc"}
    if ctx.addresses:  # the lab's own public IPv4 pool (AllocateAddress's Address, as from a BYOIP pool)
        args["Address"] = ctx.addresses.pop(0)
    eip = ctx.call("ec2", "allocate_address", **args)
    if p.get("InstanceId"):
        ctx.call("ec2", "associate_address", InstanceId=p["InstanceId"], AllocationId=eip["AllocationId"])
    return eip["PublicIp"], {"AllocationId": eip["AllocationId"], "PublicIp": eip["PublicIp"]}


def _release(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
    for address in ctx.call("ec2", "describe_addresses", AllocationIds=[attrs["AllocationId"]])["Addresses"]:
        if address.get("AssociationId"):
            ctx.call("ec2", "disassociate_address", AssociationId=address["AssociationId"])
    ctx.call("ec2", "release_address", AllocationId=attrs["AllocationId"])


# -- classic ELB ---------------------------------------------------------------------------


def load_balancer(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = p.get("LoadBalancerName") or ctx.name(lid, 32)
    listeners = [{"Protocol": str(ls["Protocol"]).upper(), "LoadBalancerPort": int(ls["LoadBalancerPort"]),
                  "InstanceProtocol": str(ls.get("InstanceProtocol") or ls["Protocol"]).upper(),
                  "InstancePort": int(ls["InstancePort"]),
                  **({"SSLCertificateId": ls["SSLCertificateId"]} if ls.get("SSLCertificateId") else {})}
                 for ls in p.get("Listeners") or []]
    args: dict[str, Any] = {"LoadBalancerName": name, "Listeners": listeners}
    if p.get("Subnets"):
        args["Subnets"] = list(p["Subnets"])
    elif p.get("AvailabilityZones"):
        args["AvailabilityZones"] = list(p["AvailabilityZones"])
    if p.get("SecurityGroups"):
        args["SecurityGroups"] = list(p["SecurityGroups"])
    if p.get("Scheme"):
        args["Scheme"] = p["Scheme"]
    if p.get("Tags"):
        args["Tags"] = _tags(p)
    ctx.call("elb", "create_load_balancer", **args)
    hc = p.get("HealthCheck")
    if hc:
        ctx.call("elb", "configure_health_check", LoadBalancerName=name, HealthCheck={
            "Target": hc["Target"], "Interval": int(hc["Interval"]), "Timeout": int(hc["Timeout"]),
            "HealthyThreshold": int(hc["HealthyThreshold"]), "UnhealthyThreshold": int(hc["UnhealthyThreshold"])})
    if p.get("Instances"):
        ctx.call("elb", "register_instances_with_load_balancer", LoadBalancerName=name,
                 Instances=[{"InstanceId": i} for i in p["Instances"]])
    desc = ctx.call("elb", "describe_load_balancers", LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    source = desc.get("SourceSecurityGroup") or {}
    return name, {"DNSName": desc.get("DNSName", ""),
                  "CanonicalHostedZoneName": desc.get("CanonicalHostedZoneName", ""),
                  "CanonicalHostedZoneNameID": desc.get("CanonicalHostedZoneNameID", ""),
                  "SourceSecurityGroup.GroupName": source.get("GroupName", ""),
                  "SourceSecurityGroup.OwnerAlias": source.get("OwnerAlias", "")}


def wait_condition_handle(ctx: Context, lid: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return (f"https://cloudformation-waitcondition-{ctx.region}.s3.amazonaws.com/"
            f"{ctx.stack_name}-{lid}-{secrets.token_hex(4)}"), {}


# -- deletes -------------------------------------------------------------------------------


def _delete(service: str, operation: str, key: str) -> Callable[[Context, str, dict[str, Any]], None]:
    def delete(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
        ctx.call(service, operation, **{key: physical})
    return delete


def _delete_group(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
    ctx.call("ec2", "delete_security_group", GroupId=attrs["GroupId"])


def _delete_instance(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
    ctx.call("ec2", "terminate_instances", InstanceIds=[physical])


def _detach(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
    _, vpc_id, igw = physical.split("|")
    ctx.call("ec2", "detach_internet_gateway", InternetGatewayId=igw, VpcId=vpc_id)


def _delete_route(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
    rtb, cidr = physical.split("|")
    ctx.call("ec2", "delete_route", RouteTableId=rtb, DestinationCidrBlock=cidr)


def _revoke(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
    ctx.call("ec2", "revoke_security_group_ingress", GroupId=physical.split("|")[0],
             IpPermissions=[attrs["_permission"]])


def _nothing(ctx: Context, physical: str, attrs: dict[str, Any]) -> None:
    pass


TYPES: dict[str, tuple[Callable[..., tuple[str, dict[str, Any]]], Callable[..., None]]] = {
    "AWS::EC2::VPC": (vpc, _delete("ec2", "delete_vpc", "VpcId")),
    "AWS::EC2::Subnet": (subnet, _delete("ec2", "delete_subnet", "SubnetId")),
    "AWS::EC2::InternetGateway": (internet_gateway, _delete("ec2", "delete_internet_gateway", "InternetGatewayId")),
    "AWS::EC2::VPCGatewayAttachment": (gateway_attachment, _detach),
    "AWS::EC2::RouteTable": (route_table, _delete("ec2", "delete_route_table", "RouteTableId")),
    "AWS::EC2::Route": (route, _delete_route),
    "AWS::EC2::SubnetRouteTableAssociation": (route_association,
                                              _delete("ec2", "disassociate_route_table", "AssociationId")),
    "AWS::EC2::SecurityGroup": (security_group, _delete_group),
    "AWS::EC2::SecurityGroupIngress": (security_group_ingress, _revoke),
    "AWS::EC2::Instance": (instance, _delete_instance),
    "AWS::EC2::EIP": (elastic_ip, _release),
    "AWS::ElasticLoadBalancing::LoadBalancer": (load_balancer,
                                                _delete("elb", "delete_load_balancer", "LoadBalancerName")),
    "AWS::CloudFormation::WaitConditionHandle": (wait_condition_handle, _nothing),
}
