"""Shell completion: the generated scripts are current, and real bash, zsh and fish complete with them.

bash and zsh are driven interactively in tmux (type, press TAB, read the screen); fish
answers `complete -C` without a terminal. A shell that is not installed is skipped with
the reason (.ci/run installs zsh, fish and tmux).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, isolated_env

from avictl import names_cache
from avictl.shell import generate

COMPLETIONS = ROOT / "completions"


# -- generated files are current -----------------------------------------------------------


def test_generated_files_are_current(tmp_path: Path) -> None:
    """completions/ and man/ are exactly what the generator writes for the current command tree."""
    files = generate.outputs()
    generate.write(tmp_path, files)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(files)
    stale = generate.stale(ROOT, files)
    assert not stale, (f"generated files are out of date: {', '.join(stale)}\n"
                       "regenerate with: python -m avictl.shell   (then commit completions/ and man/)")


def test_every_command_of_the_tree_is_in_every_script() -> None:
    from avictl.shell.model import build

    model = build()
    scripts = {name: (COMPLETIONS / name).read_text(encoding="utf-8") for name in generate.COMPLETION_FILES.values()}
    for cmd in model.commands():
        key = " ".join(cmd.path)
        for name, text in scripts.items():
            assert f"'{key}')" in text or f"case '{key}'" in text, (name, key)


# -- the dynamic fast path -----------------------------------------------------------------


def _complete(tmp: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "avictl", "__complete", *args], capture_output=True, text=True,
                          env=isolated_env(tmp, env), timeout=30, cwd=ROOT)


def _write_config(tmp: Path, text: str) -> None:
    (tmp / "config").mkdir(exist_ok=True)
    (tmp / "config" / "config.toml").write_text(text, encoding="utf-8")


PROFILES = 'default_profile = "prod"\n[profiles.prod]\nmarathon = "http://127.0.0.1:9"\n' \
           '[profiles.stage]\nmarathon = "http://127.0.0.1:9"\n'


def test_fast_path_profiles_and_cached_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(tmp_path, PROFILES)
    for key, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    names_cache.remember("prod", "app", ["/webapp1", "/webapp2", "/db"])
    names_cache.remember("stage", "app", ["/stage-only"])
    names_cache.remember("prod", "vs", ["webapp1-vs"])

    assert _complete(tmp_path, "profile", "").stdout.split() == ["prod", "stage"]
    assert _complete(tmp_path, "profile", "st").stdout.split() == ["stage"]
    # The file's default profile, then --profile / -p / --profile= on the line, then AVICTL_PROFILE.
    assert _complete(tmp_path, "app", "/web", "app", "show").stdout.split() == ["/webapp1", "/webapp2"]
    assert _complete(tmp_path, "app", "", "-p", "stage", "app", "show").stdout.split() == ["/stage-only"]
    assert _complete(tmp_path, "app", "", "app", "show", "--profile=stage").stdout.split() == ["/stage-only"]
    assert _complete(tmp_path, "app", "", "app", env={"AVICTL_PROFILE": "stage"}).stdout.split() == ["/stage-only"]
    assert _complete(tmp_path, "app,vs", "", "vs", "port").stdout.split() == ["/webapp1", "/webapp2", "/db",
                                                                            "webapp1-vs"]


def test_fast_path_imports_nothing_heavy(tmp_path: Path) -> None:
    code = ("import sys; from avictl.__main__ import main; main(['__complete', 'app', '']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('typer', 'click', 'httpx', 'boto3', 'botocore', 'rich', 'keyring', 'tabulate')))")
    env = isolated_env(tmp_path, {"AVICTL_NO_NAME_REFRESH": "1"})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=30).stdout
    assert out.strip().splitlines()[-1] == "[]"


def _until(predicate, limit: float = 30.0) -> None:
    """Wait (without asserting on time) until predicate() holds or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_stale_cache_answers_at_once_and_refreshes_in_the_background(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      marathon15) -> None:
    """The stale names come back while Marathon still holds the refresh's request (it answers only
    after the TAB has returned, so a TAB that waited for it would hang until subprocess.run's limit);
    the detached refresh then fills the cache; a second TAB within RETRY_AFTER starts nothing new."""
    from plugins.avi_lab import post_marathon_app

    _write_config(tmp_path, f'default_profile = "prod"\n[profiles.prod]\nmarathon = "{marathon15.url}"\n')
    post_marathon_app(marathon15, {"id": "/fresh", "cmd": "sleep 1000", "cpus": 0.1, "mem": 32, "instances": 1})
    marathon15.clear_requests()
    release = threading.Event()
    handle = marathon15.handle

    def holding(req):
        if req.method == "GET" and req.path == "/v2/apps":
            release.wait(60)
        return handle(req)

    monkeypatch.setattr(marathon15, "handle", holding)
    for key, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    names_cache.remember("prod", "app", ["/old"])
    path = names_cache._path("prod", "app")
    old = time.time() - 3600
    data = path.read_text().replace(path.read_text().split('"written":')[1].split(",")[0], str(old))
    path.write_text(data)
    _, age = names_cache.recall("prod", "app")
    assert age is not None and age > names_cache.TTL

    try:
        r = _complete(tmp_path, "app", "")
        assert r.stdout.split() == ["/old"]  # the cache's names, not the server's (it has not answered)
        marker = names_cache._marker(path)
        assert marker.exists(), "a background refresh should have been started"
        _until(lambda: marathon15.sent("GET", "^/v2/apps$"))
        assert len(marathon15.sent("GET", "^/v2/apps$")) == 1  # the refresh asked, once
        # A second TAB within RETRY_AFTER starts nothing new (the marker is not replaced).
        before = marker.stat().st_mtime_ns
        assert not names_cache.refresh_in_background("prod", "app")
        assert marker.stat().st_mtime_ns == before
    finally:
        release.set()
    _until(lambda: names_cache.recall("prod", "app")[0] == ["/fresh"])
    assert names_cache.recall("prod", "app")[0] == ["/fresh"]  # the detached refresh's answer


