"""Requests signed for a region that does not exist get the error AWS gives, not a crash.

moto keeps one backend per region it knows and raises KeyError for any other, so a client with
``region_name="xx-fake-1"`` (or ``us-east-9``) used to get an HTTP 500 HTML page that botocore
cannot parse. AWS checks the SigV4 credential scope before anything else (even before the access
key) and refuses a region it does not serve:

* query APIs (STS, IAM, ELBv2): ``SignatureDoesNotMatch``, HTTP 403, "Credential should be scoped
  to a valid region, not 'xx-fake-1'." (IAM User Guide, "Troubleshoot signed requests for AWS
  APIs": credential scope errors are 403 SignatureDoesNotMatch, "Credential should be scoped to a
  valid Region, not region-code"; STS says so too in the EKS user guide);
* JSON APIs (ECS): ``InvalidSignatureException``, HTTP 400; rest-JSON APIs (RAM):
  ``InvalidSignatureException``, HTTP 403, with the same message;
* EC2: ``AuthFailure``, HTTP 401, "AWS was not able to validate the provided access credentials",
  to which localaws adds the region, since EC2's own message does not say why.

The known regions are those of every partition in botocore's endpoint data, the data moto makes
its regional backends from, so every region let through is one moto can serve. IAM and STS are
global in moto (one backend per partition) and keep answering for every known region, as before.
"""

from functools import lru_cache

from localaws.errors import error_response, protocol_of

EC2_MESSAGE = "AWS was not able to validate the provided access credentials"


@lru_cache(maxsize=None)
def known_regions():
    """Every region of every partition botocore knows (aws, aws-cn, aws-us-gov, aws-iso*, ...)."""
    import botocore.session

    partitions = botocore.session.get_session().get_data("endpoints")["partitions"]
    return frozenset(region for partition in partitions for region in partition["regions"])


def invalid_region(service, region):
    """The error AWS answers with when the credential scope names ``region``, in the service's protocol."""
    scoped = f"Credential should be scoped to a valid region, not '{region}'."
    protocol = protocol_of(service)
    if protocol == "ec2":
        return error_response(service, "AuthFailure", f"{EC2_MESSAGE}. {scoped}", 401)
    if protocol == "json":
        return error_response(service, "InvalidSignatureException", scoped, 400)
    if protocol == "rest-json":
        return error_response(service, "InvalidSignatureException", scoped, 403)
    return error_response(service, "SignatureDoesNotMatch", scoped, 403)


def reject_unknown_region(response):
    """An AWS-shaped refusal for a request signed for a region no partition has, else None."""
    if response.region in known_regions():
        return None
    return invalid_region(response.boto3_service_name, response.region)
