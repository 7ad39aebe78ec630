"""`traffic_lab`: the seed's setup in this process, carrying traffic (SPEC §11).

Marathon and Avi stand-ins on the lab's network (an address per agent), moto's AWS world,
the ELB front following moto's classic ELB, and the lab's AWS endpoint (moto, with
instance health from the front's checks); `env` is a user's environment whose
AVICTL_ELB_URL names the front.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def traffic_lab(lab_tls: dict[str, str], aws_world: dict[str, Any]):
    from avictl.lab.avi import AviLab
    from avictl.lab.marathon import MarathonLab
    from avictl.lab.tls import server_context
    from avictl.lab.traffic import Traffic
    from avictl.lab.traffic.awsproxy import AwsProxy
    from avictl.lab.traffic.front import ElbFront

    # The shortest health check interval AWS allows, so that waits for "in service" poll often.
    import boto3

    elb = boto3.client("elb", endpoint_url=aws_world["endpoint_url"], region_name=aws_world["region"],
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    elb.configure_health_check(LoadBalancerName=aws_world["elb_name"], HealthCheck={
        "Target": f"HTTP:{aws_world['instance_port']}/", "Interval": 5, "Timeout": 2, "UnhealthyThreshold": 2,
        "HealthyThreshold": 2})
    traffic = Traffic(agents=2)
    marathon = MarathonLab("1.5.0", deploy_seconds=0.3, traffic=traffic).start()
    avi = AviLab(marathon.url, "22.1.3", tls=server_context(lab_tls["cert"], lab_tls["key"]), sync_interval=0.1,
                 traffic=traffic).start()
    agents = dict(zip(aws_world["instance_ids"], traffic.agents))
    front = ElbFront(traffic, aws_world["endpoint_url"], aws_world["region"], agents, poll=0.2).start()
    url = front.url(aws_world["elb_name"])
    aws = AwsProxy(aws_world["endpoint_url"], front).start()  # instance health as the front finds it
    env = {
        **aws_world["env"],
        "AWS_ENDPOINT_URL": aws.url,
        "MARATHON_URL": marathon.url,
        "AVI_CONTROLLER": avi.url,
        "AVI_USERNAME": avi.username,
        "AVI_PASSWORD": avi.password,
        "AVI_CA_BUNDLE": lab_tls["ca"],
        "AVICTL_ELB": aws_world["elb_name"],
        "AVICTL_ELB_URL": url,
    }
    try:
        yield {"marathon": marathon, "avi": avi, "front": front, "traffic": traffic, "world": aws_world,
               "env": env, "url": url}
    finally:
        aws.stop()
        front.stop()
        avi.stop()
        marathon.stop()
        traffic.stop()
