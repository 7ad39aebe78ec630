"""A stand-in for the Avi Controller REST API (HTTPS), with a Mesos cloud synced from Marathon.

Built to the facts in API-NOTES.md §Avi and tests/fixtures/avi/ (recorded 20.1 traffic):

- `POST /login` (form or JSON; password or user token) sets `csrftoken` plus the session
  cookie(s) of the emulated version: `sessionid` (17.2), `avi-sessionid` (18.2), both (20.1+).
- Writes need `X-CSRFToken` equal to the csrftoken cookie and a `Referer`, else a plain-text
  401 "CSRF token missing or incorrect." (as recorded). Idle or expired sessions → 401.
- Replies take the shape of the `X-Avi-Version` sent (16.4.3 when absent): VIP as top-level
  `ip_address` (<17.1), inline `vip[]` + `vsvip_ref` (17.1–18.2) or only `vsvip_ref` (20.1+).
- Collections page like the controller: `page` 1-based, `page_size` 1–200 (default 25),
  `count`, `next`; filters `name`, `name.contains`, `cloud_ref.name`, `fields`, `include_name`,
  `sort`, `join_subresources=runtime`; `X-Avi-Tenant: *` reads every tenant.
- The Mesos cloud: each Marathon app becomes a pool `<vs>-pool-<containerPort>` of its tasks
  and, per container port, a VS on that pool (named after the app; `<name>-<containerPort>` for
  the ports after the first) listening on the port's service (or container) port; a VS is up
  while its pool has a task up.

Admin hooks (besides LabServer's): `POST /_lab/expire` (end every session, or
`{"session": id}`), `POST /_lab/seed {"count": N, ...}` (synthetic VSs for scale),
`POST /_lab/sync` (read Marathon now), `GET /_lab/sessions`, `POST /_lab/config`
(`{"idle_timeout": seconds}`).
"""

from .model import DEFAULT_PASSWORD, DEFAULT_USER, version_tuple
from .naming import app_ports
from .server import AviLab

__all__ = ["AviLab", "app_ports", "version_tuple", "DEFAULT_USER", "DEFAULT_PASSWORD"]
