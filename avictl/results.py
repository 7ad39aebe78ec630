"""A value with the warnings that came with it: how clients and ops hand back "done, but ...".

Warnings travel next to the value (never as a key inside a reply dict); the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Result(Generic[T]):
    value: T
    warnings: list[str] = field(default_factory=list)
