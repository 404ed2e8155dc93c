"""EC2: PrivateLink across accounts, as AWS does it and moto does not.

Moto keeps each account's endpoint services and endpoints apart and never connects them. Here:

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
"""

import inspect

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


def install():
    from moto.ec2.responses import EC2Response

    _patch_models()
    # Actions are methods of the response class moto dispatches EC2 requests to.
    _patch_configuration_responses(EC2Response)
    _patch_endpoint_responses(EC2Response)
