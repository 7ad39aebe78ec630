"""VIP addresses of a virtual service, whatever the controller version's layout.

- ≤16.x: top-level `ip_address{addr,type}` (and `ip6_address`);
- 17.1–18.2: inline `vip[{vip_id, ip_address, floating_ip, ...}]` plus `vsvip_ref`;
- 20.1+: only `vsvip_ref`; the addresses are in `GET /api/vsvip/<uuid>` → `vip[]`.
"""

from __future__ import annotations

from typing import Any


VIP_ADDRESS_KEYS = ("ip_address", "ip6_address", "floating_ip", "floating_ip6")


def addresses_of_vips(vips: list[dict[str, Any]] | None) -> list[str]:
    out: list[str] = []
    for vip in vips or []:
        for key in VIP_ADDRESS_KEYS:
            address = vip.get(key)
            if address:
                addr = address.get("addr")
                if addr and addr not in out:
                    out.append(addr)
    return out


def inline_addresses(vs: dict[str, Any]) -> list[str] | None:
    """The VIPs a VS carries itself (layouts ≤16.x and 17.1–18.2), or None if only `vsvip_ref` has them."""
    if vs.get("vip"):
        return addresses_of_vips(vs["vip"])
    addrs = [a["addr"] for a in (vs.get("ip_address"), vs.get("ip6_address")) if isinstance(a, dict) and a.get("addr")]
    if addrs:
        return addrs
    return None


def ref_uuid(ref: str | None) -> str | None:
    """'https://ctl/api/vsvip/vsvip-1234#name' → 'vsvip-1234'."""
    if not ref:
        return None
    return ref.partition("#")[0].rstrip("/").rpartition("/")[2] or None


def ref_label(ref: str | None) -> str | None:
    """The `#name` of a reference read with include_name, else its uuid (`vs list` calls it per field)."""
    if not ref:
        return None
    head, _, tail = ref.partition("#")
    return tail or head.rstrip("/").rpartition("/")[2] or None


def ref_name(ref: str | None) -> str | None:
    """The `#name` part of a reference fetched with include_name, else None."""
    if not ref or "#" not in ref:
        return None
    return ref.split("#", 1)[1] or None
