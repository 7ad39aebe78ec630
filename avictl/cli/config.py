"""`avictl config init|show|list|set|unset|use|path`: profiles in the TOML config file."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import new_group
from .context import Context

group = new_group("Manage profiles in the config file (TOML, mode 0600).\n\n"
                  "Examples:\n\n\b\n  avictl config init\n  avictl config list\n  avictl --profile prod config show --sources")

# Keys asked for by the interactive `config init`, in order.
PROMPTED = ("controller", "username", "marathon", "aws_region", "elb")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="config")


def _target_profile(cx: Context, *, init: bool = False) -> tuple[Any, str]:
    """The config file and the profile a `config` command acts on.

    `config init` writes the profile named by --profile (or AVICTL_PROFILE), else "default",
    creating it. `set`/`unset` act on the selected profile; one named explicitly must exist
    (a typo is exit 3, not a new profile).
    """
    import os

    from ..config import DEFAULT_PROFILE, load_file, selected_profile, validate_profile_name

    cfg = load_file()
    if init:
        name = cx.opts.profile or os.environ.get("AVICTL_PROFILE") or DEFAULT_PROFILE
        return cfg, validate_profile_name(name)
    name, origin = selected_profile(cx.opts.profile, cfg)
    validate_profile_name(name)
    if name not in cfg.profiles and origin in ("flag", "env:AVICTL_PROFILE"):
        raise errors.NotFound(f"profile {name!r} not found in {cfg.path}",
                              f"create it with `avictl --profile {name} config init ...`")
    return cfg, name


@group.command("init")
def init(
    ctx: typer.Context,
    controller: str = typer.Option(None, "--controller", help="Avi Controller URL."),
    username: str = typer.Option(None, "--username", help="Avi Controller user name."),
    tenant: str = typer.Option(None, "--tenant", help="Avi tenant (default admin)."),
    api_version: str = typer.Option(None, "--api-version", help="X-Avi-Version to send (default: the controller's)."),
    ca_bundle: str = typer.Option(None, "--ca-bundle", help="CA bundle (PEM) for the controller."),
    insecure: bool = typer.Option(None, "--insecure/--verify", help="Skip (or keep) TLS verification."),
    password_command: str = typer.Option(None, "--password-command", help="Command printing the password."),
    marathon: str = typer.Option(None, "--marathon", help="Marathon URL."),
    marathon_username: str = typer.Option(None, "--marathon-username", help="Marathon HTTP basic user."),
    marathon_ca_bundle: str = typer.Option(None, "--marathon-ca-bundle", help="CA bundle (PEM) for Marathon."),
    mesos: str = typer.Option(None, "--mesos", help="Mesos master URL (DC/OS: <dcos url>/mesos)."),
    aws_profile: str = typer.Option(None, "--aws-profile", help="AWS profile name."),
    aws_region: str = typer.Option(None, "--aws-region", help="AWS region."),
    aws_endpoint_url: str = typer.Option(None, "--aws-endpoint-url", help="AWS endpoint URL."),
    elb: str = typer.Option(None, "--elb", help="Default load balancer name."),
    elb_url: str = typer.Option(None, "--elb-url", metavar="URL",
                                help="URL that reaches the ELB from here, if not http://<DNS name>/ (tunnel, VPN)."),
    request_timeout: str = typer.Option(None, "--request-timeout", help="Per-request HTTP timeout in seconds."),
    from_stack: str = typer.Option(None, "--from-stack", metavar="STACK",
                                   help="Fill URLs and the ELB from a CloudFormation stack's outputs."),
    make_default: bool = typer.Option(False, "--default",
                                      help="Also make it the default profile (as `config use` does); never by itself."),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt, even on a terminal."),
) -> None:
    """Create or update a profile (the one named by --profile, else "default").

    On a terminal with no settings given, asks for the main ones; in scripts pass them as
    flags. Existing keys not named on the command line are kept.

    Examples:

    \b
      avictl config init                       # interactive
      avictl --profile prod config init --controller https://avi.example.com \\
          --username admin --marathon http://master.mesos:8080 --elb avi-mesos-PublicSlaveL
      avictl --profile prod config init --from-stack dcos-prod --aws-region us-west-2
    """
    from ..config import KEYS, parse_value, save_file

    cx: Context = ctx.obj
    cfg, name = _target_profile(cx, init=True)
    given = {"controller": controller, "username": username, "tenant": tenant, "api_version": api_version,
             "ca_bundle": ca_bundle, "insecure": insecure, "password_command": password_command,
             "marathon": marathon, "marathon_username": marathon_username,
             "marathon_ca_bundle": marathon_ca_bundle, "mesos": mesos, "aws_profile": aws_profile,
             "aws_region": aws_region, "aws_endpoint_url": aws_endpoint_url, "elb": elb, "elb_url": elb_url,
             "request_timeout": request_timeout}
    values: dict[str, Any] = {}
    for key, raw in given.items():
        if raw is None:
            continue
        values[key] = raw if isinstance(raw, bool) else parse_value(key, str(raw))
    profile = dict(cfg.profiles.get(name, {}))
    if from_stack:
        # Read the stack with the settings of the profile being written (it may not exist yet).
        from ..config import ConfigFile

        draft = ConfigFile(cfg.path, cfg.default_profile, {**cfg.profiles, name: {**profile, **values}}, True)
        cx.reload_settings(name, draft)
        for key, value in stack_profile(cx, from_stack).items():
            values.setdefault(key, value)
    if not values and not no_input and cx.io.can_prompt:
        values = _ask(cx, profile)
    elif not values and not from_stack:
        raise errors.UsageError("nothing to write: give settings as flags (or run on a terminal to be asked)",
                                "e.g. avictl config init --controller https://avi.example.com --username admin")
    profile.update(values)
    known = [k.name for k in KEYS]
    cfg.profiles[name] = {k: profile[k] for k in known if k in profile}
    if make_default:  # only when asked: a profile never becomes the default by itself
        cfg.default_profile = name
    save_file(cfg)
    cx.info(f"wrote profile {name!r} to {cfg.path}" + (" (default)" if cfg.default_profile == name else ""))


def _ask(cx: Context, current: dict[str, Any]) -> dict[str, Any]:
    """Interactive `config init`: one question per main key, current value as the default."""
    from ..config import KEY_BY_NAME, parse_value

    values: dict[str, Any] = {}
    for key in PROMPTED:
        spec = KEY_BY_NAME[key]
        default = current.get(key, "")
        while True:
            line = cx.io.ask(f"{spec.help} [{default}]: " if default else f"{spec.help}: ")
            if line is None:
                raise errors.Interrupted("interrupted; nothing was written")
            answer = line.strip()
            if not answer:
                break
            try:
                values[key] = parse_value(key, answer)
                break
            except errors.UsageError as exc:
                cx.info(f"  {exc.message}")
    return values


def stack_profile(cx: Context, stack_name: str, stack: dict[str, Any] | None = None) -> dict[str, Any]:
    """Profile keys from a CloudFormation stack's outputs (avictl.aws.cloudformation.PROFILE_OUTPUTS:
    Marathon, controller and Mesos master URLs, the ELB) and the region the stack is in."""
    from ..aws import cloudformation as cfn
    from ..config import KEY_BY_NAME, parse_value

    aws = cx.aws()
    if stack is None:
        stack = cfn.describe_stack(aws, stack_name)
    found = {key: parse_value(key, value) for key, value in cfn.profile_outputs(stack).items()
             if key in KEY_BY_NAME}
    if not found:
        raise errors.NotFound(f"stack {stack_name!r} has no outputs avictl knows",
                              "expected outputs such as MarathonURL, ControllerURL, MesosMasterURL, "
                              "PublicSlaveLoadBalancer")
    if aws.region_name:
        found["aws_region"] = aws.region_name
    return found


def profile_to_configure(cx: Context) -> None:
    """`--configure` may name a profile that does not exist yet (it is about to be written):
    resolve the settings as for an empty profile of that name instead of failing with exit 3."""
    from ..config import ConfigFile, load_file, selected_profile, validate_profile_name

    cfg = load_file()
    name, _ = selected_profile(cx.opts.profile, cfg)
    validate_profile_name(name)
    if name not in cfg.profiles:
        cx.reload_settings(name, ConfigFile(cfg.path, cfg.default_profile, {**cfg.profiles, name: {}}, True))


def write_stack_profile(cx: Context, stack: dict[str, Any]) -> str:
    """`stack create|wait --configure`: the selected profile updated from the stack's outputs, as
    `config init --from-stack` does; returns the profile's name."""
    from ..config import KEYS, load_file, save_file, selected_profile, validate_profile_name

    cfg = load_file()
    name, _ = selected_profile(cx.opts.profile, cfg)
    validate_profile_name(name)
    values = stack_profile(cx, stack.get("StackName", ""), stack)
    profile = {**cfg.profiles.get(name, {}), **values}
    known = [k.name for k in KEYS]
    cfg.profiles[name] = {k: profile[k] for k in known if k in profile}
    save_file(cfg)  # it becomes the default only when asked (`avictl config use NAME`)
    cx.info(f"wrote profile {name!r} to {cfg.path} from stack {stack.get('StackName')}: "
            + ", ".join(f"{k} {v}" for k, v in values.items()))
    return name


