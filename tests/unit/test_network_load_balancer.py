"""network_load_balancer's input checks, run before any API call."""

import pytest

from ansible_collections.crossvpc.aws.plugins.modules import network_load_balancer
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput


def params(**override):
    return dict({"name": "payments-api", "state": "present", "subnet_ids": ["subnet-0123456789abcdef0"],
                 "scheme": "internal", "listener_port": 8443, "target_port": None, "target_type": "instance",
                 "targets": None, "purge_targets": True, "target_group_name": None, "tags": {}, "wait": True,
                 "wait_timeout": 600}, **override)


@pytest.mark.parametrize("target", ["i-0123456789abcdef0", "i-0123abcd"])
def test_instance_ids_of_the_shared_pattern_pass(target):
    assert network_load_balancer.desired_state(params(targets=[target]))["targets"] == [target]


@pytest.mark.parametrize("target", ["i-0123456789abcdef", "i-0123456789", "i-0123456789ABCDEF0", "vpc-0123456789abcdef0"])
def test_other_instance_ids_are_refused_in_the_modules_words(target):
    with pytest.raises(InvalidInput) as refused:
        network_load_balancer.desired_state(params(targets=[target]))
    assert refused.value.message == (
        "targets=%r: is not an instance id, and target_type is instance. Give the instances' ids (i-0123456789abcdef0), "
        "or set target_type=ip for addresses." % target)
