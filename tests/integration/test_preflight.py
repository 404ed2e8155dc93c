"""Every playbook refuses every host's bad input before any host changes anything.

One run per playbook: its groups hold the local inventory's two good hosts and one host per bad
input (a copy of a good host with one variable changed). The first play, the preflight, must
fail every bad host with a message naming the host's variable as written and its value, pass the
good hosts, end the run there (no later task on any host), and leave the call log without one
mutating call in either account.
"""

import hashlib
import json

import pytest
import yaml

from conftest import REPO, run_module_in_process

INVENTORY = REPO / "inventories" / "local"
NLB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/nope/0123456789abcdef"
DELETE = object()
PLAN_TASKS = {t["name"] for play in yaml.safe_load((REPO / "playbooks" / "connect_plan.yml").read_text()) for t in play.get("tasks", [])}
GROUPS_TASK = "Check that every group of the build has hosts, and no host is left out by a misspelt group"


def local_host(name):
    """A host's variables in inventories/local (account_a or account_b)."""
    data = yaml.safe_load((INVENTORY / f"{name}.yml").read_text())
    return dict(data["all"]["children"]["lab_accounts"]["hosts"][name])


def variant(base, **changes):
    host = local_host(base)
    for key, value in changes.items():
        if value is DELETE:
            host.pop(key, None)
        else:
            host[key] = value
    return host


def hub_only(**changes):
    """Account A as the hub alone: a host setting a role's variables outside its groups is refused."""
    return variant("account_a", transit_gateway_spoke_vpcs=DELETE, **changes)


A_SUBNETS = ["crossvpc-lab-a-private-1", "crossvpc-lab-a-private-2"]


def B_VPC(suffix):  # noqa: N802 - reads as the constant it stands for
    return [{"vpc_name": "crossvpc-lab-b", "subnet_names": ["crossvpc-lab-b-private-1"], "name": f"vpc-b-{suffix}"}]


# playbook -> {group: {host: (variables, expected substrings of its message)}}; a host with no
# expectations must pass.
CASES = {
    "privatelink.yml": {
        "provider": {
            "account_a": (local_host("account_a"), ()),
            "p_port": (variant("account_a", privatelink_provider_port=70000),
                       ("privatelink_provider_port=70000: is not a TCP port",)),
            "p_subnet_missing": (variant("account_a", privatelink_provider_subnet_names=[A_SUBNETS[0], "crossvpc-lab-a-private-9"]),
                                 ("privatelink_provider_subnet_names[1]='crossvpc-lab-a-private-9': no subnet has this Name tag",)),
            "p_nlb_missing": (variant("account_a", privatelink_provider_nlb_arn=NLB_ARN, privatelink_provider_subnet_names=DELETE,
                                      privatelink_provider_targets=DELETE),
                              (f"privatelink_provider_nlb_arn='{NLB_ARN}': no such load balancer",)),
            "p_dns": (variant("account_a", privatelink_provider_private_dns_name="not a domain"),
                      ("privatelink_provider_private_dns_name='not a domain'",)),
            "p_tag": (variant("account_a", privatelink_provider_tags={"": "x"}), ("privatelink_provider_tags",)),
            "p_targets": (variant("account_a", privatelink_provider_targets=["10.0.1.300"]),
                          ("privatelink_provider_targets[0]='10.0.1.300': is not an IP address",)),
            "p_account_11": (variant("account_a", aws_account_id="11111111111"),
                             ("aws_account_id='11111111111': is not an AWS account id",)),
            "p_account_other": (variant("account_a", aws_account_id="222222222222"),
                                ("aws_account_id='222222222222': but the credentials (aws_profile='crossvpc-a') are of account 111111111111",)),
            "p_profile": (variant("account_a", aws_profile="crossvpc-nope"), ("aws_profile='crossvpc-nope': is not a profile",)),
            "p_region": (variant("account_a", aws_region="us-east-9"), ("aws_region='us-east-9': is not an AWS region",)),
            "p_typo": (variant("account_a", privatelink_provider_subnet_name=A_SUBNETS),
                       ("privatelink_provider_subnet_name=", "Did you mean privatelink_provider_subnet_names?")),
        },
        "consumer": {
            "account_b": (local_host("account_b"), ()),
            "c_cidr": (variant("account_b", privatelink_consumer_client_cidrs=["10.0.0.0/33"]),
                       ("privatelink_consumer_client_cidrs[0]='10.0.0.0/33': is not a CIDR block",)),
            "c_subnet_missing": (variant("account_b", privatelink_consumer_subnet_names=["crossvpc-lab-b-private-1", "crossvpc-lab-b-private-9"]),
                                 ("privatelink_consumer_subnet_names[1]='crossvpc-lab-b-private-9': no subnet has this Name tag",)),
            "c_subnets_a_string": (variant("account_b", privatelink_consumer_subnet_names="crossvpc-lab-b-private-1"),
                                   ("privatelink_consumer_subnet_names='crossvpc-lab-b-private-1': is not a list",)),
            "c_group_missing": (variant("account_b", privatelink_consumer_client_security_group_names=["crossvpc-lab-b-nope"]),
                                ("privatelink_consumer_client_security_group_names[0]='crossvpc-lab-b-nope': no security group",)),
            "c_no_clients": (variant("account_b", privatelink_consumer_client_security_group_names=DELETE),
                             ("privatelink_consumer_client_security_group_ids or", "Name the clients")),
            "c_vpc_missing": (variant("account_b", privatelink_consumer_vpc_id="vpc-0123456789abcdef0"),
                              ("privatelink_consumer_vpc_id='vpc-0123456789abcdef0': no such VPC in account 222222222222",)),
            "c_region_bogus": (variant("account_b", aws_region="us-east-9"), ("aws_region='us-east-9': is not an AWS region",)),
            "c_other_region": (variant("account_b", aws_region="eu-west-1"),
                               ("aws_region='eu-west-1': the provider's service is in us-east-1",)),
            "c_wait_for": (variant("account_b", privatelink_consumer_wait_for="ready"),
                           ("privatelink_consumer_wait_for='ready': is not one of pendingAcceptance, available, none",)),
            # The provider (account_a) requires acceptance, in a play after the consumers'.
            "c_waits_before_accept": (variant("account_b", privatelink_consumer_wait_for="available"),
                                      ("privatelink_consumer_wait_for='available': the provider's service requires acceptance",)),
        },
    },
    "peering.yml": {
        "requester": {
            "account_a": (local_host("account_a"), ()),
            "r_name_long": (variant("account_a", vpc_peering_name="x" * 300), ("vpc_peering_name='xxxx",)),
            "r_vpc_missing": (variant("account_a", vpc_peering_vpc_name="crossvpc-lab-nope"),
                              ("vpc_peering_vpc_name='crossvpc-lab-nope': no VPC has this Name tag in account 111111111111",)),
            "r_id_and_name": (variant("account_a", vpc_peering_vpc_id="vpc-0123456789abcdef0"),
                              ("vpc_peering_vpc_id and vpc_peering_vpc_name: both set",)),
        },
        "accepter": {
            "account_b": (local_host("account_b"), ()),
            "a_port": (variant("account_b", vpc_peering_allowed_ports=[70000]),
                       ("vpc_peering_allowed_ports[0]=70000: is not a TCP port",)),
            "a_table_missing": (variant("account_b", vpc_peering_route_table_ids=["rtb-0123456789abcdef0"]),
                                ("vpc_peering_route_table_ids[0]='rtb-0123456789abcdef0': no such route table",)),
            "a_table_tags": (variant("account_b", vpc_peering_route_table_tags={"tier": "nope"}),
                             ("vpc_peering_route_table_tags={'tier': 'nope'}: no route table",)),
            "a_check_subnet": (variant("account_b", vpc_peering_check={"subnet_name": "crossvpc-lab-c-nope", "address": "10.0.1.10", "port": 8443}),
                               ("vpc_peering_check.subnet_name[0]='crossvpc-lab-c-nope': no subnet has this Name tag",)),
            "a_account_11": (variant("account_b", aws_account_id="22222222222"),
                             ("aws_account_id='22222222222': is not an AWS account id",)),
        },
    },
    "transit_gateway.yml": {
        "hub": {
            "account_a": (hub_only(), ()),
            "h_asn": (hub_only(transit_gateway_hub_asn=100), ("transit_gateway_hub_asn=100",)),
            "h_own_account": (hub_only(transit_gateway_hub_spoke_accounts=["222222222222", "111111111111"]),
                              ("transit_gateway_hub_spoke_accounts=['222222222222', '111111111111']: lists 111111111111, the hub's own "
                               "account", "Take 111111111111 off the list.")),
            "h_table_associate": (hub_only(transit_gateway_hub_route_tables=[{"name": "spokes", "associate": "spokes"}]),
                                  ("transit_gateway_hub_route_tables[0].associate='spokes': is neither '*' nor a list",)),
            "h_unknown_attachment": (hub_only(transit_gateway_hub_route_tables=[{"name": "spokes", "associate": ["vpc-a", "vpc-x"]}]),
                                     ("transit_gateway_hub_route_tables[0].associate: 'vpc-x' is not the name of any spoke's attachment",)),
            "h_tables_one_name": (hub_only(transit_gateway_hub_route_tables=[{"name": "t1", "associate": ["vpc-a"]},
                                                                             {"name": "t1", "associate": ["vpc-c"]}]),
                                  ("transit_gateway_hub_route_tables[1].name='t1': names transit_gateway_hub_route_tables[0] too",)),
            "h_route_cidr": (hub_only(transit_gateway_hub_route_tables=[
                {"name": "spokes", "associate": "*", "routes": [{"destination_cidr": "10.9.0.0/33", "blackhole": True}]}]),
                ("transit_gateway_hub_route_tables[0].routes[0].destination_cidr='10.9.0.0/33': is not a CIDR block",)),
        },
        "spoke": {
            "account_b": (local_host("account_b"), ()),
            # The bad spokes attach account B's other VPC, so that only they clash with each other.
            "s_route_cidr": (variant("account_b", transit_gateway_spoke_route_cidrs=["10.0.0.0/33"], transit_gateway_spoke_vpcs=B_VPC("r")),
                             ("transit_gateway_spoke_route_cidrs[0]='10.0.0.0/33': is not a CIDR block",)),
            # (account A's VPC: a spoke that clashes with another is refused before any look-up)
            "s_subnet_missing": (variant("account_a", transit_gateway_hub_name=DELETE, transit_gateway_spoke_vpcs=[
                {"vpc_name": "crossvpc-lab-a", "subnet_names": ["crossvpc-lab-a-private-1", "crossvpc-lab-a-private-9"], "name": "vpc-a-m"}]),
                ("transit_gateway_spoke_vpcs[0].subnet_names[1]='crossvpc-lab-a-private-9': no subnet has this Name tag",)),
            "s_vpc_both": (variant("account_b", transit_gateway_spoke_vpcs=[
                {"vpc_name": "crossvpc-lab-b", "vpc_id": "vpc-0123456789abcdef0", "subnet_names": ["crossvpc-lab-b-private-1"]}]),
                ("transit_gateway_spoke_vpcs[0]=", "needs exactly one of vpc_id and vpc_name")),
            "s_vpcs_a_string": (variant("account_b", transit_gateway_spoke_vpcs="crossvpc-lab-c"),
                                ("transit_gateway_spoke_vpcs='crossvpc-lab-c': is not a list",)),
            "s_vpc_twice": (variant("account_b", transit_gateway_spoke_vpcs=B_VPC("t") * 2),
                            ("lists vpc_name crossvpc-lab-b twice.",)),
            "s_same_vpc_as_another_host": (variant("account_b", transit_gateway_spoke_vpcs=B_VPC("o")),
                                           ("host s_route_cidr attaches crossvpc-lab-b of account 222222222222 too",)),
        },
    },
    # A teardown checks variables, credentials and the VPCs (they outlive the connections), not the
    # rest, which may be gone.
    "peering_teardown.yml": {
        "requester": {"account_a": (local_host("account_a"), ())},
        "accepter": {
            "account_b": (local_host("account_b"), ()),
            "t_vpc_typo": (variant("account_b", vpc_peering_vpc_name="crossvpc-lab-cc"),
                           ("vpc_peering_vpc_name='crossvpc-lab-cc': no VPC has this Name tag", "If that VPC was deleted")),
            # Ignored by the teardown, which finds the connection from the VPCs: not silently.
            "t_pcx_missing": (variant("account_b", vpc_peering_connection_id="pcx-0123456789abcdef0"),
                              ("vpc_peering_connection_id='pcx-0123456789abcdef0': no such peering connection in account 222222222222",
                               "Leave it empty")),
        },
    },
    "transit_gateway_teardown.yml": {
        "hub": {"account_a": (hub_only(), ())},
        "spoke": {
            "account_b": (local_host("account_b"), ()),
            "t_spoke_typo": (variant("account_b", transit_gateway_spoke_vpcs=[
                {"vpc_name": "crossvpc-lab-cc", "subnet_names": ["crossvpc-lab-c-private-1"], "name": "vpc-c"}]),
                ("transit_gateway_spoke_vpcs[0].vpc_name='crossvpc-lab-cc': no VPC has this Name tag", "If that VPC was deleted")),
        },
    },
    # connect.yml: connect_vpcs and connect_links first, then the plan (read-only), then every part's preflight.
    "connect.yml": {
        "lab_accounts": {
            "account_a": (local_host("account_a"), ()),
            "account_b": (variant("account_b", connect_vpcs=[dict(v, client_security_group_names=["defualt"]) if v["name"] == "crossvpc-lab-c"
                                                             else v for v in local_host("account_b")["connect_vpcs"]]),
                          ("connect_vpcs[1].client_security_group_names[0]='defualt': no security group",)),
        },
    },
    # A teardown checks variables and credentials, not that resources exist (they may be gone).
    "privatelink_teardown.yml": {
        "provider": {"account_a": (local_host("account_a"), ())},
        "consumer": {
            "account_b": (local_host("account_b"), ()),
            "t_profile": (variant("account_b", aws_profile="crossvpc-bb"), ("aws_profile='crossvpc-bb': is not a profile",)),
            "t_subnets_a_string": (variant("account_b", privatelink_consumer_subnet_names="crossvpc-lab-b-private-1"),
                                   ("privatelink_consumer_subnet_names='crossvpc-lab-b-private-1': is not a list",)),
        },
    },
}


