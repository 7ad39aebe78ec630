"""What every command gets handed: settings, the printer, stderr helpers and lazy client factories.

Like gh's cmdutil.Factory: commands ask `state()` for what they need and nothing heavy is
built until a command asks for it (no httpx, boto3, keyring or tabulate at import time).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from .. import errors

if TYPE_CHECKING:
    from ..config import Settings
    from ..http import HttpOptions, Redactor
    from ..output import Printer


@dataclass
class GlobalOptions:
    profile: str | None = None
    output: str | None = None
    query: str | None = None
    no_headers: bool = False
    no_color: bool = False
    request_timeout: float | None = None
    verbose: bool = False
    debug: bool = False
    ca_bundle: str | None = None
    insecure: bool = False


class State:
    """Per-invocation context; built by the root callback, reached through `state()`."""

    def __init__(self, opts: GlobalOptions | None = None, *, stdout: IO[str] | None = None,
                 stderr: IO[str] | None = None, stdin: IO[str] | None = None):
        self.opts = opts or GlobalOptions()
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.stdin = stdin or sys.stdin
        self._settings: Settings | None = None
        self._out: Printer | None = None
        self._redactor: Redactor | None = None
        self._clients: dict[str, Any] = {}
        self._journal: Any = None
        self.argv: list[str] = []  # the command line, for the journal (redacted there)
        self._insecure_warned = False
        self.started = time.monotonic()

    # -- settings and output ----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from ..config import resolve

            flags = {"request_timeout": self.opts.request_timeout, "ca_bundle": self.opts.ca_bundle,
                     "insecure": True if self.opts.insecure else None}
            self._settings = resolve(self.opts.profile, flags)
            for message in self._settings.deprecations:
                self.warn(message)
        return self._settings

    @property
    def out(self) -> Printer:
        if self._out is None:
            from ..output import Printer

            self._out = Printer(self.opts.output, query=self.opts.query, no_headers=self.opts.no_headers,
                                no_color=self.opts.no_color, stream=self.stdout, err=self.stderr)
        return self._out

    @property
    def redactor(self) -> Redactor:
        if self._redactor is None:
            from ..http import Redactor

            self._redactor = Redactor()
        return self._redactor

    @property
    def has_controller(self) -> bool:
        return bool(self.settings.controller)

    @property
    def has_marathon(self) -> bool:
        return bool(self.settings.marathon)

    # -- terminals --------------------------------------------------------------------------

    @property
    def stdin_tty(self) -> bool:
        return _isatty(self.stdin)

    @property
    def stderr_tty(self) -> bool:
        return _isatty(self.stderr)

    @property
    def progress_enabled(self) -> bool:
        """Spinners and live progress only when a person watches stderr."""
        return self.stderr_tty

    def warn(self, message: str) -> None:
        self._err(f"warning: {self.redactor.text(message)}")

    def info(self, message: str) -> None:
        self._err(self.redactor.text(message))

    def log(self, line: str) -> None:
        """-v / --debug lines; always redacted."""
        self._err(self.redactor.text(line))

    def _err(self, line: str) -> None:
        self.stderr.write(line + "\n")
        self.stderr.flush()

    def confirm(self, question: str, yes: bool) -> bool:
        """True to go ahead. Asks on a terminal; without one, --yes is required (exit 2)."""
        if yes:
            return True
        if not (self.stdin_tty and self.stderr_tty):
            raise errors.UsageError(f"{question.rstrip('?')}: refusing to go ahead without --yes "
                                    "(stdin is not a terminal)", "pass --yes to confirm")
        self.stderr.write(f"{question} [y/N]: ")
        self.stderr.flush()
        answer = self.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            raise errors.Declined()
        return True

    # -- the journal (SPEC.md §12) ----------------------------------------------------------

    @property
    def journal(self) -> Any:
        """This command's journal: one group id; the clients refuse writes outside its entries."""
        if self._journal is None:
            from ..journal import Journal, redact_argv, store

            self._journal = Journal(path=store.journal_path(), profile=self.settings.profile,
                                    command=redact_argv(self.argv), redactor=self.redactor)
        return self._journal

    # -- HTTP and clients -------------------------------------------------------------------

    def http_options(self, system: str) -> HttpOptions:
        """Transport options for "avi", "marathon" or another URL (the deploy probe): timeout, TLS, logging."""
        from ..http import HttpOptions

        s = self.settings
        ca = self.opts.ca_bundle or {"avi": s.ca_bundle, "marathon": s.marathon_ca_bundle}.get(system)
        insecure = bool(self.opts.insecure or s.insecure)
        if insecure and not self._insecure_warned:
            self._insecure_warned = True
            self.warn("TLS certificate verification is disabled (--insecure); the connection can be intercepted")
        verbose = self.opts.verbose or self.opts.debug
        return HttpOptions(timeout=s.request_timeout, verify=not insecure, ca_bundle=ca,
                           log=self.log if verbose else None, verbose=self.opts.verbose, debug=self.opts.debug,
                           redactor=self.redactor, journal=self.journal)

    def marathon(self) -> Any:
        if "marathon" not in self._clients:
            from ..marathon.client import MarathonClient

            self._clients["marathon"] = MarathonClient.from_settings(self.settings, self.http_options("marathon"))
        return self._clients["marathon"]

    def mesos(self) -> Any:
        if "mesos" not in self._clients:
            from ..mesos.client import MesosClient

            self._clients["mesos"] = MesosClient.from_settings(self.settings, self.http_options("marathon"))
        return self._clients["mesos"]

    def avi(self) -> Any:
        if "avi" not in self._clients:
            from ..avi.client import AviClient

            self._clients["avi"] = AviClient.from_settings(self.settings, self.http_options("avi"),
                                                           interactive=self.stdin_tty)
        return self._clients["avi"]

    def aws(self) -> Any:
        if "aws" not in self._clients:
            from ..aws.client import AwsClient

            self._clients["aws"] = AwsClient.from_settings(
                self.settings, log=self.log if (self.opts.verbose or self.opts.debug) else None,
                verbose=self.opts.verbose, debug=self.opts.debug, journal=self.journal)
        return self._clients["aws"]

    def close(self) -> None:
        for client in self._clients.values():
            close = getattr(client, "close", None)
            if close:
                try:
                    close()
                except Exception:  # closing must never hide the command's own outcome
                    pass
        self._clients.clear()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream) and stream.isatty()
    except (AttributeError, ValueError):
        return False


