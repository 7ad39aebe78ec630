"""The Mesos master client: the leading master's version and its agents. Never prints.

Built to apache/mesos `src/master/http.cpp` and `src/master/master.cpp` at 0.22.1, 0.28.2,
1.0.0 and 1.4.0 (see tests/fidelity/README.md):

- `GET /master/state` (0.25+; before only `/master/state.json`, which 1.8 removed) carries
  `version`, `pid`, `leader` (the leading master's pid, when one is known), `hostname`,
  `activated_slaves` / `deactivated_slaves` and `slaves[]` (`id`, `pid`, `hostname`,
  `active`, `resources{cpus, mem, disk, ports}`, from 0.28 `used_resources`; in 0.22 the
  used share is the sum of the running tasks' `resources` under `frameworks[].tasks[]`).
- From 1.0 a master that is not the leader answers 307 with a protocol-relative
  `Location: //host:port/master/state` (503 "No leader elected" when it knows none).
- Before 1.0 a standby answers with its own, nearly empty state and `leader` set to the
  leader's pid; only `/master/redirect` answers 307 to the leader's base URL (0.22:
  `http://host:port`, 0.28: `//host:port`).
- In DC/OS the master is `<dcos url>/mesos`, behind the same `Authorization: token=<jwt>`
  as Marathon; Admin Router always proxies to the leader.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .. import errors
from ..http import HttpOptions, Transport, decode_json, httpx, short_text  # httpx through avictl.http: see there

RUNNING_TASK_STATES = frozenset({"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING"})
PID = re.compile(r"^[^@]+@(?P<host>[^:]+):(?P<port>\d+)$")
MAX_REDIRECTS = 2


@dataclass
class Agent:
    """One Mesos agent as the leading master registers it."""

    id: str
    hostname: str
    address: str | None  # the IP of its pid (`slave(1)@10.0.1.10:5051`)
    active: bool
    cpus: float | None = None
    cpus_used: float | None = None
    mem: float | None = None  # MB
    mem_used: float | None = None
    version: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def names(self) -> set[str]:
        """What an SE on this agent may be known by: host name and address."""
        return {n for n in (self.hostname, self.address) if n}


@dataclass
class MasterState:
    """What the leading master says about itself and its agents."""

    url: str  # the master that answered (the leader, after any redirect)
    version: str | None
    pid: str | None
    leader: str | None
    hostname: str | None
    agents: list[Agent]
    redirected_from: str | None = None

    @property
    def active_agents(self) -> list[Agent]:
        return [a for a in self.agents if a.active]


class MesosClient:
    def __init__(self, url: str, opts: HttpOptions | None = None, token: str | None = None):
        self.url = url.rstrip("/")
        self.opts = opts or HttpOptions()
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"token={token}"
            self.opts.redactor.add(token)
        self.auth_kind = "token" if token else "none"
        self._transports: dict[str, Transport] = {}

    @classmethod
    def from_settings(cls, settings: Any, opts: HttpOptions | None = None) -> MesosClient:
        import os

        url = master_url(settings)
        if not url:
            raise errors.UsageError("no Mesos master URL configured",
                                    "set MESOS_MASTER_URL, or `avictl config set mesos http://HOST:5050`")
        return cls(url, opts, os.environ.get("DCOS_ACS_TOKEN") or None)

    def close(self) -> None:
        for t in self._transports.values():
            t.close()
        self._transports.clear()

    def _transport(self, base: str) -> Transport:
        if base not in self._transports:
            self._transports[base] = Transport(base, self.opts, name="Mesos master", headers=self.headers)
        return self._transports[base]

    # -- plumbing ---------------------------------------------------------------------------

    def _get(self, base: str, path: str, *, redirects: int = MAX_REDIRECTS) -> tuple[httpx.Response, str]:
        """GET `path` from `base`, following a master's 307 to its leader → (reply, base that answered)."""
        resp = self._transport(base).request("GET", path, redirects=True)
        if resp.is_redirect:
            target = leader_base(base, resp.headers.get("Location", ""))
            if not target or redirects <= 0:
                raise errors.RemoteError(f"Mesos master at {base}: {path}: redirected "
                                         f"{'too often' if target else 'to an unusable location'} "
                                         f"({self.opts.redactor.text(resp.headers.get('Location', '?'))})")
            return self._get(target, path, redirects=redirects - 1)
        return resp, base

    def _json(self, resp: httpx.Response, base: str, what: str) -> Any:
        status = resp.status_code
        if status < 400:
            return decode_json(resp, f"Mesos master at {base}: {what}")
        text = short_text(resp)
        if status in (401, 403):
            hint = ("the DC/OS token (DCOS_ACS_TOKEN) was refused; get a new one with `dcos auth login`"
                    if self.auth_kind == "token" else "this master needs credentials: set DCOS_ACS_TOKEN (DC/OS)")
            raise errors.AuthError(f"Mesos master at {base}: {what}: HTTP {status}" + (f" ({text})" if text else ""),
                                   hint)
        if status == 503:
            raise errors.RemoteError(f"Mesos master at {base}: {what}: HTTP 503 {text or 'Service Unavailable'}",
                                     "the masters have no elected leader (ZooKeeper quorum?); try again shortly",
                                     status=status)
        raise errors.RemoteError(f"Mesos master at {base}: {what}: HTTP {status}" + (f": {text}" if text else ""),
                                 status=status)

    def _state(self, base: str) -> tuple[dict[str, Any], str]:
        resp, answered = self._get(base, "/master/state")
        if resp.status_code == 404:  # before 0.25 only state.json exists
            resp, answered = self._get(base, "/master/state.json")
        data = self._json(resp, answered, "master state")
        if not isinstance(data, dict):
            raise errors.RemoteError(f"Mesos master at {answered}: master state: unexpected reply (not an object)")
        return data, answered

    # -- the operations ---------------------------------------------------------------------

    def state(self) -> MasterState:
        """The leading master's state, found through whichever master `url` names."""
        data, answered = self._state(self.url)
        leader, pid = data.get("leader"), data.get("pid")
        redirected_from = self.url if answered != self.url else None
        if isinstance(leader, str) and isinstance(pid, str) and leader != pid:
            # A 0.2x standby: its state is its own; ask it where the leader is.
            resp = self._transport(answered).request("GET", "/master/redirect", redirects=True)
            target = leader_base(answered, resp.headers.get("Location", "")) if resp.is_redirect else None
            if not target:
                target = base_from_pid(leader, answered)
            if not target or target == answered:
                raise errors.RemoteError(f"Mesos master at {answered} is not the leader ({leader}) and does not "
                                         "say how to reach it", "point the mesos setting at the leading master")
            redirected_from = redirected_from or answered
            data, answered = self._state(target)
        if not isinstance(data.get("slaves", []), list):
            raise errors.RemoteError(f"Mesos master at {answered}: master state: unexpected reply (slaves)")
        return MasterState(url=answered, version=_str(data.get("version")), pid=_str(data.get("pid")),
                           leader=_str(data.get("leader")), hostname=_str(data.get("hostname")),
                           agents=agents_of(data), redirected_from=redirected_from)

    def agents(self) -> list[Agent]:
        return self.state().agents

    def agent(self, id_or_host: str) -> Agent:
        """One agent by id, host name or address (exit 3 when none matches)."""
        agents = self.agents()
        for agent in agents:
            if id_or_host == agent.id or id_or_host in agent.names():
                return agent
        raise errors.NotFound(f"no Mesos agent {id_or_host!r}", "list them with `avictl node list`")