def write_inventory(path, groups):
    common = yaml.safe_load((INVENTORY / "all.yml").read_text())["all"]["vars"]
    inventory = {"all": {"vars": common, "children": {
        group: {"hosts": {name: variables for name, (variables, _expected) in hosts.items()}}
        for group, hosts in groups.items()}}}
    path.write_text(yaml.safe_dump(inventory))
    return path


@pytest.mark.parametrize("playbook", sorted(CASES))
def test_preflight_refuses_every_bad_host_before_any_change(playbook, localaws, ansible, bare_lab, tmp_path):
    groups = CASES[playbook]
    mark = localaws.control.mark()
    run = ansible(REPO / "playbooks" / playbook, inventory=write_inventory(tmp_path / "hosts.yml", groups))
    assert run.returncode != 0, run.stdout[-3000:]
    assert localaws.control.mutating_calls(mark) == []
    # The run ended with the preflight: no other task ran on any host (connect.yml's plan, read-only, before it).
    assert {name.split(" : ")[-1] for name, _host, _result in run.tasks()} - PLAN_TASKS - {GROUPS_TASK} <= {
        "Check the variables of the parts this host plays, and what they name", ACROSS_TASK, STOP_TASK}, run.stdout[-3000:]
    for hosts in groups.values():
        for host, (_variables, expected) in hosts.items():
            result = run.result("Check the variables of the parts this host plays, and what they name", host)
            message = result.get("msg", "")
            if not expected:
                assert not result.get("failed"), (host, message)
                continue
            assert result.get("failed"), (host, json.dumps(result)[:2000])
            assert message.startswith(f"{host}: "), message
            for text in expected:
                assert text in message, (host, message)
            assert "Traceback" not in message


# What no host sees alone, from what every host found (a host that failed its own checks too, with the
# problems it has alone): playbook -> (groups, expected substrings). A host with expectations fails alone too.
ACROSS = {
    # Account B's VPC_B shares VPC_A's 10.0.0.0/16; the accepter's check subnet is missing besides: both are told.
    "peering.yml": ({"requester": {"account_a": (local_host("account_a"), ())},
                     "accepter": {"b_overlap": (variant("account_b", vpc_peering_vpc_name="crossvpc-lab-b", vpc_peering_check={
                         "subnet_name": "crossvpc-lab-b-nope", "address": "10.0.1.10", "port": 8443}),
                         ("vpc_peering_check.subnet_name[0]='crossvpc-lab-b-nope': no subnet has this Name tag",))}},
                    ("host account_a's vpc_peering_vpc_name='crossvpc-lab-a' and host b_overlap's vpc_peering_vpc_name='crossvpc-lab-b' "
                     "have overlapping CIDRs (10.0.0.0/16 overlaps 10.0.0.0/16)", "playbooks/privatelink.yml")),
    # A spoke VPC_B overlapping VPC_A, its host's check (left as it was, on VPC_C) wrong besides: both are told.
    "transit_gateway.yml": ({"hub": {"account_a": (local_host("account_a"), ())},
                             "spoke": {"account_a": (local_host("account_a"), ()),
                                       "account_b": (variant("account_b", transit_gateway_spoke_vpcs=B_VPC("2")), (
                                           "transit_gateway_check.subnet_name='crossvpc-lab-c-private-1': is in vpc-",))}},
                            ("host account_a's transit_gateway_spoke_vpcs[0] (crossvpc-lab-a) and host account_b's "
                             "transit_gateway_spoke_vpcs[0] (crossvpc-lab-b): 10.0.0.0/16 overlaps 10.0.0.0/16",)),
    # connect_links is checked against every host's connect_vpcs before the plan reads anything.
    "connect.yml": ({"lab_accounts": {
        "account_a": (variant("account_a", connect_links=[{"client": "crossvpc-lab-b", "server": "crossvpc-lab-aa", "ports": [8443]}]), ()),
        "account_b": (local_host("account_b"), ())}},
        ("connect_links[0].server='crossvpc-lab-aa': is not a VPC name in any host's connect_vpcs. Use one of: crossvpc-lab-a,",)),
}
ACROSS_TASK = "Check what the hosts' inputs name together (a VPC peered with itself, overlapping ranges)"
STOP_TASK = "Stop here if any host's inputs failed (nothing was changed on any host)"


