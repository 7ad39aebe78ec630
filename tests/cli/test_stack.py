"""`avictl stack create|wait|events|list|show|delete` against the lab's CloudFormation on moto, over HTTP
(and `stack show` on moto alone).

The front records every request it gets, so each test checks what avictl sent
(`front.actions()`): a refused create sends no CreateStack, Ctrl-C sends no DeleteStack.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "avi-mesos.cloudformation.json")
PARAMS = ["--parameter", "KeyName=k", "--parameter", "AcceptEULA=Yes"]
EVENT_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  \S+ +AWS::\S+ +[A-Z_]+( .*)?$")


def template(tmp_path: Path, edit: Any = None, name: str = "t.json") -> str:
    data = json.loads(Path(EXAMPLE).read_text())
    if edit:
        edit(data)
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


SMALL = {
    "Description": "one handle and a secret",
    "Parameters": {"Secret": {"Type": "String", "NoEcho": "true", "Description": "a password"},
                   "Flavour": {"Type": "String", "AllowedValues": ["a", "b"], "Description": "which one"}},
    "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
    "Outputs": {"Chosen": {"Value": {"Ref": "Flavour"}}},
}


def wait_status(front: Any, name: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack = front.stacks.get(name)
        if stack is None or not stack.status.endswith("IN_PROGRESS"):
            return stack.status if stack else "gone"
        time.sleep(0.05)
    raise AssertionError(f"{name} still {front.stacks[name].status}")


# -- validation first: nothing is created when it fails ------------------------------------------


def test_a_malformed_template_is_refused_before_anything_is_created(cli, cfn_lab, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"Resources": {"X": ')
    r = cli("stack", "create", "s1", "--template-file", str(bad), *PARAMS, env=cfn_lab["env"])
    assert r.exit_code == 2, r
    assert "the template is not valid" in r.stderr and "JSON not well-formed" in r.stderr
    assert "Traceback" not in r.output
    assert "ValidateTemplate" in cfn_lab["front"].actions()
    assert "CreateStack" not in cfn_lab["front"].actions()


def test_missing_required_parameters_exit_2_naming_each(cli, cfn_lab):
    r = cli("stack", "create", "s1", "--template-file", EXAMPLE, env=cfn_lab["env"])
    assert r.exit_code == 2, r
    assert "KeyName, AcceptEULA" in r.stderr and "--parameter KEY=VALUE" in r.stderr
    # the parameters are shown: description, allowed values, default
    assert "Name of an existing EC2 key pair" in r.stderr and "one of Yes" in r.stderr
    assert "default 'm3.xlarge'" in r.stderr
    assert "CreateStack" not in cfn_lab["front"].actions()


@pytest.mark.parametrize("extra, words", [
    (["--parameter", "Colour=blue"], "unknown parameter(s) Colour"),
    (["--parameter", "AcceptEULA=No", "--parameter", "KeyName=k"], "AcceptEULA must be one of Yes"),
    (["--parameter", "KeyName"], "--parameter takes KEY=VALUE"),
    (["--on-failure", "EXPLODE", *PARAMS], "--on-failure must be"),
    (["--capability", "CAPABILITY_ROOT", *PARAMS], "unknown capability"),
])
def test_bad_parameters_exit_2_and_send_no_create(cli, cfn_lab, extra, words):
    r = cli("stack", "create", "s1", "--template-file", EXAMPLE, *extra, env=cfn_lab["env"])
    assert r.exit_code == 2, r
    assert words in r.stderr
    assert "CreateStack" not in cfn_lab["front"].actions()


def test_a_body_over_the_templatebody_limit_is_exit_2_with_an_s3_hint_and_sends_nothing(cli, cfn_lab, tmp_path):
    big = template(tmp_path, lambda t: t.update(Description="x" * 52_000))
    r = cli("stack", "create", "s1", "--template-file", big, *PARAMS, env=cfn_lab["env"])
    assert r.exit_code == 2, r
    assert "51,200 bytes" in r.stderr and "--template-url" in r.stderr
    assert cfn_lab["front"].actions() == []


def test_the_service_itself_refuses_a_body_over_the_limit_and_unknown_parameters(cfn_lab):
    """The lab's CloudFormation enforces what moto ignores (fidelity)."""
    import boto3
    from botocore.exceptions import ClientError

    cfn = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x",
                                region_name="us-east-1").client("cloudformation", endpoint_url=cfn_lab["url"])
    body = Path(EXAMPLE).read_text()
    with pytest.raises(ClientError, match="less than or equal to 51200"):
        cfn.validate_template(TemplateBody=body + " " * 52_000)
    with pytest.raises(ClientError, match=r"Parameters: \[Colour\] do not exist in the template"):
        cfn.create_stack(StackName="s", TemplateBody=body, Parameters=[
            {"ParameterKey": "Colour", "ParameterValue": "x"}])
    with pytest.raises(ClientError, match=r"Parameters: \[KeyName, AcceptEULA\] must have values"):
        cfn.create_stack(StackName="s", TemplateBody=body)
    with pytest.raises(ClientError, match="must be one of AllowedValues"):
        cfn.create_stack(StackName="s", TemplateBody=body, Parameters=[
            {"ParameterKey": "KeyName", "ParameterValue": "k"}, {"ParameterKey": "AcceptEULA", "ParameterValue": "No"}])
    summary = cfn.get_template_summary(TemplateBody=body)["Parameters"]
    eula = next(p for p in summary if p["ParameterKey"] == "AcceptEULA")
    assert eula["ParameterConstraints"]["AllowedValues"] == ["Yes"]
    assert {p["ParameterKey"] for p in cfn.validate_template(TemplateBody=body)["Parameters"]} >= {"KeyName"}
    cfn.create_stack(StackName="s", TemplateBody=body, Parameters=[
        {"ParameterKey": "KeyName", "ParameterValue": "k"}, {"ParameterKey": "AcceptEULA", "ParameterValue": "Yes"}])
    with pytest.raises(ClientError) as err:
        cfn.create_stack(StackName="s", TemplateBody=body, Parameters=[
            {"ParameterKey": "KeyName", "ParameterValue": "k"}, {"ParameterKey": "AcceptEULA", "ParameterValue": "Yes"}])
    assert err.value.response["Error"]["Code"] == "AlreadyExistsException"


