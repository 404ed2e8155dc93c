"""EC2: PrivateLink, VPC peering and Transit Gateway across accounts, as AWS does them and moto does not.

PrivateLink. Moto keeps each account's endpoint services and endpoints apart and never connects them. Here:

- An endpoint service is visible to, and usable by, the accounts its allowed principals name (or
  everyone, with ``*``); the provider always sees its own. Moto lists only the caller's own
  services and lets an endpoint be made to any service name.
- An interface endpoint to a service that requires acceptance starts ``pendingAcceptance``. The
  provider sees the connections from every account and accepts or rejects them (moto has none of
  the connection actions); a service with live connections cannot be deleted.
- ClientToken makes CreateVpcEndpoint and CreateVpcEndpointServiceConfiguration idempotent.
- DescribeVpcEndpointServiceConfigurations honours Filters (DescribeVpcEndpointServices no
  longer crashes on them); services report their Tags;
  ModifyVpcEndpoint applies PrivateDnsEnabled and ModifyVpcEndpointServiceConfiguration applies
  RemovePrivateDnsName.
- A service's private DNS name starts ``pendingVerification``, with a TXT record to publish (a
  ``_<random>`` name and a ``vpce:<random>`` value; a new name gets a new record), and consumers see
  PrivateDnsNameVerificationState. StartVpcEndpointServicePrivateDnsVerification makes it
  ``verified``: the local AWS has no public DNS to look the record up in, so it takes it as
  published. Moto answered ``verified`` at once, with a placeholder record.
- DescribeVpcEndpointServicePermissions gives each AllowedPrincipal its PrincipalType (``All``,
  ``Account``, ``Role``, ``User``, ``Service``, ``OrganizationUnit``), ServicePermissionId and
  ServiceId, and honours its filters; ModifyVpcEndpointServicePermissions answers AddedPrincipals.
  Moto gave the Principal alone.

VPCs. A DescribeVpcs filter AWS does not have is ``InvalidParameterValue`` ("The filter 'x' is
invalid", HTTP 400), as on AWS, where moto answered HTTP 500; moto keeps filtering on the real ones.

Security groups. A group still in use is not deleted (``DependencyViolation``, "resource sg-...
has a dependent object"): referenced by another group's rule, in any account, or held by a live
interface endpoint, a network interface, a running instance or a load balancer. A rule may name
another VPC's group (another account's, by UserId) only across an active peering of the two VPCs,
otherwise ``InvalidGroup.NotFound`` ("... belong to different networks"). Moto deleted any group,
and took any group of the caller's account and none of another's.

DryRun. An EC2 request with DryRun=true that IAM enforcement lets through is answered
``DryRunOperation`` (HTTP 412) and not made, reads included; one it refuses stays
``UnauthorizedOperation``. Moto ignored the flag on most actions and made the request.

VPC peering. Moto registers one connection object with the requester's backend and, across
accounts or regions, the accepter's; it compares no CIDRs and checks few rights. Here:

- A request between VPCs whose CIDR blocks overlap (any of either VPC's, secondary ones included)
  is ``failed`` with AWS's message, seen by the requester only, and can be neither accepted nor
  deleted.
- DescribeVpcPeeringConnections honours Filters, and an id the caller cannot see is
  ``InvalidVpcPeeringConnectionID.NotFound`` (AWS's spelling, for every action); an account
  outside the connection sees nothing of it.
- Tags belong to the account and region that set them: each side sees and filters on its own.
- ModifyVpcPeeringConnectionOptions: each side changes only its own options, only while
  ``active``; they show in Describe and in the response.
- Only the requester may delete a ``pending-acceptance`` request (the accepter rejects it);
  ``failed``, ``rejected`` and ``deleted`` ones cannot be deleted. Create answers
  ``initiating-request``; Describe then shows ``pending-acceptance`` with its ExpirationTime.

Transit Gateway. Moto keeps TGWs, attachments and route tables per account and loses most routing
state (static route targets, propagated routes, re-associations). Here (with ``localaws.ram``):

- Another account sees a TGW (DescribeTransitGateways, OwnerId the owner's) and attaches its own
  VPCs to it only through an accepted RAM share, otherwise ``InvalidTransitGatewayID.NotFound``;
  its VPC route tables may route to it. Both accounts describe the attachment (VpcOwnerId and
  ResourceOwnerId the VPC owner's, TransitGatewayOwnerId the TGW owner's); tags are per account.
- Attachments answer ``pending`` and are ``available`` at once, unless from another account to a
  TGW without AutoAcceptSharedAttachments: then ``pendingAcceptance`` until the TGW owner (only)
  accepts or rejects (``rejected``). On becoming available the TGW's default association and
  propagation apply, where enabled. Deleted ones stay listed as ``deleted``.
- A TGW with both default association and propagation disabled has no default route table.
- An attachment has at most one association (``Resource.AlreadyAssociated``); propagations yield
  ``propagated`` routes for the VPC's CIDRs; static routes keep their attachment, blackholes are
  ``blackhole``, a duplicate is ``RouteAlreadyExists``; Replace/Delete need an existing route.
- Describe, Search and Get filters are honoured (unknown ones are ``InvalidParameterValue``);
  TagSpecifications are applied on every create; unknown ids give AWS's NotFound codes; a TGW
  with live attachments or a route table with associations is not deleted (``IncorrectState``);
  a VPC attaches once per TGW (``DuplicateTransitGatewayAttachment``); Modify applies subnets and
  options.
"""

import inspect
import ipaddress
import re
from datetime import timedelta

# Endpoint states in which a connection holds its service (AWS refuses to delete the service).
LIVE_STATES = ("pendingAcceptance", "pending", "available")
CONNECTION_FILTERS = {"service-id": "ServiceId", "vpc-endpoint-id": "VpcEndpointId",
                      "vpc-endpoint-owner": "VpcEndpointOwner",
                      "vpc-endpoint-state": "VpcEndpointState",
                      "ip-address-type": "IpAddressType",
                      "vpc-endpoint-region": "VpcEndpointRegion"}
CONFIGURATION_FILTERS = ("service-name", "service-id", "service-state", "tag-key")


# --- Looking across accounts -------------------------------------------------------------------

def _region_backends(region):
    """The EC2 backend of every account that already has one in ``region`` (none are created)."""
    from moto.ec2.models import ec2_backends

    for regions in list(ec2_backends.values()):
        if region in list(regions.keys()):
            yield regions[region]


def _services(region):
    for backend in _region_backends(region):
        yield from list(backend.configurations.values())


def _service_named(name, region):
    return next((s for s in _services(region) if s.service_name == name), None)


def _may_use(service, account_id):
    """Whether ``account_id`` may see and connect to ``service``, as its allowed principals say."""
    if service.ec2_backend.account_id == account_id:
        return True
    # Principals are "*" or ARNs (arn:aws:iam::ACCOUNT:root, :role/x, :user/x): the account
    # field is what counts.
    return any(p == "*" or p.split(":")[4:5] == [account_id] for p in service.principals)


def _endpoints_of(service):
    """Endpoints in any account connected to ``service`` (deleted ones are gone, as on AWS)."""
    return [endpoint
            for backend in _region_backends(service.ec2_backend.region_name)
            for endpoint in list(backend.vpc_end_points.values())
            if endpoint.service_name == service.service_name and endpoint.state != "deleted"]


def _failure(resource_id, code, message):
    return {"ResourceId": resource_id, "Error": {"Code": code, "Message": message}}


def _mismatch():
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError("IdempotentParameterMismatch",
                          "The client token has already been used with different parameters.")


# --- Models: visibility, endpoint creation -----------------------------------------------------

