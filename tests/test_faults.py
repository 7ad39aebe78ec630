"""avictl under injected faults, against the lab stand-ins over real HTTP(S).

What was sent is always counted from the stand-ins' request logs (`server.sent(...)`), never
from avictl's own output. No assert compares durations (issue #20): a retry is counted, a limit is
made the observable (a wait's limit beyond pytest's own timeout, a server that holds or refuses
early requests), and speed is measured by bench/ scripts. The faults come from avictl/lab/base.py (`add_fault`), the Avi
stand-in's session hooks (`/_lab/expire`) and the Marathon stand-in's event streams.

SPEC.md §5 (exit codes, one-line errors, ambiguous POSTs) and §6 (retries, sessions).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from avictl.lab.base import Response

APP = {"id": "/faults/web", "cmd": "sleep 1000", "instances": 1, "cpus": 0.1, "mem": 32}


def assert_one_error(r: Any, code: int, *words: str) -> str:
    """Exit `code`; stderr ends with one `avictl: error: ...` line and at most a `hint:` line (progress
    lines may come before); no traceback."""
    assert r.exit_code == code, r
    assert "Traceback" not in r.output, r
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    errs = [i for i, ln in enumerate(lines) if ln.startswith("avictl: error: ")]
    assert len(errs) == 1, r
    tail = lines[errs[0] + 1:]
    assert tail == [] or (len(tail) == 1 and tail[0].startswith("hint: ")), r
    for w in words:
        assert w in r.stderr, (w, r)
    return lines[errs[0]]


def app_file(tmp_path: Path, app: dict[str, Any] = APP) -> str:
    path = tmp_path / "Docker.json"
    path.write_text(json.dumps(app))
    return str(path)


def lab_post(server: Any, what: str, body: Any = None) -> None:
    """POST to a stand-in's admin endpoint (as an operator driving `avictl lab` would)."""
    import ssl

    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    req = urllib.request.Request(f"{server.url}/_lab/{what}", data=json.dumps(body or {}).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10, context=ctx if server.url.startswith("https") else None):
        pass


# -- idempotent requests: retried on 502/503/504 and resets, with backoff -----------------------------------


@pytest.mark.parametrize("status", [502, 503, 504])
def test_get_retried_on_gateway_errors_until_it_clears(cli, marathon_lab, status):
    marathon_lab.add_fault(count=2, method="GET", path="^/v2/apps$", status=status)
    r = cli("app", "list", "-o", "json", env={"MARATHON_URL": marathon_lab.url})
    assert r.exit_code == 0, r
    assert json.loads(r.stdout) == []
    sent = marathon_lab.sent("GET", "^/v2/apps$")
    assert len(sent) == 3  # two failures + the one that worked (the backoff between them: the next test)


@pytest.mark.parametrize("fault", [{"reset": True}, {"truncate": True}],
                         ids=["connection-reset", "truncated-body"])
