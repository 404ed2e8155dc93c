"""ECS: clusters describe their capacity providers as AWS does.

AWS always returns ``capacityProviders`` and ``defaultCapacityProviderStrategy`` (empty lists when
unset); moto omits them, and community.aws.ecs_cluster fails with a KeyError on a rerun.
"""


def install():
    from moto.ecs.models import Cluster

    original_init = Cluster.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.capacity_providers = self.capacity_providers or []
        self.default_capacity_provider_strategy = self.default_capacity_provider_strategy or []

    Cluster.__init__ = __init__