def _patch_models():
    from moto.ec2.exceptions import InvalidServiceName
    from moto.ec2.models.vpc_service_configuration import VPCServiceConfiguration
    from moto.ec2.models.vpcs import VPCBackend
    from moto.ec2.utils import random_id, random_resource_id

    original_to_dict = VPCServiceConfiguration.to_dict

    def to_dict(self):
        # The ServiceDetail consumers see: with Tags, without a null private DNS name.
        detail = original_to_dict(self)
        detail["Tags"] = [{"Key": t["key"], "Value": t["value"]} for t in self.get_tags()]
        if not self.private_dns_name:
            del detail["PrivateDnsName"], detail["PrivateDnsNames"]
        else:
            detail["PrivateDnsNameVerificationState"] = self.private_dns_name_configuration["State"]
        return detail

    def private_dns_name_configuration(self):
        # AWS: the record that proves the provider owns the name, one per name, pending until verified.
        if not self.private_dns_name:
            return {}
        record = getattr(self, "dns_record", None)
        if record is None or record["for"] != self.private_dns_name:
            record = self.dns_record = {"for": self.private_dns_name, "State": "pendingVerification", "Type": "TXT",
                                        "Name": "_" + random_resource_id(20), "Value": "vpce:" + random_resource_id(20)}
        return dict((k, v) for k, v in record.items() if k != "for")

    original_defaults = VPCBackend._collect_default_endpoint_services

    def collect_default_endpoint_services(account_id, region):
        # Moto's DescribeVpcEndpointServices lists these defaults plus the caller's own services,
        # and answers InvalidServiceName for any name not among them; so adding the other
        # accounts' services this account may use here gives AWS's view. (The defaults are a
        # shared cached list: build a new one.)
        shared = [s.to_dict() for s in _services(region)
                  if s.ec2_backend.account_id != account_id and _may_use(s, account_id)]
        return original_defaults(account_id, region) + shared

    original_filter = VPCBackend._filter_endpoint_services

    def filter_endpoint_services(service_names, filters, services):
        # Moto reads filter["Value"] where the request has "Values" (a KeyError, HTTP 500).
        filters = [dict(f, Value=f.get("Values", [])) for f in filters]
        return original_filter(service_names, filters, services)

    original_create = VPCBackend.create_vpc_endpoint
    signature = inspect.signature(original_create)

    def create_vpc_endpoint(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs)
        call.apply_defaults()
        a = call.arguments
        if a["client_token"]:
            made = next((e for e in list(self.vpc_end_points.values())
                         if e.client_token == a["client_token"] and e.state != "deleted"), None)
            if made:
                asked = (a["vpc_id"], a["service_name"], a["endpoint_type"],
                         sorted(a["subnet_ids"] or []))
                if asked != (made.vpc_id, made.service_name, made.vpc_endpoint_type,
                             sorted(made.subnet_ids or [])):
                    raise _mismatch()
                return made
        service = _service_named(a["service_name"], self.region_name)
        interface = (a["endpoint_type"] or "").lower() == "interface"
        # AWS-managed names (com.amazonaws.REGION.s3, ...) keep moto's behaviour.
        if interface and a["service_name"].startswith("com.amazonaws.vpce.") and (
                service is None or not _may_use(service, self.account_id)):
            raise InvalidServiceName(a["service_name"])
        endpoint = original_create(*call.args, **call.kwargs)
        if service is not None:
            endpoint.connection_id = random_id(prefix="vpce-con")
            # AWS names it ENDPOINT-RANDOM.SERVICE_ID.REGION.vpce.amazonaws.com (moto: under the
            # service name, which is not a DNS name clients could resolve).
            endpoint.dns_entries = [dict(entry, dns_name="%s-%s.%s.%s.vpce.amazonaws.com" % (
                endpoint.id, random_resource_id(8), service.id, self.region_name))
                for entry in endpoint.dns_entries]
            if service.acceptance_required:
                endpoint.state = "pendingAcceptance"
        return endpoint

    VPCServiceConfiguration.to_dict = to_dict
    VPCServiceConfiguration.private_dns_name_configuration = property(private_dns_name_configuration)
    VPCBackend._collect_default_endpoint_services = staticmethod(collect_default_endpoint_services)
    VPCBackend._filter_endpoint_services = staticmethod(filter_endpoint_services)
    VPCBackend.create_vpc_endpoint = create_vpc_endpoint


# --- Responses: service configurations ---------------------------------------------------------

def _patch_configuration_responses(response):
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import EC2ClientError, InvalidFilter, UnknownVpcEndpointService
    from moto.ec2.utils import generic_filter

    original_create = response.create_vpc_endpoint_service_configuration
    original_modify = response.modify_vpc_endpoint_service_configuration

    def create_vpc_endpoint_service_configuration(self):
        token = self._get_param("ClientToken")
        if not token:
            return original_create(self)
        asked = (sorted(self._get_param("NetworkLoadBalancerArns", [])
                        + self._get_param("GatewayLoadBalancerArns", [])),
                 bool(self._get_param("AcceptanceRequired", True)),
                 self._get_param("PrivateDnsName"))
        for service in list(self.ec2_backend.configurations.values()):
            if getattr(service, "client_token", None) == token:
                made = (sorted(service.network_load_balancer_arns
                               + service.gateway_load_balancer_arns),
                        bool(service.acceptance_required), service.private_dns_name)
                if made != asked:
                    raise _mismatch()
                return ActionResult({"ServiceConfiguration": service, "ClientToken": token})
        result = original_create(self)
        result.result["ServiceConfiguration"].client_token = token
        result.result["ClientToken"] = token
        return result

    def describe_vpc_endpoint_service_configurations(self):
        services = self.ec2_backend.describe_vpc_endpoint_service_configurations(
            self._get_param("ServiceIds", []))
        filters = self._filters_from_querystring()
        for name in filters:
            if name not in CONFIGURATION_FILTERS and not name.startswith("tag:"):
                raise InvalidFilter(name)
        return ActionResult({"ServiceConfigurations": generic_filter(filters, services)})

    def delete_vpc_endpoint_service_configurations(self):
        unsuccessful = []
        for service_id in self._get_param("ServiceIds", []):
            service = self.ec2_backend.configurations.get(service_id)
            if service is None:
                unsuccessful.append(_failure(
                    service_id, "InvalidVpcEndpointService.NotFound",
                    f"The VpcEndpointService Id '{service_id}' does not exist"))
            elif any(e.state in LIVE_STATES for e in _endpoints_of(service)):
                unsuccessful.append(_failure(
                    service_id, "ExistingVpcEndpointConnections",
                    f"Service '{service_id}' has existing active VPC Endpoint connections"))
            else:
                self.ec2_backend.delete_vpc_endpoint_service_configurations([service_id])
        return ActionResult({"Unsuccessful": unsuccessful})

    def modify_vpc_endpoint_service_configuration(self):
        result = original_modify(self)
        if self._get_bool_param("RemovePrivateDnsName"):
            service = self.ec2_backend.get_vpc_endpoint_service(self._get_param("ServiceId"))
            service.private_dns_name = None
        return result

    def start_vpc_endpoint_service_private_dns_verification(self):
        service_id = self._get_param("ServiceId")
        service = self.ec2_backend.get_vpc_endpoint_service(service_id)
        if service is None:
            raise UnknownVpcEndpointService(service_id)
        if not service.private_dns_name:
            raise EC2ClientError("InvalidParameter", f"Service '{service_id}' has no private DNS name to verify")
        if service.private_dns_name_configuration["State"] != "verified":  # reading it makes the record, if new
            service.dns_record["State"] = "verified"  # taken as published: no public DNS here to look in
        return ActionResult({"ReturnValue": True})

    response.create_vpc_endpoint_service_configuration = create_vpc_endpoint_service_configuration
    response.describe_vpc_endpoint_service_configurations = (
        describe_vpc_endpoint_service_configurations)
    response.delete_vpc_endpoint_service_configurations = delete_vpc_endpoint_service_configurations
    response.modify_vpc_endpoint_service_configuration = modify_vpc_endpoint_service_configuration
    response.start_vpc_endpoint_service_private_dns_verification = start_vpc_endpoint_service_private_dns_verification


# --- Responses: endpoints and their connections ------------------------------------------------

def _connection(service, endpoint):
    return {"ServiceId": service.id, "VpcEndpointId": endpoint.id,
            "VpcEndpointOwner": endpoint.owner_id, "VpcEndpointState": endpoint.state,
            "CreationTimestamp": endpoint.creation_timestamp, "DnsEntries": endpoint.dns_entries,
            "NetworkLoadBalancerArns": service.network_load_balancer_arns,
            "GatewayLoadBalancerArns": service.gateway_load_balancer_arns,
            "IpAddressType": "ipv4", "VpcEndpointRegion": service.ec2_backend.region_name,
            "VpcEndpointConnectionId": getattr(endpoint, "connection_id", None)}


def _patch_endpoint_responses(response):
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidFilter, UnknownVpcEndpointService

    original_create = response.create_vpc_endpoint
    original_modify = response.modify_vpc_endpoint

    def create_vpc_endpoint(self):
        result = original_create(self)
        if self._get_param("ClientToken"):
            result.result["ClientToken"] = self._get_param("ClientToken")
        return result

    def modify_vpc_endpoint(self):
        result = original_modify(self)
        enabled = self._get_bool_param("PrivateDnsEnabled")
        if enabled is not None:
            endpoint = self.ec2_backend.get_vpc_end_point(self._get_param("VpcEndpointId"))
            endpoint.private_dns_enabled = enabled
        return result

    def describe_vpc_endpoint_connections(self):
        filters = self._filters_from_querystring()
        for name in filters:
            if name not in CONNECTION_FILTERS:
                raise InvalidFilter(name)
        connections = [_connection(service, endpoint)
                       for service in list(self.ec2_backend.configurations.values())
                       for endpoint in _endpoints_of(service)]
        connections = [c for c in connections
                       if all(c[CONNECTION_FILTERS[n]] in values for n, values in filters.items())]
        return ActionResult({"VpcEndpointConnections": connections})

    def _decide(self, from_states, to_state):
        # Only the owner has the service in its own backend; to anyone else it does not exist.
        service_id = self._get_param("ServiceId")
        service = self.ec2_backend.get_vpc_endpoint_service(service_id)
        if service is None:
            raise UnknownVpcEndpointService(service_id)
        endpoints = {e.id: e for e in _endpoints_of(service)}
        unsuccessful = []
        for endpoint_id in self._get_param("VpcEndpointIds", []):
            endpoint = endpoints.get(endpoint_id)
            if endpoint is None:
                unsuccessful.append(_failure(
                    endpoint_id, "InvalidVpcEndpoint.NotFound",
                    f"The Vpc Endpoint Id '{endpoint_id}' does not exist"))
            elif endpoint.state not in from_states:
                unsuccessful.append(_failure(
                    endpoint_id, "InvalidState",
                    f"Endpoint {endpoint_id} is in state {endpoint.state}"))
            else:
                endpoint.state = to_state
        return ActionResult({"Unsuccessful": unsuccessful})

    def accept_vpc_endpoint_connections(self):
        return _decide(self, ("pendingAcceptance",), "available")

    def reject_vpc_endpoint_connections(self):
        # AWS: "You can reject an endpoint connection after it's in the available state."
        return _decide(self, ("pendingAcceptance", "available"), "rejected")

    response.create_vpc_endpoint = create_vpc_endpoint
    response.modify_vpc_endpoint = modify_vpc_endpoint
    response.describe_vpc_endpoint_connections = describe_vpc_endpoint_connections
    response.accept_vpc_endpoint_connections = accept_vpc_endpoint_connections
    response.reject_vpc_endpoint_connections = reject_vpc_endpoint_connections


