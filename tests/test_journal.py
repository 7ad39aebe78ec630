"""The journal (SPEC.md §12): written before each request, completed after, enforced by the clients.

The stand-ins' request logs and moto's state show what was (not) sent; the journal file is
read as a user would (JSON lines), never through a mocked method.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from avictl import errors
from avictl.http import HttpOptions
from avictl.journal import Journal, JournalError, read_entries, redact_argv, store
from conftest import make_journal

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "Docker.json")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def journal_file(home: Path) -> Path:
    return home / "home" / ".local" / "state" / "avictl" / "journal.jsonl"


# -- the file ------------------------------------------------------------------------------------


def test_entry_is_written_before_and_completed_after(tmp_path):
    j = make_journal(tmp_path)
    with j.change("marathon", "marathon app /web", "update", before={"instances": 1},
                  after={"instances": 2}) as entry:
        first = lines(j.path)
        assert [r["outcome"] for r in first] == ["unfinished"]
        assert first[0]["object"] == "marathon app /web" and first[0]["before"] == {"instances": 1}
    records = lines(j.path)
    assert [r["outcome"] for r in records] == ["unfinished", "applied"]
    assert records[1]["id"] == entry.id and records[1]["finished"]
    (e,), damaged = read_entries(j.path)
    assert damaged == 0
    assert (e.id, e.group, e.outcome, e.after) == (entry.id, j.group, "applied", {"instances": 2})
    assert stat.S_IMODE(j.path.stat().st_mode) == 0o600


def test_failed_block_is_journaled_as_failed_with_the_error(tmp_path):
    j = make_journal(tmp_path)
    with pytest.raises(errors.Conflict):
        with j.change("marathon", "marathon app /web", "create", after={"id": "/web"}):
            raise errors.Conflict("app /web already exists")
    (e,), _ = read_entries(j.path)
    assert e.outcome == "failed" and e.error == "app /web already exists"


def test_rotation_keeps_three_files_and_reads_across_them(tmp_path):
    j = Journal(path=tmp_path / "journal.jsonl", rotate_bytes=4000)
    for i in range(60):
        with j.change("aws", f"elb lb{i} listener 80", "replace listener", before={"pad": "x" * 100}):
            pass
    files = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("journal.jsonl"))
    assert files == ["journal.jsonl", "journal.jsonl.1", "journal.jsonl.2"]
    assert all(p.stat().st_size <= 4000 for p in tmp_path.glob("journal.jsonl*"))
    entries, damaged = read_entries(j.path)
    assert damaged == 0
    assert entries[0].object == "elb lb59 listener 80"  # newest first
    assert all(e.outcome == "applied" for e in entries)
    assert len(entries) < 60  # the oldest went with the fourth file


def test_damaged_line_is_skipped_and_counted(tmp_path):
    j = make_journal(tmp_path)
    with j.change("aws", "elb x health-check", "configure health check"):
        pass
    with j.path.open("a") as fh:
        fh.write('{"id": "cut-in-the-mid')
    entries, damaged = read_entries(j.path)
    assert len(entries) == 1 and damaged == 1


def test_concurrent_appenders_leave_whole_lines(tmp_path):
    """Processes appending at once (under the file lock) never interleave or lose a line."""
    path = tmp_path / "journal.jsonl"
    code = ("import sys; from pathlib import Path; from avictl.journal import store\n"
            "for i in range(300):\n"
            "    store.append(Path(sys.argv[1]), {'id': sys.argv[2] + str(i), 'pad': 'y' * 2000}, rotate_bytes=10**9)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), f"p{n}-"]) for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    records = lines(path)
    assert len(records) == 900
    assert {r["id"] for r in records} == {f"p{n}-{i}" for n in range(3) for i in range(300)}


# -- secrets -------------------------------------------------------------------------------------


def test_secrets_never_reach_the_file(tmp_path):
    from avictl.http import Redactor

    redactor = Redactor(["s3cr3t-session-cookie"])
    j = Journal(path=tmp_path / "journal.jsonl", command=redact_argv(
        ["app", "post", "x.json", "--set", "env.DB_PASSWORD=hunter22", "--token=abc123", "--password", "pw99"]),
        redactor=redactor)
    with j.change("marathon", "marathon app /web", "update",
                  before={"env": {"DB_PASSWORD": "hunter22", "MODE": "a"}, "note": "s3cr3t-session-cookie"},
                  after={"env": {"API_TOKEN": "tok-123456"}}):
        pass
    text = j.path.read_text()
    for secret in ("hunter22", "abc123", "pw99", "s3cr3t-session-cookie", "tok-123456"):
        assert secret not in text
    (e,), _ = read_entries(j.path)
    assert e.before["env"] == {"DB_PASSWORD": "***", "MODE": "a"}
    assert "env.DB_PASSWORD=***" in e.command and "--token=***" in e.command


# -- enforcement: no write without an entry ------------------------------------------------------


def test_marathon_transport_refuses_a_write_without_an_entry(marathon15):
    from avictl.marathon.client import MarathonClient

    bare = MarathonClient(marathon15.url)  # no journal at all
    with pytest.raises(JournalError, match="without a journal entry"):
        bare.post_app({"id": "/web", "cmd": "sleep 1"})
    j = make_journal()
    client = MarathonClient(marathon15.url, HttpOptions(journal=j))
    with pytest.raises(JournalError):  # a journal, but no open entry: the transport itself refuses
        client.transport.request("DELETE", "/v2/apps/web")
    assert client.list_apps() == []  # reads need no entry
    assert marathon15.sent("POST") == [] and marathon15.sent("DELETE") == []


def test_avi_transport_refuses_a_write_without_an_entry(avi_lab, avi_ca_bundle):
    from avictl.avi.client import AviClient
    from avictl.avi.session import Session

    opts = HttpOptions(ca_bundle=avi_ca_bundle, journal=make_journal())
    client = AviClient(Session(avi_lab.url, opts, username=avi_lab.username, password=avi_lab.password))
    with pytest.raises(JournalError):
        client.session.request("POST", "/api/pool", json_body={"name": "p1"})
    assert avi_lab.sent("POST", "^/api/pool") == []
    client.request("POST", "/api/pool", json_body={"name": "p1"})  # through the journaled path
    (e,), _ = read_entries(opts.journal.path)
    assert (e.system, e.object, e.action, e.outcome) == ("avi", "avi pool p1", "create", "applied")
    assert e.after["name"] == "p1" and e.after.get("uuid")


def test_aws_client_refuses_a_write_without_an_entry(aws_world, boto):
    from avictl.aws.client import AwsClient

    name = aws_world["elb_name"]
    for journal in (None, make_journal()):
        aws = AwsClient(region="us-east-1", endpoint_url=aws_world["endpoint_url"], journal=journal)
        with pytest.raises(JournalError):
            aws.call("elb", "delete_load_balancer_listeners", LoadBalancerName=name, LoadBalancerPorts=[80])
        aws.load_balancer(name)  # reads pass
    listeners = boto["elb"].describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    assert [ld["Listener"]["LoadBalancerPort"] for ld in listeners["ListenerDescriptions"]] == [80]


def test_aws_entry_is_on_disk_before_the_request_is_sent(aws_world):
    from avictl.aws.client import AwsClient

    j = make_journal()
    aws = AwsClient(region="us-east-1", endpoint_url=aws_world["endpoint_url"], journal=j)
    seen = []
    aws.client("elb").meta.events.register("before-send", lambda **_: seen.append(lines(j.path)))
    hc = {"Target": "TCP:80", "Interval": 30, "Timeout": 5, "HealthyThreshold": 2, "UnhealthyThreshold": 2}
    with aws.change(f"elb {aws_world['elb_name']} health-check", "configure health check", after=hc):
        aws.call("elb", "configure_health_check", LoadBalancerName=aws_world["elb_name"], HealthCheck=hc)
    assert [r["outcome"] for r in seen[-1]] == ["unfinished"]
    assert [r["outcome"] for r in lines(j.path)] == ["unfinished", "applied"]


def test_every_write_operation_of_the_aws_models_is_guarded():
    """A write is anything not Describe*/Get*/List*/Validate*: every mutating operation of the
    services avictl uses falls on the guarded side."""
    import botocore.session

    from avictl.aws.session import is_read

    session = botocore.session.get_session()
    writes = {"elb": {"CreateLoadBalancerListeners", "DeleteLoadBalancerListeners", "ConfigureHealthCheck",
                      "SetLoadBalancerPoliciesOfListener", "SetLoadBalancerPoliciesForBackendServer",
                      "RegisterInstancesWithLoadBalancer", "CreateLoadBalancerPolicy"},
              "elbv2": {"CreateTargetGroup", "DeleteTargetGroup", "ModifyListener", "RegisterTargets",
                        "DeregisterTargets", "ModifyTargetGroup", "ModifyTargetGroupAttributes"},
              "ec2": {"AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"},
              "cloudformation": {"CreateStack", "DeleteStack", "UpdateStack"}}
    for service, ops in writes.items():
        model = session.get_service_model(service)
        assert ops <= set(model.operation_names)
        assert not any(is_read(op) for op in ops)
        for op in model.operation_names:
            if is_read(op):
                assert not op.startswith(("Create", "Delete", "Modify", "Set", "Register", "Authorize", "Revoke"))


# -- through the CLI: one complete entry per write command -----------------------------------------


def test_each_marathon_write_command_leaves_one_complete_entry(cli, marathon15, avictl_home):
    env = {"MARATHON_URL": marathon15.url}
    steps = [
        (("app", "post", EXAMPLE), "create"),
        (("app", "scale", "/webapp1", "3", "--wait"), "scale"),
        (("app", "apply", EXAMPLE, "--set", "mem=96"), "update"),
        (("app", "restart", "/webapp1", "--force"), "restart"),
        (("app", "delete", "/webapp1", "--yes", "--force"), "delete"),
    ]
    for args, action in steps:
        r = cli(*args, env=env)
        assert r.exit_code == 0, (args, r)
        entries, damaged = read_entries(journal_file(avictl_home))
        assert damaged == 0
        assert (entries[0].object, entries[0].action, entries[0].outcome) == ("marathon app /webapp1", action,
                                                                                "applied"), args
        assert len({e.group for e in entries}) == len(entries)  # one entry per command here
    entries, _ = read_entries(journal_file(avictl_home))
    by_action = {e.action: e for e in entries}
    assert by_action["create"].before is None and by_action["create"].after["id"] == "/webapp1"
    assert by_action["scale"].before["instances"] == 2 and by_action["scale"].after == {"instances": 3,
                                                                                        "id": "/webapp1"}
    assert by_action["update"].before["mem"] == 64 and by_action["update"].after["mem"] == 96
    assert by_action["delete"].before["mem"] == 96 and by_action["delete"].after is None
    assert all(e.profile == "default" and e.command.startswith("avictl ") for e in entries)
    assert stat.S_IMODE(journal_file(avictl_home).stat().st_mode) == 0o600


def test_a_rejected_write_is_journaled_as_failed(cli, marathon15, avictl_home):
    env = {"MARATHON_URL": marathon15.url}
    assert cli("app", "post", EXAMPLE, "--no-wait", env=env).exit_code == 0
    r = cli("app", "post", EXAMPLE, "--no-wait", env=env)
    assert r.exit_code == 4, r
    entries, _ = read_entries(journal_file(avictl_home))
    assert (entries[0].action, entries[0].outcome) == ("create", "failed")
    assert "already exists" in entries[0].error


def test_journal_location_follows_xdg_state_home(cli, marathon15, avictl_home, tmp_path):
    state = tmp_path / "xdg-state"
    r = cli("app", "post", EXAMPLE, "--no-wait", env={"MARATHON_URL": marathon15.url, "XDG_STATE_HOME": str(state)})
    assert r.exit_code == 0, r
    assert (state / "avictl" / "journal.jsonl").exists()
    assert stat.S_IMODE((state / "avictl").stat().st_mode) & 0o077 == 0
    assert not journal_file(avictl_home).exists()


def test_unwritable_journal_means_nothing_is_sent(cli, marathon15, tmp_path):
    state = tmp_path / "ro-state"
    (state / "avictl").mkdir(parents=True)
    (state / "avictl" / "journal.jsonl").mkdir()  # a directory where the file should be: cannot append
    r = cli("app", "post", EXAMPLE, "--no-wait", env={"MARATHON_URL": marathon15.url, "XDG_STATE_HOME": str(state)})
    assert r.exit_code == 1, r
    assert "cannot write the journal" in r.stderr and "Traceback" not in r.stderr
    assert marathon15.sent("POST") == []


def test_default_path_is_under_home_local_state(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert store.journal_path() == tmp_path / ".local" / "state" / "avictl" / "journal.jsonl"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "s"))
    assert store.journal_path() == tmp_path / "s" / "avictl" / "journal.jsonl"
    assert os.fspath(store.journal_path()).endswith("avictl/journal.jsonl")
