# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Names the collection gives things on a managed host, defined once for the Python side.

The roles keep their own copy in YAML (``roles/firewall/vars/main.yml`` ``__firewall_table``
and ``__firewall_state_dir``, ``roles/firewall/defaults/main.yml`` ``firewall_ssh_port``) and
pass it to the modules; ``tests/unit/roles/test_shared_values.py`` keeps both sides equal.
"""

from __future__ import annotations

# The state the collection keeps on a host (guard files, saved PAM stack, windows).
STATE_DIR = "/var/lib/edu_tw_hardening"

# The remote-maintenance window records (one <name>.json per window, MOE-18).
WINDOWS_DIR = f"{STATE_DIR}/windows"

# The remote_access role's host-side configuration: the maintenance accounts it manages.
REMOTE_ACCESS_CONFIG = "/etc/edu_tw_hardening/remote_access.json"

# The firewall's one nftables table, as "<family> <name>", and its guard's state.
FIREWALL_TABLE = "inet edu_tw_hardening"
FIREWALL_STATE_DIR = f"{STATE_DIR}/firewall"

# The port sshd listens on when nothing else is declared (firewall_ssh_port's default).
SSH_PORT = 22