# === VPC peering ================================================================================
#
# Moto keeps one VPCPeeringConnection object and registers it with the requester's backend and,
# across accounts or regions, with the accepter's (``backend.vpc_pcxs``): which connections an
# account sees in a region is which ones its backend holds there. Everything the caller sees is
# rendered here from the caller's side (``_peering_view``), since moto's own rendering shows the
# requester's tags to everyone.

# AWS's Status.Message for a request that fails (overlapping CIDRs, or a wrong VPC or account id).
PEERING_FAILED_MESSAGE = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
# AWS VPC Peering Guide, connection lifecycle: "The failed VPC peering connection remains visible
# to the requester for 2 hours"; the request never reaches the accepter.
FAILED_SEEN_BY_ACCEPTER = False
# States a connection cannot be deleted from (AWS: InvalidStateTransition ... to deleting).
UNDELETABLE_STATES = ("failed", "rejected", "deleted", "expired")
# An unanswered request expires after 7 days (CreateVpcPeeringConnection reference).
PEERING_EXPIRY = timedelta(days=7)
PEERING_OPTIONS = ("AllowDnsResolutionFromRemoteVpc", "AllowEgressFromLocalClassicLinkToRemoteVpc",
                   "AllowEgressFromLocalVpcToRemoteClassicLink")


def _side_filter(side, field):
    """The values of a ``requester-vpc-info.*`` or ``accepter-vpc-info.*`` filter."""
    def values(view):
        info = view[side]
        if field == "CidrBlock":
            return [info["CidrBlock"]] + [block["CidrBlock"] for block in info["CidrBlockSet"]]
        return [info[field]]
    return values


# DescribeVpcPeeringConnections filters (tag:KEY aside): name -> the values of a view it matches.
PEERING_FILTERS = {
    "vpc-peering-connection-id": lambda view: [view["VpcPeeringConnectionId"]],
    "status-code": lambda view: [view["Status"]["Code"]],
    "status-message": lambda view: [view["Status"]["Message"]],
    "expiration-time": lambda view: [view["ExpirationTime"]] if "ExpirationTime" in view else [],
    "tag-key": lambda view: [tag["Key"] for tag in view["Tags"]],
    "tag-value": lambda view: [tag["Value"] for tag in view["Tags"]],
    "requester-vpc-info.vpc-id": _side_filter("RequesterVpcInfo", "VpcId"),
    "requester-vpc-info.owner-id": _side_filter("RequesterVpcInfo", "OwnerId"),
    "requester-vpc-info.cidr-block": _side_filter("RequesterVpcInfo", "CidrBlock"),
    "accepter-vpc-info.vpc-id": _side_filter("AccepterVpcInfo", "VpcId"),
    "accepter-vpc-info.owner-id": _side_filter("AccepterVpcInfo", "OwnerId"),
    "accepter-vpc-info.cidr-block": _side_filter("AccepterVpcInfo", "CidrBlock"),
}


# --- VPC peering: who sees what ------------------------------------------------------------------

def _vpc_cidrs(vpc):
    """The VPC's CIDR blocks, IPv4 and IPv6, primary first, secondary ones while associated."""
    cidrs = [vpc.cidr_block]
    for association in vpc.get_cidr_block_association_set() + vpc.get_cidr_block_association_set(ipv6=True):
        if association["cidr_block_state"]["state"] in ("associating", "associated"):
            cidrs.append(association["cidr_block"])
    return list(dict.fromkeys(cidrs))


def _cidrs_overlap(vpc, peer_vpc):
    networks = [ipaddress.ip_network(c) for c in _vpc_cidrs(vpc)]
    peer_networks = [ipaddress.ip_network(c) for c in _vpc_cidrs(peer_vpc)]
    # (overlaps() across IP versions compares raw integers: keep to one version at a time)
    return any(a.version == b.version and a.overlaps(b) for a in networks for b in peer_networks)


def _sides(pcx, backend):
    """The ends of ``pcx`` the caller holds: its account in its region is the requester's and/or
    the accepter's (both for a connection inside one account and region)."""
    here = (backend.account_id, backend.region_name)
    return {side for side, vpc in (("requester", pcx.vpc), ("accepter", pcx.peer_vpc))
            if (vpc.owner_id, vpc.region) == here}


def _vpc_info(vpc, options):
    cidrs = _vpc_cidrs(vpc)
    return {"OwnerId": vpc.owner_id, "VpcId": vpc.id, "Region": vpc.region,
            "CidrBlock": vpc.cidr_block,
            "CidrBlockSet": [{"CidrBlock": c} for c in cidrs if ":" not in c],
            "Ipv6CidrBlockSet": [{"Ipv6CidrBlock": c} for c in cidrs if ":" in c],
            "PeeringOptions": dict(options)}


def _peering_view(pcx, backend):
    """The connection as ``backend``'s account sees it in that region: with its own tags only."""
    view = {"VpcPeeringConnectionId": pcx.id, "Status": dict(pcx.status),
            "RequesterVpcInfo": _vpc_info(pcx.vpc, pcx.requester_options),
            "AccepterVpcInfo": _vpc_info(pcx.peer_vpc, pcx.accepter_options),
            "Tags": [{"Key": k, "Value": v} for k, v in backend.tags.get(pcx.id, {}).items()]}
    if pcx.status["Code"] == "pending-acceptance" and getattr(pcx, "created", None):
        # (moto's clock is naive UTC: say so, or clients read it as local time)
        view["ExpirationTime"] = (pcx.created + PEERING_EXPIRY).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return view


def _peering_matches(view, filters):
    """Every filter matches (AND), by any of its values (OR), with * and ? wildcards."""
    from moto.ec2.utils import simple_aws_filter_to_re

    for name, patterns in filters.items():
        if name.startswith("tag:"):
            values = [tag["Value"] for tag in view["Tags"] if tag["Key"] == name[4:]]
        else:
            values = PEERING_FILTERS[name](view)
        if not any(re.match(simple_aws_filter_to_re(p), str(v)) for p in patterns for v in values):
            return False
    return True


def _state_transition(pcx_id, code, target):
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError("InvalidStateTransition",
                          f"Invalid state transition for {pcx_id}, attempted to transition from {code} to {target}")


# --- VPC peering: models -------------------------------------------------------------------------

def _patch_peering_not_found():
    from moto.ec2.exceptions import EC2ClientError, InvalidVPCPeeringConnectionIdError

    def __init__(self, vpc_peering_connection_id):
        # AWS spells it ...ID.NotFound; moto ...Id.NotFound (every action raises this class).
        EC2ClientError.__init__(self, "InvalidVpcPeeringConnectionID.NotFound",
                                f"The vpcPeeringConnection ID '{vpc_peering_connection_id}' does not exist")

    InvalidVPCPeeringConnectionIdError.__init__ = __init__


def _patch_peering_models():
    from moto.core.utils import utcnow
    from moto.ec2.exceptions import OperationNotPermitted, OperationNotPermitted5
    from moto.ec2.models.vpc_peering_connections import VPCPeeringConnectionBackend

    original_create = VPCPeeringConnectionBackend.create_vpc_peering_connection

    def create_vpc_peering_connection(self, vpc, peer_vpc, tags=None):
        pcx = original_create(self, vpc, peer_vpc, tags)
        pcx.created = utcnow()
        if _cidrs_overlap(vpc, peer_vpc):
            # AWS takes the request, then fails it: it stays listed, as failed, for the requester.
            pcx._status.code, pcx._status.message = "failed", PEERING_FAILED_MESSAGE
            if not FAILED_SEEN_BY_ACCEPTER and peer_vpc.ec2_backend is not self:
                peer_vpc.ec2_backend.vpc_pcxs.pop(pcx.id, None)
        return pcx

    def delete_vpc_peering_connection(self, vpc_pcx_id):
        pcx = self.get_vpc_peering_connection(vpc_pcx_id)
        code = pcx.status["Code"]
        if code in UNDELETABLE_STATES:
            raise _state_transition(vpc_pcx_id, code, "deleting")
        # The accepter of a pending request rejects it; only the requester may withdraw it.
        if code == "pending-acceptance" and "requester" not in _sides(pcx, self):
            raise OperationNotPermitted5(self.account_id, vpc_pcx_id, "delete")
        pcx._status.deleted(deleter_id=self.account_id)
        return pcx

    def modify_vpc_peering_connection_options(self, vpc_pcx_id, accepter_options=None,
                                              requester_options=None):
        pcx = self.get_vpc_peering_connection(vpc_pcx_id)
        sides = _sides(pcx, self)
        for side, options in (("accepter", accepter_options), ("requester", requester_options)):
            if options and side not in sides:
                raise OperationNotPermitted(
                    f"User {self.account_id} does not have permission to modify the {side} side peering options")
        if pcx.status["Code"] != "active":
            raise OperationNotPermitted(
                f"Peering {vpc_pcx_id} is not active. Peering options can be added only to active peerings.")
        for current, options in ((pcx.accepter_options, accepter_options), (pcx.requester_options, requester_options)):
            current.update({k: str(v).lower() == "true" for k, v in (options or {}).items() if k in PEERING_OPTIONS})
        return pcx

    VPCPeeringConnectionBackend.create_vpc_peering_connection = create_vpc_peering_connection
    VPCPeeringConnectionBackend.delete_vpc_peering_connection = delete_vpc_peering_connection
    VPCPeeringConnectionBackend.modify_vpc_peering_connection_options = modify_vpc_peering_connection_options
    _patch_peering_not_found()


