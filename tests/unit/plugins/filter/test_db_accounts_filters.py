# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The db_accounts role's filters: db_accounts_installed and db_accounts_report."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter.db_accounts import (
    FilterModule,
    db_accounts_installed,
    db_accounts_report,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import databases
from ansible_collections.edu_tw.hardening.tests.unit.db_fixtures import (
    MARIADB_PACKAGES,
    POSTGRESQL_PACKAGES,
    db_host,
)


def test_filters_are_registered():
    assert FilterModule().filters() == {
        "db_accounts_installed": db_accounts_installed,
        "db_accounts_report": db_accounts_report,
    }


@pytest.mark.parametrize(
    ("packages", "installed"),
    [
        (MARIADB_PACKAGES + POSTGRESQL_PACKAGES, ["mariadb", "postgresql"]),
        (POSTGRESQL_PACKAGES + MARIADB_PACKAGES, ["mariadb", "postgresql"]),
        (POSTGRESQL_PACKAGES, ["postgresql"]),
        (MARIADB_PACKAGES, ["mariadb"]),
        ("bash\t5.2\tinstall ok installed\n", []),
    ],
)
def test_installed_lists_the_servers_in_a_fixed_order(packages, installed):
    area = databases.collect(db_host(packages=packages))
    assert db_accounts_installed(area) == installed


def test_installed_refuses_evidence_whose_packages_could_not_be_read():
    host = db_host()
    host.commands.clear()
    with pytest.raises(AnsibleFilterError, match="dpkg-query is not installed"):
        db_accounts_installed(databases.collect(host))


@pytest.mark.parametrize(
    "value", [None, "databases", [], {"mariadb": {}}, {"error": "OSError: boom"}]
)
def test_installed_refuses_what_is_not_the_databases_area(value):
    with pytest.raises(AnsibleFilterError, match="expected the databases evidence area"):
        db_accounts_installed(value)


MARIADB_RESULT = {
    "__db_accounts_item": "mariadb",
    "changed": True,
    "steps": [{"account": "shop@localhost", "what": "does not exist"}],
    "left": [{"account": "test", "what": "is a test database that holds 3 tables: kept"}],
}
POSTGRESQL_RESULT = {
    "__db_accounts_item": "postgresql",
    "changed": False,
    "steps": [],
    "left": [],
}


def test_report_lists_what_changed_and_what_was_left_per_server():
    assert db_accounts_report([MARIADB_RESULT, POSTGRESQL_RESULT]) == {
        "mariadb": {
            "changed": ["shop@localhost does not exist"],
            "left for a person": ["test is a test database that holds 3 tables: kept"],
        },
        "postgresql": {"changed": [], "left for a person": []},
    }


def test_report_in_check_mode_says_would_change():
    result = dict(MARIADB_RESULT, _ansible_check_mode=True)
    assert db_accounts_report([result]) == {
        "mariadb": {
            "would change": ["shop@localhost does not exist"],
            "left for a person": ["test is a test database that holds 3 tables: kept"],
        }
    }


def test_report_skips_skipped_items_and_non_mappings():
    skipped = {"__db_accounts_item": "postgresql", "skipped": True, "changed": False}
    assert db_accounts_report([skipped, "noise", None, MARIADB_RESULT]) == {
        "mariadb": {
            "changed": ["shop@localhost does not exist"],
            "left for a person": ["test is a test database that holds 3 tables: kept"],
        }
    }


def test_report_of_a_result_without_its_item_names_it_question_mark():
    result = {"steps": [], "left": []}
    assert db_accounts_report([result]) == {"?": {"changed": [], "left for a person": []}}


def test_report_of_no_results_is_empty():
    assert db_accounts_report([]) == {}


@pytest.mark.parametrize("value", [None, {"results": []}, "results"])
def test_report_refuses_what_is_not_the_loops_results(value):
    with pytest.raises(AnsibleFilterError, match="expected the results of the loop"):
        db_accounts_report(value)


def test_report_of_a_result_without_left_lists_nothing_left():
    result = {"__db_accounts_item": "mariadb", "steps": [{"account": "shop", "what": "x"}]}
    assert db_accounts_report([result]) == {
        "mariadb": {"changed": ["shop x"], "left for a person": []}
    }