# -- create and wait ---------------------------------------------------------------------------


def test_create_waits_with_plain_event_lines_then_prints_outputs(cli, cfn_lab, boto):
    r = cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, env=cfn_lab["env"])
    assert r.exit_code == 0, r
    lines = [ln for ln in r.stderr.splitlines() if ln[:2] == "20"]
    assert lines and all(EVENT_LINE.match(ln) for ln in lines), lines
    assert "\x1b" not in r.stderr
    assert any(re.search(r"  Vpc +AWS::EC2::VPC +CREATE_COMPLETE", ln) for ln in lines)
    assert any(re.search(r"  Master +AWS::EC2::Instance +CREATE_IN_PROGRESS +Resource creation Initiated", ln)
               for ln in lines)
    assert re.search(r"avi-mesos +AWS::CloudFormation::Stack +CREATE_COMPLETE", lines[-1])
    outputs = dict(line.split("\t") for line in r.stdout.splitlines())
    assert outputs["PublicSlaveLoadBalancer"] == "avi-mesos-PublicSlaveL"
    assert outputs["MarathonURL"].endswith(":8080") and outputs["ControllerURL"].startswith("https://")
    actions = cfn_lab["front"].actions()
    assert actions.index("ValidateTemplate") < actions.index("GetTemplateSummary") < actions.index("CreateStack")
    assert "DescribeStackEvents" in actions
    # the wiring moto's own CloudFormation drops is there: the ELB's subnets and groups, the instances' groups
    elb = boto["elb"].describe_load_balancers(LoadBalancerNames=["avi-mesos-PublicSlaveL"])["LoadBalancerDescriptions"][0]
    assert elb["Subnets"] and elb["SecurityGroups"] and len(elb["Instances"]) == 2
    agents = boto["ec2"].describe_instances(InstanceIds=[i["InstanceId"] for i in elb["Instances"]])
    groups = {g["GroupId"] for res in agents["Reservations"] for i in res["Instances"] for g in i["SecurityGroups"]}
    rules = boto["ec2"].describe_security_groups(GroupIds=sorted(groups))["SecurityGroups"][0]["IpPermissions"]
    assert any(p.get("FromPort") == 80 and p["UserIdGroupPairs"][0]["GroupId"] == elb["SecurityGroups"][0]
               for p in rules)


