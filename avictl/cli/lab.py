"""`avictl lab up|down|status|password`: local stand-ins of Marathon, the Avi Controller and AWS."""

from __future__ import annotations

import typer

from .. import errors
from ._common import new_group
from .context import Context

group = new_group("Run local stand-ins of Marathon, the Avi Controller and AWS (no cloud needed).\n\n"
                  "Examples:\n\n\b\n  avictl lab up\n  avictl lab status\n  avictl lab down")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="lab")


@group.command("up")
def up(
    ctx: typer.Context,
    marathon_version: str = typer.Option("1.5.0", "--marathon-version", help="Marathon flavour: 0.9.0, 1.4.0, 1.5.0."),
    avi_version: str = typer.Option("22.1.3", "--avi-version", help="Controller version: 17.2, 18.2, 20.1, 22.1."),
    mesos_version: str = typer.Option("1.4.0", "--mesos-version",
                                      help="Mesos master flavour: 0.22.1, 0.28.2, 1.0.0, 1.4.0."),
    deploy_seconds: float = typer.Option(2.0, "--deploy-seconds", min=0.1, max=120,
                                         help="How long a Marathon deployment takes."),
) -> None:
    """Start the lab in the background on 127.0.0.1 and write a `lab` profile (use it with -p lab).

    The `lab` profile never becomes the default by itself (`avictl config use lab` does that),
    and `lab down` never makes another profile the default.

    Starts a Marathon stand-in, an Avi Controller stand-in over HTTPS (its CA is written
    next to the config file) whose Mesos cloud syncs Marathon apps into virtual services,
    and moto's server with a VPC, two public agents, the classic ELB avi-mesos-PublicSlaveL
    and a CloudFormation stack. The lab carries traffic: each agent has a loopback address
    (127.0.0.2, 127.0.0.3; ports on 127.0.0.1 where those can't be bound), every task
    answers HTTP there, the SE on each agent serves the VSs' ports, and the ELB front on
    127.0.0.1 (the profile's elb_url) follows the ELB's listeners and health check.
    Running it again reports the running lab.

    Examples:

    \b
      avictl lab up
      avictl -p lab deploy examples/Docker.json --elb avi-mesos-PublicSlaveL
      avictl lab down
    """
    from ..config import load_file, save_file
    from ..lab import runner

    cx: Context = ctx.obj
    if cx.io.progress_enabled:
        cx.info("starting the lab (Marathon, a Mesos master, Avi Controller, AWS via moto) ...")
    lab, started = runner.up(marathon_version=marathon_version, avi_version=avi_version,
                             mesos_version=mesos_version, deploy_seconds=deploy_seconds)
    cfg = load_file()
    cfg.profiles[runner.PROFILE] = runner.profile_values(lab)
    save_file(cfg)  # never made the default: only `avictl config use` changes that
    verb = "started" if started else "already running"
    cx.info(f"lab {verb} (pid {lab['pid']}); profile 'lab' written to {cfg.path} "
            "(not the default: pass -p lab, or run `avictl config use lab`)")
    _print_state(cx, lab)
    if lab.get("agent_addressing") == "ports":
        cx.info("note: 127.0.0.2 cannot be bound here (only Linux makes all of 127/8 loopback): the agents' "
                "tasks and Service Engines listen on ports of 127.0.0.1 instead; the ELB URL works the same")
    use = "" if cfg.default_profile == runner.PROFILE else "-p lab "
    cx.info("\nnext:\n"
            f"  avictl {use}status\n"
            f"  avictl {use}deploy examples/Docker.json --elb {lab['elb']} --check-url /\n"
            f"  curl \"$(avictl {use}elb url {lab['elb']})\"\n"
            f"  avictl {use}vs list\n"
            "  avictl lab down")


@group.command("down")
def down(ctx: typer.Context) -> None:
    """Stop every process the lab started and remove its state and its profile.

    Examples:

    \b
      avictl lab down
    """
    from ..config import load_file, save_file
    from ..lab import runner

    cx: Context = ctx.obj
    stopped = runner.down()
    cfg = load_file()
    was_default = cfg.default_profile == runner.PROFILE
    if cfg.profiles.pop(runner.PROFILE, None) is not None or was_default:
        if was_default:
            cfg.default_profile = None  # never another profile: that could send the next command to prod
        save_file(cfg)
    if stopped:
        cx.info(f"lab stopped (pid {stopped.get('pid')}); its state and the 'lab' profile are removed")
    else:
        cx.info("the lab is not running; nothing to stop")
    if was_default:
        others = ", ".join(sorted(cfg.profiles)) or "none"
        cx.info(f"'lab' was the default profile: now there is no default (profiles: {others}); "
                "choose one with `avictl config use NAME`")


@group.command("status")
def status(ctx: typer.Context) -> None:
    """Show whether the lab runs, its PID and URLs; exit 3 when it is not running.

    Examples:

    \b
      avictl lab status
      avictl lab status -o json
    """
    from ..lab import runner

    cx: Context = ctx.obj
    lab = runner.running()
    if not lab:
        raise errors.NotFound("the lab is not running", "start it with `avictl lab up`")
    _print_state(cx, lab)


def _print_state(cx: Context, lab: dict) -> None:
    public = {k: lab.get(k) for k in ("pid", "marathon_url", "marathon_version", "mesos_url", "controller_url",
                                      "avi_version", "username", "ca_bundle", "aws_endpoint_url", "aws_region",
                                      "elb", "stack", "elb_url", "agents", "agent_addressing")}
    cx.out.show(public)


@group.command("password", hidden=True)
def password(ctx: typer.Context) -> None:
    """Print the running lab's controller password (the lab profile's password_command).

    Examples:

    \b
      avictl lab password
    """
    from ..lab import runner

    cx: Context = ctx.obj
    cx.out.value(runner.password())
