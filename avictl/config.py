"""Profiles in a TOML file and the settings resolved from flags, environment and profile (SPEC.md §3).

Precedence, highest first: command-line flag, environment variable, selected profile,
built-in default. No secret is ever written to the file.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError, NotFound, UsageError

DEFAULT_PROFILE = "default"
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Key:
    """One profile key: its name, the environment variables that set it, type and help."""

    name: str
    env: tuple[str, ...] = ()
    kind: type = str
    default: Any = None
    help: str = ""


KEYS: tuple[Key, ...] = (
    Key("controller", ("AVI_CONTROLLER",), help="Avi Controller URL, e.g. https://avi.example.com"),
    Key("username", ("AVI_USERNAME",), help="Avi Controller user name"),
    Key("tenant", ("AVI_TENANT",), default="admin", help="Avi tenant"),
    Key("api_version", ("AVI_API_VERSION", "AVI_VERSION"), help="X-Avi-Version to send (default: the controller's)"),
    Key("ca_bundle", ("AVI_CA_BUNDLE",), help="CA bundle (PEM) to verify the controller's certificate"),
    Key("insecure", ("AVICTL_INSECURE",), kind=bool, default=False, help="skip TLS verification (not recommended)"),
    Key("password_command", (), help="command printing the controller password on its first line"),
    Key("marathon", ("MARATHON_URL",), help="Marathon URL, e.g. http://master.mesos:8080"),
    Key("marathon_username", ("MARATHON_USERNAME",), help="Marathon HTTP basic user"),
    Key("marathon_ca_bundle", ("MARATHON_CA_BUNDLE",), help="CA bundle (PEM) for an HTTPS Marathon"),
    Key("mesos", ("MESOS_MASTER_URL",), help="Mesos master URL, e.g. http://leader.mesos:5050 (DC/OS: <dcos url>/mesos)"),
    Key("aws_profile", ("AWS_PROFILE",), help="AWS profile of the standard credential chain"),
    Key("aws_region", ("AWS_REGION", "AWS_DEFAULT_REGION"), help="AWS region"),
    Key("aws_endpoint_url", ("AWS_ENDPOINT_URL",), help="AWS endpoint URL (tests, the lab, private endpoints)"),
    Key("elb", ("AVICTL_ELB",), help="default load balancer name"),
    Key("elb_url", ("AVICTL_ELB_URL",), help="URL that reaches the ELB from here (a tunnel, a VPN, the lab's front)"),
    Key("request_timeout", ("AVICTL_REQUEST_TIMEOUT", "AVICTL_TIMEOUT"), kind=float, default=30.0,
        help="per-request HTTP timeout in seconds"),
)
KEY_BY_NAME = {k.name: k for k in KEYS}
# Old spellings, still read for one release with a warning: key → its new name.
DEPRECATED_KEYS = {"timeout": "request_timeout"}
DEPRECATED_ENV = {"AVICTL_TIMEOUT": "AVICTL_REQUEST_TIMEOUT"}


def canonical_key(key: str) -> str:
    return DEPRECATED_KEYS.get(key, key)


def deprecation(old: str, new: str) -> str:
    return f"{old} is deprecated and will be removed in the next release: use {new}"
SECRET_KEY_NAMES = frozenset({"password", "token", "secret", "marathon_password", "dcos_token", "authtoken"})


@dataclass
class Settings:
    """Everything a command needs to reach the three systems, after precedence is applied."""

    profile: str = DEFAULT_PROFILE
    config_path: Path | None = None
    controller: str | None = None
    username: str | None = None
    tenant: str = "admin"
    api_version: str | None = None
    ca_bundle: str | None = None
    insecure: bool = False
    password_command: str | None = None
    marathon: str | None = None
    marathon_username: str | None = None
    marathon_ca_bundle: str | None = None
    mesos: str | None = None
    aws_profile: str | None = None
    aws_region: str | None = None
    aws_endpoint_url: str | None = None
    elb: str | None = None
    elb_url: str | None = None
    request_timeout: float = 30.0
    sources: dict[str, str] = field(default_factory=dict)  # key -> "flag" | "env:NAME" | "profile" | "default"
    deprecations: list[str] = field(default_factory=list)  # old spellings in use, for one warning each

    @property
    def timeout(self) -> float:
        """The per-request timeout (the old name of `request_timeout`)."""
        return self.request_timeout

    def elb_url_for(self, name: str | None) -> str | None:
        """`elb_url` when it applies to load balancer `name`: the profile's own ELB (or any, without one)."""
        if self.elb_url and (not self.elb or not name or name == self.elb):
            return self.elb_url
        return None

    def public(self) -> dict[str, Any]:
        """The settings as shown by `config show` (no secrets exist here to hide)."""
        return {k.name: getattr(self, k.name) for k in KEYS}


