# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: ends_at
short_description: The hosts whose link ends at a given host, as the playbooks pair them
version_added: 0.1.0
description:
  - The hosts of the input whose other end (see P(crossvpc.aws.other_end#filter)) is O(host), for example the
    consumers of a provider's service or the spokes of a hub.
author:
  - crossvpc.aws maintainers (@crossvpc)
positional: hostvars, variable, default, host
options:
  _input:
    description: The hosts, for example C(groups['spoke']).
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
  host:
    description: The host the links end at.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: The spokes of this hub
  ansible.builtin.debug:
    msg: "{{ groups['spoke'] | crossvpc.aws.ends_at(hostvars, 'transit_gateway_hub_host', groups['hub'][0], inventory_hostname) }}"
"""

RETURN = r"""
_value:
  description: The hosts whose other end is O(host), in the input's order.
  type: list
  elements: str
"""

from ansible_collections.crossvpc.aws.plugins.filter.other_end import other_end


def ends_at(hosts, hostvars, variable, default, host):
    return [h for h, end in other_end(hosts, hostvars, variable, default).items() if end == host]


class FilterModule(object):
    def filters(self):
        return {"ends_at": ends_at}
