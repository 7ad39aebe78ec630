"""`avictl completion bash|zsh|fish`: print the shell completion script."""

from __future__ import annotations

import typer

from .. import errors
from .context import Context

def register(root: typer.Typer) -> None:
    root.command("completion")(completion)


def completion(ctx: typer.Context, shell: str = typer.Argument(..., metavar="SHELL", help="bash, zsh or fish.")) -> None:
    """Print the completion script for bash, zsh or fish.

    Commands, options and fixed values complete from data inside the script; profile names
    come from the config file and app, virtual service and ELB names from a small local
    cache that list commands refresh (a stale cache is refreshed in the background: a TAB
    never waits on a server). The same scripts are in the project's completions/ directory.

    Install:

    \b
      bash: avictl completion bash > ~/.local/share/bash-completion/completions/avictl
            (or add to ~/.bashrc: source <(avictl completion bash))
      zsh:  avictl completion zsh > ~/.zfunc/_avictl
            (with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc)
      fish: avictl completion fish > ~/.config/fish/completions/avictl.fish

    Examples:

    \b
      avictl completion bash > ~/.local/share/bash-completion/completions/avictl
      source <(avictl completion zsh)
      avictl completion fish | source
    """
    cx: Context = ctx.obj
    from ..shell.model import SHELLS, build

    if shell not in SHELLS:
        raise errors.UsageError(f"unknown shell {shell!r}", f"choose one of: {', '.join(SHELLS)}")
    from ..shell.scripts import generate

    cx.io.stdout.write(generate(shell, build()))
