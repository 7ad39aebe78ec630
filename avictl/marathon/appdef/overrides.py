"""`KEY=VALUE` overrides of an app definition: dotted keys, `[i]` indexes, values typed as JSON."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ...errors import UsageError
from .location import json_path
from .parse import BadConstant, no_constants
from .rules import STRING_KEYS, STRING_MAP_PARENTS, check_app_definition


def _parse_key(key: str) -> list[str | int]:
    parts: list[str | int] = []
    for raw in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if raw.startswith("["):
            parts.append(int(raw[1:-1]))
        elif raw.isdigit() and parts:
            parts.append(int(raw))
        else:
            parts.append(raw)
    return parts


def _typed_value(raw: str, leaf: str | int, parent_key: str | int | None, current: Any) -> Any:
    if isinstance(current, str) or leaf in STRING_KEYS or parent_key in STRING_MAP_PARENTS:
        return raw
    try:
        return json.loads(raw, parse_constant=no_constants)
    except (ValueError, BadConstant):
        return raw


class BadOverride(UsageError):
    """An override that cannot be applied: `item` as given, `problem`, and `examples` of good ones.

    Worded without a flag ("override 'x': ..."); the command that took it names its flag.
    """

    def __init__(self, item: str, problem: str, examples: tuple[str, ...] = ()):
        super().__init__(f"override {item!r}: {problem}", f"e.g. {' '.join(examples)}" if examples else None)
        self.item, self.problem, self.examples = item, problem, examples


def apply_overrides(defn: dict[str, Any], overrides: list[str] | tuple[str, ...] | None,
                    source_name: str = "the overrides") -> dict[str, Any]:
    """A copy of `defn` with `key=value` overrides applied (dotted keys, `[i]` indexes, typed values).

    BadOverride for an override that does not fit the definition; UsageError naming `source_name`
    when the result breaks the definition's rules.
    """
    if not overrides:
        return defn
    out = copy.deepcopy(defn)
    for item in overrides:
        if "=" not in item:
            raise BadOverride(item, "expected KEY=VALUE", ("instances=3", "id=/web"))
        key, raw = item.split("=", 1)
        parts = _parse_key(key.strip())
        if not parts or not isinstance(parts[0], str):
            raise BadOverride(item, "empty or invalid key", ("container.docker.image=nginx:1.25",))
        node: Any = out
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    raise BadOverride(item, f"index [{part}] out of range")
                node = node[part]
                continue
            if not isinstance(node, dict):
                raise BadOverride(item, f"{json_path(tuple(parts[:i]))} is not an object")
            if node.get(part) is None:
                if isinstance(nxt, int):
                    raise BadOverride(item, f"{json_path(tuple(parts[:i + 1]))} has no element [{nxt}]")
                node[part] = {}
            node = node[part]
        leaf = parts[-1]
        parent = parts[-2] if len(parts) > 1 else None
        if isinstance(leaf, int):
            if not isinstance(node, list) or leaf >= len(node):
                raise BadOverride(item, f"index [{leaf}] out of range")
            node[leaf] = _typed_value(raw, leaf, parent, node[leaf])
        else:
            if not isinstance(node, dict):
                raise BadOverride(item, f"{json_path(tuple(parts[:-1]))} is not an object")
            node[leaf] = _typed_value(raw, leaf, parent, node.get(leaf))
    check_app_definition(out, source_name)
    return out