@pytest.mark.parametrize("playbook", sorted(ACROSS))
def test_preflight_refuses_what_the_hosts_name_together(playbook, localaws, ansible, bare_lab, tmp_path):
    groups, expected = ACROSS[playbook]
    mark = localaws.control.mark()
    run = ansible(REPO / "playbooks" / playbook, inventory=write_inventory(tmp_path / "hosts.yml", groups))
    assert run.returncode != 0, run.stdout[-3000:]
    assert localaws.control.mutating_calls(mark) == []
    assert {name for name, _host, _result in run.tasks()} - {GROUPS_TASK} == {
        "Check the variables of the parts this host plays, and what they name", ACROSS_TASK}, run.stdout[-3000:]
    for host, (_variables, alone) in [item for hosts in groups.values() for item in hosts.items()]:
        result = run.result("Check the variables of the parts this host plays, and what they name", host)
        assert bool(result.get("failed")) == bool(alone) and all(text in result.get("msg", "") for text in alone), (host, result.get("msg"))
    [result] = [result for name, _host, result in run.tasks() if name == ACROSS_TASK]
    assert result.get("failed") and all(text in result["msg"] for text in expected), result.get("msg")


def checked_across(found, context=None):
    """The check across hosts (the preflight action's, on the controller) of what their preflights found."""
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_across

    problems = check_across(found, context or {})
    return {"failed": bool(problems), "msg": " | ".join(problems)}


def host_preflight(localaws, host, parts, profile, state="absent", context=None, **variables):
    """The preflight of one host (a teardown's by default), run in this process: its problems, warnings and found."""
    from ansible_collections.crossvpc.aws.plugins.action.preflight import role_specs

    specs = {name: spec for part in parts if part != "connect" for name, spec in role_specs(part).items()}  # connect: no role
    return run_module_in_process(localaws, "crossvpc.aws.preflight", {
        "profile": profile, "region": "us-east-1", "parts": parts, "state": state, "host": host, "specs": specs, "context": context or {},
        "variables": dict(variables, aws_profile=profile, aws_region="us-east-1")})


def test_a_subnet_listed_twice_or_a_route_inside_the_spokes_own_range_is_refused(localaws, bare_lab):
    twice = [A_SUBNETS[0], A_SUBNETS[0]]
    vpc_a = localaws.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-a"]}])["Vpcs"][0]["VpcId"]
    result = host_preflight(localaws, "account_a", ["transit_gateway_spoke"], "crossvpc-a", state="present", transit_gateway_spoke_vpcs=[
        {"vpc_name": "crossvpc-lab-a", "subnet_names": twice, "name": "vpc-a"},
        {"vpc_id": vpc_a, "subnet_names": A_SUBNETS[1:], "name": "vpc-a-again"}],  # the same VPC by id (the tenth trial's x012)
        transit_gateway_spoke_route_cidrs=["10.0.0.0/16"])
    for expected in (f"transit_gateway_spoke_vpcs[0].subnet_names={twice!r}: lists {A_SUBNETS[0]} twice",
                     "transit_gateway_spoke_route_cidrs[0]='10.0.0.0/16': lies inside transit_gateway_spoke_vpcs[0] (crossvpc-lab-a)'s own "
                     "10.0.0.0/16",
                     f"transit_gateway_spoke_vpcs[0] (crossvpc-lab-a) and transit_gateway_spoke_vpcs[1] ({vpc_a}): are the same VPC, {vpc_a}, "
                     "and a VPC attaches once to a transit gateway. List it once."):
        assert result.get("failed") and expected in result["msg"], result


