# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The input layer: what people type is coerced the Ansible way, everything else refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

ROOT = Path(__file__).resolve().parents[4]
SSH = {"connection": "ssh", "controller_address": "198.51.100.10", "controller_port": 22}
PODMAN = {"connection": "containers.podman.podman", "controller_address": ""}
FIREWALL_OK = {"firewall_management_sources": ["198.51.100.0/24"]}


def check(role: str, context: dict | None = None, **raw):
    return inputs.check_inputs(inputs.load_role(role), raw, context or SSH)


def errors(role: str, context: dict | None = None, **raw) -> list[str]:
    return check(role, context, **raw).errors


def one_error(role: str, context: dict | None = None, **raw) -> str:
    found = errors(role, context, **raw)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- the shipped tables


@pytest.mark.parametrize(
    "role", sorted(p.parent.parent.name for p in ROOT.glob("roles/*/meta/argument_specs.yml"))
)
def test_every_role_table_fits_its_spec_and_its_defaults_pass(role):
    loaded = inputs.load_role(role)
    defaults = yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text()) or {}
    # What Ansible renders the templated defaults to, as the action sees them.
    rendered = {"audit_report_dir": "/srv/reports", "remote_access_credentials_dir": "/srv/creds"}
    plain = {k: rendered.get(k, v) for k, v in defaults.items()}
    context = dict(SSH) if role != "firewall" else {**SSH, "controller_address": ""}
    raw = dict(
        plain, **({"firewall_management_sources": ["192.0.2.0/24"]} if role == "firewall" else {})
    )
    assert inputs.check_inputs(loaded, raw, context).errors == []


def test_site_checks_the_inputs_of_exactly_the_roles_it_applies():
    (play,) = yaml.safe_load((ROOT / "playbooks" / "site.yml").read_text())
    checked = play["pre_tasks"][0]["edu_tw.hardening.role_inputs"]["roles"]
    applied = [r["role"].removeprefix("edu_tw.hardening.") for r in play["roles"]]
    assert checked == applied


def test_an_integer_input_without_bounds_is_a_defect_of_the_role():
    options = {"x_port": {"type": "int"}}
    with pytest.raises(ValueError, match="x_port is an integer without min and max bounds"):
        inputs.validate_table("x", options, {"x_port": {"min": 1}})


def test_a_string_input_without_a_format_is_a_defect_of_the_role():
    with pytest.raises(ValueError, match="x_name is a string without a format"):
        inputs.validate_table("x", {"x_name": {"type": "str"}}, {})


def test_a_check_for_an_input_the_spec_lacks_is_a_defect_of_the_role():
    with pytest.raises(ValueError, match="x_typo is not an input"):
        inputs.validate_table("x", {"x_name": {"type": "bool"}}, {"x_typo": {"min": 1}})


def test_an_unknown_format_is_a_defect_of_the_role():
    with pytest.raises(ValueError, match="unknown format 'nonsense'"):
        inputs.validate_table("x", {"x_name": {"type": "str"}}, {"x_name": {"format": "nonsense"}})


# ---------------------------------------------------------------- booleans


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("false", False),
        ("no", False),
        ("off", False),
        ("n", False),
        ("0", False),
        ("False", False),
        ("yes", True),
        ("true", True),
        ("on", True),
        ("Y", True),
        ("1", True),
        (1, True),
        (0, False),
        (True, True),
        (False, False),
    ],
)
def test_booleans_are_coerced_the_way_ansible_documents(given, expected):
    assert (
        check("firewall", firewall_takeover_enabled=given, **FIREWALL_OK).values["takeover_enabled"]
        is expected
    )


@pytest.mark.parametrize(
    "given", ["maybe", "", "y e s", "yes\n", "2", 2, "\uff59\uff45\uff53", [], {}]
)
def test_anything_else_is_not_a_boolean(given):
    message = one_error("firewall", firewall_takeover_enabled=given, **FIREWALL_OK)
    assert message.startswith("firewall_takeover_enabled: ")


def test_a_boolean_string_from_an_awx_survey_turns_the_controller_off():
    values = check("firewall", firewall_controller_allowed="false", **FIREWALL_OK).values
    assert values["controller_allowed"] is False


