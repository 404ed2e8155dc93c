"""A catalogue of bad inputs to every module and role, run as ONE playbook against the local AWS.

Each case must fail with a message that names the parameter (or role variable) and says how to
fix it, and the whole catalogue must not change anything: no mutating call at the server. Cases
the design checks "before any call" (syntax, ranges, option combinations) must make no call at
all; cases that need a read to be found (a VPC of another account, subnets of one zone,
overlapping CIDRs of a same-account peer) may read, never write.

A case that is one call of a crossvpc.aws module runs that module's main() in this process
(conftest's run_module_in_process: the same code and AWS calls as a task, without Ansible's
per-task cost), its calls read from the call log before and after it. The other cases (roles,
which need Ansible's argument validation and rescue, and any module Ansible must run: an action
plugin, templating) run in ONE playbook, as does every case with CROSSVPC_MODULES_VIA=ansible.
The playbook runs every case with ignore_errors (roles inside block/rescue, since a role's
argument validation is a task of its own), and after each case records the call log's sequence
number with a lookup (no module, no AWS call), so each case's calls are known.
"""

import json
import re
import sys
import time

import pytest

from conftest import MODULES_IN_PROCESS, REPO, run_module_in_process
from localaws import ACCOUNT_B

A, B = "crossvpc-a", "crossvpc-b"
FAKE = {kind: f"{kind}-0123456789abcdef0" for kind in ("vpc", "subnet", "pcx", "tgw", "tgw-attach", "vpce",
                                                       "vpce-svc", "sg", "rtb")}
NLB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/svc/0123456789abcdef"
SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
FIX_ACCOUNT = "Check the id, the account (profile) and the region."


def case(case_id, module, args, *expected, profile=A, region="us-east-1", reads=False, check_mode=False):
    """A module task: ``expected`` substrings of the message; ``reads``: may make read calls;
    ``check_mode``: the task runs in check mode (a check run must refuse what a real run refuses)."""
    return pytest.param({"module": module, "args": args, "expected": expected, "profile": profile, "region": region,
                         "reads": reads, "check_mode": check_mode}, id=case_id)


def role(case_id, name, variables, *expected, tasks_from="main"):
    return pytest.param({"role": name, "tasks_from": tasks_from, "vars": variables, "expected": expected,
                         "reads": False}, id="role-" + case_id)


ROUTE = "crossvpc.aws.vpc_route"
PEERING = "crossvpc.aws.vpc_peering"
ENDPOINT = "crossvpc.aws.vpc_endpoint"
SERVICE_MODULE = "crossvpc.aws.vpc_endpoint_service"
CONNECTION = "crossvpc.aws.vpc_endpoint_connection"
NLB = "crossvpc.aws.network_load_balancer"
TGW = "crossvpc.aws.transit_gateway"
ATTACH = "crossvpc.aws.transit_gateway_attachment"
TABLE = "crossvpc.aws.transit_gateway_route_table"
SHARE = "crossvpc.aws.resource_share"
OTHER_REGION_TGW = "arn:aws:ec2:eu-west-1:111111111111:transit-gateway/tgw-0123456789abcdef0"
GROUP = "crossvpc.aws.security_group"


def route(**override):
    args = {"vpc_id": FAKE["vpc"], "destination_cidrs": ["10.1.0.0/16"], "vpc_peering_connection_id": FAKE["pcx"]}
    args.update(override)
    return {k: v for k, v in args.items() if v is not None}


def peering(**override):
    return dict({"vpc_id": FAKE["vpc"], "peer_vpc_id": "vpc-0123456789abcdef1"}, **override)


def endpoint(**override):
    return dict({"name": "catalogue", "vpc_id": FAKE["vpc"], "service_name": SERVICE,
                 "subnet_ids": [FAKE["subnet"]]}, **override)


def service(**override):
    return dict({"name": "catalogue", "network_load_balancer_arns": [NLB_ARN], "allowed_principals": [ACCOUNT_B]},
                **override)


def group(**override):
    return dict({"name": "catalogue", "vpc_id": FAKE["vpc"], "description": "catalogue: 443 from the clients",
                 "ports": [443], "source_cidrs": ["10.0.0.0/16"]}, **override)


def nlb(**override):
    return dict({"name": "catalogue", "subnet_ids": [FAKE["subnet"]], "listener_port": 8443,
                 "targets": ["10.0.1.10"]}, **override)


def attach(*entries, **override):
    entries = list(entries) or [{"vpc_id": FAKE["vpc"], "subnet_ids": [FAKE["subnet"]]}]
    return dict({"transit_gateway_id": FAKE["tgw"], "attachments": entries}, **override)


def table(*routes, **override):
    return dict({"transit_gateway_id": FAKE["tgw"], "name": "catalogue", "routes": list(routes)}, **override)


PROVIDER = {"privatelink_provider_name": "catalogue", "privatelink_provider_port": 8443,
            "privatelink_provider_consumer_accounts": [ACCOUNT_B], "privatelink_provider_subnet_ids": [FAKE["subnet"]],
            "privatelink_provider_targets": ["10.0.1.10"]}

