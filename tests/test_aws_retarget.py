"""avictl.ops.retarget against moto's server: plan, apply, rollback, verify, wait (no CLI)."""

from __future__ import annotations

import pytest

from avictl.aws.client import AwsClient
from conftest import make_journal
from avictl.cli.render.elb import rule_text
from avictl.errors import NotFound, RolledBack, UsageError, WaitTimeout
from avictl.ops.retarget import apply_plan, plan_retarget, validate_health_values, wait_healthy


@pytest.fixture
def aws(aws_world, monkeypatch):
    for key, value in aws_world["env"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AVICTL_FAULT_STEP", raising=False)
    monkeypatch.delenv("AVICTL_STEP_DELAY", raising=False)
    return AwsClient(region="us-east-1", endpoint_url=aws_world["endpoint_url"], journal=make_journal())


def classic_listeners(boto, name):
    desc = boto["elb"].describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    return [ld["Listener"] for ld in desc["ListenerDescriptions"]], desc["HealthCheck"]


def test_plan_then_apply_classic(aws, aws_world, boto):
    plan = plan_retarget(aws, aws_world["elb_name"], 10005, health_path="/health")
    assert plan.step_names == ["configure_health_check", "delete_listener", "create_listener"]
    assert plan.missing_rules == []
    events = []
    apply_plan(aws, plan, on_event=events.append)
    listeners, hc = classic_listeners(boto, aws_world["elb_name"])
    assert listeners == [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP",
                          "InstancePort": 10005}]
    assert hc["Target"] == "HTTP:10005/health" and hc["Interval"] == 10 and hc["Timeout"] == 5
    assert [e.step.name for e in events if e.kind == "step"] == plan.step_names + ["verify"]


def test_already_right_is_no_change(aws, aws_world):
    plan = plan_retarget(aws, aws_world["elb_name"], 80)
    assert plan.no_change


def test_keeps_ssl_certificate_and_instance_protocol(aws, aws_world, boto):
    boto["elb"].create_load_balancer_listeners(LoadBalancerName=aws_world["elb_name"], Listeners=[
        {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP", "InstancePort": 80,
         "SSLCertificateId": "arn:aws:iam::123456789012:server-certificate/avi"}])
    plan = plan_retarget(aws, aws_world["elb_name"], 10003, listener_port=443)
    # moto reports InstanceProtocol = Protocol whatever was created, so check what is sent
    before, after = plan.listener_before, plan.listener_after
    assert {k: v for k, v in after.items() if k != "instance_port"} == \
        {k: v for k, v in before.items() if k != "instance_port"}
    apply_plan(aws, plan)
    listeners, _ = classic_listeners(boto, aws_world["elb_name"])
    by_port = {ls["LoadBalancerPort"]: ls for ls in listeners}
    assert by_port[443]["InstancePort"] == 10003
    assert by_port[443]["Protocol"] == "HTTPS"
    assert by_port[443]["SSLCertificateId"] == "arn:aws:iam::123456789012:server-certificate/avi"
    assert by_port[80]["InstancePort"] == 80  # the other listener is untouched


def test_failed_create_restores_listener_and_health_check(aws, aws_world, boto, monkeypatch):
    monkeypatch.setenv("AVICTL_FAULT_STEP", "create_listener")
    plan = plan_retarget(aws, aws_world["elb_name"], 10007)
    with pytest.raises(RolledBack) as info:
        apply_plan(aws, plan)
    assert info.value.exit_code == 8
    listeners, hc = classic_listeners(boto, aws_world["elb_name"])
    assert [ls["InstancePort"] for ls in listeners] == [80]
    assert hc["Target"] == "HTTP:80/"


def test_failed_verify_rolls_back_everything(aws, aws_world, boto, monkeypatch):
    monkeypatch.setenv("AVICTL_FAULT_STEP", "verify")
    plan = plan_retarget(aws, aws_world["elb_name"], 20001, fix_security_group=True)
    with pytest.raises(RolledBack):
        apply_plan(aws, plan)
    listeners, hc = classic_listeners(boto, aws_world["elb_name"])
    assert [ls["InstancePort"] for ls in listeners] == [80] and hc["Target"] == "HTTP:80/"
    perms = boto["ec2"].describe_security_groups(GroupIds=[aws_world["agents_security_group"]])["SecurityGroups"][0]
    assert all(p.get("FromPort") != 20001 for p in perms["IpPermissions"])


