"""Small helpers shared by the command tests."""

from __future__ import annotations


def init(cli, *args: str, profile: str | None = None):
    """`avictl [--profile P] config init ARGS`, which must succeed."""
    prefix = ["--profile", profile] if profile else []
    r = cli(*prefix, "config", "init", *args)
    assert r.exit_code == 0, r
    return r


# A Marathon app the Avi stand-in's Mesos cloud turns into a virtual service (see the web_app fixture).
WEB = {"id": "/group/web", "instances": 2, "labels": {"FE-Proxy": "yes"},
       "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
                                                  "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}
