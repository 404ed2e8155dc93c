"""RAM: resource shares across accounts, with invitations, as AWS does them and moto does not.

Moto keeps each account's shares to itself: no invitations, no view from the principals' side
(GetResourceShares with OTHER-ACCOUNTS raises NotImplementedError, HTTP 500), and no
AssociateResourceShare, DisassociateResourceShare, ListResources or ListPrincipals at all (HTTP
404). Here, with no AWS Organization in play, every account principal is external:

- CreateResourceShare invites each account principal: the invitation is PENDING in the receiving
  account (GetResourceShareInvitations) and the principal association ASSOCIATING, until the
  receiver accepts (ACCEPTED, ASSOCIATED) or rejects (REJECTED, FAILED) it.
- Once accepted, the receiver lists the share with resourceOwner OTHER-ACCOUNTS and its resources
  with ListResources; EC2 (``localaws.ec2``) asks ``shared_with`` whether it may show them.
- Associate/DisassociateResourceShare add and remove principals and resources; DeleteResourceShare
  leaves the share DELETED and ends every principal's access.
- Shares carry tags; GetResourceShares filters by ARN, status, name and tag.
- clientToken makes Create, Associate, Disassociate, Delete and Accept/Reject idempotent: the same
  token and parameters answer as the first call did, other parameters are a mismatch.
"""

import json
import re

# Actions moto's RAM does not route at all; each is answered by a method below.
ADDED_PATHS = ("acceptresourceshareinvitation", "rejectresourceshareinvitation",
               "getresourceshareinvitations", "associateresourceshare",
               "disassociateresourceshare", "listresources", "listprincipals", "tagresource",
               "untagresource")
# ARN resource types to RAM's names for them (ListResources resourceType).
RESOURCE_TYPES = {"transit-gateway": "ec2:TransitGateway", "subnet": "ec2:Subnet",
                  "prefix-list": "ec2:PrefixList", "resolver-rule": "route53resolver:ResolverRule"}


def _ram_error(code, message):
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(code, message)


# --- Looking across accounts -------------------------------------------------------------------

def _region_backends(region):
    """The RAM backend of every account that already has one in ``region`` (none are created)."""
    from moto.ram.models import ram_backends

    for regions in list(ram_backends.values()):
        if region in list(regions.keys()):
            yield regions[region]


def _all_shares(region):
    for backend in _region_backends(region):
        yield from list(backend.resource_shares)


def _account_of(principal):
    """The account a principal names: an account id, or the account field of an IAM ARN."""
    if re.fullmatch(r"\d{12}", principal):
        return principal
    parts = principal.split(":")
    return parts[4] if len(parts) > 5 and parts[2] == "iam" else None


def _accepted(share, account_id):
    invitation = _state(share)["invitations"].get(account_id)
    return invitation is not None and invitation["status"] == "ACCEPTED"


def shared_with(account_id, region, resource_arn):
    """Whether ``account_id`` may use ``resource_arn`` through an accepted, active share."""
    for share in _all_shares(region):
        state = _state(share)
        if share.status == "ACTIVE" and resource_arn in _live(state["resources"]) \
                and _accepted(share, account_id):
            return True
    return False


# --- Share state (kept on moto's ResourceShare) --------------------------------------------------

def _now():
    from moto.core.utils import utcnow

    return utcnow()


def _state(share):
    """Our additions to a moto share: tags, invitations, associations with their status."""
    if not hasattr(share, "localaws"):
        share.localaws = {"tags": {}, "invitations": {}, "principals": {}, "resources": {}}
    return share.localaws


def _live(associations):
    return [k for k, a in associations.items() if a["status"] in ("ASSOCIATING", "ASSOCIATED")]


def _association(status):
    return {"status": status, "created": _now(), "updated": _now()}


def _invitation_arn(share):
    from moto.moto_api._internal import mock_random

    return f"arn:aws:ram:{share.region}:{share.account_id}:resource-share-invitation/{mock_random.uuid4()}"


def _add_principals(share, principals):
    from moto.ram.models import ResourceShare

    ResourceShare.add_principals(share, principals)  # validates, and keeps moto's list
    state = _state(share)
    for principal in principals:
        account = _account_of(principal)
        if account == share.account_id:
            state["principals"][principal] = _association("ASSOCIATED")
            continue
        # External principals get an invitation; they are associated once they accept it.
        state["principals"][principal] = _association("ASSOCIATING")
        old = state["invitations"].get(account)
        if old is None or old["status"] != "ACCEPTED":
            state["invitations"][account] = {"arn": _invitation_arn(share), "status": "PENDING",
                                             "receiver": account, "principal": principal,
                                             "sent": _now()}
        else:
            state["principals"][principal]["status"] = "ASSOCIATED"


