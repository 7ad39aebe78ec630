"""Every example in a command's --help parses as written (command path, options, values), and
names only what the lab has: the app /webapp1, the ELB avi-mesos-PublicSlaveL."""

from __future__ import annotations

import re
import shlex

from avictl.cli.main import hoist_global_options, root_command

LAB_APPS = {"/webapp1", "webapp1"}


def _commands(cmd, path=()):
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _examples():
    root = root_command()
    for path, cmd in _commands(root):
        text = (cmd.help or "").split("Examples:", 1)
        if len(text) < 2:
            continue
        for line in text[1].splitlines():
            if "avictl " not in line:
                continue
            lexer = shlex.shlex(line.split("avictl ", 1)[1].rstrip(" \\"), posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            args = []
            for token in lexer:  # up to the first shell operator: | && > ) ;
                if token and set(token) <= set("|&;<>()"):
                    break
                args.append(token)
            yield " ".join(path), args


def _parse(args):
    root = root_command()
    args = hoist_global_options(root, args)
    ctx = root.make_context("avictl", list(args))
    cmd = root
    while hasattr(cmd, "commands"):
        rest = [*getattr(ctx, "protected_args", getattr(ctx, "_protected_args", [])), *ctx.args]
        name, cmd, rest = cmd.resolve_command(ctx, rest)
        ctx = cmd.make_context(name, rest, parent=ctx)
    return ctx


def test_every_help_example_parses_and_names_what_the_lab_has():
    examples = list(_examples())
    assert len(examples) > 80
    for where, args in examples:
        try:
            _parse(args)
        except Exception as exc:  # noqa: BLE001 - the failing example is the message
            raise AssertionError(f"`avictl {' '.join(args)}` in the help of `{where}`: {exc}") from None
        for before, arg in zip(["", *args], args):
            if before in ("--health-path", "--check-url", "--path"):
                continue
            if re.fullmatch(r"/[a-z0-9][a-z0-9./-]*", arg) and not arg.startswith("/api/") and arg != "/":
                assert arg in LAB_APPS, f"`avictl {' '.join(args)}` ({where}) names app {arg}, not /webapp1"


def test_help_command_is_the_commands_own_help(cli):
    assert cli("help", "elb", "retarget").stdout == cli("elb", "retarget", "--help").stdout
    assert cli("help").stdout == cli("--help").stdout
    r = cli("help", "nope")
    assert r.exit_code == 2 and "unknown command 'nope'" in r.stderr


def test_usage_lines_and_value_errors_in_plain_words(cli):
    usage = cli("app", "scale", "--help").stdout.splitlines()[0]
    assert usage == "Usage: avictl app scale [OPTIONS] APP N", usage
    assert "{" not in cli("config", "set", "--help").stdout.splitlines()[0]
    r = cli("app", "scale", "webapp1", "abc")
    assert r.exit_code == 2 and "N must be a whole number, not 'abc'" in r.stderr and "Invalid value" not in r.stderr
    r = cli("app", "scale", "webapp1", "-1")
    assert r.exit_code == 2 and "negative number" in r.stderr and "No such option" not in r.stderr
