"""AWS-shaped error responses, in the wire format of each service's protocol.

botocore parses the error code from a different place per protocol; answering in the right shape
is what makes an injected fault look like the real thing to the client's retry logic.
"""

import json
import uuid
from functools import lru_cache
from xml.sax.saxutils import escape


@lru_cache(maxsize=None)
def protocol_of(service):
    import botocore.session

    try:
        return botocore.session.get_session().get_service_model(service).protocol
    except Exception:  # unknown to botocore: answer as a query API
        return "query"


def error_response(service, code, message, status):
    """Return (status, headers, body) for an error of ``code`` from ``service``."""
    request_id = str(uuid.uuid4())
    protocol = protocol_of(service)
    code_x, message_x = escape(code), escape(message)
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{code_x}</Code><Message>{message_x}</Message>"
            f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
        return status, {"Content-Type": "text/xml"}, body
    if protocol in ("json", "rest-json"):
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code,
                   "x-amzn-RequestId": request_id}
        return status, headers, json.dumps({"__type": code, "message": message})
    if protocol == "rest-xml":
        body = (f"<Error><Code>{code_x}</Code><Message>{message_x}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>")
        return status, {"Content-Type": "application/xml"}, body
    body = (
        f"<ErrorResponse><Error><Type>{'Sender' if status < 500 else 'Receiver'}</Type>"
        f"<Code>{code_x}</Code><Message>{message_x}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return status, {"Content-Type": "text/xml"}, body


def error_code_of(body):
    """The error code in a response body of any protocol, or None."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if not isinstance(body, str):
        return None
    start = body.find("<Code>")
    if start >= 0:
        return body[start + 6:body.find("</Code>", start)]
    if body.lstrip().startswith("{"):
        try:
            code = json.loads(body).get("__type")
        except ValueError:
            return None
        return code.rsplit("#", 1)[-1] if code else None
    return None