def config_path() -> Path:
    """$AVICTL_CONFIG, else $XDG_CONFIG_HOME/avictl/config.toml, else ~/.config/avictl/config.toml."""
    explicit = os.environ.get("AVICTL_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "avictl" / "config.toml"


def cache_dir() -> Path:
    """Where session and completion caches live (0700)."""
    explicit = os.environ.get("AVICTL_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("AVICTL_CONFIG"):
        return Path(os.environ["AVICTL_CONFIG"]).expanduser().parent / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "avictl"


# -- the file -----------------------------------------------------------------------------


@dataclass
class ConfigFile:
    path: Path
    default_profile: str | None = None
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    exists: bool = False
    deprecations: list[str] = field(default_factory=list)
    text: str = ""  # the file as read: a save edits it in place, keeping the user's comments and layout


def load_file(path: Path | None = None) -> ConfigFile:
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ConfigFile(path)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path}: not UTF-8 text (byte {exc.start})",
                          "fix or remove the file; `avictl config init` writes a new one") from None
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}", "fix the TOML syntax at that line") from None
    cfg = ConfigFile(path, exists=True, text=text)
    default = data.pop("default_profile", None)
    if default is not None and not isinstance(default, str):
        raise ConfigError(f"config file {path}, line {_line_of(text, 'default_profile')}: "
                          "default_profile must be a string")
    cfg.default_profile = default
    profiles = data.pop("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"config file {path}, line {_line_of(text, 'profiles')}: [profiles] must be a table")
    for name, values in profiles.items():
        if not isinstance(values, dict):
            raise ConfigError(f"config file {path}, line {_line_of(text, name)}: profile {name!r} must be a table")
        checked = {k: _check_value(path, text, name, k, v) for k, v in values.items()}
        for old, new in DEPRECATED_KEYS.items():
            if old in checked:
                value = checked.pop(old)
                checked.setdefault(new, value)
                cfg.deprecations.append(deprecation(f"profile key {old!r} ({path}, profile {name!r})",
                                                    f"{new!r} (`avictl config set {new} VALUE` rewrites it)"))
        cfg.profiles[name] = checked
    for leftover in data:
        raise ConfigError(f"config file {path}, line {_line_of(text, leftover)}: unknown top-level key {leftover!r}",
                          "profiles go in [profiles.NAME] tables")
    return cfg


def _check_value(path: Path, text: str, profile: str, key: str, value: Any) -> Any:
    where = f"config file {path}, line {_line_of(text, key)}"
    if key.lower() in SECRET_KEY_NAMES:
        raise ConfigError(f"{where}: {key!r} looks like a secret; secrets do not belong in the config file",
                          "use AVI_PASSWORD, password_command or `avictl login` (OS keyring)")
    spec = KEY_BY_NAME.get(canonical_key(key))
    if spec is None:
        raise ConfigError(f"{where}: unknown key {key!r} in profile {profile!r}",
                          f"known keys: {', '.join(KEY_BY_NAME)}")
    if spec.kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false")
    if spec.kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{where}: {key} must be a positive number")
        return float(value)
    if spec.kind is str and not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    return value


def _line_of(text: str, key: str) -> int | str:
    pattern = re.compile(rf"^\s*(\[+[^\]]*\b{re.escape(key)}\b[^\]]*\]+|\"?{re.escape(key)}\"?\s*=)", re.M)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else "?"


def dump_toml(cfg: ConfigFile) -> str:
    """The file's new text: the file as read, edited in place with tomlkit (comments, order and
    layout the user gave it stay), or a fresh file when there was none."""
    import tomlkit

    doc = tomlkit.parse(cfg.text) if cfg.text.strip() else tomlkit.document()
    if not cfg.text.strip():
        doc.add(tomlkit.comment("avictl configuration: profiles of settings. No secrets are kept here."))
        doc.add(tomlkit.nl())
    if cfg.default_profile:
        if "default_profile" in doc:
            doc["default_profile"] = cfg.default_profile
        else:  # top-level keys must come before the first table
            doc.body.insert(_first_table(doc.body), (tomlkit.key("default_profile"), tomlkit.item(cfg.default_profile)))
            doc = tomlkit.parse(tomlkit.dumps(doc))  # re-read so tomlkit indexes the inserted key
    elif "default_profile" in doc:
        del doc["default_profile"]
    if not cfg.profiles:
        if "profiles" in doc:
            del doc["profiles"]
        return tomlkit.dumps(doc)
    if "profiles" not in doc:
        doc.add(tomlkit.nl())
        doc["profiles"] = tomlkit.table(is_super_table=True)
    tables = doc["profiles"]
    for name in [n for n in tables if n not in cfg.profiles]:
        del tables[name]
    for name in sorted(cfg.profiles):
        values = cfg.profiles[name]
        if name not in tables:
            tables[name] = tomlkit.table()
        table = tables[name]
        for key in [k for k in table if k not in values]:
            del table[key]
        for key, value in values.items():
            if key in table:
                if table[key] != value:
                    table[key] = value
            else:
                _add_after_last_key(table, key, value)
    return tomlkit.dumps(doc)


def _add_after_last_key(table: Any, key: str, value: Any) -> None:
    """A new key goes right after the table's last key, not after the comments and blank lines
    that lead into the next table."""
    keys = list(table.keys())
    try:
        table.value._insert_after(keys[-1], key, value)  # tomlkit's own placement
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        table[key] = value


def _first_table(body: list[Any]) -> int:
    import tomlkit.items

    for i, (_, item) in enumerate(body):
        if isinstance(item, (tomlkit.items.Table, tomlkit.items.AoT)):
            return i
    return len(body)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value)).replace("\x7f", "\\u007f")


