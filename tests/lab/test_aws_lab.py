"""The lab's AWS endpoint (moto behind avictl/lab/aws_proxy.py) answers as botocore's models say AWS does."""

from __future__ import annotations

import json
import urllib.request

import pytest
from botocore.exceptions import ClientError


def _states(boto, arn):
    health = boto["elbv2"].describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return sorted((h["Target"]["Port"], h["TargetHealth"]["State"], h["TargetHealth"].get("Reason")) for h in health)


def _knob(endpoint, **values):
    req = urllib.request.Request(endpoint + "/_lab/aws", data=json.dumps(values).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).close()


def test_one_instance_on_two_ports_of_one_group(aws_world, boto):
    arn, ids = aws_world["target_group_arn"], aws_world["instance_ids"]
    boto["elbv2"].register_targets(TargetGroupArn=arn, Targets=[{"Id": i, "Port": 10001} for i in ids])
    assert _states(boto, arn) == [(80, "healthy", None)] * 2 + [(10001, "healthy", None)] * 2


def test_a_group_no_listener_uses_is_not_health_checked(aws_world, boto):
    arn = boto["elbv2"].create_target_group(Name="spare", Protocol="HTTP", Port=8080,
                                            VpcId=aws_world["vpc_id"])["TargetGroups"][0]["TargetGroupArn"]
    boto["elbv2"].register_targets(TargetGroupArn=arn, Targets=[{"Id": i} for i in aws_world["instance_ids"]])
    assert _states(boto, arn) == [(8080, "unused", "Target.NotInUse")] * 2
    boto["elbv2"].modify_listener(ListenerArn=aws_world["alb_listener_arn"],
                                  DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
    assert _states(boto, arn) == [(8080, "healthy", None)] * 2
    # and the group the listener left is not checked any more
    assert _states(boto, aws_world["target_group_arn"]) == [(80, "unused", "Target.NotInUse")] * 2


def test_deregistered_targets_drain_and_an_unknown_one_is_no_error(aws_world, boto):
    arn, ids = aws_world["target_group_arn"], aws_world["instance_ids"]
    boto["elbv2"].deregister_targets(TargetGroupArn=arn, Targets=[{"Id": ids[0], "Port": 80},
                                                                  {"Id": ids[0], "Port": 9999}])
    assert (80, "draining", "Target.DeregistrationInProgress") in _states(boto, arn)
    boto["elbv2"].modify_target_group_attributes(TargetGroupArn=arn, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "0"}])
    boto["elbv2"].deregister_targets(TargetGroupArn=arn, Targets=[{"Id": ids[1], "Port": 80}])
    assert _states(boto, arn) == [(80, "draining", "Target.DeregistrationInProgress")]


def test_stopped_instances_cannot_register_and_are_unused(aws_world, boto):
    arn, ids = aws_world["target_group_arn"], aws_world["instance_ids"]
    boto["ec2"].stop_instances(InstanceIds=[ids[0]])
    assert (80, "unused", "Target.InvalidState") in _states(boto, arn)
    with pytest.raises(ClientError) as info:
        boto["elbv2"].register_targets(TargetGroupArn=arn, Targets=[{"Id": ids[0], "Port": 81}])
    assert info.value.response["Error"]["Code"] == "InvalidTarget"


def test_a_group_in_use_cannot_be_deleted(aws_world, boto):
    with pytest.raises(ClientError) as info:
        boto["elbv2"].delete_target_group(TargetGroupArn=aws_world["target_group_arn"])
    assert info.value.response["Error"]["Code"] == "ResourceInUse"


def test_initial_and_unhealthy_states(aws_world, boto, moto_endpoint):
    arn, ids = aws_world["target_group_arn"], aws_world["instance_ids"]
    _knob(moto_endpoint, initial_seconds=60, unhealthy_ports=[10002])
    boto["elbv2"].register_targets(TargetGroupArn=arn, Targets=[{"Id": ids[0], "Port": 10001}])
    assert (10001, "initial", "Elb.RegistrationInProgress") in _states(boto, arn)
    _knob(moto_endpoint, initial_seconds=0)
    boto["elbv2"].register_targets(TargetGroupArn=arn, Targets=[{"Id": ids[0], "Port": 10002}])
    assert (10002, "unhealthy", "Target.Timeout") in _states(boto, arn)


def test_classic_backend_policies_on_any_instance_port(aws_world, boto):
    elb, name = boto["elb"], aws_world["elb_name"]
    with pytest.raises(ClientError) as info:
        elb.set_load_balancer_policies_for_backend_server(LoadBalancerName=name, InstancePort=10001,
                                                          PolicyNames=["missing"])
    assert info.value.response["Error"]["Code"] == "PolicyNotFound"
    elb.create_load_balancer_policy(LoadBalancerName=name, PolicyName="pp", PolicyTypeName="ProxyProtocolPolicyType",
                                    PolicyAttributes=[{"AttributeName": "ProxyProtocol", "AttributeValue": "true"}])
    elb.set_load_balancer_policies_for_backend_server(LoadBalancerName=name, InstancePort=10001, PolicyNames=["pp"])
    desc = elb.describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    assert desc["BackendServerDescriptions"] == [{"InstancePort": 10001, "PolicyNames": ["pp"]}]
    elb.set_load_balancer_policies_for_backend_server(LoadBalancerName=name, InstancePort=10001, PolicyNames=[])
    desc = elb.describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    assert not desc.get("BackendServerDescriptions")


def test_the_request_log_names_each_api_action(aws_world, boto, moto_endpoint):
    urllib.request.urlopen(urllib.request.Request(moto_endpoint + "/_lab/requests", method="DELETE")).close()
    boto["elb"].describe_load_balancers()
    boto["elbv2"].describe_target_groups()
    boto["ec2"].describe_vpcs()
    with urllib.request.urlopen(moto_endpoint + "/_lab/actions") as resp:
        sent = json.load(resp)
    assert sent == [{"service": "elb", "action": "DescribeLoadBalancers"},
                    {"service": "elbv2", "action": "DescribeTargetGroups"},
                    {"service": "ec2", "action": "DescribeVpcs"}]
