"""The lab's CloudFormation: a front on moto's server that answers CloudFormation itself.

moto 5.x's CloudFormation is not the service an operator meets (read in moto's
`cloudformation/responses.py`, `models.py`, `parsing.py` and tried): a stack is complete before
CreateStack returns and has no per-resource events; a failing resource makes CreateStack
itself fail and leaves a half-made stack; ValidateTemplate runs cfn-lint (refusing unused
parameters) and answers `Parameters: []`; a malformed body is a 500 page on CreateStack (and a
400 "Stack with id <cfn-lint message> does not exist" on ValidateTemplate); unknown
parameters, AllowedValues and the 51,200-byte TemplateBody limit are ignored; an instance's
`SecurityGroupIds` and a classic ELB's `Subnets` are dropped (5.2.6 keeps its `SecurityGroups`).

So this front takes every request of the AWS endpoint the lab hands out: CloudFormation
requests (query protocol, service `cloudformation` in the SigV4 scope) are answered here, the
rest are passed to moto unchanged. Stacks behave like the service (botocore's cloudformation
2010-05-15 model gives every shape; messages are the service's own):

- ValidateTemplate → Description, Parameters (TemplateParameter), Capabilities;
  GetTemplateSummary → ParameterDeclaration with ParameterType and AllowedValues;
- CreateStack returns at once with the StackId; the stack then goes CREATE_IN_PROGRESS and
  makes its resources wave by wave in dependency order (independent ones together), each
  with CREATE_IN_PROGRESS, CREATE_IN_PROGRESS "Resource creation Initiated", CREATE_COMPLETE
  events, `resource_seconds` per wave — through moto's EC2/ELB APIs (cfn_resources.py);
- a resource that fails is CREATE_FAILED with the API's reason, the others of its wave
  "Resource creation cancelled", then (OnFailure ROLLBACK, the default) ROLLBACK_IN_PROGRESS
  "The following resource(s) failed to create: [A, B]. . Rollback requested by user.", every
  made resource deleted, ROLLBACK_COMPLETE; DELETE deletes the stack; DO_NOTHING stops at
  CREATE_FAILED;
- an existing name is AlreadyExistsException "Stack [NAME] already exists"; a missing stack
  ValidationError "Stack with id NAME does not exist"; DeleteStack of a missing stack
  succeeds (as the service does); a deleted stack is found by its id, and in ListStacks;
- TemplateBody over 51,200 bytes, parameters (unknown, missing, AllowedValues ...) and
  template errors are ValidationError 400, never a 500 page.

Admin (LabServer's, plus): `POST /_lab/cloudformation {"resource_seconds": S, "addresses": [IP, ...]}`.
Stdlib, botocore (the model and clients to moto) and PyYAML only: no product code.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any
from urllib.parse import parse_qs

from . import cfn_template as tpl
from .base import LabServer, Request, Response
from .cfn_wire import ServiceError, parse_query, render_error, render_result

BODY_LIMIT = 51_200
ACCOUNT = "123456789012"
NAME_RE = r"[a-zA-Z][-a-zA-Z0-9]*"
_CLIENTS: dict[tuple[str, str], dict[str, Any]] = {}
_CLIENTS_LOCK = threading.Lock()


class Stack:
    def __init__(self, name: str, region: str, body: str, template: dict[str, Any], params: dict[str, str],
                 request: dict[str, Any]):
        self.name = name
        self.id = f"arn:aws:cloudformation:{region}:{ACCOUNT}:stack/{name}/{uuid.uuid4()}"
        self.body = body
        self.template = template
        self.params = params
        self.status = "CREATE_IN_PROGRESS"
        self.reason: str | None = None
        self.created = time.time()
        self.deleted: float | None = None
        self.updated: float | None = None
        self.capabilities = list(request.get("Capabilities") or [])
        self.tags = list(request.get("Tags") or [])
        self.on_failure = request.get("OnFailure") or ("DO_NOTHING" if str(request.get("DisableRollback")).lower()
                                                       == "true" else "ROLLBACK")
        self.events: list[dict[str, Any]] = []
        self.resources: dict[str, dict[str, Any]] = {}  # logical id → type, physical, status, attrs
        self.outputs: list[dict[str, Any]] = []

    def no_echo(self) -> set[str]:
        return {k for k, d in (self.template.get("Parameters") or {}).items()
                if str(d.get("NoEcho", "false")).lower() == "true"}


class CloudFormationFront(LabServer):
    name = "cloudformation"

    def __init__(self, moto_url: str, region: str = "us-east-1", *, resource_seconds: float = 0.2,
                 addresses: list[str] | None = None, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        # Public IPv4 addresses AWS::EC2::EIP resources get, in turn (then moto's random ones): the
        # lab hands out the loopback address its stand-ins of the master's processes listen on.
        self.addresses = list(addresses or [])
        self.moto_url = moto_url.rstrip("/")
        self.region = region
        self.resource_seconds = resource_seconds
        self.stacks: dict[str, Stack] = {}
        self.gone: list[Stack] = []

    # -- plumbing --------------------------------------------------------------------------

    def reset_state(self) -> None:
        with self.lock:
            self.stacks.clear()
            self.gone.clear()

    def admin_extra(self, what: str, req: Request) -> Response:
        if what == "cloudformation" and req.method == "POST":
            body = req.json() or {}
            if "resource_seconds" in body:
                self.resource_seconds = float(body["resource_seconds"])
            if "addresses" in body:
                self.addresses[:] = [str(a) for a in body["addresses"]]
            return Response.json({"resource_seconds": self.resource_seconds, "addresses": self.addresses})
        return super().admin_extra(what, req)

    def actions(self) -> list[str]:
        """The CloudFormation actions received so far, in order (tests: what a command sent)."""
        out = []
        for r in self.sent("POST"):
            if _service(r["headers"]) == "cloudformation":
                out.extend(parse_qs(r["body"]).get("Action", []))
        return out

    def clients(self) -> dict[str, Any]:
        """boto3 clients straight to moto, made once per process (each costs a fraction of a second)."""
        key = (self.moto_url, self.region)
        with _CLIENTS_LOCK:
            if key not in _CLIENTS:
                import boto3

                session = boto3.session.Session(aws_access_key_id="lab", aws_secret_access_key="lab",
                                                region_name=self.region)
                _CLIENTS[key] = {s: session.client(s, endpoint_url=self.moto_url) for s in ("ec2", "elb")}
            return _CLIENTS[key]

    def warm_up(self) -> None:
        """moto loads its EC2 data on the first EC2 call (seconds): make that call now."""
        try:
            self.clients()["ec2"].describe_availability_zones()
        except Exception:  # the first stack will report any real problem
            pass

    def handle(self, req: Request) -> Response:
        if _service(req.headers) != "cloudformation":
            return self._forward(req)
        params = parse_query(req.body.decode("utf-8", "replace"))
        action = params.get("Action", "")
        try:
            handler = getattr(self, f"op_{action}", None)
            if handler is None:
                raise ServiceError("InvalidAction", f"The action {action} is not valid for this web service.")
            with self.lock:
                result = handler(params)
            return render_result(action, result)
        except ServiceError as exc:
            return render_error(exc)
        except tpl.TemplateError as exc:
            return render_error(ServiceError("ValidationError", str(exc)))

    def _forward(self, req: Request) -> Response:
        import http.client
        from urllib.parse import urlencode, urlsplit

        target = urlsplit(self.moto_url)
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        path = req.path + (f"?{urlencode(req.query, doseq=True)}" if req.query else "")
        headers = {k: v for k, v in req.headers.items() if k not in ("connection", "keep-alive")}
        try:
            conn.request(req.method, path, body=req.body or None, headers=headers)
            reply = conn.getresponse()
            body = reply.read()
            skip = ("content-length", "transfer-encoding", "connection", "server", "date")
            return Response(reply.status, body, [(k, v) for k, v in reply.getheaders() if k.lower() not in skip])
        finally:
            conn.close()

    # -- finding stacks --------------------------------------------------------------------

    def _stack(self, name_or_id: str, *, deleted: bool = False) -> Stack:
        stack = self.stacks.get(name_or_id) or next((s for s in self.stacks.values() if s.id == name_or_id), None)
        if stack is None and deleted:
            stack = next((s for s in self.gone if s.id == name_or_id), None)
        if stack is None:
            raise ServiceError("ValidationError", f"Stack with id {name_or_id} does not exist")
        return stack

    def _body(self, params: dict[str, Any]) -> str:
        body, url = params.get("TemplateBody"), params.get("TemplateURL")
        if body is None and url is None:
            raise ServiceError("ValidationError", "Either Template URL or Template Body must be specified.")
        if body is None:
            raise ServiceError("ValidationError", f"TemplateURL must be a supported URL: the lab has no S3 template "
                                                  f"at {url}")
        if len(body.encode()) > BODY_LIMIT:
            raise ServiceError("ValidationError", "1 validation error detected: Value at 'templateBody' failed to "
                                                  f"satisfy constraint: Member must have length less than or equal "
                                                  f"to {BODY_LIMIT}")
        return body

    # -- operations ------------------------------------------------------------------------

    def op_ValidateTemplate(self, params: dict[str, Any]) -> dict[str, Any]:
        template = tpl.parse(self._body(params))
        decls = tpl.declarations(template)
        caps = tpl.capabilities(template)
        return {"Description": template.get("Description"), "Capabilities": caps,
                "CapabilitiesReason": "The following resource(s) require capabilities: [AWS::IAM::*]" if caps else None,
                "Parameters": [{"ParameterKey": d["ParameterKey"], "DefaultValue": d.get("DefaultValue"),
                                "NoEcho": d["NoEcho"], "Description": d.get("Description")} for d in decls],
                "DeclaredTransforms": []}

    def op_GetTemplateSummary(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("StackName"):
            template = self._stack(params["StackName"], deleted=True).template
        else:
            template = tpl.parse(self._body(params))
        types = [str(r["Type"]) for r in template["Resources"].values()]
        return {"Parameters": tpl.declarations(template), "Description": template.get("Description"),
                "Capabilities": tpl.capabilities(template), "ResourceTypes": list(dict.fromkeys(types)),
                "Version": template.get("AWSTemplateFormatVersion"), "DeclaredTransforms": [],
                "ResourceIdentifierSummaries": [{"ResourceType": t, "LogicalResourceIds": [
                    k for k, r in template["Resources"].items() if r["Type"] == t]} for t in dict.fromkeys(types)]}

    def op_CreateStack(self, params: dict[str, Any]) -> dict[str, Any]:
        import re

        name = str(params.get("StackName") or "")
        if not re.fullmatch(NAME_RE, name) or len(name) > 128:
            raise ServiceError("ValidationError", f"1 validation error detected: Value '{name}' at 'stackName' "
                                                  "failed to satisfy constraint: Member must satisfy regular "
                                                  f"expression pattern: {NAME_RE}")
        if name in self.stacks:
            raise ServiceError("AlreadyExistsException", f"Stack [{name}] already exists")
        body = self._body(params)
        template = tpl.parse(body)
        missing_caps = [c for c in tpl.capabilities(template) if c not in (params.get("Capabilities") or [])
                        and "CAPABILITY_NAMED_IAM" not in (params.get("Capabilities") or [])]
        if missing_caps:
            raise ServiceError("InsufficientCapabilitiesException", f"Requires capabilities : [{missing_caps[0]}]")
        given = {p["ParameterKey"]: str(p.get("ParameterValue", "")) for p in params.get("Parameters") or []}
        values = tpl.resolve_parameters(template, given)
        stack = Stack(name, self.region, body, template, values, params)
        self.stacks[name] = stack
        self._event(stack, stack.name, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated",
                    physical=stack.id)
        from .cfn_engine import create

        threading.Thread(target=create, args=(self, stack), name=f"cfn-{name}", daemon=True).start()
        return {"StackId": stack.id}

    def op_DeleteStack(self, params: dict[str, Any]) -> dict[str, Any] | None:
        try:
            stack = self._stack(str(params.get("StackName")))
        except ServiceError:
            return None  # the service answers a missing stack's deletion with success
        if stack.status == "DELETE_IN_PROGRESS":
            return None
        stack.status, stack.reason = "DELETE_IN_PROGRESS", "User Initiated"
        self._event(stack, stack.name, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated",
                    physical=stack.id)
        from .cfn_engine import delete

        threading.Thread(target=delete, args=(self, stack), name=f"cfn-delete-{stack.name}", daemon=True).start()
        return None

    def op_DescribeStacks(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("StackName"):
            stacks = [self._stack(params["StackName"], deleted=True)]
        else:
            stacks = list(self.stacks.values())
        return {"Stacks": [self._describe(s) for s in stacks]}

    def _describe(self, s: Stack) -> dict[str, Any]:
        hidden = s.no_echo()
        out: dict[str, Any] = {
            "StackId": s.id, "StackName": s.name, "Description": s.template.get("Description"),
            "Parameters": [{"ParameterKey": k, "ParameterValue": "****" if k in hidden else v}
                           for k, v in s.params.items()],
            "CreationTime": s.created, "StackStatus": s.status, "StackStatusReason": s.reason,
            "DisableRollback": s.on_failure != "ROLLBACK", "Capabilities": s.capabilities, "Tags": s.tags,
            "Outputs": s.outputs if s.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE") else [],
            "EnableTerminationProtection": False,
        }
        if s.deleted:
            out["DeletionTime"] = s.deleted
        return out

    def op_ListStacks(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = set(params.get("StackStatusFilter") or [])
        stacks = sorted([*self.stacks.values(), *self.gone], key=lambda s: s.created, reverse=True)
        return {"StackSummaries": [
            {"StackId": s.id, "StackName": s.name, "TemplateDescription": s.template.get("Description"),
             "CreationTime": s.created, "DeletionTime": s.deleted, "StackStatus": s.status,
             "StackStatusReason": s.reason} for s in stacks if not wanted or s.status in wanted]}

    def op_DescribeStackEvents(self, params: dict[str, Any]) -> dict[str, Any]:
        stack = self._stack(str(params.get("StackName")), deleted=True)
        events = list(reversed(stack.events))
        start = int(params.get("NextToken") or 0)
        page = events[start:start + 100]
        return {"StackEvents": page, "NextToken": str(start + 100) if start + 100 < len(events) else None}

    def op_DescribeStackResources(self, params: dict[str, Any]) -> dict[str, Any]:
        stack = self._stack(str(params.get("StackName")), deleted=True)
        return {"StackResources": [
            {"StackName": stack.name, "StackId": stack.id, "LogicalResourceId": lid,
             "PhysicalResourceId": r.get("physical"), "ResourceType": r["type"], "Timestamp": r["time"],
             "ResourceStatus": r["status"], "ResourceStatusReason": r.get("reason")}
            for lid, r in stack.resources.items() if not params.get("LogicalResourceId")
            or lid == params["LogicalResourceId"]]}

    def op_GetTemplate(self, params: dict[str, Any]) -> dict[str, Any]:
        stack = self._stack(str(params.get("StackName")), deleted=True)
        return {"TemplateBody": stack.body, "StagesAvailable": ["Original", "Processed"]}

    # -- events (called by the engine under no lock) ----------------------------------------

    def _event(self, stack: Stack, logical_id: str, rtype: str, status: str, reason: str | None = None,
               physical: str | None = None, properties: str | None = None) -> None:
        with self.lock:
            now = time.time()
            stack.events.append({
                "StackId": stack.id, "EventId": f"{logical_id}-{status}-{uuid.uuid4()}" if logical_id != stack.name
                else str(uuid.uuid4()), "StackName": stack.name, "LogicalResourceId": logical_id,
                "PhysicalResourceId": physical if physical is not None else "", "ResourceType": rtype,
                "Timestamp": now, "ResourceStatus": status, "ResourceStatusReason": reason,
                "ResourceProperties": properties})
            if logical_id == stack.name:
                stack.status, stack.reason = status, reason
                if status == "DELETE_COMPLETE":
                    stack.deleted = now
                    self.stacks.pop(stack.name, None)
                    self.gone.append(stack)
            else:
                res = stack.resources.setdefault(logical_id, {"type": rtype})
                res.update(status=status, reason=reason, time=now)
                if physical:
                    res["physical"] = physical


def _service(headers: dict[str, str]) -> str:
    """The service of a SigV4-signed request: `Credential=KEY/DATE/REGION/SERVICE/aws4_request`."""
    auth = headers.get("authorization") or ""
    try:
        return auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")[3]
    except IndexError:
        return ""
