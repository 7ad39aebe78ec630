"""How the controller's Mesos cloud connector names the objects it makes for a Marathon app.

Per API-NOTES.md §Avi: one virtual service named after the app, and one pool per container
port named `<app>-pool-<containerPort>`. Marathon app ids are paths (`/group/app`); object
names cannot hold `/`, so the path segments are joined with `-` (`/group/app` → `group-app`),
and a framework tag, when the cloud tags names with one, is appended (`group-app-marathon`).
"""

from __future__ import annotations

import re

APP_ID = re.compile(r"^/?([a-z0-9]([a-z0-9.-]*[a-z0-9])?)(/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)*$")
POOL_OF_APP = re.compile(r"#(.+)-pool-\d+$")  # a pool reference read with include_name: `...#<app>-pool-<port>`


def loose_app_path(app_id: str) -> str:
    """The absolute path of an app id as typed, unchecked: spaces and outer slashes dropped.

    'group/app/' → '/group/app'. It only finds the names the integration made; an id that
    must be valid (sent to Marathon) is a `marathon.appdef.AppId`, which refuses 'group/app/'.
    """
    return "/" + app_id.strip().strip("/")


def looks_like_app_id(text: str) -> bool:
    """True when `text` reads as a Marathon app id rather than a VS name (it has a '/')."""
    return "/" in text and bool(APP_ID.match(text.strip().rstrip("/")))


def vs_name_for_app(app_id: str, framework_tag: str | None = None) -> str:
    """The virtual service name the Mesos integration gives the app."""
    name = loose_app_path(app_id).strip("/").replace("/", "-")
    return f"{name}-{framework_tag}" if framework_tag else name


def pool_name_for(app_id: str, container_port: int, framework_tag: str | None = None) -> str:
    """The pool name the Mesos integration gives the app's tasks on one container port."""
    return f"{vs_name_for_app(app_id, framework_tag)}-pool-{container_port}"


def candidate_vs_names(app_id: str, framework_tags: list[str] | None = None) -> list[str]:
    """Names to look the app's VS up by, most likely first."""
    names = [vs_name_for_app(app_id)]
    for tag in framework_tags or []:
        names.append(vs_name_for_app(app_id, tag))
    return list(dict.fromkeys(names))


def app_id_for_vs(vs: dict, known_apps: dict[str, str] | None = None) -> str | None:
    """The Marathon app a Mesos-cloud VS fronts, or None for VSs of other clouds.

    Names flatten '/' to '-', so `/group/app` and `/group-app` give the same name: with
    `known_apps` (VS name → app id, built from Marathon's app list by `app_index`) the answer
    is exact; without it the flat form is the best guess.
    """
    name = vs.get("name") or ""
    # The pool's name `<app>-pool-<containerPort>` is documented; the VS's name is not (groups,
    # framework tags), so the pool speaks first when the reference carries its name.
    pool = vs.get("pool_ref")
    m = POOL_OF_APP.search(pool if isinstance(pool, str) else str(pool or ""))
    flat = m.group(1) if m else None
    for key in (flat, name):
        if key and known_apps and key in known_apps:
            return known_apps[key]
    if vs.get("cloud_type") == "CLOUD_MESOS":
        return "/" + (flat or name)
    return None


def app_index(app_ids: list[str]) -> dict[str, str]:
    """VS name → Marathon app id for the apps Marathon knows."""
    return {vs_name_for_app(a): loose_app_path(a) for a in app_ids}