def _add_resources(share, resource_arns):
    from moto.ram.models import ResourceShare

    ResourceShare.add_resources(share, resource_arns)  # validates the ARNs
    for arn in resource_arns:
        _state(share)["resources"][arn] = _association("ASSOCIATED")


def _remove(share, kind, keys):
    associations = _state(share)[kind]
    for key in keys:
        if key in associations:
            associations[key].update(status="DISASSOCIATED", updated=_now())
        if kind == "principals" and _account_of(key) in _state(share)["invitations"]:
            del _state(share)["invitations"][_account_of(key)]
    share.last_updated_time = _now()


# --- Views ---------------------------------------------------------------------------------------

def _time(value):
    from moto.core.utils import unix_time

    return unix_time(value)


def _share_view(share, account_id):
    view = {"resourceShareArn": share.arn, "name": share.name,
            "owningAccountId": share.account_id,
            "allowExternalPrincipals": share.allow_external_principals,
            "status": share.status, "featureSet": share.feature_set,
            "creationTime": _time(share.creation_time),
            "lastUpdatedTime": _time(share.last_updated_time),
            "tags": [{"key": k, "value": v} for k, v in _state(share)["tags"].items()]}
    if account_id != share.account_id:
        view.pop("tags")  # tags belong to the owner
    return view


def _invitation_view(share, invitation):
    return {"resourceShareInvitationArn": invitation["arn"], "resourceShareName": share.name,
            "resourceShareArn": share.arn, "senderAccountId": share.account_id,
            "receiverAccountId": invitation["receiver"], "status": invitation["status"],
            "invitationTimestamp": _time(invitation["sent"])}


def _association_view(share, entity, kind, association, status=None):
    view = {"resourceShareArn": share.arn, "resourceShareName": share.name,
            "associatedEntity": entity, "associationType": kind,
            "status": status or association["status"],
            "creationTime": _time(association["created"]),
            "lastUpdatedTime": _time(association["updated"])}
    if kind == "PRINCIPAL":
        view["external"] = _account_of(entity) != share.account_id
    return view


def _resource_type(arn):
    parts = arn.split(":")
    kind = re.split(r"[/:]", parts[5])[0]
    return RESOURCE_TYPES.get(kind, parts[2] + ":" + "".join(w.title() for w in kind.split("-")))


def _resource_view(share, arn, association):
    return {"arn": arn, "type": _resource_type(arn), "resourceShareArn": share.arn,
            "status": "AVAILABLE", "creationTime": _time(association["created"]),
            "lastUpdatedTime": _time(association["updated"]), "resourceRegionScope": "REGIONAL"}


# --- Lookups with AWS's errors -------------------------------------------------------------------

def _unknown_share(arn):
    return _ram_error("UnknownResourceException", f"ResourceShare {arn} could not be found.")


def _check_arn(arn, kind):
    if not re.fullmatch(rf"arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{{12}}:{kind}/[\w-]+", arn or ""):
        raise _ram_error("MalformedArnException", f"The specified ARN {arn} is not valid.")


def _own_share(backend, arn):
    _check_arn(arn, "resource-share")
    share = next((s for s in backend.resource_shares if s.arn == arn), None)
    if share is None:
        raise _unknown_share(arn)
    return share


def _received(backend):
    """(share, invitation) for every invitation ``backend``'s account received in its region."""
    for share in _all_shares(backend.region_name):
        invitation = _state(share)["invitations"].get(backend.account_id)
        if invitation is not None:
            yield share, invitation


def _invitation(backend, arn):
    _check_arn(arn, "resource-share-invitation")
    found = next(((s, i) for s, i in _received(backend) if i["arn"] == arn), None)
    if found is None:
        raise _ram_error("ResourceShareInvitationArnNotFoundException",
                         f"ResourceShareInvitationArn {arn} could not be found.")
    return found


# --- Idempotency ---------------------------------------------------------------------------------

def _idempotent(self, action, run):
    """Answer a repeated clientToken with the first answer; other parameters are a mismatch."""
    token = self._get_param("clientToken")
    if not token:
        return json.dumps(run())
    params = {k: v for k, v in self.request_params.items() if k != "clientToken"}
    params.update({k: v[0] for k, v in self.querystring.items() if k != "clientToken"})
    tokens = self.ram_backend.__dict__.setdefault("localaws_tokens", {})
    if token in tokens:
        made_action, made_params, answer = tokens[token]
        if (made_action, made_params) != (action, params):
            raise _ram_error("IdempotentParameterMismatchException",
                             f"The client token {token} is already used with different parameters.")
        return answer
    answer = json.dumps(dict(run(), clientToken=token))
    tokens[token] = (action, params, answer)
    return answer


