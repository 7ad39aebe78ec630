"""One output convention everywhere (issue 13 item 16): keys are lower_snake in json, jsonl,
yaml and tsv; key/value views for people show them as Title Case labels; list tables keep
kubectl's upper-case headers, and tsv headers are those headers in lower_snake.

JSON and YAML of objects that come straight from a product's API keep the product's keys
(README "Output"): Marathon apps, tasks and deployments, CloudFormation stacks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import isolated_env

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "Docker.json")
ELB = "avi-mesos-PublicSlaveL"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# A Title Case label: each word capitalised (or an abbreviation), short joining words in lower case.
TITLE = re.compile(r"^[A-Z][A-Za-z0-9]*( ([A-Z][A-Za-z0-9]*|a|an|and|as|at|by|for|in|of|on|or|per|the|to))*$")

# The objects as the product's API gives them: their own keys in json and yaml.
PRODUCT_JSON = {"app show", "app list", "app tasks", "stack show", "stack list", "deployment list"}
# Keys whose value is the product's object or a map keyed by data (instance ids, ports): not ours to
# name. `config`: the raw Avi object of `vs/pool/cloud show`; `before`/`after`: what the journal
# recorded; `default_actions`: an ELBv2 listener's actions as AWS gives and takes them back.
DATA_VALUED = {"config", "before", "after", "backend_policies", "agents", "default_actions", "labels", "env"}


@pytest.fixture
def deployed(cli, seed_lab) -> dict[str, Any]:
    """The lab after `deploy`: an app, its VS and pool, the ELB pointing at it, journal entries."""
    env = seed_lab["env"]
    r = cli("deploy", EXAMPLE, "--elb", ELB, "--yes", env=env)
    assert r.exit_code == 0, r
    names = {kind: json.loads(cli(kind, "list", "-o", "json", env=env).stdout)[0]
             for kind in ("vs", "se", "node")}
    return {"env": env, "vs": names["vs"]["name"], "se": names["se"]["name"], "node": names["node"]["id"]}


def _shows(d: dict[str, Any]) -> dict[str, list[str]]:
    return {
        "vs show": ["vs", "show", d["vs"]],
        "app show": ["app", "show", "/webapp1"],
        "pool show": ["pool", "show", "webapp1-pool-80"],
        "cloud show": ["cloud", "show", "Default-Cloud"],
        "se show": ["se", "show", d["se"]],
        "node show": ["node", "show", d["node"]],
        "elb show": ["elb", "show", ELB],
        "stack show": ["stack", "show", "avi-mesos"],
        "deploy": ["deploy", EXAMPLE, "--elb", ELB, "--dry-run"],
        "app scale": ["app", "scale", "/webapp1", "2"],
    }


LISTS = {
    "vs list": ["vs", "list"],
    "app list": ["app", "list"],
    "app ports": ["app", "ports", "/webapp1"],
    "app tasks": ["app", "tasks", "/webapp1"],
    "pool list": ["pool", "list"],
    "cloud list": ["cloud", "list"],
    "cloud status": ["cloud", "status"],
    "se list": ["se", "list"],
    "node list": ["node", "list"],
    "elb list": ["elb", "list"],
    "elb health": ["elb", "health", ELB],
    "stack list": ["stack", "list"],
    "status": ["status"],
    "history": ["history"],
    "config show": ["config", "show"],
}


def _keys(data: Any, where: str = "") -> list[tuple[str, str]]:
    """Every (path, key) of the dicts in `data`, skipping values that are product objects or data maps."""
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((where, str(key)))
            if key not in DATA_VALUED:
                found += _keys(value, f"{where}.{key}")
    elif isinstance(data, list):
        for item in data:
            found += _keys(item, where)
    return found


def _not_snake(data: Any) -> list[tuple[str, str]]:
    return [(path, key) for path, key in _keys(data) if not SNAKE.match(key)]


def test_show_commands_keys_are_lower_snake_and_labels_title_case(cli, deployed):
    env = deployed["env"]
    for what, args in _shows(deployed).items():
        tsv = cli(*args, "-o", "tsv", env=env)
        assert tsv.exit_code == 0, (what, tsv)
        keys = [line.split("\t", 1)[0] for line in tsv.stdout.splitlines()]
        assert keys and all(SNAKE.match(k) for k in keys), (what, keys)

        table = cli(*args, "-o", "table", env=env)
        assert table.exit_code == 0, (what, table)
        labels = [line.split(":", 1)[0] for line in table.stdout.splitlines()]
        assert len(labels) == len(keys) and all(TITLE.match(label) for label in labels), (what, labels)

        if what in PRODUCT_JSON:
            continue
        for fmt, parse in (("json", json.loads), ("yaml", yaml.safe_load)):
            out = cli(*args, "-o", fmt, env=env)
            assert out.exit_code == 0, (what, fmt, out)
            assert _not_snake(parse(out.stdout)) == [], (what, fmt)


def test_list_commands_keys_are_lower_snake(cli, deployed):
    env = deployed["env"]
    for what, args in LISTS.items():
        if what in PRODUCT_JSON:
            continue
        for fmt in ("json", "jsonl", "yaml"):
            out = cli(*args, "-o", fmt, env=env)
            assert out.exit_code == 0, (what, fmt, out)
            if fmt == "jsonl":
                data = [json.loads(line) for line in out.stdout.splitlines()]
            elif fmt == "yaml":
                data = list(yaml.safe_load_all(out.stdout))
            else:
                data = json.loads(out.stdout)
            assert data and _not_snake(data) == [], (what, fmt, _not_snake(data))


def test_tsv_headers_on_a_terminal_are_lower_snake(deployed, tmp_path):
    from cli.test_terminal_tables import run_in_pty

    env = isolated_env(tmp_path, {**deployed["env"], "NO_COLOR": "1"})
    for what in ("vs list", "app ports", "app list", "history", "status", "elb list"):
        code, out, err = run_in_pty([*LISTS[what], "-o", "tsv"], env, 200)
        assert code == 0, (what, err)
        header = out.splitlines()[0].split("\t")
        assert all(SNAKE.match(h) for h in header), (what, header)
        table = run_in_pty([*LISTS[what], "-o", "table"], env, 200)[1].splitlines()[0]
        assert " ".join(table.split()).lower().replace(" ", "_") == "_".join(header), (what, table, header)


def test_label_and_snake_are_one_conversion():
    from avictl.output import label, snake

    assert [label(k) for k in ("service_port", "vips", "uuid", "use_bridge_ip_as_vip", "ca_bundle")] == \
        ["Service Port", "VIPs", "UUID", "Use Bridge IP as VIP", "CA Bundle"]
    assert [snake(t) for t in ("SERVICE PORT", "Service Port", "servicePort", "MesosMasterURL")] == \
        ["service_port"] * 3 + ["mesos_master_url"]