def save_file(cfg: ConfigFile) -> None:
    """Write atomically with mode 0600 (directory 0700 when created)."""
    from .files import write_private

    write_private(cfg.path, dump_toml(cfg))


def validate_profile_name(name: str) -> str:
    if not PROFILE_NAME.match(name or ""):
        raise UsageError(f"invalid profile name {name!r}",
                         "use letters, digits, '.', '_' or '-' (up to 64 characters)")
    return name


def parse_value(key: str, raw: str) -> Any:
    """A `config set` / flag value converted to the key's type."""
    spec = KEY_BY_NAME.get(canonical_key(key))
    if spec is None:
        if key.lower() in SECRET_KEY_NAMES:
            raise UsageError(f"{key!r} is a secret and is never stored in the config file",
                             "use `avictl login` (OS keyring), AVI_PASSWORD or password_command")
        raise UsageError(f"unknown key {key!r}", f"known keys: {', '.join(KEY_BY_NAME)}")
    if spec.kind is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise UsageError(f"{key} must be true or false, not {raw!r}")
    if spec.kind is float:
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(f"{key} must be a number, not {raw!r}") from None
        if not 0 < value <= 86400:
            raise UsageError(f"{key} must be between 0 and 86400 seconds")
        return value
    if key in ("controller", "marathon", "mesos", "aws_endpoint_url") and raw:
        return validate_url(key, raw)
    if key == "elb_url" and raw:
        return validate_url(key, raw) + ("/" if raw.endswith("/") else "")  # a URL to browse keeps its slash
    return raw


def validate_url(key: str, raw: str) -> str:
    if not re.match(r"^https?://[^\s/?#]+", raw):
        raise UsageError(f"{key} must be an http(s) URL, not {raw!r}", "e.g. https://controller.example.com")
    if re.match(r"^https?://[^/@]*:[^/@]*@", raw):
        raise UsageError(f"{key} must not carry a password in the URL", "credentials go in the keyring or env")
    return raw.rstrip("/")


# -- resolution ---------------------------------------------------------------------------


def selected_profile(flag: str | None, cfg: ConfigFile) -> tuple[str, str]:
    """The profile name and where it came from."""
    if flag:
        return flag, "flag"
    env = os.environ.get("AVICTL_PROFILE")
    if env:
        return env, "env:AVICTL_PROFILE"
    if cfg.default_profile:
        return cfg.default_profile, "file"
    return DEFAULT_PROFILE, "default"


def resolve(profile_flag: str | None = None, flags: dict[str, Any] | None = None,
            cfg: ConfigFile | None = None, require_profile: bool = False) -> Settings:
    """Settings for one invocation: flag > environment > profile > default."""
    cfg = cfg or load_file()
    name, origin = selected_profile(profile_flag, cfg)
    if name not in cfg.profiles and (origin in ("flag", "env:AVICTL_PROFILE") or require_profile):
        if cfg.profiles or origin != "default":
            raise NotFound(f"profile {name!r} not found in {cfg.path}",
                           f"known profiles: {', '.join(sorted(cfg.profiles)) or 'none'}; "
                           f"create it with `avictl --profile {name} config init`")
    values = cfg.profiles.get(name, {})
    settings = Settings(profile=name, config_path=cfg.path)
    settings.deprecations.extend(d for d in cfg.deprecations if f"profile {name!r}" in d)
    for spec in KEYS:
        value, source = spec.default, "default"
        if spec.name in values:
            value, source = values[spec.name], "profile"
        for env_name in spec.env:
            raw = os.environ.get(env_name)
            if raw not in (None, ""):
                try:
                    value = parse_value(spec.name, raw)
                except UsageError as exc:
                    raise UsageError(f"environment variable {env_name}: {exc.message}") from None
                source = f"env:{env_name}"
                if env_name in DEPRECATED_ENV:
                    settings.deprecations.append(deprecation(env_name, DEPRECATED_ENV[env_name]))
                break
        if flags and flags.get(spec.name) is not None:
            value, source = flags[spec.name], "flag"
        setattr(settings, spec.name, value)
        settings.sources[spec.name] = source
    return settings
