"""The transport's keep-alive GETs (avictl/keepalive.py) against a real HTTP server on 127.0.0.1:
the request httpx would send, gzip replies, cookies both ways, connections the server closed."""

from __future__ import annotations

import gzip
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from avictl.http import HttpOptions, Transport


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict] = []
    close_after = False

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
        body = json.dumps({"path": self.path}).encode()
        extra: list[tuple[str, str]] = []
        if self.path.startswith("/gzip"):
            body = gzip.compress(body)
            extra.append(("Content-Encoding", "gzip"))
        if self.path.startswith("/cookie"):
            extra.append(("Set-Cookie", "sessionid=fresh; Path=/"))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        if self.close_after:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        if self.close_after:
            self.close_connection = True


@pytest.fixture()
def server():
    handler = type("H", (Recorder,), {"seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def transport(server, **opts) -> Transport:
    return Transport(f"http://127.0.0.1:{server.server_address[1]}", HttpOptions(**opts), name="test",
                     headers={"Accept": "application/json"})


def test_the_request_is_the_one_httpx_sends(server):
    plain = transport(server)
    plain.request("GET", "/a", params={"x": "1,2", "y": True})
    assert plain._client is None  # no httpx client was needed
    logged = transport(server, debug=True, log=lambda line: None)  # --debug: the httpx way
    logged.request("GET", "/a", params={"x": "1,2", "y": True})
    assert logged._client is not None
    ours, httpx_sent = server.RequestHandlerClass.seen
    assert ours["path"] == httpx_sent["path"] == "/a?x=1,2&y=true"
    assert ours["headers"] == httpx_sent["headers"]


def test_gzip_replies_are_decoded(server):
    reply = transport(server).request("GET", "/gzip")
    assert reply.json() == {"path": "/gzip"} and reply.status_code == 200
    assert server.RequestHandlerClass.seen[0]["headers"]["accept-encoding"] == "gzip, deflate"


def test_cookies_set_on_a_get_are_sent_both_ways(server):
    t = transport(server)
    t.cookies.set("sessionid", "old", domain="127.0.0.1")
    t.request("GET", "/first")
    t.request("GET", "/cookie")
    t.request("GET", "/after")
    seen = server.RequestHandlerClass.seen
    assert seen[0]["headers"]["cookie"] == "sessionid=old"
    assert seen[2]["headers"]["cookie"] == "sessionid=fresh"
    assert t.client.cookies.get("sessionid") == "fresh"  # the httpx client shares the jar


def test_a_connection_the_server_closed_is_not_reused(server):
    server.RequestHandlerClass.close_after = True
    t = transport(server)
    assert [t.request("GET", f"/n{i}").json()["path"] for i in range(3)] == ["/n0", "/n1", "/n2"]
    assert [s["path"] for s in server.RequestHandlerClass.seen] == ["/n0", "/n1", "/n2"]  # each sent once


def test_verbose_logs_the_keep_alive_gets_in_the_words_of_the_httpx_path(server):
    """-v does not change the way a request goes: the same line, from the keep-alive path."""
    lines: list[str] = []
    t = transport(server, verbose=True, log=lines.append)
    t.request("GET", "/a", params={"x": "1"})
    assert t._client is None
    assert len(lines) == 1 and re.fullmatch(r"GET http://127\.0\.0\.1:\d+/a\?x=1 → 200 \(\d+ ms\)", lines[0])