def test_teardown_names_that_match_nothing_are_warned_or_refused(localaws, bare_lab):
    """A teardown's name that matches nothing removes nothing (right on a second run): a warning naming
    what is there. A consumer's endpoint name that matches nothing while another endpoint of that account
    connects to the provider's service would block the service's removal halfway: refused before any change."""
    ec2_a, ec2_b = localaws.client("ec2"), localaws.client("ec2", "crossvpc-b")
    subnets = [s["SubnetId"] for s in ec2_a.describe_subnets(Filters=[{"Name": "tag:Name", "Values": A_SUBNETS}])["Subnets"]]
    arn = localaws.client("elbv2").create_load_balancer(Name="teardown-names", Type="network", Scheme="internal",
                                                        Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    named = [{"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "Name", "Value": "svc-real"}]}]
    service = ec2_a.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[arn], AcceptanceRequired=False,
                                                              TagSpecifications=named)["ServiceConfiguration"]
    ec2_a.modify_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"], AddAllowedPrincipals=["arn:aws:iam::222222222222:root"])
    [b_vpc] = ec2_b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-b"]}])["Vpcs"]
    endpoint = ec2_b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=b_vpc["VpcId"], ServiceName=service["ServiceName"],
                                         TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "ep-real"}]}]
                                         )["VpcEndpoint"]["VpcEndpointId"]
    tgw = ec2_a.create_transit_gateway(TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub-real"}]}]
                                       )["TransitGateway"]["TransitGatewayId"]
    mark = localaws.control.mark()

    provider = host_preflight(localaws, "account_a", ["privatelink_provider", "transit_gateway_hub"], "crossvpc-a",
                              privatelink_provider_name="svc-real", transit_gateway_hub_name="hub-reall")
    assert not provider.get("failed"), provider["msg"]
    assert provider["found"]["service_name"] == service["ServiceName"]
    assert provider["warnings"] == [f"transit_gateway_hub_name='hub-reall': no transit gateway has this Name tag in account 111111111111, "
                                    f"us-east-1, so there is none to remove. Those there: hub-real ({tgw}). If you meant one of them, "
                                    f"fix the name and run again."]
    # An NLB ARN given at teardown: the load balancer the role made (named after the service) would stay.
    other = NLB_ARN.replace("nope", "teardown-names")
    kept = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", privatelink_provider_name="teardown-names",
                          privatelink_provider_nlb_arn=other)
    assert kept.get("failed") and f"privatelink_provider_nlb_arn='{other}': with it the teardown leaves the load balancer the role made " \
        f"for this service, {arn}" in kept["msg"], kept
    same = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", privatelink_provider_name="teardown-names",
                          privatelink_provider_nlb_arn=arn)
    assert not same.get("failed") and [w for w in same["warnings"] if "given by ARN, the teardown keeps it" in w], same
    # connect.yml's parts are named connect_name plus the link's hash: a misspelt connect_name is the name to fix.
    connect = host_preflight(localaws, "account_a", ["transit_gateway_hub"], "crossvpc-a", transit_gateway_hub_name="crossvpc-connekt-0123abcd",
                             connect_name="crossvpc-connekt")
    assert connect["warnings"][0].startswith("transit_gateway_hub_name='crossvpc-connekt-0123abcd' (connect_name='crossvpc-connekt' plus the "
                                             "link's hash): no transit gateway has this Name tag"), connect
    consumer = host_preflight(localaws, "account_b", ["privatelink_consumer"], "crossvpc-b", privatelink_consumer_name="ep-reel")
    assert not consumer.get("failed"), consumer["msg"]
    assert "privatelink_consumer_name='ep-reel': no interface endpoint has this Name tag" in consumer["warnings"][0]
    assert f"ep-real ({endpoint})" in consumer["warnings"][0]

    across = checked_across({"account_a": provider["found"], "account_b": consumer["found"]})
    assert across.get("failed"), across
    assert (f"host account_b's privatelink_consumer_name='ep-reel': no endpoint has this name, but {endpoint} (ep-real) in the same "
            f"account connects to host account_a's service {service['ServiceName']}") in across["msg"], across["msg"]
    # Spelt right, the same teardown passes without a word.
    right = host_preflight(localaws, "account_b", ["privatelink_consumer"], "crossvpc-b", privatelink_consumer_name="ep-real")
    again = checked_across({"account_a": provider["found"], "account_b": right["found"]})
    assert not right.get("warnings") and not again.get("failed"), (right, again)
    # The provider's name misspelt: the consumer's endpoint would go, the service and its NLB stay.
    misspelt = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", privatelink_provider_name="svc-reall")
    across = checked_across({"account_a": misspelt["found"], "account_b": right["found"]})
    assert across.get("failed") and (f"host account_a's privatelink_provider_name='svc-reall': no endpoint service has this name, but "
                                     f"host account_b's endpoint {endpoint} (ep-real) connects to its account's service "
                                     f"{service['ServiceName']} (Name tag svc-real)") in across["msg"], across
    # A peering's misspelt name warns too; subnet names that find a consumer's VPC must resolve, or its endpoint would stay.
    peering = host_preflight(localaws, "account_a", ["vpc_peering"], "crossvpc-a", vpc_peering_name="peering-typo",
                             vpc_peering_vpc_name="crossvpc-lab-a")
    assert "vpc_peering_name='peering-typo': no peering connection has this Name tag" in peering["warnings"][0], peering
    # ... and is refused when a peering between the two ends carries another name (its security group would stay).
    assert localaws.control.mutating_calls(mark) == []
    [c_vpc] = ec2_b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-c"]}])["Vpcs"]
    pcx = ec2_a.create_vpc_peering_connection(VpcId=peering["found"]["peering_vpc"]["vpc_id"], PeerVpcId=c_vpc["VpcId"], PeerOwnerId="222222222222",
                                              TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": [
                                                  {"Key": "Name", "Value": "pcx-real"}]}])["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    mark = localaws.control.mark()
    ends = {host: host_preflight(localaws, host, ["vpc_peering"], profile, vpc_peering_name="peering-typo", vpc_peering_vpc_name=vpc)["found"]
            for host, profile, vpc in (("end_a", "crossvpc-a", "crossvpc-lab-a"), ("end_c", "crossvpc-b", "crossvpc-lab-c"))}
    refused = checked_across(ends, {"peering_pairs": [["end_a", "end_c"]]})
    assert refused.get("failed") and (f"host end_a's vpc_peering_name='peering-typo': the peering between "
                                      f"{peering['found']['peering_vpc']['vpc_id']} and {c_vpc['VpcId']} is {pcx}, named pcx-real") in refused["msg"]
    # The accepter's right name finds nothing: a request not accepted has no tag of the accepter's (the sixteenth trial's PD10
    # told the user to fix it).
    accepter = host_preflight(localaws, "end_c", ["vpc_peering"], "crossvpc-b", vpc_peering_name="pcx-real", vpc_peering_vpc_name="crossvpc-lab-c")
    assert accepter["warnings"] == [f"vpc_peering_name='pcx-real': no peering connection has this Name tag in account 222222222222, us-east-1, "
                                    f"so there is none to remove. {pcx} awaits this account's acceptance, untagged here until accepted: the "
                                    "requester's teardown removes it."], accepter
    gone = host_preflight(localaws, "account_b", ["privatelink_consumer"], "crossvpc-b", privatelink_consumer_name="ep-real",
                          privatelink_consumer_subnet_names=["crossvpc-lab-b-private-9"])
    assert gone.get("failed") and "privatelink_consumer_subnet_names[0]='crossvpc-lab-b-private-9': no subnet has this Name tag" in gone["msg"]
    assert localaws.control.mutating_calls(mark) == []
    # A consumer teardown whose subnets are of another VPC than its endpoint's would look for it there, and leave it.
    elsewhere = host_preflight(localaws, "account_b", ["privatelink_consumer"], "crossvpc-b", privatelink_consumer_name="ep-real",
                               privatelink_consumer_subnet_names=["crossvpc-lab-c-private-1"])
    assert elsewhere.get("failed") and (f"privatelink_consumer_name='ep-real': the endpoint of this name, {endpoint}, is in {b_vpc['VpcId']}, "
                                        f"but the teardown looks for it in {c_vpc['VpcId']}") in elsewhere["msg"], elsewhere
    # A hub's teardown lists the gateway's attachments, for the check across hosts that every one has a spoke host to remove it.
    attachment = ec2_a.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=peering["found"]["peering_vpc"]["vpc_id"],
                                                             SubnetIds=subnets[:1])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    mark = localaws.control.mark()
    hub = host_preflight(localaws, "account_a", ["transit_gateway_hub"], "crossvpc-a", transit_gateway_hub_name="hub-real")
    assert hub["found"]["hub_attachments"] == [{"id": attachment, "type": "vpc", "vpc": peering["found"]["peering_vpc"]["vpc_id"],
                                                "account": "111111111111"}], hub
    # A spoke's teardown finds the attachment by its VPC: an entry named otherwise is told so.
    spoke = host_preflight(localaws, "account_a", ["transit_gateway_spoke"], "crossvpc-a", transit_gateway_spoke_vpcs=[
        {"vpc_name": "crossvpc-lab-a", "subnet_names": A_SUBNETS[:1], "name": "vpc-aa"}])
    assert [w for w in spoke["warnings"] if w.startswith(f"transit_gateway_spoke_vpcs[0].name='vpc-aa': the attachment of "
                                                         f"{peering['found']['peering_vpc']['vpc_id']} ({attachment}) is named None")], spoke
    # ... and a hub name that finds nothing while that VPC is attached to the account's gateway would leave both.
    typo = host_preflight(localaws, "account_a", ["transit_gateway_hub"], "crossvpc-a", transit_gateway_hub_name="hub-reall")
    across = checked_across({"hub": typo["found"], "spoke": spoke["found"]})
    assert across.get("failed") and (f"host hub's transit_gateway_hub_name='hub-reall': no transit gateway has this Name tag, and host "
                                     f"spoke's transit_gateway_spoke_vpcs[0] (crossvpc-lab-a) is attached to {tgw} (hub-real)") in across["msg"], across
    assert localaws.control.mutating_calls(mark) == []


def test_addresses_must_be_in_the_vpc_they_are_sent_to(localaws, bare_lab):
    """NLB targets and connect.yml's service targets in their VPC; a Transit Gateway check that starts in a spoke and calls
    outside it. All refused by the host's own look-ups, before any change."""
    mark = localaws.control.mark()
    provider = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", state="present", privatelink_provider_name="p",
                              privatelink_provider_port=8443, privatelink_provider_subnet_names=A_SUBNETS,
                              privatelink_provider_targets=["10.0.1.10", "10.1.1.10"])
    assert provider.get("failed") and "privatelink_provider_targets[1]='10.1.1.10': is outside vpc-" in provider["msg"], provider
    assert "the VPC of the NLB's subnets (10.0.0.0/16)" in provider["msg"]
    connect = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", state="present", connect_vpcs=[
        dict(local_host("account_a")["connect_vpcs"][0], service_targets=["10.1.1.10"])],
        connect_links=[{"client": "crossvpc-lab-b", "server": "crossvpc-lab-a", "ports": [8443]}])
    assert connect.get("failed") and "connect_vpcs[0].service_targets[0]='10.1.1.10': is outside crossvpc-lab-a (10.0.0.0/16)" in connect["msg"]
    spoke = local_host("account_b")["transit_gateway_spoke_vpcs"]
    for check, expected in (({"subnet_name": "crossvpc-lab-b-private-1", "address": "10.0.1.10", "port": 8443},
                             "transit_gateway_check.subnet_name='crossvpc-lab-b-private-1': is in vpc-"),
                            ({"subnet_name": "crossvpc-lab-c-private-1", "address": "10.1.2.10", "port": 8443},
                             "transit_gateway_check.address='10.1.2.10': is in transit_gateway_spoke_vpcs[0] (crossvpc-lab-c), the VPC "
                             "the check starts from")):
        result = host_preflight(localaws, "account_b", ["transit_gateway_spoke"], "crossvpc-b", state="present",
                                transit_gateway_spoke_vpcs=spoke, transit_gateway_check=check)
        assert result.get("failed") and expected in result["msg"], result
    assert localaws.control.mutating_calls(mark) == []


def test_a_host_in_a_misspelt_group_stops_the_run_before_any_call(localaws, ansible, tmp_path):
    """A spoke host in "spokes": without the check, the teardown removed the other spokes' parts, then stopped at the hub."""
    groups = {"hub": {"account_a": (local_host("account_a"), ())}, "spoke": {"account_a": (local_host("account_a"), ())},
              "spokes": {"account_b": (local_host("account_b"), ())}}
    mark = localaws.control.mark()
    run = ansible(REPO / "playbooks" / "transit_gateway_teardown.yml", inventory=write_inventory(tmp_path / "hosts.yml", groups))
    assert run.returncode != 0 and localaws.control.calls(mark) == []
    assert [name for name, _host, _result in run.tasks()] == [GROUPS_TASK]
    assert ("host account_b sets transit_gateway_spoke_vpcs and is in group 'spokes', not 'spoke', which plays transit_gateway_spoke. "
            "Put it in spoke, or pass spoke_group=spokes.") in run.result(GROUPS_TASK)["msg"]