CASES = [
    # --- malformed CIDRs and host bits ---------------------------------------------------------
    case("route-cidr-prefix-33", ROUTE, route(destination_cidrs=["10.1.0.0/33"]),
         "destination_cidrs='10.1.0.0/33': is not a CIDR block", "for example 10.1.0.0/16"),
    case("route-cidr-host-bits", ROUTE, route(destination_cidrs=["10.1.2.3/16"]),
         "destination_cidrs='10.1.2.3/16': has host bits set.", "Use 10.1.0.0/16."),
    case("peering-cidr-host-bits", PEERING, peering(peer_vpc_cidrs=["192.168.1.1/24"]),
         "peer_vpc_cidrs='192.168.1.1/24': has host bits set.", "Use 192.168.1.0/24."),
    case("peering-cidr-ipv6", PEERING, peering(peer_vpc_cidrs=["2001:db8::/32"]),
         "peer_vpc_cidrs='2001:db8::/32': is not IPv4.", "List the peer VPC's IPv4 CIDR blocks."),
    case("tgw-route-cidr-prefix-40", TABLE, table({"destination_cidr": "10.0.0.0/40", "blackhole": True}),
         "routes[0].destination_cidr='10.0.0.0/40': is not a CIDR block", "for example 10.1.0.0/16"),
    case("tgw-route-cidr-host-bits", TABLE, table({"destination_cidr": "172.16.5.0/12", "blackhole": True}),
         "routes[0].destination_cidr='172.16.5.0/12': has host bits set.", "Use 172.16.0.0/12."),
    # --- overlapping CIDRs: peering points to PrivateLink -------------------------------------
    case("peering-overlap-same-account", PEERING, {"vpc_id": "@vpc_a", "peer_vpc_id": "@vpc_overlap"},
         "vpc_id='@vpc_a' and peer_vpc_id='@vpc_overlap' have overlapping CIDRs", "10.50.0.0/16 overlaps 10.50.128.0/17",
         "PrivateLink", reads=True),
    case("peering-overlap-declared-cidrs", PEERING, {"vpc_id": "@vpc_a", "peer_vpc_id": "@vpc_b", "peer_owner_id": ACCOUNT_B,
                                                     "peer_vpc_cidrs": ["10.50.64.0/18"]},
         "have overlapping CIDRs", "10.50.0.0/16 overlaps 10.50.64.0/18", "PrivateLink", reads=True),
    # --- ids of the wrong kind -------------------------------------------------------------------
    case("endpoint-name-empty", ENDPOINT, endpoint(name=""), "name='': is empty, and the module finds the endpoint by its Name tag.",
         "Give the endpoint a name"),
    case("endpoint-subnet-is-a-vpc", ENDPOINT, endpoint(subnet_ids=[FAKE["vpc"]]),
         f"subnet_ids='{FAKE['vpc']}': is not a valid subnet id.", "Expected something like subnet-0123456789abcdef0."),
    case("nlb-subnet-is-a-vpc", NLB, nlb(subnet_ids=[FAKE["vpc"]]),
         f"subnet_ids='{FAKE['vpc']}': is not a valid subnet id.", "Expected something like subnet-"),
    case("attach-subnet-is-a-vpc", ATTACH, attach({"vpc_id": FAKE["vpc"], "subnet_ids": [FAKE["vpc"]]}),
         f"attachments[0].subnet_ids='{FAKE['vpc']}': is not a valid subnet id.", "Expected something like subnet-"),
    case("route-pcx-is-a-tgw", ROUTE, route(vpc_peering_connection_id=FAKE["tgw"]),
         f"vpc_peering_connection_id='{FAKE['tgw']}': is not a valid pcx id.", "Expected something like pcx-"),
    case("route-tgw-is-a-pcx", ROUTE, route(vpc_peering_connection_id=None, transit_gateway_id=FAKE["pcx"]),
         f"transit_gateway_id='{FAKE['pcx']}': is not a valid tgw id.", "Expected something like tgw-"),
    case("peering-pcx-is-a-tgw", PEERING, peering(peering_connection_id=FAKE["tgw"]),
         f"peering_connection_id='{FAKE['tgw']}': is not a valid pcx id.", "Expected something like pcx-"),
    case("tgw-table-association-is-a-pcx", TABLE, table(associations=[FAKE["pcx"]]),
         f"associations='{FAKE['pcx']}': is not a valid tgw-attach id.", "Expected something like tgw-attach-"),
    case("attach-tgw-is-a-vpc", ATTACH, attach(transit_gateway_id=FAKE["vpc"]),
         f"transit_gateway_id='{FAKE['vpc']}': is not a valid tgw id.", "Expected something like tgw-"),
    case("connection-service-is-an-endpoint", CONNECTION, {"service_id": FAKE["vpce"], "consumer_accounts": [ACCOUNT_B]},
         f"service_id='{FAKE['vpce']}': is not a valid vpce-svc id.", "Expected something like vpce-svc-"),
    # --- ids of another account (account B's VPC and subnet, used as account A) -------------
    case("peering-vpc-of-account-b", PEERING, {"vpc_id": "@vpc_b", "peer_vpc_id": "@vpc_a"},
         "vpc_id='@vpc_b': no such VPC in this account and region.", FIX_ACCOUNT, reads=True),
    # The peer of another account, without peer_owner_id: looked for here (the tenth trial's m135).
    case("peering-peer-of-account-b-without-owner", PEERING, {"vpc_id": "@vpc_a", "peer_vpc_id": "@vpc_b"},
         "peer_vpc_id='@vpc_b': no such VPC in this account and region.",
         "If the peer VPC is in another account, give peer_owner_id (its account id) and peer_vpc_cidrs.", reads=True),
    # An exclusive clean-up whose gateway AWS does not know and no route names: a typo (the seventeenth trial's RT08).
    case("route-exclusive-to-a-gateway-that-does-not-exist", ROUTE,
         route(vpc_id="@vpc_a", destination_cidrs=[], vpc_peering_connection_id=None, transit_gateway_id=FAKE["tgw"], exclusive=True),
         f"transit_gateway_id='{FAKE['tgw']}': not found in this account and region, and no route of these tables points at it",
         "Check the id, the account (profile) and the region.", reads=True),
    case("route-vpc-of-account-b", ROUTE, route(vpc_id="@vpc_b"),
         "vpc_id='@vpc_b': no such VPC in this account and region.", FIX_ACCOUNT, reads=True),
    case("attach-vpc-of-account-b", ATTACH, attach({"vpc_id": "@vpc_b", "subnet_ids": ["@subnet_b"]}),
         "attachments[0].vpc_id='@vpc_b': no such VPC in this account and region.", FIX_ACCOUNT, reads=True),
    case("endpoint-subnet-of-account-b", ENDPOINT, endpoint(vpc_id="@vpc_a", subnet_ids=["@subnet_b"]),
         "subnet_ids='@subnet_b': not found in this account and region.", FIX_ACCOUNT, reads=True),
    case("nlb-subnet-of-account-b", NLB, nlb(name="catalogue-b", subnet_ids=["@subnet_b"]),
         "subnet_ids='@subnet_b': not found in this account and region.", FIX_ACCOUNT, reads=True),
    # --- one VPC or one name for two attachments (the tenth trial's x012, m164) --------------------------
    case("attach-one-vpc-by-name-and-by-id", ATTACH, attach({"vpc_name": "catalogue-a", "subnet_ids": ["@subnet_a1"], "name": "a"},
                                                            {"vpc_id": "@vpc_a", "subnet_ids": ["@subnet_a2"], "name": "a2"}),
         "attachments[1] and attachments[0] are the same VPC, @vpc_a: a VPC has one attachment to a transit gateway. List it once.",
         reads=True),
    case("attach-one-name-twice", ATTACH, attach({"vpc_id": FAKE["vpc"], "subnet_ids": [FAKE["subnet"]], "name": "a"},
                                                 {"vpc_name": "other", "subnet_names": ["other-1"], "name": "a"}),
         "attachments[1].name='a': is attachments[0]'s too.", "Give each attachment a name of its own"),
    case("attach-no-subnet", ATTACH, attach({"vpc_id": FAKE["vpc"], "subnet_names": [], "name": "a"}),
         "names no subnet, and an attachment needs one in each Availability Zone it serves.", "List them in subnet_ids or subnet_names."),
    # --- two subnets in one Availability Zone ----------------------------------------------------
    case("attach-two-subnets-one-az", ATTACH, attach({"vpc_id": "@vpc_a", "subnet_ids": ["@subnet_a1", "@subnet_a1b"]}),
         "attachments[0].subnet_ids: @subnet_a1 and @subnet_a1b are both in us-east-1a",
         "one subnet per Availability Zone. Keep one of them.", reads=True),
    case("nlb-two-subnets-one-az", NLB, nlb(name="catalogue-az", subnet_ids=["@subnet_a1", "@subnet_a1b"]),
         "subnet_ids='@subnet_a1b': is in us-east-1a like @subnet_a1", "Keep one of them.", reads=True),
    case("endpoint-two-subnets-one-az", ENDPOINT, endpoint(vpc_id="@vpc_a", subnet_ids=["@subnet_a1", "@subnet_a1b"]),
         "is in us-east-1a like subnet-", "an interface endpoint takes one subnet per availability zone. Keep one of them.",
         reads=True),
    # --- principals: not ARNs, wildcards ---------------------------------------------------------
    case("service-principal-a-name", SERVICE_MODULE, service(allowed_principals=["payments-team"]),
         "allowed_principals='payments-team': is not an account id or an IAM principal ARN.",
         "Use a 12-digit account id or an ARN like arn:aws:iam::210987654321:root."),
    case("service-principal-11-digits", SERVICE_MODULE, service(allowed_principals=["22222222222"]),
         "allowed_principals='22222222222': is not an account id or an IAM principal ARN.", "12-digit account id"),
    case("service-principal-wildcard", SERVICE_MODULE, service(allowed_principals=["*"]),
         "allowed_principals='*': would let every AWS account connect.", "set allow_any_principal=true if you mean it"),
    case("service-principal-wildcard-account", SERVICE_MODULE, service(allowed_principals=["arn:aws:iam::*:root"]),
         "allowed_principals='arn:aws:iam::*:root': is not an account id or an IAM principal ARN.", "12-digit"),
    case("share-owner-without-state-accepted", SHARE, {"name": "catalogue", "owner_account_id": "1111"},
         "owner_account_id='1111': is read with state=accepted only", "To accept the share from that account, set state=accepted",
         profile=B),
    case("share-principal-wildcard", SHARE, {"name": "catalogue", "principals": ["*"]},
         "principals[0]='*': is not an account id, organization, OU, role or user ARN.", "wildcards are not allowed"),
    case("share-principal-organization-bad-id", SHARE,
         {"name": "catalogue", "principals": [ACCOUNT_B, "arn:aws:organizations::111111111111:organization/o-bad"]},
         "principals[1]='arn:aws:organizations::111111111111:organization/o-bad': is not an organization ARN.",
         "the id o- and 10-32 lowercase letters or digits"),
    case("share-principal-ou-bad-id", SHARE,
         {"name": "catalogue", "principals": ["arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-bad"]},
         "principals[0]='arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-bad': is not an organizational unit ARN.",
         "arn:aws:organizations::MANAGEMENT-ACCOUNT:ou/o-ID/ou-ROOT-UNIT"),
    case("share-resource-of-another-region", SHARE, {"name": "catalogue", "principals": [ACCOUNT_B], "resource_arns": [OTHER_REGION_TGW]},
         f"resource_arns='{OTHER_REGION_TGW}': is in eu-west-1, and a resource share holds resources of its own region (us-east-1)."),
    case("share-resource-not-an-arn", SHARE, {"name": "catalogue", "resource_arns": [FAKE["tgw"]], "principals": [ACCOUNT_B]},
         f"resource_arns='{FAKE['tgw']}': is not an ARN.", "transit_gateway_arn"),
    # --- ports ---------------------------------------------------------------------------------
    case("nlb-name-internal", NLB, nlb(name="internal-x"),
         "name='internal-x': starts with internal-, which AWS refuses in a load balancer's name.",
         "Choose a name that does not start with internal-, for example x."),
    case("nlb-name-internal-check-mode", NLB, nlb(name="internal-x"), "name='internal-x': starts with internal-",
         check_mode=True),
    case("nlb-target-group-name-too-long", NLB, nlb(target_group_name="t" * 40),
         "target_group_name='tttttttttttttttttttttttttttttttttttttttt': is not a target group name.", "Use 1-32 letters"),
    case("nlb-listener-port-0", NLB, nlb(listener_port=0), "listener_port=0: is not a TCP port.", "Use a number from 1 to 65535."),
    # a value Ansible cannot read as the option's number: the collection's words, with a fix
    case("group-port-a-name", GROUP, group(ports=["https"]), "ports[0]='https': is not a whole number.",
         "Give TCP port numbers such as 443; ranges are not supported: list each port."),
    case("group-port-range", GROUP, group(ports=["8443-8445"]), "ports[0]='8443-8445': is not a whole number.",
         "Give TCP port numbers such as 443; ranges are not supported: list each port."),
    case("group-port-range-check-mode", GROUP, group(ports=[443, "8443-8445"]), "ports[1]='8443-8445': is not a whole number.",
         check_mode=True),
    case("nlb-listener-port-65536", NLB, nlb(listener_port=65536), "listener_port=65536: is not a TCP port.", "1 to 65535"),
    case("nlb-target-port-0", NLB, nlb(target_port=0), "target_port=0: is not a TCP port.", "Use a number from 1 to 65535."),
    case("nlb-listener-port-missing", NLB, nlb(listener_port=None), "listener_port=None: is required with state=present.",
         "Give the service's port."),
    # --- load balancer ARNs: an ALB (a real one, made in account A), a GWLB slot, another region
    # Emptied lists, often an unset variable: on a live service or endpoint they would strip it (the seventeenth trial's
    # ES09, EP09, EP10 were rc 0).
    case("service-nlbs-emptied", SERVICE_MODULE, service(network_load_balancer_arns=[]),
         "network_load_balancer_arns=[]: lists no load balancer, and an endpoint service needs one.",
         "leave the option out to keep the service's"),
    # A new endpoint without subnets to a service that does not exist: the service first (the seventeenth trial's EP15).
    case("endpoint-new-without-subnets-to-no-service", ENDPOINT, endpoint(vpc_id="@vpc_a", subnet_ids=None),
         f"service_name='{SERVICE}': does not exist, or does not allow this account.", reads=True),
    case("endpoint-subnets-emptied", ENDPOINT, endpoint(subnet_ids=[]),
         "subnet_ids=[]: lists no subnet, and an interface endpoint needs one at least.", "leave subnet_ids out to keep"),
    case("endpoint-groups-emptied", ENDPOINT, endpoint(security_group_ids=[]),
         "security_group_ids=[]: lists no security group, and an interface endpoint needs one at least.",
         "leave security_group_ids out to keep"),
    case("service-nlb-arn-is-an-alb", SERVICE_MODULE, service(network_load_balancer_arns=["@alb_arn"]),
         "network_load_balancer_arns='@alb_arn': is an Application Load Balancer.",
         "An endpoint service fronts a Network Load Balancer."),
    case("service-gwlb-arn-is-an-nlb", SERVICE_MODULE, service(network_load_balancer_arns=None,
                                                               gateway_load_balancer_arns=[NLB_ARN]),
         f"gateway_load_balancer_arns='{NLB_ARN}': is a Network Load Balancer.", "fronts a Gateway Load Balancer"),
    case("service-nlb-arn-other-region", SERVICE_MODULE, service(network_load_balancer_arns=[NLB_ARN.replace("us-east-1", "eu-west-1")]),
         "is in eu-west-1, not in us-east-1 where the service is made.", "Use a load balancer of the same region."),
    # --- service names ---------------------------------------------------------------------------
    case("endpoint-service-of-another-region", ENDPOINT, endpoint(service_name=SERVICE.replace("us-east-1", "eu-west-1")),
         "service_name='com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0': is a service in eu-west-1",
         "use region=eu-west-1 or the provider's service in us-east-1"),
    case("endpoint-service-name-is-an-id", ENDPOINT, endpoint(service_name=FAKE["vpce-svc"]),
         f"service_name='{FAKE['vpce-svc']}': is not an endpoint service name.", "Use the provider's service_name"),
    # --- credentials of one account missing, a region that does not exist ---------------------------
    case("profile-that-does-not-exist", ROUTE, route(), "profile='crossvpc-nope': is not a profile of the AWS config",
         "Check the name", profile="crossvpc-nope"),
    case("profile-typo-of-account-b", TGW, {"name": "catalogue"}, "profile='crossvpc-bb': is not a profile",
         "AWS_CONFIG_FILE", profile="crossvpc-bb"),
    case("region-that-does-not-exist", TGW, {"name": "catalogue"},
         "region='xx-fake-1': is not an AWS region that botocore", "CROSSVPC_EXTRA_REGIONS=xx-fake-1", region="xx-fake-1"),
    case("region-that-does-not-exist-check-mode", ENDPOINT, endpoint(), "region='xx-fake-1': is not an AWS region",
         "for example us-east-1", region="xx-fake-1", check_mode=True),
    case("peering-peer-region-that-does-not-exist", PEERING, peering(peer_region="eu-fake-1"),
         "peer_region='eu-fake-1': is not an AWS region that botocore", "CROSSVPC_EXTRA_REGIONS=eu-fake-1"),
    # --- tags and Name tags: keys 1-128 characters, not aws:, values up to 256 ------------------------
    case("tag-empty-key", TGW, {"name": "catalogue", "tags": {"": "x"}}, "tags['']='x': has an empty key.",
         "Give every tag a key of 1 to 128 characters."),
    case("tag-key-129-characters", ENDPOINT, endpoint(tags={"k" * 129: "v"}),
         "tags['%s']='v': has a key of 129 characters; AWS allows at most 128." % ("k" * 129), "Shorten the key."),
    case("tag-key-aws-prefix", PEERING, peering(tags={"AWS:owner": "me"}),
         "tags['AWS:owner']='me': has a key that starts with aws:", "Use a key without the aws: prefix."),
    case("tag-value-257-characters", GROUP, group(tags={"team": "v" * 257}),
         "tags['team']='%s': is 257 characters; AWS allows at most 256 in a tag value." % ("v" * 257)),
    case("tag-value-a-number", NLB, nlb(tags={"cost_center": 1234}), "tags['cost_center']=1234: is not text",
         "Quote the value"),
    case("name-tag-257-characters", SERVICE_MODULE, service(name="n" * 257),
         "name='%s': is 257 characters; AWS allows at most 256 in a Name tag." % ("n" * 257)),
    case("attach-name-tag-257-characters", ATTACH, attach({"vpc_id": FAKE["vpc"], "subnet_ids": [FAKE["subnet"]],
                                                           "name": "n" * 257}),
         "attachments[0].name='%s': is 257 characters" % ("n" * 257), "in a Name tag"),
    case("share-tag-aws-prefix", SHARE, {"name": "catalogue", "principals": [ACCOUNT_B], "tags": {"aws:x": "y"}},
         "tags['aws:x']='y': has a key that starts with aws:"),
    case("table-of-a-gateway-that-does-not-exist", TABLE, table(), f"transit_gateway_id='{FAKE['tgw']}': no such transit gateway "
         "visible to this account and region.", reads=True),
    case("table-tag-empty-key", TABLE, table(tags={"": ""}), "tags['']='': has an empty key."),
    case("table-route-to-a-name-without-names", TABLE, table({"destination_cidr": "10.9.0.0/16", "attachment_name": "vpc-c"}),
         "routes[0].attachment_name='vpc-c': is not the name of any attachment.",
         "Map the name to its attachment in attachment_names, for example attachment_names: {vpc-c: tgw-attach-"),
    # --- security groups: name and description as CreateSecurityGroup takes them, a usable VPC -------
    case("group-description-256-characters", GROUP, group(description="d" * 256),
         "description='%s': is 256 characters; AWS allows at most 255 in a security group description." % ("d" * 256)),
    case("group-description-apostrophe", GROUP, group(description="the clients' port"),
         "description=\"the clients' port\": has characters AWS does not allow in a security group description: \"'\"",
         "Use only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"),
    case("group-name-256-characters", GROUP, group(name="g" * 256), "name='%s': is not a valid security group name."
         % ("g" * 256), "Use 1 to 255 characters"),
    case("group-in-a-vpc-of-account-b", GROUP, group(vpc_id="@vpc_b"),
         "vpc_id='@vpc_b': no such VPC in this account and region.", FIX_ACCOUNT, reads=True),
    # --- endpoint services: a private DNS name that is a domain name, load balancers that exist -------
    case("service-private-dns-underscore", SERVICE_MODULE, service(private_dns_name="api_v1.example.com"),
         "private_dns_name='api_v1.example.com': has the label 'api_v1'", "Give a domain name you own"),
    case("service-private-dns-one-label", SERVICE_MODULE, service(private_dns_name="payments"),
         "private_dns_name='payments': is not a fully qualified domain name", "like api.example.com"),
    case("service-private-dns-wildcard", SERVICE_MODULE, service(private_dns_name="*.example.com"),
         "private_dns_name='*.example.com': is a wildcard name", "Give the exact name"),
    case("service-nlb-that-does-not-exist", SERVICE_MODULE, service(),
         f"network_load_balancer_arns='{NLB_ARN}': no such load balancer in this account and region.",
         "Check the ARN", reads=True),
    case("service-nlb-that-does-not-exist-check-mode", SERVICE_MODULE, service(),
         f"network_load_balancer_arns='{NLB_ARN}': no such load balancer in this account and region.",
         "Check the ARN", reads=True, check_mode=True),
    # --- interface endpoints: each subnet once, a policy that is JSON --------------------------------
    case("endpoint-same-subnet-twice", ENDPOINT, endpoint(subnet_ids=[FAKE["subnet"], FAKE["subnet"]]),
         f"subnet_ids='{FAKE['subnet']}': is listed twice.", "List each one once."),
    case("endpoint-policy-not-json", ENDPOINT, endpoint(policy="{Statement: allow all}"),
         "policy='{Statement: allow all}': is not JSON", "Give the policy as a YAML mapping or as a JSON object"),
    # --- peering another account's VPC without its CIDRs ----------------------------------------------
    case("peering-cross-account-without-peer-cidrs", PEERING, {"vpc_id": "@vpc_a", "peer_vpc_id": "@vpc_b",
                                                               "peer_owner_id": ACCOUNT_B},
         f"peer_vpc_cidrs=None: is required to request peering with @vpc_b of account {ACCOUNT_B}",
         "Give peer_vpc_cidrs, the peer VPC's IPv4 CIDR blocks", reads=True),
    # --- a list of mappings (or a mapping) given as a string --------------------------------------------
    case("attach-attachments-a-string", ATTACH, attach(attachments=FAKE["vpc"]),
         f"attachments='{FAKE['vpc']}': is not a list of mappings", "ansible-doc crossvpc.aws.transit_gateway_attachment"),
    case("table-routes-a-string", TABLE, table(routes="10.9.0.0/16"), "routes='10.9.0.0/16': is not a list of mappings"),
    # --- conflicting options -----------------------------------------------------------------------
    case("route-two-targets", ROUTE, route(transit_gateway_id=FAKE["tgw"]),
         "vpc_peering_connection_id and transit_gateway_id: given together (vpc_peering_connection_id=", "Give only one of"),
    case("route-tables-and-vpc", ROUTE, route(route_table_ids=[FAKE["rtb"]]),
         f"route_table_ids and vpc_id: given together (route_table_ids=['{FAKE['rtb']}'], vpc_id=", "Give only one of"),
    case("connection-endpoints-and-accounts", CONNECTION, {"service_id": FAKE["vpce-svc"], "vpc_endpoint_ids": [FAKE["vpce"]],
                                                           "consumer_accounts": [ACCOUNT_B]},
         "vpc_endpoint_ids and consumer_accounts: given together", "Give only one of vpc_endpoint_ids, consumer_accounts."),
    case("attach-subnet-ids-and-names", ATTACH, attach({"vpc_id": FAKE["vpc"], "subnet_ids": [FAKE["subnet"]],
                                                        "subnet_names": ["private-1"]}),
         "attachments[0]=", "has both subnet_ids and subnet_names.", "Give one of them."),
    case("attach-vpc-id-and-name", ATTACH, attach({"vpc_id": FAKE["vpc"], "vpc_name": "lab", "subnet_ids": [FAKE["subnet"]]}),
         "attachments[0]=", "needs exactly one of vpc_id and vpc_name.", "Name the VPC one way."),
    case("tgw-route-attachment-and-blackhole", TABLE, table({"destination_cidr": "10.9.0.0/16", "blackhole": True,
                                                             "attachment_id": FAKE["tgw-attach"]}),
         "routes[0]=", "needs exactly one target: attachment_name, attachment_id or blackhole=true.", "Route the range to a spoke"),
    # --- ASNs ------------------------------------------------------------------------------------
    case("tgw-asn-64511", TGW, {"name": "catalogue", "amazon_side_asn": 64511},
         "amazon_side_asn=64511: is not a private ASN AWS accepts.", "Use 64512-65534 or 4200000000-4294967294."),
    case("tgw-asn-4294967295", TGW, {"name": "catalogue", "amazon_side_asn": 4294967295},
         "amazon_side_asn=4294967295: is not a private ASN", "Use 64512-65534"),
    case("tgw-asn-not-a-number", TGW, {"name": "catalogue", "amazon_side_asn": "abc"},
         "amazon_side_asn='abc': is not a whole number.", "Give a private ASN number, 64512-65534 or 4200000000-4294967294."),
    # --- account ids ---------------------------------------------------------------------------
    case("peering-owner-11-digits", PEERING, peering(peer_owner_id="22222222222"),
         "peer_owner_id='22222222222': is not an AWS account id.", "Use the 12-digit id of the account that owns peer_vpc_id."),
    case("connection-consumer-account-a-name", CONNECTION, {"service_id": FAKE["vpce-svc"], "consumer_accounts": ["account-b"]},
         "consumer_accounts='account-b': is not an AWS account id.", "Use the 12-digit id of the AWS account."),
    case("share-accept-owner-with-letter", SHARE, {"name": "catalogue", "state": "accepted", "owner_account_id": "11111111111a"},
         "owner_account_id='11111111111a': is not an AWS account id.", "Give the 12-digit id of the account that shares"),
    case("attach-accept-account-too-short", ATTACH, {"transit_gateway_id": FAKE["tgw"], "state": "accepted", "account_ids": ["2222"]},
         "account_ids='2222': is not an AWS account id.", "12-digit"),
    # --- timeouts ------------------------------------------------------------------------------
    case("peering-timeout-0", PEERING, peering(wait_timeout=0), "wait_timeout=0: must be positive.", "Give a number of seconds"),
    case("tgw-timeout-negative", TGW, {"name": "catalogue", "wait_timeout": -5}, "wait_timeout=-5: must be positive.",
         "Give a number of seconds"),
    case("endpoint-timeout-0", ENDPOINT, endpoint(wait_timeout=0), "wait_timeout=0: must be positive.", "Give a number of seconds"),
    case("nlb-timeout-0", NLB, nlb(wait_timeout=0), "wait_timeout=0: must be positive.", "Give a number of seconds"),
    case("connection-timeout-0", CONNECTION, {"service_id": FAKE["vpce-svc"], "consumer_accounts": [ACCOUNT_B], "wait_timeout": 0},
         "wait_timeout=0: must be positive.", "Give a number of seconds"),
    case("share-timeout-0", SHARE, {"name": "catalogue", "principals": [ACCOUNT_B], "wait_timeout": 0},
         "wait_timeout=0: must be positive.", "Give a number of seconds"),
    case("attach-timeout-not-a-number", ATTACH, attach(wait_timeout="soon"), "wait_timeout='soon': is not a whole number.",
         "Write it as digits only, without units or words (the option is an int; see ansible-doc "
         "crossvpc.aws.transit_gateway_attachment)."),
    # --- absent (and deciding) without the identifiers ---------------------------------------------
    case("service-absent-without-name-or-id", SERVICE_MODULE, {"state": "absent"},
         "name or service_id: none is given", "Give one (ansible-doc crossvpc.aws.vpc_endpoint_service says what each does)."),
    case("attach-absent-without-attachments", ATTACH, {"transit_gateway_id": FAKE["tgw"], "state": "absent"},
         "attachments=None: is empty.", "List the VPCs to detach in attachments"),
    case("route-absent-without-tables", ROUTE, {"state": "absent", "destination_cidrs": ["10.1.0.0/16"]},
         "route_table_ids or vpc_id: none is given", "Give one"),
    case("route-subnets-without-vpc", ROUTE, {"subnet_ids": [FAKE["subnet"]], "destination_cidrs": ["10.1.0.0/16"], "transit_gateway_id": FAKE["tgw"]},
         f"subnet_ids=['{FAKE['subnet']}']: is given without vpc_id, which it needs.",
         "Give vpc_id too (ansible-doc crossvpc.aws.vpc_route says what each does)."),
    case("endpoint-absent-without-vpc", ENDPOINT, {"name": "catalogue", "state": "absent"},
         "missing required arguments: vpc_id"),
    case("endpoint-without-service", ENDPOINT, {"name": "catalogue", "vpc_id": FAKE["vpc"]},
         "service_name: not given, and state=present needs it.", "Give service_name (ansible-doc crossvpc.aws.vpc_endpoint"),
    case("attach-reject-without-ids", ATTACH, {"transit_gateway_id": FAKE["tgw"], "state": "rejected"},
         "state='rejected': needs the attachments to decide on.", "Give vpc_ids, account_ids or attachment_ids."),

    # --- roles: argument specs and the checks before their first module ------------------------
    role("provider-port-70000", "privatelink_provider", dict(PROVIDER, privatelink_provider_port=70000),
         "privatelink_provider_port=70000: is not a TCP port.", "Use a number from 1 to 65535."),
    role("provider-port-0-with-nlb-arn", "privatelink_provider", dict(PROVIDER, privatelink_provider_port=0,
                                                                      privatelink_provider_nlb_arn=NLB_ARN),
         "privatelink_provider_port=0: is not a TCP port.", "Use a number from 1 to 65535."),
    role("provider-port-not-a-number", "privatelink_provider", dict(PROVIDER, privatelink_provider_port="https"),
         "Validation of arguments failed", "privatelink_provider_port", "int"),
    role("provider-state-unknown", "privatelink_provider", dict(PROVIDER, privatelink_provider_state="gone"),
         "Validation of arguments failed", "privatelink_provider_state", "present, absent"),
    role("provider-consumers-missing", "privatelink_provider",
         {k: v for k, v in PROVIDER.items() if k != "privatelink_provider_consumer_accounts"},
         "Validation of arguments failed", "missing required arguments: privatelink_provider_consumer_accounts"),
    role("provider-consumer-wildcard", "privatelink_provider", dict(PROVIDER, privatelink_provider_consumer_accounts=["*"]),
         "privatelink_provider_consumer_accounts=['*']", "12-digit AWS account ids"),
    role("consumer-wait-for-unknown", "privatelink_consumer", {"privatelink_consumer_name": "catalogue",
                                                               "privatelink_consumer_wait_for": "ready"},
         "Validation of arguments failed", "privatelink_consumer_wait_for", "pendingAcceptance, available, none"),
    role("lab-workload-unknown", "lab", {"lab_name": "catalogue", "lab_workload": "k8s", "aws_region": "us-east-1"},
         "Validation of arguments failed", "lab_workload", "eks, ecs"),
    role("lab-peer-vpc-without-cidr", "lab", {"lab_name": "catalogue", "lab_workload": "eks", "aws_region": "us-east-1",
                                              "lab_peer_vpc": {"name": "catalogue-peer"}},
         "Validation of arguments failed", "required together", "lab_peer_vpc"),
    role("hub-spoke-account-too-short", "transit_gateway_hub", {"transit_gateway_hub_spoke_accounts": ["2222"]},
         "transit_gateway_hub_spoke_accounts=['2222']", "12-digit AWS account ids"),
    role("hub-asn-not-a-number", "transit_gateway_hub", {"transit_gateway_hub_asn": "private"},
         "Validation of arguments failed", "transit_gateway_hub_asn", "int"),
    role("hub-asn-out-of-range", "transit_gateway_hub", {"transit_gateway_hub_asn": 100},
         "amazon_side_asn=100: is not a private ASN AWS accepts.", "Use 64512-65534"),
    role("spoke-gateway-missing", "transit_gateway_spoke", {"transit_gateway_spoke_vpcs": []},
         "transit_gateway_spoke_gateway={}: needs transit_gateway_id, owner_id and share_name.",
         "Pass the hub's transit_gateway_hub_gateway"),
    # --- names and ids that resolve to nothing, found with read calls only -----------------------
    case("group-source-id-that-does-not-exist", GROUP, group(vpc_id="@vpc_a", source_security_group_ids=[FAKE["sg"]]),
         "source_security_group_ids='%s': no such security group in this account and region." % FAKE["sg"],
         reads=True),
    case("share-resource-that-does-not-exist", SHARE,
         {"name": "catalogue", "principals": [ACCOUNT_B], "resource_arns": ["arn:aws:ec2:us-east-1:111111111111:transit-gateway/" + FAKE["tgw"]]},
         "transit-gateway/%s': no such transit gateway in this account and region." % FAKE["tgw"], reads=True),
    case("share-resource-of-another-account", SHARE,
         {"name": "catalogue", "principals": [ACCOUNT_B], "resource_arns": ["arn:aws:ec2:us-east-1:%s:transit-gateway/%s" % (ACCOUNT_B, FAKE["tgw"])]},
         "is not a resource of this account (111111111111)", reads=True),
    case("attach-accept-account-without-attachment", ATTACH, {"transit_gateway_id": "@tgw", "state": "accepted",
                                                              "account_ids": [ACCOUNT_B], "wait_timeout": 5},
         "account_ids: %s has no attachment to @tgw" % ACCOUNT_B, reads=True),
    case("vpc-info-name-that-matches-nothing", "crossvpc.aws.vpc_info", {"names": ["catalogue-a", "catalogue-nope"]},
         "names='catalogue-nope': matches no VPC in this account and region.", reads=True),
    case("vpc-info-id-that-matches-nothing", "crossvpc.aws.vpc_info", {"vpc_ids": [FAKE["vpc"]]},
         "vpc_ids='%s': matches no VPC" % FAKE["vpc"], reads=True),
    case("connection-of-a-service-that-does-not-exist", CONNECTION, {"service_id": FAKE["vpce-svc"],
                                                                     "consumer_accounts": [ACCOUNT_B]},
         "service_id='%s': no such endpoint service in this account and region." % FAKE["vpce-svc"], reads=True),
    case("tgw-name-tag-other-than-name", TGW, {"name": "catalogue", "tags": {"Name": "other"}},
         "tags['Name']='other': differs from name='catalogue'", "Drop Name from tags"),
    case("endpoint-name-tag-other-than-name", ENDPOINT, endpoint(tags={"Name": "other"}),
         "tags['Name']='other': differs from name='catalogue'"),
    role("peering-allowed-port-not-a-number", "vpc_peering", {"vpc_peering_peer": {}, "vpc_peering_allowed_ports": ["https"]},
         "Validation of arguments failed", "vpc_peering_allowed_ports", "int", tasks_from="accept"),
]

