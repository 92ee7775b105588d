# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.module_utils import files


def test_a_missing_file_reads_as_none(tmp_path):
    assert files.read_bytes(str(tmp_path / "absent")) is None
    assert files.read_text(str(tmp_path / "absent")) is None


def test_a_file_reads_as_its_bytes_and_as_text(tmp_path):
    path = tmp_path / "rules.nft"
    path.write_bytes("table inet x {}\n# 教育部\n".encode())
    assert files.read_bytes(str(path)) == "table inet x {}\n# 教育部\n".encode()
    assert files.read_text(str(path)) == "table inet x {}\n# 教育部\n"


def test_undecodable_bytes_are_replaced_not_raised():
    assert files.as_text(b"a\xffb") == "a\ufffdb"
    assert files.as_text(None) is None
