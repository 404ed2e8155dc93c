"""ELBv2: what AWS does that moto does not.

- CreateLoadBalancer is idempotent: a name that already exists in the account and region, asked
  for with the same settings, returns the existing load balancer (same ARN); with other settings it
  fails with DuplicateLoadBalancerName. Moto puts a random id in the ARN, so its duplicate check
  never fires and every rerun makes another load balancer.
- A network load balancer's ARN reads ``loadbalancer/net/...`` (a gateway one's ``gwy/``); moto
  writes ``app/`` for every type.
"""

import inspect

KIND_IN_ARN = {"network": "net", "gateway": "gwy"}


def _same_settings(lb, args):
    subnets = set(args["subnet_ids"] or []) | {m["SubnetId"] for m in args["subnet_mappings"] or []}
    return ((args["loadbalancer_type"] or "application") == lb.type
            and (args["scheme"] or "internet-facing") == (lb.scheme or "internet-facing")
            and subnets == {s.id for s in lb.subnets})


def _rename(backend, lb, arn):
    """Give a just-made load balancer another ARN (its listeners' ARNs derive from it later)."""
    tags = backend.tagging_service.list_tags_for_resource(lb.arn)["Tags"]
    backend.tagging_service.delete_all_tags_for_resource(lb.arn)
    backend.load_balancers[arn] = backend.load_balancers.pop(lb.arn)
    lb.arn = arn
    backend.tagging_service.tag_resource(arn, tags)


def install():
    from moto.elbv2.exceptions import DuplicateLoadBalancerName
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.create_load_balancer
    signature = inspect.signature(original)

    def create_load_balancer(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs)
        call.apply_defaults()
        for lb in list(self.load_balancers.values()):
            if lb.name == call.arguments["name"]:
                if _same_settings(lb, call.arguments):
                    return lb
                raise DuplicateLoadBalancerName()
        lb = original(*call.args, **call.kwargs)
        if lb.type in KIND_IN_ARN:
            _rename(self, lb, lb.arn.replace(":loadbalancer/app/",
                                             f":loadbalancer/{KIND_IN_ARN[lb.type]}/", 1))
        return lb

    ELBv2Backend.create_load_balancer = create_load_balancer
