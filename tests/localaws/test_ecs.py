"""ECS clusters describe their capacity providers as AWS does (empty lists when unset)."""


def test_cluster_reports_empty_capacity_providers(localaws):
    ecs = localaws.client("ecs")
    ecs.create_cluster(clusterName="capacity-check")
    [cluster] = ecs.describe_clusters(clusters=["capacity-check"])["clusters"]
    assert cluster["capacityProviders"] == []
    assert cluster["defaultCapacityProviderStrategy"] == []
