"""localaws: a local two-account AWS for trying and testing crossvpc.aws.

It is moto server (pinned in requirements.txt) started by our own launcher, which before serving:

* gives each account a fixed identity (``accounts.py``): account A signs with static keys, account B
  (and a third, outsider account C) is reached by assuming a role from A, as on real AWS;
* records every request in a call log and can inject faults (``recorder.py``), readable and
  settable through control routes under ``/_localaws/`` (``control.py``);
* patches the places where stock moto differs from AWS, one module per AWS service it extends.

The collection never imports this package and this package never imports the collection.
"""

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
ACCOUNT_C = "333333333333"
DEFAULT_REGION = "us-east-1"
DEFAULT_PORT = 4599