def test_a_connect_build_or_teardown_whose_plan_no_longer_names_what_was_made_is_refused(localaws, bare_lab):
    """The plan is made again from the inputs: a link or growth changed since the build would leave its parts."""
    tags = [{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "crossvpc-connect-0123abcd"}]}]
    tgw = localaws.client("ec2").create_transit_gateway(TagSpecifications=tags)["TransitGateway"]["TransitGatewayId"]
    mark = localaws.control.mark()
    left = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", context={"planned_names": ["crossvpc-connect-89abcdef"]})
    assert left.get("failed") and (f"connect.yml made transit gateway {tgw} (crossvpc-connect-0123abcd), which the plan made now does "
                                   f"not name: the teardown would leave it.") in left["msg"], left
    # A build too: connect.yml does not remove what it made for an older plan, so it would stay, its link open.
    build = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", state="present", context={"planned_names": ["crossvpc-connect-89abcdef"]})
    assert build.get("failed") and (f"connect.yml made transit gateway {tgw} (crossvpc-connect-0123abcd), which the plan made now does not "
                                    "name (a link taken out, or its server, ports or method changed), and connect.yml does not remove what "
                                    "it built for an older plan: it would stay") in build["msg"], build
    planned = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", context={"planned_names": ["crossvpc-connect-0123abcd"]})
    assert not planned.get("failed"), planned
    # connect_name changed since the build: the plan's parts are there under the old name plus the same hashes.
    renamed = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", state="present", connect_name="crossvpc-konnect",
                             context={"planned_names": ["crossvpc-konnect-0123abcd"]})
    assert renamed.get("failed") and (f"connect_name='crossvpc-konnect': connect.yml made transit gateway {tgw} (crossvpc-connect-0123abcd) "
                                      "for this plan's links under connect_name='crossvpc-connect' (the name plus the link's hash). With the "
                                      "new name the build would make each part again beside the old one and leave that one's link open. "
                                      "Set connect_name back to 'crossvpc-connect', or run playbooks/connect_teardown.yml with "
                                      "connect_name='crossvpc-connect' first.") in renamed["msg"], renamed
    renamed = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", connect_name="crossvpc-konnect",
                             context={"planned_names": ["crossvpc-konnect-0123abcd"]})
    assert renamed.get("failed") and renamed["msg"].endswith("With this name the teardown finds none of them. Run it with "
                                                             "connect_name='crossvpc-connect'."), renamed
    assert localaws.control.mutating_calls(mark) == []

    # With the plan's links, each part left says which link of the build it served and what changed (the sixteenth trial's
    # CC01/CC02/CC05 named only the parts' hashes).
    ec2_a, ec2_b = localaws.client("ec2"), localaws.client("ec2", "crossvpc-b")
    ec2_a.create_tags(Resources=[tgw], Tags=[{"Key": "crossvpc:group-of", "Value": "g1"}])
    [vpc_a] = ec2_a.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-a"]}])["Vpcs"]
    [vpc_c] = ec2_b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-c"]}])["Vpcs"]
    peering_name = "crossvpc-connect-" + hashlib.sha1(b"crossvpc-lab-a,crossvpc-lab-c").hexdigest()[:8]
    pcx = ec2_a.create_vpc_peering_connection(VpcId=vpc_a["VpcId"], PeerVpcId=vpc_c["VpcId"], PeerOwnerId="222222222222", TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": peering_name}]}])["VpcPeeringConnection"]
    subnets = [s["SubnetId"] for s in ec2_a.describe_subnets(Filters=[{"Name": "tag:Name", "Values": A_SUBNETS}])["Subnets"]]
    nlb = localaws.client("elbv2").create_load_balancer(Name="connect-left", Type="network", Scheme="internal", Subnets=subnets)
    service_name = "crossvpc-connect-" + hashlib.sha1(b"crossvpc-lab-a:8443").hexdigest()[:8]
    service = ec2_a.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb["LoadBalancers"][0]["LoadBalancerArn"]], TagSpecifications=[{"ResourceType": "vpc-endpoint-service", "Tags": [
            {"Key": "Name", "Value": service_name}, {"Key": "crossvpc:serves", "Value": "crossvpc-lab-a:8443"}]}])["ServiceConfiguration"]
    links = [{"client": "crossvpc-lab-c", "server": "crossvpc-lab-a", "ports": [8443], "method": "transit_gateway"},
             {"client": "crossvpc-lab-b", "server": "crossvpc-lab-a", "ports": [9443], "method": "privatelink"}]
    mark = localaws.control.mark()
    build = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", state="present",
                           context={"planned_names": [], "planned_links": links})
    assert build.get("failed"), build
    for part in (f"transit gateway {tgw} (crossvpc-connect-0123abcd, the transit gateway of group g1, for which the plan has no hub now)",
                 f"peering connection {pcx['VpcPeeringConnectionId']} ({peering_name}, the peering of crossvpc-lab-a and crossvpc-lab-c: its "
                 "link is planned as transit_gateway now (connect_expected_vpcs or a planner threshold changed the method))",
                 f"endpoint service {service['ServiceId']} ({service_name}, PrivateLink to crossvpc-lab-a on port 8443: that link's ports "
                 "are now 9443)"):
        assert part in build["msg"], (part, build["msg"])
    taken_out = host_preflight(localaws, "account_a", ["connect"], "crossvpc-a", state="present",
                               context={"planned_names": [], "planned_links": links[1:], "vpc_names": ["crossvpc-lab-c"]})
    assert "the peering of crossvpc-lab-a and crossvpc-lab-c: connect_links has no link between them now" in taken_out["msg"], taken_out["msg"]
    assert localaws.control.mutating_calls(mark) == []


def test_what_aws_made_and_cannot_change_is_read_before_a_change_that_needs_it(localaws, bare_lab):
    """A hub route to an attachment id that is not there (AWS makes the ids, so no later step can), and a service port that
    differs from the port its target group was made with (AWS cannot change it): refused by the host's look-ups."""
    ec2_a, ec2_b = localaws.client("ec2"), localaws.client("ec2", "crossvpc-b")
    [vpc] = ec2_a.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-a"]}])["Vpcs"]
    [subnet] = ec2_a.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [A_SUBNETS[0]]}])["Subnets"]
    localaws.client("elbv2").create_target_group(Name="svc-port-tg", Protocol="TCP", Port=8443, VpcId=vpc["VpcId"], TargetType="ip")
    localaws.client("elbv2").create_load_balancer(Name="svc-port", Type="network", Scheme="internal", Subnets=[subnet["SubnetId"]])
    [vpc_b] = ec2_b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-b"]}])["Vpcs"]
    ec2_b.create_vpc_endpoint(VpcEndpointType="Gateway", VpcId=vpc_b["VpcId"], ServiceName="com.amazonaws.us-east-1.s3",
                              TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "ep-moved"}]}])
    mark = localaws.control.mark()
    provider = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", state="present",
                              privatelink_provider_name="svc-port", privatelink_provider_port=9443,
                              privatelink_provider_subnet_names=A_SUBNETS, privatelink_provider_targets=["10.0.1.10", "10.0.3.10"])
    for expected in ("privatelink_provider_port=9443: the service svc-port already forwards to port 8443 (its target group svc-port-tg in "
                     "account 111111111111, us-east-1), and AWS cannot change a target group's port.",
                     f"and the service's load balancer svc-port is in {subnet['SubnetId']} in account 111111111111",
                     f"privatelink_provider_targets[1]='10.0.3.10': is in no subnet of {vpc['VpcId']}"):
        assert provider.get("failed") and expected in provider["msg"], provider["msg"]
    # An endpoint of the consumer's name in another VPC (the subnets moved to VPC_C): the role would make a second one.
    consumer = host_preflight(localaws, "account_b", ["privatelink_consumer"], "crossvpc-b", state="present", privatelink_consumer_name="ep-moved",
                              privatelink_consumer_subnet_names=["crossvpc-lab-c-private-1", "crossvpc-lab-c-private-2"],
                              privatelink_consumer_client_security_group_names=["default"])
    assert consumer.get("failed") and "privatelink_consumer_name='ep-moved': endpoint vpce-" in consumer["msg"], consumer
    assert f"of this name is in {vpc_b['VpcId']}, and this host's endpoint goes in vpc-" in consumer["msg"]
    # A VPC id that is not the subnets' VPC is named with them.
    [vpc_c] = ec2_b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-c"]}])["Vpcs"]
    elsewhere = host_preflight(localaws, "account_b", ["privatelink_consumer"], "crossvpc-b", state="present", privatelink_consumer_name="ep",
                               privatelink_consumer_vpc_id=vpc_c["VpcId"], privatelink_consumer_subnet_names=["crossvpc-lab-b-private-1"],
                               privatelink_consumer_client_security_group_names=["default"])
    assert elsewhere.get("failed") and ("privatelink_consumer_subnet_names[0]='crossvpc-lab-b-private-1': no subnet has this Name tag in "
                                        f"account 222222222222, us-east-1 in privatelink_consumer_vpc_id='{vpc_c['VpcId']}'") in elsewhere["msg"]
    spoke = host_preflight(localaws, "account_b", ["transit_gateway_spoke"], "crossvpc-b", state="present", transit_gateway_spoke_vpcs=[
        {"vpc_name": "crossvpc-lab-c", "subnet_names": ["crossvpc-lab-c-private-1"], "name": "c", "ipv6_support": True}])
    assert spoke.get("failed") and "transit_gateway_spoke_vpcs[0].ipv6_support=True: vpc-" in spoke["msg"], spoke
    routes = [{"destination_cidr": "192.168.0.0/16", "attachment_id": "tgw-attach-0123456789abcdef0"}]
    hub = host_preflight(localaws, "account_a", ["transit_gateway_hub"], "crossvpc-a", state="present",
                         transit_gateway_hub_route_tables=[{"name": "spokes", "associate": "*", "routes": routes}])
    assert hub.get("failed") and ("transit_gateway_hub_route_tables[0].routes[0].attachment_id='tgw-attach-0123456789abcdef0': no such "
                                  "transit gateway attachment in account 111111111111, us-east-1") in hub["msg"], hub
    assert localaws.control.mutating_calls(mark) == []


