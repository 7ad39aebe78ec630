"""`avictl __complete KIND PREFIX [WORD ...]`: dynamic completion candidates, one per line.

Called by the generated shell scripts only for what they cannot know statically: profile
names (from the config file) and app / virtual service / ELB names (from the per-profile
name cache). KIND is one kind or several joined by commas (`app,vs`); WORDs are the
command line typed so far, so a `--profile NAME` already there selects the cache.

This is the TAB fast path: it imports neither typer nor any HTTP, AWS or terminal library,
never talks to a server, and answers from a stale cache while a detached process refreshes
it (see avictl.names_cache).
"""

from __future__ import annotations

import sys

PROFILE_OPTIONS = ("--profile", "-p")


def profile_flag(words: list[str]) -> str | None:
    """The last `--profile NAME` / `--profile=NAME` / `-p NAME` / `-pNAME` before `--`."""
    found = None
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            break
        if w in PROFILE_OPTIONS:
            if i + 1 < len(words):
                found = words[i + 1]
            i += 2
            continue
        if w.startswith("--profile="):
            found = w.split("=", 1)[1]
        elif w.startswith("-p") and len(w) > 2 and not w.startswith("--"):
            found = w[2:]
        i += 1
    return found or None


def _config_file():  # -> avictl.config.ConfigFile | None
    from ..config import load_file
    from ..errors import AvictlError

    try:
        return load_file()
    except AvictlError:
        return None  # a broken config file completes nothing rather than printing an error on TAB


def profiles() -> list[str]:
    cfg = _config_file()
    return sorted(cfg.profiles) if cfg else []


def selected_profile(words: list[str]) -> tuple[str, str | None]:
    """The profile the command line would use (same rules as avictl.config) and the flag, if any."""
    from ..config import ConfigFile, config_path, selected_profile as select

    flag = profile_flag(words)
    cfg = _config_file() or ConfigFile(config_path())
    name, _ = select(flag, cfg)
    return name, flag


def candidates(kinds: list[str], prefix: str, words: list[str]) -> list[str]:
    from .. import names_cache

    out: list[str] = []
    profile: tuple[str, str | None] | None = None
    for kind in kinds:
        if kind == "profile":
            out += profiles()
        elif kind in names_cache.KINDS:
            if profile is None:
                profile = selected_profile(words)
            names, age = names_cache.recall(profile[0], kind)
            if age is None or age > names_cache.TTL:
                names_cache.refresh_in_background(profile[0], kind, profile[1])
            out += names
    return [c for c in dict.fromkeys(out) if c.startswith(prefix)]


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("usage: avictl __complete KIND[,KIND] [PREFIX [WORD ...]]\n")
        return 2
    kinds = argv[0].split(",")
    prefix = argv[1] if len(argv) > 1 else ""
    try:
        found = candidates(kinds, prefix, argv[2:])
    except Exception:  # never a traceback on TAB
        return 1
    if found:
        sys.stdout.write("\n".join(found) + "\n")
    return 0
