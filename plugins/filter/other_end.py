# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: other_end
short_description: The host at the other end of each host's link, as the playbooks pair them
version_added: 0.1.0
description:
  - The playbooks pair hosts by a variable that names the other end's inventory host
    (C(privatelink_provider_host) on a consumer, C(vpc_peering_peer_host) on a peering end,
    C(transit_gateway_hub_host) on a spoke), defaulting to the other group's first host.
  - Returns, for each host of the input, that other host, or with O(attribute) that host's variable.
author:
  - crossvpc.aws maintainers (@crossvpc)
positional: hostvars, variable, default, attribute
options:
  _input:
    description: The hosts, for example C(groups['consumer']).
    type: list
    elements: str
    required: true
  hostvars:
    description: C(hostvars).
    type: dict
    required: true
  variable:
    description: The variable that names the other end's host.
    type: str
    required: true
  default:
    description: The other end of a host that does not set O(variable).
    type: str
    required: true
  attribute:
    description: Give this variable of the other end (empty if it has none) instead of its name.
    type: str
"""

EXAMPLES = r"""
- name: Each consumer's provider's region
  ansible.builtin.debug:
    msg: "{{ groups['consumer'] | crossvpc.aws.other_end(hostvars, 'privatelink_provider_host', groups['provider'][0], 'aws_region') }}"
"""

RETURN = r"""
_value:
  description: Host -> the other end's host (or its O(attribute)).
  type: dict
"""


def other_end(hosts, hostvars, variable, default, attribute=None):
    ends = dict((host, hostvars[host].get(variable, default)) for host in hosts)
    if attribute:
        return dict((host, hostvars[end].get(attribute, "") if end in hostvars else "") for host, end in ends.items())
    return ends


class FilterModule(object):
    def filters(self):
        return {"other_end": other_end}
