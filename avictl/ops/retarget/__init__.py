"""Point a load balancer's listener and health check at a new instance port, safely.

`plan_retarget` reads the load balancer and returns a `Plan` (before → after, the steps, the
missing security-group rules); `apply_plan` carries it out and `wait_healthy` waits for a
healthy instance. Nothing here prints: progress goes to an `on_event(Event)` callback,
failures are avictl errors; every AWS call is a function of avictl/aws/. The CLI
(`elb retarget`, avictl/cli/) and `deploy` both use these.

- model.py: the plan, its steps (each with its AWS call and the calls that undo it), events,
  the checks on the values given;
- plan.py: reading the load balancer and working out the steps;
- security_groups.py: do the instances' groups admit the load balancer on the new port?
- apply.py: the steps in order, signals deferred, rollback;
- wait.py: waiting for a healthy instance or target.

The AWS calls of each kind (reads, then only the writes that differ; [..] = only when needed):

Plan (every kind, also --dry-run, which stops here and writes nothing): elb
DescribeLoadBalancers (+ DescribeInstanceHealth) — or, for ALB/NLB, elb DescribeLoadBalancers
(not found), elbv2 DescribeLoadBalancers, DescribeTargetGroups, DescribeListeners,
DescribeTargetHealth of the listener's group —; ec2 DescribeInstances, DescribeSecurityGroups
[+ DescribeSubnets, GetManagedPrefixListEntries, DescribeVpcs when an address rule must be
compared].

Classic ELB: [ec2 AuthorizeSecurityGroupIngress per missing rule, with --fix-security-group] →
[ConfigureHealthCheck] → [SetLoadBalancerPoliciesForBackendServer(new port, the old port's
policies)] → DeleteLoadBalancerListeners + CreateLoadBalancerListeners [+
SetLoadBalancerPoliciesOfListener] (signals wait until this pair is done; a failed create
re-creates the old listener at once) → [SetLoadBalancerPoliciesForBackendServer(old port, [])
when no other listener uses it] → DescribeLoadBalancers to verify → [ec2
RevokeSecurityGroupIngress of rules avictl added for a port nothing uses now].

ALB/NLB: [ec2 AuthorizeSecurityGroupIngress] → [ModifyTargetGroup, health check settings] →
RegisterTargets(the listener's group, instances on the new port) → DescribeTargetHealth until
one new-port target is healthy → DeregisterTargets(old-port targets; they drain) → verify
(elbv2 Describe*) → [ec2 RevokeSecurityGroupIngress]. The listener is never modified.

Rollback (a step failed, or SIGINT/SIGTERM between steps): the undo calls of the steps done,
newest first — RevokeSecurityGroupIngress, ConfigureHealthCheck / ModifyTargetGroup with the
old settings, SetLoadBalancerPoliciesForBackendServer with the old lists, DeleteLoadBalancerListeners
+ CreateLoadBalancerListeners of the old listener, DeregisterTargets (new port) /
RegisterTargets (old port) — then exit 8 (or 130 for a signal). `--wait` then polls
DescribeInstanceHealth / DescribeTargetHealth.
"""

from __future__ import annotations

from .apply import DELAY_ENV, FAULT_ENV, RollbackFailed, apply_plan
from .model import (CREATED_BY, HEALTH_LIMITS, Call, Event, Notice, OnEvent, Plan,
                    SettingError, SgRule, Step, validate_health_path, validate_health_protocol,
                    validate_health_values, validate_port)
from .plan import NoSuchListener, plan_retarget
from .wait import wait_healthy

__all__ = [
    "CREATED_BY", "DELAY_ENV", "FAULT_ENV", "HEALTH_LIMITS", "Call", "Event",
    "NoSuchListener", "Notice", "OnEvent", "Plan", "RollbackFailed", "SettingError", "SgRule", "Step",
    "apply_plan", "plan_retarget", "validate_health_path", "validate_health_protocol", "validate_health_values",
    "validate_port", "wait_healthy",
]