def test_an_identical_stack_is_no_change_and_a_different_one_is_exit_4(cli, cfn_lab):
    env = cfn_lab["env"]
    assert cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, env=env).exit_code == 0
    cfn_lab["front"].clear_requests()
    again = cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, env=env)
    assert again.exit_code == 0, again
    assert "no change" in again.stderr and "avi-mesos-PublicSlaveL" in again.stdout
    other = cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, "--parameter", "KeyName=other",
                "--parameter", "AcceptEULA=Yes", env=env)
    assert other.exit_code == 4, other
    assert "different parameter KeyName" in other.stderr
    defaulted = cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, "--parameter",
                    "MasterInstanceType=m4.xlarge", env=env)  # the stack has the default: a difference
    assert defaulted.exit_code == 4 and "parameter MasterInstanceType" in defaulted.stderr, defaulted
    assert "CreateStack" not in cfn_lab["front"].actions()


def test_a_failing_resource_is_named_with_its_own_reason(cli, cfn_lab, boto, tmp_path):
    bad = template(tmp_path, lambda t: t["Resources"]["PublicSubnet"]["Properties"].update(CidrBlock="192.168.0.0/24"))
    vpcs = len(boto["ec2"].describe_vpcs()["Vpcs"])
    r = cli("stack", "create", "broken", "--template-file", bad, *PARAMS, env=cfn_lab["env"])
    assert r.exit_code == 1, r
    error = [ln for ln in r.stderr.splitlines() if ln.startswith("avictl: error:")][0]
    assert "stack broken is ROLLBACK_COMPLETE: PublicSubnet (AWS::EC2::Subnet) CREATE_FAILED" in error
    assert "The CIDR '192.168.0.0/24' is invalid" in error and "InvalidSubnet.Range" in error
    assert "cancelled" not in error  # the cascade is in the event lines, not in the verdict
    assert "Resource creation cancelled" in r.stderr
    assert "failed to create: [PublicSubnet" in r.stderr and ". . Rollback requested by user." in r.stderr
    assert "avictl stack delete broken" in r.stderr
    assert len(boto["ec2"].describe_vpcs()["Vpcs"]) == vpcs  # rolled back
    assert "DeleteStack" not in cfn_lab["front"].actions()


@pytest.mark.parametrize("policy, status", [("DO_NOTHING", "CREATE_FAILED"), ("DELETE", "gone")])
def test_on_failure(cli, cfn_lab, tmp_path, policy, status):
    bad = template(tmp_path, lambda t: t["Resources"]["PublicSubnet"]["Properties"].update(CidrBlock="192.168.0.0/24"))
    r = cli("stack", "create", "broken", "--template-file", bad, *PARAMS, "--on-failure", policy, env=cfn_lab["env"])
    assert r.exit_code == 1, r
    assert "PublicSubnet (AWS::EC2::Subnet) CREATE_FAILED" in r.stderr
    assert wait_status(cfn_lab["front"], "broken") == status


def test_no_wait_then_stack_wait_and_a_timeout_is_exit_7_while_the_stack_goes_on(cli, cfn_lab):
    front, env = cfn_lab["front"], cfn_lab["env"]
    front.resource_seconds = 0.3  # eight waves: a few seconds
    r = cli("stack", "create", "slow", "--template-file", EXAMPLE, *PARAMS, "--no-wait", env=env)
    assert r.exit_code == 0, r
    assert "CREATE_IN_PROGRESS" in r.stdout and "avictl stack wait slow" in r.stderr
    assert front.stacks["slow"].status == "CREATE_IN_PROGRESS"
    late = cli("stack", "wait", "slow", "--timeout", "0.5", env=env)
    assert late.exit_code == 7, late
    assert "avictl stack wait slow" in late.stderr
    assert front.stacks["slow"].status == "CREATE_IN_PROGRESS"  # it goes on
    done = cli("stack", "wait", "slow", env=env)
    assert done.exit_code == 0, done
    # a wait started late still shows the operation from its start
    assert "User Initiated" in done.stderr and "avi-mesos" not in done.stderr
    assert "PublicSlaveLoadBalancer" in done.stdout
    assert "DeleteStack" not in front.actions()


def test_create_timeout_is_exit_7(cli, cfn_lab):
    cfn_lab["front"].resource_seconds = 0.5
    r = cli("stack", "create", "slow", "--template-file", EXAMPLE, *PARAMS, "--timeout", "1", env=cfn_lab["env"])
    assert r.exit_code == 7, r
    assert "CloudFormation goes on" in r.stderr and "avictl stack wait slow" in r.stderr
    assert wait_status(cfn_lab["front"], "slow") == "CREATE_COMPLETE"