# -- plain helpers -------------------------------------------------------------------------


def master_url(settings: Any) -> str | None:
    """The configured master, else `<dcos url>/mesos` when Marathon is DC/OS's (`/service/marathon`)."""
    url = getattr(settings, "mesos", None)
    if url:
        return url.rstrip("/")
    marathon = (getattr(settings, "marathon", None) or "").rstrip("/")
    if marathon.endswith("/service/marathon"):
        return marathon[: -len("/service/marathon")] + "/mesos"
    return None


def leader_base(current: str, location: str) -> str | None:
    """The leader's base URL from a master's Location (`//host:port/...`, `http://host:port`).

    A protocol-relative location keeps the scheme of the request (RFC 7231 §7.1.2, as
    the master's own comment says); only the scheme, host and port are taken.
    """
    location = location.strip()
    if not location:
        return None
    if location.startswith("//"):
        location = f"{urlsplit(current).scheme}:{location}"
    parts = urlsplit(location)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def base_from_pid(pid: str, current: str) -> str | None:
    m = PID.match(pid or "")
    return f"{urlsplit(current).scheme}://{m['host']}:{m['port']}" if m else None


def agents_of(state: dict[str, Any]) -> list[Agent]:
    used_by_tasks = _used_by_tasks(state)
    agents = []
    for s in state.get("slaves") or []:
        if not isinstance(s, dict) or not isinstance(s.get("id"), str):
            continue
        res = s.get("resources") if isinstance(s.get("resources"), dict) else {}
        used = s.get("used_resources") if isinstance(s.get("used_resources"), dict) else None
        if used is None:
            used = used_by_tasks.get(s["id"], {"cpus": 0.0, "mem": 0.0})
        m = PID.match(str(s.get("pid") or ""))
        agents.append(Agent(id=s["id"], hostname=str(s.get("hostname") or ""), address=m["host"] if m else None,
                            active=bool(s.get("active", True)), cpus=_num(res.get("cpus")),
                            cpus_used=_num(used.get("cpus")), mem=_num(res.get("mem")), mem_used=_num(used.get("mem")),
                            version=_str(s.get("version")),
                            attributes=s.get("attributes") if isinstance(s.get("attributes"), dict) else {}))
    return agents


def _used_by_tasks(state: dict[str, Any]) -> dict[str, dict[str, float]]:
    """0.22 registers no `used_resources`: add up the live tasks of every framework per agent."""
    used: dict[str, dict[str, float]] = {}
    for fw in state.get("frameworks") or []:
        for task in (fw.get("tasks") or []) if isinstance(fw, dict) else []:
            if not isinstance(task, dict) or task.get("state") not in RUNNING_TASK_STATES:
                continue
            res = task.get("resources") if isinstance(task.get("resources"), dict) else {}
            slot = used.setdefault(str(task.get("slave_id")), {"cpus": 0.0, "mem": 0.0})
            for key in ("cpus", "mem"):
                slot[key] += _num(res.get(key)) or 0.0
    return used


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