def test_a_build_whose_inputs_changed_what_is_built_is_refused(localaws, bare_lab):
    """A renamed hub (a second gateway), a spoke VPC no longer listed (it would stay attached), a renamed peering whose
    security group is live (it would stay open) and swapped aws_account_profiles: found by the hosts' look-ups, refused
    across hosts before any change."""
    ec2_a, ec2_b = localaws.client("ec2"), localaws.client("ec2", "crossvpc-b")
    vpcs = {name: ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"crossvpc-lab-{name}"]}])["Vpcs"][0]["VpcId"]
            for name, ec2 in (("a", ec2_a), ("b", ec2_b), ("c", ec2_b))}
    subnet_a = ec2_a.describe_subnets(Filters=[{"Name": "tag:Name", "Values": A_SUBNETS[:1]}])["Subnets"][0]["SubnetId"]
    tgw = ec2_a.create_transit_gateway(TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub-old"}]}]
                                       )["TransitGateway"]["TransitGatewayId"]
    attachment = ec2_a.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpcs["a"], SubnetIds=[subnet_a])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    pcx = ec2_b.create_vpc_peering_connection(VpcId=vpcs["b"], PeerVpcId=vpcs["c"], TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "link-old"}]}])["VpcPeeringConnection"]
    ec2_b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    ec2_b.create_security_group(GroupName="link-old-from-peer", Description="old", VpcId=vpcs["c"])
    swapped = {"111111111111": "crossvpc-b", "222222222222": "crossvpc-a"}
    spoke = [{"vpc_name": "crossvpc-lab-b", "subnet_names": ["crossvpc-lab-b-private-1"], "name": "b"}]
    mark = localaws.control.mark()

    found = {}
    for host, profile, parts, variables in (
            ("hub", "crossvpc-a", ["transit_gateway_hub", "transit_gateway_spoke"],
             {"transit_gateway_hub_name": "hub-new",
              "transit_gateway_spoke_vpcs": [dict(spoke[0], vpc_name="crossvpc-lab-a", subnet_names=A_SUBNETS[:1], name="a")]}),
            ("renamed", "crossvpc-a", ["transit_gateway_hub"], {"transit_gateway_hub_name": "hub-old"}),
            ("spoke", "crossvpc-b", ["transit_gateway_spoke"], {"transit_gateway_spoke_vpcs": spoke}),
            ("requester", "crossvpc-b", ["vpc_peering"], {"vpc_peering_name": "link-new", "vpc_peering_vpc_name": "crossvpc-lab-b"}),
            ("accepter", "crossvpc-b", ["vpc_peering"], {"vpc_peering_name": "link-new", "vpc_peering_vpc_name": "crossvpc-lab-c"})):
        result = host_preflight(localaws, host, parts, profile, state="present", aws_account_profiles=swapped, **variables)
        assert not result.get("failed"), result["msg"]
        found[host] = result["found"]
    pairs = {"peering_pairs": [["requester", "accepter"]]}
    # The hub renamed from hub-old, whose gateway has VPC A attached; a peering renamed from link-old; swapped profiles.
    across = checked_across({h: found[h] for h in ("hub", "requester", "accepter")}, pairs)["msg"]
    for expected in (
            "host hub's transit_gateway_hub_name='hub-new': no transit gateway has this Name tag, and host hub's transit_gateway_spoke_vpcs[0] "
            f"(crossvpc-lab-a) is attached to {tgw} (hub-old) of that account, so the build would make a second gateway",
            "host requester's vpc_peering_name='link-new': the peering between",
            f"is {pcx['VpcPeeringConnectionId']}, named 'link-old', and its security group link-old-from-peer is in host accepter's VPC",
            "aws_account_profiles['111111111111']='crossvpc-b': that profile's credentials are of account 222222222222"):
        assert expected in across, across
    # hub-old kept, its spokes now VPC B only: its attachment of VPC A would stay.
    across = checked_across({h: found[h] for h in ("renamed", "spoke")})["msg"]
    assert (f"host renamed's transit_gateway_hub_name='hub-old' ({tgw}): its attachment {attachment} (vpc {vpcs['a']} of "
            "account 111111111111) is in no spoke host's transit_gateway_spoke_vpcs, and transit_gateway.yml does not detach") in across, across
    assert localaws.control.mutating_calls(mark) == []


def test_a_privatelink_build_whose_provider_or_consumer_name_changed_is_refused(localaws, bare_lab):
    """Found by their names, a renamed service or endpoint would be made a second time, the built one left connected."""
    ec2_a, ec2_b = localaws.client("ec2"), localaws.client("ec2", "crossvpc-b")
    subnets = [s["SubnetId"] for s in ec2_a.describe_subnets(Filters=[{"Name": "tag:Name", "Values": A_SUBNETS}])["Subnets"]]
    elb = localaws.client("elbv2")
    arn = elb.create_load_balancer(Name="svc-built", Type="network", Scheme="internal", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    [group] = elb.create_target_group(Name="svc-built-tg", Protocol="TCP", Port=8443, VpcId=ec2_a.describe_subnets(
        SubnetIds=subnets[:1])["Subnets"][0]["VpcId"], TargetType="ip")["TargetGroups"]
    elb.register_targets(TargetGroupArn=group["TargetGroupArn"], Targets=[{"Id": "10.0.1.10"}])
    elb.create_listener(LoadBalancerArn=arn, Protocol="TCP", Port=8443, DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}])
    service = ec2_a.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[arn], AcceptanceRequired=False, TagSpecifications=[
        {"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "Name", "Value": "svc-built"}]}])["ServiceConfiguration"]
    ec2_a.modify_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"], AddAllowedPrincipals=["arn:aws:iam::222222222222:root"])
    [b_vpc] = ec2_b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-b"]}])["Vpcs"]
    endpoint = ec2_b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=b_vpc["VpcId"], ServiceName=service["ServiceName"],
                                         TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "ep-built"}]}]
                                         )["VpcEndpoint"]["VpcEndpointId"]
    mark = localaws.control.mark()

    def found(provider_name, consumer_name, targets=("10.0.1.10",)):
        provider = host_preflight(localaws, "provider", ["privatelink_provider"], "crossvpc-a", state="present",
                                  privatelink_provider_name=provider_name, privatelink_provider_port=8443,
                                  privatelink_provider_subnet_names=A_SUBNETS, privatelink_provider_targets=list(targets))
        consumer = host_preflight(localaws, "consumer", ["privatelink_consumer"], "crossvpc-b", state="present",
                                  privatelink_consumer_name=consumer_name, privatelink_consumer_subnet_names=["crossvpc-lab-b-private-1"],
                                  privatelink_consumer_client_security_group_names=["default"])
        assert not provider.get("failed") and not consumer.get("failed"), (provider.get("msg"), consumer.get("msg"))
        return checked_across({"provider": provider["found"], "consumer": consumer["found"]},
                              {"service_provider": {"consumer": "provider"}})["msg"]

    assert found("svc-built", "ep-built") == ""
    assert found("svc-renamed", "ep-built") == (
        f"host provider's privatelink_provider_name='svc-renamed': host consumer's endpoint {endpoint} (ep-built) connects to "
        f"{service['ServiceName']} of that account, named 'svc-built', not to a service of this name, so the build would make a second "
        "service and load balancer, and a second endpoint of that name. Keep the name 'svc-built', or tear the built one down first "
        "(playbooks/privatelink_teardown.yml with the names of the build).")
    assert found("svc-built", "ep-renamed") == (
        f"host consumer's privatelink_consumer_name='ep-renamed': endpoint {endpoint} (Name 'ep-built') of this VPC already connects to "
        f"host provider's service {service['ServiceName']}, so the build would make a second endpoint and security group and leave that "
        "one connected. Keep the name 'ep-built', or tear it down first (playbooks/privatelink_teardown.yml with the names of the build).")
    # Both renamed (the sixteenth trial's PC01: a second of everything, rc 0): the old service serves the same targets.
    assert found("svc-renamed", "ep-renamed") == (
        f"host provider's privatelink_provider_name='svc-renamed' and host consumer's privatelink_consumer_name='ep-renamed': endpoint "
        f"{endpoint} (Name 'ep-built') of this consumer's VPC connects to {service['ServiceName']} (Name 'svc-built') of the provider's "
        "account, which serves the same targets: both names changed since the build, and the build would make a second service, load "
        "balancer and endpoint and leave those connected. Keep the names 'svc-built' and 'ep-built', or tear the built ones down first "
        "(playbooks/privatelink_teardown.yml with the names of the build).")
    assert found("svc-other", "ep-other", targets=["10.0.2.10"]) == ""  # another service of the account, with its own endpoint
    assert localaws.control.mutating_calls(mark) == []
    # Its endpoint rejected (the account revoked), then the consumer put back: the role would stop at it, after the provider's
    # change (the seventeenth trial's PLC10).
    ec2_a.reject_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[endpoint])
    mark = localaws.control.mark()
    consumer = host_preflight(localaws, "consumer", ["privatelink_consumer"], "crossvpc-b", state="present", privatelink_consumer_name="ep-built",
                              privatelink_consumer_subnet_names=["crossvpc-lab-b-private-1"],
                              privatelink_consumer_client_security_group_names=["default"])
    assert consumer.get("failed") and (f"privatelink_consumer_name='ep-built': its endpoint {endpoint} is rejected (the provider rejected "
                                       "it, or revoked this account), and AWS does not connect it again.") in consumer["msg"], consumer
    assert localaws.control.mutating_calls(mark) == []


