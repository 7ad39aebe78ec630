"""AWS fixtures: moto's server over HTTP on 127.0.0.1 (never patched boto3) and the seeded world.

- `moto_endpoint` (session): one ThreadedMotoServer on a free port per test process.
- `aws_world` (function): the server reset (POST /moto-api/reset), then avictl.lab.aws.build_world;
  a dict of names and ids plus "env", the environment for `cli`/`run_avictl`.
- `aws_env`: that environment alone (endpoint, fake keys, region).
- `boto`: boto3 clients on the server, for tests to read (and arrange) moto's state directly.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def moto_endpoint():
    from avictl.lab.aws import start_server

    server, endpoint = start_server()
    try:
        yield endpoint
    finally:
        server.stop()


def env_for(endpoint: str) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1"}


@pytest.fixture
def aws_env(moto_endpoint: str) -> dict[str, str]:
    return env_for(moto_endpoint)


@pytest.fixture
def aws_world(moto_endpoint: str) -> dict[str, Any]:
    from avictl.lab.aws import build_world, reset

    reset(moto_endpoint)
    world = build_world(moto_endpoint, "us-east-1", marathon_url="http://127.0.0.1:8080",
                        controller_url="https://127.0.0.1:8443")
    world["env"] = env_for(moto_endpoint)
    return world


@pytest.fixture(scope="session")
def boto(moto_endpoint: str) -> dict[str, Any]:
    import boto3

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    return {s: session.client(s, endpoint_url=moto_endpoint) for s in ("ec2", "elb", "elbv2", "cloudformation")}


@pytest.fixture
def cfn_lab(moto_endpoint: str):
    """The lab's CloudFormation front on moto (reset): {"front": the server (its request log
    records every call, `front.actions()` the CloudFormation ones), "url", "env"}."""
    import urllib.request

    from avictl.lab.cloudformation import CloudFormationFront

    # moto's reset rebuilds every backend: slow on a busy machine, so a generous limit
    req = urllib.request.Request(moto_endpoint + "/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=120):
        pass
    front = CloudFormationFront(moto_endpoint, "us-east-1", resource_seconds=0.01).start()
    try:
        yield {"front": front, "url": front.url, "env": env_for(front.url)}
    finally:
        front.stop()
