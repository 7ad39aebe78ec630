"""The command tree as plain data, read from the click commands built by avictl.cli.main.

Both generators (completion scripts, man pages) work from this model, so whatever command
groups are registered when they run is what they describe.

What a value completes to is a *kind*:
  ""            free text: nothing to offer
  "file"        a path
  "profile"     a profile from the config file            (dynamic: `avictl __complete`)
  "app", "vs", "elb", "se", "node", "stack", or several joined by commas        (dynamic: the name cache)
  any name in Model.choices                               a fixed list, written into the scripts
The tables below decide the kinds; click's own types (choices, paths) fill in the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

DYNAMIC = frozenset({"profile", "app", "vs", "elb", "se", "node", "stack"})

# Option spelling -> kind, for options whose click type says nothing useful.
OPTION_KINDS: dict[str, str] = {
    "--output": "format",
    "--profile": "profile",
    "--ca-bundle": "file",
    "--marathon-ca-bundle": "file",
    "--data": "file",
    "--file": "file",
    "--app": "app",
    "--vs": "vs",
    "--elb": "elb",
    "--from-stack": "stack",
    "--template-file": "file",
}

# (command path prefix, parameter names, kind) for positional arguments; first match wins.
# "" matches every command. Parameter names are the Python names typer derives.
ARGUMENT_KINDS: list[tuple[str, frozenset[str], str]] = [
    ("config use", frozenset({"name", "profile"}), "profile"),
    ("config set", frozenset({"key"}), "config_key"),
    ("config unset", frozenset({"key"}), "config_key"),
    ("completion", frozenset({"shell"}), "shell"),
    ("api", frozenset({"method"}), "http_method"),
    ("api", frozenset({"path"}), ""),  # an API path, not a file
    ("vs port", frozenset({"target", "app_or_vs", "name", "app"}), "app,vs"),
    ("vs show", frozenset({"name", "target"}), "vs,app"),  # NAME|UUID|APP
    ("vs", frozenset({"name", "vs", "target", "name_or_uuid", "vs_name", "names"}), "vs"),
    ("elb", frozenset({"name", "elb", "load_balancer", "names"}), "elb"),
    ("se", frozenset({"name"}), "se"),
    ("node", frozenset({"node"}), "node"),
    ("stack", frozenset({"name", "stack", "stack_name"}), "stack"),
    ("", frozenset({"app", "app_id", "apps", "app_ids"}), "app"),
    ("", frozenset({"file", "path", "files", "definition", "filename", "app_file"}), "file"),
]

SHELLS = ("bash", "zsh", "fish")  # the shells completion scripts are generated for
ALTERNATIVES = re.compile(r"[A-Za-z0-9_.-]+(\|[A-Za-z0-9_.-]+)+")


@dataclass
class Option:
    names: list[str]  # every spelling, e.g. ["--output", "-o"]
    secondary: list[str]  # the off switch of --x/--no-x
    takes_value: bool
    kind: str
    metavar: str
    help: str
    repeatable: bool = False


@dataclass
class Argument:
    name: str
    metavar: str
    kind: str
    required: bool
    variadic: bool
    help: str = ""


@dataclass
class Command:
    path: tuple[str, ...]
    help: str
    short_help: str
    options: list[Option]
    arguments: list[Argument]
    commands: dict[str, "Command"] = field(default_factory=dict)
    group: bool = False
    raw_help: str = ""  # as written, with click's keep-line-breaks markers (for the man pages)

    @property
    def name(self) -> str:
        return " ".join(("avictl", *self.path))

    def walk(self):
        yield self
        for sub in self.commands.values():
            yield from sub.walk()


@dataclass
class Model:
    root: Command
    choices: dict[str, tuple[str, ...]]
    help_options: tuple[str, ...]

    def commands(self) -> list[Command]:
        return list(self.root.walk())


def build(root: Any = None) -> Model:
    """The model of `root` (default: avictl's root command as registered now)."""
    if root is None:
        from ..cli.main import root_command

        root = root_command()
    from ..cli.api import METHODS
    from ..config import KEYS
    from ..output import FORMATS

    choices: dict[str, tuple[str, ...]] = {
        "format": tuple(FORMATS),
        "shell": SHELLS,
        "config_key": tuple(k.name for k in KEYS),
        "http_method": METHODS,
    }
    help_options = tuple(sorted((root.context_settings or {}).get("help_option_names", ["--help"]),
                                key=lambda s: (not s.startswith("--"), s)))
    return Model(_command(root, (), choices), choices, help_options)


def _command(cmd: Any, path: tuple[str, ...], choices: dict[str, tuple[str, ...]]) -> Command:
    help_text = clean_help(cmd.help or "")
    short = cmd.short_help or first_sentence(help_text)
    node = Command(path=path, help=help_text, short_help=short, options=[], arguments=[],
                   group=hasattr(cmd, "commands"), raw_help=(cmd.help or "").split("\f", 1)[0].strip())
    for p in cmd.params:
        if getattr(p, "hidden", False):
            continue
        if getattr(p, "param_type_name", "") == "argument":
            node.arguments.append(_argument(p, path, choices))
        else:
            node.options.append(_option(p, choices))
    for name in _ordered(cmd, path):
        sub = cmd.commands[name]
        if not getattr(sub, "hidden", False):
            node.commands[name] = _command(sub, (*path, name), choices)
    return node


def _ordered(cmd: Any, path: tuple[str, ...]) -> list[str]:
    """Sub-commands in registration order; the root's in its help sections' order."""
    names = list(getattr(cmd, "commands", {}))
    if not path:
        from ..cli.main import SECTIONS

        first = [n for _, group in SECTIONS for n in group if n in names]
        names = first + [n for n in names if n not in first]
    return names


def _choice_kind(values: tuple[str, ...], dest: str, choices: dict[str, tuple[str, ...]]) -> str:
    """The name of a fixed value list (shared between parameters with the same values)."""
    for name, known in choices.items():
        if known == values:
            return name
    name, n = dest, 2
    while name in choices:
        name, n = f"{dest}{n}", n + 1
    choices[name] = values
    return name


def _type_kind(ptype: Any, dest: str, choices: dict[str, tuple[str, ...]]) -> str:
    values = getattr(ptype, "choices", None)
    if values:
        return _choice_kind(tuple(str(getattr(v, "value", v)) for v in values), dest, choices)
    type_name = type(ptype).__name__
    if type_name in ("Path", "File") or "Path" in type_name:
        return "file"
    return ""


def _option(p: Any, choices: dict[str, tuple[str, ...]]) -> Option:
    takes = not getattr(p, "is_flag", False) and not getattr(p, "count", False)
    kind = ""
    if takes:
        kind = next((OPTION_KINDS[n] for n in p.opts if n in OPTION_KINDS), "") or \
            _type_kind(p.type, p.name or "value", choices)
        if not kind and p.metavar and ALTERNATIVES.fullmatch(p.metavar):  # metavar="HTTP|TCP"
            kind = _choice_kind(tuple(p.metavar.split("|")), p.name or "value", choices)
    metavar = (p.metavar or (p.name or "value").upper()) if takes else ""
    if takes and getattr(p.type, "choices", None) and not p.metavar:
        metavar = "|".join(choices[kind])
    long_first = sorted(p.opts, key=lambda s: (not s.startswith("--"), s))
    return Option(names=long_first, secondary=list(p.secondary_opts), takes_value=takes, kind=kind,
                  metavar=metavar, help=" ".join((p.help or "").split()),
                  repeatable=bool(getattr(p, "multiple", False)))


def _argument(p: Any, path: tuple[str, ...], choices: dict[str, tuple[str, ...]]) -> Argument:
    where = " ".join(path)
    kind = next((k for prefix, names, k in ARGUMENT_KINDS
                 if p.name in names and (not prefix or where == prefix or where.startswith(prefix + " "))), None)
    if kind is None:
        kind = _type_kind(p.type, p.name or "value", choices)
    metavar = p.metavar or (p.name or "arg").upper()
    return Argument(name=p.name or "", metavar=metavar, kind=kind, required=bool(p.required),
                    variadic=p.nargs == -1, help=" ".join((getattr(p, "help", None) or "").split()))


# -- help text -----------------------------------------------------------------------------


def clean_help(text: str) -> str:
    """Docstring help without click's \\b markers and with the \\f tail cut off."""
    text = text.split("\f", 1)[0]
    return "\n".join(line.rstrip() for line in text.replace("\b\n", "").replace("\b", "").splitlines()).strip()


def first_sentence(text: str) -> str:
    para = " ".join(text.split("\n\n", 1)[0].split())
    m = re.match(r"(.+?\.)(\s|$)", para)
    return (m.group(1) if m else para).rstrip(".")


def split_examples(text: str) -> tuple[str, list[str]]:
    """(the help without its "Examples:" section, the example lines)."""
    m = re.search(r"^\s*Examples?:\s*$", text, re.M)
    if not m:
        return text, []
    body, tail = text[: m.start()].rstrip(), text[m.end():]
    lines = tail.strip("\n").splitlines()
    # The examples are an indented block; a later unindented paragraph belongs to the text.
    examples: list[str] = []
    rest: list[str] = []
    for i, line in enumerate(lines):
        if line and not line.startswith(" ") and examples:
            rest = lines[i:]
            break
        examples.append(line)
    while examples and not examples[-1].strip():
        examples.pop()
    while examples and not examples[0].strip():
        examples.pop(0)
    indent = min((len(e) - len(e.lstrip()) for e in examples if e.strip()), default=0)
    examples = [e[indent:] for e in examples]
    if rest:
        body = (body + "\n\n" + "\n".join(rest)).strip()
    return body, examples