def test_missing_security_group_rule_is_exact(aws, aws_world):
    plan = plan_retarget(aws, aws_world["elb_name"], 20000)
    assert [rule_text(r) for r in plan.missing_rules] == [
        f"{aws_world['agents_security_group']} (public-agents): allow tcp 20000 from {aws_world['elb_security_group']}"]
    assert sorted(plan.missing_rules[0].instances) == sorted(aws_world["instance_ids"])


@pytest.mark.parametrize("kwargs", [
    {"port": 0}, {"port": 70000}, {"port": 80, "interval": 4}, {"port": 80, "timeout": 61},
    {"port": 80, "interval": 10, "timeout": 10}, {"port": 80, "healthy_threshold": 11},
    {"port": 80, "unhealthy_threshold": 1}, {"port": 80, "health_protocol": "UDP"},
])
def test_bad_values_rejected_before_any_call(kwargs):
    unreachable = AwsClient(region="us-east-1", endpoint_url="http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(UsageError):
        plan_retarget(unreachable, "x", **kwargs)


def test_timeout_must_stay_below_kept_interval(aws, aws_world):
    with pytest.raises(UsageError, match="less than the interval"):
        plan_retarget(aws, aws_world["elb_name"], 10002, timeout=12)  # the ELB's interval is 10


def test_validate_health_values_bounds():
    validate_health_values({"interval": 5, "timeout": 2, "healthy_threshold": 2, "unhealthy_threshold": 10})
    with pytest.raises(UsageError):
        validate_health_values({"interval": 301})


def test_unknown_listener_port_is_not_found(aws, aws_world):
    with pytest.raises(NotFound, match="no listener on port 8080"):
        plan_retarget(aws, aws_world["elb_name"], 10002, listener_port=8080)


def _targets(boto, arn):
    health = boto["elbv2"].describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return sorted((h["Target"]["Port"], h["TargetHealth"]["State"]) for h in health)


@pytest.mark.parametrize("kind", ["alb", "nlb"])
def test_v2_new_port_joins_the_listeners_group_then_the_old_leaves(aws, aws_world, boto, monkeypatch, kind):
    name = aws_world[f"{kind}_name"]
    group = aws_world["target_group_arn" if kind == "alb" else "nlb_target_group_arn"]
    plan = plan_retarget(aws, name, 10010)
    assert plan.step_names == ["register_targets", "wait_targets", "deregister_targets"]
    apply_plan(aws, plan, wait_timeout=10)
    assert _targets(boto, group) == [(80, "draining"), (80, "draining"), (10010, "healthy"), (10010, "healthy")]
    assert plan_retarget(aws, name, 10010).no_change

    monkeypatch.setenv("AVICTL_FAULT_STEP", "verify")
    with pytest.raises(RolledBack):
        apply_plan(aws, plan_retarget(aws, name, 10011), wait_timeout=10)
    assert [(p, s) for p, s in _targets(boto, group) if s != "draining"] == [(10010, "healthy"), (10010, "healthy")]
    listener = boto["elbv2"].describe_listeners(LoadBalancerArn=aws_world[f"{kind}_arn"])["Listeners"][0]
    assert listener["DefaultActions"][0]["TargetGroupArn"] == group


def test_todays_order_would_hang_a_new_group_is_not_health_checked(aws, aws_world, boto):
    """The order avictl used before (a new group on the new port, its targets registered, wait for
    healthy, then point the listener at it) never ends on AWS: a group no listener or rule uses
    is not health-checked. The lab's AWS answers as AWS does, so this wait must time out."""
    from avictl.aws import elbv2

    plan = plan_retarget(aws, aws_world["alb_name"], 10012)
    with aws.change("elbv2 target-group avi-mesos-alb-10012", "create target group"):  # the journal
        arn = elbv2.create_target_group(aws, {"name": "avi-mesos-alb-10012", "protocol": "HTTP", "port": 10012,
                                              "vpc_id": aws_world["vpc_id"]}, plan.health_after)
        elbv2.register_targets(aws, arn, [{"id": i} for i in aws_world["instance_ids"]])
    assert {(h["state"], h["reason"]) for h in aws.target_health(arn)} == {("unused", "Target.NotInUse")}
    with pytest.raises(WaitTimeout, match="Target.NotInUse|not configured to receive traffic"):
        wait_healthy(aws, plan, timeout=0.3, poll=0.1, target_group_arn=arn, port=10012)
    # while the redesigned retarget of the same load balancer finishes
    apply_plan(aws, plan, wait_timeout=10)


def test_classic_backend_policies_move_with_the_port_and_back_on_failure(aws, aws_world, boto, monkeypatch):
    elb, name = boto["elb"], aws_world["elb_name"]
    elb.create_load_balancer_policy(LoadBalancerName=name, PolicyName="proxy-protocol",
                                    PolicyTypeName="ProxyProtocolPolicyType",
                                    PolicyAttributes=[{"AttributeName": "ProxyProtocol", "AttributeValue": "true"}])
    elb.set_load_balancer_policies_for_backend_server(LoadBalancerName=name, InstancePort=80,
                                                      PolicyNames=["proxy-protocol"])

    def backends():
        desc = elb.describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
        return {b["InstancePort"]: b["PolicyNames"] for b in desc.get("BackendServerDescriptions", [])}

    monkeypatch.setenv("AVICTL_FAULT_STEP", "verify")
    plan = plan_retarget(aws, name, 10013)
    assert plan.step_names == ["configure_health_check", "set_backend_policies", "delete_listener",
                               "create_listener", "clear_backend_policies"]
    with pytest.raises(RolledBack):
        apply_plan(aws, plan)
    assert backends() == {80: ["proxy-protocol"]}  # a failed retarget leaves them on the old port
    monkeypatch.delenv("AVICTL_FAULT_STEP")
    apply_plan(aws, plan_retarget(aws, name, 10013))
    assert backends() == {10013: ["proxy-protocol"]}
    assert classic_listeners(boto, name)[0][0]["InstancePort"] == 10013


def test_a_rule_covering_the_load_balancers_subnets_admits_it(aws, aws_world, boto):
    """10.0.0.0/22 covers the ELB's subnets 10.0.1.0/24 and 10.0.2.0/24 but not the VPC 10.0.0.0/16."""
    boto["ec2"].authorize_security_group_ingress(GroupId=aws_world["agents_security_group"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 30000, "ToPort": 30000, "IpRanges": [{"CidrIp": "10.0.0.0/22"}]},
        {"IpProtocol": "tcp", "FromPort": 30001, "ToPort": 30001, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}])
    assert plan_retarget(aws, aws_world["elb_name"], 30000).missing_rules == []
    assert [r.port for r in plan_retarget(aws, aws_world["elb_name"], 30001).missing_rules] == [30001]