# ---------------------------------------------------------------- integers


@pytest.mark.parametrize(("given", "expected"), [("60", 60), (60, 60), (60.0, 60), ("+60", 60)])
def test_integers_from_plain_digits_are_coerced(given, expected):
    values = check("firewall", firewall_guard_seconds=given, **FIREWALL_OK).values
    assert values["guard_seconds"] == expected


@pytest.mark.parametrize(
    "given",
    ["٣", "\uff13", "3.0", "0x10", "1e3", "", "3\t", "3\n", "three", True, 60.5, [60], "\u2014"],
)
def test_anything_else_is_not_an_integer(given):
    message = one_error("password_policy", password_policy_remember=given)
    assert message.startswith("password_policy_remember: ")


def test_a_newline_after_a_number_is_refused_not_stripped():
    # "3\n" passed the argument spec (int("3\n") == 3) while the raw string reached the
    # PAM profile: the whole class is refused here.
    message = one_error("password_policy", password_policy_remember="3\n")
    assert "U+000A" in message


def test_a_number_too_large_for_a_c_int_is_refused_by_its_bound():
    message = one_error("password_policy", password_policy_min_length="99999999999999999999")
    assert "is above 256" in message


def test_a_negative_number_is_refused_by_its_bound():
    assert "is below 0" in one_error("firewall", firewall_guard_seconds="-1", **FIREWALL_OK)


def test_a_floor_comes_from_the_catalogue_and_names_its_control():
    message = one_error("password_policy", password_policy_min_length=7)
    assert message == (
        "password_policy_min_length: 7 is below 8, the floor of MOE-12.9.1 (accepted: 8 to 256)"
    )


def test_a_ceiling_comes_from_the_catalogue_and_names_its_control():
    message = one_error("password_policy", password_policy_max_days="181")
    assert "181 is above 180, the ceiling of MOE-12.9.2" in message


def test_stricter_than_the_rules_is_accepted():
    values = check(
        "password_policy",
        password_policy_min_length="12",
        password_policy_max_days="90",
        password_policy_remember="5",
    ).values
    assert (values["min_length"], values["max_days"], values["remember"]) == (12, 90, 5)


def test_an_input_that_must_stay_below_another_is_refused_at_or_above_it():
    message = one_error("password_policy", password_policy_max_days=30, password_policy_min_days=30)
    assert message == "password_policy_min_days: 30 must be below password_policy_max_days (30)"


# ---------------------------------------------------------------- strings and formats


@pytest.mark.parametrize(
    "name",
    ['web";accept', "web\n", "web accept", "#web", "", "w" * 64, "-web", "wéb", "web\u202e"],
)
def test_a_service_name_that_is_not_a_plain_label_is_refused(name):
    message = one_error("firewall", firewall_services=[{"name": name, "port": 80}], **FIREWALL_OK)
    assert message.startswith("firewall_services[0].name: ")


@pytest.mark.parametrize(
    "character", ["\n", "\r", "\t", "\x00", "\x1b", "\u200b", "\u2028", "\u202e", "\x7f"]
)
def test_a_control_character_is_refused_in_any_string(character):
    message = one_error("password_policy", password_policy_owners={"bob": f"Bob{character}Chen"})
    assert message.startswith("password_policy_owners['bob']: ")
    assert "U+" in message


@pytest.mark.parametrize(
    "word", ["moe#", "#edu", "two words", "tab\there", "nl\n", "全形\u3000空白"]
)
def test_a_site_word_that_could_inject_or_comment_a_setting_is_refused(word):
    message = one_error("password_policy", password_policy_site_words=["ok", word])
    assert message.startswith("password_policy_site_words[1]: ")


def test_site_words_may_be_chinese():
    values = check("password_policy", password_policy_site_words=["教育部", "moe"]).values
    assert values["site_words"] == ["教育部", "moe"]


@pytest.mark.parametrize("name", ["root:x", "bob smith", "bob\n", "../etc", "a" * 40])
def test_an_excluded_account_that_is_not_an_account_name_is_refused(name):
    message = one_error("password_policy", password_policy_excluded_accounts=[name])
    assert message.startswith("password_policy_excluded_accounts[0]: ")


