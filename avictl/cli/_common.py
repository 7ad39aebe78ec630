"""Small pieces shared by the command modules: the typer classes, value checks, state text.

The per-invocation dependencies (settings, IO, printer, clients) are not here: a command
gets them from click's `ctx.obj`, the Context of avictl/cli/context.py.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from .. import errors


class PrintAndExit(Exception):
    """--help or --version: run() prints the text on the invocation's stdout (click would use sys.stdout)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _raise_help(ctx: Any, param: Any, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        raise PrintAndExit(ctx.get_help())


class _HelpToIO:
    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.callback = _raise_help
        return option


class Command(_HelpToIO, TyperCommand):
    """Every avictl command: its --help goes through run() to the invocation's stdout."""


class Group(_HelpToIO, TyperGroup):
    """Every avictl command group (see Command)."""


class Typer(typer.Typer):
    """typer.Typer whose commands are Commands."""

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or Command, **kwargs)


def new_group(help: str) -> Typer:
    """A command group (`avictl app`, `avictl vs`, ...) with the project's settings."""
    return Typer(cls=Group, rich_markup_mode=None, add_completion=False, no_args_is_help=True, help=help)


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