# --- VPC peering: responses ----------------------------------------------------------------------

def _patch_peering_responses(response):
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidFilter, InvalidVPCPeeringConnectionIdError
    from moto.ec2.models import ec2_backends

    original_accept = response.accept_vpc_peering_connection

    def create_vpc_peering_connection(self):
        # Moto's own sets a response transformer on a class-wide dict, shared by concurrent calls.
        tags = self._parse_tag_specification().get("vpc-peering-connection", {})
        peer_backend = ec2_backends[self._get_param("PeerOwnerId") or self.current_account][
            self._get_param("PeerRegion") or self.region]
        vpc = self.ec2_backend.get_vpc(self._get_param("VpcId"))
        peer_vpc = peer_backend.get_vpc(self._get_param("PeerVpcId"))
        pcx = self.ec2_backend.create_vpc_peering_connection(vpc, peer_vpc, tags)
        view = _peering_view(pcx, self.ec2_backend)
        # AWS answers the request before it checks it; Describe then tells where it went.
        view["Status"] = {"Code": "initiating-request",
                          "Message": f"Initiating Request to {peer_vpc.owner_id}"}
        view.pop("ExpirationTime", None)
        return ActionResult({"VpcPeeringConnection": view})

    def describe_vpc_peering_connections(self):
        filters = self._filters_from_querystring()
        for name in filters:
            if name not in PEERING_FILTERS and not name.startswith("tag:"):
                # AWS: InvalidParameterValue "The filter 'x' is invalid"
                raise InvalidFilter(name, error_type="InvalidParameterValue")
        held = self.ec2_backend.vpc_pcxs
        ids = list(dict.fromkeys(self._get_param("VpcPeeringConnectionIds", [])))
        for pcx_id in ids:
            if pcx_id not in held:
                raise InvalidVPCPeeringConnectionIdError(pcx_id)
        views = [_peering_view(pcx, self.ec2_backend)
                 for pcx in ([held[i] for i in ids] if ids else list(held.values()))]
        return ActionResult({"VpcPeeringConnections": [v for v in views if _peering_matches(v, filters)]})

    def accept_vpc_peering_connection(self):
        original_accept(self)
        pcx = self.ec2_backend.get_vpc_peering_connection(self._get_param("VpcPeeringConnectionId"))
        return ActionResult({"VpcPeeringConnection": _peering_view(pcx, self.ec2_backend)})

    def modify_vpc_peering_connection_options(self):
        asked = {side: self._get_param(f"{side}PeeringConnectionOptions", {})
                 for side in ("Accepter", "Requester")}
        pcx = self.ec2_backend.modify_vpc_peering_connection_options(
            self._get_param("VpcPeeringConnectionId"), asked["Accepter"], asked["Requester"])
        # Each side of the answer is there only when it was asked for, as on AWS.
        current = {"Accepter": pcx.accepter_options, "Requester": pcx.requester_options}
        return ActionResult({f"{side}PeeringConnectionOptions": dict(current[side])
                             for side in asked if asked[side]})

    response.create_vpc_peering_connection = create_vpc_peering_connection
    response.describe_vpc_peering_connections = describe_vpc_peering_connections
    response.accept_vpc_peering_connection = accept_vpc_peering_connection
    response.modify_vpc_peering_connection_options = modify_vpc_peering_connection_options


# === Transit Gateway ============================================================================
# One set of objects for both sides: an attachment from B's VPC to A's TGW is held in B's backend
# and in A's (the same object), so each side describes it and the owner routes with it.

GONE_STATES = ("deleted", "rejected", "failed")


def _tgw_error(code, message):
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _tgw_not_found(tgw_id):
    return _tgw_error("InvalidTransitGatewayID.NotFound",
                      f"Transit Gateway {tgw_id} was deleted or does not exist.")


def _attachment_not_found(attachment_id):
    return _tgw_error("InvalidTransitGatewayAttachmentID.NotFound",
                      f"Transit Gateway VPC Attachment {attachment_id} was deleted or does not exist.")


def _table_not_found(table_id):
    return _tgw_error("InvalidRouteTableID.NotFound",
                      f"Transit Gateway Route Table {table_id} was deleted or does not exist.")


def _tag_list(backend, resource_id):
    """Tags as the account of ``backend`` set them (tags are not shared with other accounts)."""
    return [{"Key": k, "Value": v} for k, v in backend.tags.get(resource_id, {}).items()]


# --- Transit Gateway: lookups --------------------------------------------------------------------

def _visible_tgws(backend):
    """The caller's TGWs and, live and shared with it through an accepted RAM share, others'."""
    from localaws import ram

    for owner in _region_backends(backend.region_name):
        for tgw in list(owner.transit_gateways.values()):
            if owner is backend or (tgw.state != "deleted" and ram.shared_with(
                    backend.account_id, backend.region_name, tgw.arn)):
                yield tgw


def _usable_tgw(backend, tgw_id):
    tgw = next((t for t in _visible_tgws(backend) if t.id == tgw_id and t.state != "deleted"), None)
    if tgw is None:
        raise _tgw_not_found(tgw_id)
    return tgw


def _own_tgw(backend, tgw_id):
    tgw = backend.transit_gateways.get(tgw_id)
    if tgw is None or tgw.state == "deleted":
        raise _tgw_not_found(tgw_id)
    return tgw


def _attachment(backend, attachment_id):
    attachment = backend.transit_gateway_attachments.get(attachment_id)
    if attachment is None or attachment.state == "deleted":
        raise _attachment_not_found(attachment_id)
    return attachment


def _live_attachment(backend, attachment_id):
    attachment = _attachment(backend, attachment_id)
    if attachment.state != "available":
        raise _tgw_error("IncorrectState", f"{attachment_id} is in invalid state")
    return attachment


def _route_table(backend, table_id):
    table = backend.transit_gateways_route_tables.get(table_id)
    if table is None or table.state == "deleted":
        raise _table_not_found(table_id)
    return table


# Our per-attachment routing state; attachments moto made itself (VPN, peering) have none.
def _associated_table(attachment):
    if hasattr(attachment, "localaws_table"):
        return attachment.localaws_table
    return (attachment.association or {}).get("TransitGatewayRouteTableId")


def _propagating(attachment):
    return attachment.__dict__.setdefault("localaws_propagating", set())


def _static_routes(table):
    """DestinationCidrBlock -> target attachment id (None for a blackhole)."""
    return table.__dict__.setdefault("localaws_routes", {})


# --- Transit Gateway: views ----------------------------------------------------------------------

def _tgw_view(tgw, backend):
    return {"TransitGatewayId": tgw.id, "TransitGatewayArn": tgw.arn, "State": tgw.state,
            "OwnerId": tgw.owner_id, "Description": tgw.description or "",
            "CreationTime": tgw.creation_time, "Options": dict(tgw.options),
            "Tags": _tag_list(backend, tgw.id)}


def _attachment_view(attachment, backend):
    view = {"TransitGatewayAttachmentId": attachment.id,
            "TransitGatewayId": attachment.transit_gateway_id,
            "TransitGatewayOwnerId": getattr(attachment, "localaws_tgw_owner", attachment.owner_id),
            "ResourceOwnerId": attachment.resource_owner_id,
            "ResourceType": attachment.resource_type, "ResourceId": attachment.resource_id,
            "State": attachment.state, "CreationTime": attachment.create_time,
            "Tags": _tag_list(backend, attachment.id)}
    if _associated_table(attachment) and attachment.state == "available":
        view["Association"] = {"TransitGatewayRouteTableId": _associated_table(attachment),
                               "State": "associated"}
    return view


def _vpc_attachment_view(attachment, backend):
    return {"TransitGatewayAttachmentId": attachment.id,
            "TransitGatewayId": attachment.transit_gateway_id, "VpcId": attachment.vpc_id,
            "VpcOwnerId": attachment.resource_owner_id, "State": attachment.state,
            "SubnetIds": list(attachment.subnet_ids), "CreationTime": attachment.create_time,
            "Options": dict(attachment.options), "Tags": _tag_list(backend, attachment.id)}


def _table_view(table, backend):
    return {"TransitGatewayRouteTableId": table.id, "TransitGatewayId": table.transit_gateway_id,
            "State": table.state,
            "DefaultAssociationRouteTable": bool(table.default_association_route_table),
            "DefaultPropagationRouteTable": bool(table.default_propagation_route_table),
            "CreationTime": table.create_time.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "Tags": _tag_list(backend, table.id)}


def _relation_view(attachment, **extra):
    return dict({"TransitGatewayAttachmentId": attachment.id, "ResourceId": attachment.resource_id,
                 "ResourceType": attachment.resource_type}, **extra)


def _attachment_cidrs(attachment):
    """What a VPC attachment propagates: its VPC's IPv4 blocks (IPv6 too with Ipv6Support)."""
    try:
        vpc = attachment.ec2_backend.get_vpc(attachment.vpc_id)
    except Exception:  # the VPC is gone: nothing to propagate
        return []
    ipv6 = attachment.options.get("Ipv6Support") == "enable"
    return [c for c in _vpc_cidrs(vpc) if ipv6 or ":" not in c]


