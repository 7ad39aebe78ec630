"""App-definition validation and --set overrides (no server involved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from avictl.errors import UsageError
from avictl.marathon.appdef import (apply_overrides, check_app_id, container_ports, load_app_definition,
                                    network_mode, service_ports)

CORPUS = Path(__file__).parent / "corpus" / "appdef"
FIXTURES = Path(__file__).parent / "fixtures" / "marathon"
BAD = sorted((CORPUS / "bad").iterdir())
GOOD = sorted((CORPUS / "good").iterdir())


def test_corpus_is_big_enough():
    assert len(BAD) >= 15


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_definitions_are_usage_errors(path):
    with pytest.raises(UsageError) as info:
        load_app_definition(path.read_bytes(), path.name)
    assert info.value.exit_code == 2
    assert info.value.message.startswith(path.name + ":")
    assert "\n" not in info.value.message


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_definitions_load(path):
    d = load_app_definition(path.read_bytes(), path.name)
    assert d["id"]


def test_syntax_error_has_line_and_column():
    with pytest.raises(UsageError) as info:
        load_app_definition((CORPUS / "bad" / "trailing-comma.json").read_text(), "Docker.json")
    assert "line 4, column 1" in info.value.message


def test_type_error_points_at_the_line():
    text = '{\n  "id": "web",\n  "cmd": "x",\n  "instances": "2"\n}\n'
    with pytest.raises(UsageError) as info:
        load_app_definition(text, "f.json")
    assert "line 4" in info.value.message and "instances" in info.value.message


def test_duplicate_key_points_at_the_second():
    with pytest.raises(UsageError, match="line 3"):
        load_app_definition('{"id": "a",\n "cmd": "x",\n "id": "b"}', "f")


@pytest.mark.parametrize("app_id, ok", [
    ("web", True), ("/web", True), ("/a/b.c/d-e", True), ("a1", True),
    ("/Web", False), ("web_", False), ("-web", False), ("web-", False), ("/a//b", False), ("/a/", False),
    ("", False), ("/", False), ("/a/../b", False),
])
def test_app_id_rules(app_id, ok):
    assert (check_app_id(app_id) is None) == ok


def test_real_example_app_definition_is_valid():
    import json
    example = json.loads((FIXTURES / "v1.5" / "app.json").read_text())
    del example["args"]  # the documentation example shows both; Marathon accepts only one of cmd/args
    load_app_definition(json.dumps(example), "app.json")


def test_exported_app_can_be_reposted():
    """`app show -o json` output carries read-only fields; they are dropped, not rejected."""
    text = (FIXTURES / "v0.9" / "app_get_embed_tasks.json").read_text()
    import json
    app = json.loads(text)["app"]
    d = load_app_definition(json.dumps(app), "exported")
    assert "tasks" not in d and "tasksRunning" not in d and "version" not in d


def test_overrides_are_typed_and_dotted():
    d = load_app_definition((CORPUS / "good" / "Docker.json").read_text())
    out = apply_overrides(d, ["instances=3", "id=/web", "env.PORT=8080", "cpus=0.25",
                              "container.docker.portMappings[0].containerPort=8080",
                              "container.docker.image=nginx:1.25", "labels.HAPROXY_0_VHOST=true",
                              "upgradeStrategy.minimumHealthCapacity=0.5", "constraints=[[\"hostname\",\"UNIQUE\"]]"])
    assert out["instances"] == 3 and out["id"] == "/web" and out["cpus"] == 0.25
    assert out["env"] == {"PORT": "8080"}
    assert out["labels"]["HAPROXY_0_VHOST"] == "true"
    assert out["container"]["docker"]["portMappings"][0]["containerPort"] == 8080
    assert out["container"]["docker"]["image"] == "nginx:1.25"
    assert out["upgradeStrategy"] == {"minimumHealthCapacity": 0.5}
    assert out["constraints"] == [["hostname", "UNIQUE"]]
    assert d["instances"] == 2  # the input is not changed


@pytest.mark.parametrize("override, fragment", [
    ("instances", "KEY=VALUE"), ("instances=lots", "instances"), ("id=/Bad", "upper-case"),
    ("container.docker.portMappings[3].hostPort=1", "out of range"), ("=3", "invalid key"),
    ("cpus.x=1", "not an object"),
])
def test_bad_overrides(override, fragment):
    d = load_app_definition((CORPUS / "good" / "Docker.json").read_text())
    with pytest.raises(UsageError, match=fragment.replace("[", r"\[")):
        apply_overrides(d, [override])


def test_both_networking_forms_read_alike():
    old = load_app_definition((CORPUS / "good" / "Docker.json").read_text())
    new = load_app_definition((CORPUS / "good" / "Docker-1.5.json").read_text())
    assert network_mode(old) == network_mode(new) == "BRIDGE"
    assert container_ports(old)[0]["containerPort"] == container_ports(new)[0]["containerPort"] == 80


def test_service_ports_from_replies():
    import json
    app = json.loads((FIXTURES / "v1.5" / "app_list.json").read_text())["apps"][0]
    assert service_ports(app) == [10013, 10015]
    assert service_ports(json.loads((FIXTURES / "v0.9" / "app_post_201.json").read_text())) == [0]
