"""bash, zsh and fish completion scripts generated from the command tree (avictl.shell.model).

Each script holds the whole tree as static data — sub-commands, options, which options take
a value and of what kind, the kind of each positional argument, fixed value lists — and a
small hand-written walker that finds the command path in the words typed so far. The
walkers are plain script files in templates/ (avictl.bash, avictl.zsh, avictl.fish). Only
dynamic kinds (profiles, apps, virtual services, ELBs) start a process: `avictl
__complete KIND PREFIX WORDS...` (see avictl.shell.complete), which never touches the network.

Global options may be written after the command, so every command's data includes them
(its own option of the same spelling wins).
"""

from __future__ import annotations

from .model import Command, Model

HEADER = "Generated from the command tree by `python -m avictl.shell`; do not edit."
NOT_GLOBAL = ("--version",)


# -- the data every script carries ---------------------------------------------------------


class Spec:
    """One command's completion data with the global options merged in."""

    def __init__(self, model: Model, cmd: Command):
        self.key = " ".join(cmd.path)
        self.cmds = [(name, sub.short_help) for name, sub in cmd.commands.items()]
        own = list(cmd.options)
        if cmd.path:
            spelled = {n for o in own for n in (*o.names, *o.secondary)}
            own += [o for o in model.root.options
                    if not set(o.names) & spelled and not set(o.names) & set(NOT_GLOBAL)]
        self.opts: list[tuple[str, str]] = []  # (spelling, help)
        self.vals: list[tuple[str, str]] = []  # (spelling, kind or "-")
        for o in own:
            for n in (*o.names, *o.secondary):
                self.opts.append((n, o.help))
                if o.takes_value and n in o.names:
                    self.vals.append((n, o.kind or "-"))
        for n in model.help_options:
            self.opts.append((n, "Show this help and exit."))
        self.args = [(a.kind or "-") + ("*" if a.variadic else "") for a in cmd.arguments]


def specs(model: Model) -> list[Spec]:
    return [Spec(model, c) for c in model.commands()]


def generate(shell: str, model: Model) -> str:
    if shell == "bash":
        return bash(model)
    if shell == "zsh":
        return zsh(model)
    if shell == "fish":
        return fish(model)
    raise ValueError(f"unknown shell {shell!r}")


def template(shell: str) -> str:
    """The hand-written part of a shell's script: templates/avictl.SHELL, shipped as package data."""
    from importlib.resources import files

    return files(__package__).joinpath("templates", f"avictl.{shell}").read_text(encoding="utf-8")


def fill(shell: str, *, cases: str, choices: str) -> str:
    """The template with the generated data put in: `# @HEADER@`, and the lines `#@CASES@` and
    `#@CHOICES@` (comments, so that the templates stay valid scripts for shellcheck)."""
    return (template(shell).replace("@HEADER@", HEADER, 1).replace("#@CASES@", cases, 1)
            .replace("#@CHOICES@", choices, 1))


def _sq(text: str) -> str:
    """Single-quoted for sh-like shells (bash, zsh)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_sq(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _one_line(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- bash ----------------------------------------------------------------------------------


def bash(model: Model) -> str:
    cases = []
    for s in specs(model):
        cases.append(
            f"    {_sq(s.key)})\n"
            f"        cmds={_sq(' '.join(n for n, _ in s.cmds))}\n"
            f"        opts={_sq(' '.join(n for n, _ in s.opts))}\n"
            f"        vals={_sq(' '.join(f'{n}={k}' for n, k in s.vals))}\n"
            f"        args={_sq(' '.join(s.args))}\n"
            "        ;;")
    choices = "\n".join(f"    {name}) REPLY={_sq(' '.join(values))} ;;" for name, values in model.choices.items())
    return fill("bash", cases="\n".join(cases), choices=choices)



# -- zsh -----------------------------------------------------------------------------------


def _zsh_item(name: str, desc: str) -> str:
    return _sq(name.replace(":", "\\:") + (":" + _one_line(desc) if desc else ""))


def zsh(model: Model) -> str:
    cases = []
    for s in specs(model):
        def arr(items: list[str]) -> str:
            return "(" + " ".join(items) + ")"

        cases.append(
            f"    {_sq(s.key)})\n"
            f"      cmds={arr([_zsh_item(n, d) for n, d in s.cmds])}\n"
            f"      opts={arr([_zsh_item(n, d) for n, d in s.opts])}\n"
            f"      vals={arr([_sq(f'{n}={k}') for n, k in s.vals])}\n"
            f"      args={arr([_sq(a) for a in s.args])}\n"
            "      ;;")
    choices = "\n".join(f"    {name}) reply=({' '.join(_sq(v) for v in values)}) ;;"
                        for name, values in model.choices.items())
    return fill("zsh", cases="\n".join(cases), choices=choices)



# -- fish ----------------------------------------------------------------------------------


def fish(model: Model) -> str:
    cases = []
    for s in specs(model):
        lines = [f"        case {_fish_sq(s.key)}"]
        if s.cmds:
            lines.append("            set -g __avictl_cmds " + " ".join(
                _fish_sq(f"{n}\t{_one_line(d)}" if d else n) for n, d in s.cmds))
        lines.append("            set -g __avictl_opts " + " ".join(
            _fish_sq(f"{n}\t{_one_line(d)}" if d else n) for n, d in s.opts))
        if s.vals:
            lines.append("            set -g __avictl_vals " + " ".join(_fish_sq(f"{n}={k}") for n, k in s.vals))
        if s.args:
            lines.append("            set -g __avictl_args " + " ".join(_fish_sq(a) for a in s.args))
        cases.append("\n".join(lines))
    choices = "\n".join(f"        case {name}\n            printf '%s\\n' {' '.join(_fish_sq(v) for v in values)}"
                        for name, values in model.choices.items())
    return fill("fish", cases="\n".join(cases), choices=choices)

