"""ECS clusters describe their capacity providers as AWS does (empty lists when unset)."""


def test_cluster_reports_empty_capacity_providers(localaws):
    ecs = localaws.client("ecs")
    ecs.create_cluster(clusterName="capacity-check")
    [cluster] = ecs.describe_clusters(clusters=["capacity-check"])["clusters"]
    assert cluster["capacityProviders"] == []
    assert cluster["defaultCapacityProviderStrategy"] == []


def test_deleted_clusters_and_services_are_no_longer_listed(localaws):
    ecs = localaws.client("ecs")
    ecs.create_cluster(clusterName="gone")
    ecs.create_service(cluster="gone", serviceName="svc", desiredCount=0)
    assert len(ecs.list_services(cluster="gone")["serviceArns"]) == 1
    ecs.delete_service(cluster="gone", service="svc", force=True)
    assert ecs.list_services(cluster="gone")["serviceArns"] == []
    ecs.delete_cluster(cluster="gone")
    assert not [arn for arn in ecs.list_clusters()["clusterArns"] if arn.endswith("/gone")]
    [cluster] = ecs.describe_clusters(clusters=["gone"])["clusters"]
    assert cluster["status"] == "INACTIVE"
