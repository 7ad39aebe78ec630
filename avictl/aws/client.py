"""AWS through boto3: classic ELB, ELBv2 (ALB/NLB), EC2 security groups, CloudFormation.

boto3 costs a few hundred milliseconds to import and each client more to create, so both
happen only when a command first needs a service. Every botocore failure leaves this module
as one avictl error with the AWS error code and message in its own words (SPEC.md §5).

Load balancers come back as plain dicts of one shape for classic and v2 (see `_classic`
and `_v2`), which is also their `-o json` form.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import AuthError, AvictlError, Conflict, ConnectError, NotFound, RemoteError, UsageError

NOT_FOUND_CODES = frozenset({
    "LoadBalancerNotFound", "AccessPointNotFound", "ListenerNotFound", "TargetGroupNotFound",
    "InvalidGroup.NotFound", "InvalidInstanceID.NotFound", "CertificateNotFound",
})
AUTH_CODES = frozenset({
    "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "AccessDenied", "AccessDeniedException",
    "UnauthorizedOperation", "AuthFailure", "SignatureDoesNotMatch", "UnrecognizedClientException",
    "InvalidAccessKeyId", "RequestExpired",
})
CONFLICT_CODES = frozenset({
    "DuplicateListener", "DuplicateLoadBalancerName", "DuplicateTargetGroupName", "InvalidPermission.Duplicate",
    "ResourceInUse",
})
USAGE_CODES = frozenset({"ValidationError", "InvalidConfigurationRequest", "InvalidParameterValue",
                         "InvalidParameterCombination", "InvalidParameter"})

CREDENTIALS_HINT = ("set AWS_PROFILE (a profile of ~/.aws/config), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                    "or run where an instance role is available; `aws sts get-caller-identity` checks the chain")
EXPIRED_HINT = "refresh the credentials (e.g. `aws sso login`, or new keys) and retry"


class AwsClient:
    """One AWS session for one invocation; service clients are created on first use."""

    def __init__(self, *, profile: str | None = None, region: str | None = None, endpoint_url: str | None = None,
                 timeout: float = 30.0, max_attempts: int = 4, log: Callable[[str], None] | None = None,
                 verbose: bool = False, debug: bool = False):
        self.profile = profile or None
        self.region = region or None
        self.endpoint_url = endpoint_url or None
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.log = log
        self.verbose = verbose
        self.debug = debug
        self._session: Any = None
        self._clients: dict[str, Any] = {}

    @classmethod
    def from_settings(cls, settings: Any, log: Callable[[str], None] | None = None, verbose: bool = False,
                      **kwargs: Any) -> AwsClient:
        """Client for the resolved settings (aws_profile, aws_region, aws_endpoint_url, timeout)."""
        return cls(profile=getattr(settings, "aws_profile", None), region=getattr(settings, "aws_region", None),
                   endpoint_url=getattr(settings, "aws_endpoint_url", None),
                   timeout=float(getattr(settings, "timeout", None) or 30.0), log=log, verbose=verbose, **kwargs)

    # -- sessions and clients ----------------------------------------------------------

    def client(self, service: str) -> Any:
        """The boto3 client of `service` ("elb", "elbv2", "ec2", "cloudformation", "sts"), created once."""
        if service in self._clients:
            return self._clients[service]
        with translate_errors():
            import boto3
            from botocore.config import Config

            if self._session is None:
                self._session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
                if _loopback(self.endpoint_url) and self._session.get_credentials() is None:
                    # A local endpoint (`avictl lab`, moto) takes any keys; AWS itself is never loopback.
                    self._session = boto3.session.Session(aws_access_key_id="lab", aws_secret_access_key="lab",
                                                          region_name=self._session.region_name or self.region)
            config = Config(retries={"mode": "standard", "max_attempts": self.max_attempts},
                            connect_timeout=self.timeout, read_timeout=self.timeout,
                            user_agent_extra="avictl")
            if not self._session.region_name:
                raise UsageError("no AWS region configured",
                                 "set AWS_REGION, `avictl config set aws_region REGION`, or a region in the AWS profile")
            client = self._session.client(service, endpoint_url=self.endpoint_url, config=config)
        if self.log:
            self._hook_logging(client)
        self._clients[service] = client
        return client

    @property
    def region_name(self) -> str | None:
        if self._session is not None:
            return self._session.region_name
        return self.region

    def _hook_logging(self, client: Any) -> None:
        started: dict[str, float] = {}
        service = client.meta.service_model.service_name

        def before(model: Any = None, **_: Any) -> None:
            started[model.name] = time.monotonic()

        def after(model: Any = None, http_response: Any = None, **_: Any) -> None:
            status = getattr(http_response, "status_code", "?")
            elapsed = time.monotonic() - started.pop(model.name, time.monotonic())
            self.log(f"AWS {service} {model.name} → {status} ({elapsed * 1000:.0f} ms)")

        def params(model: Any = None, params: Any = None, **_: Any) -> None:
            if self.debug and params:  # request parameters; AWS credentials are never part of them
                self.log(f"AWS {service} {model.name} params: {params.get('body') or params.get('query_string')}")

        client.meta.events.register("before-call", before)
        client.meta.events.register("before-call", params)
        client.meta.events.register("after-call", after)

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call one API operation (snake_case name) with error translation."""
        client = self.client(service)
        with translate_errors():
            return getattr(client, operation)(**params)

    def paginate(self, service: str, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Items under `key` of every page of `operation`."""
        client = self.client(service)
        with translate_errors():
            for page in client.get_paginator(operation).paginate(**params):
                yield from page.get(key, [])

    # -- load balancers ----------------------------------------------------------------

    def load_balancer(self, name: str, health: bool = True) -> dict[str, Any]:
        """The classic or v2 load balancer called `name` (NotFound exit 3 when neither exists)."""
        try:
            desc = self.call("elb", "describe_load_balancers", LoadBalancerNames=[name])["LoadBalancerDescriptions"]
        except NotFound:
            desc = []
        if desc:
            return self._classic(desc[0], health=health)
        try:
            lbs = self.call("elbv2", "describe_load_balancers", Names=[name])["LoadBalancers"]
        except (NotFound, UsageError):  # v2 rejects names that break its rules with ValidationError
            lbs = []
        if lbs:
            return self._v2(lbs[0], health=health)
        raise NotFound(f"load balancer {name!r} not found (classic or v2) in region {self.region_name}",
                       "`avictl elb list` shows the load balancers of this region")

    def list_load_balancers(self, health: bool = True) -> Iterator[dict[str, Any]]:
        """Every classic, then every v2, load balancer of the region."""
        for desc in self.paginate("elb", "describe_load_balancers", "LoadBalancerDescriptions"):
            yield self._classic(desc, health=health)
        for lb in self.paginate("elbv2", "describe_load_balancers", "LoadBalancers"):
            yield self._v2(lb, health=health)

    def instance_health(self, name: str) -> list[dict[str, Any]]:
        """Classic ELB: InstanceStates as {id, state, reason, description}."""
        states = self.call("elb", "describe_instance_health", LoadBalancerName=name).get("InstanceStates", [])
        return [{"id": s["InstanceId"], "port": None, "state": s.get("State", "Unknown"),
                 "reason": _na(s.get("ReasonCode")), "description": _na(s.get("Description"))} for s in states]

    def target_health(self, target_group_arn: str) -> list[dict[str, Any]]:
        """ELBv2: targets of one group as {id, port, state, reason, description}."""
        descs = self.call("elbv2", "describe_target_health",
                          TargetGroupArn=target_group_arn).get("TargetHealthDescriptions", [])
        out = []
        for d in descs:
            th = d.get("TargetHealth", {})
            out.append({"id": d["Target"]["Id"], "port": d["Target"].get("Port"), "state": th.get("State", "unknown"),
                        "reason": th.get("Reason"), "description": th.get("Description")})
        return out

    def _classic(self, desc: dict[str, Any], health: bool) -> dict[str, Any]:
        listeners = []
        for ld in desc.get("ListenerDescriptions", []):
            lst = ld["Listener"]
            listeners.append({
                "port": lst["LoadBalancerPort"], "protocol": lst["Protocol"].upper(),
                "instance_port": lst["InstancePort"],
                "instance_protocol": (lst.get("InstanceProtocol") or lst["Protocol"]).upper(),
                "ssl_certificate_id": lst.get("SSLCertificateId"), "policy_names": ld.get("PolicyNames", []),
            })
        hc = desc.get("HealthCheck") or {}
        instances = [{"id": i["InstanceId"]} for i in desc.get("Instances", [])]
        if health and instances:
            instances = self.instance_health(desc["LoadBalancerName"])
        in_service = sum(1 for i in instances if i.get("state") == "InService")
        return {
            "name": desc["LoadBalancerName"], "type": "classic", "dns_name": desc.get("DNSName"),
            "scheme": desc.get("Scheme"), "vpc_id": desc.get("VPCId"), "arn": None,
            "security_groups": desc.get("SecurityGroups", []),
            "source_security_group": desc.get("SourceSecurityGroup"),
            "subnets": desc.get("Subnets", []), "availability_zones": desc.get("AvailabilityZones", []),
            "listeners": listeners,
            "health_check": {"target": hc.get("Target"), "interval": hc.get("Interval"), "timeout": hc.get("Timeout"),
                             "healthy_threshold": hc.get("HealthyThreshold"),
                             "unhealthy_threshold": hc.get("UnhealthyThreshold")} if hc else None,
            "instances": instances, "in_service": in_service if health else None, "total": len(instances),
            "target_groups": [],
        }

    def _v2(self, lb: dict[str, Any], health: bool) -> dict[str, Any]:
        arn = lb["LoadBalancerArn"]
        groups = {tg["TargetGroupArn"]: tg for tg in
                  self.call("elbv2", "describe_target_groups", LoadBalancerArn=arn).get("TargetGroups", [])}
        listeners = []
        for lst in self.call("elbv2", "describe_listeners", LoadBalancerArn=arn).get("Listeners", []):
            tg_arns = forward_target_groups(lst.get("DefaultActions", []))
            for tg_arn in tg_arns:
                if tg_arn not in groups:  # attached through a rule only, or just created
                    groups.update({tg["TargetGroupArn"]: tg for tg in self.call(
                        "elbv2", "describe_target_groups", TargetGroupArns=[tg_arn]).get("TargetGroups", [])})
            first = groups.get(tg_arns[0]) if tg_arns else None
            listeners.append({
                "port": lst["Port"], "protocol": lst["Protocol"], "arn": lst["ListenerArn"],
                "instance_port": first["Port"] if first else None,
                "instance_protocol": first["Protocol"] if first else None,
                "ssl_certificate_id": (lst.get("Certificates") or [{}])[0].get("CertificateArn"),
                "target_group_arns": tg_arns, "default_actions": lst.get("DefaultActions", []),
            })
        target_groups = []
        instances: list[dict[str, Any]] = []
        # Count the targets of the groups a listener forwards to; a group left over from an
        # earlier retarget (kept for rollback) is listed but serves no traffic.
        serving = {a for ls in listeners for a in ls["target_group_arns"]} or set(groups)
        for tg in groups.values():
            in_use = tg["TargetGroupArn"] in serving
            targets = self.target_health(tg["TargetGroupArn"]) if health else []
            for t in targets:
                t["target_group"] = tg["TargetGroupName"]
            if in_use:
                instances.extend(targets)
            target_groups.append({
                "name": tg["TargetGroupName"], "arn": tg["TargetGroupArn"], "port": tg.get("Port"),
                "protocol": tg.get("Protocol"), "vpc_id": tg.get("VpcId"), "target_type": tg.get("TargetType"),
                "health_check": v2_health_check(tg), "targets": targets, "in_use": in_use,
            })
        first_tg = next((t for t in target_groups if listeners and t["arn"] in listeners[0]["target_group_arns"]),
                        target_groups[0] if target_groups else None)
        in_service = sum(1 for i in instances if i.get("state") == "healthy")
        return {
            "name": lb["LoadBalancerName"], "type": lb.get("Type", "application"), "dns_name": lb.get("DNSName"),
            "scheme": lb.get("Scheme"), "vpc_id": lb.get("VpcId"), "arn": arn,
            "security_groups": lb.get("SecurityGroups", []), "source_security_group": None,
            "subnets": [az.get("SubnetId") for az in lb.get("AvailabilityZones", [])],
            "availability_zones": [az.get("ZoneName") for az in lb.get("AvailabilityZones", [])],
            "listeners": listeners,
            "health_check": first_tg["health_check"] if first_tg else None,
            "instances": instances, "in_service": in_service if health else None, "total": len(instances),
            "target_groups": target_groups,
        }

    # -- EC2 -------------------------------------------------------------------------------

    def instances(self, instance_ids: list[str]) -> list[dict[str, Any]]:
        if not instance_ids:
            return []
        out = []
        for res in self.paginate("ec2", "describe_instances", "Reservations", InstanceIds=list(instance_ids)):
            out.extend(res.get("Instances", []))
        return out

    def security_groups(self, group_ids: list[str]) -> list[dict[str, Any]]:
        if not group_ids:
            return []
        return self.call("ec2", "describe_security_groups", GroupIds=sorted(set(group_ids)))["SecurityGroups"]

    def vpc_cidrs(self, vpc_id: str) -> list[str]:
        vpcs = self.call("ec2", "describe_vpcs", VpcIds=[vpc_id]).get("Vpcs", [])
        cidrs = []
        for v in vpcs:
            cidrs.extend(a["CidrBlock"] for a in v.get("CidrBlockAssociationSet", []) if a.get("CidrBlock"))
            if v.get("CidrBlock") and v["CidrBlock"] not in cidrs:
                cidrs.append(v["CidrBlock"])
        return cidrs

    # -- CloudFormation --------------------------------------------------------------------

    def stack(self, name: str) -> dict[str, Any]:
        """DescribeStacks' stack in AWS's own shape (StackName, StackStatus, Outputs [{OutputKey,
        OutputValue, Description}], Parameters ...), times as ISO strings. NotFound (exit 3)."""
        try:
            stacks = self.call("cloudformation", "describe_stacks", StackName=name)["Stacks"]
        except UsageError as exc:
            if "does not exist" in exc.message:
                raise NotFound(f"CloudFormation stack {name!r} not found in region {self.region_name}",
                               "check the name and the region (AWS_REGION)") from None
            raise
        stack = {k: _iso(v) if hasattr(v, "isoformat") else v for k, v in stacks[0].items()}
        stack.setdefault("Outputs", [])
        stack.setdefault("Parameters", [])
        return stack

    def whoami(self) -> str:
        """The caller's ARN (STS GetCallerIdentity): proves the credentials work."""
        return self.call("sts", "get_caller_identity").get("Arn", "")


# -- helpers shared with ops/retarget.py and the CLI ------------------------------------------


def _loopback(url: str | None) -> bool:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname if url else None
    return host in ("127.0.0.1", "localhost", "::1")


def forward_target_groups(actions: list[dict[str, Any]]) -> list[str]:
    """Target group ARNs a listener's default actions forward to."""
    arns: list[str] = []
    for action in actions:
        if action.get("Type") != "forward":
            continue
        if action.get("TargetGroupArn"):
            arns.append(action["TargetGroupArn"])
        for tg in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
            if tg.get("TargetGroupArn") and tg["TargetGroupArn"] not in arns:
                arns.append(tg["TargetGroupArn"])
    return arns


def v2_health_check(tg: dict[str, Any]) -> dict[str, Any]:
    protocol = tg.get("HealthCheckProtocol") or tg.get("Protocol") or "TCP"
    port = tg.get("HealthCheckPort") or "traffic-port"
    port = tg.get("Port") if port == "traffic-port" else port
    target = f"{protocol}:{port}"
    if protocol in ("HTTP", "HTTPS"):
        target += tg.get("HealthCheckPath") or "/"
    return {"target": target, "interval": tg.get("HealthCheckIntervalSeconds"),
            "timeout": tg.get("HealthCheckTimeoutSeconds"), "healthy_threshold": tg.get("HealthyThresholdCount"),
            "unhealthy_threshold": tg.get("UnhealthyThresholdCount"), "port": tg.get("HealthCheckPort"),
            "path": tg.get("HealthCheckPath")}


def listener_text(listener: dict[str, Any]) -> str:
    """`80/HTTP → 10001/HTTP`."""
    if listener.get("instance_port") is None:
        return f"{listener['port']}/{listener['protocol']} → ?"
    return f"{listener['port']}/{listener['protocol']} → {listener['instance_port']}/{listener['instance_protocol']}"


def _na(value: str | None) -> str | None:
    return None if value in (None, "", "N/A") else value


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@contextmanager
def translate_errors() -> Iterator[None]:
    """botocore exceptions → avictl errors with the AWS code and message."""
    try:
        yield
    except AvictlError:
        raise
    except Exception as exc:  # botocore is imported lazily, so match on class names
        raise aws_error(exc) from exc


def aws_error(exc: BaseException) -> AvictlError:
    """The avictl error for one botocore/boto3 exception."""
    kind = type(exc).__name__
    names = {c.__name__ for c in type(exc).__mro__}
    if "ClientError" in names:
        err = getattr(exc, "response", {}).get("Error", {}) or {}
        code = str(err.get("Code") or "Unknown")
        message = err.get("Message") or str(exc)
        status = getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
        op = getattr(exc, "operation_name", "") or ""
        text = f"AWS {op}: {code}: {message}" if op else f"AWS {code}: {message}"
        if code in NOT_FOUND_CODES:
            return NotFound(text)
        if code in AUTH_CODES:
            hint = EXPIRED_HINT if "Expired" in code else (
                "the credentials lack permission for this call; check the IAM policy"
                if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation") else CREDENTIALS_HINT)
            return AuthError(text, hint)
        if code in CONFLICT_CODES:
            return Conflict(text)
        if code in USAGE_CODES:
            return UsageError(text)
        if code in ("Throttling", "ThrottlingException", "RequestLimitExceeded"):
            return RemoteError(text, "AWS is throttling requests; retry in a minute", status=status, exit_code=1)
        return RemoteError(text, status=status, exit_code=1)
    if kind in ("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"):
        return AuthError(f"no usable AWS credentials ({exc})", CREDENTIALS_HINT)
    if kind == "ProfileNotFound":
        return AuthError(f"AWS profile not found: {exc}", "list profiles with `aws configure list-profiles`, "
                         "or set AWS_PROFILE / `avictl config set aws_profile NAME`")
    if kind in ("NoRegionError",):
        return UsageError("no AWS region configured",
                          "set AWS_REGION, `avictl config set aws_region REGION`, or a region in the AWS profile")
    if kind in ("TokenRetrievalError", "SSOTokenLoadError", "UnauthorizedSSOTokenError"):
        return AuthError(f"AWS SSO token: {exc}", EXPIRED_HINT)
    if kind in ("EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError", "ReadTimeoutError",
                "ProxyConnectionError", "SSLError", "ConnectionError", "EndpointResolutionError"):
        return ConnectError(f"cannot reach AWS: {exc}",
                            "check the network, AWS_REGION and AWS_ENDPOINT_URL")
    if kind in ("ParamValidationError",):
        return UsageError(f"invalid AWS request: {exc}")
    return AvictlError(f"AWS: {kind}: {exc}")
