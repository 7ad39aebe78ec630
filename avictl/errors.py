"""Every failure avictl reports: one message, an optional hint, one exit code (SPEC.md §5)."""

from __future__ import annotations

from typing import Any

OK = 0
FAILURE = 1
USAGE = 2
NOT_FOUND = 3
CONFLICT = 4
AUTH = 5
CONNECT = 6
TIMEOUT = 7
ROLLED_BACK = 8
INTERRUPTED = 130


class AvictlError(Exception):
    """Base of every error avictl reports to the user."""

    exit_code = FAILURE

    def __init__(self, message: str, hint: str | None = None, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(AvictlError):
    """Bad flags, bad input files, bad config: nothing was sent."""

    exit_code = USAGE


class InvalidValue(UsageError):
    """A value that breaks a rule, said without naming a flag: the CLI edge names the flag.

    `subject` is what the value is for ("health check protocol"), `problem` what is wrong with
    it ("must be one of HTTP, ..., not 'UDP'").
    """

    def __init__(self, subject: str, problem: str, hint: str | None = None):
        super().__init__(f"{subject} {problem}", hint)
        self.subject = subject
        self.problem = problem


class ConfigError(UsageError):
    """The config file cannot be read or holds a bad value."""


class NotFound(AvictlError):
    exit_code = NOT_FOUND


class Conflict(AvictlError):
    exit_code = CONFLICT


class AuthError(AvictlError):
    exit_code = AUTH


class ConnectError(AvictlError):
    exit_code = CONNECT


class WaitTimeout(AvictlError):
    exit_code = TIMEOUT


class RolledBack(AvictlError):
    exit_code = ROLLED_BACK


class Declined(AvictlError):
    """The user answered no to a confirmation: nothing was changed (exit 1)."""

    def __init__(self, message: str = "aborted; nothing was changed", hint: str | None = None):
        super().__init__(message, hint)


class Interrupted(AvictlError):
    exit_code = INTERRUPTED


class RemoteError(AvictlError):
    """A server answered with an error: status plus the server's own words."""

    def __init__(self, message: str, hint: str | None = None, *, status: int | None = None,
                 exit_code: int | None = None, body: object = None):
        super().__init__(message, hint, exit_code=exit_code if exit_code is not None else exit_code_for_status(status))
        self.status = status
        self.body = body


class OutputClosed(Exception):
    """stdout's reader went away (`| head -1`). Not an OSError on purpose: click turns EPIPE into
    exit 1 by itself, and a listing cut short by its reader is not a failure."""


class AmbiguousRequest(AvictlError):
    """A non-idempotent request may or may not have reached the server (connection lost after sending)."""

    exit_code = CONNECT


def exit_code_for_status(status: int | None) -> int:
    """Map an HTTP status to the exit code of SPEC.md §5."""
    if status is None:
        return FAILURE
    if status in (401, 403, 407):
        return AUTH
    if status in (404, 410):
        return NOT_FOUND
    if status in (409, 412, 423):
        return CONFLICT
    if status in (400, 415, 422):
        return USAGE
    return FAILURE


def format_error(err: BaseException) -> str:
    """The one or two lines printed on stderr for an error."""
    if isinstance(err, AvictlError):
        text = f"avictl: error: {one_line(err.message)}"
        if err.hint:
            text += f"\nhint: {one_line(err.hint)}"
        return text
    return f"avictl: error: {describe_exception(err)}\nhint: rerun with --debug for details"


# errno → what an operator reads (the C library's words, without "[Errno N]").
_ERRNO_WORDS = {
    "ECONNREFUSED": "connection refused (nothing listens there)",
    "ECONNRESET": "the connection was reset by the server",
    "ETIMEDOUT": "timed out",
    "EHOSTUNREACH": "no route to the host",
    "ENETUNREACH": "the network is unreachable",
    "ENOSPC": "no space left on the device",
    "EACCES": "permission denied",
    "EPERM": "permission denied",
    "ENOENT": "no such file or directory",
    "EPIPE": "the reader went away (broken pipe)",
    "EADDRNOTAVAIL": "the address is not available here",
}
_TIMEOUT_NAMES = ("ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout", "TimeoutException", "timeout",
                  "TimeoutError")


def describe_exception(exc: BaseException) -> str:
    """A low-level failure in an operator's words: no class names, no errno numbers, no C file.

    `ConnectError: [Errno 111] Connection refused` → "connection refused (nothing listens
    there)"; `ReadTimeout` → "timed out waiting for an answer"; an SSL verification failure →
    "the server's certificate is not trusted (…)"; `OSError: [Errno 28] …` → "no space left
    on the device".
    """
    import errno as errno_mod
    import re

    seen: set[int] = set()
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen and len(chain) < 8:
        seen.add(id(cur))
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    names = {type(e).__name__ for e in chain}
    if names & set(_TIMEOUT_NAMES):
        return "timed out connecting" if "ConnectTimeout" in names else "timed out waiting for an answer"
    for e in chain:
        if type(e).__name__ == "SSLCertVerificationError" or "CERTIFICATE_VERIFY_FAILED" in str(e):
            detail = getattr(e, "verify_message", None) or _clean(str(e), re)
            return f"the server's certificate is not trusted ({detail})"
    for e in chain:
        if type(e).__name__ == "gaierror" or "Name or service not known" in str(e) \
                or "nodename nor servname" in str(e) or "Temporary failure in name resolution" in str(e):
            return "the host name does not resolve (DNS)"
    for e in chain:
        code = getattr(e, "errno", None)
        if isinstance(code, int) and errno_mod.errorcode.get(code) in _ERRNO_WORDS:
            return _ERRNO_WORDS[errno_mod.errorcode[code]]
    for e in chain:
        text = _clean(str(e), re)
        if text:
            return text
    return "an unexpected failure"


def _clean(text: str, re: Any) -> str:
    text = re.sub(r"\[(Errno \d+|[A-Z0-9]+: [A-Z0-9_]+)\]\s*", "", text)
    text = re.sub(r"\s*\(_ssl\.c:\d+\)", "", text)
    return one_line(text.strip().rstrip("."), 200)


def one_line(text: str, limit: int = 400) -> str:
    """Collapse whitespace so a message is one line, and cap its length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
