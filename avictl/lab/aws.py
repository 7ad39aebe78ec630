"""The lab's AWS: moto's server on 127.0.0.1 and a seeded world shaped like the DC/OS template.

`build_world` creates, through the AWS API of whatever endpoint it is given (moto in the lab
and the tests):

- a VPC with two subnets in two zones;
- two running "public agent" instances in the security group `public-agents`, which
  admits the ELB's group on the listener's instance port and on the Marathon service-port
  range 10000-10100 (so the lab's deploys work without `--fix-security-group`);
- the classic ELB `avi-mesos-PublicSlaveL` (security group `public-slave-elb`) with the
  listener 80/HTTP → 80/HTTP, health check `HTTP:80/`, both instances registered;
- an ALB `avi-mesos-alb` with the target group `avi-mesos-alb-80` (HTTP:80) and a listener
  80/HTTP forwarding to it, and an NLB `avi-mesos-nlb` with `avi-mesos-nlb-80` (TCP:80) and a
  listener 80/TCP, both with the two instances registered;
- the CloudFormation stack `avi-mesos` whose outputs are MarathonURL, ControllerURL,
  PublicSlaveLoadBalancer (the ELB's name) and PublicSlaveDnsAddress (its DNS name).
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

ELB_NAME = "avi-mesos-PublicSlaveL"
ALB_NAME = "avi-mesos-alb"
NLB_NAME = "avi-mesos-nlb"
STACK_NAME = "avi-mesos"
SERVICE_PORT_RANGE = (10000, 10100)

STACK_TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Description": "avictl lab: the outputs of the Avi + DC/OS template",
    "Parameters": {
        "MarathonURL": {"Type": "String"},
        "ControllerURL": {"Type": "String"},
        "PublicSlaveLoadBalancer": {"Type": "String"},
        "PublicSlaveDnsAddress": {"Type": "String"},
    },
    "Resources": {"Placeholder": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
    "Outputs": {
        "MarathonURL": {"Description": "Marathon", "Value": {"Ref": "MarathonURL"}},
        "ControllerURL": {"Description": "Avi Controller", "Value": {"Ref": "ControllerURL"}},
        "PublicSlaveLoadBalancer": {"Description": "public agents' ELB", "Value": {"Ref": "PublicSlaveLoadBalancer"}},
        "PublicSlaveDnsAddress": {"Description": "public agents' ELB DNS name",
                                  "Value": {"Ref": "PublicSlaveDnsAddress"}},
    },
}


class LabAws:
    """moto's server and the recording proxy in front of it (avictl/lab/aws_proxy.py)."""

    def __init__(self, moto: Any, proxy: Any):
        self.moto, self.proxy = moto, proxy

    @property
    def url(self) -> str:
        return self.proxy.url

    def stop(self) -> None:
        self.proxy.stop()
        self.moto.stop()


def start_server(host: str = "127.0.0.1", port: int = 0) -> tuple[LabAws, str]:
    """Start moto's server and the lab's proxy in this process → (server, endpoint URL of the proxy).

    Stop both with server.stop(). The proxy listens on `port`; moto on a free port of `host`."""
    from moto.server import ThreadedMotoServer

    from .aws_proxy import AwsProxy

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
    moto.start()
    bound_host, bound_port = moto.get_host_and_port()
    proxy = AwsProxy(f"http://{bound_host}:{bound_port}", host, port).start()
    return LabAws(moto, proxy), proxy.url


def reset(endpoint_url: str) -> None:
    """Drop every resource of the moto server at `endpoint_url`."""
    import urllib.request

    req = urllib.request.Request(endpoint_url.rstrip("/") + "/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=60):
        pass


_CLIENTS: dict[tuple[str, str], dict[str, Any]] = {}


def _clients(endpoint_url: str, region: str) -> dict[str, Any]:
    """boto3 clients for the lab's endpoint, created once per process (each costs ~0.1 s)."""
    if (endpoint_url, region) in _CLIENTS:
        return _CLIENTS[(endpoint_url, region)]
    import boto3

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name=region)
    clients = {s: session.client(s, endpoint_url=endpoint_url) for s in ("ec2", "elb", "elbv2", "cloudformation")}
    _CLIENTS[(endpoint_url, region)] = clients
    return clients