CASE_IDS = [c.id for c in CASES]


def fill(value, world):
    """Replace "@name" (whole values and inside strings) with the fixture's ids."""
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [fill(v, world) for v in value]
    if isinstance(value, str):
        return re.sub(r"@(\w+)", lambda m: world.get(m.group(1), m.group(0)), value)
    return value


@pytest.fixture(scope="module")
def world(localaws):
    """Account A: a VPC with two subnets in us-east-1a and one in 1b, an overlapping VPC and a real
    ALB; account B: a VPC and subnet. Made with boto3, not with the modules under test."""
    ec2_a, ec2_b = localaws.client("ec2", A), localaws.client("ec2", B)

    def vpc(ec2, cidr, name):
        vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [
            {"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
        return vpc_id

    def subnet(ec2, vpc_id, cidr, zone):
        return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]

    ids = {"vpc_a": vpc(ec2_a, "10.50.0.0/16", "catalogue-a"),
           "vpc_overlap": vpc(ec2_a, "10.50.128.0/17", "catalogue-overlap"),
           "vpc_b": vpc(ec2_b, "10.60.0.0/16", "catalogue-b")}
    ids["subnet_a1"] = subnet(ec2_a, ids["vpc_a"], "10.50.1.0/24", "us-east-1a")
    ids["subnet_a2"] = subnet(ec2_a, ids["vpc_a"], "10.50.2.0/24", "us-east-1b")
    ids["subnet_a1b"] = subnet(ec2_a, ids["vpc_a"], "10.50.3.0/24", "us-east-1a")
    ids["subnet_b"] = subnet(ec2_b, ids["vpc_b"], "10.60.1.0/24", "us-east-1a")
    elb = localaws.client("elbv2", A)
    [alb] = elb.create_load_balancer(Name="catalogue-alb", Subnets=[ids["subnet_a1"], ids["subnet_a2"]],
                                     Scheme="internal", Type="application")["LoadBalancers"]
    ids["alb_arn"] = alb["LoadBalancerArn"]
    ids["tgw"] = ec2_a.create_transit_gateway(Description="catalogue")["TransitGateway"]["TransitGatewayId"]
    assert ":loadbalancer/app/" in ids["alb_arn"]
    return ids


def task_for(spec, index, world):
    name = f"case {index}"
    if "module" in spec:
        args = dict(fill(spec["args"], world), profile=spec["profile"], region=spec["region"])
        task = {"name": name, spec["module"]: args, "ignore_errors": True}
        if spec["check_mode"]:
            task["check_mode"] = True
        return [task]
    include = {"name": spec["role"], "tasks_from": spec["tasks_from"]}
    return [{"name": f"block {index}", "block": [
        {"name": f"include {index}", "ansible.builtin.include_role": include, "vars": fill(spec["vars"], world)},
        {"name": f"not refused {index}", "ansible.builtin.set_fact": {"catalogue_unrefused": True}}],
        "rescue": [{"name": name, "ansible.builtin.debug": {"msg": {
            "failed": True, "msg": "{{ ansible_failed_result.msg | default('') }}",
            "task": "{{ ansible_failed_task.name | default('') }}"}}}]}]


def mark_task(index):
    """Record the call log's last sequence number: a lookup on the controller, not an AWS call."""
    return {"name": f"mark {index}", "ansible.builtin.set_fact": {
        f"catalogue_mark_{index}": "{{ lookup('ansible.builtin.url', lookup('ansible.builtin.env', 'LOCALAWS_URL') "
                                   "~ '/_localaws/calls?since=999999999999') }}"}}


def mark_of(fact):
    """The "last" sequence number in the lookup's answer (the url lookup joins JSON lines with commas)."""
    return int(fact["last"]) if isinstance(fact, dict) else int(re.search(r'"last": *(\d+)', fact).group(1))


def in_process(spec):
    """Whether the case can run without Ansible: one crossvpc.aws module with no action plugin (it
    would run on the controller first) and no Jinja in its arguments (Ansible would template it)."""
    return (MODULES_IN_PROCESS and spec.get("module", "").startswith("crossvpc.aws.")
            and not (REPO / "plugins" / "action" / (spec["module"].split(".")[-1] + ".py")).exists()
            and not re.search(r"{{|{%", json.dumps(spec["args"])))


def run_playbook(cases, localaws, ansible, world, directory):
    """Run ``cases`` [(case id, spec)] in one playbook; return {case id: (result, calls of that case)}."""
    tasks = [mark_task(0)]
    for index, (_case_id, spec) in enumerate(cases, start=1):
        tasks += task_for(spec, index, world) + [mark_task(index)]
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "module_defaults": {"group/crossvpc.aws.aws": {"profile": A, "region": "us-east-1"}},
             "tasks": tasks}]
    playbook = directory / "catalogue.yml"
    playbook.write_text(json.dumps(play, indent=1))
    run = ansible(playbook, inventory="localhost,", extra_vars={"ansible_python_interpreter": sys.executable})
    assert run.output, f"the catalogue playbook did not run:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    marks = [mark_of(run.result(f"mark {i}")["ansible_facts"][f"catalogue_mark_{i}"]) for i in range(len(cases) + 1)]
    calls = localaws.control.calls(marks[0])
    results = {}
    for index, (case_id, _spec) in enumerate(cases, start=1):
        try:
            result = run.result(f"case {index}")
            if result.get("action") == "ansible.builtin.debug":  # a role's rescue: what failed in the role
                result = result["msg"]
        except KeyError:
            result = {"failed": False, "msg": "(not refused: the case ran through)"}
        results[case_id] = (result, [c for c in calls if marks[index - 1] < c["seq"] <= marks[index]])
    return results


