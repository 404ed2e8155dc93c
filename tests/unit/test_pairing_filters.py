"""The filters that pair the playbooks' hosts: each host's other end, and the hosts whose link ends at one."""

from ansible_collections.crossvpc.aws.plugins.filter.ends_at import ends_at
from ansible_collections.crossvpc.aws.plugins.filter.other_end import other_end

HOSTVARS = {"c1": {"privatelink_provider_host": "p2"}, "c2": {}, "c3": {"privatelink_provider_host": "p1"},
            "p1": {"aws_region": "us-east-1"}, "p2": {"aws_region": "eu-west-1"}}


def test_each_host_pairs_with_the_host_it_names_or_the_default():
    assert other_end(["c1", "c2", "c3"], HOSTVARS, "privatelink_provider_host", "p1") == {"c1": "p2", "c2": "p1", "c3": "p1"}
    assert other_end(["c1", "c2"], HOSTVARS, "privatelink_provider_host", "p1", "aws_region") == {"c1": "eu-west-1", "c2": "us-east-1"}
    # A default that is no host (an empty group) gives an empty attribute, for the preflight to report.
    assert other_end(["c2"], HOSTVARS, "privatelink_provider_host", "", "aws_region") == {"c2": ""}


def test_the_hosts_whose_link_ends_at_one_keep_their_order():
    assert ends_at(["c1", "c2", "c3"], HOSTVARS, "privatelink_provider_host", "p1", "p1") == ["c2", "c3"]
    assert ends_at(["c1", "c2", "c3"], HOSTVARS, "privatelink_provider_host", "p1", "p2") == ["c1"]
    assert ends_at([], HOSTVARS, "privatelink_provider_host", "p1", "p1") == []