def test_an_owner_map_key_must_be_an_account_name():
    message = one_error("password_policy", password_policy_owners={"bob:0:0": "Bob"})
    assert message.startswith("password_policy_owners key: ")


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("0.0.0.0/0", "every address"),
        ("::/0", "every address"),
        ("::ffff:192.0.2.1", "IPv4-mapped"),
        ("::ffff:0:0/96", "IPv4-mapped"),
        ("fe80::1%eth0", "scoped address"),
        ("192.0.2.300/24", "not an IP address"),
        ("\uff11\uff19\uff12.0.2.1", "only ASCII"),
        ("192.0.2.0/24\n", "U+000A"),
        ("192.0.2.0/24 ", "not an IP address"),
    ],
)
def test_a_management_source_that_is_no_restriction_or_no_address_is_refused(source, says):
    message = one_error("firewall", firewall_management_sources=["192.0.2.0/24", source])
    assert message.startswith("firewall_management_sources[1]: ")
    assert says in message


def test_sources_are_normalised():
    values = check(
        "firewall", firewall_management_sources=["192.0.2.0/255.255.255.0", "2001:db8::1/128"]
    ).values
    assert values["management_sources"] == ["192.0.2.0/24", "2001:db8::1"]


def test_a_source_with_host_bits_is_refused_not_widened():
    message = one_error("firewall", firewall_management_sources=["192.0.2.77/24"])
    assert "host bits set: write the network (192.0.2.0/24) or the single address" in message


@pytest.mark.parametrize(
    "sources",
    [
        ["0.0.0.0/1", "128.0.0.0/1"],
        ["::/1", "8000::/1"],
        ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"],
    ],
)
def test_sources_that_together_cover_every_address_are_refused(sources):
    message = one_error("firewall", firewall_management_sources=sources)
    assert "together cover every IPv" in message


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("127.0.0.0/8", "loopback"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255", "broadcast"),
    ],
)
def test_an_address_that_is_never_a_source_is_refused(source, kind):
    assert kind in one_error("firewall", firewall_management_sources=[source])


@pytest.mark.parametrize("name", ["../audit", "a/b", "audit report", ".hidden", "x\n"])
def test_a_report_name_must_be_a_plain_file_name(name):
    message = one_error("audit", audit_report_dir="/tmp/r", audit_report_name=name)
    assert message.startswith("audit_report_name: ")


def test_an_empty_waivers_file_means_none_but_a_relative_path_is_refused():
    assert errors("audit", audit_report_dir="/tmp/r", audit_waivers_file="") == []
    message = one_error("audit", audit_report_dir="/tmp/r", audit_waivers_file="w.yml")
    assert message == "audit_waivers_file: 'w.yml' is not an absolute path"


# ---------------------------------------------------------------- lists and dicts


def test_a_list_typed_as_a_comma_separated_string_is_split():
    values = check("password_policy", password_policy_site_words="moe, edu").values
    assert values["site_words"] == ["moe", "edu"]


def test_a_list_of_services_typed_as_text_is_refused_naming_the_variable():
    # -e 'firewall_services=[{...}]' arrives as text: lists of mappings come as JSON extra
    # vars (-e '{"firewall_services": [...]}') or from the inventory.
    found = errors("firewall", firewall_services='[{"name": "web", "port": 443}]', **FIREWALL_OK)
    assert found and all(e.startswith("firewall_services[") for e in found)


def test_a_list_of_sources_typed_as_json_text_is_refused_not_guessed():
    message = one_error("firewall", firewall_management_sources='["192.0.2.0/24"]')
    assert message.startswith("firewall_management_sources[0]: ")


def test_an_empty_string_is_an_empty_list():
    assert check("password_policy", password_policy_site_words="").values["site_words"] == []


def test_a_mapping_typed_as_json_is_parsed():
    values = check("password_policy", password_policy_owners='{"bob": "Bob Chen"}').values
    assert values["owners"] == {"bob": "Bob Chen"}


def test_an_unknown_key_of_a_service_is_refused():
    message = one_error(
        "firewall", firewall_services=[{"name": "web", "port": 80, "prot": "udp"}], **FIREWALL_OK
    )
    assert (
        message
        == "firewall_services[0]: unknown key 'prot' (known: name, port, proto, sources, state)"
    )