@pytest.fixture(scope="module")
def catalogue(localaws, ansible, world, tmp_path_factory):
    """Run every case; return {case id: (result, calls of that case)}, all calls, and the time taken."""
    cases = [(c.id, c.values[0]) for c in CASES]
    started, first = time.monotonic(), localaws.control.mark()
    results = {}
    for case_id, spec in cases:
        if in_process(spec):
            before = localaws.control.mark()
            args = dict(fill(spec["args"], world), profile=spec["profile"], region=spec["region"])
            result = run_module_in_process(localaws, spec["module"], args, check=spec["check_mode"])
            results[case_id] = (result, localaws.control.calls(before))
    rest = [(case_id, spec) for case_id, spec in cases if case_id not in results]
    if rest:
        results.update(run_playbook(rest, localaws, ansible, world, tmp_path_factory.mktemp("catalogue")))
    elapsed = time.monotonic() - started
    calls = localaws.control.calls(first)
    print(f"\ncatalogue: {len(CASES)} cases ({len(CASES) - len(rest)} in process, {len(rest)} in the playbook) "
          f"in {elapsed:.1f}s, {len(calls)} calls, {sum(c['mutating'] for c in calls)} mutating")
    for case_id, (_result, mine) in results.items():
        if mine:
            print(f"  {case_id}: {len(mine)} calls ({sum(c['mutating'] for c in mine)} mutating): "
                  + ", ".join(f"{c['account']} {c['action']}" for c in mine))
    return {"results": results, "calls": calls, "elapsed": elapsed}


