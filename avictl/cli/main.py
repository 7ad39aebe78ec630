"""The root command: global options, help sections, command registration and error mapping.

Typer only. Each top-level command lives in the module of its own name (`avictl elb ...` in
cli/elb.py) and is registered here by an explicit import in `command_module`. The import
happens when the command is used (`avictl vs list` imports cli/vs.py and no other command
module), so start-up does not grow with the number of commands; a module that fails to import
fails loudly, it never silently loses a command. The root's `--help` lists the commands from
SUMMARIES without importing them (tests/cli/test_main.py keeps SUMMARIES equal to each
command's own help).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from types import ModuleType
from typing import IO, Any

import typer
from typer._click import exceptions as click_exc
from typer.exceptions import Abort

from .. import __version__, errors
from ._common import Group, PrintAndExit, Typer
from .context import Context, GlobalOptions
from .iostreams import IOStreams

# Help sections of the root command, in SPEC.md §2 order.
SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("Setup", ("config", "login", "logout", "status")),
    ("Marathon", ("app", "deployment")),
    ("Avi Controller", ("vs", "pool", "cloud", "se", "api")),
    ("Mesos", ("node",)),
    ("AWS", ("elb", "stack")),
    ("Together", ("deploy", "history", "undo")),
    ("Lab", ("lab",)),
    ("Shell", ("completion", "help")),
]

# Each command's one-line help, shown by the root's --help without importing its module.
SUMMARIES: dict[str, str] = {
    "config": "Manage profiles in the config file (TOML, mode 0600).",
    "login": "Check the controller password and keep it in the OS keyring.",
    "logout": "End the controller session and forget the stored password and session.",
    "status": "Check every configured link of the chain at once; one row per check.",
    "app": "Marathon apps: list, show, post, apply, scale, restart, delete, tasks, ports, wait.",
    "deployment": "Marathon deployments: list, watch, cancel.",
    "vs": "Avi virtual services: list, show, and the service port of an app.",
    "pool": "Avi pools and their members' health.",
    "cloud": "Avi clouds (a Mesos cloud shows its Marathon URL and port ranges) and their status.",
    "se": "Avi Service Engines: the node each runs on, its state and the virtual services placed on it.",
    "api": "Make an authenticated controller call and print the JSON reply (like `gh api`).",
    "node": "Mesos agents from the Mesos master, each with the Avi Service Engine on it.",
    "elb": "Classic ELBs and ALB/NLBs: list, show, health, retarget to a port.",
    "stack": "CloudFormation stacks: create (the seed's bring-up), wait, events, list, show, delete.",
    "deploy": "Post an app, wait for it, find its Avi service port and point the ELB at it.",
    "history": "Show the changes avictl made to Marathon, the controller and AWS, newest first.",
    "undo": "Undo the changes of one command: each change's inverse, newest first, as a plan to confirm.",
    "lab": "Run local stand-ins of Marathon, the Avi Controller and AWS (no cloud needed).",
    "completion": "Print the completion script for bash, zsh or fish.",
    "help": "Show the help of avictl or of a command (the same as COMMAND --help).",
}


def command_module(name: str) -> ModuleType:
    """The module of a top-level command, imported now (each has register(root))."""
    match name:
        case "config":
            from . import config as module
        case "login" | "logout":
            from . import login as module
        case "status":
            from . import status as module
        case "app":
            from . import app as module
        case "deployment":
            from . import deployment as module
        case "vs":
            from . import vs as module
        case "pool":
            from . import pool as module
        case "cloud":
            from . import cloud as module
        case "se":
            from . import se as module
        case "api":
            from . import api as module
        case "node":
            from . import node as module
        case "elb":
            from . import elb as module
        case "stack":
            from . import stack as module
        case "deploy":
            from . import deploy as module
        case "history":
            from . import history as module
        case "undo":
            from . import undo as module
        case "lab":
            from . import lab as module
        case "completion":
            from . import completion as module
        case "help":
            from . import help as module
        case _:
            raise KeyError(name)
    return module


ROOT_HELP = """Administer Avi Vantage with Mesos/Marathon (DC/OS) in AWS.

Post Marathon apps, find their Avi virtual services and ports, point AWS load balancers
at them, or do the whole procedure at once with `avictl deploy`.

Examples:

\b
  avictl lab up          # local stand-ins, no cloud account needed
  avictl deploy examples/Docker.json --elb avi-mesos-PublicSlaveL
  avictl vs list -o wide
  avictl elb retarget avi-mesos-PublicSlaveL --app /webapp1 --dry-run
