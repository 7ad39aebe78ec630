"""The HTTP transport every client shares: timeouts, TLS, retries, logging with secrets redacted.

Clients (avi/, marathon/) build on `Transport`; they never print. What a user sees of the
traffic goes through the `log` callable the CLI hands in (`-v` request lines, `--debug`
headers and bodies), always passed through `Redactor` first.
"""

from __future__ import annotations

import random
import re
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from . import errors
from .redact import SECRET_KEYS, Redactor, redact_data  # noqa: F401 - importable from here too


class _Httpx:
    """The httpx module, imported on first use: plain GETs with a cached session never need it
    (keepalive.py), which saves ~60 ms of start-up. This module is the one place avictl imports
    httpx from (`from ..http import httpx`); annotations naming it are never evaluated.

    httpx's package imports its optional command-line tool (`httpx._main`), which loads rich,
    pygments and click when they are installed (as they are beside avictl): ~60 ms of CPU.
    avictl never uses that tool; marking it absent makes httpx fall back to its stub.
    """

    def __getattr__(self, name: str) -> Any:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
        import httpx as module

        return getattr(module, name)


httpx: Any = _Httpx()

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
READS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_STATUSES = frozenset({502, 503, 504})

@dataclass
class HttpOptions:
    """What the global options and the profile say about HTTP for one system."""

    timeout: float = 30.0
    verify: bool = True
    ca_bundle: str | None = None
    retries: int = 3
    backoff: float = 0.25
    backoff_max: float = 8.0
    log: Callable[[str], None] | None = None
    verbose: bool = False
    debug: bool = False
    redactor: Redactor = field(default_factory=Redactor)
    user_agent: str = "avictl"
    # The command's journal (avictl.journal.Journal): a write is refused unless it has an open
    # entry of this transport's system (SPEC.md §12).
    journal: Any = None


class TimedOut(errors.ConnectError):
    """The server did not answer within the request timeout (a longer one may help)."""


class CertificateUnverified(errors.ConnectError):
    """The server's TLS certificate could not be verified: its CA is needed (or verification off)."""


class BadCaBundle(errors.UsageError):
    """The CA bundle file cannot be read."""


@dataclass
class Probe:
    """The outcome of one probing GET: the status, or None and why there was no answer."""

    url: str
    status: int | None
    text: str  # "HTTP 200", or "unreachable (ConnectError)"
    seconds: float | None = None  # from sending the request to the end of the answer
    first_line: str = ""  # of the answer's body, redacted and cut short


def probe(url: str, opts: HttpOptions | None = None, *, timeout: float = 10.0, name: str = "server") -> Probe:
    """One GET of an absolute URL with the shared settings (TLS, CA bundle, logging); see `Transport.probe`."""
    origin = httpx.URL(url).copy_with(path="/", query=None, fragment=None)
    with Transport(str(origin), opts, name=name) as transport:
        return transport.probe(url, timeout=timeout)


