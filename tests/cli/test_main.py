"""The root command: every command of the help sections is registered, from the module of its name."""

from __future__ import annotations

import ast
from pathlib import Path

import avictl.cli
from avictl.cli.main import COMMAND_MODULES, SECTIONS, root_command

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
    """No string table: main.py imports each module by name; a new module must be added there."""
    modules = {p.stem for p in CLI_DIR.glob("*.py") if not p.stem.startswith("_")} - {"main", "progress"}
    assert {m.__name__.rsplit(".", 1)[1] for m in COMMAND_MODULES} == modules
    source = (CLI_DIR / "main.py").read_text()
    assert "importlib" not in source


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
