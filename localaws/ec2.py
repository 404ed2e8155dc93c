"""EC2: PrivateLink and VPC peering across accounts, as AWS does them and moto does not.

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
        return detail

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
    VPCBackend._collect_default_endpoint_services = staticmethod(collect_default_endpoint_services)
    VPCBackend._filter_endpoint_services = staticmethod(filter_endpoint_services)
    VPCBackend.create_vpc_endpoint = create_vpc_endpoint


# --- Responses: service configurations ---------------------------------------------------------

def _patch_configuration_responses(response):
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidFilter
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

    response.create_vpc_endpoint_service_configuration = create_vpc_endpoint_service_configuration
    response.describe_vpc_endpoint_service_configurations = (
        describe_vpc_endpoint_service_configurations)
    response.delete_vpc_endpoint_service_configurations = delete_vpc_endpoint_service_configurations
    response.modify_vpc_endpoint_service_configuration = modify_vpc_endpoint_service_configuration


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


def install():
    from moto.ec2.responses import EC2Response

    _patch_models()
    # Actions are methods of the response class moto dispatches EC2 requests to.
    _patch_configuration_responses(EC2Response)
    _patch_endpoint_responses(EC2Response)
    _patch_peering_models()
    _patch_peering_responses(EC2Response)