def test_ctrl_c_stops_the_wait_only(run_avictl, cfn_lab, avictl_home):
    from conftest import isolated_env

    front = cfn_lab["front"]
    front.resource_seconds = 0.5
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "stack", "create", "slow", "--template-file", EXAMPLE,
                             *PARAMS], stderr=subprocess.PIPE, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=isolated_env(avictl_home, cfn_lab["env"]), cwd=ROOT)
    seen = b""
    deadline = time.monotonic() + 60
    while b"CREATE_IN_PROGRESS" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            seen += os.read(proc.stderr.fileno(), 4096)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    err = (seen + err).decode()
    assert proc.returncode == 130, err
    assert "hint: avictl stack wait slow" in err and "nothing was deleted" in err
    assert "DeleteStack" not in front.actions()
    assert wait_status(front, "slow") == "CREATE_COMPLETE"


def test_configure_writes_the_profile_from_the_outputs(cli, cfn_lab, config_file):
    env = cfn_lab["env"]
    r = cli("--profile", "aws", "stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, "--configure",
            env=env)
    assert r.exit_code == 0, r
    shown = json.loads(cli("--profile", "aws", "config", "show", "-o", "json", env=env).stdout)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn_lab["front"].stacks["avi-mesos"].outputs}
    assert shown["marathon"] == outputs["MarathonURL"] and shown["controller"] == outputs["ControllerURL"]
    assert shown["elb"] == "avi-mesos-PublicSlaveL" and shown["aws_region"] == "us-east-1"
    # the same code as config init --from-stack
    cli("--profile", "other", "config", "init", "--from-stack", "avi-mesos", env=env)
    other = json.loads(cli("--profile", "other", "config", "show", "-o", "json", env=env).stdout)
    assert {k: other[k] for k in ("marathon", "controller", "elb", "aws_region")} == \
        {k: shown[k] for k in ("marathon", "controller", "elb", "aws_region")}


def test_configure_with_no_wait_says_how_to_configure_later(cli, cfn_lab):
    r = cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, "--no-wait", "--configure",
            env=cfn_lab["env"])
    assert r.exit_code == 0, r
    assert "avictl stack wait avi-mesos --configure" in r.stderr
    w = cli("stack", "wait", "avi-mesos", "--configure", env=cfn_lab["env"])
    assert w.exit_code == 0 and "wrote profile 'default'" in w.stderr, w


def test_noecho_values_never_appear_in_debug_output(cli, cfn_lab, tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL))
    r = cli("--debug", "stack", "create", "small", "--template-file", str(path), "--parameter",
            "Secret=hunter2-very-secret", "--parameter", "Flavour=a", env=cfn_lab["env"])
    assert r.exit_code == 0, r
    assert "CreateStack" in r.stderr  # -v/--debug logs the calls ...
    assert "hunter2-very-secret" not in r.output  # ... never the NoEcho value
    assert cfn_lab["front"].stacks["small"].params["Secret"] == "hunter2-very-secret"
    shown = cli("stack", "show", "small", "-o", "json", env=cfn_lab["env"])
    assert {"ParameterKey": "Secret", "ParameterValue": "****"} in json.loads(shown.stdout)["Parameters"]
    history = cli("history", "-o", "json", env=cfn_lab["env"])  # the create is journaled, without the secret
    assert "cloudformation stack small" in history.stdout and "hunter2-very-secret" not in history.stdout