def _route_view(backend, cidr, attachment_ids, kind):
    attachments = [backend.transit_gateway_attachments.get(i) for i in attachment_ids]
    attachments = [a for a in attachments if a is not None]
    live = any(a.state == "available" for a in attachments)
    view = {"DestinationCidrBlock": cidr, "Type": kind, "State": "active" if live else "blackhole"}
    if attachments:
        view["TransitGatewayAttachments"] = [_relation_view(a) for a in attachments]
    return view


def _routes(backend, table):
    """Static routes, then the propagated ones (a static route wins for the same CIDR)."""
    routes = {cidr: _route_view(backend, cidr, [target] if target else [], "static")
              for cidr, target in _static_routes(table).items()}
    propagated = {}
    for attachment in list(backend.transit_gateway_attachments.values()):
        if table.id in _propagating(attachment) and attachment.state == "available":
            for cidr in _attachment_cidrs(attachment):
                propagated.setdefault(cidr, []).append(attachment.id)
    for cidr, ids in propagated.items():
        routes.setdefault(cidr, _route_view(backend, cidr, ids, "propagated"))
    return list(routes.values())


# --- VPCs: filters ------------------------------------------------------------------------------

# DescribeVpcs' filters (tag:KEY aside), as the EC2 API reference lists them, with cidr-block and
# tag-value, which AWS also takes (amazon.aws.ec2_vpc_net filters on cidr-block).
VPC_FILTERS = frozenset((
    "cidr", "cidr-block", "cidr-block-association.cidr-block", "cidr-block-association.association-id",
    "cidr-block-association.state", "dhcp-options-id", "ipv6-cidr-block-association.ipv6-cidr-block",
    "ipv6-cidr-block-association.ipv6-pool", "ipv6-cidr-block-association.association-id",
    "ipv6-cidr-block-association.state", "is-default", "owner-id", "state", "tag-key", "tag-value",
    "vpc-id"))


def _patch_vpc_filters(response):
    """A DescribeVpcs filter AWS does not have is AWS's InvalidParameterValue, not moto's HTTP 500
    (FilterNotImplementedError); the real ones are left to moto."""
    from moto.ec2.exceptions import InvalidFilter

    original_describe = response.describe_vpcs

    def describe_vpcs(self):
        for name in self._filters_from_querystring():
            if name not in VPC_FILTERS and not name.startswith("tag:"):
                # AWS: InvalidParameterValue "The filter 'x' is invalid"
                raise InvalidFilter(name, error_type="InvalidParameterValue")
        return original_describe(self)

    response.describe_vpcs = describe_vpcs


# --- Transit Gateway: filters --------------------------------------------------------------------

def _field(*path):
    def values(view):
        for key in path:
            view = (view or {}).get(key)
        return [] if view is None else [str(view).lower() if isinstance(view, bool) else view]
    return values


def _attachment_field(key):
    return lambda view: [a[key] for a in view.get("TransitGatewayAttachments", [])]


TGW_FILTERS = {"transit-gateway-id": _field("TransitGatewayId"), "state": _field("State"),
               "owner-id": _field("OwnerId"),
               "options.amazon-side-asn": _field("Options", "AmazonSideAsn"),
               "options.auto-accept-shared-attachments": _field("Options", "AutoAcceptSharedAttachments"),
               "options.default-route-table-association": _field("Options", "DefaultRouteTableAssociation"),
               "options.default-route-table-propagation": _field("Options", "DefaultRouteTablePropagation"),
               "options.association-default-route-table-id": _field("Options", "AssociationDefaultRouteTableId"),
               "options.propagation-default-route-table-id": _field("Options", "PropagationDefaultRouteTableId"),
               "options.dns-support": _field("Options", "DnsSupport"),
               "options.vpn-ecmp-support": _field("Options", "VpnEcmpSupport")}
ATTACHMENT_FILTERS = {"transit-gateway-id": _field("TransitGatewayId"),
                      "transit-gateway-attachment-id": _field("TransitGatewayAttachmentId"),
                      "transit-gateway-owner-id": _field("TransitGatewayOwnerId"),
                      "resource-id": _field("ResourceId"), "resource-type": _field("ResourceType"),
                      "resource-owner-id": _field("ResourceOwnerId"), "state": _field("State"),
                      "association.transit-gateway-route-table-id": _field("Association", "TransitGatewayRouteTableId"),
                      "association.state": _field("Association", "State")}
# AWS documents only these for DescribeTransitGatewayVpcAttachments (plus tags).
VPC_ATTACHMENT_FILTERS = {"transit-gateway-id": _field("TransitGatewayId"),
                          "transit-gateway-attachment-id": _field("TransitGatewayAttachmentId"),
                          "vpc-id": _field("VpcId"), "state": _field("State")}
TABLE_FILTERS = {"transit-gateway-id": _field("TransitGatewayId"),
                 "transit-gateway-route-table-id": _field("TransitGatewayRouteTableId"),
                 "state": _field("State"),
                 "default-association-route-table": _field("DefaultAssociationRouteTable"),
                 "default-propagation-route-table": _field("DefaultPropagationRouteTable")}
RELATION_FILTERS = {"resource-id": _field("ResourceId"), "resource-type": _field("ResourceType"),
                    "transit-gateway-attachment-id": _field("TransitGatewayAttachmentId")}
ROUTE_FILTERS = {"type": _field("Type"), "state": _field("State"),
                 "attachment.transit-gateway-attachment-id": _attachment_field("TransitGatewayAttachmentId"),
                 "attachment.resource-id": _attachment_field("ResourceId"),
                 "attachment.resource-type": _attachment_field("ResourceType")}
ROUTE_CIDR_FILTERS = {
    "route-search.exact-match": lambda net, asked: net == asked,
    "route-search.subnet-of-match": lambda net, asked: net.version == asked.version and net.subnet_of(asked),
    "route-search.supernet-of-match": lambda net, asked: net.version == asked.version and net.supernet_of(asked),
    "route-search.longest-prefix-match": lambda net, asked: net.version == asked.version and net.supernet_of(asked),
}


def _checked_filters(response, known, tags=True):
    from moto.ec2.exceptions import InvalidFilter

    filters = response._filters_from_querystring()
    for name in filters:
        tag_filter = name.startswith("tag:") or name in ("tag-key", "tag-value")
        if name not in known and not (tags and tag_filter):
            raise InvalidFilter(name, error_type="InvalidParameterValue")
    return filters


def _filter_values(view, name, known):
    tags = view.get("Tags", [])
    if name.startswith("tag:"):
        return [t["Value"] for t in tags if t["Key"] == name[4:]]
    if name in ("tag-key", "tag-value"):
        return [t["Key" if name == "tag-key" else "Value"] for t in tags]
    return known[name](view)


def _filtered(views, filters, known):
    """Views matching every filter (AND) by any of its values (OR), with * and ? wildcards."""
    from moto.ec2.utils import simple_aws_filter_to_re

    def matches(view):
        return all(any(re.match(simple_aws_filter_to_re(p), str(v))
                       for p in patterns for v in _filter_values(view, name, known))
                   for name, patterns in filters.items() if name in known or name.startswith("tag"))
    return [v for v in views if matches(v)]


def _filtered_routes(routes, filters):
    for name, asked in filters.items():
        if name in ROUTE_CIDR_FILTERS:
            nets = [ipaddress.ip_network(a, strict=False) for a in asked]
            routes = [r for r in routes if any(ROUTE_CIDR_FILTERS[name](
                ipaddress.ip_network(r["DestinationCidrBlock"]), n) for n in nets)]
    if "route-search.longest-prefix-match" in filters and routes:
        longest = max(ipaddress.ip_network(r["DestinationCidrBlock"]).prefixlen for r in routes)
        routes = [r for r in routes if ipaddress.ip_network(r["DestinationCidrBlock"]).prefixlen == longest]
    return _filtered(routes, {n: v for n, v in filters.items() if n in ROUTE_FILTERS}, ROUTE_FILTERS)


def _chosen(views, ids, id_key, not_found):
    """The views asked for by id (each must exist), or all of them."""
    by_id = {v[id_key]: v for v in views}
    for wanted in ids:
        if wanted not in by_id:
            raise not_found(wanted)
    return [by_id[i] for i in dict.fromkeys(ids)] if ids else list(by_id.values())


# --- Transit Gateway: gateways -------------------------------------------------------------------

def _settle_default_table(tgw):
    """AWS makes a default route table only for default association and/or propagation."""
    table = tgw.default_route_table
    association = tgw.options.get("DefaultRouteTableAssociation") == "enable"
    propagation = tgw.options.get("DefaultRouteTablePropagation") == "enable"
    table.default_association_route_table = association
    table.default_propagation_route_table = propagation
    if not association:
        tgw.options.pop("AssociationDefaultRouteTableId", None)
    if not propagation:
        tgw.options.pop("PropagationDefaultRouteTableId", None)
    if not (association or propagation):
        tgw.ec2_backend.transit_gateways_route_tables.pop(table.id, None)
        tgw.default_route_table = None


