"""The bad-input corpus (tests/corpus/): every case ends in one clear line and its exit code.

Bad input (flags, ports, app definitions, config files) → exit 2 and nothing sent, counted
from the stand-ins' request logs. Hostile server replies → the documented code, no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = CORPUS.parent.parent


def cases(folder: str, pattern: str = "*") -> list[Path]:
    return sorted((CORPUS / folder).glob(pattern))


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    from avictl.lab.avi import AviLab
    from avictl.lab.marathon import MarathonLab
    from avictl.lab.tls import make_ca_and_cert, server_context

    ca, cert, key = make_ca_and_cert(tmp_path_factory.mktemp("corpus-tls"))
    marathon = MarathonLab("1.5.0", deploy_seconds=0.2).start()
    avi = AviLab(marathon.url, "22.1.3", tls=server_context(cert, key)).start()
    env = {"MARATHON_URL": marathon.url, "AVI_CONTROLLER": avi.url, "AVI_USERNAME": avi.username,
           "AVI_PASSWORD": avi.password, "AVI_CA_BUNDLE": ca,
           # an AWS endpoint nobody listens on: bad input must fail before any AWS call
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "AVICTL_ELB": "avi-mesos-PublicSlaveL"}
    yield {"marathon": marathon, "avi": avi, "env": env}
    avi.stop()
    marathon.stop()


@pytest.fixture
def fresh(servers):
    for s in (servers["marathon"], servers["avi"]):
        s.clear_faults()
        s.clear_requests()
    return servers


def assert_one_clear_error(r, code: int) -> None:
    assert r.exit_code == code, r
    lines = r.stderr.strip().splitlines()
    assert lines and lines[0].startswith("avictl: error: "), r
    assert len(lines) <= 2 and all(len(x) < 600 for x in lines), r
    if len(lines) == 2:
        assert lines[1].startswith("hint: "), r
    assert "Traceback" not in r.stderr


def nothing_sent(servers) -> bool:
    return not servers["marathon"].sent() and not servers["avi"].sent()


@pytest.mark.parametrize("case", cases("args", "*.json"), ids=lambda p: p.stem)
def test_bad_flags_exit_2_nothing_sent(cli, fresh, case, monkeypatch):
    monkeypatch.chdir(ROOT)
    spec = json.loads(case.read_text())
    r = cli(*spec["argv"], env=fresh["env"])
    assert_one_clear_error(r, spec["exit"])
    assert nothing_sent(fresh), (fresh["marathon"].sent(), fresh["avi"].sent())


APPDEFS = cases("appdef/bad", "*.json") + cases("appdef-hostile", "*.json")


@pytest.mark.parametrize("case", APPDEFS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_bad_app_definitions_exit_2_nothing_sent(cli, fresh, case):
    for command in (["app", "post", str(case)], ["deploy", str(case), "--yes"]):
        r = cli(*command, env=fresh["env"])
        assert_one_clear_error(r, 2)
    assert nothing_sent(fresh)


def test_ten_megabyte_definition_refused(cli, fresh, tmp_path):
    big = tmp_path / "big.json"
    big.write_text('{"id": "/big", "labels": {"x": "' + "a" * (10 * 1024 * 1024) + '"}}')
    r = cli("app", "post", str(big), env=fresh["env"])
    assert r.exit_code == 2, r
    assert "Traceback" not in r.stderr and nothing_sent(fresh)


def test_definition_from_stdin_in_latin1_refused(cli, fresh):
    r = cli("app", "post", "-", input='{"id": "/caf\xe9", "instances": 1}'.encode("latin-1"), env=fresh["env"])
    assert_one_clear_error(r, 2)
    assert nothing_sent(fresh)


@pytest.mark.parametrize("case", cases("config"), ids=lambda p: p.name)
def test_broken_config_files_exit_2(cli, fresh, config_file, case):
    config_file.write_bytes(case.read_bytes())
    for command in (["config", "show"], ["app", "list"], ["vs", "list"]):
        r = cli(*command, env={"AVICTL_PROFILE": "a"} if b"profiles" in case.read_bytes() else {})
        assert_one_clear_error(r, 2)
        assert str(config_file) in r.stderr.splitlines()[0]
        assert "hunter2" not in r.output and "jwt-secret" not in r.output
    assert nothing_sent(fresh)


@pytest.mark.parametrize("case", cases("replies", "*.json"), ids=lambda p: p.stem)
def test_hostile_server_replies(cli, fresh, case):
    spec = json.loads(case.read_text())
    server = fresh[spec["system"]]
    server.add_fault(count=0, path=spec["path"], status=spec["status"], body=spec["body"], headers=spec["headers"])
    r = cli(*spec["command"], env=fresh["env"])
    if spec["exit"] == 0:  # survivable: avictl believes the objects, not the count
        assert r.exit_code == 0 and "Traceback" not in r.stderr, r
        return
    assert_one_clear_error(r, spec["exit"])
    assert "<html" not in r.stderr.lower() and "NullPointerException" not in r.stderr
    assert "evil.example.com" not in "".join(str(x) for x in server.sent()), "followed a redirect"


def test_corpus_has_at_least_fifty_cases():
    total = len(cases("args", "*.json")) + len(APPDEFS) + len(cases("config")) + len(cases("replies", "*.json")) + 2
    assert total >= 50, total
