"""A Marathon stand-in for the lab and the tests (stdlib only), in 0.9, 1.4 or 1.5 flavour.

What it does, after API-NOTES.md §Marathon and tests/fixtures/marathon/:

- `POST /v2/apps` wants `Content-Type: application/json` (else 415); fills the defaults
  (instances 1, cpus 1, mem 128, ports [0]); answers 201 with the app — service ports still
  0 — plus `deployments: [{"id"}]` and, from 1.4, a `Marathon-Deployment-Id` header; the
  service ports (10000+) appear in a later GET. 409 when the app exists, 409 with
  `deployments[]` when a change hits an app locked by a deployment (`?force=true` overrides).
- Deployments take `deploy_seconds`; tasks start half-way on two agents (10.0.1.10 and
  10.0.1.11) with host ports 31000+, and become healthy at the end when the app has
  health checks. An app whose label `LAB_CRASH` is set, or whose `cmd` contains
  `exit N` (N ≠ 0), crash-loops: its tasks fail again and again, `lastTaskFailure`
  says why, and its deployment never finishes — as on a real Marathon.
- `GET /v2/events` streams server-sent events: 0.9 sends `data:` lines only, 1.x adds
  `event: <type>` and honours `?event_type=`; blank-line heartbeats; CRLF line ends for 1.x.
- Errors in each version's shape: 0.9 `{"message", "errors": [{"attribute", "error"}]}`,
  1.x `{"message": "Object is not valid", "details": [{"path", "errors"}]}` (422 from 1.5).
- Optional auth: HTTP basic (`auth=("basic", user, pw)`) or DC/OS (`auth=("token", jwt)`),
  answered with an HTML 401 page like Jetty or the DC/OS admin router does.

Run alone: `python -m avictl.lab.marathon --port 8080 [--version 0.9.0]`.
"""

from .server import MarathonLab, main

__all__ = ["MarathonLab", "main"]