def test_a_given_load_balancer_must_listen_on_the_service_port(localaws, bare_lab):
    """The role leaves a load balancer given by ARN as it is: a service port it does not listen on would build the
    service, the consumers' endpoints and their groups, all leading nowhere (the tenth trial's w006)."""
    subnets = [s["SubnetId"] for s in localaws.client("ec2").describe_subnets(Filters=[
        {"Name": "tag:Name", "Values": A_SUBNETS}])["Subnets"]]
    elb = localaws.client("elbv2")
    arn = elb.create_load_balancer(Name="given-nlb", Type="network", Scheme="internal", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(Name="given-nlb", Protocol="TCP", Port=8443, VpcId=localaws.client("ec2").describe_subnets(
        SubnetIds=subnets[:1])["Subnets"][0]["VpcId"], TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(LoadBalancerArn=arn, Protocol="TCP", Port=8443, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    mark = localaws.control.mark()
    given = {"privatelink_provider_name": "given", "privatelink_provider_nlb_arn": arn, "privatelink_provider_consumer_accounts": ["222222222222"]}
    wrong = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", state="present", privatelink_provider_port=9443, **given)
    assert wrong.get("failed") and (f"privatelink_provider_port=9443: privatelink_provider_nlb_arn='{arn}' has no TCP listener on it (it "
                                    "listens on 8443), so the consumers' endpoints would lead nowhere. Give a port it listens on, or add a "
                                    "listener on 9443 to it") in wrong["msg"], wrong
    right = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", state="present", privatelink_provider_port=8443, **given)
    assert "listener" not in right.get("msg", ""), right
    assert localaws.control.mutating_calls(mark) == []


def test_a_hub_blackhole_on_the_checks_way_back_is_refused_from_what_the_hosts_found(localaws, bare_lab):
    """The tenth trial's v003: the hub blackholes VPC_C's range in the table of VPC_A, which the spoke's check calls from VPC_C.
    Built, the run failed only at the reachability check; the hosts' look-ups give the check across hosts what it needs."""
    spoke_c = {"vpc_name": "crossvpc-lab-c", "subnet_names": ["crossvpc-lab-c-private-1"], "name": "vpc-c"}
    spoke_a = {"vpc_name": "crossvpc-lab-a", "subnet_names": A_SUBNETS, "name": "vpc-a"}
    context = {"attachment_names": ["vpc-a", "vpc-c"]}
    mark = localaws.control.mark()
    hub = host_preflight(localaws, "account_a", ["transit_gateway_hub", "transit_gateway_spoke"], "crossvpc-a", state="present",
                         context=context, transit_gateway_hub_name="blackholed", transit_gateway_spoke_vpcs=[spoke_a],
                         transit_gateway_hub_route_tables=[{"name": "rt1", "associate": ["vpc-a", "vpc-c"], "propagate": ["vpc-a", "vpc-c"],
                                                            "routes": [{"destination_cidr": "10.1.0.0/16", "blackhole": True}]}])
    spoke = host_preflight(localaws, "account_b", ["transit_gateway_spoke"], "crossvpc-b", state="present", context=context,
                           transit_gateway_spoke_vpcs=[spoke_c],
                           transit_gateway_check={"subnet_name": "crossvpc-lab-c-private-1", "address": "10.0.1.10", "port": 8443})
    assert not hub.get("failed") and not spoke.get("failed"), (hub, spoke)
    across = checked_across({"account_a": hub["found"], "account_b": spoke["found"]})
    assert across["msg"] == (
        "host account_a's transit_gateway_hub_route_tables[0].routes[0] (blackhole 10.1.0.0/16) in table 'rt1', which associates vpc-a: "
        "drops the way back (to 10.1.1.0/24) of host account_b's transit_gateway_check (it is at least as specific as the route "
        "transit_gateway_spoke_vpcs[0] (crossvpc-lab-c) propagates for 10.1.0.0/16), so the check could not pass. Take the blackhole "
        "out, or check between other spokes."), across
    # A destination group that is not in the far spoke's VPC, found from that spoke's host (it failed only at the check).
    spoke = host_preflight(localaws, "account_b", ["transit_gateway_spoke"], "crossvpc-b", state="present", context=context,
                           transit_gateway_spoke_vpcs=[spoke_c], transit_gateway_check={
                               "subnet_name": "crossvpc-lab-c-private-1", "address": "10.0.1.10", "port": 8443,
                               "destination_security_group_names": ["default", "nope"]})
    across = checked_across({"account_a": hub["found"], "account_b": spoke["found"]})
    assert ("host account_b's transit_gateway_check.destination_security_group_names=['default', 'nope']: host account_a's "
            "transit_gateway_spoke_vpcs[0] (crossvpc-lab-a), where its address is, has no group named nope, so the check could not be "
            "run. Name groups of that VPC.") in across["msg"], across
    assert localaws.control.mutating_calls(mark) == []


def test_input_the_planner_refuses_stops_connect_yml_with_its_words(localaws, ansible, bare_lab, tmp_path):
    """The eleventh trial's cn27: an on-premises range over a VPC's is found by the planner (it reads the CIDRs); the run
    crashed on the plan it did not get, and the planner's message was lost."""
    groups = {"lab_accounts": {"account_a": (local_host("account_a"), ()), "account_b": (local_host("account_b"), ())}}
    mark = localaws.control.mark()
    run = ansible(REPO / "playbooks" / "connect.yml", inventory=write_inventory(tmp_path / "hosts.yml", groups),
                  extra_vars={"connect_on_premises": [{"name": "dc1", "cidrs": ["10.1.0.0/16"]}]})
    assert run.returncode != 0 and localaws.control.mutating_calls(mark) == [], run.stdout[-3000:]
    [(name, _host, result)] = [(n, h, r) for n, h, r in run.tasks() if r.get("failed")]
    assert name == "Stop on input the planner refuses (an on-premises range over a VPC's, a link to an unknown VPC)", run.stdout[-3000:]
    assert "connect_on_premises[0]" in result["msg"] and "10.1.0.0/16" in result["msg"], result["msg"]


def test_a_hub_route_table_the_list_no_longer_names_is_refused(localaws, bare_lab):
    """The eleventh trial's tw52: the table renamed, the build made the new one and left the old with its propagations."""
    ec2 = localaws.client("ec2")
    tags = [{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub-tables"}]}]
    tgw = ec2.create_transit_gateway(TagSpecifications=tags)["TransitGateway"]["TransitGatewayId"]
    table = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw, TagSpecifications=[
        {"ResourceType": "transit-gateway-route-table", "Tags": [{"Key": "Name", "Value": "spokes"}]}])["TransitGatewayRouteTable"]
    mark = localaws.control.mark()
    renamed = host_preflight(localaws, "account_a", ["transit_gateway_hub"], "crossvpc-a", state="present", transit_gateway_hub_name="hub-tables",
                             context={"attachment_names": []},
                             transit_gateway_hub_route_tables=[{"name": "spokes2", "associate": "*", "propagate": "*"}])
    assert renamed.get("failed") and (
        f"transit_gateway_hub_route_tables (names 'spokes2'): the hub's gateway {tgw} has the route table 'spokes' "
        f"({table['TransitGatewayRouteTableId']}), which the list no longer names") in renamed["msg"], renamed
    kept = host_preflight(localaws, "account_a", ["transit_gateway_hub"], "crossvpc-a", state="present", transit_gateway_hub_name="hub-tables",
                          context={"attachment_names": []})  # the role's default table is "spokes"
    assert not kept.get("failed"), kept
    assert localaws.control.mutating_calls(mark) == []


def test_a_built_peering_whose_end_moved_to_another_vpc_is_refused(localaws, bare_lab):
    """The eleventh trial's pe45: the accepter's VPC changed, the build made a second peering and left the first one live."""
    ec2_a, ec2_b = localaws.client("ec2"), localaws.client("ec2", "crossvpc-b")
    [vpc_a] = ec2_a.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-a"]}])["Vpcs"]
    [vpc_c] = ec2_b.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-c"]}])["Vpcs"]
    ec2_b.create_vpc(CidrBlock="10.5.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "moved-to"}]}])
    built = ec2_a.create_vpc_peering_connection(VpcId=vpc_a["VpcId"], PeerVpcId=vpc_c["VpcId"], PeerOwnerId="222222222222", TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "moved"}]}])["VpcPeeringConnection"]
    mark = localaws.control.mark()
    requester = host_preflight(localaws, "account_a", ["vpc_peering"], "crossvpc-a", state="present", vpc_peering_name="moved",
                               vpc_peering_vpc_name="crossvpc-lab-a")
    accepter = host_preflight(localaws, "account_b", ["vpc_peering"], "crossvpc-b", state="present", vpc_peering_name="moved",
                              vpc_peering_vpc_name="moved-to")
    across = checked_across({"account_a": requester["found"], "account_b": accepter["found"]}, {"peering_pairs": {"account_a": "account_b"}})
    assert across["msg"] == (
        f"host account_a's and host account_b's vpc_peering_name='moved': the peering of this name, {built['VpcPeeringConnectionId']}, "
        f"joins {' and '.join(sorted([vpc_a['VpcId'], vpc_c['VpcId']]))}, not vpc_peering_vpc_name='crossvpc-lab-a' and "
        "vpc_peering_vpc_name='moved-to', so the build would make a second one and leave that one live, its routes and security "
        "group open. Give the VPCs it joins, or remove it first (playbooks/peering_teardown.yml with those VPCs), then build."), across
    assert localaws.control.mutating_calls(mark) == []


def test_a_privatelink_whose_provider_and_consumer_accounts_swapped_is_refused(localaws, bare_lab):
    """The eleventh trial's pb21: account B made the provider, account A the consumer, on a built PrivateLink: the build made a
    second service and endpoint, and A's service stayed open to B, B's endpoint connected."""
    ec2_a, ec2_b = localaws.client("ec2"), localaws.client("ec2", "crossvpc-b")
    subnets = [s["SubnetId"] for s in ec2_a.describe_subnets(Filters=[{"Name": "tag:Name", "Values": A_SUBNETS}])["Subnets"]]
    nlb = localaws.client("elbv2").create_load_balancer(Name="swapped", Type="network", Scheme="internal", Subnets=subnets)
    service = ec2_a.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb["LoadBalancers"][0]["LoadBalancerArn"]], AcceptanceRequired=False,
        TagSpecifications=[{"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "Name", "Value": "swapped"}]}])["ServiceConfiguration"]
    ec2_a.modify_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"], AddAllowedPrincipals=["arn:aws:iam::222222222222:root"])
    b_subnets = ec2_b.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-b-private-1"]}])["Subnets"]
    ec2_b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=b_subnets[0]["VpcId"], ServiceName=service["ServiceName"],
                              SubnetIds=[b_subnets[0]["SubnetId"]],
                              TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "swapped"}]}])
    mark = localaws.control.mark()
    provider = host_preflight(localaws, "account_b", ["privatelink_provider"], "crossvpc-b", state="present", privatelink_provider_name="swapped",
                              privatelink_provider_port=8443, privatelink_provider_subnet_names=["crossvpc-lab-b-private-1"],
                              privatelink_provider_targets=["10.0.1.10"])
    consumer = host_preflight(localaws, "account_a", ["privatelink_consumer"], "crossvpc-a", state="present", privatelink_consumer_name="swapped",
                              privatelink_consumer_subnet_names=[A_SUBNETS[0]], privatelink_consumer_client_security_group_names=["default"])
    across = checked_across({"account_b": provider["found"], "account_a": consumer["found"]}, {"service_provider": {"account_a": "account_b"}})
    assert (f"host account_a (a consumer) and host account_b (its provider): this consumer's account 111111111111 has the service named "
            f"'swapped', {service['ServiceName']}, and an endpoint of the provider's account 222222222222 calls it: the two accounts "
            "swapped since the build") in across["msg"], across
    # A provider's teardown without a consumer host in the account whose endpoint is connected: it would stop at the service
    # (the eleventh trial's pb20 was refused by the module, naming no host nor variable).
    provider = host_preflight(localaws, "account_a", ["privatelink_provider"], "crossvpc-a", privatelink_provider_name="swapped")
    alone = checked_across({"account_a": provider["found"]})
    assert ("host account_a's privatelink_provider_name='swapped': endpoint vpce-") in alone["msg"] and (
        f"of account 222222222222 is connected to its service {service['ServiceName']}, and no consumer host of this teardown is in "
        "that account") in alone["msg"], alone
    consumer = host_preflight(localaws, "account_b", ["privatelink_consumer"], "crossvpc-b", privatelink_consumer_name="swapped",
                              privatelink_consumer_subnet_names=["crossvpc-lab-b-private-1"])
    assert not checked_across({"account_a": provider["found"], "account_b": consumer["found"]})["failed"]
    assert localaws.control.mutating_calls(mark) == []


