"""CloudFormation's wire format (the AWS query protocol) for the lab's front.

Requests are form-encoded `Action=...&Version=2010-05-15&Parameters.member.1.ParameterKey=...`;
replies are XML `<ActionResponse xmlns=...><ActionResult>...</ActionResult><ResponseMetadata>
<RequestId/></ResponseMetadata></ActionResponse>` shaped by botocore's cloudformation model
(lists as `<member>`, timestamps ISO 8601, booleans `true`/`false`); errors are
`<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`
with status 400.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from .base import Response

NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
_MODEL: Any = None


class ServiceError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def model() -> Any:
    global _MODEL
    if _MODEL is None:
        import botocore.session

        _MODEL = botocore.session.get_session().get_service_model("cloudformation")
    return _MODEL


def parse_query(body: str) -> dict[str, Any]:
    """Form fields → nested data: `A.member.2.B=x` → {"A": [_, {"B": "x"}]}."""
    root: dict[Any, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = [int(p) if p.isdigit() else p for p in key.split(".") if p != "member"]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_lists(node[k]) for k in sorted(node)]
        return {k: _lists(v) for k, v in node.items()}
    return node


def _xml(shape: Any, value: Any, name: str) -> str:
    if value is None:
        return ""
    kind = shape.type_name
    if kind == "structure":
        inner = "".join(_xml(m, value.get(k), m.serialization.get("name", k)) for k, m in shape.members.items())
    elif kind == "list":
        inner = "".join(_xml(shape.member, v, "member") for v in value)
    elif kind == "map":
        inner = "".join(f"<entry>{_xml(shape.key, k, 'key')}{_xml(shape.value, v, 'value')}</entry>"
                        for k, v in value.items())
    elif kind == "timestamp":
        when = dt.datetime.fromtimestamp(value, dt.timezone.utc) if isinstance(value, (int, float)) else value
        inner = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    elif kind == "boolean":
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{name}>{inner}</{name}>"


def render_result(action: str, result: dict[str, Any] | None) -> Response:
    op = model().operation_model(action)
    inner = ""
    if op.output_shape is not None:
        wrapper = op.output_shape.serialization.get("resultWrapper", f"{action}Result")
        inner = _xml(op.output_shape, result or {}, wrapper)
    body = (f'<{action}Response xmlns="{NAMESPACE}">{inner}<ResponseMetadata><RequestId>{uuid.uuid4()}'
            f"</RequestId></ResponseMetadata></{action}Response>")
    return Response(200, body.encode(), [("Content-Type", "text/xml")])


def render_error(exc: ServiceError) -> Response:
    body = (f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type><Code>{escape(exc.code)}</Code>'
            f"<Message>{escape(exc.message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
    return Response(exc.status, body.encode(), [("Content-Type", "text/xml")])
