"""The whole seed setup in this process: Marathon, Mesos master and Avi stand-ins plus moto's AWS world.

`seed_lab` gives the servers, the AWS world and `env`, the environment of a user whose
settings point at all three (controller password by AVI_PASSWORD, CA bundle, no --insecure).
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def lab_tls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from avictl.lab.tls import make_ca_and_cert

    ca, cert, key = make_ca_and_cert(tmp_path_factory.mktemp("lab-tls"))
    return {"ca": ca, "cert": cert, "key": key}


@pytest.fixture
def seed_lab(lab_tls: dict[str, str], aws_world: dict[str, Any]):
    from avictl.lab.avi import AviLab
    from avictl.lab.marathon import MarathonLab
    from avictl.lab.marathon.model import AGENTS
    from avictl.lab.mesos import MesosLab
    from avictl.lab.tls import server_context

    marathon = MarathonLab("1.5.0", deploy_seconds=0.3).start()
    mesos = MesosLab("1.4.0", [{"hostname": host} for host, _ in AGENTS], marathon_url=marathon.url).start()
    avi = AviLab(marathon.url, "22.1.3", tls=server_context(lab_tls["cert"], lab_tls["key"]),
                 sync_interval=0.1, mesos_url=mesos.url).start()
    env = {
        **aws_world["env"],
        "MARATHON_URL": marathon.url,
        "MESOS_MASTER_URL": mesos.url,
        "AVI_CONTROLLER": avi.url,
        "AVI_USERNAME": avi.username,
        "AVI_PASSWORD": avi.password,
        "AVI_CA_BUNDLE": lab_tls["ca"],
        "AVICTL_ELB": aws_world["elb_name"],
    }
    try:
        yield {"marathon": marathon, "mesos": mesos, "avi": avi, "world": aws_world, "env": env, "ca": lab_tls["ca"]}
    finally:
        avi.stop()
        mesos.stop()
        marathon.stop()