def test_get_retried_on_reset_or_truncated_reply(cli, marathon15, fault):
    marathon15.add_fault(count=2, method="GET", path="^/v2/apps$", **fault)
    r = cli("app", "list", "-o", "json", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    assert json.loads(r.stdout) == []
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 3


def test_backoff_is_jittered_and_retry_after_is_bounded(marathon15):
    """At the transport: the sleeps between tries vary (jitter) inside [d/2, d], and a Retry-After
    is honoured but capped (30 s), so a hostile server cannot park avictl for an hour."""
    from avictl.http import HttpOptions, Transport

    slept: list[float] = []
    t = Transport(marathon15.url, HttpOptions(timeout=5))
    t.sleep = slept.append
    try:
        for _ in range(6):
            marathon15.add_fault(count=1, method="GET", path="^/v2/info$", status=503)
            assert t.request("GET", "/v2/info").status_code == 200
        assert all(0.125 <= s <= 0.25 for s in slept), slept
        assert len(set(slept)) > 1, slept  # jitter: not the same delay every time
        slept.clear()
        # backoff: 0.25 s × 2^(n-1), jittered down to half: 0.125–0.25 s, then 0.25–0.5 s
        marathon15.add_fault(count=2, method="GET", path="^/v2/info$", status=502)
        assert t.request("GET", "/v2/info").status_code == 200
        assert len(slept) == 2 and 0.125 <= slept[0] <= 0.25 and 0.25 <= slept[1] <= 0.5, slept
        slept.clear()
        marathon15.add_fault(count=1, method="GET", path="^/v2/info$", status=503, headers={"Retry-After": "1"})
        assert t.request("GET", "/v2/info").status_code == 200
        assert slept == [1.0]
        slept.clear()
        marathon15.add_fault(count=1, method="GET", path="^/v2/info$", status=503, headers={"Retry-After": "3600"})
        assert t.request("GET", "/v2/info").status_code == 200
        assert slept == [30.0]
        slept.clear()
        marathon15.add_fault(count=1, method="GET", path="^/v2/info$", status=503, headers={"Retry-After": "-5"})
        assert t.request("GET", "/v2/info").status_code == 200
        assert slept == [0.0]
        slept.clear()
        from email.utils import formatdate

        marathon15.add_fault(count=1, method="GET", path="^/v2/info$", status=503,
                             headers={"Retry-After": formatdate(time.time() + 4, usegmt=True)})
        assert t.request("GET", "/v2/info").status_code == 200
        assert len(slept) == 1 and 2.0 <= slept[0] <= 4.5, slept  # an HTTP date counts too
    finally:
        t.close()


def test_retry_after_is_honoured(cli, marathon15, monkeypatch):
    """Against a server that enforces its Retry-After, as a rate limiter does: a try before the
    second is up is refused again (503, Retry-After: 1). avictl waits as asked, so its second try is
    answered: two GETs, exit 0. A client that retried on its own backoff instead (three tries within
    0.75 s) would be refused every time and give up with exit 1."""
    handle = marathon15.handle
    refused_at: list[float] = []

    def enforcing(req):
        if req.method == "GET" and req.path == "/v2/apps":
            if not refused_at:
                refused_at.append(time.monotonic())
            if time.monotonic() - refused_at[0] < 1.0:
                return Response.json({"message": "slow down"}, 503, [("Retry-After", "1")])
        return handle(req)

    monkeypatch.setattr(marathon15, "handle", enforcing)
    r = cli("app", "list", "-o", "json", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    assert json.loads(r.stdout) == []
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 2


def test_500_is_not_retried_and_shows_the_servers_words(cli, marathon15):
    marathon15.add_fault(count=1, method="GET", path="^/v2/apps$", status=500,
                         body={"message": "lab storage exploded"})
    r = cli("app", "list", env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 1, "lab storage exploded", "500")
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 1


def test_503_three_times_gives_up_with_exit_1(cli, marathon15):
    marathon15.add_fault(count=0, method="GET", path="^/v2/apps$", status=503,
                         body={"message": "Marathon is electing a leader"})
    r = cli("app", "list", env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 1, "503", "electing a leader")
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 3


def test_resets_three_times_exit_6(cli, marathon15):
    marathon15.add_fault(count=0, method="GET", path="^/v2/apps$", reset=True)
    r = cli("app", "list", env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 6, "Marathon")
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 3


def test_slow_body_within_the_timeout_is_read_once(cli, marathon15):
    marathon15.add_fault(count=1, method="GET", path="^/v2/apps$", slow_body=1.0)
    r = cli("app", "list", "-o", "json", "--timeout", "2", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    assert json.loads(r.stdout) == []
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 1  # no needless second try


def test_put_is_retried_but_applied_once_per_try(cli, marathon15, tmp_path):
    """PUT is idempotent: a 503 on `app apply` is retried, and the app ends as asked."""
    from plugins.avi_lab import post_marathon_app

    post_marathon_app(marathon15, APP, wait_running=1)
    marathon15.clear_requests()
    marathon15.add_fault(count=1, method="PUT", path="^/v2/apps/faults/web$", status=503)
    r = cli("app", "apply", app_file(tmp_path, {**APP, "instances": 2}), "--timeout", "20",
            env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    assert len(marathon15.sent("PUT", "^/v2/apps/faults/web$")) == 2
    assert marathon15.apps["/faults/web"]["instances"] == 2


# -- POST: never sent twice -------------------------------------------------------------------------------


def test_post_applied_then_connection_dropped_succeeds_with_a_warning(cli, marathon15, tmp_path):
    marathon15.add_fault(count=1, method="POST", path="^/v2/apps$", reset_after=True)
    r = cli("app", "post", app_file(tmp_path), "--timeout", "20", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    assert "warning:" in r.stderr and "exists now" in r.stderr, r
    assert "Traceback" not in r.output
    assert len(marathon15.sent("POST", "^/v2/apps$")) == 1
    assert marathon15.sent("GET", "^/v2/apps/faults/web$")  # it looked before claiming success
    assert "/faults/web" in marathon15.apps


def test_post_reply_truncated_counts_as_ambiguous(cli, marathon15, tmp_path):
    marathon15.add_fault(count=1, method="POST", path="^/v2/apps$", truncate=True)
    r = cli("app", "post", app_file(tmp_path), "--timeout", "20", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    assert "warning:" in r.stderr
    assert len(marathon15.sent("POST", "^/v2/apps$")) == 1


def test_post_lost_before_applying_is_a_clear_error_and_not_resent(cli, marathon15, tmp_path):
    """The connection drops before Marathon applied it: the app does not exist, so avictl says the
    POST was lost (exit 6, SPEC: cannot connect) and that running it again is safe; one POST only."""
    marathon15.add_fault(count=1, method="POST", path="^/v2/apps$", reset=True)
    r = cli("app", "post", app_file(tmp_path), env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 6, "/faults/web", "does not exist")
    assert "safe to run" in r.stderr
    assert len(marathon15.sent("POST", "^/v2/apps$")) == 1
    assert "/faults/web" not in marathon15.apps


@pytest.mark.parametrize("status", [502, 503, 504])
def test_post_answered_with_a_gateway_error_is_not_retried(cli, marathon15, tmp_path, status):
    marathon15.add_fault(count=1, method="POST", path="^/v2/apps$", status=status)
    r = cli("app", "post", app_file(tmp_path), env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 1, str(status))
    assert len(marathon15.sent("POST", "^/v2/apps$")) == 1


def test_post_with_the_lookup_failing_too_is_still_one_post(cli, marathon15, tmp_path):
    """Worst case: the POST's answer is lost and the server then stops answering: the command fails
    (cannot connect), the POST was still sent once."""
    marathon15.add_fault(count=1, method="POST", path="^/v2/apps$", reset_after=True)
    marathon15.add_fault(count=0, method="GET", path="^/v2/apps/", reset=True)
    r = cli("app", "post", app_file(tmp_path), env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 6)
    assert len(marathon15.sent("POST", "^/v2/apps$")) == 1


# -- timeouts: per request and per wait ---------------------------------------------------------------------


def test_request_timeout_with_retries_is_bounded(cli, marathon15):
    """Every try is cut at the request timeout: the replies (3 s late) never arrive, three tries, exit 6."""
    marathon15.add_fault(count=0, method="GET", path="^/v2/apps$", latency=3.0)
    r = cli("app", "list", "--timeout", "1", env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 6, "timed out", "--request-timeout")
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 3


def test_global_timeout_option_before_the_command(run_avictl, marathon15):
    marathon15.add_fault(count=0, method="GET", path="^/v2/apps$", latency=3.0)
    r = run_avictl("--timeout", "1", "app", "list", env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 6, "timed out")
    assert len(marathon15.sent("GET", "^/v2/apps$")) == 3  # each try cut at 1 s (the 3 s reply never came)


def test_wait_timeout_exit_7(cli, marathon15, tmp_path):
    """The deployment takes 60 s: a wait that ignored its 1.5 s limit would end with exit 0."""
    marathon15.deploy_seconds = 60
    r = cli("app", "post", app_file(tmp_path), "--timeout", "1.5", env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 7, "timed out after 1.5s", "/faults/web")
    assert len(marathon15.sent("POST", "^/v2/apps$")) == 1


# -- the event stream stalls or drops in the middle of a deployment --------------------------------------------


# The wait's limit (600 s) and the stalls are beyond pytest's timeout (120 s): a wait that only
# returned at its limit, or when a stalled stream ended, fails the test instead of passing late.
@pytest.mark.parametrize("fault", [
    {"stall": 600.0, "stream_chunks": 0},  # headers, then silence (not even heartbeats)
    {"stall": 600.0, "stream_chunks": 1},  # attached, then silence
    {"drop": True, "stream_chunks": 1},   # attached, then the connection is cut (every reconnect too)
], ids=["stall-at-once", "stall-after-attach", "drop-after-attach"])
def test_wait_survives_a_stalled_or_dropped_event_stream(cli, marathon15, tmp_path, fault):
    marathon15.deploy_seconds = 1.0
    marathon15.add_fault(count=0, method="GET", path="^/v2/events", **fault)
    r = cli("app", "post", app_file(tmp_path), "--timeout", "600", "-o", "json",
            env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["tasksRunning"] == 1
    assert marathon15.sent("GET", "^/v2/events")
    assert len(marathon15.sent("GET", "^/v2/apps/faults/web$")) >= 2  # it checked again (polled) after the first read
    assert len(marathon15.sent("POST", "^/v2/apps$")) == 1


def test_wait_survives_streams_dropped_by_the_server_mid_deployment(cli, marathon15, tmp_path):
    """Marathon's own drop (leader change): /_lab/drop-events while the deployment runs."""
    marathon15.deploy_seconds = 1.5
    stop = threading.Event()

    def dropper() -> None:
        while not stop.wait(0.3):
            marathon15.drop_event_streams()

    t = threading.Thread(target=dropper, daemon=True)
    t.start()
    try:  # a limit beyond pytest's timeout: a wait lost with its stream would fail the test, not pass late
        r = cli("app", "post", app_file(tmp_path), "--timeout", "600", env={"MARATHON_URL": marathon15.url})
    finally:
        stop.set()
        t.join()
    assert r.exit_code == 0, r
    assert len(marathon15.sent("GET", "^/v2/events")) >= 2  # it reconnected


# -- Avi sessions: 401 / 419 → one re-login and a replay -------------------------------------------------------


def test_expired_session_relogs_in_once_and_replays(cli, avi_lab, avi_env):
    r = cli("api", "GET", "/api/cloud", env=avi_env)
    assert r.exit_code == 0, r
    assert len(avi_lab.sent("POST", "^/login$")) == 1
    lab_post(avi_lab, "expire")  # the controller ends every session (idle timeout, restart)
    avi_lab.clear_requests()
    r = cli("api", "GET", "/api/cloud", env=avi_env)  # uses the cached (now dead) session
    assert r.exit_code == 0, r
    assert len(avi_lab.sent("POST", "^/login$")) == 1  # exactly one re-login
    assert len(avi_lab.sent("GET", "^/api/cloud$")) == 2  # the 401, then the replay


@pytest.mark.parametrize("status", [401, 419])
def test_401_or_419_mid_command_relogs_in_once(cli, avi_lab, avi_env, status):
    avi_lab.add_fault(count=1, method="GET", path="^/api/cloud$", status=status,
                      body={"error": "Authentication credentials were not provided."})
    r = cli("api", "GET", "/api/cloud", env=avi_env)
    assert r.exit_code == 0, r
    assert len(avi_lab.sent("POST", "^/login$")) == 2  # the first login and one re-login
    assert len(avi_lab.sent("GET", "^/api/cloud$")) == 2


def test_session_expired_again_after_relogin_is_exit_5_not_a_loop(cli, avi_lab, avi_env):
    avi_lab.add_fault(count=0, method="GET", path="^/api/cloud$", status=419, body={"error": "session expired"})
    r = cli("api", "GET", "/api/cloud", env=avi_env)
    assert_one_error(r, 5, "419")
    assert len(avi_lab.sent("POST", "^/login$")) == 2
    assert len(avi_lab.sent("GET", "^/api/cloud$")) == 2


def test_401_on_the_relogin_is_exit_5(cli, avi_lab, avi_env):
    assert cli("api", "GET", "/api/cloud", env=avi_env).exit_code == 0
    lab_post(avi_lab, "expire")
    avi_lab.clear_requests()
    avi_lab.add_fault(count=0, method="POST", path="^/login$", status=401,
                      body={"error": "Invalid credentials"})
    r = cli("api", "GET", "/api/cloud", env=avi_env)
    assert_one_error(r, 5, "Invalid credentials")
    assert len(avi_lab.sent("POST", "^/login$")) == 1
    assert len(avi_lab.sent("GET", "^/api/cloud$")) == 1


def test_controller_gateway_errors_are_retried(cli, avi_lab, avi_env):
    avi_lab.add_fault(count=2, method="GET", path="^/api/cloud$", status=502)
    r = cli("api", "GET", "/api/cloud", env=avi_env)
    assert r.exit_code == 0, r
    assert len(avi_lab.sent("GET", "^/api/cloud$")) == 3


# -- Avi: 412 on update → re-read and retry once -------------------------------------------------------------


def _a_pool(cli: Any, avi_env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    body = tmp_path / "pool.json"
    body.write_text(json.dumps({"name": "faults-pool", "servers": []}))
    r = cli("api", "POST", "/api/pool", "--data", str(body), env=avi_env)
    assert r.exit_code == 0, r
    return json.loads(r.stdout)


def test_412_on_update_rereads_and_retries_once(cli, avi_lab, avi_env, tmp_path):
    pool = _a_pool(cli, avi_env, tmp_path)
    path = f"/api/pool/{pool['uuid']}"
    avi_lab.clear_requests()
    avi_lab.add_fault(count=1, method="PUT", path=f"^{path}$", status=412,
                      body={"error": "Concurrent Update Error"})
    body = tmp_path / "update.json"
    body.write_text(json.dumps({**pool, "description": "updated under a 412"}))
    r = cli("api", "PUT", path, "--data", str(body), env=avi_env)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["description"] == "updated under a 412"
    assert len(avi_lab.sent("PUT", f"^{path}$")) == 2
    # the journal's read of the object before the change, then the re-read between the two PUTs
    assert len(avi_lab.sent("GET", f"^{path}$")) == 2


def test_412_from_a_concurrent_edit_rereads_and_retries_once(cli, avi_lab, avi_env, tmp_path):
    """A real 412: the body carries the `_last_modified` read earlier, someone changed the object since."""
    pool = _a_pool(cli, avi_env, tmp_path)
    path = f"/api/pool/{pool['uuid']}"
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**pool, "description": "someone else"}))
    assert cli("api", "PUT", path, "--data", str(other), env=avi_env).exit_code == 0
    avi_lab.clear_requests()
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({**pool, "description": "mine"}))  # the stale _last_modified
    r = cli("api", "PUT", path, "--data", str(mine), env=avi_env)
    assert r.exit_code == 0, r
    assert len(avi_lab.sent("PUT", f"^{path}$")) == 2
    assert len(avi_lab.sent("GET", f"^{path}$")) == 2  # the journal's read before, the re-read after the 412


def test_412_twice_is_exit_4(cli, avi_lab, avi_env, tmp_path):
    pool = _a_pool(cli, avi_env, tmp_path)
    path = f"/api/pool/{pool['uuid']}"
    avi_lab.clear_requests()
    avi_lab.add_fault(count=0, method="PUT", path=f"^{path}$", status=412,
                      body={"error": "Concurrent Update Error"})
    body = tmp_path / "update.json"
    body.write_text(json.dumps({**pool, "description": "never"}))
    r = cli("api", "PUT", path, "--data", str(body), env=avi_env)
    assert_one_error(r, 4, "412", "Concurrent Update Error")
    assert len(avi_lab.sent("PUT", f"^{path}$")) == 2


def test_avi_post_is_not_resent_after_reset(cli, avi_lab, avi_env, tmp_path):
    """`api POST` of a named object, applied then the connection dropped: avictl finds the object
    by name (exit 0, warning) after exactly one POST."""
    avi_lab.add_fault(count=1, method="POST", path="^/api/pool$", reset_after=True)
    body = tmp_path / "pool.json"
    body.write_text(json.dumps({"name": "faults-pool", "servers": []}))
    r = cli("api", "POST", "/api/pool", "--data", str(body), env=avi_env)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["name"] == "faults-pool" and "warning:" in r.stderr
    assert len(avi_lab.sent("POST", "^/api/pool$")) == 1


def test_avi_post_lost_before_applying_is_reported(cli, avi_lab, avi_env, tmp_path):
    """Dropped before the controller applied it: no such object, exit 6 saying so, one POST."""
    avi_lab.add_fault(count=1, method="POST", path="^/api/pool$", reset=True)
    body = tmp_path / "pool.json"
    body.write_text(json.dumps({"name": "lost-pool", "servers": []}))
    r = cli("api", "POST", "/api/pool", "--data", str(body), env=avi_env)
    assert_one_error(r, 6, "does not exist")
    assert len(avi_lab.sent("POST", "^/api/pool$")) == 1


def test_avi_post_without_a_name_cannot_be_checked(cli, avi_lab, avi_env, tmp_path):
    avi_lab.add_fault(count=1, method="POST", path="^/api/pool$", reset_after=True)
    body = tmp_path / "pool.json"
    body.write_text(json.dumps({"servers": []}))
    r = cli("api", "POST", "/api/pool", "--data", str(body), env=avi_env)
    assert_one_error(r, 6, "may or may not")
    assert len(avi_lab.sent("POST", "^/api/pool$")) == 1


def test_avi_request_timeout(cli, avi_lab, avi_env):
    avi_lab.add_fault(count=0, method="GET", path="^/api/cloud$", latency=3.0)
    r = cli("api", "GET", "/api/cloud", "--timeout", "1", env=avi_env)
    assert_one_error(r, 6, "timed out")
    assert len(avi_lab.sent("GET", "^/api/cloud$")) == 3  # each try cut at 1 s (the 3 s reply never came)


def test_trickling_body_is_bounded_by_the_request_timeout(cli, marathon15):
    # {"apps": []} sent a byte at a time, 0.4 s apart: every read is within 1 s, the whole takes ~5 s
    # Without a bound on the whole request the reply would arrive complete (exit 0); no timed assert.
    marathon15.add_fault(count=0, method="GET", path="^/v2/apps$", slow_body=4.0)
    r = cli("app", "list", "--timeout", "1", env={"MARATHON_URL": marathon15.url})
    assert_one_error(r, 6, "timed out")


def test_paged_listing_survives_gateway_errors_on_its_pages(cli, avi_lab, avi_env):
    """`vs list` (pages fetched concurrently): 502s are retried; nothing is lost or doubled."""
    lab_post(avi_lab, "seed", {"count": 450})
    avi_lab.clear_requests()
    avi_lab.add_fault(count=2, method="GET", path="^/api/virtualservice", status=502)
    r = cli("vs", "list", "-o", "jsonl", env=avi_env)
    assert r.exit_code == 0, r
    names = [json.loads(line)["name"] for line in r.stdout.splitlines()]
    assert len(names) == len(set(names)) >= 450
    listing = avi_lab.sent("GET", "^/api/virtualservice")
    pages = {tuple(e["query"].get("page", ["1"])) for e in listing}
    assert len(pages) >= 3 and len(listing) == len(pages) + 2, [e["query"] for e in listing]
