"""Event stream parsing and waits: react to events, never spin, survive a dropped stream, end crash loops.

No assert compares durations (issue #20): a wait's limits and poll interval are set beyond pytest's
own timeout (120 s) where only an event may end it, so a wait that missed the event fails the test
instead of passing late; how fast it reacts is measured by bench/wait.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from avictl import errors
from avictl.marathon.client import MarathonClient
from avictl.http import HttpOptions
from conftest import make_journal
from avictl.marathon.events import HEARTBEAT, EventReader, parse_sse, split_lines
from avictl.cli.render.marathon import progress_text, wait_words
from avictl.ops.wait import wait_for_app, wait_for_deployment

FIXTURES = Path(__file__).parent / "fixtures" / "marathon"


def _events(chunks):
    return [e for e in parse_sse(split_lines(chunks))]


def test_parse_real_1x_stream():
    events = [e for e in _events([(FIXTURES / "v1.5" / "events.txt").read_bytes()]) if e.type != HEARTBEAT]
    assert [e.type for e in events] == ["event_stream_attached", "status_update_event", "status_update_event"]
    assert events[1].data["taskStatus"] == "TASK_FAILED" and events[1].app_id == "/foo"


def test_parse_real_09_stream_data_only():
    # the documented excerpt stops after the last data line; the stream's next blank line ends that event
    raw = (FIXTURES / "v0.9" / "events.txt").read_bytes() + b"\n"
    events = [e for e in _events([raw]) if e.type != HEARTBEAT]
    assert [e.type for e in events] == ["event_stream_attached", "group_change_success"]


@pytest.mark.parametrize("nl", ["\n", "\r\n", "\r"])
def test_line_ends_and_heartbeats(nl):
    text = (f"event: deployment_success{nl}data: {{\"id\": \"d1\",{nl}data: \"eventType\": \"deployment_success\"}}"
            f"{nl}{nl}{nl}: comment{nl}data: {{\"eventType\": \"x\"}}{nl}{nl}")
    raw = text.encode()
    for size in (1, 2, 3, 7, len(raw)):  # any chunking, including a CRLF split in two
        chunks = [raw[i:i + size] for i in range(0, len(raw), size)]
        events = _events(chunks)
        kinds = [e.type for e in events]
        assert kinds == ["deployment_success", HEARTBEAT, "x"], (size, kinds)
        assert events[0].data == {"id": "d1", "eventType": "deployment_success"}


def test_non_json_data_does_not_break_the_stream():
    events = _events([b"data: not json\n\ndata: {\"eventType\": \"ok\"}\n\n"])
    assert [e.type for e in events] == ["message", "ok"]


def _post(client, app_id="web", **extra):
    defn = {"id": app_id, "cmd": "sleep 100", "instances": 2, **extra}
    return client.post_app(defn).value


def test_wait_reacts_to_the_event_without_spinning(marathon_lab):
    """No poll and no deadline before pytest's timeout: only the deployment's events can end the wait,
    with a handful of reads (bench/wait.py measures how soon after the event it returns)."""
    marathon_lab.deploy_seconds = 1.0
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    try:
        _post(client)
        app = wait_for_app(client, "web", 600, poll_interval=600)
    finally:
        client.close()
    assert app["tasksRunning"] == 2
    gets = marathon_lab.sent("GET", r"^/v2/apps/web$")
    assert len(gets) <= 6, len(gets)  # event-driven checks, not a busy loop


def test_app_without_health_checks_does_not_wait_for_healthy(marathon_lab):
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    _post(client)
    app = wait_for_app(client, "web", 5)
    assert app["tasksHealthy"] == 0 and app["tasksRunning"] == 2
    client.close()


@pytest.mark.parametrize("reconnect", [{"status": 503}, {"stall": 600.0}], ids=["refused", "stalled"])
def test_dropped_event_stream_mid_deployment_completes_by_polling(marathon_lab, reconnect):
    """The stream drops mid-deployment and every reconnect is refused, or attaches and stays silent
    (then no event at all comes: only the polls can notice the end). The limit (600 s) is beyond
    pytest's timeout, so a wait that stopped checking fails the test instead of passing at it."""
    marathon_lab.deploy_seconds = 1.2
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    _post(client)
    result: dict = {}

    def run():
        try:
            result["app"] = wait_for_app(client, "web", 600, poll_interval=0.4)
        except Exception as exc:  # surfaced by the assertion below
            result["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.3)
    marathon_lab.add_fault(count=0, path="^/v2/events", **reconnect)  # every reconnect from now on
    marathon_lab.drop_event_streams()
    t.join()
    client.close()
    assert "app" in result, result
    assert result["app"]["tasksRunning"] == 2
    assert len(marathon_lab.sent("GET", "^/v2/events")) >= 2  # it tried to reconnect
    marathon_lab.clear_faults()


def test_wait_without_any_event_stream_still_completes(marathon_lab):
    marathon_lab.add_fault(count=0, path="^/v2/events", status=404, body={"message": "not here"})
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    _post(client)
    app = wait_for_app(client, "web", 5, poll_interval=0.3)
    assert app["tasksRunning"] == 2
    client.close()


def test_crash_loop_times_out_with_last_task_failure(marathon_lab):
    marathon_lab.deploy_seconds = 0.2
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    _post(client, "crashy", labels={"LAB_CRASH": "Failed to pull image: manifest unknown"})
    with pytest.raises(errors.WaitTimeout) as info:
        with wait_words():
            wait_for_app(client, "crashy", 1.0, poll_interval=0.5)
    assert info.value.exit_code == 7
    assert info.value.message.startswith("timed out after 1s waiting for /crashy"), info.value.message
    assert "manifest unknown" in info.value.message and "TASK_FAILED" in info.value.message
    assert len(marathon_lab.sent("GET", "^/v2/apps/crashy$")) >= 2  # it kept checking until the limit
    client.close()


def test_progress_callback_reports_changes(marathon_lab):
    marathon_lab.deploy_seconds = 0.6
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    _post(client, healthChecks=[{"protocol": "HTTP", "path": "/"}])
    seen = []
    wait_for_app(client, "web", 5, on_progress=lambda p: seen.append(progress_text(p)))
    assert seen[0].startswith("/web: 0/2 running, 0/2 healthy, deployment ")
    assert "step 1/1" in seen[0]
    assert seen[-1] == "/web: 2/2 running, 2/2 healthy, deployed"
    assert len(seen) == len(set(seen))  # only changes are reported
    client.close()


def test_wait_for_deployment(marathon_lab):
    marathon_lab.deploy_seconds = 0.4
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    dep = _post(client)["deploymentId"]
    updates = []
    wait_for_deployment(client, dep, 5, on_progress=updates.append)
    assert updates[-1] is None
    client.close()


def test_event_reader_reconnects(marathon_lab):
    client = MarathonClient(marathon_lab.url, HttpOptions(journal=make_journal()))
    reader = EventReader(client, backoff=0.05).start()
    try:
        first = reader.queue.get(timeout=3)
        assert first.type == "event_stream_attached"
        marathon_lab.drop_event_streams()
        kinds = [reader.queue.get(timeout=3).type for _ in range(2)]
        assert kinds == ["_disconnected", "event_stream_attached"]
        assert reader.connects == 2
    finally:
        reader.stop()
        client.close()