def first_line(text: str, limit: int = 120) -> str:
    """The first non-blank line of a text, cut to `limit` characters."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def ssl_context(opts: HttpOptions) -> ssl.SSLContext | bool:
    if not opts.verify:
        return False
    if opts.ca_bundle:
        try:
            return ssl.create_default_context(cafile=opts.ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise BadCaBundle(f"cannot read CA bundle {opts.ca_bundle}: {errors.describe_exception(exc)}",
                              "check the ca_bundle setting") from None
    return True


class Transport:
    """An httpx client bound to one base URL, with avictl's retry, error and logging rules."""

    def __init__(self, base_url: str, opts: HttpOptions | None = None, *, name: str = "server",
                 auth: httpx.Auth | tuple[str, str] | None = None, headers: dict[str, str] | None = None,
                 max_connections: int = 16, system: str | None = None, unjournaled: frozenset[str] = frozenset()):
        self.base_url = base_url.rstrip("/")
        self.opts = opts or HttpOptions()
        self.name = name
        # Writes need an open journal entry of `system`; `unjournaled` paths (a controller's
        # /login and /logout) change no managed object. No system: a probe, never a write.
        self.system = system or name.lower()
        self.unjournaled = unjournaled
        self.sleep = time.sleep
        from .keepalive import Cookies, KeepAlive, plain_base, tls_context

        self._auth = auth
        self._headers = {"User-Agent": self.opts.user_agent, **(headers or {})}
        self._max_connections = max_connections
        # One TLS context (the CA loaded once) and one cookie jar for httpx and the keep-alive
        # GETs beside it; the httpx client is made when a request needs it.
        self._context = tls_context(self.opts)
        self._cookies = Cookies()
        self._client: Any = None
        self._client_lock = threading.Lock()
        # Requests are built on the root of the base URL plus its path (DC/OS: https://dcos/marathon).
        base = plain_base(self.base_url)
        if base is None:  # not a plain http(s) URL: httpx takes it as it is, and says what is wrong
            self._root = None
            self._prefix = ""
            self.client  # noqa: B018
        else:
            self._root, self._prefix = base
        self._root_url: Any = None
        self._keepalive = KeepAlive(self, max_connections) if self._root is not None and auth is None else None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = httpx.Client(
                        base_url=self.base_url,
                        timeout=httpx.Timeout(self.opts.timeout),
                        verify=self._context,
                        auth=self._auth,
                        headers=self._headers,
                        cookies=self._cookies.jar,
                        follow_redirects=False,
                        limits=httpx.Limits(max_connections=self._max_connections,
                                            max_keepalive_connections=self._max_connections),
                    )
        return self._client

    @property
    def cookies(self) -> Any:
        """The cookie jar every request carries (`.jar`, `.get`, `.set`, `.clear` as httpx.Cookies)."""
        return self._cookies

    @property
    def headers(self) -> httpx.Headers:
        return self.client.headers

    def close(self) -> None:
        if self._keepalive is not None:
            self._keepalive.close()
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ---------------------------------------------------------------------------

    def request(self, method: str, url: str, *, params: Any = None, json_body: Any = None,
                content: bytes | str | None = None, data: Any = None, headers: dict[str, str] | None = None,
                retry: bool | None = None, timeout: float | None = None, redirects: bool = False) -> httpx.Response:
        """Send one request, retrying idempotent ones; return the response whatever its status.

        A redirect is an error unless `redirects` is true: then the caller gets the 3xx reply and
        decides where to go (a Mesos standby naming its leader).

        Raises ConnectError (exit 6) when the server cannot be reached, AmbiguousRequest when a
        non-idempotent request was sent but its answer was lost.
        """
        method = method.upper()
        if method not in READS:
            self._require_journal(method, url)
        if retry is None:
            retry = method in IDEMPOTENT
        attempts = max(1, self.opts.retries) if retry else 1
        attempt = 0
        budget = timeout if timeout is not None else self.opts.timeout
        # Plain GETs go the keep-alive way (-v logs them there as well); --debug, which logs every
        # header as sent, goes through httpx.
        plain = (self._keepalive is not None and method == "GET" and url.startswith("/") and json_body is None
                 and content is None and data is None and not self.opts.debug
                 and self._keepalive.usable())

        def build() -> httpx.Request:
            return self.client.build_request(method, self._url(url, params), json=json_body, content=content,
                                              data=data, headers=headers,
                                              timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)

        while True:
            attempt += 1
            start = time.monotonic()
            request = None
            try:
                if plain:
                    assert self._keepalive is not None
                    response = self._keepalive.fetch(self._target(url, params), headers, budget, start)
                    if self.opts.verbose:
                        self._log(f"GET {self.opts.redactor.text(response.url)} → {response.status_code} "
                                  f"({(time.monotonic() - start) * 1000:.0f} ms)")
                else:
                    request = build()
                    self._log_request(request)
                    response = self._send_within(request, budget, start)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached the server: safe to try again, even for a POST.
                request = request or build()
                self._log_failure(request, exc, start)
                if attempt < max(attempts, self.opts.retries):
                    self._backoff(attempt, None)
                    continue
                raise self._connect_error(request, exc) from None
            except httpx.TransportError as exc:
                request = request or build()
                self._log_failure(request, exc, start)
                if retry and attempt < attempts:
                    self._backoff(attempt, None)
                    continue
                if not retry:
                    raise errors.AmbiguousRequest(
                        f"{method} {self._display_url(request)}: connection lost after sending "
                        f"({errors.describe_exception(exc)}); the server may or may not have applied it") from None
                raise self._connect_error(request, exc) from None
            if request is not None:
                self._log_response(request, response, start)
            if response.is_redirect and not redirects:
                request = request or build()
                # Never follow: a redirect could carry cookies or tokens to another host.
                location = self.opts.redactor.text(response.headers.get("Location", "?"))
                response.close()
                raise errors.RemoteError(f"{method} {self._display_url(request)}: the {self.name} answered with a "
                                         f"redirect (HTTP {response.status_code}) to {location}",
                                         "check the URL (scheme, host, path); `avictl config show --sources` says where it is set",
                                         status=None)
            if retry and response.status_code in RETRY_STATUSES and attempt < attempts:
                retry_after = response.headers.get("Retry-After")
                response.close()
                self._backoff(attempt, retry_after)
                continue
            return response

    def _send_within(self, request: httpx.Request, budget: float, start: float) -> httpx.Response:
        """Send and read the whole reply within `budget` seconds (httpx bounds each read, not the sum)."""
        response = self.client.send(request, stream=True)
        try:
            chunks = []
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() - start > budget:
                    raise httpx.ReadTimeout(f"the reply took longer than {budget:g} s", request=request)
            response._content = b"".join(chunks)  # what Response.read() does
        finally:
            response.close()
        return response

    @contextmanager
    def stream(self, method: str, url: str, *, params: Any = None, headers: dict[str, str] | None = None,
               timeout: httpx.Timeout | float | None = None) -> Iterator[httpx.Response]:
        """Open a streaming response (server-sent events); connection errors map to exit 6."""
        request = self.client.build_request(method, url, params=params, headers=headers,
                                             timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
        self._log_request(request)
        start = time.monotonic()
        try:
            response = self.client.send(request, stream=True)
        except httpx.TransportError as exc:
            self._log_failure(request, exc, start)
            raise self._connect_error(request, exc) from None
        try:
            self._log_response(request, response, start, body=False)
            yield response
        finally:
            response.close()

    # -- helpers ----------------------------------------------------------------------------

    def _url(self, url: str, params: Any) -> httpx.URL | str:
        """The absolute URL of a request, its query encoded here.

        httpx re-parses and re-validates a URL character by character each time it merges a
        base URL or adds `params` (~1 ms for the 4 KB query of a bulk read); building the
        absolute URL once costs a quarter of that. Values are encoded as httpx would (True →
        "true", None → ""), commas kept as they are (lists of names and uuids).
        """
        if not url.startswith("/") or self._root is None:
            return url if params is None else str(httpx.URL(url, params=params))
        if self._root_url is None:
            self._root_url = httpx.URL(self._root)
        return self._root_url.copy_with(raw_path=self._target(url, params).encode("ascii"))

    def _target(self, url: str, params: Any) -> str:
        """The raw path and query of a request to a path under the base URL (see `_url`)."""
        raw = self._prefix + quote(url, safe=URL_SAFE)
        if params:
            items = params.items() if isinstance(params, dict) else params
            pairs = [(k, _param_text(v)) for k, value in items
                     for v in (value if isinstance(value, (list, tuple)) else [value])]
            raw += ("&" if "?" in raw else "?") + urlencode(pairs, safe=",")
        return raw

    def _require_journal(self, method: str, url: str) -> None:
        """Refuse a write that has no open journal entry (nothing is sent)."""
        path = httpx.URL(url).path if "://" in url else url.split("?", 1)[0]
        if path in self.unjournaled:
            return
        from .journal import require

        require(self.opts.journal, self.system, f"{method} {path}")

    def _backoff(self, attempt: int, retry_after: str | None) -> None:
        delay = min(self.opts.backoff_max, self.opts.backoff * (2 ** (attempt - 1)))
        delay = random.uniform(delay / 2, delay)  # jitter
        if retry_after:
            delay = retry_after_seconds(retry_after, default=delay)
        self.sleep(delay)

    def _display_url(self, request: httpx.Request) -> str:
        url = request.url.copy_with(username=None, password=None) if request.url.userinfo else request.url
        return self.opts.redactor.text(str(url))

    def _connect_error(self, request: httpx.Request, exc: Exception) -> errors.AvictlError:
        where = f"{self.name} at {request.url.scheme}://{request.url.netloc.decode()}"
        reason = self.opts.redactor.text(errors.describe_exception(exc))
        if isinstance(exc, httpx.TimeoutException):
            return TimedOut(f"cannot reach {where}: {reason}", "check the URL and network")
        if "certificate is not trusted" in reason:
            return CertificateUnverified(f"TLS verification failed for {where}: {reason}",
                                         "pass the server's CA (the ca_bundle setting)")
        return errors.ConnectError(f"cannot connect to {where}: {reason}", "check the URL and that the server is "
                                   "running; `avictl config show --sources` says where the URL is set")

    def _log(self, line: str) -> None:
        if self.opts.log:
            self.opts.log(line)

    def _log_request(self, request: httpx.Request) -> None:
        if not self.opts.debug:
            return
        r = self.opts.redactor
        self._log(f"> {request.method} {self._display_url(request)}")
        for k, v in r.headers(request.headers.multi_items()):
            self._log(f"> {k}: {v}")
        body = request.content if not isinstance(request.stream, httpx.AsyncByteStream) else b""
        if body:
            self._log(f"> {r.body(body, request.headers.get('content-type', ''))}")

    def _log_response(self, request: httpx.Request, response: httpx.Response, start: float, body: bool = True) -> None:
        ms = (time.monotonic() - start) * 1000
        if self.opts.verbose or self.opts.debug:
            self._log(f"{request.method} {self._display_url(request)} → {response.status_code} ({ms:.0f} ms)")
        if self.opts.debug:
            r = self.opts.redactor
            for k, v in r.headers(response.headers.multi_items()):
                self._log(f"< {k}: {v}")
            if body:
                try:
                    content = response.read()
                except httpx.HTTPError:
                    content = b""
                if content:
                    self._log(f"< {r.body(content, response.headers.get('content-type', ''))}")

    def probe(self, url: str, *, timeout: float | None = None) -> Probe:
        """One GET, as a browser's first request: never retried, a redirect reported, not followed.

        Logged like every request (-v, --debug, redacted); a server that cannot be reached is
        a Probe with no status rather than an error.
        """
        budget = timeout if timeout is not None else self.opts.timeout
        request = self.client.build_request("GET", url, timeout=budget)
        self._log_request(request)
        start = time.monotonic()
        try:
            response = self._send_within(request, budget, start)
        except httpx.HTTPError as exc:
            self._log_failure(request, exc, start)
            return Probe(str(request.url), None, f"unreachable: {errors.describe_exception(exc)}")
        seconds = time.monotonic() - start
        self._log_response(request, response, start)
        return Probe(str(request.url), response.status_code, f"HTTP {response.status_code}", seconds,
                     first_line(self.opts.redactor.text(response.text)))

    def _log_failure(self, request: httpx.Request, exc: Exception, start: float) -> None:
        if self.opts.verbose or self.opts.debug:
            ms = (time.monotonic() - start) * 1000
            self._log(f"{request.method} {self._display_url(request)} → {errors.describe_exception(exc)} ({ms:.0f} ms)")


URL_SAFE = "/:@!$&'()*+,;=-._~%?"


def _param_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def retry_after_seconds(value: str, default: float, cap: float = 30.0) -> float:
    """Retry-After as seconds (a number or an HTTP date), within 0..cap; `default` when unreadable."""
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return default
    return min(max(seconds, 0.0), cap)


def json_or_none(response: httpx.Response) -> Any:
    """The JSON body of a reply, or None when it is not JSON (error replies, empty bodies)."""
    try:
        return response.json()
    except ValueError:
        return None


def decode_json(response: httpx.Response, what: str) -> Any:
    """The JSON body of a reply, or an exit-1 error saying the reply was not JSON."""
    from .fastjson import loads

    try:
        return loads(response.content)
    except ValueError:
        ctype = response.headers.get("content-type", "?")
        raise errors.RemoteError(f"{what}: unexpected reply (HTTP {response.status_code}, {ctype}, not JSON)",
                                 status=None) from None


def short_text(response: httpx.Response, limit: int = 200) -> str:
    """A reply body fit for a one-line message: HTML pages become their title or just the status."""
    ctype = response.headers.get("content-type", "")
    try:
        text = response.text
    except (httpx.HTTPError, UnicodeDecodeError):
        return ""
    if "html" in ctype or text.lstrip().lower().startswith(("<!doctype", "<html")):
        m = re.search(r"<title>(.*?)</title>", text, re.I | re.S)
        return errors.one_line(m.group(1), limit) if m else ""
    return errors.one_line(text, limit)

