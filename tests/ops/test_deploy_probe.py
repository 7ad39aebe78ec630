"""`deploy --check-url`: the probe goes through the shared transport (logged with -v, tried once)."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = str(Path(__file__).resolve().parent.parent.parent / "examples" / "Docker.json")


def test_the_probe_is_logged_with_v_and_not_retried(cli, seed_lab):
    env, marathon = seed_lab["env"], seed_lab["marathon"]
    marathon.add_fault(count=1, path="^/probe-once$", status=503)
    r = cli("deploy", EXAMPLE, "--yes", "-v", "--check-url", f"{marathon.url}/probe-once", env=env)
    assert r.exit_code == 1 and "503" in r.stderr, r
    assert f"GET {marathon.url}/probe-once → 503" in r.stderr, r.stderr
    assert len(marathon.sent("GET", "^/probe-once$")) == 1  # a 503 from the URL is the answer, not retried
    ok = cli("deploy", EXAMPLE, "--yes", "-o", "json", "--check-url", f"{marathon.url}/v2/info?x=1", env=env)
    assert ok.exit_code == 0 and json.loads(ok.stdout)["probe"] == "HTTP 200", ok
    assert marathon.sent("GET", "^/v2/info$")[-1]["query"] == {"x": ["1"]}  # the URL is probed as given
