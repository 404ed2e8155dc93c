# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # What every crossvpc.aws module promises about check mode and diff.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    support: full
    description:
      - With C(--check) the module makes only read calls and reports the changes it would make,
        with the same return shape as a real run.
  diff_mode:
    support: full
    description:
      - With C(--diff) the module returns the state before and after the change.
  platform:
    support: full
    platforms: aws
    description: Target AWS platform.
"""

    # Read-only modules (crossvpc.aws.attributes.info): nothing changes, so no diff.
    INFO = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode makes the same calls and returns the same result.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  platform:
    support: full
    platforms: aws
    description: Target AWS platform.
"""
