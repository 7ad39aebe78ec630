"""Man pages (roff, man macros) generated from the command tree (avictl.shell.model).

avictl.1 describes the program, its global options and lists the commands; every top-level
command has its own page, avictl-<command>.1 (a group's page covers all its sub-commands),
like git. Every page carries SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, ENVIRONMENT,
FILES, EXAMPLES (from the commands' "Examples:" help) and SEE ALSO.
"""

from __future__ import annotations

import re

from .. import __version__, errors
from .model import Command, Model, Option, split_examples

MANUAL = "avictl manual"

# SPEC.md §5.
EXIT_STATUS: list[tuple[int, str]] = [
    (errors.OK, "Success."),
    (errors.FAILURE, "Failure not covered below (remote 5xx after retries, unexpected reply)."),
    (errors.USAGE, "Usage error or bad input (flags, app definition, config file); nothing was sent."),
    (errors.NOT_FOUND, "Not found (app, virtual service, ELB, listener, profile)."),
    (errors.CONFLICT, "Conflict (already exists, locked by a deployment, concurrent edit)."),
    (errors.AUTH, "Authentication or authorization failed, or no credentials available."),
    (errors.CONNECT, "Cannot connect (DNS, refused, TLS verification, timeout)."),
    (errors.TIMEOUT, "A wait reached its --timeout."),
    (errors.ROLLED_BACK, "A change failed part-way and was rolled back."),
    (errors.INTERRUPTED, "Interrupted (Ctrl-C or SIGTERM); a change in progress is finished or rolled back first."),
]

# SPEC.md §3: variables that are not a profile key (those come from avictl.config.KEYS).
OTHER_ENVIRONMENT: list[tuple[str, str]] = [
    ("AVICTL_PROFILE", "Profile to use when --profile is not given (else the file's default_profile)."),
    ("AVICTL_CONFIG", "The config file (default $XDG_CONFIG_HOME/avictl/config.toml)."),
    ("AVICTL_CACHE_DIR", "Where sessions and the completion name cache are kept."),
    ("AVI_PASSWORD", "The controller password (never stored in the config file)."),
    ("MARATHON_PASSWORD", "The Marathon HTTP basic password."),
    ("DCOS_ACS_TOKEN", "A DC/OS authentication token for Marathon (sent as Authorization: token=...)."),
    ("XDG_CONFIG_HOME, XDG_CACHE_HOME", "Base directories of the config file and the cache."),
    ("NO_COLOR", "Disable colour (as --no-color)."),
]

FILES: list[tuple[str, str]] = [
    ("$XDG_CONFIG_HOME/avictl/config.toml",
     "Profiles (default ~/.config/avictl/config.toml, or $AVICTL_CONFIG), mode 0600; never holds a secret."),
    ("$XDG_CACHE_HOME/avictl/",
     "Per-user cache (default ~/.cache/avictl/, or $AVICTL_CACHE_DIR), mode 0700; names/PROFILE/KIND.json "
     "holds the app, virtual service and ELB names offered by shell completion."),
]


def page_names(model: Model) -> list[str]:
    return ["avictl.1"] + [f"avictl-{name}.1" for name in model.root.commands]


def pages(model: Model) -> dict[str, str]:
    out = {"avictl.1": root_page(model)}
    for name, cmd in model.root.commands.items():
        out[f"avictl-{name}.1"] = command_page(model, cmd)
    return out


# -- roff ----------------------------------------------------------------------------------


def esc(text: str) -> str:
    """Text safe inside a roff line (backslashes, hyphens as minus signs, quotes)."""
    text = text.replace("\\", "\\e").replace("-", "\\-").replace("'", "\\(aq").replace('"', "\\(dq")
    return "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)  # roff input is ASCII


def _line(text: str) -> str:
    """A text line that cannot be taken for a request."""
    text = esc(text)
    return "\\&" + text if text.startswith((".", "'")) else text


