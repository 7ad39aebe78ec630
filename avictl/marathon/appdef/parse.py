"""Reading an app definition file: UTF-8, strict JSON (no duplicate keys, no NaN), one app."""

from __future__ import annotations

import json
from typing import Any

from ...errors import UsageError
from .location import locate_key
from .rules import READ_ONLY_KEYS, check_app_definition
from .types import type_name


def load_app_definition(text_or_bytes: str | bytes, source_name: str = "-") -> dict[str, Any]:
    """Parse and validate one app definition; UsageError (exit 2) saying where it is wrong."""
    text = _decode(text_or_bytes, source_name)
    if not text.strip():
        raise UsageError(f"{source_name}: empty input, expected a Marathon app definition (a JSON object)")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=no_constants,
                          parse_int=_bounded_int, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source_name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         "fix the JSON syntax there (a trailing comma or a missing quote is the usual cause)") from None
    except _DuplicateKey as exc:
        line, col = locate_key(text, exc.key, last=True)
        raise UsageError(f"{source_name}: line {line}, column {col}: duplicate key {exc.key!r}",
                         "a key may appear only once in a JSON object") from None
    except BadConstant as exc:
        raise UsageError(f"{source_name}: invalid JSON: {exc.name} is not a JSON number") from None
    except _OutOfRange as exc:
        raise UsageError(_out_of_range_message(text, exc.literal, source_name),
                         "Marathon's numbers are 64-bit integers and finite doubles; nothing was sent") from None
    except RecursionError:
        raise UsageError(f"{source_name}: JSON nested too deeply to be an app definition") from None
    if isinstance(data, list) or (isinstance(data, dict) and "apps" in data and "id" in data and "cmd" not in data):
        raise UsageError(f"{source_name}: expected one app definition (a JSON object), got "
                         f"{'a list' if isinstance(data, list) else 'a group'}",
                         "post each app separately")
    if not isinstance(data, dict):
        raise UsageError(f"{source_name}: expected one app definition (a JSON object), got {type_name(data)}")
    data = {k: v for k, v in data.items() if k not in READ_ONLY_KEYS}
    check_app_definition(data, source_name, text)
    return data



def _decode(data: str | bytes, source_name: str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(f"{source_name}: not UTF-8 text (line {line}, byte {exc.start})",
                         "save the file as UTF-8") from None


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


class BadConstant(Exception):
    def __init__(self, name: str):
        self.name = name


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def no_constants(name: str) -> Any:
    raise BadConstant(name)


class _OutOfRange(Exception):
    def __init__(self, literal: str):
        self.literal = literal


LONG_DIGITS = 19  # Marathon reads numbers into JVM Int, Long and Double fields


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > LONG_DIGITS or not -2 ** 63 <= int(literal) < 2 ** 63:
        raise _OutOfRange(literal)
    return int(literal)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _OutOfRange(literal)
    return value


def _out_of_range_message(text: str, literal: str, source_name: str) -> str:
    """Where the number is and which field holds it, without echoing thousands of digits."""
    import re

    at = text.find(literal)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    key = re.search(r'"((?:[^"\\]|\\.)*)"\s*:\s*$', text[max(0, at - 300):at])
    shown = literal if len(literal) <= 24 else f"a number of {len(literal.lstrip('-'))} digits"
    field = f"{key.group(1)}: " if key else ""
    return f"{source_name}: line {line}, column {col}: {field}{shown} is out of range"

