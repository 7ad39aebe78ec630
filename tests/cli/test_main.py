"""The root command: every command of the help sections is registered, from the module of its name."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from cli.helpers import init

import avictl.cli
from avictl.cli.main import SECTIONS, SUMMARIES, command_module, root_command

CLI_DIR = Path(avictl.cli.__file__).parent
HEAVY = ("httpx", "boto3", "botocore", "rich", "keyring", "tabulate", "yaml", "tomlkit")


def test_every_command_in_the_help_sections_is_registered_and_nothing_else() -> None:
    listed = [name for _, names in SECTIONS for name in names]
    registered = sorted(root_command().commands)
    assert sorted(listed) == registered
    assert len(listed) == len(set(listed))


def test_each_command_lives_in_the_module_named_after_it() -> None:
    owners = {"logout": "login"}
    for name, cmd in root_command().commands.items():
        if hasattr(cmd, "commands"):  # a group: its subcommands' callbacks
            modules = {sub.callback.__module__ for sub in cmd.commands.values()}
        else:
            modules = {cmd.callback.__module__}
        assert modules == {f"avictl.cli.{owners.get(name, name)}"}, name


def test_every_command_module_is_registered_explicitly() -> None:
    """No string table: main.py imports each module by name (`from . import app as module`);
    a new module must be added there, and a module that fails to import fails loudly."""
    infrastructure = {"main", "context", "iostreams", "progress"}
    modules = {p.stem for p in CLI_DIR.glob("*.py") if not p.stem.startswith("_")} - infrastructure
    assert {command_module(name).__name__.rsplit(".", 1)[1] for name in SUMMARIES} == modules
    tree = ast.parse((CLI_DIR / "main.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
                for alias in node.names}
    assert modules <= imported
    assert "importlib" not in (CLI_DIR / "main.py").read_text()
    with pytest.raises(KeyError):
        command_module("nope")


def test_the_root_help_summaries_are_the_commands_own() -> None:
    """The root's --help lists commands without importing them: its one-liners must be theirs."""
    root = root_command()
    assert list(SUMMARIES) == [n for _, names in SECTIONS for n in names]
    for name, text in SUMMARIES.items():
        assert root.commands[name].get_short_help_str(10_000) == text, name


def test_a_command_line_imports_only_its_own_command_module(tmp_path: Path) -> None:
    """Start-up does not grow with the number of commands: `avictl vs --help` imports cli/vs.py
    and no other command module; `avictl --help` imports none."""
    import subprocess
    import sys

    probe = ("import sys; from avictl.cli.main import run; import io; run(sys.argv[1:], stdout=io.StringIO());"
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('avictl.cli.') and m.count('.') == 2)))")
    seen = {}
    for args in (["--help"], ["vs", "--help"], ["logout", "--help"]):
        out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True)
        seen[args[0]] = set(out.stdout.split())
    commands = {f"avictl.cli.{n}" for n in SUMMARIES}
    assert seen["--help"] & commands == set()
    assert seen["vs"] & commands == {"avictl.cli.vs"}
    assert seen["logout"] & commands == {"avictl.cli.login"}


def test_command_modules_import_nothing_heavy_at_module_level() -> None:
    """Start-up: httpx, boto3, rich, keyring, tabulate, yaml, tomlkit only inside functions."""
    for path in CLI_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in HEAVY, f"{path.name} imports {name} at module level"


@pytest.fixture
def two_profiles(cli):
    init(cli, "--controller", "https://one.example.com", "--elb", "elb-one", profile="one")
    init(cli, "--controller", "https://two.example.com", profile="two")
    assert cli("config", "use", "one").exit_code == 0


def test_output_formats(cli, two_profiles):
    tsv = cli("config", "list").stdout  # piped default: tsv, no header
    assert tsv.splitlines() == ["one\t*\thttps://one.example.com\t-\telb-one", "two\t-\thttps://two.example.com\t-\t-"]
    table = cli("config", "list", "-o", "table").stdout.splitlines()
    assert table[0].split() == ["NAME", "DEFAULT", "CONTROLLER", "MARATHON", "ELB"]
    assert len(table) == 3
    assert "USERNAME" in cli("config", "list", "-o", "wide").stdout
    assert cli("config", "list", "-o", "table", "--no-headers").stdout.splitlines()[0].startswith("one")
    data = json.loads(cli("config", "list", "-o", "json").stdout)
    assert [d["name"] for d in data] == ["one", "two"]
    lines = cli("config", "list", "-o", "jsonl").stdout.splitlines()
    assert [json.loads(x)["name"] for x in lines] == ["one", "two"]
    assert cli("config", "list", "-o", "name").stdout == "one\ntwo\n"
    assert "- name: one" in cli("config", "list", "-o", "yaml").stdout
    assert "\x1b[" not in cli("config", "list", "-o", "table").stdout  # never colour when piped