def build_world(endpoint_url: str, region: str = "us-east-1", *, marathon_url: str = "http://127.0.0.1:8080",
                controller_url: str = "https://127.0.0.1:8443", instance_port: int = 80,
                image_id: str = "ami-12c6146b") -> dict[str, Any]:
    """Seed the AWS world described above; returns its names and ids."""
    c = _clients(endpoint_url, region)
    ec2, elb, elbv2, cfn = c["ec2"], c["elb"], c["elbv2"], c["cloudformation"]

    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24",
                                 AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"]
               for i, zone in ((1, "a"), (2, "b"))]
    elb_sg = ec2.create_security_group(GroupName="public-slave-elb", Description="public agents' ELB",
                                       VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=elb_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    agents_sg = ec2.create_security_group(GroupName="public-agents", Description="DC/OS public agents",
                                          VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=agents_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": instance_port, "ToPort": instance_port,
         "UserIdGroupPairs": [{"GroupId": elb_sg}]},
        {"IpProtocol": "tcp", "FromPort": SERVICE_PORT_RANGE[0], "ToPort": SERVICE_PORT_RANGE[1],
         "UserIdGroupPairs": [{"GroupId": elb_sg}]},
    ])
    reservation = ec2.run_instances(ImageId=image_id, MinCount=2, MaxCount=2, InstanceType="m4.xlarge",
                                    SubnetId=subnets[0], SecurityGroupIds=[agents_sg],
                                    TagSpecifications=[{"ResourceType": "instance",
                                                        "Tags": [{"Key": "role", "Value": "mesos_public_agent"}]}])
    instance_ids = [i["InstanceId"] for i in reservation["Instances"]]

    elb.create_load_balancer(LoadBalancerName=ELB_NAME, Subnets=subnets, SecurityGroups=[elb_sg],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80,
                                         "InstanceProtocol": "HTTP", "InstancePort": instance_port}])
    elb.configure_health_check(LoadBalancerName=ELB_NAME, HealthCheck={
        "Target": f"HTTP:{instance_port}/", "Interval": 10, "Timeout": 5,
        "UnhealthyThreshold": 2, "HealthyThreshold": 2})
    elb.register_instances_with_load_balancer(LoadBalancerName=ELB_NAME,
                                              Instances=[{"InstanceId": i} for i in instance_ids])
    elb_dns = elb.describe_load_balancers(LoadBalancerNames=[ELB_NAME])["LoadBalancerDescriptions"][0]["DNSName"]

    alb = elbv2.create_load_balancer(Name=ALB_NAME, Subnets=subnets, SecurityGroups=[elb_sg],
                                     Scheme="internet-facing", Type="application")["LoadBalancers"][0]
    tg = elbv2.create_target_group(Name=f"{ALB_NAME}-{instance_port}", Protocol="HTTP", Port=instance_port,
                                   VpcId=vpc_id, TargetType="instance", HealthCheckProtocol="HTTP",
                                   HealthCheckPath="/", HealthCheckIntervalSeconds=10,
                                   HealthCheckTimeoutSeconds=5, HealthyThresholdCount=2,
                                   UnhealthyThresholdCount=2)["TargetGroups"][0]
    elbv2.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": i} for i in instance_ids])
    alb_listener = elbv2.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                         DefaultActions=[{"Type": "forward",
                                                          "TargetGroupArn": tg["TargetGroupArn"]}])["Listeners"][0]

    nlb = elbv2.create_load_balancer(Name=NLB_NAME, Subnets=subnets, SecurityGroups=[elb_sg],
                                     Scheme="internet-facing", Type="network")["LoadBalancers"][0]
    ntg = elbv2.create_target_group(Name=f"{NLB_NAME}-{instance_port}", Protocol="TCP", Port=instance_port,
                                    VpcId=vpc_id, TargetType="instance", HealthCheckProtocol="TCP",
                                    HealthCheckIntervalSeconds=10, HealthCheckTimeoutSeconds=5,
                                    HealthyThresholdCount=2, UnhealthyThresholdCount=2)["TargetGroups"][0]
    elbv2.register_targets(TargetGroupArn=ntg["TargetGroupArn"], Targets=[{"Id": i} for i in instance_ids])
    nlb_listener = elbv2.create_listener(LoadBalancerArn=nlb["LoadBalancerArn"], Protocol="TCP", Port=80,
                                         DefaultActions=[{"Type": "forward",
                                                          "TargetGroupArn": ntg["TargetGroupArn"]}])["Listeners"][0]

    outputs = {"MarathonURL": marathon_url, "ControllerURL": controller_url,
               "PublicSlaveLoadBalancer": ELB_NAME, "PublicSlaveDnsAddress": elb_dns}
    with warnings.catch_warnings():  # moto warns that it only pretends to create the placeholder
        warnings.simplefilter("ignore")
        cfn.create_stack(StackName=STACK_NAME, TemplateBody=json.dumps(STACK_TEMPLATE),
                         Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in outputs.items()])

    return {
        "endpoint_url": endpoint_url, "region": region, "vpc_id": vpc_id, "subnets": subnets,
        "elb_security_group": elb_sg, "agents_security_group": agents_sg, "instance_ids": instance_ids,
        "elb_name": ELB_NAME, "elb_dns": elb_dns, "instance_port": instance_port,
        "alb_name": ALB_NAME, "alb_arn": alb["LoadBalancerArn"], "alb_dns": alb["DNSName"],
        "alb_listener_arn": alb_listener["ListenerArn"], "target_group_arn": tg["TargetGroupArn"],
        "target_group_name": tg["TargetGroupName"], "nlb_name": NLB_NAME, "nlb_arn": nlb["LoadBalancerArn"],
        "nlb_listener_arn": nlb_listener["ListenerArn"], "nlb_target_group_arn": ntg["TargetGroupArn"],
        "stack_name": STACK_NAME, "stack_outputs": outputs,
    }
