"""Property-based tests (hypothesis): the app-definition validator and the output formatters."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avictl import errors
from avictl.marathon import appdef
from avictl.output import Column, Printer

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=25,
)
# A path segment per Marathon's PathId.scala: dot-separated DNS labels (no empty label, none
# starting or ending with '-').
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
SEGMENT = st.lists(LABEL, min_size=1, max_size=3).map(".".join)
APP_ID = st.lists(SEGMENT, min_size=1, max_size=3).map(lambda segs: "/" + "/".join(segs))

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(JSON)
def test_validator_accepts_or_refuses_any_json_with_a_usage_error(value):
    try:
        result = appdef.load_app_definition(json.dumps(value), "x.json")
    except errors.UsageError as exc:
        assert exc.exit_code == 2 and "\n" not in exc.message.strip()
    else:
        assert isinstance(result, dict) and appdef.check_app_id(result["id"]) is None


@FAST
@given(st.binary(max_size=200))
def test_validator_never_crashes_on_bytes(data):
    try:
        appdef.load_app_definition(data, "x.json")
    except errors.UsageError:
        pass


@FAST
@given(APP_ID, st.integers(0, 1000), st.floats(0.01, 64), st.integers(0, 65535))
def test_valid_definitions_are_accepted_and_ids_normalize_idempotently(app_id, instances, cpus, port):
    defn = {"id": app_id.lstrip("/"), "instances": instances, "cpus": cpus, "mem": 64,
            "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
                                                        "portMappings": [{"containerPort": port, "hostPort": 0}]}}}
    loaded = appdef.load_app_definition(json.dumps(defn), "x.json")
    norm = appdef.AppId(loaded["id"])
    assert norm == app_id and appdef.AppId(str(norm)) == norm and appdef.AppId(norm) is norm
    assert [p["containerPort"] for p in appdef.container_ports(loaded)] == [port]


@FAST
@given(APP_ID, st.text(min_size=1, max_size=5))
def test_ids_with_a_bad_character_are_refused(app_id, junk):
    bad = app_id + junk
    if appdef.check_app_id(bad) is None:
        return  # the junk happened to be valid id characters
    try:
        appdef.AppId(bad)
    except errors.UsageError:
        return
    raise AssertionError(f"{bad!r} was accepted")


ROW = st.fixed_dictionaries({"name": st.text(max_size=15), "value": JSON, "n": st.integers()})
COLUMNS = [Column("NAME", "name"), Column("VALUE", "value"), Column("N", "n", wide=True)]


def render(fmt, rows, **kw):
    out = io.StringIO()
    Printer(fmt, stream=out, **kw).list(iter(rows), COLUMNS)
    return out.getvalue()


@FAST
@given(st.lists(ROW, max_size=6))
def test_json_and_jsonl_round_trip(rows):
    assert json.loads(render("json", rows)) == rows
    lines = render("jsonl", rows).splitlines()
    assert [json.loads(x) for x in lines] == rows


@FAST
@given(st.lists(ROW, max_size=6))
def test_tsv_and_name_keep_one_line_per_item(rows):
    tsv = render("tsv", rows)
    assert tsv.count("\n") == len(rows)
    assert all(line.count("\t") == 1 for line in tsv.splitlines())
    assert render("name", rows).count("\n") == len(rows)


@FAST
@given(st.lists(ROW, max_size=6), st.sampled_from(["table", "wide", "yaml"]))
def test_table_wide_yaml_never_crash(rows, fmt):
    text = render(fmt, rows)
    if fmt in ("table", "wide") and rows:
        assert text.count("\n") == len(rows) + 1


@FAST
@given(st.lists(ROW, max_size=6))
def test_query_is_applied_to_the_json_form(rows):
    out = io.StringIO()
    Printer("json", query="[].n", stream=out).list(rows, COLUMNS)
    assert json.loads(out.getvalue()) == [r["n"] for r in rows]
