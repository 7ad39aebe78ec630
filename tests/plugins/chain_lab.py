"""The whole chain of SPEC.md §10 in this process: Marathon, a Mesos master, the controller, AWS.

`chain(marathon=..., mesos=..., avi=...)` starts a Marathon stand-in, a Mesos master stand-in
whose agents are the Marathon stand-in's agents, an Avi stand-in whose Mesos cloud reads both
(one Service Engine per active agent), over moto's AWS world. It returns the servers, the
world and `env` (every setting of a user pointing at all four). Test modules import it:
`from plugins.chain_lab import chain  # noqa: F401`.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest


def lab_post(server: Any, what: str, body: Any, ca: str | None = None) -> Any:
    """POST to a stand-in's admin hook `/_lab/<what>` (`ca`: the lab CA, for the HTTPS controller)."""
    req = urllib.request.Request(f"{server.url}/_lab/{what}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    ctx = None
    if server.url.startswith("https"):
        import ssl

        ctx = ssl.create_default_context(cafile=ca)
    with urllib.request.urlopen(req, timeout=10, context=ctx) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def agent_hosts() -> list[str]:
    from avictl.lab import marathon

    agents = getattr(marathon, "AGENTS", None)
    if agents is None:
        from avictl.lab.marathon import model

        agents = model.AGENTS
    return [a[0] if isinstance(a, (tuple, list)) else a for a in agents]


@pytest.fixture
def chain(lab_tls: dict[str, str], aws_world: dict[str, Any]):
    from avictl.lab.avi import AviLab
    from avictl.lab.marathon import MarathonLab
    from avictl.lab.mesos import MesosLab
    from avictl.lab.tls import server_context

    started: list[Any] = []

    def make(marathon: str = "1.5.0", mesos: str = "1.4.0", avi: str = "22.1.3", **avi_kw: Any) -> dict[str, Any]:
        m = MarathonLab(marathon, deploy_seconds=0.3).start()
        started.append(m)
        master = MesosLab(mesos, [{"hostname": h} for h in agent_hosts()], marathon_url=m.url).start()
        started.append(master)
        controller = AviLab(m.url, avi, tls=server_context(lab_tls["cert"], lab_tls["key"]), sync_interval=0.1,
                            mesos_url=master.url, **avi_kw).start()
        started.append(controller)
        env = {
            **aws_world["env"],
            "MARATHON_URL": m.url,
            "MESOS_MASTER_URL": master.url,
            "AVI_CONTROLLER": controller.url,
            "AVI_USERNAME": controller.username,
            "AVI_PASSWORD": controller.password,
            "AVI_CA_BUNDLE": lab_tls["ca"],
            "AVICTL_ELB": aws_world["elb_name"],
        }
        return {"marathon": m, "mesos": master, "avi": controller, "world": aws_world, "env": env,
                "hosts": agent_hosts(), "ca": lab_tls["ca"]}

    yield make
    for server in reversed(started):
        try:
            server.stop()
        except Exception:
            pass


def wait_for(predicate: Any, timeout: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not hold within {timeout} s")