def _patch_tgw_gateways(response):
    from moto.core.responses import ActionResult

    original_modify = response.modify_transit_gateway

    def create_transit_gateway(self):
        tags = self._parse_tag_specification().get("transit-gateway", {})
        tgw = self.ec2_backend.create_transit_gateway(
            description=self._get_param("Description") or None,
            options=self._get_param("Options", {}),
            tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        _settle_default_table(tgw)
        # AWS answers pending; describe shows it available at once (callers wait either way).
        return ActionResult({"TransitGateway": dict(_tgw_view(tgw, self.ec2_backend), State="pending")})

    def describe_transit_gateways(self):
        filters = _checked_filters(self, TGW_FILTERS)
        views = [_tgw_view(t, self.ec2_backend) for t in _visible_tgws(self.ec2_backend)]
        views = _chosen(views, self._get_param("TransitGatewayIds", []), "TransitGatewayId",
                        _tgw_not_found)
        return ActionResult({"TransitGateways": _filtered(views, filters, TGW_FILTERS)})

    def delete_transit_gateway(self):
        backend = self.ec2_backend
        tgw = _own_tgw(backend, self._get_param("TransitGatewayId"))
        live = [a.id for a in list(backend.transit_gateway_attachments.values())
                if a.transit_gateway_id == tgw.id and a.state not in GONE_STATES]
        if live:
            raise _tgw_error("IncorrectState",
                             f"{tgw.id} has non-deleted Transit Gateway Attachments: {', '.join(live)}.")
        tgw.state = "deleted"
        for table in list(backend.transit_gateways_route_tables.values()):
            if table.transit_gateway_id == tgw.id:
                table.state = "deleted"
        return ActionResult({"TransitGateway": dict(_tgw_view(tgw, backend), State="deleting")})

    def modify_transit_gateway(self):
        tgw = _own_tgw(self.ec2_backend, self._get_param("TransitGatewayId"))
        original_modify(self)
        return ActionResult({"TransitGateway": _tgw_view(tgw, self.ec2_backend)})

    response.create_transit_gateway = create_transit_gateway
    response.describe_transit_gateways = describe_transit_gateways
    response.delete_transit_gateway = delete_transit_gateway
    response.modify_transit_gateway = modify_transit_gateway


# --- Transit Gateway: attachments ----------------------------------------------------------------

def _make_available(attachment):
    """Available, with the TGW's default association and propagation where it has them on."""
    tgw = attachment.localaws_tgw
    attachment.state = "available"
    if tgw.options.get("DefaultRouteTableAssociation") == "enable":
        attachment.localaws_table = tgw.options.get("AssociationDefaultRouteTableId")
    if tgw.options.get("DefaultRouteTablePropagation") == "enable":
        _propagating(attachment).add(tgw.options.get("PropagationDefaultRouteTableId"))


def _new_vpc_attachment(response, tgw, vpc):
    from moto.ec2.exceptions import DuplicateTransitGatewayAttachmentError
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayVpcAttachment

    backend = response.ec2_backend
    if any(a.resource_id == vpc.id and a.transit_gateway_id == tgw.id and a.state not in GONE_STATES
           for a in list(backend.transit_gateway_attachments.values())):
        raise DuplicateTransitGatewayAttachmentError(tgw.id)
    subnet_ids = response._get_param("SubnetIds", [])
    for subnet_id in subnet_ids:
        backend.get_subnet(subnet_id)
    attachment = TransitGatewayVpcAttachment(
        backend, transit_gateway=tgw, vpc_id=vpc.id, subnet_ids=list(subnet_ids),
        tags=response._parse_tag_specification().get("transit-gateway-attachment", {}),
        options=response._get_param("Options", {}))
    attachment.localaws_tgw, attachment.localaws_tgw_owner = tgw, tgw.owner_id
    attachment.localaws_table = None
    return attachment


def _patch_tgw_attachments(response):
    from moto.core.responses import ActionResult
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayVpcAttachment

    def create_transit_gateway_vpc_attachment(self):
        backend = self.ec2_backend
        tgw = _usable_tgw(backend, self._get_param("TransitGatewayId"))
        attachment = _new_vpc_attachment(self, tgw, backend.get_vpc(self._get_param("VpcId")))
        # Both accounts hold it: the VPC owner's and the TGW owner's backends.
        backend.transit_gateway_attachments[attachment.id] = attachment
        tgw.ec2_backend.transit_gateway_attachments[attachment.id] = attachment
        shared = tgw.owner_id != backend.account_id
        if shared and tgw.options.get("AutoAcceptSharedAttachments") != "enable":
            attachment.state = "pendingAcceptance"
        else:
            _make_available(attachment)
        view = dict(_vpc_attachment_view(attachment, backend), State="pending")
        return ActionResult({"TransitGatewayVpcAttachment": view})

    def describe_transit_gateway_attachments(self):
        filters = _checked_filters(self, ATTACHMENT_FILTERS)
        views = [_attachment_view(a, self.ec2_backend)
                 for a in list(self.ec2_backend.transit_gateway_attachments.values())]
        views = _chosen(views, self._get_param("TransitGatewayAttachmentIds", []),
                        "TransitGatewayAttachmentId", _attachment_not_found)
        return ActionResult({"TransitGatewayAttachments": _filtered(views, filters, ATTACHMENT_FILTERS)})

    def describe_transit_gateway_vpc_attachments(self):
        filters = _checked_filters(self, VPC_ATTACHMENT_FILTERS)
        views = [_vpc_attachment_view(a, self.ec2_backend)
                 for a in list(self.ec2_backend.transit_gateway_attachments.values())
                 if isinstance(a, TransitGatewayVpcAttachment)]
        views = _chosen(views, self._get_param("TransitGatewayAttachmentIds", []),
                        "TransitGatewayAttachmentId", _attachment_not_found)
        return ActionResult({"TransitGatewayVpcAttachments": _filtered(views, filters, VPC_ATTACHMENT_FILTERS)})

    def delete_transit_gateway_vpc_attachment(self):
        attachment = _attachment(self.ec2_backend, self._get_param("TransitGatewayAttachmentId"))
        attachment.state = "deleted"
        attachment.localaws_table = None
        _propagating(attachment).clear()
        view = dict(_vpc_attachment_view(attachment, self.ec2_backend), State="deleting")
        return ActionResult({"TransitGatewayVpcAttachment": view})

    def modify_transit_gateway_vpc_attachment(self):
        attachment = _live_attachment(self.ec2_backend, self._get_param("TransitGatewayAttachmentId"))
        added, removed = self._get_param("AddSubnetIds", []), self._get_param("RemoveSubnetIds", [])
        for subnet_id in added:
            attachment.ec2_backend.get_subnet(subnet_id)
        kept = [s for s in attachment.subnet_ids if s not in removed]
        attachment.subnet_ids = kept + [s for s in added if s not in kept]
        attachment.options.update(self._get_param("Options", {}))
        view = dict(_vpc_attachment_view(attachment, self.ec2_backend), State="modifying")
        return ActionResult({"TransitGatewayVpcAttachment": view})

    response.create_transit_gateway_vpc_attachment = create_transit_gateway_vpc_attachment
    response.describe_transit_gateway_attachments = describe_transit_gateway_attachments
    response.describe_transit_gateway_vpc_attachments = describe_transit_gateway_vpc_attachments
    response.delete_transit_gateway_vpc_attachment = delete_transit_gateway_vpc_attachment
    response.modify_transit_gateway_vpc_attachment = modify_transit_gateway_vpc_attachment
    _patch_tgw_acceptance(response)


def _patch_tgw_acceptance(response):
    from moto.core.responses import ActionResult

    def decide(self, verb):
        backend = self.ec2_backend
        attachment = _attachment(backend, self._get_param("TransitGatewayAttachmentId"))
        if getattr(attachment, "localaws_tgw_owner", attachment.owner_id) != backend.account_id:
            # Only the TGW owner decides; the VPC owner sees its request, not the decision.
            raise _tgw_error("InvalidParameterValue",
                             f"Cannot {verb} {attachment.id} as the owner of the VPC.")
        if attachment.state != "pendingAcceptance":
            raise _tgw_error("IncorrectState", f"{attachment.id} is in invalid state")
        if verb == "accept":
            _make_available(attachment)
        else:
            attachment.state = "rejected"
        return ActionResult({"TransitGatewayVpcAttachment": _vpc_attachment_view(attachment, backend)})

    response.accept_transit_gateway_vpc_attachment = lambda self: decide(self, "accept")
    response.reject_transit_gateway_vpc_attachment = lambda self: decide(self, "reject")


# --- Transit Gateway: route tables, associations, propagations -----------------------------------

def _patch_tgw_route_tables(response):
    from moto.core.responses import ActionResult

    def create_transit_gateway_route_table(self):
        tgw = _own_tgw(self.ec2_backend, self._get_param("TransitGatewayId"))
        table = self.ec2_backend.create_transit_gateway_route_table(
            transit_gateway_id=tgw.id,
            tags=self._parse_tag_specification().get("transit-gateway-route-table", {}))
        view = dict(_table_view(table, self.ec2_backend), State="pending")
        return ActionResult({"TransitGatewayRouteTable": view})

    def describe_transit_gateway_route_tables(self):
        filters = _checked_filters(self, TABLE_FILTERS)
        views = [_table_view(t, self.ec2_backend)
                 for t in list(self.ec2_backend.transit_gateways_route_tables.values())]
        views = _chosen(views, self._get_param("TransitGatewayRouteTableIds", []),
                        "TransitGatewayRouteTableId", _table_not_found)
        return ActionResult({"TransitGatewayRouteTables": _filtered(views, filters, TABLE_FILTERS)})

    def delete_transit_gateway_route_table(self):
        backend = self.ec2_backend
        table = _route_table(backend, self._get_param("TransitGatewayRouteTableId"))
        if any(_associated_table(a) == table.id and a.state == "available"
               for a in list(backend.transit_gateway_attachments.values())):
            raise _tgw_error("IncorrectState", f"{table.id} has non-deleted associations")
        table.state = "deleted"
        for attachment in list(backend.transit_gateway_attachments.values()):
            _propagating(attachment).discard(table.id)
        view = dict(_table_view(table, backend), State="deleting")
        return ActionResult({"TransitGatewayRouteTable": view})

    def associations(self):
        table = _route_table(self.ec2_backend, self._get_param("TransitGatewayRouteTableId"))
        views = [_relation_view(a, State="associated")
                 for a in list(self.ec2_backend.transit_gateway_attachments.values())
                 if _associated_table(a) == table.id and a.state == "available"]
        return ActionResult({"Associations": _filtered(
            views, _checked_filters(self, RELATION_FILTERS, tags=False), RELATION_FILTERS)})

    def propagations(self):
        table = _route_table(self.ec2_backend, self._get_param("TransitGatewayRouteTableId"))
        views = [_relation_view(a, State="enabled")
                 for a in list(self.ec2_backend.transit_gateway_attachments.values())
                 if table.id in _propagating(a) and a.state == "available"]
        return ActionResult({"TransitGatewayRouteTablePropagations": _filtered(
            views, _checked_filters(self, RELATION_FILTERS, tags=False), RELATION_FILTERS)})

    response.create_transit_gateway_route_table = create_transit_gateway_route_table
    response.describe_transit_gateway_route_tables = describe_transit_gateway_route_tables
    response.delete_transit_gateway_route_table = delete_transit_gateway_route_table
    response.get_transit_gateway_route_table_associations = associations
    response.get_transit_gateway_route_table_propagations = propagations


def _table_and_attachment(response):
    backend = response.ec2_backend
    table = _route_table(backend, response._get_param("TransitGatewayRouteTableId"))
    attachment = _live_attachment(backend, response._get_param("TransitGatewayAttachmentId"))
    if attachment.transit_gateway_id != table.transit_gateway_id:
        raise _tgw_error("InvalidParameterValue",
                         f"{attachment.id} and {table.id} belong to different transit gateways.")
    return table, attachment


def _patch_tgw_relations(response):
    from moto.core.responses import ActionResult

    def associate_transit_gateway_route_table(self):
        table, attachment = _table_and_attachment(self)
        if _associated_table(attachment):
            raise _tgw_error("Resource.AlreadyAssociated",
                             f"Transit Gateway Attachment {attachment.id} is already associated to a route table.")
        attachment.localaws_table = table.id
        return ActionResult({"Association": _relation_view(
            attachment, TransitGatewayRouteTableId=table.id, State="associating")})

    def disassociate_transit_gateway_route_table(self):
        table, attachment = _table_and_attachment(self)
        if _associated_table(attachment) != table.id:
            raise _tgw_error("InvalidAssociation.NotFound",
                             f"Transit Gateway Attachment {attachment.id} is not associated with {table.id}.")
        attachment.localaws_table = None
        return ActionResult({"Association": _relation_view(
            attachment, TransitGatewayRouteTableId=table.id, State="disassociating")})

    def enable_transit_gateway_route_table_propagation(self):
        table, attachment = _table_and_attachment(self)
        if table.id in _propagating(attachment):
            raise _tgw_error("TransitGatewayRouteTablePropagation.Duplicate",
                             f"Propagation of {attachment.id} to {table.id} is already enabled.")
        _propagating(attachment).add(table.id)
        return ActionResult({"Propagation": _relation_view(
            attachment, TransitGatewayRouteTableId=table.id, State="enabling")})

    def disable_transit_gateway_route_table_propagation(self):
        table, attachment = _table_and_attachment(self)
        if table.id not in _propagating(attachment):
            raise _tgw_error("TransitGatewayRouteTablePropagation.NotFound",
                             f"Propagation of {attachment.id} to {table.id} is not enabled.")
        _propagating(attachment).discard(table.id)
        return ActionResult({"Propagation": _relation_view(
            attachment, TransitGatewayRouteTableId=table.id, State="disabling")})

    response.associate_transit_gateway_route_table = associate_transit_gateway_route_table
    response.disassociate_transit_gateway_route_table = disassociate_transit_gateway_route_table
    response.enable_transit_gateway_route_table_propagation = enable_transit_gateway_route_table_propagation
    response.disable_transit_gateway_route_table_propagation = disable_transit_gateway_route_table_propagation


# --- Transit Gateway: routes ---------------------------------------------------------------------

def _route_target(response):
    """The attachment a static route names (checked), or None for a blackhole."""
    if response._get_bool_param("Blackhole", False):
        return None
    return _attachment(response.ec2_backend, response._get_param("TransitGatewayAttachmentId")).id


def _no_route(cidr, table):
    return _tgw_error("InvalidRoute.NotFound",
                      f"No route with destination-cidr-block {cidr} in Transit Gateway Route Table {table.id}")


def _patch_tgw_routes(response):
    from moto.core.responses import ActionResult

    def write_route(self, must_exist):
        backend = self.ec2_backend
        table = _route_table(backend, self._get_param("TransitGatewayRouteTableId"))
        cidr, routes = self._get_param("DestinationCidrBlock"), _static_routes(table)
        target = _route_target(self)
        if must_exist and cidr not in routes:
            raise _no_route(cidr, table)
        if not must_exist and cidr in routes:
            raise _tgw_error("RouteAlreadyExists",
                             f"Route {cidr} already exists in Transit Gateway Route Table {table.id}.")
        routes[cidr] = target
        return ActionResult({"Route": _route_view(backend, cidr, [target] if target else [], "static")})

    def delete_transit_gateway_route(self):
        backend = self.ec2_backend
        table = _route_table(backend, self._get_param("TransitGatewayRouteTableId"))
        cidr = self._get_param("DestinationCidrBlock")
        if cidr not in _static_routes(table):
            raise _no_route(cidr, table)
        target = _static_routes(table).pop(cidr)
        view = dict(_route_view(backend, cidr, [target] if target else [], "static"), State="deleted")
        return ActionResult({"Route": view})

    def search_transit_gateway_routes(self):
        table = _route_table(self.ec2_backend, self._get_param("TransitGatewayRouteTableId"))
        filters = _checked_filters(self, {**ROUTE_FILTERS, **ROUTE_CIDR_FILTERS}, tags=False)
        routes = _filtered_routes(_routes(self.ec2_backend, table), filters)
        most = int(self._get_param("MaxResults") or 1000)
        return ActionResult({"Routes": routes[:most], "AdditionalRoutesAvailable": len(routes) > most})

    response.create_transit_gateway_route = lambda self: write_route(self, must_exist=False)
    response.replace_transit_gateway_route = lambda self: write_route(self, must_exist=True)
    response.delete_transit_gateway_route = delete_transit_gateway_route
    response.search_transit_gateway_routes = search_transit_gateway_routes


def _patch_vpc_routes_to_tgw():
    """VPC routes may target a TGW shared with the account; moto keeps only its own TGWs."""
    from moto.ec2.exceptions import InvalidTransitGatewayID
    from moto.ec2.models.route_tables import RouteBackend

    def wrap(original):
        signature = inspect.signature(original)

        def route_call(self, *args, **kwargs):
            tgw_id = signature.bind(self, *args, **kwargs).arguments.get("transit_gateway_id")
            tgw = None
            if tgw_id:
                tgw = next((t for t in _visible_tgws(self) if t.id == tgw_id and t.state != "deleted"), None)
                if tgw is None:
                    raise InvalidTransitGatewayID(tgw_id)
            route = original(self, *args, **kwargs)
            if tgw is not None:
                route.transit_gateway = tgw
            return route
        return route_call

    RouteBackend.create_route = wrap(RouteBackend.create_route)
    RouteBackend.replace_route = wrap(RouteBackend.replace_route)


def _patch_transit_gateway(response):
    _patch_tgw_gateways(response)
    _patch_tgw_attachments(response)
    _patch_tgw_route_tables(response)
    _patch_tgw_relations(response)
    _patch_tgw_routes(response)
    _patch_vpc_routes_to_tgw()


# === Endpoint service permissions ===============================================================
# Moto answers each AllowedPrincipal with its Principal alone and ModifyVpcEndpointServicePermissions
# with ReturnValue alone. AWS's AllowedPrincipal (EC2 API reference) also has PrincipalType ("All |
# Service | OrganizationUnit | Account | User | Role"), ServicePermissionId and ServiceId, and Modify
# answers the same for each added principal (AddedPrincipals).

PERMISSION_FILTERS = {"principal": _field("Principal"), "principal-type": _field("PrincipalType")}


def _principal_type(principal):
    """AWS's PrincipalType of an allowed principal, or None for a form AWS would not take."""
    if principal == "*":
        return "All"
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[2] == "iam":
        if parts[5] == "root":
            return "Account"
        return {"role": "Role", "user": "User"}.get(parts[5].split("/", 1)[0])
    if len(parts) == 6 and parts[2] == "organizations" and parts[5].startswith("ou/"):
        return "OrganizationUnit"
    if principal.endswith(".amazonaws.com"):  # a service principal, e.g. elasticloadbalancing.amazonaws.com
        return "Service"
    return None


def _permission_view(service, principal):
    """The principal's permission, with the id it got when it was first allowed (kept until removed)."""
    from moto.ec2.utils import random_id

    ids = service.__dict__.setdefault("localaws_permission_ids", {})
    if principal not in ids:
        ids[principal] = random_id(prefix="vpce-svc-perm")
    view = {"Principal": principal, "ServicePermissionId": ids[principal], "ServiceId": service.id}
    if _principal_type(principal):
        view["PrincipalType"] = _principal_type(principal)
    return view


def _patch_service_permissions(response):
    from moto.core.responses import ActionResult

    def describe_vpc_endpoint_service_permissions(self):
        filters = _checked_filters(self, PERMISSION_FILTERS, tags=False)
        service_id = self._get_param("ServiceId")
        principals = self.ec2_backend.describe_vpc_endpoint_service_permissions(service_id)
        service = self.ec2_backend.configurations[service_id]
        ids = list(service.__dict__.get("localaws_permission_ids", {}))
        # In the order they were allowed (moto keeps them in a set's order).
        principals = sorted(principals, key=lambda p: ids.index(p) if p in ids else len(ids))
        views = [_permission_view(service, p) for p in principals]
        return ActionResult({"AllowedPrincipals": _filtered(views, filters, PERMISSION_FILTERS)})

    def modify_vpc_endpoint_service_permissions(self):
        service_id = self._get_param("ServiceId")
        added = self._get_param("AddAllowedPrincipals", [])
        removed = self._get_param("RemoveAllowedPrincipals", [])
        self.ec2_backend.modify_vpc_endpoint_service_permissions(service_id, added, removed)
        service = self.ec2_backend.configurations[service_id]
        ids = service.__dict__.setdefault("localaws_permission_ids", {})
        for principal in list(ids):
            if principal not in service.principals:
                del ids[principal]
        views = [_permission_view(service, p) for p in dict.fromkeys(added) if p in service.principals]
        return ActionResult({"AddedPrincipals": views, "ReturnValue": True})

    response.describe_vpc_endpoint_service_permissions = describe_vpc_endpoint_service_permissions
    response.modify_vpc_endpoint_service_permissions = modify_vpc_endpoint_service_permissions


# === DryRun =====================================================================================
# EC2 API reference, DryRun (every action): "Checks whether you have the required permissions for
# the action, without actually making the request, and provides an error response. If you have the
# required permissions, the error response is DryRunOperation. Otherwise, it is
# UnauthorizedOperation." Moto ignores the flag on most actions and made the request. Here every EC2
# action with DryRun=true that IAM enforcement (authz.py, which answers before moto) lets through is
# answered DryRunOperation, HTTP 412, before moto runs it: reads too, and no parameter is checked.

DRY_RUN_MESSAGE = "Request would have succeeded, but DryRun flag is set."


def _dry_run_answer():
    from werkzeug.exceptions import HTTPException

    from localaws.errors import error_response

    status, _headers, body = error_response("ec2", "DryRunOperation", DRY_RUN_MESSAGE, 412)
    answer = HTTPException(description=body)
    answer.code = status
    return answer


def _patch_dry_run(response):
    # Moto's call_action runs this hook after localaws's request hook (authz) and before the action,
    # and answers an HTTPException raised here with its description and code.
    original = response._authenticate_and_authorize_normal_action

    def authenticate_and_authorize(self, resource="*"):
        original(self, resource)
        if self._get_bool_param("DryRun", False):
            raise _dry_run_answer()

    response._authenticate_and_authorize_normal_action = authenticate_and_authorize


# === Security groups ============================================================================
# Moto deletes a group whatever still uses it, and a rule may name a group of any VPC of the
# caller's account but of no other account. On AWS:
#
# - DeleteSecurityGroup: "If you attempt to delete a security group that is associated with an
#   instance or network interface, is referenced by another security group in the same VPC, or
#   has a VPC association, the operation fails" with DependencyViolation (EC2 API reference); a
#   rule of a peer VPC's group (another account's too) holds it as well (VPC peering guide).
# - A rule may name a group of another VPC, in the same account or another, only when the two VPCs
#   are peered (active, same region): "You can reference the security groups of a peer VPC" (VPC
#   peering guide); otherwise InvalidGroup.NotFound, "You have specified two resources that belong
#   to different networks." The pair names the peer's account as UserId.

OTHER_NETWORK = "You have specified two resources that belong to different networks."


def _region_groups(region):
    for backend in _region_backends(region):
        for groups in list(backend.groups.values()):
            yield from list(groups.values())


def _group_user(group):
    """The id of something that holds ``group`` (AWS refuses to delete it), or None."""
    backend, region = group.ec2_backend, group.ec2_backend.region_name
    for other in _region_groups(region):
        if other.id != group.id and any((rule.source_group or {}).get("GroupId") == group.id
                                        for rule in other.ingress_rules + other.egress_rules):
            return other.id
    for endpoint in list(backend.vpc_end_points.values()):
        if endpoint.state in LIVE_STATES and group.id in (endpoint.security_group_ids or []):
            return endpoint.id
    for eni in list(backend.enis.values()):
        instance = getattr(eni, "instance", None)
        # (moto keeps an instance's primary interface after it terminates; AWS deletes it)
        if instance is not None and instance.state == "terminated":
            continue
        if group.id in [g.id for g in eni.group_set]:
            return eni.id
    for reservation in list(backend.reservations.values()):
        for instance in reservation.instances:
            if instance.state != "terminated" and group.id in [g.id for g in instance.security_groups]:
                return instance.id
    from moto.elbv2.models import elbv2_backends

    regions = dict.get(elbv2_backends, backend.account_id) or {}
    for balancer in list(getattr(dict.get(regions, region), "load_balancers", {}).values()):
        if group.id in (balancer.security_groups or []):
            return balancer.arn
    return None


def _referenced_group(backend, pair):
    """The group a UserIdGroupPair names by GroupId: of the caller's account, or of UserId's."""
    owner = pair.get("UserId") or backend.account_id
    if owner == backend.account_id:
        return backend.get_security_group_from_id(pair["GroupId"])
    peer = next((b for b in _region_backends(backend.region_name) if b.account_id == owner), None)
    return peer.get_security_group_from_id(pair["GroupId"]) if peer is not None else None


def _peered(vpc_id, peer_vpc_id, region):
    return any(pcx.status["Code"] == "active" and {pcx.vpc.id, pcx.peer_vpc.id} == {vpc_id, peer_vpc_id}
               for backend in _region_backends(region) for pcx in list(backend.vpc_pcxs.values()))


def _patch_security_group_models():
    from moto.ec2.exceptions import EC2ClientError, InvalidSecurityGroupNotFoundError
    from moto.ec2.models.security_groups import SecurityGroupBackend

    original_add_source_group = SecurityGroupBackend._add_source_group

    def add_source_group(self, source_groups, vpc_id):
        # Moto looks every pair up in the caller's account; a pair naming another account (UserId)
        # is that account's group. What AWS derives (VpcId, VpcPeeringConnectionId, PeeringStatus) is
        # not kept, so that revoking the rule matches it however it was asked for.
        pairs = []
        for pair in source_groups or []:
            owner = pair.get("UserId")
            if not owner or owner == self.account_id or "GroupId" not in pair:
                pairs += original_add_source_group(self, [pair], vpc_id)
                continue
            if _referenced_group(self, pair) is None:
                raise InvalidSecurityGroupNotFoundError(pair["GroupId"])
            kept = {k: v for k, v in pair.items() if k not in ("VpcId", "VpcPeeringConnectionId", "PeeringStatus")}
            pairs.append(dict(kept, OwnerId=owner))
        return pairs

    def authorizing(original):
        signature = inspect.signature(original)

        def authorize(self, *args, **kwargs):
            a = signature.bind(self, *args, **kwargs).arguments
            group = self.get_security_group_by_name_or_id(a["group_name_or_id"], a.get("vpc_id"))
            for pair in (a.get("source_groups") or []) if group is not None else []:
                referenced = _referenced_group(self, pair) if "GroupId" in pair else None
                if referenced is not None and referenced.vpc_id != group.vpc_id and not _peered(
                        group.vpc_id, referenced.vpc_id, self.region_name):
                    raise EC2ClientError("InvalidGroup.NotFound", OTHER_NETWORK)
            return original(self, *args, **kwargs)
        return authorize

    SecurityGroupBackend._add_source_group = add_source_group
    SecurityGroupBackend.authorize_security_group_ingress = authorizing(
        SecurityGroupBackend.authorize_security_group_ingress)
    SecurityGroupBackend.authorize_security_group_egress = authorizing(
        SecurityGroupBackend.authorize_security_group_egress)


def _patch_security_group_responses(response):
    from moto.ec2.exceptions import DependencyViolationError

    original_delete = response.delete_security_group

    def delete_security_group(self):
        # Here, not in the backend: moto's DeleteVpc deletes the VPC's default group through it.
        asked = self._get_param("GroupId") or self._get_param("GroupName")
        group = self.ec2_backend.get_security_group_by_name_or_id(asked) if asked else None
        if group is not None and _group_user(group) is not None:
            raise DependencyViolationError(f"resource {group.id} has a dependent object")
        return original_delete(self)

    response.delete_security_group = delete_security_group


def install():
    from moto.ec2.responses import EC2Response

    _patch_models()
    # Actions are methods of the response class moto dispatches EC2 requests to.
    _patch_configuration_responses(EC2Response)
    _patch_endpoint_responses(EC2Response)
    _patch_peering_models()
    _patch_peering_responses(EC2Response)
    _patch_transit_gateway(EC2Response)
    _patch_vpc_filters(EC2Response)
    _patch_service_permissions(EC2Response)
    _patch_security_group_models()
    _patch_security_group_responses(EC2Response)
    _patch_dry_run(EC2Response)
