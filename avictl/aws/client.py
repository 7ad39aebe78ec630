"""AWS for the commands: `AwsClient` (the session of avictl/aws/session.py) with the reads the
commands share — load balancers of either kind, instance/target health, EC2 lookups, the
stack read, the caller's identity.

Every AWS call is made by a module of this package, one per service: elb.py (classic ELB),
elbv2.py (ALB/NLB), ec2.py, cloudformation.py; session.py owns boto3. Load balancers come back
as plain dicts of one shape for classic and v2 (elb.view / elbv2.view), which is also their
`-o json` form.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import NotFound, UsageError
from . import ec2, elb, elbv2
from .elbv2 import forward_target_groups
from .elbv2 import health_check_view as v2_health_check
from .session import (AUTH_CODES, CONFLICT_CODES, CREDENTIALS_HINT, EXPIRED_HINT, NOT_FOUND_CODES, USAGE_CODES,
                      AwsSession, aws_error, translate_errors)

__all__ = ["AUTH_CODES", "CONFLICT_CODES", "CREDENTIALS_HINT", "EXPIRED_HINT", "NOT_FOUND_CODES", "USAGE_CODES",
           "AwsClient", "aws_error", "forward_target_groups", "translate_errors", "v2_health_check"]


class AwsClient(AwsSession):
    """One AWS session for one invocation, with the reads the commands share."""

    # -- load balancers ----------------------------------------------------------------

    def load_balancer(self, name: str, health: bool = True) -> dict[str, Any]:
        """The classic or v2 load balancer called `name` (NotFound exit 3 when neither exists)."""
        desc = elb.describe(self, name)
        if desc is not None:
            return elb.view(self, desc, health=health)
        lb = elbv2.describe(self, name)
        if lb is not None:
            return elbv2.view(self, lb, health=health)
        raise NotFound(f"load balancer {name!r} not found (classic or v2) in region {self.region_name}",
                       "`avictl elb list` shows the load balancers of this region")

    def list_load_balancers(self, health: bool = True) -> Iterator[dict[str, Any]]:
        """Every classic, then every v2, load balancer of the region."""
        for desc in elb.describe_all(self):
            yield elb.view(self, desc, health=health)
        for lb in elbv2.describe_all(self):
            yield elbv2.view(self, lb, health=health)

    def instance_health(self, name: str) -> list[dict[str, Any]]:
        """Classic ELB: InstanceStates as {id, state, reason, description}."""
        return elb.instance_health(self, name)

    def target_health(self, target_group_arn: str) -> list[dict[str, Any]]:
        """ELBv2: targets of one group as {id, port, state, reason, description}."""
        return elbv2.target_health(self, target_group_arn)

    # -- EC2 -------------------------------------------------------------------------------

    def instances(self, instance_ids: list[str]) -> list[dict[str, Any]]:
        return ec2.instances(self, instance_ids)

    def security_groups(self, group_ids: list[str]) -> list[dict[str, Any]]:
        return ec2.security_groups(self, group_ids)

    def vpc_cidrs(self, vpc_id: str) -> list[str]:
        return ec2.vpc_cidrs(self, vpc_id)

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


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