def test_query_jmespath(cli, two_profiles):
    assert cli("config", "list", "--query", "[?elb].name").stdout == "one\n"
    r = cli("config", "list", "-o", "json", "--query", "[].{n: name, c: controller}")
    assert json.loads(r.stdout)[1] == {"n": "two", "c": "https://two.example.com"}
    bad = cli("config", "list", "--query", "[?")
    assert bad.exit_code == 2 and bad.stderr.startswith("avictl: error: invalid --query")


def test_global_options_after_the_command(cli, two_profiles):
    assert json.loads(cli("config", "list", "-o", "json").stdout)
    assert cli("config", "list", "--output=name").stdout == "one\ntwo\n"


def test_bad_output_format_exit_2(cli):
    r = cli("-o", "xml", "config", "list")
    assert r.exit_code == 2 and "unknown output format 'xml'" in r.stderr


@pytest.mark.parametrize("args", [["nope"], ["config", "nope"], ["config", "set", "elb"], ["--timeout", "x", "status"],
                                  ["--timeout", "0", "config", "list"], ["--ca-bundle", "/nonexistent.pem", "status"]])
def test_usage_errors_one_line_exit_2(cli, args):
    r = cli(*args)
    assert r.exit_code == 2, r
    assert r.stderr.startswith("avictl: error: ")
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) <= 2


def test_help_everywhere_has_examples(cli):
    from avictl.cli.main import root_command

    def walk(cmd, path):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, cmd in walk(root_command(), []):
        r = cli(*path, "--help")
        assert r.exit_code == 0, (path, r)
        assert "Examples:" in r.stdout, path  # groups too (SPEC §2: every command)


def test_version_fast_path(run_avictl):
    r = run_avictl("--version")
    assert r.exit_code == 0 and r.stdout.startswith("avictl ")


def test_no_traceback_without_debug_and_traceback_with_it(cli, config_file):
    config_file.write_text("[profiles.a]\ncontroller = 3\n")
    r = cli("--debug", "config", "show")
    assert r.exit_code == 2 and "Traceback" in r.stderr


def test_run_writes_to_its_own_streams_and_leaves_the_process_streams_alone(monkeypatch) -> None:
    import io
    import sys

    from avictl.cli.main import run

    process_out, process_err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", process_out)
    monkeypatch.setattr(sys, "stderr", process_err)
    for args, code, where in ((["--help"], 0, "out"), (["vs", "--help"], 0, "out"), (["config", "path", "-h"], 0, "out"),
                              (["-o", "json", "--version"], 0, "out"), (["app"], 0, "out"), (["nope"], 2, "err")):
        out, err = io.StringIO(), io.StringIO()
        assert run(args, stdin=io.StringIO(), stdout=out, stderr=err) == code, args
        assert (out if where == "out" else err).getvalue(), args
    assert process_out.getvalue() == "" and process_err.getvalue() == ""


def test_every_command_and_group_prints_its_help_through_run() -> None:
    from avictl.cli._common import Command, Group

    def walk(cmd):
        yield cmd
        for sub in getattr(cmd, "commands", {}).values():
            yield from walk(sub)

    for cmd in walk(root_command()):
        assert isinstance(cmd, Command | Group), cmd.name


def test_nothing_below_the_cli_prompts_or_prints() -> None:
    """Clients, ops and the shared modules report through return values, errors and callbacks."""
    package = CLI_DIR.parent
    below = [p for p in package.rglob("*.py")
             if p.relative_to(package).parts[0] in ("avi", "marathon", "mesos", "aws", "ops", "credentials.py",
                                                     "config.py", "http.py", "files.py", "output.py")]
    assert len(below) > 10
    for path in below:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "input"), f"{path}: {node.func.id}()"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert "getpass" not in names, f"{path} imports getpass"