def test_a_prefix_list_covering_the_subnets_admits_the_load_balancer(aws, aws_world, boto):
    ec2 = boto["ec2"]
    pl = ec2.create_managed_prefix_list(PrefixListName="lb-nodes", MaxEntries=2, AddressFamily="IPv4",
                                        Entries=[{"Cidr": "10.0.1.0/24"}, {"Cidr": "10.0.2.0/24"}])["PrefixList"]
    ec2.authorize_security_group_ingress(GroupId=aws_world["agents_security_group"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 30002, "ToPort": 30002, "PrefixListIds": [{"PrefixListId": pl["PrefixListId"]}]}])
    assert plan_retarget(aws, aws_world["elb_name"], 30002).missing_rules == []


def test_a_rule_avictl_added_is_removed_once_nothing_uses_its_port(aws, aws_world, boto):
    sg = aws_world["agents_security_group"]

    def ports():
        perms = boto["ec2"].describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"]
        return sorted(p["FromPort"] for p in perms if p.get("FromPort") == p.get("ToPort"))

    apply_plan(aws, plan_retarget(aws, aws_world["elb_name"], 20000, fix_security_group=True))
    assert 20000 in ports()
    plan = plan_retarget(aws, aws_world["elb_name"], 20001, fix_security_group=True)
    assert [s.name for s in plan.steps if s.cleanup] == ["revoke_ingress"]
    apply_plan(aws, plan)
    assert 20001 in ports() and 20000 not in ports()
    assert 80 in ports()  # rules avictl did not add are never touched


def test_wait_times_out_with_reasons(aws, aws_world, boto):
    boto["ec2"].stop_instances(InstanceIds=aws_world["instance_ids"])
    plan = plan_retarget(aws, aws_world["elb_name"], 80)
    with pytest.raises(WaitTimeout) as info:
        wait_healthy(aws, plan, timeout=0.3, poll=0.1)
    assert info.value.exit_code == 7
    assert "OutOfService" in info.value.message and aws_world["instance_ids"][0] in info.value.message
