"""`avictl vs|pool|cloud|api`: read the Avi Controller (parse, call the client, render — no HTTP here)."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import read_input, state

vs_app = typer.Typer(rich_markup_mode=None, add_completion=False, no_args_is_help=True,
                     help="Avi virtual services: list, show, and the service port of an app.\n\nExamples:\n\n\b\n  avictl vs list -o wide\n  avictl vs show /webapp1\n  avictl vs port /webapp1")
pool_app = typer.Typer(rich_markup_mode=None, add_completion=False, no_args_is_help=True,
                       help="Avi pools and their members' health.\n\nExamples:\n\n\b\n  avictl pool list\n  avictl pool show webapp1-pool-80")
cloud_app = typer.Typer(rich_markup_mode=None, add_completion=False, no_args_is_help=True,
                        help="Avi clouds (a Mesos cloud shows its Marathon URL and port ranges).\n\nExamples:\n\n\b\n  avictl cloud list\n  avictl cloud show Default-Cloud")

TENANT_HELP = "Tenant to read (default: the profile's, else admin)."
ALL_TENANTS_HELP = "Read every tenant (X-Avi-Tenant: *)."
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def register(root: typer.Typer) -> None:
    root.add_typer(vs_app, name="vs")
    root.add_typer(pool_app, name="pool")
    root.add_typer(cloud_app, name="cloud")
    root.command("api")(api)


# -- rendering helpers ----------------------------------------------------------------------


def _state_text(state_name: Any) -> str:
    text = str(state_name or "")
    return text[5:] if text.startswith("OPER_") else text or "-"


def _state_color(value: Any) -> str | None:
    text = str(value or "")
    if text.endswith("UP"):
        return "green"
    if text.endswith("DOWN") or text.endswith("UNAVAILABLE"):
        return "red"
    if text:
        return "yellow"
    return None


def _ports_text(item: dict[str, Any]) -> str:
    out = []
    for svc in item.get("services") or []:
        port, end = svc.get("port"), svc.get("port_range_end")
        text = f"{port}-{end}" if end and end != port else str(port)
        out.append(text + ("/ssl" if svc.get("enable_ssl") else ""))
    return ",".join(out) or "-"


def _vs_columns() -> list[Any]:
    from ..output import Column

    return [
        Column("NAME", "name"),
        Column("VIP", lambda i: ",".join(i.get("vips") or []) or "-"),
        Column("PORTS", _ports_text),
        Column("STATE", lambda i: _state_text(i.get("state")), color=_state_color),
        Column("POOL", "pool"),
        Column("APP", "app"),
        Column("CLOUD", "cloud"),
        Column("TENANT", "tenant", wide=True),
        Column("UUID", "uuid", wide=True),
    ]


def _tenant(tenant: str | None) -> str | None:
    return tenant or None


def _known_apps(client: Any) -> None:
    """Exact APP names from Marathon's app list when Marathon is configured (else a name guess)."""
    st = state()
    if not st.has_marathon:
        return
    try:
        from ..avi import mesos

        apps = st.marathon().list_apps()
        client.known_apps = mesos.app_index([a.get("id", "") for a in apps if isinstance(a, dict)])
    except (errors.AvictlError, ImportError, AttributeError) as exc:
        st.warn(f"cannot read Marathon's apps for the APP column: {getattr(exc, 'message', exc)}")


# -- vs -------------------------------------------------------------------------------------


