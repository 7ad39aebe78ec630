"""Write completions/ and man/ from the command tree: `python -m avictl.shell [--check] [DIR]`.

DIR is the project root (default: the current directory). With --check nothing is written;
the exit status is 1 and the stale files are named when the checked-in files differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import manpage, scripts
from .model import Model, build

COMPLETION_FILES = {"bash": "avictl.bash", "zsh": "_avictl", "fish": "avictl.fish"}


def outputs(model: Model | None = None) -> dict[str, str]:
    """Relative path → content of every generated file."""
    model = model or build()
    out = {f"completions/{name}": scripts.generate(shell, model) for shell, name in COMPLETION_FILES.items()}
    out.update({f"man/{name}": text for name, text in manpage.pages(model).items()})
    return out


def stale(root: Path, files: dict[str, str]) -> list[str]:
    """Generated files that are missing, different, or no longer generated (man pages of removed commands)."""
    bad = [rel for rel, text in files.items()
           if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text]
    man = root / "man"
    if man.is_dir():
        bad += sorted(f"man/{p.name}" for p in man.glob("avictl*.1") if f"man/{p.name}" not in files)
    return bad


def write(root: Path, files: dict[str, str]) -> list[str]:
    changed = stale(root, files)
    for rel in changed:
        path = root / rel
        if rel in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[rel], encoding="utf-8")
        else:
            path.unlink()
    return changed


def main(argv: list[str]) -> int:
    check = "--check" in argv
    rest = [a for a in argv if a != "--check"]
    if any(a.startswith("-") for a in rest) or len(rest) > 1:
        sys.stderr.write("usage: python -m avictl.shell [--check] [PROJECT_DIR]\n")
        return 2
    root = Path(rest[0] if rest else ".")
    files = outputs()
    if check:
        bad = stale(root, files)
        for rel in bad:
            sys.stderr.write(f"stale: {rel}\n")
        if bad:
            sys.stderr.write("regenerate with: python -m avictl.shell\n")
        return 1 if bad else 0
    for rel in write(root, files):
        sys.stdout.write(f"wrote {rel}\n" if rel in files else f"removed {rel}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
