"""ECS: what AWS reports that moto does not.

- Clusters always carry ``capacityProviders`` and ``defaultCapacityProviderStrategy`` (empty lists
  when unset); moto omits them, and community.aws.ecs_cluster fails with a KeyError on a rerun.
- Deleted clusters and services turn INACTIVE; AWS no longer lists them, moto keeps listing them,
  so a teardown looks like it left something behind.
"""


def install():
    from moto.ecs.models import Cluster, EC2ContainerServiceBackend

    original_init = Cluster.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.capacity_providers = self.capacity_providers or []
        self.default_capacity_provider_strategy = self.default_capacity_provider_strategy or []

    def list_clusters(self):
        return [c.arn for c in self.clusters.values() if c.status != "INACTIVE"]

    original_list_services = EC2ContainerServiceBackend.list_services

    def list_services(self, cluster_str, *args, **kwargs):
        arns = original_list_services(self, cluster_str, *args, **kwargs)
        inactive = {s.arn for s in self.services.values() if s.status == "INACTIVE"}
        return [arn for arn in arns if arn not in inactive]

    Cluster.__init__ = __init__
    EC2ContainerServiceBackend.list_clusters = list_clusters
    EC2ContainerServiceBackend.list_services = list_services