@vs_app.command("list")
def vs_list(
    name: str = typer.Option(None, "--name", metavar="GLOB", help="Only names matching this glob (web*, *-prod)."),
    cloud: str = typer.Option(None, "--cloud", metavar="NAME", help="Only virtual services of this cloud."),
    oper_state: str = typer.Option(None, "--state", metavar="STATE", help="up, down, disabled, ... (or OPER_UP)."),
    tenant: str = typer.Option(None, "--tenant", metavar="NAME", help=TENANT_HELP),
    all_tenants: bool = typer.Option(False, "--all-tenants", "-A", help=ALL_TENANTS_HELP),
) -> None:
    """List virtual services: NAME, VIP, PORTS, STATE, POOL, APP, CLOUD.

    Pages of 200 are fetched concurrently and printed as they arrive (-o jsonl/tsv stream).

    Examples:

    \b
      avictl vs list
      avictl vs list --name 'web*' --state down
      avictl vs list --cloud Default-Cloud --all-tenants -o jsonl
    """
    from ..avi.client import normalize_state

    st = state()
    if oper_state:
        normalize_state(oper_state)  # bad values fail before any request
    if tenant and all_tenants:
        raise errors.UsageError("--tenant and --all-tenants exclude each other")
    client = st.avi()
    _known_apps(client)
    items = client.list_virtualservices(name=name, cloud=cloud, state=oper_state, tenant=_tenant(tenant),
                                        all_tenants=all_tenants)
    if not (name or cloud or oper_state or tenant or all_tenants):
        from ..names_cache import tee

        items = tee(st.settings.profile, "vs", items)
    st.out.list(items, _vs_columns())


@vs_app.command("show")
def vs_show(
    name: str = typer.Argument(..., metavar="NAME|UUID|APP", help="VS name, uuid, or Marathon app id (/group/app)."),
    tenant: str = typer.Option(None, "--tenant", metavar="NAME", help=TENANT_HELP),
) -> None:
    """Show one virtual service: VIPs, services, state, pool members with health.

    Examples:

    \b
      avictl vs show webapp1
      avictl vs show /group/webapp1 -o json
    """
    st = state()
    client = st.avi()
    _known_apps(client)
    item = client.describe_virtualservice(name, tenant=_tenant(tenant))
    st.out.show(item, [
        ("Name", "name"),
        ("UUID", "uuid"),
        ("State", lambda i: _state_text(i.get("state"))),
        ("Enabled", "enabled"),
        ("VIPs", "vips"),
        ("Services", _ports_text),
        ("Placement", lambda i: "east-west" if i.get("east_west") else "north-south"),
        ("Pool", "pool"),
        ("Members", lambda i: [f"{m['ip']}:{m['port']} {_state_text(m['health'])}" for m in i.get("members") or []]),
        ("App", "app"),
        ("Cloud", "cloud"),
        ("Tenant", "tenant"),
    ])


@vs_app.command("port")
def vs_port(
    target: str = typer.Argument(..., metavar="APP|VS", help="Marathon app id (/group/app) or VS name."),
    ssl: bool = typer.Option(False, "--ssl", help="The SSL service's port instead of the first non-SSL one."),
    tenant: str = typer.Option(None, "--tenant", metavar="NAME", help=TENANT_HELP),
) -> None:
    """Print just the service port of an app's virtual service (exit 3 when there is none).

    Examples:

    \b
      avictl vs port /webapp1
      curl http://$ELB/:$(avictl vs port /group/webapp1)
      avictl vs port webapp1 --ssl
    """
    st = state()
    port = st.avi().vs_port_for_app(target, ssl=ssl, tenant=_tenant(tenant))
    st.out.value(port)


# -- pool -----------------------------------------------------------------------------------


@pool_app.command("list")
def pool_list(
    name: str = typer.Option(None, "--name", metavar="GLOB", help="Only names matching this glob."),
    tenant: str = typer.Option(None, "--tenant", metavar="NAME", help=TENANT_HELP),
    all_tenants: bool = typer.Option(False, "--all-tenants", "-A", help=ALL_TENANTS_HELP),
) -> None:
    """List pools: NAME, SERVERS, CLOUD.

    Examples:

    \b
      avictl pool list
      avictl pool list --name 'webapp1-pool-*' -o json
    """
    from ..output import Column

    st = state()
    items = st.avi().list_pools(name=name, tenant=_tenant(tenant), all_tenants=all_tenants)
    st.out.list(items, [
        Column("NAME", "name"),
        Column("SERVERS", "servers"),
        Column("CLOUD", "cloud"),
        Column("ENABLED", "enabled", wide=True),
        Column("TENANT", "tenant", wide=True),
        Column("UUID", "uuid", wide=True),
    ])