"""

EPILOG = "Exit status: 0 ok, 1 failure (or a question answered no), 2 bad input, 3 not found, 4 conflict, 5 auth, 6 cannot connect, " \
         "7 wait timed out, 8 rolled back, 130 interrupted. See avictl(1)."


class SectionedGroup(Group):
    """The root: its commands are imported when used, and listed under the headings of SPEC.md §2."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*SUMMARIES, *(n for n in self.commands if n not in SUMMARIES)]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in self.commands and name in SUMMARIES:
            self._load(name)
        return self.commands.get(name)

    def load_all(self) -> SectionedGroup:
        """Every command registered (the shell generator and the tests walk the whole tree)."""
        for name in SUMMARIES:
            self.get_command(None, name)
        return self

    def _load(self, name: str) -> None:
        holder = Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)
        command_module(name).register(holder)
        group = typer.main.get_group(holder)
        for sub_name, sub in group.commands.items():
            _plain_usage(sub)
            self.commands.setdefault(sub_name, sub)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from typer._click.utils import make_default_short_help

        names = [n for n in self.list_commands(ctx)
                 if n in SUMMARIES or not getattr(self.commands.get(n), "hidden", False)]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)

        def short(name: str) -> str:
            if name in SUMMARIES:
                return make_default_short_help(SUMMARIES[name], limit)
            return self.commands[name].get_short_help_str(limit)

        placed: set[str] = set()
        for title, group_names in SECTIONS:
            rows = [(n, short(n)) for n in group_names if n in names]
            placed.update(n for n, _ in rows)
            if rows:
                with formatter.section(f"{title} commands"):
                    formatter.write_dl(rows)
        rest = [(n, short(n)) for n in names if n not in placed]
        if rest:
            with formatter.section("Other commands"):
                formatter.write_dl(rest)


def _version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        raise PrintAndExit(f"avictl {__version__}")


