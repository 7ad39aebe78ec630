"""The AWS session: one boto3 session and its service clients, created lazily, and error translation.

boto3 costs a few hundred milliseconds to import and each client more to create, so both
happen only when a command first needs a service. Every client gets botocore's standard
retry mode, the configured timeouts, and (with -v / --debug) one log line per call — the
operation, status and time; with --debug also the request parameters, which never contain
credentials (they travel in the signed headers, which are not logged). Every botocore
failure leaves this module as one avictl error with the AWS error code and message in its
own words (SPEC.md §5).

The service modules (elb.py, elbv2.py, ec2.py, cloudformation.py) make the calls; nothing
outside avictl/aws/ touches boto3.
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
# Operations that change nothing; every other operation is a write and needs an open journal entry.
READ_PREFIXES = ("Describe", "Get", "List", "Validate")


def is_read(operation: str) -> bool:
    """True for an AWS API operation that only reads (DescribeLoadBalancers, GetTemplateSummary ...)."""
    return operation.startswith(READ_PREFIXES)


class AwsSession:
    """One AWS session for one invocation; service clients are created on first use."""

    def __init__(self, *, profile: str | None = None, region: str | None = None, endpoint_url: str | None = None,
                 timeout: float = 30.0, max_attempts: int = 4, log: Callable[[str], None] | None = None,
                 verbose: bool = False, debug: bool = False, journal: Any = None):
        self.profile = profile or None
        # The command's journal: every client this factory makes refuses a write operation
        # (before anything is sent) while no journal entry of system "aws" is open (SPEC.md §12).
        self.journal = journal
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
                      **kwargs: Any) -> AwsSession:
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
        client.meta.events.register("before-call", self._require_journal)
        if self.log:
            self._hook_logging(client)
        self._clients[service] = client
        return client

    @property
    def region_name(self) -> str | None:
        if self._session is not None:
            return self._session.region_name
        return self.region

    def _require_journal(self, model: Any = None, **_: Any) -> None:
        if not is_read(model.name):
            from ..journal import require

            require(self.journal, "aws", f"{model.service_model.service_name} {model.name}")

    def change(self, obj: str, action: str, *, before: Any = None, after: Any = None, target: Any = None) -> Any:
        """The journal entry (a context manager) around the write operations of one change."""
        from ..journal import unjournaled

        if self.journal is None:
            raise unjournaled("aws", f"{action} {obj}")
        return self.journal.change("aws", obj, action, before=before, after=after,
                                   target={"region": self.region_name, **(target or {})})

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


def _loopback(url: str | None) -> bool:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname if url else None
    return host in ("127.0.0.1", "localhost", "::1")


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
    from ..errors import describe_exception

    return AvictlError(f"AWS: {describe_exception(exc)}")
