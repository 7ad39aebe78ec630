"""Entry point: `avictl` and `python -m avictl`.

`avictl --version` and the shell-completion request `avictl __complete ...` answer before
typer is imported; everything else goes to the CLI.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:  # Ctrl-C while the CLI is still being imported (run() handles it after)
        sys.stderr.write("avictl: interrupted\n")
        return 130


def _main(args: list[str]) -> int:
    if args == ["--version"]:
        from . import __version__

        sys.stdout.write(f"avictl {__version__}\n")
        return 0
    if args and args[0] == "__complete":
        from .shell.complete import main as complete

        return complete(args[1:])
    from .cli.main import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