def test_a_peering_check_through_a_route_table_the_peering_leaves_out_is_refused(localaws, bare_lab):
    """The fifteenth trial's R027: the requester's route tables narrowed past the accepter's check address, found from AWS."""
    ec2 = localaws.client("ec2")
    [vpc_a] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-a"]}])["Vpcs"]
    [subnet] = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [A_SUBNETS[0]]}])["Subnets"]  # holds 10.0.1.10
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_a["VpcId"]]}])["RouteTables"]
    [its] = [t["RouteTableId"] for t in tables if subnet["SubnetId"] in [a.get("SubnetId") for a in t.get("Associations") or []]]
    others = sorted(t["RouteTableId"] for t in tables if t["RouteTableId"] != its)
    mark = localaws.control.mark()
    requester = host_preflight(localaws, "account_a", ["vpc_peering"], "crossvpc-a", state="present", vpc_peering_vpc_name="crossvpc-lab-a",
                               vpc_peering_route_table_ids=others)
    accepter = host_preflight(localaws, "account_b", ["vpc_peering"], "crossvpc-b", state="present", vpc_peering_vpc_name="crossvpc-lab-c",
                              vpc_peering_check={"subnet_name": "crossvpc-lab-c-private-1", "address": "10.0.1.10", "port": 8443})
    across = checked_across({"account_a": requester["found"], "account_b": accepter["found"]}, {"peering_pairs": {"account_a": "account_b"}})
    assert across["msg"] == (
        f"host account_b's vpc_peering_check: its address 10.0.1.10 is in subnet {subnet['CidrBlock']}, whose route table {its} is not in "
        f"host account_a's vpc_peering_route_table_ids={others!r}, so the path would have no route there and the check could not pass. "
        f"Add {its} to it, or check a subnet it routes."), across
    everything = checked_across({"account_a": host_preflight(localaws, "account_a", ["vpc_peering"], "crossvpc-a", state="present",
                                                             vpc_peering_vpc_name="crossvpc-lab-a", vpc_peering_route_table_ids=others + [its])["found"],
                                 "account_b": accepter["found"]}, {"peering_pairs": {"account_a": "account_b"}})
    assert not everything["failed"], everything
    assert localaws.control.mutating_calls(mark) == []


def test_a_peering_check_naming_groups_the_far_vpc_has_not_is_refused(localaws, bare_lab):
    """The fifteenth trial's R028: a destination group that is not in the far VPC failed only at the check, after the build. A
    port the far end's vpc_peering_allowed_ports leaves out is not refused: the workload's own groups may open it, and the check
    evaluates those (the seventeenth trial's B6)."""
    mark = localaws.control.mark()
    requester = host_preflight(localaws, "account_a", ["vpc_peering"], "crossvpc-a", state="present", vpc_peering_vpc_name="crossvpc-lab-a",
                               vpc_peering_allowed_ports=[443])

    def accepter(**to):
        return host_preflight(localaws, "account_b", ["vpc_peering"], "crossvpc-b", state="present", vpc_peering_vpc_name="crossvpc-lab-c",
                              vpc_peering_check=dict(subnet_name="crossvpc-lab-c-private-1", address="10.0.1.10", **to))["found"]

    def across(**to):
        return checked_across({"account_a": requester["found"], "account_b": accepter(**to)}, {"peering_pairs": {"account_a": "account_b"}})

    assert not across(port=8443)["failed"]
    assert not across(port=443)["failed"]
    assert across(port=8443, destination_security_group_names=["default", "nope"])["msg"] == (
        "host account_b's vpc_peering_check.destination_security_group_names=['default', 'nope']: host account_a's VPC "
        "(vpc_peering_vpc_name='crossvpc-lab-a') has no group named nope, so the check could not be run. Name groups of that VPC.")
    # The group the far end's allowed ports make is a name the check may give before it exists.
    assert not across(port=443, destination_security_group_names=["default", "crossvpc-peering-from-peer"])["failed"]
    assert localaws.control.mutating_calls(mark) == []
