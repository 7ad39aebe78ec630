"""Which Marathon app each virtual service fronts: Marathon's app list turned into VS names.

The Mesos integration flattens `/group/app` and `/group-app` to the same VS name; with
Marathon's app list the `APP` of `vs list` and `vs show` is exact instead of a guess.
"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..avi import mesos
from ..results import Result


def known_apps(marathon: Any | None) -> Result[dict[str, str] | None]:
    """VS name → app id for the apps Marathon runs; None (and a warning) when Marathon cannot answer."""
    if marathon is None:
        return Result(None)
    try:
        apps = marathon.list_apps()
        return Result(mesos.app_index([a.get("id", "") for a in apps if isinstance(a, dict)]))
    except (errors.AvictlError, AttributeError) as exc:
        return Result(None, [f"cannot read Marathon's apps for the APP column: {getattr(exc, 'message', exc)}"])