_state: State | None = None


def state() -> State:
    global _state
    if _state is None:
        _state = State()
    return _state


def set_state(new: State | None) -> None:
    global _state
    _state = new


def check_wait_timeout(timeout: float) -> float:
    """A wait limit (`--timeout` of the waiting commands): more than 0, at most a week."""
    if not 0 < timeout <= 7 * 86400:
        raise errors.UsageError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    return timeout


def oper_state_text(value: Any) -> str:
    """An Avi oper state or member health for people: OPER_UP → UP, nothing → -."""
    text = str(value or "")
    return text[5:] if text.startswith("OPER_") else text or "-"


def parse_port(value: str | int, what: str = "port") -> int:
    """A TCP port 1–65535 or a one-line usage error (exit 2)."""
    try:
        port = int(str(value).strip())
    except ValueError:
        raise errors.UsageError(f"{what} must be a number from 1 to 65535, not {value!r}") from None
    if not 1 <= port <= 65535:
        raise errors.UsageError(f"{what} must be from 1 to 65535, not {port}")
    return port


def read_input(path: str, *, limit: int = 16 * 1024 * 1024) -> tuple[bytes, str]:
    """The bytes of FILE or of stdin for "-", and a name for messages; exit 2 when unreadable."""
    if path == "-":
        data = state().stdin.buffer.read(limit + 1) if hasattr(state().stdin, "buffer") else \
            state().stdin.read(limit + 1).encode()
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except FileNotFoundError:
            raise errors.UsageError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise errors.UsageError(f"{path}: is a directory") from None
        except OSError as exc:
            raise errors.UsageError(f"{path}: cannot read: {exc.strerror}") from None
        name = path
    if len(data) > limit:
        raise errors.UsageError(f"{name}: larger than {limit // (1024 * 1024)} MiB; refusing to read it")
    return data, name
