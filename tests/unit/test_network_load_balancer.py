"""network_load_balancer's input checks, run before any API call."""

import pytest

from ansible_collections.crossvpc.aws.plugins.modules import network_load_balancer
from ansible_collections.crossvpc.aws.plugins.module_utils import load_balancing
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


@pytest.mark.parametrize("name", ["a", "payments-api", "p" * 32, "internal", "my-internal-api", "Internalx"])
def test_load_balancer_names_aws_takes_pass(name):
    assert load_balancing.LOAD_BALANCER_NAME.match(name)
    assert network_load_balancer.desired_state(params(name=name))["name"] == name


def test_a_load_balancer_name_may_not_start_with_internal():
    """AWS refuses CreateLoadBalancer with a name that begins with internal-; refused before any call."""
    assert not load_balancing.LOAD_BALANCER_NAME.match("internal-x")
    with pytest.raises(InvalidInput) as refused:
        network_load_balancer.desired_state(params(name="internal-x"))
    assert refused.value.message == (
        "name='internal-x': starts with internal-, which AWS refuses in a load balancer's name. Choose a name that "
        "does not start with internal-, for example x.")


@pytest.mark.parametrize("name", ["internal-", "-api", "api-", "p" * 33, "pay_api", ""])
def test_other_bad_load_balancer_names_are_refused(name):
    with pytest.raises(InvalidInput) as refused:
        network_load_balancer.desired_state(params(name=name))
    assert refused.value.message == ("name=%r: is not a load balancer name. Use 1-32 letters, digits or hyphens, not starting "
                                     "or ending with a hyphen. It may not start with internal-." % name)


def test_a_target_group_name_may_start_with_internal():
    desired = network_load_balancer.desired_state(params(target_group_name="internal-tg"))
    assert desired["target_group_name"] == "internal-tg"
    with pytest.raises(InvalidInput) as refused:
        network_load_balancer.desired_state(params(target_group_name="tg-"))
    assert refused.value.message == ("target_group_name='tg-': is not a target group name. Use 1-32 letters, digits or "
                                     "hyphens, not starting or ending with a hyphen. A target group's name may not hold two hyphens in a row.")


def test_a_name_whose_target_group_name_aws_refuses_is_refused_before_any_call():
    """The eleventh trial's nl14: crossvpc--demo made the load balancer, then AWS refused the target group crossvpc--demo-tg."""
    with pytest.raises(InvalidInput) as refused:
        network_load_balancer.desired_state(params(name="crossvpc--demo"))
    assert refused.value.message.startswith("name='crossvpc--demo': would name the target group crossvpc--demo-tg (the name's first "
                                            "29 characters and -tg), which AWS refuses: it holds two hyphens in a row.")
    assert network_load_balancer.desired_state(params(name="crossvpc--demo", target_group_name="demo-tg"))["target_group_name"] == "demo-tg"
    # Cut after a hyphen, the derived name does not end in two.
    assert network_load_balancer.desired_state(params(name="a" * 28 + "-bc"))["target_group_name"] == "a" * 28 + "-tg"


@pytest.mark.parametrize("given, option, fix", [
    ({}, "listener_port=9443: differs from the existing target group nlb-tg's port 8443, which AWS cannot change (target_port is not "
         "set, so the targets' port follows listener_port).", "or set target_port: 8443 to keep the targets' port."),
    ({"target_port": 9443}, "target_port=9443: differs from the existing target group nlb-tg's port 8443, which AWS cannot change.",
     "Use a new target_group_name, or remove the old group first."),
])
def test_a_new_port_for_an_existing_target_group_names_the_option_written(given, option, fix):
    """listener_port changed with target_port unset: the message names listener_port, which the user wrote (the tenth trial's m063)."""
    from ansible_collections.crossvpc.aws.plugins.module_utils import load_balancing

    desired = network_load_balancer.desired_state(params(listener_port=9443, target_group_name="nlb-tg", **given))
    current = {"load_balancer": None, "target_group": {"Port": 8443}, "targets": [], "listener": None}
    with pytest.raises(InvalidInput) as refused:
        load_balancing.plan(current, desired)
    assert refused.value.message.startswith(option) and refused.value.message.endswith(fix), refused.value.message