def _on_tty(argv: list[str], env: dict[str, str], answers: dict[str, str], timeout: float = 60) -> tuple[int, str]:
    """Run avictl with a terminal for stdin/stdout/stderr; answer each prompt that ends with a key of `answers`."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "avictl", *argv], env)
    out = b""
    pending = dict(answers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            for prompt in list(pending):
                if out.rstrip().endswith(prompt.encode()):
                    os.write(fd, pending.pop(prompt).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def test_missing_parameters_are_asked_on_a_terminal_noecho_without_echo(cfn_lab, avictl_home, tmp_path):
    from conftest import isolated_env

    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL))
    env = isolated_env(avictl_home, {**cfn_lab["env"], "TERM": "xterm"})
    code, out = _on_tty(["stack", "create", "small", "--template-file", str(path)], env,
                        {"Secret:": "s3cret-typed-here", "Flavour [a/b]:": "b"})
    assert code == 0, out
    assert "s3cret-typed-here" not in out  # not echoed
    assert cfn_lab["front"].stacks["small"].params == {"Secret": "s3cret-typed-here", "Flavour": "b"}
    assert "resources" in out  # the live progress line: resources done of total


# -- events, list, show, delete ----------------------------------------------------------------


def test_events_list_show_and_delete(cli, cfn_lab, boto):
    env = cfn_lab["env"]
    assert cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, env=env).exit_code == 0
    events = cli("stack", "events", "avi-mesos", "--limit", "2", env=env)
    assert events.exit_code == 0, events
    assert [ln.split("\t")[1:4] for ln in events.stdout.splitlines()] == [
        ["PublicSlaveLoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer", "CREATE_COMPLETE"],
        ["avi-mesos", "AWS::CloudFormation::Stack", "CREATE_COMPLETE"]]
    every = json.loads(cli("stack", "events", "avi-mesos", "-o", "json", env=env).stdout)
    assert every[0]["ResourceStatusReason"] == "User Initiated"
    followed = cli("stack", "events", "avi-mesos", "--follow", "--limit", "1", env=env)  # settled: ends at once
    assert followed.exit_code == 0 and len(followed.stdout.splitlines()) == 1, followed

    listed = cli("stack", "list", env=env)
    assert listed.exit_code == 0, listed
    name, status, created, description = listed.stdout.splitlines()[0].split("\t")
    assert (name, status) == ("avi-mesos", "CREATE_COMPLETE") and created.startswith("20") and "Mesos" in description
    show = json.loads(cli("stack", "show", "avi-mesos", "-o", "json", env=env).stdout)
    assert show["StackStatus"] == "CREATE_COMPLETE"

    refused = cli("stack", "delete", "avi-mesos", env=env)
    assert refused.exit_code == 2 and "--yes" in refused.stderr, refused
    assert "DeleteStack" not in cfn_lab["front"].actions()
    gone = cli("stack", "delete", "avi-mesos", "--yes", env=env)
    assert gone.exit_code == 0, gone
    assert "DELETE_COMPLETE" in gone.stderr and "deleted stack avi-mesos" in gone.stderr
    assert boto["elb"].describe_load_balancers()["LoadBalancerDescriptions"] == []
    assert cli("stack", "list", env=env).stdout == ""
    missing = cli("stack", "delete", "avi-mesos", "--yes", env=env)
    assert missing.exit_code == 3, missing
    assert cli("stack", "events", "nope", env=env).exit_code == 3
    assert cli("stack", "wait", "nope", env=env).exit_code == 3


def test_delete_no_wait(cli, cfn_lab):
    env = cfn_lab["env"]
    assert cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, env=env).exit_code == 0
    cfn_lab["front"].resource_seconds = 0.3
    r = cli("stack", "delete", "avi-mesos", "--yes", "--no-wait", env=env)
    assert r.exit_code == 0 and "avictl stack wait avi-mesos" in r.stderr, r
    assert cfn_lab["front"].stacks["avi-mesos"].status == "DELETE_IN_PROGRESS"
    w = cli("stack", "wait", "avi-mesos", env=env)
    assert w.exit_code == 0 and "deleted stack avi-mesos" in w.stderr, w


def test_stack_names_complete_from_the_name_cache(cli, cfn_lab, avictl_home):
    from conftest import isolated_env

    assert cli("stack", "create", "avi-mesos", "--template-file", EXAMPLE, *PARAMS, env=cfn_lab["env"]).exit_code == 0
    assert cli("stack", "list", "-o", "name", env=cfn_lab["env"]).stdout.split() == ["avi-mesos"]
    done = subprocess.run([sys.executable, "-m", "avictl", "__complete", "stack", "avi", "stack", "show"],
                          capture_output=True, text=True, env=isolated_env(avictl_home, cfn_lab["env"]), cwd=ROOT,
                          timeout=30)
    assert done.stdout.split() == ["avi-mesos"], done


# -- stack show on the seeded world (moto alone) -------------------------------------------------


def test_stack_show(cli, aws_world):
    r = cli("stack", "show", "avi-mesos", "-o", "table", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "CREATE_COMPLETE" in r.stdout and "Public Slave Load Balancer: avi-mesos-PublicSlaveL" in r.stdout
    r = cli("stack", "show", "avi-mesos", "-o", "json", env=aws_world["env"])
    outputs = {o["OutputKey"]: o["OutputValue"] for o in json.loads(r.stdout)["Outputs"]}
    assert outputs == aws_world["stack_outputs"]
    assert cli("stack", "show", "avi-mesos", "-o", "name", env=aws_world["env"]).stdout == "avi-mesos\n"