def test_a_missing_required_key_is_named():
    message = one_error("firewall", firewall_services=[{"name": "web"}], **FIREWALL_OK)
    assert message == "firewall_services[0].port: is required"


def test_a_choice_outside_the_choices_is_refused():
    message = one_error(
        "firewall", firewall_services=[{"name": "web", "port": 80, "proto": "sctp"}], **FIREWALL_OK
    )
    assert message == "firewall_services[0].proto: 'sctp' is not one of: tcp, udp"


def test_a_name_declared_twice_is_refused():
    twice = [{"name": "web", "port": 80}, {"name": "web", "port": 443}]
    message = one_error("firewall", firewall_services=twice, **FIREWALL_OK)
    assert message == "firewall_services: the name 'web' is declared more than once"


def test_a_list_longer_than_its_bound_is_refused():
    many = [f"192.0.2.{i}" for i in range(1, 256)] + [f"198.51.100.{i}" for i in range(1, 3)]
    assert "more than 256" in one_error("firewall", firewall_management_sources=many)


def test_two_services_on_one_port_of_one_protocol_are_refused():
    twice = [
        {"name": "web", "port": 80},
        {"name": "web2", "port": "80", "sources": ["192.0.2.0/24"]},
    ]
    message = one_error("firewall", firewall_services=twice, **FIREWALL_OK)
    assert message == "firewall_services: the proto/port 'tcp/80' is declared more than once"


def test_a_service_on_the_ssh_port_is_refused():
    message = one_error("firewall", firewall_services=[{"name": "ssh-anyone", "port": 22}])
    assert message.startswith("firewall_services: 'ssh-anyone' opens the SSH port 22/tcp")


def test_null_for_an_input_with_a_default_is_refused_naming_the_default():
    message = one_error("firewall", firewall_ssh_port=None, **FIREWALL_OK)
    assert message == "firewall_ssh_port: is empty (null); leave it out to take the default, 22"


def test_null_sources_of_a_service_are_refused_not_read_as_anyone():
    message = one_error(
        "firewall", firewall_services=[{"name": "db", "port": 5432, "sources": None}], **FIREWALL_OK
    )
    assert message.startswith("firewall_services[0].sources: is empty (null)")


def test_site_words_longer_together_than_a_pwquality_line_are_refused():
    words = [f"school{n:04d}" for n in range(100)]
    message = one_error("password_policy", password_policy_site_words=words)
    assert message == "password_policy_site_words: together are longer than 1000 characters"


@pytest.mark.parametrize("word", ["[moe", "edu]", '"moe"', "mo,e", "a;b", "{x}"])
def test_a_site_word_with_list_or_quote_characters_is_refused(word):
    assert one_error("password_policy", password_policy_site_words=[word]).startswith(
        "password_policy_site_words[0]: "
    )


def test_an_empty_owner_is_refused():
    message = one_error("password_policy", password_policy_owners={"root": " "})
    assert message == "password_policy_owners['root']: is empty"


def test_a_huge_number_is_shown_short():
    message = one_error("password_policy", password_policy_remember=1e300)
    assert message == "password_policy_remember: 1e+300 is far outside 3 to 400"


def test_a_misspelt_input_is_named_with_the_likely_one():
    role = inputs.load_role("firewall")
    found = inputs.unknown_variables(
        role, ["firewall_service", "__firewall_x", "other"], ["firewall"]
    )
    assert found == [
        "firewall_service: is not an input of edu_tw.hardening.firewall"
        " (did you mean firewall_services?)"
    ]


def test_the_inputs_of_a_role_with_a_longer_name_are_not_misspellings():
    role = inputs.load_role("audit")
    names = ["audit_logging_rules", "audit_report_nmae"]
    assert inputs.unknown_variables(role, names, ["audit", "audit_logging"]) == [
        "audit_report_nmae: is not an input of edu_tw.hardening.audit"
        " (did you mean audit_report_name?)"
    ]


def test_every_problem_is_reported_at_once():
    found = errors("password_policy", password_policy_min_length=6, password_policy_remember=2)
    assert [e.split(":")[0] for e in found] == [
        "password_policy_min_length",
        "password_policy_remember",
    ]