@group.command("show")
def show(
    ctx: typer.Context,
    sources: bool = typer.Option(False, "--sources", help="Show where each value comes from."),
) -> None:
    """Show the settings in effect for the selected profile (flags, environment, file, defaults).

    Examples:

    \b
      avictl config show
      avictl --profile prod config show --sources
      avictl config show -o json
    """
    from ..output import Column

    cx: Context = ctx.obj
    s = cx.settings
    data = {"profile": s.profile, "config_file": str(s.config_path), **s.public()}
    if cx.out.structured:
        cx.out.show(data)
        return
    rows = [{"key": k, "value": v, "source": s.sources.get(k, "")} for k, v in data.items()]
    cols = [Column("KEY", "key"), Column("VALUE", "value")]
    if sources:
        cols.append(Column("SOURCE", "source"))
    cx.out.list(rows, cols, name="key")


@group.command("list")
def list_profiles(ctx: typer.Context) -> None:
    """List the profiles in the config file, the default one marked.

    Examples:

    \b
      avictl config list
      avictl config list -o name
    """
    from ..config import load_file
    from ..output import Column

    cx: Context = ctx.obj
    cfg = load_file()
    rows = [{"name": n, "default": n == cfg.default_profile, **p} for n, p in sorted(cfg.profiles.items())]
    cx.out.list(rows, [
        Column("NAME", "name"),
        Column("DEFAULT", lambda r: "*" if r["default"] else ""),
        Column("CONTROLLER", "controller"),
        Column("MARATHON", "marathon"),
        Column("ELB", "elb"),
        Column("AWS REGION", "aws_region", wide=True),
        Column("USERNAME", "username", wide=True),
    ])