# --- Responses: shares ---------------------------------------------------------------------------

def _create(self):
    from moto.ram.models import ResourceShare

    params = self.request_params
    backend = self.ram_backend
    share = ResourceShare(backend.account_id, backend.region_name, **params)
    _state(share)["tags"] = {t["key"]: t.get("value", "") for t in params.get("tags", [])}
    _add_principals(share, params.get("principals", []))
    _add_resources(share, params.get("resourceArns", []))
    backend.resource_shares.append(share)
    return {"resourceShare": _share_view(share, backend.account_id)}


def _matches(share, account_id, params):
    tag_filters = params.get("tagFilters", [])
    tags = _state(share)["tags"]
    return ((not params.get("resourceShareArns") or share.arn in params["resourceShareArns"])
            and params.get("resourceShareStatus") in (None, share.status)
            and params.get("name") in (None, share.name)
            and all(f["tagKey"] in tags and (not f.get("tagValues") or tags[f["tagKey"]] in f["tagValues"])
                    for f in tag_filters))


def _owner_param(self):
    owner = self._get_param("resourceOwner")
    if owner not in ("SELF", "OTHER-ACCOUNTS"):
        raise _ram_error("InvalidParameterException",
                         f"{owner} is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and try again.")
    return owner


def _visible_shares(backend, owner):
    if owner == "SELF":
        return list(backend.resource_shares)
    return [s for s in _all_shares(backend.region_name)
            if s.account_id != backend.account_id and s.status != "DELETED"
            and _accepted(s, backend.account_id)]


def _get_resource_shares(self):
    backend = self.ram_backend
    shares = _visible_shares(backend, _owner_param(self))
    return json.dumps({"resourceShares": [_share_view(s, backend.account_id) for s in shares
                                          if _matches(s, backend.account_id, self.request_params)]})


def _delete(self):
    share = _own_share(self.ram_backend, self._get_param("resourceShareArn"))
    if share.status == "DELETED":
        raise _ram_error("InvalidStateTransitionException",
                         f"ResourceShare {share.arn} is already deleted.")
    share.delete()
    for association in list(_state(share)["principals"].values()) + list(_state(share)["resources"].values()):
        association.update(status="DISASSOCIATED", updated=_now())
    return {"returnValue": True}


def _associations_answer(share, principals, resources, status):
    state = _state(share)
    return {"resourceShareAssociations":
            [_association_view(share, p, "PRINCIPAL", state["principals"][p], status) for p in principals]
            + [_association_view(share, r, "RESOURCE", state["resources"][r], status) for r in resources]}


def _associate(self):
    share = _own_share(self.ram_backend, self._get_param("resourceShareArn"))
    principals, resources = self._get_param("principals", []), self._get_param("resourceArns", [])
    if share.status != "ACTIVE":
        raise _ram_error("InvalidStateTransitionException",
                         f"ResourceShare {share.arn} is in an invalid state ({share.status}).")
    _add_principals(share, principals)
    _add_resources(share, resources)
    share.last_updated_time = _now()
    return _associations_answer(share, principals, resources, "ASSOCIATING")


def _disassociate(self):
    share = _own_share(self.ram_backend, self._get_param("resourceShareArn"))
    principals, resources = self._get_param("principals", []), self._get_param("resourceArns", [])
    state = _state(share)
    for key, kind in [(p, "principals") for p in principals] + [(r, "resources") for r in resources]:
        if key not in _live(state[kind]):
            raise _ram_error("UnknownResourceException",
                             f"{key} is not associated with ResourceShare {share.arn}.")
    _remove(share, "principals", principals)
    _remove(share, "resources", resources)
    return _associations_answer(share, principals, resources, "DISASSOCIATING")


def _get_associations(self):
    """GetResourceShareAssociations, with each association's own status."""
    kind = self._get_param("associationType")
    if kind not in ("PRINCIPAL", "RESOURCE"):
        raise _ram_error("InvalidParameterException",
                         f"{kind} is not a valid association type. Specify either PRINCIPAL or RESOURCE and try again.")
    arns = self._get_param("resourceShareArns", [])
    entity = self._get_param("principal") if kind == "PRINCIPAL" else self._get_param("resourceArn")
    status = self._get_param("associationStatus")
    key = "principals" if kind == "PRINCIPAL" else "resources"
    found = [_association_view(s, e, kind, a) for s in self.ram_backend.resource_shares
             if not arns or s.arn in arns
             for e, a in _state(s)[key].items()
             if entity in (None, e) and status in (None, a["status"])]
    return json.dumps({"resourceShareAssociations": found})


