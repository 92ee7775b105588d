# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the test signature database (ClamAV .ndb) that the test hosts' local mirror serves:
the EICAR test file (made from the collection's own antivirus_checks.eicar(), never stored)
and the marker text below. ClamAV's own databases cannot be fetched or faked offline."""

import importlib.util
from pathlib import Path

MARKER = b"edu_tw.hardening test marker: not a virus"

_path = Path(__file__).resolve().parents[3] / "plugins" / "module_utils" / "antivirus_checks.py"
_spec = importlib.util.spec_from_file_location("antivirus_checks", _path)
antivirus_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(antivirus_checks)

if __name__ == "__main__":
    print(f"Test.EICAR:0:*:{antivirus_checks.eicar().hex()}")
    print(f"Test.Marker:0:*:{MARKER.hex()}")