@group.command("set")
def set_key(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="Profile key, e.g. controller, marathon, elb."),
    value: str = typer.Argument(..., help="New value."),
) -> None:
    """Set one key of the selected profile (created if missing).

    Examples:

    \b
      avictl config set elb avi-mesos-PublicSlaveL
      avictl --profile prod config set controller https://avi.example.com
    """
    from ..config import parse_value, save_file

    from ..config import DEPRECATED_KEYS, canonical_key, deprecation

    cx: Context = ctx.obj
    key = key.replace("-", "_")
    parsed = parse_value(key, value)
    if key in DEPRECATED_KEYS:
        cx.warn(deprecation(f"key {key!r}", repr(canonical_key(key))))
        key = canonical_key(key)
    cfg, name = _target_profile(cx)
    cfg.profiles.setdefault(name, {})[key] = parsed
    save_file(cfg)
    cx.info(f"{name}: {key} = {parsed}")


@group.command("unset")
def unset_key(ctx: typer.Context, key: str = typer.Argument(..., help="Profile key to remove.")) -> None:
    """Remove one key from the selected profile (its built-in default applies again).

    Examples:

    \b
      avictl config unset api_version
    """
    from ..config import KEY_BY_NAME, canonical_key, save_file

    cx: Context = ctx.obj
    key = canonical_key(key.replace("-", "_"))
    if key not in KEY_BY_NAME:
        raise errors.UsageError(f"unknown key {key!r}", f"known keys: {', '.join(KEY_BY_NAME)}")
    cfg, name = _target_profile(cx)
    if name not in cfg.profiles:
        raise errors.NotFound(f"profile {name!r} not found in {cfg.path}")
    if cfg.profiles[name].pop(key, None) is None:
        cx.info(f"{name}: {key} was not set; no change")
        return
    save_file(cfg)
    cx.info(f"{name}: {key} removed")


@group.command("use")
def use(ctx: typer.Context, name: str = typer.Argument(..., help="Profile to make the default.")) -> None:
    """Make a profile the default (default_profile in the file).

    Examples:

    \b
      avictl config use prod
    """
    from ..config import load_file, save_file

    cx: Context = ctx.obj
    cfg = load_file()
    if name not in cfg.profiles:
        raise errors.NotFound(f"profile {name!r} not found in {cfg.path}",
                              f"known profiles: {', '.join(sorted(cfg.profiles)) or 'none'}")
    if cfg.default_profile == name:
        cx.info(f"{name!r} is already the default profile; no change")
        return
    cfg.default_profile = name
    save_file(cfg)
    cx.info(f"default profile is now {name!r}")


@group.command("path")
def path(ctx: typer.Context) -> None:
    """Print the config file's path ($AVICTL_CONFIG, else $XDG_CONFIG_HOME/avictl/config.toml).

    Examples:

    \b
      avictl config path
      $EDITOR "$(avictl config path)"
    """
    from ..config import config_path

    cx: Context = ctx.obj
    cx.out.value(str(config_path()))
