"""Every failure avictl reports: one message, an optional hint, one exit code (SPEC.md §5)."""

from __future__ import annotations

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


class Interrupted(AvictlError):
    exit_code = INTERRUPTED


class RemoteError(AvictlError):
    """A server answered with an error: status plus the server's own words."""

    def __init__(self, message: str, hint: str | None = None, *, status: int | None = None,
                 exit_code: int | None = None, body: object = None):
        super().__init__(message, hint, exit_code=exit_code if exit_code is not None else exit_code_for_status(status))
        self.status = status
        self.body = body


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
    return f"avictl: error: {type(err).__name__}: {one_line(str(err))}\nhint: rerun with --debug for details"


def one_line(text: str, limit: int = 400) -> str:
    """Collapse whitespace so a message is one line, and cap its length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
