"""The lab carries traffic (SPEC.md §11): tasks answer HTTP, SEs and the ELB front forward to them.

- `net`: an address per lab agent on loopback (127.0.N.2, 127.0.N.3, ...), or ports on
  127.0.0.1 where only that address binds;
- `reactor`: one accepting thread for every listening socket, pools that answer;
- `tasks`: a small HTTP server per running Marathon task (the Marathon stand-in starts and
  stops them with the tasks);
- `se`: the Service Engine on each agent (driven by the Avi stand-in's objects);
- `front`: the ELB front on 127.0.0.1, following the listeners and health check moto holds.

`Traffic` bundles the network and the reactor that the three share.
"""

from __future__ import annotations

from .net import Network
from .reactor import Reactor


class Traffic:
    """The network and reactor the stand-ins of one lab share; `stop()` closes every socket."""

    def __init__(self, agents: int = 2, *, aliases: bool | None = None):
        self.net = Network(agents, aliases=aliases)
        self.reactor = Reactor()

    @property
    def agents(self) -> list[str]:
        return self.net.agents

    def stop(self) -> None:
        self.reactor.stop()
        self.net.close()


__all__ = ["Traffic", "Network", "Reactor"]