# ---------------------------------------------------------------- the firewall's lockout rule


def test_ssh_reachable_from_no_source_over_podman_is_refused():
    message = one_error("firewall", PODMAN)
    assert message.startswith("firewall_management_sources: SSH would be reachable from no source")
    assert "containers.podman.podman" in message


def test_out_of_band_access_allows_no_management_source():
    assert errors("firewall", PODMAN, firewall_out_of_band_enabled="true") == []


def test_the_controller_alone_is_enough_over_ssh():
    assert errors("firewall", SSH) == []


def test_locking_out_the_controller_is_refused():
    message = one_error(
        "firewall",
        SSH,
        firewall_controller_allowed="false",
        firewall_management_sources=["192.0.2.0/24"],
    )
    assert message.startswith("firewall_controller_allowed: false, and 198.51.100.10")


def test_a_controller_inside_the_management_sources_needs_no_controller_rule():
    raw = {"firewall_controller_allowed": "no", "firewall_management_sources": ["198.51.100.0/24"]}
    assert errors("firewall", SSH, **raw) == []


def test_the_guard_may_be_off_only_with_the_controller_inside_the_management_sources():
    inside = {"firewall_guard_seconds": "0", "firewall_management_sources": ["198.51.100.0/24"]}
    assert errors("firewall", SSH, **inside) == []
    outside = {"firewall_guard_seconds": "0", "firewall_management_sources": ["192.0.2.0/24"]}
    assert one_error("firewall", SSH, **outside).startswith("firewall_guard_seconds: 0 turns")
    assert "firewall_guard_seconds: 0 turns" in errors("firewall", PODMAN, **inside)[0]


def test_an_ssh_port_other_than_the_one_the_controller_uses_is_refused():
    message = one_error(
        "firewall", SSH, firewall_ssh_port=2222, firewall_management_sources=["198.51.100.0/24"]
    )
    assert message.startswith("firewall_ssh_port: 2222, but the controller is connected to port 22")


def test_the_guard_may_not_be_off_when_the_ssh_port_differs_from_the_controllers():
    raw = {
        "firewall_ssh_port": 2222,
        "firewall_guard_seconds": 0,
        "firewall_management_sources": ["198.51.100.0/24"],
        "firewall_out_of_band_enabled": True,
    }
    assert one_error("firewall", SSH, **raw).startswith("firewall_guard_seconds: 0 turns")


def test_a_guard_too_short_to_reconnect_is_refused():
    message = one_error("firewall", SSH, firewall_guard_seconds=10)
    assert "too short for the controller to reconnect" in message


def test_the_lockout_rule_is_not_judged_on_invalid_values():
    found = errors("firewall", PODMAN, firewall_management_sources=["nonsense"])
    assert found == [
        "firewall_management_sources[0]: 'nonsense' is not an IP address or CIDR network"
    ]


@pytest.mark.parametrize(
    ("ssh_connection", "address"),
    [
        ("198.51.100.10 50514 192.0.2.5 22", "198.51.100.10"),
        ("::ffff:198.51.100.10 50514 192.0.2.5 22", "198.51.100.10"),
        ("fe80::1%eth0 50514 fe80::2 22", "fe80::1"),
        ("2001:db8::7 50514 2001:db8::1 22", "2001:db8::7"),
        ("", ""),
        ("garbage", ""),
    ],
)
def test_the_controller_address_is_read_from_ssh_connection(ssh_connection, address):
    assert inputs.controller_address(ssh_connection) == address


@pytest.mark.parametrize(
    ("ssh_connection", "port"),
    [("198.51.100.10 50514 192.0.2.5 2222", 2222), ("198.51.100.10 50514", None), ("", None)],
)
def test_the_port_the_controller_reached_is_read_from_ssh_connection(ssh_connection, port):
    assert inputs.controller_port(ssh_connection) == port


# ---------------------------------------------------------------- the audit's selection rule


def test_a_control_pattern_that_matches_nothing_is_refused_before_any_host_is_read():
    found = errors("audit", audit_report_dir="/tmp/r", audit_controls="MOE-99,MOE-15")
    assert len(found) == 1
    assert found[0].startswith("audit_controls: MOE-99 matches no control of the catalogue")