def test_broken_config_completes_nothing_quietly(tmp_path: Path) -> None:
    _write_config(tmp_path, "this is [not toml\n")
    r = _complete(tmp_path, "profile", "")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


# -- real shells -----------------------------------------------------------------------------


def _need(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (.ci/run installs zsh, fish and tmux)")


def _shell_env(tmp: Path) -> dict[str, str]:
    """The isolated env, with an `avictl` on PATH that runs this checkout with this Python."""
    bindir = tmp / "bin"
    bindir.mkdir(exist_ok=True)
    wrapper = bindir / "avictl"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m avictl "$@"\n')
    wrapper.chmod(0o755)
    env = isolated_env(tmp, {"AVICTL_NO_NAME_REFRESH": "1", "TERM": "xterm", "LC_ALL": "C.UTF-8"})
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


class Tmux:
    """One interactive shell in a private tmux server."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.dir = tempfile.mkdtemp(prefix="avictl-tmux-")
        self.sock = os.path.join(self.dir, "s")
        self.env = env
        self._tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", "t", *argv)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.sock, *args], capture_output=True, text=True, env=self.env,
                              timeout=10, check=True).stdout

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "t", *keys)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, predicate, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if predicate(text) or time.monotonic() > deadline:
                return text
            time.sleep(0.05)

    def fresh_line(self) -> None:
        """Clear the line and the screen, and wait for the prompt."""
        self.send("C-u")
        self.send("-l", "clear")
        self.wait_for(lambda s: s.strip().splitlines()[-1:] == ["READY>clear"])
        self.send("Enter")
        self.wait_for(lambda s: s.strip() == "READY>")

    def complete(self, line: str, expect: list[str], tabs: int = 1) -> str:
        self.fresh_line()
        self.send("-l", line)
        for _ in range(tabs):
            self.send("Tab")
        return self.wait_for(lambda s: all(e in s for e in expect))

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.sock, "kill-server"], capture_output=True, env=self.env, timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def _bash(tmp: Path) -> Tmux:
    rc = tmp / "bashrc"
    rc.write_text("PS1='READY>'\nbind 'set show-all-if-ambiguous on'\nbind 'set completion-query-items 0'\n"
                  "bind 'set page-completions off'\nbind 'set bell-style none'\n"
                  f"source '{COMPLETIONS / 'avictl.bash'}'\n")
    return Tmux(["bash", "--noprofile", "--rcfile", str(rc), "-i"], _shell_env(tmp))


def _zsh(tmp: Path) -> Tmux:
    zdot = tmp / "zdot"
    zdot.mkdir()
    fpath = tmp / "zfunc"
    fpath.mkdir()
    shutil.copy(COMPLETIONS / "_avictl", fpath / "_avictl")
    (zdot / ".zshrc").write_text(
        f"fpath=('{fpath}' $fpath)\nautoload -Uz compinit\ncompinit -u -d '{tmp}/zcompdump'\n"
        "PS1='READY>'\nLISTMAX=0\nsetopt no_beep auto_list no_list_ambiguous no_menu_complete\n"
        "zstyle ':completion:*' list-prompt ''\nzstyle ':completion:*' select-prompt ''\n")
    env = _shell_env(tmp)
    env["ZDOTDIR"] = str(zdot)
    return Tmux(["zsh", "-i"], env)


def _lines_after_prompt(screen: str) -> str:
    return screen.split("READY>", 1)[-1]


def _cache_apps(tmp: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]) -> None:
    _write_config(tmp, PROFILES)
    for key, value in isolated_env(tmp).items():
        monkeypatch.setenv(key, value)
    names_cache.remember("prod", "app", names)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_interactive_completion(shell: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _need("tmux", shell)
    _cache_apps(tmp_path, monkeypatch, ["/webapp1", "/webapp2", "/db/postgres"])
    term = _bash(tmp_path) if shell == "bash" else _zsh(tmp_path)
    try:
        term.wait_for(lambda s: "READY>" in s)

        screen = term.complete("avictl a", ["api", "app"])
        assert "api" in _lines_after_prompt(screen) and "app" in _lines_after_prompt(screen), screen

        expected = ["apply", "delete", "list", "ports", "post", "restart", "scale", "show", "tasks", "wait"]
        screen = term.complete("avictl app ", expected)
        assert all(e in _lines_after_prompt(screen) for e in expected), screen

        formats = ["table", "wide", "jsonl", "tsv", "yaml"]
        screen = term.complete("avictl -o ", formats)
        assert all(f in _lines_after_prompt(screen) for f in formats), screen
        assert "--profile" not in screen

        # Global options after the command, and --opt=value.
        screen = term.complete("avictl app list --output=js", ["json", "jsonl"])
        assert "jsonl" in _lines_after_prompt(screen), screen

        # An app id from the name cache of the default profile: two candidates, then a unique one.
        screen = term.complete("avictl app show /web", ["/webapp1", "/webapp2"])
        assert "/webapp1" in _lines_after_prompt(screen) and "/webapp2" in _lines_after_prompt(screen), screen
        screen = term.complete("avictl app show /d", ["/db/postgres"])
        assert "avictl app show /db/postgres" in screen, screen

        # Profiles from the config file.
        screen = term.complete("avictl --profile st", ["stage"])
        assert "avictl --profile stage" in screen, screen
    finally:
        term.close()


def test_fish_completion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _need("fish")
    _cache_apps(tmp_path, monkeypatch, ["/webapp1", "/webapp2"])
    env = _shell_env(tmp_path)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "fishconfig")  # no user config.fish
    env["XDG_DATA_HOME"] = str(tmp_path / "fishdata")

    def complete(line: str) -> list[str]:
        script = f"source '{COMPLETIONS / 'avictl.fish'}'; complete -C '{line}'"
        proc = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True, env=env,
                              timeout=30)
        assert proc.returncode == 0, proc.stderr
        return [ln.split("\t")[0] for ln in proc.stdout.splitlines()]

    assert complete("avictl a") == ["api", "app"]
    assert {"list", "show", "post", "apply", "scale", "wait"} <= set(complete("avictl app "))
    assert set(complete("avictl -o ")) == {"table", "wide", "json", "jsonl", "tsv", "name", "yaml"}
    assert complete("avictl app show /web") == ["/webapp1", "/webapp2"]
    assert complete("avictl -p ") == ["prod", "stage"]
    assert complete("avictl completion ") == ["bash", "fish", "zsh"]


def test_name_cache_files_are_private_and_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    assert names_cache.recall("prod", "app") == ([], None)
    names_cache.remember("prod", "app", ["/b", "/a", "/b", ""])
    names, age = names_cache.recall("prod", "app")
    assert names == ["/b", "/a"] and age is not None and age < 5
    path = names_cache._path("prod", "app")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["app.json"]  # no temporary file left
    # A name that is not a valid profile is never turned into a path.
    names_cache.remember("../evil", "app", ["/x"])
    assert names_cache.recall("../evil", "app") == ([], None)
    assert not (tmp_path / "evil").exists()
    with pytest.raises(ValueError):
        names_cache.remember("prod", "pool", ["x"])


def test_tee_remembers_only_a_complete_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    items = ({"name": f"vs{i}"} for i in range(3))
    stream = names_cache.tee("prod", "vs", items)
    assert next(stream) == {"name": "vs0"}
    assert names_cache.recall("prod", "vs") == ([], None)  # not yet: the listing may still fail
    assert [i["name"] for i in stream] == ["vs1", "vs2"]
    assert names_cache.recall("prod", "vs")[0] == ["vs0", "vs1", "vs2"]
    apps = list(names_cache.tee("prod", "app", [{"id": "/a"}, {"id": "/b"}], key="id"))
    assert len(apps) == 2 and names_cache.recall("prod", "app")[0] == ["/a", "/b"]


def test_background_refresh_fills_the_cache_from_marathon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli,
                                                           marathon15) -> None:
    """No cache yet: the TAB answers nothing at once, and a detached `app list` fills the cache."""
    _write_config(tmp_path, f'default_profile = "prod"\n[profiles.prod]\nmarathon = "{marathon15.url}"\n')
    defn = tmp_path / "app.json"
    defn.write_text('{"id": "/webapp1", "cmd": "sleep 1000", "cpus": 0.1, "mem": 32, "instances": 1}')
    assert cli("app", "post", str(defn), "--no-wait").exit_code == 0
    for key, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    assert names_cache.recall("prod", "app") == ([], None)

    assert _complete(tmp_path, "app", "/web").stdout == ""
    deadline = time.monotonic() + 30
    while names_cache.recall("prod", "app")[0] != ["/webapp1"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert names_cache.recall("prod", "app")[0] == ["/webapp1"]
    assert _complete(tmp_path, "app", "/web").stdout.split() == ["/webapp1"]
