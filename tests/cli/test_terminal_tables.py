"""Tables on a real terminal (a pty of 60, 80 and 100 columns): no line wider than the
terminal, no name, VIP or port cut, --no-headers keeps the spacing; empty listings say so on
stderr and print nothing on stdout."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest

from conftest import ROOT, isolated_env



def run_in_pty(args: list[str], env: dict[str, str], columns: int) -> tuple[int, str, str]:
    """Run avictl with stdout on a pty of `columns` columns; stderr apart. (exit code, stdout, stderr)"""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen([sys.executable, "-m", "avictl", *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = proc.stderr.read().decode()
    proc.wait(timeout=30)
    return proc.returncode, out.decode().replace("\r\n", "\n"), err


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_vs_list_fits_the_terminal_and_cuts_nothing(avi_lab, avi_env, tmp_path, columns):
    avi_lab.seed(3, prefix="avi-mesos-publicslave-fe-")
    env = isolated_env(tmp_path, {**avi_env, "NO_COLOR": "1"})
    for fmt in ("table", "wide"):
        code, out, err = run_in_pty(["vs", "list", "-o", fmt], env, columns)
        assert code == 0, err
        lines = out.splitlines()
        assert lines and all(len(line) <= columns for line in lines), (columns, fmt, out)
        assert "…" not in out
        if fmt == "table" or columns >= 100:  # wide's uuids make names wrap at 60 and 80 columns
            for n in range(3):
                assert f"avi-mesos-publicslave-fe-{n:06d}" in out, out
                assert f"10.2.0.{n + 1}" in out
        code, bare, err = run_in_pty(["vs", "list", "-o", fmt, "--no-headers"], env, columns)
        assert code == 0, err
        assert bare.splitlines() == lines[1:], (bare, out)  # same columns, same spacing, no header


def test_empty_listing_on_a_terminal_says_so_on_stderr(marathon15, tmp_path):
    env = isolated_env(tmp_path, {"MARATHON_URL": marathon15.url})
    code, out, err = run_in_pty(["deployment", "list"], env, 80)
    assert code == 0 and out == "" and "No resources found." in err, (out, err)


def test_empty_listing_piped_prints_nothing(cli, marathon15):
    r = cli("app", "list", "--filter", "zzz-none", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0 and r.stdout == "" and "No resources found" not in r.stderr
