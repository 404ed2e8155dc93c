"""Who is calling: fixed account identities, and no silent fallback to a default account.

Stock moto maps any unknown access key to account 123456789012. That hides real mistakes: after a
reset, keys of an assumed role quietly act as another account. Here account A signs with static
keys that survive resets; every other account is reached with sts:AssumeRole from A, as a real
cross-account setup does; and an unknown key gets the error AWS gives.
"""

from localaws import ACCOUNT_A
from localaws.errors import error_response

ACCOUNT_A_KEY_ID = "AKIACROSSVPCLOCALA01"
# Not a secret: moto does not check signatures; the value only has to be present for botocore.
ACCOUNT_A_SECRET = "localaws-account-a-static-secret-key"

STATIC_KEYS = {ACCOUNT_A_KEY_ID: ACCOUNT_A}
# The role every other account is reached by, from account A (the aws-config profiles use it).
# IAM enforcement (authz.py) never restricts its sessions, nor the static keys.
ADMIN_ROLE_NAME = "crossvpc-local-admin"


def _known_account(access_key):
    from moto.iam import models

    if access_key in STATIC_KEYS:
        return STATIC_KEYS[access_key]
    for account_id, account in list(models.iam_backends.items()):
        for partition in models.PARTITION_NAMES:
            # dict.get: only the partitions in use. account[partition] would make an IAM backend
            # (with every AWS-managed policy) for each of the eight partitions of every account.
            backend = dict.get(account, partition)
            if backend is not None and access_key in backend.access_keys:
                return account_id
    return None


def reject_unknown_key(response):
    """An error response for a request signed with a key no account knows, else None."""
    if _known_account(response.get_access_key()) is not None:
        return None
    code, status = ("AuthFailure", 401) if response.boto3_service_name == "ec2" else (
        "InvalidClientTokenId", 403)
    return error_response(response.boto3_service_name, code,
                          "The security token included in the request is invalid.", status)


def install():
    from moto.core import responses
    from moto.iam import models

    original = models.get_account_id_from

    def get_account_id_from(access_key):
        return _known_account(access_key) or original(access_key)

    models.get_account_id_from = get_account_id_from
    # moto imports the function lazily inside get_current_account, so patching the module suffices.
    assert "get_account_id_from" not in vars(responses)
