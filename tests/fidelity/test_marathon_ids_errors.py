"""App ids per PathId.scala and Marathon's error bodies in their own words (0.9 and 1.5 shapes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

FIX = Path(__file__).parent.parent / "fixtures" / "marathon"


def _pathid_pattern() -> re.Pattern[str]:
    """ID_PATH_SEGMENT_PATTERN copied from PathId.scala @ v1.5.0 (the same regex as 0.9.2's idErrors)."""
    text = (FIX / "source" / "v1.5.0_PathId_segment_pattern.scala.txt").read_text()
    raw = re.search(r'"(\^.*\$)"\.r', text).group(1).replace("\\\\", "\\")
    assert raw in (FIX / "source" / "v0.9.2_ModelValidation_idErrors.scala.txt").read_text().replace("\\\\", "\\")
    return re.compile(raw)


@pytest.mark.parametrize("app_id", ["/a..b", "a.-b", "/g/a-.b", "/x/.a", "/a./b", "/-a", "/a-"])
def test_ids_marathon_refuses_are_refused_locally_and_nothing_is_sent(cli, marathon15, app_id):
    seg = next(s for s in app_id.strip("/").split("/") if not _pathid_pattern().fullmatch(s))
    assert seg  # Marathon's own pattern refuses a segment of it
    r = cli("app", "post", "-", input=json.dumps({"id": app_id, "cmd": "sleep 1"}),
            env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 2, r.output
    assert "invalid" in r.output.lower() or "must be" in r.output
    assert not marathon15.sent("POST")


@pytest.mark.parametrize("app_id", ["/a.b", "/shop/cart-2", "/a1.b-c.d", "/x/y/z"])
def test_ids_marathon_accepts_are_accepted(cli, marathon15, app_id):
    assert all(_pathid_pattern().fullmatch(s) for s in app_id.strip("/").split("/"))
    r = cli("app", "post", "-", "--no-wait", input=json.dumps({"id": app_id, "cmd": "sleep 1"}),
            env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("fixture, words", [
    ("v0.9/error_422_errors_only.json", "AppDefinition must either contain a 'cmd' or a 'container'."),
    ("v1.5/error_400_invalid_json.json", "was expecting double-quote to start field name"),
])
def test_error_bodies_in_their_own_words(cli, marathon15, fixture, words):
    body = json.loads((FIX / fixture).read_text())
    status = 422 if "errors" in body else 400
    r0 = cli("app", "post", "-", "--no-wait", input=json.dumps({"id": "web", "cmd": "sleep 1"}),
             env={"MARATHON_URL": marathon15.url})
    assert r0.exit_code == 0, r0.output
    marathon15.add_fault(method="PUT", path="^/v2/apps/web", status=status, body=body)
    r = cli("app", "scale", "web", "2", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code != 0
    line = [ln for ln in r.output.splitlines() if ln.startswith("avictl: error:")]
    assert len(line) == 1 and words in line[0], r.output
    assert "Traceback" not in r.output