def test_catalogue_is_big_enough():
    assert len(CASES) >= 106 and len(set(CASE_IDS)) == len(CASE_IDS)
    assert len([c for c in CASES if "role" in c.values[0]]) >= 8


def test_the_whole_catalogue_changes_nothing(catalogue, localaws, world):
    assert [(c["account"], c["action"]) for c in catalogue["calls"] if c["mutating"]] == []
    # Nothing the catalogue names exists, beyond the fixture's own resources.
    elb = localaws.client("elbv2", A)
    assert [lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]
            if lb["LoadBalancerName"].startswith("catalogue")] == ["catalogue-alb"]


@pytest.mark.parametrize("spec", CASES)
def test_bad_input_is_refused_clearly(catalogue, world, spec, request):
    result, calls = catalogue["results"][request.node.callspec.id]
    message = result.get("msg") or ""
    assert result.get("failed") is True, result
    for expected in spec["expected"]:
        assert fill(expected, world) in message, message
    # ansible-core 2.19 puts "(traceback unavailable)" in every failed result; a real one would be shown with -vvv.
    assert "Traceback" not in message and "Traceback" not in str(result.get("exception", "")), result
    assert [(c["account"], c["action"]) for c in calls if c["mutating"]] == []
    if not spec["reads"]:
        assert [(c["account"], c["action"]) for c in calls] == [], "refused only after calls"