def _paragraphs(raw: str) -> list[str]:
    """Help text → roff: paragraphs flow, click's \\b blocks keep their lines."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", raw.strip()):
        lines = para.splitlines()
        if not lines:
            continue
        if lines[0].strip() == "\b":
            body = [ln for ln in lines[1:]]
            indent = min((len(ln) - len(ln.lstrip()) for ln in body if ln.strip()), default=0)
            out += [".PP", ".nf", ".RS 4"] + [_line(ln[indent:]) if ln.strip() else ".sp" for ln in body]
            out += [".RE", ".fi"]
        else:
            out += [".PP", _line(" ".join(" ".join(lines).split()))]
    return out


def _help_body(cmd: Command) -> tuple[list[str], list[str]]:
    """(roff of the help without Examples, example lines)."""
    raw = cmd.raw_help
    m = re.search(r"^\s*Examples?:\s*$", raw, re.M)
    text = raw[: m.start()] if m else raw
    _, examples = split_examples(cmd.help)
    return _paragraphs(text), examples


def _synopsis(cmd: Command) -> str:
    parts = ["\\fBavictl\\fR"] + [f"\\fB{esc(p)}\\fR" for p in cmd.path]
    if cmd.commands:
        parts.append("\\fICOMMAND\\fR")
    parts.append("[\\fIOPTIONS\\fR]")
    for a in cmd.arguments:
        name = f"\\fI{esc(a.metavar)}\\fR" + ("..." if a.variadic else "")
        parts.append(name if a.required else f"[{name}]")
    return " ".join(parts)


def _option(o: Option) -> list[str]:
    spell = ", ".join(f"\\fB{esc(n)}\\fR" for n in o.names)
    if o.takes_value:
        spell += f" \\fI{esc(o.metavar)}\\fR"
    if o.secondary:
        spell += ", " + ", ".join(f"\\fB{esc(n)}\\fR" for n in o.secondary)
    return [".TP", spell, _line(o.help or "")]


def _arguments(cmd: Command) -> list[str]:
    out: list[str] = []
    for a in cmd.arguments:
        if a.help:
            out += [".TP", f"\\fI{esc(a.metavar)}\\fR" + ("..." if a.variadic else ""), _line(a.help)]
    return out


def _help_options(model: Model) -> list[str]:
    return [".TP", ", ".join(f"\\fB{esc(n)}\\fR" for n in model.help_options), "Show the help and exit."]


def _common_sections(model: Model, examples: list[str], see_also: list[str]) -> list[str]:
    from ..config import KEYS

    out = [".SH \"EXIT STATUS\""]
    for code, meaning in EXIT_STATUS:
        out += [".TP", f"\\fB{code}\\fR", _line(meaning)]
    out += [".SH ENVIRONMENT",
            ".PP", "Precedence, highest first: command\\-line flag, environment variable, selected profile, "
            "built\\-in default."]
    for key in KEYS:
        if key.env:
            out += [".TP", ", ".join(f"\\fB{esc(e)}\\fR" for e in key.env),
                    _line(f"{key.help[:1].upper()}{key.help[1:]}; profile key {key.name}.")]
    for name, text in OTHER_ENVIRONMENT:
        out += [".TP", ", ".join(f"\\fB{esc(n)}\\fR" for n in name.split(", ")), _line(text)]
    out += [".SH FILES"]
    for name, text in FILES:
        out += [".TP", f"\\fI{esc(name)}\\fR", _line(text)]
    if examples:
        out += [".SH EXAMPLES", ".nf", ".RS 4"] + [_line(e) if e.strip() else ".sp" for e in examples] + [".RE", ".fi"]
    out += [".SH \"SEE ALSO\"", ",\n".join(f"\\fB{esc(p)}\\fR(1)" for p in see_also)]
    return out


def _header(title: str, summary: str) -> list[str]:
    return [f".\\\" Generated from the command tree by `python -m avictl.shell`; do not edit.",
            f".TH \"{esc(title.upper())}\" 1 \"\" \"avictl {esc(__version__)}\" \"{MANUAL}\"",
            ".nh", ".ad l", ".SH NAME", f"{esc(title)} \\- {_line(summary)}"]


def root_page(model: Model) -> str:
    root = model.root
    body, examples = _help_body(root)
    out = _header("avictl", root.short_help or "administer Avi Vantage with Mesos/Marathon in AWS")
    out += [".SH SYNOPSIS", ".PP", "\\fBavictl\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]",
            ".SH DESCRIPTION"] + body
    out += [".SH COMMANDS"]
    for name, cmd in root.commands.items():
        subs = " | ".join(cmd.commands) if cmd.commands else ""
        out += [".TP", f"\\fBavictl {esc(name)}\\fR" + (f" {esc(subs)}" if subs else ""),
                _line(f"{cmd.short_help}." if cmd.short_help else ""), f"See \\fBavictl\\-{esc(name)}\\fR(1)."]
    out += [".SH OPTIONS", ".PP",
            "Global options; they may also be written after the command "
            "(a command's own option of the same name wins)."]
    for o in root.options:
        out += _option(o)
    out += _help_options(model)
    out += _common_sections(model, examples, [f"avictl-{n}" for n in root.commands])
    return "\n".join(out) + "\n"


def command_page(model: Model, cmd: Command) -> str:
    title = "avictl-" + cmd.path[0]
    body, examples = _help_body(cmd)
    out = _header(title, cmd.short_help or cmd.path[0])
    leaves = [c for c in cmd.walk() if not c.commands] if cmd.commands else [cmd]
    out += [".SH SYNOPSIS"]
    for leaf in leaves:
        out += [".PP", _synopsis(leaf)]
    out += [".SH DESCRIPTION"] + body
    if cmd.commands:
        out += [".SH COMMANDS"]
        for leaf in leaves:
            leaf_body, leaf_examples = _help_body(leaf)
            out += [f".SS \"{esc(' '.join(leaf.path))}\"", ".PP", _synopsis(leaf)] + leaf_body
            out += _arguments(leaf)
            for o in leaf.options:
                out += _option(o)
            examples += leaf_examples
    out += [".SH OPTIONS"]
    if not cmd.commands:
        out += _arguments(cmd)
    if not cmd.commands and cmd.options:
        for o in cmd.options:
            out += _option(o)
    out += _help_options(model)
    out += [".PP", "The global options of \\fBavictl\\fR(1) (\\fB\\-\\-profile\\fR, \\fB\\-o\\fR, "
            "\\fB\\-\\-query\\fR, \\fB\\-v\\fR, ...) are accepted before or after the command."]
    out += _common_sections(model, examples, ["avictl"])
    return "\n".join(out) + "\n"
