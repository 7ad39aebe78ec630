"""The load balancer health check values a user may choose, checked in one place.

`elb retarget`, `deploy` and the retarget planner all take a health check protocol; this is
the one rule for it (a classic ELB takes all four; ELBv2 narrows it further when planning).
"""

from __future__ import annotations

from ..errors import InvalidValue

HEALTH_CHECK_PROTOCOLS = ("HTTP", "HTTPS", "TCP", "SSL")


def health_check_protocol(value: str) -> str:
    """The protocol in upper case; InvalidValue (exit 2) when it is not one of HEALTH_CHECK_PROTOCOLS."""
    protocol = str(value).strip().upper()
    if protocol not in HEALTH_CHECK_PROTOCOLS:
        raise InvalidValue("health check protocol",
                           f"must be one of {', '.join(HEALTH_CHECK_PROTOCOLS)}, not {value!r}")
    return protocol