def test_a_pattern_outside_the_selected_tiers_is_refused():
    found = errors("audit", audit_report_dir="/tmp/r", audit_tiers="core", audit_controls="MOE-20")
    assert found and found[0].startswith("audit_controls: MOE-20 matches no control")


def test_patterns_that_match_are_accepted():
    assert errors("audit", audit_report_dir="/tmp/r", audit_controls="MOE-12.9.*,MOE-15") == []


# ---------------------------------------------------------------- the audit's tracker document


def tracker_errors(location: str) -> list[str]:
    return errors("audit", audit_report_dir="/tmp/r", audit_vulnerability_tracker=location)


@pytest.mark.parametrize(
    "location",
    [
        "https://security-tracker.debian.org/tracker/data/json",
        "http://mirror.school.example:8080/debian/tracker.json",
        "http://10.0.0.5/tracker",
        "https://[2001:db8::1]/tracker.json",
        "https://mirror",
    ],
)
def test_an_http_url_of_the_tracker_is_accepted(location):
    assert tracker_errors(location) == []


def test_no_tracker_is_accepted():
    assert tracker_errors("") == []


def test_an_existing_file_on_the_controller_is_accepted(tmp_path):
    path = tmp_path / "tracker.json"
    path.write_text("{}")
    assert tracker_errors(str(path)) == []


@pytest.mark.parametrize(
    "location",
    [
        "https://mirror/tracker.json\n",
        "https://mirror/tracker.json\nhttp://evil/x",
        "/srv/tracker.json\n",
        "https://mirror/tracker json",
        " /srv/tracker.json",
        "/srv/tracker json",
        "file:///srv/tracker.json",
        "ftp://mirror/tracker.json",
        "tracker.json",
        "./tracker.json",
        "~/tracker.json",
        "http://h/x?y#z",
        "http://h/x?y",
        "http://h/x#z",
        "http://user:pass@h/x",
        "http://h:0/x",
        "http://h:65536/x",
        "javascript:alert(1)",
        "//h/x",
        "HTTP://h/x",
        "/srv/追蹤.json",
        "https://例え.jp/x",
        "/srv/tracker\u202e.json",
    ],
)
def test_a_location_that_is_no_plain_url_or_absolute_path_is_refused(location):
    (message,) = tracker_errors(location)
    assert message.startswith("audit_vulnerability_tracker: ")


def test_the_format_says_what_a_tracker_location_may_be():
    (message,) = tracker_errors("ftp://mirror/tracker.json")
    assert "http:// or https:// URL" in message and "absolute path" in message


def test_a_path_that_is_no_file_on_the_controller_is_refused(tmp_path):
    missing = str(tmp_path / "absent.json")
    assert tracker_errors(missing) == [
        f"audit_vulnerability_tracker: {missing} is neither an http(s) URL nor a readable "
        "file on the controller"
    ]


def test_a_directory_is_no_tracker_document(tmp_path):
    (message,) = tracker_errors(str(tmp_path))
    assert message.endswith("is neither an http(s) URL nor a readable file on the controller")
    (message,) = tracker_errors("/")
    assert message.startswith("audit_vulnerability_tracker: / is neither")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_an_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "tracker.json"
    path.write_text("{}")
    path.chmod(0)
    assert len(tracker_errors(str(path))) == 1


def test_a_tracker_problem_and_a_control_problem_are_reported_together(tmp_path):
    found = errors(
        "audit",
        audit_report_dir="/tmp/r",
        audit_controls="MOE-99",
        audit_vulnerability_tracker=str(tmp_path / "absent.json"),
    )
    assert [message.split(":")[0] for message in found] == [
        "audit_controls",
        "audit_vulnerability_tracker",
    ]


def test_the_tracker_rule_reads_the_checked_value_not_a_url():
    # A URL is the controller's to fetch at run time: never looked up while checking.
    assert (
        inputs.audit_selection(
            {"tiers": ["core"], "controls": [], "vulnerability_tracker": "https://mirror/x"}, {}
        )
        == []
    )
    assert inputs.audit_selection({"tiers": ["core"], "controls": []}, {}) == []