@pool_app.command("show")
def pool_show(
    name: str = typer.Argument(..., metavar="NAME|UUID"),
    tenant: str = typer.Option(None, "--tenant", metavar="NAME", help=TENANT_HELP),
) -> None:
    """Show a pool and the health of each member.

    Examples:

    \b
      avictl pool show webapp1-pool-80
    """
    st = state()
    item = st.avi().get_pool(name, tenant=_tenant(tenant))
    st.out.show(item, [
        ("Name", "name"),
        ("UUID", "uuid"),
        ("Enabled", "enabled"),
        ("Algorithm", "lb_algorithm"),
        ("Members", lambda i: [f"{m['ip']}:{m['port']} {_state_text(m['health'])}" for m in i.get("members") or []]),
        ("Cloud", "cloud"),
        ("Tenant", "tenant"),
    ])


# -- cloud ----------------------------------------------------------------------------------


def _marathon_urls(item: dict[str, Any]) -> list[str]:
    return [m.get("url") for m in item.get("marathon") or [] if m.get("url")]


def _port_ranges(item: dict[str, Any]) -> list[str]:
    out = []
    for m in item.get("marathon") or []:
        if m.get("public_port_range"):
            out.append(f"public {m['public_port_range']}")
        if m.get("private_port_range"):
            out.append(f"private {m['private_port_range']}")
    return out


@cloud_app.command("list")
def cloud_list() -> None:
    """List clouds: NAME, TYPE, MARATHON (for Mesos clouds), PORT RANGES.

    Examples:

    \b
      avictl cloud list
      avictl cloud list -o json
    """
    from ..output import Column

    st = state()
    st.out.list(st.avi().list_clouds(), [
        Column("NAME", "name"),
        Column("TYPE", "type"),
        Column("MARATHON", _marathon_urls),
        Column("PORT RANGES", _port_ranges),
        Column("UUID", "uuid", wide=True),
    ])


@cloud_app.command("show")
def cloud_show(name: str = typer.Argument(..., metavar="NAME|UUID")) -> None:
    """Show a cloud; for a Mesos cloud its Marathon URL(s) and service port ranges.

    Examples:

    \b
      avictl cloud show Default-Cloud
    """
    st = state()
    item = st.avi().get_cloud(name)
    st.out.show(item, [
        ("Name", "name"),
        ("UUID", "uuid"),
        ("Type", "type"),
        ("Marathon", _marathon_urls),
        ("Port ranges", _port_ranges),
        ("Bridge IP as VIP", "use_bridge_ip_as_vip"),
    ])


# -- api ------------------------------------------------------------------------------------


def api(
    method: str = typer.Argument(..., metavar="METHOD", help="GET, POST, PUT, PATCH or DELETE."),
    path: str = typer.Argument(..., metavar="PATH", help="/api/virtualservice, virtualservice?name=x, ..."),
    data: str = typer.Option(None, "--data", "-d", metavar="FILE|-", help="JSON request body from FILE or stdin."),
    tenant: str = typer.Option(None, "--tenant", metavar="NAME", help=TENANT_HELP),
) -> None:
    """Make an authenticated controller call and print the JSON reply (like `gh api`).

    The session, X-Avi-Version, tenant and CSRF headers are handled; PATH may carry a query.

    Examples:

    \b
      avictl api GET /api/virtualservice?name=webapp1
      avictl api GET cloud --query 'results[].name'
      echo '{"hours": 1}' | avictl api POST /api/user-token --data -
    """
    import json
    from urllib.parse import parse_qsl, urlsplit

    st = state()
    verb = method.upper()
    if verb not in METHODS:
        raise errors.UsageError(f"unknown method {method!r}", "use one of " + ", ".join(METHODS))
    body = None
    if data is not None:
        raw, source = read_input(data)
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except UnicodeDecodeError:
            raise errors.UsageError(f"{source}: not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise errors.UsageError(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") \
                from None
    parts = urlsplit(path)
    params = parse_qsl(parts.query, keep_blank_values=True) or None
    result = st.avi().request(verb, parts.path, params=params, json_body=body, tenant=_tenant(tenant))
    if isinstance(result, dict) and "_warning" in result:
        st.warn(result.pop("_warning"))
    if result is not None:
        st.out.json(result)
