"""Start-up budget: median wall time of avictl's cheapest invocations, side by side in one run.

    python bench/startup.py [--runs N] [--aws-venv DIR] [--no-aws]

Measures, interleaved round-robin so they share the machine's state:
  python -c pass                 the floor (same interpreter as avictl)
  avictl --version               fast path, no typer        target <= 2x the floor
  avictl --help                  typer, the whole tree      target <= 5x
  avictl __complete app ''       one TAB on an app id       target <= 5x
  the same TAB, stale cache      answers from the cache and starts a detached refresh   target <= 5x
  aws --version                  the AWS CLI, as an anchor (installed with pip in a throwaway venv)

The completion request reads a fresh name cache of an isolated profile (no server, no refresh).
The stale one reads a cache an hour old: it answers with those names and starts the detached
refresh (`python -m avictl.names_cache refresh`) without waiting for it; the refresh (against a
port nobody listens on) is left to finish, untimed, before the next command runs.
Also reports whether `python -X importtime -m avictl --help` imports a heavy module.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("httpx", "boto3", "botocore", "rich", "keyring", "tabulate")
TARGETS = {"avictl --version": 2.0, "avictl --help": 5.0, "avictl __complete (TAB)": 5.0,
           "__complete (stale cache)": 5.0}
STALE_PROFILE = "benchstale"


def avictl_command() -> list[str]:
    script = Path(sys.executable).parent / "avictl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "avictl"]


def isolated_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVI_", "AVICTL_", "MARATHON_", "DCOS_"))}
    env.update({"AVICTL_CONFIG": str(tmp / "config.toml"), "AVICTL_CACHE_DIR": str(tmp / "cache"),
                "AVICTL_NO_NAME_REFRESH": "1"})
    return env


def prepare_cache(env: dict[str, str]) -> Path:
    """Fresh names for profile bench, names an hour old for the stale profile → its refresh marker."""
    Path(env["AVICTL_CONFIG"]).write_text('default_profile = "bench"\n[profiles.bench]\n'
                                          'marathon = "http://127.0.0.1:9"\n'
                                          f'[profiles.{STALE_PROFILE}]\nmarathon = "http://127.0.0.1:9"\n')
    code = ("import json, time; from avictl import names_cache; "
            "names_cache.remember('bench', 'app', [f'/group/app{i}' for i in range(500)]); "
            f"names_cache.remember('{STALE_PROFILE}', 'app', [f'/group/app{{i}}' for i in range(500)]); "
            f"p = names_cache._path('{STALE_PROFILE}', 'app'); d = json.loads(p.read_text()); "
            "d['written'] = time.time() - 3600; p.write_text(json.dumps(d)); print(names_cache._marker(p))")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    return Path(out.stdout.strip())


def refreshes_running() -> bool:
    """A detached refresh of the stale profile still running (Linux /proc; False elsewhere)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if STALE_PROFILE.encode() in cmdline.read_bytes():
                return True
        except OSError:
            continue
    return False


def settle_stale(marker: Path) -> None:
    """Before a stale TAB: the last refresh has ended, and its marker is gone (so this TAB starts one)."""
    deadline = time.monotonic() + 30
    while refreshes_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    marker.unlink(missing_ok=True)


def install_aws(venv: Path | None) -> tuple[list[str] | None, str]:
    """`aws` from a throwaway venv (pip install awscli); (None, why) when that is not possible."""
    if venv and (venv / "bin" / "aws").exists():
        return [str(venv / "bin" / "aws")], f"reused {venv}"
    venv = venv or Path(tempfile.mkdtemp(prefix="avictl-bench-aws-")) / "venv"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "awscli"], check=True, capture_output=True,
                       timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"could not install awscli: {exc} {detail.decode(errors='replace')[-300:]}".strip()
    return [str(venv / "bin" / "aws")], f"installed in {venv}"


def measure(commands: dict[str, list[str]], env: dict[str, str], runs: int,
            special: dict[str, tuple[dict[str, str], Callable[[], None]]] | None = None) -> dict[str, list[float]]:
    """Median wall times; `special` gives a command its own environment and an untimed step before each run."""
    special = special or {}
    times: dict[str, list[float]] = {name: [] for name in commands}

    def setup(name: str) -> dict[str, str]:
        own_env, before = special.get(name, (env, lambda: None))
        before()
        return own_env

    for name, argv in commands.items():  # warm-up: page cache, .pyc files
        subprocess.run(argv, env=setup(name), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    for _ in range(runs):
        for name, argv in commands.items():
            run_env = setup(name)
            start = time.perf_counter()
            proc = subprocess.run(argv, env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
            times[name].append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise SystemExit(f"{name} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return times


def heavy_imports(env: dict[str, str]) -> list[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "avictl", "--help"], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    found = set()
    for line in proc.stderr.splitlines():
        module = line.rsplit("|", 1)[-1].strip()
        if module.split(".")[0] in HEAVY:
            found.add(module.split(".")[0])
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--aws-venv", type=Path, help="reuse (or create) the AWS CLI venv here")
    parser.add_argument("--no-aws", action="store_true", help="skip the AWS CLI anchor")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="avictl-bench-"))
    try:
        env = isolated_env(tmp)
        stale_marker = prepare_cache(env)
        stale_env = {k: v for k, v in env.items() if k != "AVICTL_NO_NAME_REFRESH"}
        stale_env["AVICTL_PROFILE"] = STALE_PROFILE
        avictl = avictl_command()
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "avictl --version": [*avictl, "--version"],
            "avictl --help": [*avictl, "--help"],
            "avictl __complete (TAB)": [*avictl, "__complete", "app", "/group/app1", "app", "show"],
            "__complete (stale cache)": [*avictl, "__complete", "app", "/group/app1", "app", "show"],
        }
        note = "skipped (--no-aws)"
        if not args.no_aws:
            aws, note = install_aws(args.aws_venv)
            if aws:
                commands["aws --version"] = [*aws, "--version"]
        times = measure(commands, env, args.runs,
                        {"__complete (stale cache)": (stale_env, lambda: settle_stale(stale_marker))})
        settle_stale(stale_marker)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    floor = statistics.median(times["python -c pass"])
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, interleaved; median wall time\n")
    print(f"{'command':<26} {'median':>9} {'vs python':>10}  target")
    for name, samples in times.items():
        med = statistics.median(samples)
        ratio = med / floor
        target = TARGETS.get(name)
        verdict = "" if target is None else f"<= {target:g}x  {'ok' if ratio <= target else 'MISSED'}"
        print(f"{name:<26} {med * 1000:>7.1f} ms {ratio:>9.1f}x  {verdict}")
    print(f"\naws CLI: {note}")
    heavy = heavy_imports(isolated_env(Path(tempfile.gettempdir())))
    print(f"heavy modules imported by `avictl --help`: {', '.join(heavy) if heavy else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
