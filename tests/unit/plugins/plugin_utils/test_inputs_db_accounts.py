# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The db_accounts role's inputs (MOE-42.2.4): the db_name, db_grant_database, db_host,
db_privilege and password formats, the role rule db_accounts_policy, and clear_secrets (a
password must come from a vault), with values as people give them."""

from __future__ import annotations

import json

import pytest
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

ROLE = inputs.load_role("db_accounts")
PASSWORD = "Corr3ct-horse-battery"


def entry(**fields) -> dict:
    """One declared account as a site writes it in its inventory."""
    account = {
        "name": "shop",
        "engine": "mariadb",
        "password": PASSWORD,
        "grants": [{"database": "shop", "privileges": ["select", "insert"]}],
    }
    account.update(fields)
    return account


def check(*accounts: dict, **raw) -> inputs.Checked:
    raw.setdefault("db_accounts_accounts", list(accounts))
    return inputs.check_inputs(ROLE, raw, rules=True)


def errors(*accounts: dict, **raw) -> list[str]:
    return check(*accounts, **raw).errors


def one_error(*accounts: dict, **raw) -> str:
    found = errors(*accounts, **raw)
    assert len(found) == 1, found
    return found[0]


def accepts(name: str, value: str) -> bool:
    try:
        inputs.FORMATS[name].check(value)
    except inputs.Invalid:
        return False
    return True


# ---------------------------------------------------------------- valid declarations


def test_valid_declaration_passes_and_is_typed_with_defaults():
    checked = check(entry())
    assert checked.errors == []
    assert checked.values["accounts"] == [
        {
            "name": "shop",
            "engine": "mariadb",
            "state": "present",
            "hosts": ["localhost"],
            "password": PASSWORD,
            "grants": [{"database": "shop", "privileges": ["SELECT", "INSERT"]}],
            "admin": False,
            "admin_reason": "",
            "attributes": [],
        }
    ]
    assert checked.values["undeclared_ceiling"] == ["SELECT", "INSERT", "UPDATE", "DELETE"]
    assert checked.values["baseline_enabled"] is True


def test_privileges_are_upper_cased_with_single_spaces():
    account = entry(grants=[{"database": "shop", "privileges": ["create   temporary tables"]}])
    checked = check(account)
    assert checked.errors == []
    assert checked.values["accounts"][0]["grants"][0]["privileges"] == ["CREATE TEMPORARY TABLES"]


def test_all_privileges_is_typed_as_all_for_an_administrator():
    admin = entry(
        name="dba",
        admin=True,
        admin_reason="runs the nightly backups",
        grants=[{"database": "*", "privileges": ["all privileges", "grant option"]}],
    )
    checked = check(admin)
    assert checked.errors == []
    assert checked.values["accounts"][0]["grants"][0]["privileges"] == ["ALL", "GRANT OPTION"]


def test_postgresql_administrator_with_attributes_passes():
    admin = entry(
        name="migrator",
        engine="postgresql",
        admin=True,
        admin_reason="schema migrations",
        attributes=["CREATEDB"],
        grants=[{"database": "shop", "privileges": ["SELECT", "CREATE", "TEMPORARY"]}],
    )
    assert errors(admin) == []


def test_networks_are_normalised_and_single_addresses_shortened():
    checked = check(entry(hosts=["192.0.2.7/32", "198.51.100.0/24", "2001:db8::5"]))
    assert checked.errors == []
    assert checked.values["accounts"][0]["hosts"] == ["192.0.2.7", "198.51.100.0/24", "2001:db8::5"]


def test_percent_host_names_an_account_being_dropped_or_locked_without_a_password():
    assert errors(entry(state="absent", hosts=["%"], password="", grants=[])) == []
    assert errors(entry(state="locked", hosts=["%"], password="", grants=[])) == []


def test_empty_declaration_passes():
    assert errors() == []


def test_a_json_text_of_accounts_is_not_taken_for_the_list():
    # A list given as text is comma-separated items (as Ansible's list type splits it):
    # the pieces of a JSON document are no accounts.
    found = errors(db_accounts_accounts=json.dumps([entry()]))
    assert found
    assert found[0].startswith("db_accounts_accounts[0]: ")
    assert all("is not a mapping" in f for f in found)


# ---------------------------------------------------------------- the role's rule

W = "db_accounts_accounts[0] (shop)"


def test_all_on_every_database_for_an_application_is_refused():
    found = errors(entry(grants=[{"database": "*", "privileges": ["SELECT"]}]))
    assert found == [
        f"{W}.grants[0].database: * (privileges on *.*, every database) is for administrators "
        "only; grant on the application's own databases"
    ]


def test_all_for_an_application_is_refused_as_an_administrators_privilege():
    found = errors(entry(grants=[{"database": "*", "privileges": ["ALL"]}]))
    assert f"{W}.grants[0].privileges: ALL is an administrator's privilege" in found[1]
    assert len(found) == 2


@pytest.mark.parametrize("privilege", ["SUPER", "FILE", "PROCESS", "GRANT OPTION", "CREATE USER"])
def test_administrators_privileges_are_refused_for_an_application(privilege):
    message = one_error(entry(grants=[{"database": "shop", "privileges": [privilege]}]))
    assert message.startswith(
        f"{W}.grants[0].privileges: {privilege} is an administrator's privilege; an application "
        "account never holds it"
    )


def test_unknown_privilege_is_refused_naming_the_known_ones():
    message = one_error(entry(grants=[{"database": "shop", "privileges": ["SELEKT"]}]))
    assert message.startswith(
        f"{W}.grants[0].privileges: SELEKT is not a MariaDB privilege the role knows (known: "
    )
    assert "CREATE TEMPORARY TABLES" in message


def test_a_mariadb_privilege_is_unknown_on_postgresql():
    account = entry(
        engine="postgresql", grants=[{"database": "shop", "privileges": ["LOCK TABLES"]}]
    )
    assert one_error(account).startswith(
        f"{W}.grants[0].privileges: LOCK TABLES is not a PostgreSQL privilege the role knows"
    )


def test_server_wide_privilege_of_an_administrator_must_be_on_every_database():
    admin = entry(
        admin=True, admin_reason="ops", grants=[{"database": "shop", "privileges": ["RELOAD"]}]
    )
    assert one_error(admin) == (
        f"{W}.grants[0].privileges: RELOAD is a server-wide privilege; grant it on database *"
    )


def test_star_is_no_postgresql_database():
    admin = entry(
        engine="postgresql",
        admin=True,
        admin_reason="ops",
        grants=[{"database": "*", "privileges": ["CREATE"]}],
    )
    assert one_error(admin).startswith(f"{W}.grants[0].database: * is not a PostgreSQL database")


def test_administrator_without_a_reason_is_refused():
    assert one_error(entry(admin=True)) == (
        f"{W}.admin_reason: an administrator needs a reason (why this account needs more than an "
        "application's privileges); it shows in the access list"
    )


def test_reason_without_admin_is_refused():
    assert one_error(entry(admin_reason="backups")) == (
        f"{W}.admin_reason: is given but admin is false; say admin: true"
    )


def test_attributes_on_an_application_role_are_refused():
    account = entry(engine="postgresql", attributes=["SUPERUSER"])
    account["grants"] = [{"database": "shop", "privileges": ["SELECT"]}]
    assert one_error(account) == (
        f"{W}.attributes: role attributes (SUPERUSER) are for PostgreSQL administrators only "
        "(admin: true with admin_reason)"
    )


def test_attributes_on_a_mariadb_administrator_are_refused():
    admin = entry(admin=True, admin_reason="ops", attributes=["CREATEDB"])
    assert one_error(admin).startswith(f"{W}.attributes: role attributes (CREATEDB) are for")


def test_unknown_attribute_is_refused():
    account = entry(engine="postgresql", admin=True, admin_reason="ops", attributes=["LOGIN"])
    account["grants"] = [{"database": "shop", "privileges": ["SELECT"]}]
    assert one_error(account).startswith(
        "db_accounts_accounts[0].attributes[0]: 'LOGIN' is not one of"
    )


def test_percent_host_for_a_present_account_is_refused():
    assert one_error(entry(hosts=["%"])) == (
        f"{W}.hosts: % (any host) is only for naming an account to lock or drop; list the "
        "application servers' addresses"
    )


def test_ipv6_network_on_mariadb_is_refused():
    assert one_error(entry(hosts=["2001:db8::/64"])) == (
        f"{W}.hosts: 2001:db8::/64: MariaDB takes single IPv6 addresses, not networks"
    )


def test_ipv6_network_on_postgresql_passes():
    account = entry(engine="postgresql", hosts=["2001:db8::/64"])
    account["grants"] = [{"database": "shop", "privileges": ["SELECT"]}]
    assert errors(account) == []


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.0/8", "::1"])
def test_loopback_address_is_refused_saying_localhost(address):
    assert one_error(entry(hosts=[address])) == (
        f"db_accounts_accounts[0].hosts[0]: {address!r} is a loopback address: write localhost"
    )


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("0.0.0.0/0", "every address"),
        ("192.0.2.1/24", "has host bits set"),
        ("db.example.org", "is not an IP address or CIDR network"),
        ("fe80::1%eth0", "scoped address"),
        ("::ffff:192.0.2.1", "IPv4-mapped"),
    ],
)
def test_other_hosts_are_refused_by_the_network_format(host, words):
    assert words in one_error(entry(hosts=[host]))


def test_mariadb_sys_is_refused_by_the_name_format():
    assert one_error(entry(name="mariadb.sys", grants=[])).startswith(
        "db_accounts_accounts[0].name: 'mariadb.sys' is not a database account or database name"
    )


def test_root_is_refused_as_the_servers_own_account():
    assert one_error(entry(name="root", grants=[])) == (
        "db_accounts_accounts[0] (root).name: root is the MariaDB server's own account; the role "
        "never changes it (it is listed as an administrator in the access list)"
    )


def test_postgres_is_refused_as_the_servers_own_role():
    assert one_error(entry(name="postgres", engine="postgresql", grants=[])).startswith(
        "db_accounts_accounts[0] (postgres).name: postgres is the PostgreSQL server's own account"
    )


@pytest.mark.parametrize(
    ("engine", "database"), [("mariadb", "mysql"), ("postgresql", "template1")]
)
def test_system_database_for_an_application_is_refused(engine, database):
    account = entry(engine=engine, grants=[{"database": database, "privileges": ["SELECT"]}])
    title = "MariaDB" if engine == "mariadb" else "PostgreSQL"
    assert one_error(account) == (
        f"{W}.grants[0].database: {database} is a system database of {title}; an application "
        "gets its own databases only"
    )


def test_present_account_without_a_password_is_refused():
    assert one_error(entry(password="")) == (
        f"{W}.password: is required for an account in state present"
    )


def test_short_password_is_refused():
    assert one_error(entry(password="short")) == (
        "db_accounts_accounts[0].password: is not 8 to 128 printable characters"
    )


def test_empty_privilege_list_is_refused():
    assert one_error(entry(grants=[{"database": "shop", "privileges": []}])) == (
        f"{W}.grants[0].privileges: is empty; leave the grant out instead"
    )


def test_the_same_name_on_the_same_engine_twice_is_refused():
    assert one_error(entry(), entry(hosts=["192.0.2.7"])) == (
        "db_accounts_accounts: the name/engine 'shop/mariadb' is declared more than once"
    )


def test_the_same_name_on_both_engines_passes():
    postgres = entry(engine="postgresql", grants=[{"database": "shop", "privileges": ["SELECT"]}])
    assert errors(entry(), postgres) == []


def test_every_problem_of_one_account_is_reported_at_once():
    found = errors(entry(admin=True, hosts=["%"], password=""))
    assert [f.split(": ", 1)[0] for f in found] == [
        f"{W}.admin_reason",
        f"{W}.password",
        f"{W}.hosts",
    ]


def test_the_rule_names_the_index_of_each_account():
    found = errors(entry(), entry(name="crm", admin=True))
    assert found == [
        "db_accounts_accounts[1] (crm).admin_reason: an administrator needs a reason (why this "
        "account needs more than an application's privileges); it shows in the access list"
    ]


# ---------------------------------------------------------------- hostile strings


@pytest.mark.parametrize(
    "name",
    [
        "Shop",
        "sh op",
        "shop'",
        'shop"',
        "shop`",
        "shop;",
        "1shop",
        "shop-app",
        "\uff53\uff48\uff4f\uff50",
        "a" * 33,
    ],
)
def test_account_names_outside_the_db_name_format_are_refused(name):
    message = one_error(entry(name=name))
    assert message.startswith("db_accounts_accounts[0].name: ")


@pytest.mark.parametrize("name", ["shop\n", "shop\x00", "shop\u202e"])
def test_account_names_with_control_characters_are_refused(name):
    message = one_error(entry(name=name))
    assert message.startswith("db_accounts_accounts[0].name: ")


@pytest.mark.parametrize("database", ["shop;drop", "shop.*", "`shop`", "test\\_%", "shop\n", "*.*"])
def test_grant_databases_outside_the_format_are_refused(database):
    message = one_error(entry(grants=[{"database": database, "privileges": ["SELECT"]}]))
    assert message.startswith("db_accounts_accounts[0].grants[0].database: ")


@pytest.mark.parametrize(
    "privilege",
    [
        "SELECT; DROP USER root",
        "SELECT,INSERT",
        "SELECT'",
        "SE\nLECT",
        "\uff33\uff25\uff2c\uff25\uff23\uff34",
        "A B C D E",
    ],
)
def test_hostile_privileges_are_refused_by_the_format(privilege):
    message = one_error(entry(grants=[{"database": "shop", "privileges": [privilege]}]))
    assert message.startswith("db_accounts_accounts[0].grants[0].privileges[0]: ")


@pytest.mark.parametrize(
    "host", ["\uff11\uff19\uff12.0.2.7", "192.0.2.7\n", "192.0.2.7'", "192.0.2.7;"]
)
def test_hostile_hosts_are_refused(host):
    assert one_error(entry(hosts=[host])).startswith("db_accounts_accounts[0].hosts[0]: ")


def test_password_with_a_newline_is_refused():
    message = one_error(entry(password="Corr3ct\nhorse"))
    assert message.startswith("db_accounts_accounts[0].password: ")


def test_admin_reason_with_a_control_character_is_refused():
    message = one_error(entry(admin=True, admin_reason="backups\x1b[2J"))
    assert message.startswith("db_accounts_accounts[0].admin_reason: ")


def test_too_many_accounts_are_refused():
    accounts = [entry(name=f"app{i}") for i in range(201)]
    assert one_error(*accounts) == "db_accounts_accounts: has 201 entries, more than 200"


def test_too_many_hosts_are_refused():
    hosts = [f"192.0.2.{i}" for i in range(1, 34)]
    assert one_error(entry(hosts=hosts)) == (
        "db_accounts_accounts[0].hosts: has 33 entries, more than 32"
    )


def test_too_many_privileges_are_refused():
    privileges = ["SELECT"] * 33
    message = one_error(entry(grants=[{"database": "shop", "privileges": privileges}]))
    assert message == "db_accounts_accounts[0].grants[0].privileges: has 33 entries, more than 32"


def test_too_many_grants_are_refused():
    grants = [{"database": f"db{i}", "privileges": ["SELECT"]} for i in range(65)]
    assert one_error(entry(grants=grants)) == (
        "db_accounts_accounts[0].grants: has 65 entries, more than 64"
    )


def test_unknown_key_in_an_account_is_refused():
    message = one_error(entry(superuser=True))
    assert message.startswith("db_accounts_accounts[0]: unknown key 'superuser'")


def test_ceiling_privileges_are_checked_by_the_privilege_format():
    found = errors(db_accounts_undeclared_ceiling=["select", "DROP; --"])
    assert len(found) == 1
    assert found[0].startswith("db_accounts_undeclared_ceiling[1]: ")


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("value", ["shop", "_tmp", "a1_b2", "a" * 32])
def test_db_name_accepts_lower_case_names(value):
    assert accepts("db_name", value)


@pytest.mark.parametrize("value", ["", "Shop", "a" * 33, "1a", "a-b", "a.b"])
def test_db_name_refuses_others(value):
    assert not accepts("db_name", value)


def test_db_grant_database_accepts_star_and_names_only():
    assert accepts("db_grant_database", "*")
    assert accepts("db_grant_database", "shop")
    assert not accepts("db_grant_database", "**")
    assert not accepts("db_grant_database", "shop*")


def test_db_privilege_normalises_case_spaces_and_all_privileges():
    check = inputs.FORMATS["db_privilege"].check
    assert check(" lock   tables ") == "LOCK TABLES"
    assert check("All Privileges") == "ALL"
    assert check("read_only admin") == "READ_ONLY ADMIN"


def test_db_host_keeps_localhost_and_percent():
    check = inputs.FORMATS["db_host"].check
    assert check("localhost") == "localhost"
    assert check("%") == "%"


# ---------------------------------------------------------------- clear_secrets


def vaulted(value) -> bool:
    """A stand-in for Ansible's is_encrypted: this test's vault marks values by type."""
    return isinstance(value, VaultText)


class VaultText(str):
    """What an inline !vault value looks like to the input layer: a str that is vaulted."""


def test_clear_text_password_is_refused():
    raw = {"db_accounts_accounts": [entry()]}
    assert inputs.clear_secrets(ROLE, raw, vaulted) == [
        "db_accounts_accounts[0].password: is given in clear text; a password comes from a "
        "vault: encrypt it with ansible-vault encrypt_string (an inline !vault value) or keep it "
        "in a vault-encrypted vars file"
    ]


def test_vaulted_password_passes():
    raw = {"db_accounts_accounts": [entry(password=VaultText(PASSWORD))]}
    assert inputs.clear_secrets(ROLE, raw, vaulted) == []


def test_each_clear_password_is_named_by_its_index():
    raw = {
        "db_accounts_accounts": [
            entry(password=VaultText(PASSWORD)),
            entry(name="crm"),
            entry(name="erp"),
        ]
    }
    found = inputs.clear_secrets(ROLE, raw, vaulted)
    assert [f.split(":", 1)[0] for f in found] == [
        "db_accounts_accounts[1].password",
        "db_accounts_accounts[2].password",
    ]


def test_a_json_text_of_the_whole_list_is_clear_text_even_if_called_vaulted():
    raw = {"db_accounts_accounts": json.dumps([entry()])}
    found = inputs.clear_secrets(ROLE, raw, lambda value: True)
    assert [f.split(":", 1)[0] for f in found] == ["db_accounts_accounts[0].password"]


def test_empty_password_is_not_a_clear_secret():
    raw = {"db_accounts_accounts": [entry(password=""), entry(name="crm", password=None)]}
    assert inputs.clear_secrets(ROLE, raw, lambda value: False) == []


def test_accounts_not_given_have_no_clear_secret():
    assert inputs.clear_secrets(ROLE, {}, lambda value: False) == []


def test_an_account_without_a_password_key_has_no_clear_secret():
    account = entry()
    del account["password"]
    assert inputs.clear_secrets(ROLE, {"db_accounts_accounts": [account]}, vaulted) == []


def test_text_that_is_no_json_gives_no_clear_secret_and_is_left_to_the_checks():
    raw = {"db_accounts_accounts": "not json"}
    assert inputs.clear_secrets(ROLE, raw, vaulted) == []


def test_a_json_text_entry_of_the_list_is_clear_text_even_if_called_vaulted():
    # One entry given as JSON text (-e, a survey): its password was typed in clear.
    raw = {
        "db_accounts_accounts": [
            entry(name="crm", password=VaultText(PASSWORD)),
            json.dumps(entry()),
        ]
    }
    found = inputs.clear_secrets(ROLE, raw, lambda value: True)
    assert [f.split(":", 1)[0] for f in found] == ["db_accounts_accounts[1].password"]


def test_a_json_text_entry_that_is_no_json_gives_no_clear_secret():
    raw = {"db_accounts_accounts": ["not json"]}
    assert inputs.clear_secrets(ROLE, raw, lambda value: False) == []


# ---------------------------------------------------------------- secrets in reports


def test_secret_values_finds_the_password_nested_in_the_accounts():
    raw = {
        "db_accounts": {
            "db_accounts_accounts": [entry(), entry(name="crm", password="Sec0nd-pass")]
        }
    }
    checked = check(entry())
    found = inputs.secret_values([ROLE], raw, {"db_accounts": checked.values})
    assert found == ["Corr3ct-horse-battery", "Sec0nd-pass"]


def test_secret_values_finds_the_password_in_a_json_text_of_the_accounts():
    raw = {"db_accounts": {"db_accounts_accounts": json.dumps([entry()])}}
    assert inputs.secret_values([ROLE], raw, {}) == [PASSWORD]


def test_secret_values_takes_no_other_key_of_the_accounts():
    raw = {"db_accounts": {"db_accounts_accounts": [entry(password="")]}}
    assert inputs.secret_values([ROLE], raw, {}) == []


def test_hide_secrets_masks_each_password_and_leaves_every_other_key():
    values = check(entry(), entry(name="crm", engine="postgresql")).values
    hidden = inputs.hide_secrets(ROLE, values)
    assert [a["password"] for a in hidden["accounts"]] == ["********", "********"]
    for shown, given in zip(hidden["accounts"], values["accounts"]):
        assert {k: v for k, v in shown.items() if k != "password"} == {
            k: v for k, v in given.items() if k != "password"
        }
    assert hidden["undeclared_ceiling"] == values["undeclared_ceiling"]


def test_hide_secrets_leaves_an_empty_password_empty():
    values = check(entry(name="old", state="absent", password="")).values
    hidden = inputs.hide_secrets(ROLE, values)
    assert hidden["accounts"][0]["password"] == ""
    assert values["accounts"][0]["password"] == ""


def test_hide_secrets_does_not_change_the_values_it_is_given():
    values = check(entry()).values
    inputs.hide_secrets(ROLE, values)
    assert values["accounts"][0]["password"] == PASSWORD


# ---------------------------------------------------------------- hosts, names, GRANT OPTION


def test_two_halves_of_every_ipv4_address_are_refused():
    found = errors(entry(hosts=["0.0.0.0/1", "128.0.0.0/1"]))
    assert found == [
        "db_accounts_accounts[0].hosts[0]: '0.0.0.0/1' is wider than /8: list the application "
        "servers' addresses or networks",
        "db_accounts_accounts[0].hosts[1]: '128.0.0.0/1' is wider than /8: list the application "
        "servers' addresses or networks",
    ]


def test_networks_that_together_cover_every_address_are_refused_by_the_list_check():
    with pytest.raises(inputs.Invalid, match="together cover every IPv4 address"):
        inputs._refuse_everything(["0.0.0.0/1", "128.0.0.0/1"])
    inputs._refuse_everything(["10.0.0.0/8", "192.0.2.0/24"])  # no error


def test_an_ipv4_network_wider_than_slash_8_is_refused():
    assert one_error(entry(hosts=["16.0.0.0/4"])) == (
        "db_accounts_accounts[0].hosts[0]: '16.0.0.0/4' is wider than /8: list the application "
        "servers' addresses or networks"
    )


def test_an_ipv4_slash_8_network_passes():
    assert errors(entry(hosts=["10.0.0.0/8"])) == []


def test_an_ipv6_network_wider_than_slash_32_is_refused():
    found = one_error(entry(engine="postgresql", hosts=["2001:db8::/31"]))
    assert "'2001:db8::/31' is wider than /32" in found


def test_an_ipv6_slash_32_network_passes_on_postgresql():
    assert errors(entry(engine="postgresql", hosts=["2001:db8::/32"])) == []


@pytest.mark.parametrize(
    "name", ["all", "replication", "sameuser", "samerole", "samegroup", "public"]
)
def test_a_pg_hba_keyword_is_refused_as_a_postgresql_role_name(name):
    assert one_error(entry(name=name, engine="postgresql")) == (
        f"db_accounts_accounts[0] ({name}).name: {name} is a keyword of pg_hba.conf; give the "
        "role another name"
    )


def test_all_as_a_mariadb_account_name_passes():
    assert errors(entry(name="all")) == []


def test_a_pg_hba_keyword_is_refused_as_a_postgresql_database():
    account = entry(engine="postgresql", grants=[{"database": "all", "privileges": ["SELECT"]}])
    assert one_error(account) == (
        "db_accounts_accounts[0] (shop).grants[0].database: all is a keyword of pg_hba.conf, "
        "not a database name the role can grant on"
    )


def test_grant_option_on_a_named_database_is_refused_even_for_an_administrator():
    account = entry(
        admin=True,
        admin_reason="runs the shop's migrations",
        grants=[{"database": "shop", "privileges": ["SELECT", "GRANT OPTION"]}],
    )
    assert one_error(account) == (
        "db_accounts_accounts[0] (shop).grants[0].privileges: GRANT OPTION is declared on "
        "database * (an administrator's, server-wide)"
    )


def test_grant_option_on_every_database_passes_for_an_administrator():
    account = entry(
        admin=True,
        admin_reason="backups",
        grants=[{"database": "*", "privileges": ["RELOAD", "GRANT OPTION"]}],
    )
    assert errors(account) == []


# ---------------------------------------------------------------- role_inputs, declarations


def _declarations(task_vars: dict) -> dict:
    """The role_inputs action's result in mode declarations (what the audit runs)."""
    from unittest import mock

    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play_context import PlayContext
    from ansible.playbook.task import Task
    from ansible.template import Templar
    from ansible_collections.edu_tw.hardening.plugins.action.role_inputs import ActionModule

    task = Task()
    task.args = {"roles": ["db_accounts"], "mode": "declarations"}
    connection = mock.MagicMock(ansible_name="ansible.builtin.local")
    loader = DataLoader()
    action = ActionModule(task, connection, PlayContext(), loader, Templar(loader=loader), None)
    return action.run(task_vars=task_vars)


def test_declarations_mode_returns_the_accounts_with_their_passwords_hidden():
    result = _declarations({"db_accounts_accounts": [entry()]})
    (account,) = result["inputs"]["db_accounts"]["accounts"]
    assert account["password"] == "********"
    assert (account["name"], account["grants"]) == (
        "shop",
        [{"database": "shop", "privileges": ["SELECT", "INSERT"]}],
    )
    assert PASSWORD not in json.dumps(result, default=str)
