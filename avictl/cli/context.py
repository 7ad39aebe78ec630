"""What every command is handed through click's `ctx.obj`: options, settings, IO, printer, clients.

Like gh's cmdutil.Factory: run() builds one Context per invocation around its IOStreams, the
root command fills in the global options, and each command reads `ctx.obj`. Nothing heavy is
built until a command asks for it (no httpx, boto3, keyring or tabulate at import time).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .iostreams import IOStreams

if TYPE_CHECKING:
    from ..config import ConfigFile, Settings
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


class Context:
    """One invocation: global options, IO, settings, the printer and lazily built clients."""

    def __init__(self, io: IOStreams | None = None, opts: GlobalOptions | None = None):
        self.io = io or IOStreams()
        self.opts = opts or GlobalOptions()
        self._settings: Settings | None = None
        self._out: Printer | None = None
        self._redactor: Redactor | None = None
        self._clients: dict[str, Any] = {}
        self._journal: Any = None
        self.argv: list[str] = []  # the command line, for the journal (redacted there)
        self._password: str | None = None
        self.password_prompted = False  # the password was typed at the prompt (login asks again if wrong)
        self._insecure_warned = False
        self._deprecations_shown: set[str] = set()
        self.started = time.monotonic()

    def configure(self, opts: GlobalOptions) -> None:
        """The global options of the command line (the root command calls this once)."""
        self.opts = opts
        self.io.no_color = opts.no_color
        self._settings = self._out = None

    # -- settings and output ----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self.reload_settings()
        assert self._settings is not None
        return self._settings

    def reload_settings(self, profile: str | None = None, config: ConfigFile | None = None) -> Settings:
        """Resolve the settings again (of `profile`, from `config` if given); clients built so far are dropped.

        `config init --from-stack` reads the stack with the profile it is about to write.
        """
        from ..config import resolve

        flags = {"request_timeout": self.opts.request_timeout, "ca_bundle": self.opts.ca_bundle,
                 "insecure": True if self.opts.insecure else None}
        self.close()
        self._password = None
        if config is None:
            self._settings = resolve(profile or self.opts.profile, flags)
        else:
            self._settings = resolve(profile or self.opts.profile, flags, config)
        for message in self._settings.deprecations:
            if message not in self._deprecations_shown:  # once per invocation, even after a reload
                self._deprecations_shown.add(message)
                self.warn(message)
        return self._settings

    @property
    def out(self) -> Printer:
        if self._out is None:
            from ..output import Printer

            self._out = Printer(self.opts.output, query=self.opts.query, no_headers=self.opts.no_headers,
                                stream=self.io.stdout, err=self.io.stderr, tty=self.io.stdout_tty,
                                color=self.io.color_stdout)
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

    @property
    def has_aws(self) -> bool:
        """The profile (or the environment) names an AWS region, endpoint or profile."""
        s = self.settings
        return bool(s.aws_region or s.aws_endpoint_url or s.aws_profile)

    # -- messages on stderr -----------------------------------------------------------------

    def warn(self, message: str) -> None:
        self.io.err(f"warning: {self.redactor.text(message)}")

    def info(self, message: str) -> None:
        self.io.err(self.redactor.text(message))

    def log(self, line: str) -> None:
        """-v / --debug lines; always redacted."""
        self.io.err(self.redactor.text(line))

    def confirm(self, question: str, yes: bool) -> bool:
        return self.io.confirm(question, yes)

    # -- credentials ------------------------------------------------------------------------

    def controller_password(self, *, use_keyring: bool = True) -> str:
        """The controller password (SPEC.md §3); asks on a terminal when no other source has one."""
        from ..credentials import PasswordNeeded, controller_password

        if self._password is None:
            try:
                self._password = controller_password(self.settings, use_keyring=use_keyring, warn=self.warn)
            except PasswordNeeded as need:
                if not self.io.can_prompt or self.io.live_shown:
                    raise
                self._password = self.io.password(need.question)
                if not self._password:
                    raise
                self.password_prompted = True
            self.redactor.add(self._password)
        return self._password

    def forget_password(self) -> None:
        """Drop the password obtained so far (the controller refused it): the next call asks again."""
        self._password = None

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
                                                           password=self.controller_password)
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