# --- Responses: invitations ----------------------------------------------------------------------

def _get_invitations(self):
    arns = self._get_param("resourceShareInvitationArns", [])
    share_arns = self._get_param("resourceShareArns", [])
    for arn in arns:
        _invitation(self.ram_backend, arn)
    found = [_invitation_view(s, i) for s, i in _received(self.ram_backend)
             if (not arns or i["arn"] in arns) and (not share_arns or s.arn in share_arns)]
    return json.dumps({"resourceShareInvitations": found})


def _decide(self, to_status):
    share, invitation = _invitation(self.ram_backend, self._get_param("resourceShareInvitationArn"))
    if invitation["status"] == "ACCEPTED":
        raise _ram_error("ResourceShareInvitationAlreadyAcceptedException",
                         f"The invitation {invitation['arn']} was already accepted.")
    if invitation["status"] == "REJECTED":
        raise _ram_error("ResourceShareInvitationAlreadyRejectedException",
                         f"The invitation {invitation['arn']} was already rejected.")
    invitation["status"] = to_status
    association = _state(share)["principals"].get(invitation["principal"])
    if association:
        association.update(status="ASSOCIATED" if to_status == "ACCEPTED" else "FAILED", updated=_now())
    return {"resourceShareInvitation": _invitation_view(share, invitation)}


# --- Responses: resources, principals, tags ------------------------------------------------------

def _list_resources(self):
    backend = self.ram_backend
    shares = _visible_shares(backend, _owner_param(self))
    wanted_type = self._get_param("resourceType")
    arns = self._get_param("resourceArns", [])
    share_arns = self._get_param("resourceShareArns", [])
    found = [_resource_view(s, arn, a) for s in shares if s.status == "ACTIVE"
             and (not share_arns or s.arn in share_arns)
             for arn, a in _state(s)["resources"].items()
             if a["status"] == "ASSOCIATED" and (not arns or arn in arns)
             and (not wanted_type or _resource_type(arn).lower() == wanted_type.lower())]
    return json.dumps({"resources": found})


def _list_principals(self):
    backend = self.ram_backend
    if _owner_param(self) != "SELF":
        return json.dumps({"principals": []})
    share_arns = self._get_param("resourceShareArns", [])
    found = [{"id": p, "resourceShareArn": s.arn, "external": _account_of(p) != s.account_id,
              "creationTime": _time(a["created"]), "lastUpdatedTime": _time(a["updated"])}
             for s in backend.resource_shares if s.status == "ACTIVE"
             and (not share_arns or s.arn in share_arns)
             for p, a in _state(s)["principals"].items() if a["status"] == "ASSOCIATED"]
    return json.dumps({"principals": found})


def _tag(self):
    share = _own_share(self.ram_backend, self._get_param("resourceShareArn"))
    _state(share)["tags"].update({t["key"]: t.get("value", "") for t in self._get_param("tags", [])})
    return "{}"


def _untag(self):
    share = _own_share(self.ram_backend, self._get_param("resourceShareArn"))
    for key in self._get_param("tagKeys", []):
        _state(share)["tags"].pop(key, None)
    return "{}"


def install():
    from moto.ram import urls
    from moto.ram.responses import ResourceAccessManagerResponse as Response

    for path in ADDED_PATHS:
        urls.url_paths.setdefault("{0}/" + path + "$", Response.dispatch)
    Response.create_resource_share = lambda self: _idempotent(self, "create", lambda: _create(self))
    Response.delete_resource_share = lambda self: _idempotent(self, "delete", lambda: _delete(self))
    Response.associate_resource_share = lambda self: _idempotent(self, "associate", lambda: _associate(self))
    Response.disassociate_resource_share = lambda self: _idempotent(
        self, "disassociate", lambda: _disassociate(self))
    Response.accept_resource_share_invitation = lambda self: _idempotent(
        self, "accept", lambda: _decide(self, "ACCEPTED"))
    Response.reject_resource_share_invitation = lambda self: _idempotent(
        self, "reject", lambda: _decide(self, "REJECTED"))
    Response.get_resource_shares = _get_resource_shares
    Response.get_resource_share_associations = _get_associations
    Response.get_resource_share_invitations = _get_invitations
    Response.list_resources = _list_resources
    Response.list_principals = _list_principals
    Response.tag_resource = _tag
    Response.untag_resource = _untag
