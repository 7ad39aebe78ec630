"""Marathon app definitions (the seed's Docker.json): ids, parsing, rules, overrides, ports, diff.

Validation runs before any request so a bad file costs nothing and says where it is wrong
(line and column).

- `app_id`    — `AppId`, the id rule (`check_app_id`)
- `parse`     — `load_app_definition`: bytes → a checked definition
- `rules`     — `check_app_definition`: the schema rules, problems tied to JSON paths
- `location`  — line and column of a JSON path in the text
- `overrides` — `apply_overrides`: `KEY=VALUE` edits
- `ports`     — port mappings, network mode, container and service ports
- `diff`      — `diff_app`: the fields a definition would change on a running app
"""

from __future__ import annotations

from .app_id import AppId, check_app_id
from .diff import canonical, definition_of, diff_app
from .overrides import apply_overrides
from .parse import load_app_definition
from .ports import container_ports, network_mode, port_mappings, service_ports
from .rules import KNOWN_KEYS, MAX_INSTANCES, READ_ONLY_KEYS, check_app_definition

__all__ = ["AppId", "KNOWN_KEYS", "MAX_INSTANCES", "READ_ONLY_KEYS", "apply_overrides", "canonical",
           "check_app_definition", "check_app_id", "container_ports", "definition_of", "diff_app", "load_app_definition",
           "network_mode", "port_mappings", "service_ports"]