def root_callback(
    ctx: typer.Context,
    profile: str = typer.Option(None, "--profile", "-p", metavar="NAME", help="Profile to use (env AVICTL_PROFILE)."),
    output: str = typer.Option(None, "--output", "-o", metavar="FORMAT",
                               help="table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, tsv piped)."),
    query: str = typer.Option(None, "--query", metavar="JMESPATH", help="JMESPath applied to the JSON form."),
    no_headers: bool = typer.Option(False, "--no-headers", help="Omit table headers."),
    no_color: bool = typer.Option(False, "--no-color", help="No colour (also NO_COLOR)."),
    request_timeout: float = typer.Option(None, "--request-timeout", metavar="SECONDS",
                                          help="Per-request HTTP timeout (default 30; env AVICTL_REQUEST_TIMEOUT)."),
    old_timeout: float = typer.Option(None, "--timeout", metavar="SECONDS", hidden=True,
                                      help="Deprecated spelling of --request-timeout (before the command)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each HTTP request to stderr."),
    debug: bool = typer.Option(False, "--debug", help="Log headers and bodies (secrets redacted) and tracebacks."),
    ca_bundle: str = typer.Option(None, "--ca-bundle", metavar="PEM", help="CA bundle to verify TLS servers."),
    insecure: bool = typer.Option(False, "--insecure", help="Skip TLS verification (warns every time)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    from ..output import FORMATS

    if output is not None and output not in FORMATS:
        raise errors.UsageError(f"unknown output format {output!r}", f"choose one of: {', '.join(FORMATS)}")
    deprecated = []
    if old_timeout is not None:
        # A waiting command's own --timeout (after it) is its wait limit; here, before the
        # command, it meant the per-request limit: still so for one release, with a warning.
        deprecated.append("--timeout before the command (or on one that does not wait) is deprecated and will be "
                          "removed in the next release: use --request-timeout for the per-request limit")
        if request_timeout is None:
            request_timeout = old_timeout
    if request_timeout is not None and not 0 < request_timeout <= 86400:
        raise errors.UsageError(f"--request-timeout must be between 0 and 86400 seconds, not {request_timeout:g}")
    if ca_bundle is not None:
        import os

        if not os.path.isfile(ca_bundle):
            raise errors.UsageError(f"--ca-bundle {ca_bundle}: no such file")
    cx = ctx.obj if isinstance(ctx.obj, Context) else Context(IOStreams())
    cx.configure(GlobalOptions(profile=profile, output=output, query=query, no_headers=no_headers,
                               no_color=no_color, request_timeout=request_timeout, verbose=verbose, debug=debug,
                               ca_bundle=ca_bundle, insecure=insecure))
    ctx.obj = cx
    for message in deprecated:
        cx.warn(message)
    if query is not None:
        cx.out.search({})  # fail on a bad expression before anything is sent


def build_app() -> typer.Typer:
    root = Typer(name="avictl", cls=SectionedGroup, help=ROOT_HELP, epilog=EPILOG, rich_markup_mode=None,
                       add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                       context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
    root.callback()(root_callback)
    return root


_command: Any = None


def root_group() -> SectionedGroup:
    """The root command; its command groups are imported when first asked for (built once per process)."""
    global _command
    if _command is None:
        _command = typer.main.get_command(build_app())
        _plain_usage(_command)
    return _command


def root_command() -> SectionedGroup:
    """The whole click command tree, every command module imported."""
    return root_group().load_all()


def _plain_usage(cmd: Any) -> None:
    """Usage lines as people write them (`avictl app scale APP N`, `[ID]` when optional), not
    typer's `{APP} {N}`."""
    for param in getattr(cmd, "params", []):
        if getattr(param, "param_type_name", "") == "argument":
            var = param.metavar or (param.name or "").upper()
            if param.nargs != 1 and not var.endswith("..."):
                var += "..."
            text = var if param.required or var.startswith("[") else f"[{var}]"
            param.make_metavar = lambda ctx=None, *, usage=False, _text=text: _text
    for sub in getattr(cmd, "commands", {}).values():
        _plain_usage(sub)


def _usage_words(exc: Any) -> str:
    """click's wording of a bad value or option, in avictl's words."""
    import re

    if isinstance(exc, click_exc.NoSuchOption) and re.match(r"^-\d", exc.option_name or ""):
        return f"{exc.option_name}: a negative number is not allowed here"
    if isinstance(exc, click_exc.BadParameter) and exc.param is not None:
        name = (exc.param.metavar or exc.param.name or "value") if exc.param.param_type_name == "argument" \
            else (exc.param.opts[0] if exc.param.opts else exc.param.name)
        message = str(exc.message)
        m = re.match(r"^'(.*)' is not a valid (integer|int|float)\.?$", message, re.S)
        if m:
            kind = "a whole number" if m.group(2) != "float" else "a number"
            return f"{name} must be {kind}, not {m.group(1)!r}"
        return f"{name}: {message.rstrip('.')}"
    return exc.format_message()


# -- global options anywhere on the line --------------------------------------------------


def _option_names(cmd: Any) -> dict[str, bool]:
    """Option spelling → whether it takes a value."""
    names: dict[str, bool] = {}
    for p in cmd.params:
        if getattr(p, "param_type_name", "") != "option" and not hasattr(p, "is_flag"):
            continue
        takes = not getattr(p, "is_flag", False) and not getattr(p, "count", False)
        for spelling in [*p.opts, *p.secondary_opts]:
            names[spelling] = takes
    return names


def hoist_global_options(root: Any, argv: list[str]) -> list[str]:
    """Move root options written after the command to the front (`avictl vs list -o json`).

    A leaf command's own option of the same name wins (`app wait --timeout` is a wait limit).
    """
    globals_ = _option_names(root)
    cmd, i = root, 0
    # Walk the root's own options and the command path.
    while i < len(argv):
        tok = argv[i]
        if tok == "--":
            return argv
        if tok.startswith("-"):
            name = tok.split("=", 1)[0]
            own = _option_names(cmd)
            i += 2 if (own.get(name) and "=" not in tok) else 1
            continue
        sub = cmd.get_command(None, tok) if hasattr(cmd, "get_command") and hasattr(cmd, "commands") else None
        if sub is None:
            break
        cmd, i = sub, i + 1
        if not hasattr(cmd, "commands"):
            break
    if cmd is root:
        return argv
    leaf = _option_names(cmd)
    head, moved, rest = argv[:i], [], []
    j = i
    while j < len(argv):
        tok = argv[j]
        if tok == "--":
            rest.extend(argv[j:])
            break
        name = tok.split("=", 1)[0] if tok.startswith("--") else tok
        if tok.startswith("-") and name in leaf:
            rest.append(tok)
            if leaf[name] and "=" not in tok and j + 1 < len(argv):
                rest.append(argv[j + 1])
                j += 1
        elif tok.startswith("-") and name in globals_ and name not in ("--help", "-h"):
            moved.append(tok)
            if globals_[name] and "=" not in tok:
                if j + 1 >= len(argv):  # `avictl app list -o`: say so, don't let it eat the command
                    raise errors.UsageError(f"option {tok} needs a value", f"see 'avictl --help' for {tok}")
                moved.append(argv[j + 1])
                j += 1
        else:
            rest.append(tok)
        j += 1
    return moved + head + rest


# -- running ------------------------------------------------------------------------------


def _sigterm_as_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(argv: list[str] | None = None, *, stdin: IO[str] | None = None, stdout: IO[str] | None = None,
        stderr: IO[str] | None = None) -> int:
    """Run one avictl command line and return its exit code (never raises, never exits).

    The streams go to the command through its Context (ctx.obj); sys.stdin/stdout/stderr
    are left alone.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    io = IOStreams(stdin, stdout, stderr)
    cx = Context(io)
    cx.argv = list(argv)
    debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
    old_term = None
    try:
        old_term = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    except ValueError:  # not the main thread (in-process tests): SIGTERM keeps its default
        pass
    try:
        root = root_group()
        rv = root.main(hoist_global_options(root, argv), prog_name="avictl", standalone_mode=False, obj=cx)
        code = rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
        if code == errors.INTERRUPTED:
            _print(io, "avictl: interrupted")
        return code
    except PrintAndExit as exc:
        io.stdout.write(exc.text.rstrip("\n") + "\n")
        return errors.OK
    except errors.AvictlError as exc:
        if debug:
            import traceback

            traceback.print_exc(file=io.stderr)
        from .render.transport import transport_words

        exc = transport_words(exc)
        exc.hint = _hint_for_profile(exc.hint, cx)
        _print(io, cx.redactor.text(errors.format_error(exc)))
        return exc.exit_code
    except click_exc.NoArgsIsHelpError as exc:
        io.stdout.write((exc.ctx.get_help() if exc.ctx else "") + "\n")
        return errors.OK
    except click_exc.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "avictl"
        _print(io, f"avictl: error: {errors.one_line(_usage_words(exc))}\nhint: see '{where} --help'")
        return errors.USAGE
    except click_exc.ClickException as exc:
        _print(io, f"avictl: error: {errors.one_line(exc.format_message())}")
        return exc.exit_code if exc.exit_code else errors.FAILURE
    except Abort:
        _print(io, "avictl: interrupted")
        return errors.INTERRUPTED
    except KeyboardInterrupt:
        _print(io, "avictl: interrupted")
        return errors.INTERRUPTED
    except BrokenPipeError:
        return _reader_went_away(io)
    except errors.OutputClosed:
        return _reader_went_away(io)
    except Exception as exc:  # a bug: one line unless --debug
        if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            return _reader_went_away(io)
        if _interrupted(exc):  # a Ctrl-C that Python wrapped (in an import: "Error calling __set_name__")
            _print(io, "avictl: interrupted")
            return errors.INTERRUPTED
        if debug:
            import traceback

            traceback.print_exc(file=io.stderr)
        _print(io, cx.redactor.text(errors.format_error(exc)))
        return errors.FAILURE
    finally:
        cx.close()
        try:
            io.stdout.flush()
        except (BrokenPipeError, ValueError):
            pass
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)


def _interrupted(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is behind an exception (its cause or context, a few levels down)."""
    seen: BaseException | None = exc
    for _ in range(8):
        seen = seen.__cause__ or seen.__context__ if seen is not None else None
        if seen is None:
            return False
        if isinstance(seen, KeyboardInterrupt):
            return True
    return False


def _hint_for_profile(hint: str | None, cx: Context) -> str | None:
    """A hint that edits the configuration names the profile in use, so that following it
    changes that profile and not the default one (`avictl --profile NAME config set ...`)."""
    settings = getattr(cx, "_settings", None)
    profile = getattr(settings, "profile", None) or cx.opts.profile
    if not hint or not profile or profile == "default" or "--profile" in hint:
        return hint
    return hint.replace("avictl config set", f"avictl --profile {profile} config set")


def _reader_went_away(io: IOStreams) -> int:
    """stdout was closed by its reader (`avictl vs list | head -1`): end quietly with 0, as
    `set -o pipefail` scripts expect of a listing cut short on purpose (like git and gh)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, io.stdout.fileno())  # nothing left to flush into the closed pipe at exit
    except (OSError, ValueError, AttributeError):
        pass
    return errors.OK


def _print(io: IOStreams, text: str) -> None:
    try:
        io.stderr.write(text.rstrip("\n") + "\n")
        io.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
