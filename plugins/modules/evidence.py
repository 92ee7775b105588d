#!/usr/bin/python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: evidence
short_description: Collect the compliance evidence of a host in one round trip
description:
  - Runs every evidence collector of the collection (accounts, PAM, firewall, listening
    sockets, antivirus, updates, remote access, databases, system) on the host and returns
    what each one read, as data for the controller to judge against the control catalogue.
  - Changes nothing on the host. Each command is run at most once per call.
  - A collector that fails reports its error as evidence of its area instead of failing
    the host.
  - A part of an area that could not be read (a program missing or failing, such as C(ss),
    C(nft), C(sshd -T) or C(dpkg-query); an unreadable file such as C(/etc/passwd)) is
    reported as C(<part>_error) beside the part (C(listening_error), C(nft_error),
    C(sshd_error), C(packages_error), ...), never as an empty reading.
version_added: 0.1.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
options:
  areas:
    description:
      - The evidence areas to collect. All of them when empty.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    description: Reads the same evidence in check mode; it never changes the host.
    support: full
  diff_mode:
    description: Nothing to show; it changes nothing.
    support: none
  platform:
    description: Debian hosts, the platform of the collection's roles.
    support: full
    platforms: debian
notes:
  - Runs as root to read C(/etc/shadow), the firewall ruleset and database grants.
"""

EXAMPLES = r"""
- name: Collect the evidence of every control
  edu_tw.hardening.evidence:
  register: audit_evidence

- name: Collect only the password evidence
  edu_tw.hardening.evidence:
    areas: [accounts, pam]
"""

RETURN = r"""
evidence:
  description:
    - Evidence per area; an area whose collector failed holds only C(error).
    - Each C(<part>_error) is None when the part was read, else why it could not be.
  returned: always
  type: dict
collected_at:
  description: When the evidence was read, on the host's clock (ISO 8601, UTC).
  returned: always
  type: str
hostname:
  description: The host's own name.
  returned: always
  type: str
"""

import socket
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import gather
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import ModuleHost


def main() -> None:
    module = AnsibleModule(
        argument_spec={"areas": {"type": "list", "elements": "str", "default": []}},
        supports_check_mode=True,
    )
    unknown = sorted(set(module.params["areas"]) - set(gather.COLLECTORS))
    if unknown:
        module.fail_json(
            msg=f"areas: unknown evidence area(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(gather.COLLECTORS))}"
        )
    host = gather.CachingHost(ModuleHost(module, time.time))
    evidence = gather.collect_all(host, module.params["areas"] or None)
    module.exit_json(
        changed=False,
        evidence=evidence,
        collected_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(host.now())),
        hostname=socket.gethostname(),
    )


if __name__ == "__main__":
    main()
