"""Where in a definition's text a JSON path is: for messages that give a line and a column."""

from __future__ import annotations

import json
import re
from typing import Any


def json_path(path: tuple[Any, ...]) -> str:
    """container.docker.portMappings[0]; a key that is not a plain name is quoted (["a b"])."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part))}]"
    return out


def line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def locate_key(text: str, key: str, *, last: bool = False) -> tuple[int, int]:
    matches = list(re.compile(r'"' + re.escape(key) + r'"\s*:').finditer(text))
    if not matches:
        return (0, 0)
    return line_col(text, (matches[-1] if last else matches[0]).start())


def locate_path(text: str, path: tuple[Any, ...]) -> tuple[int, int]:
    """Approximate line/column of a JSON path: each key searched after its parent's position."""
    pos = 0
    found = 0
    for part in path:
        if isinstance(part, int):
            continue
        m = re.compile(r'"' + re.escape(str(part)) + r'"\s*:').search(text, pos)
        if not m:
            break
        pos = m.start()
        found = m.start() + 1
    return line_col(text, found - 1) if found else (0, 0)

