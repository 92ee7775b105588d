# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The patching role's inputs (MOE-17): the apt_uri, origin_pattern, package_pattern,
mail_address, unit and document_location formats, the role rule patching_window, and the
role's own table with values as people give them (-e text, JSON, inventory YAML)."""

from __future__ import annotations

import json

import pytest
import yaml
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

DEFAULTS = {
    "security_archive_enabled": True,
    "security_archive_uri": "http://deb.debian.org/debian-security",
    "security_archive_components": ["main"],
    "security_archive_keyring": "",
    "extra_origins": [],
    "excluded_packages": [],
    "mail": "",
    "apply_now_enabled": True,
    "upgrade_scope": "security",
    "serial": 1,
    "max_fail_percentage": 0,
    "health_services": [],
    "health_ports": [],
    "health_urls": [],
    "reboot_window": {"days": [], "start": "", "end": ""},
}


def check(**raw) -> inputs.Checked:
    return inputs.check_inputs(inputs.load_role("patching"), raw, {})


def errors(**raw) -> list[str]:
    return check(**raw).errors


def one_error(**raw) -> str:
    found = errors(**raw)
    assert len(found) == 1, found
    return found[0]


def block(text: str) -> str:
    """What a YAML block scalar (``|``) gives: the text with its final newline."""
    return yaml.safe_load(f"value: |\n  {text}\n")["value"]


def accepts(name: str, value: str) -> bool:
    try:
        return inputs.FORMATS[name].check(value) == value
    except inputs.Invalid:
        return False


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    "value",
    [
        "http://deb.debian.org/debian-security",
        "https://mirror.school.edu.tw/debian-security",
        "http://10.0.0.5:8080/debian-security",
        "http://[2001:db8::5]/debian-security",
        "file:/srv/mirror/debian-security",
        "file:/",
    ],
)
def test_apt_uri_accepts_mirrors_on_the_network_and_on_disk(value):
    assert accepts("apt_uri", value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "ftp://deb.debian.org/debian-security",
        "file://host/x",
        "file:///srv/mirror",
        "file:srv/mirror",
        "file:/srv/../etc",
        "file:/srv/./mirror",
        "file:/srv//mirror",
        "file:/srv/..",
        "http://h/x?y#z",
        "http://h/x#z",
        "http://h/x y",
        'http://h/x"',
        "http://h/x;y",
        "http://h:0/x",
        "http://h:65536/x",
        "http://user@h/x",
        "http://h/x\nTypes: deb-src",
        "cdrom:[Debian]/",
        "mirror+file:/etc/apt/mirrors.txt",
    ],
)
def test_apt_uri_refuses_what_breaks_a_sources_file(value):
    assert not accepts("apt_uri", value)


@pytest.mark.parametrize(
    "value",
    [
        "origin=Debian,codename=${distro_codename},label=Debian",
        "o=Debian,n=${distro_codename}-updates",
        "origin=School,suite=stable,component=main",
        "site=mirror.school.edu.tw",
        "a=stable,c=contrib,l=Debian",
        "origin=${distro_id},archive=${distro_codename}-backports",
    ],
)
def test_origin_pattern_accepts_unattended_upgrades_entries(value):
    assert accepts("origin_pattern", value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Debian:${distro_codename}-security",  # Allowed-Origins syntax, not a pattern
        "origin=Debian,",
        ",origin=Debian",
        "origin=",
        "origin=Debian,,label=x",
        "host=Debian",
        "origin=Deb ian",
        'origin=Debian";',
        'origin=Debian"; "origin=*',
        "origin=Debian;",
        "origin=Debian}",
        "origin=Debian{",
        "origin=Debian#",
        "origin=Debian//x\n",
        "origin=Debian\n",
        "origin=Debian\\",
        "origin='Debian'",
        "origin=${HOME}",
        "origin=${distro_codename",
        "origin=$distro_codename",
        "origin=*",
    ],
)
def test_origin_pattern_refuses_what_breaks_out_of_apt_conf(value):
    assert not accepts("origin_pattern", value)


@pytest.mark.parametrize(
    "value",
    ["libc6", "libstdc++6", "linux-.*", "linux-image-6.1.0-10-amd64", "g++"],
)
def test_package_pattern_accepts_names_prefixes_and_anchors(value):
    assert accepts("package_pattern", value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "LibC6",
        "-libc6",
        ".*",
        "linux-*",
        "(libc6|openssl)",
        "libc6|openssl",
        "libc[0-9]",
        "^libc6",
        "libc6 openssl",
        'libc6"',
        "libc6;",
        "libc6}",
        "libc6#",
        "libc6\n",
        "libc6$$",
        "libc6$",
        "libc6.*$",
        "a" * 101,
    ],
)
def test_package_pattern_refuses_other_regexes_and_breakouts(value):
    assert not accepts("package_pattern", value)


@pytest.mark.parametrize(
    "value", ["root@localhost", "admin@school.edu.tw", "it.team+patch@mail.example.org"]
)
def test_mail_address_accepts_addresses(value):
    assert accepts("mail_address", value)


@pytest.mark.parametrize(
    "value",
    [
        "root",
        "@school.edu.tw",
        "root@",
        "root@@school.edu.tw",
        "a b@school.edu.tw",
        'root"@school.edu.tw',
        "root@school.edu.tw;",
        "root@school.edu.tw\n",
        "root@-school.edu.tw",
        "root@school.edu.tw, other@school.edu.tw",
        "root@school.edu.tw>",
    ],
)
def test_mail_address_refuses_everything_else(value):
    assert not accepts("mail_address", value)


def test_mail_address_refuses_a_leading_dash():
    assert not accepts("mail_address", "-oQ@school.edu.tw")


@pytest.mark.parametrize(
    "value", ["nginx.service", "postgresql@15-main.service", "apt-daily.timer", "ssh"]
)
def test_unit_accepts_unit_names(value):
    assert accepts("unit", value)


@pytest.mark.parametrize(
    "value",
    ["", "-nginx", "--all", "nginx service", "nginx;reboot", "nginx$(reboot)", "a/b", "a" * 252],
)
def test_unit_refuses_options_spaces_and_shell(value):
    assert not accepts("unit", value)


@pytest.mark.parametrize(
    "value",
    [
        "https://security-tracker.debian.org/tracker/data/json",
        "http://10.0.0.5:8080/tracker.json",
        "/srv/tracker/debian.json",
    ],
)
def test_document_location_accepts_urls_and_controller_paths(value):
    assert accepts("document_location", value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "tracker.json",
        "file:///srv/tracker.json",
        "ftp://h/x",
        "http://h/x?y#z",
        "/srv/tracker json",
        "/srv/tracker.json\n",
        "~/tracker.json",
    ],
)
def test_document_location_refuses_everything_else(value):
    assert not accepts("document_location", value)


# ---------------------------------------------------------------- the role and its rule


def test_the_defaults_are_accepted():
    checked = check()
    assert checked.errors == []
    assert checked.values == DEFAULTS


def test_every_input_of_the_role_is_checked():
    role = inputs.load_role("patching")
    assert inputs.ROLE_RULES["patching"] is inputs.patching_window
    for name, option in role.options.items():
        if option.get("type") in ("str", "list", "int") and "choices" not in option:
            assert name in role.checks, name


def test_the_patch_entry_point_has_the_same_inputs():
    main = inputs.load_role("patching")
    patch = inputs.load_role("patching", entry_point="patch")
    assert patch.options == main.options


def rule(days=(), start="", end="") -> list[str]:
    values = dict(DEFAULTS, reboot_window={"days": list(days), "start": start, "end": end})
    return inputs.patching_window(values, {})


def test_rule_no_window_and_a_whole_window_are_fine():
    assert rule() == []
    assert rule(start="02:00", end="04:00") == []
    assert rule(["sat", "sun"], "00:00", "23:59") == []
    assert rule(start="02:00", end="02:01") == []


@pytest.mark.parametrize(
    ("window", "words"),
    [
        ({"start": "04:00", "end": "02:00"}, "ends (02:00) at or before its start (04:00)"),
        ({"start": "02:00", "end": "02:00"}, "ends (02:00) at or before its start (02:00)"),
        ({"start": "22:00", "end": "02:00"}, "past midnight"),
        ({"start": "02:00"}, "give both start and end"),
        ({"end": "04:00"}, "give both start and end"),
        ({"days": ["mon"]}, "days are given without start and end"),
    ],
)
def test_rule_refuses_windows_that_never_open_or_are_half_given(window, words):
    found = rule(**window)
    assert len(found) == 1
    assert found[0].startswith("patching_reboot_window: ")
    assert words in found[0]


def test_extra_vars_strings_are_coerced():
    checked = check(
        patching_security_archive_enabled="no",
        patching_security_archive_components="main,contrib",
        patching_extra_origins="origin=Debian,codename=${distro_codename},label=Debian",
        patching_excluded_packages="linux-.*, libc6",
        patching_apply_now_enabled="off",
        patching_upgrade_scope="all",
        patching_serial="5",
        patching_max_fail_percentage=" 20 ",
        patching_health_ports="22,443",
        patching_health_services="nginx.service,postgresql@15-main.service",
        patching_reboot_window='{"days": ["sat", "sun"], "start": "02:00", "end": "05:00"}',
    )
    assert checked.errors == []
    values = checked.values
    assert values["security_archive_enabled"] is False
    assert values["security_archive_components"] == ["main", "contrib"]
    # An origin pattern holds commas: -e text is one entry, never three broader ones.
    assert values["extra_origins"] == ["origin=Debian,codename=${distro_codename},label=Debian"]
    assert values["excluded_packages"] == ["linux-.*", "libc6"]
    assert values["apply_now_enabled"] is False
    assert values["upgrade_scope"] == "all"
    assert (values["serial"], values["max_fail_percentage"]) == (5, 20)
    assert values["health_ports"] == [22, 443]
    assert values["reboot_window"] == {"days": ["sat", "sun"], "start": "02:00", "end": "05:00"}


def test_json_extra_vars_keep_their_types():
    raw = json.loads(
        '{"patching_extra_origins": ["origin=Debian,codename=${distro_codename},label=Debian"],'
        ' "patching_serial": 3, "patching_max_fail_percentage": 0, "patching_health_ports": [8080],'
        ' "patching_reboot_window": {"days": ["mon"], "start": "01:00", "end": "03:00"}}'
    )
    checked = check(**raw)
    assert checked.errors == []
    assert checked.values["extra_origins"] == [
        "origin=Debian,codename=${distro_codename},label=Debian"
    ]
    assert checked.values["serial"] == 3
    assert checked.values["reboot_window"]["days"] == ["mon"]


@pytest.mark.parametrize(
    "name",
    [
        "patching_security_archive_uri",
        "patching_security_archive_keyring",
        "patching_mail",
        "patching_upgrade_scope",
    ],
)
def test_an_inventory_block_scalar_with_its_newline_is_refused(name):
    value = {
        "patching_security_archive_uri": "http://deb.debian.org/debian-security",
        "patching_security_archive_keyring": "/usr/share/keyrings/debian-archive-keyring.gpg",
        "patching_mail": "root@localhost",
        "patching_upgrade_scope": "security",
    }[name]
    message = one_error(**{name: block(value)})
    assert message.startswith(f"{name}: ")
    assert "U+000A" in message


def test_a_block_scalar_in_a_list_or_the_window_is_refused():
    found = errors(
        patching_excluded_packages=[block("libc6")],
        patching_extra_origins=[block("origin=Debian")],
        patching_reboot_window={"start": block("02:00"), "end": "04:00"},
    )
    assert len(found) == 3, found
    assert found[0].startswith("patching_extra_origins[0]: ")
    assert found[1].startswith("patching_excluded_packages[0]: ")
    assert found[2].startswith("patching_reboot_window.start: ")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("patching_security_archive_uri", "file://host/x"),
        ("patching_security_archive_uri", "file:/srv/../etc"),
        ("patching_security_archive_uri", "http://h/x?y#z"),
        ("patching_security_archive_uri", "http://h/x\nSigned-By: /tmp/k"),
        ("patching_security_archive_uri", "http://h/x y"),
        ("patching_security_archive_keyring", "/tmp/key ring.gpg"),
        ("patching_security_archive_keyring", "/usr/share/../../tmp/k.gpg"),
        ("patching_security_archive_keyring", "keyring.gpg"),
        ("patching_security_archive_components", ["main contrib"]),
        ("patching_security_archive_components", ["main#"]),
        ("patching_extra_origins", ['origin=Debian";']),
        ("patching_extra_origins", ['origin=Debian"; Unattended-Upgrade::Mail "x']),
        ("patching_extra_origins", ["origin=Debian};"]),
        ("patching_extra_origins", ["origin=Debian # x"]),
        ("patching_excluded_packages", ['libc6";']),
        ("patching_excluded_packages", ["libc6}"]),
        ("patching_excluded_packages", ["(.*)"]),
        ("patching_mail", 'root@localhost";'),
        ("patching_mail", "root@localhost #"),
        ("patching_health_services", ["nginx; reboot"]),
        ("patching_health_urls", ["http://h/x?y#z"]),
        ("patching_health_urls", ["file:///etc/shadow"]),
        ("patching_upgrade_scope", "everything"),
        ("patching_upgrade_scope", "Security"),
        ("patching_upgrade_scope", ""),
        ("patching_serial", 0),
        ("patching_serial", 10001),
        ("patching_serial", 2**64),
        ("patching_serial", "\uff11"),
        ("patching_serial", "1.0"),
        ("patching_serial", True),
        ("patching_serial", "true"),
        ("patching_serial", 1.5),
        ("patching_max_fail_percentage", -1),
        ("patching_max_fail_percentage", 101),
        ("patching_max_fail_percentage", 2**64),
        ("patching_max_fail_percentage", "\uff11"),
        ("patching_max_fail_percentage", "1.0"),
        ("patching_max_fail_percentage", True),
        ("patching_health_ports", [0]),
        ("patching_health_ports", [65536]),
        ("patching_health_ports", [2**64]),
        ("patching_health_ports", ["\uff11"]),
        ("patching_health_ports", ["1.0"]),
        ("patching_health_ports", [True]),
        ("patching_health_ports", "22;443"),
        ("patching_health_ports", list(range(1, 34))),
        ("patching_extra_origins", ["o=x"] * 17),
        ("patching_excluded_packages", ["libc6"] * 65),
        ("patching_reboot_window", {"days": ["Mon"], "start": "02:00", "end": "04:00"}),
        ("patching_reboot_window", {"days": ["monday"], "start": "02:00", "end": "04:00"}),
        ("patching_reboot_window", {"days": ["mon "], "start": "02:00", "end": "04:00"}),
        ("patching_reboot_window", {"days": [1], "start": "02:00", "end": "04:00"}),
        ("patching_reboot_window", {"start": "24:00", "end": "23:00"}),
        ("patching_reboot_window", {"start": "2:00", "end": "04:00"}),
        ("patching_reboot_window", {"start": "02:00", "end": "04:00", "tz": "UTC"}),
        ("patching_reboot_window", {"start": "04:00", "end": "02:00"}),
        ("patching_reboot_window", {"start": "04:00", "end": "04:00"}),
        ("patching_reboot_window", {"start": "04:00"}),
        ("patching_reboot_window", {"days": ["mon", "tue"]}),
        ("patching_reboot_window", "02:00-04:00"),
        ("patching_reboot_window", None),
    ],
)
def test_hostile_and_wrong_values_are_refused_naming_the_variable(name, value):
    found = errors(**{name: value})
    assert found, f"{name}={value!r} was accepted"
    assert all(message.startswith(name) for message in found), found


def test_days_of_the_window_as_comma_separated_text():
    checked = check(patching_reboot_window={"days": "sat,sun", "start": "02:00", "end": "04:00"})
    assert checked.errors == []
    assert checked.values["reboot_window"]["days"] == ["sat", "sun"]


def test_the_bounds_are_accepted_at_their_edges():
    checked = check(
        patching_serial=10000,
        patching_max_fail_percentage=100,
        patching_health_ports=[1, 65535],
    )
    assert checked.errors == []


def test_the_rule_waits_for_valid_values():
    # A bad value elsewhere: the rule does not also complain about the (valid) window.
    found = errors(patching_serial=0, patching_reboot_window={"start": "04:00", "end": "02:00"})
    assert len(found) == 1 and found[0].startswith("patching_serial: "), found


def test_an_empty_mail_means_none_and_null_is_refused():
    assert check(patching_mail="").values["mail"] == ""
    assert one_error(patching_mail=None).startswith("patching_mail: ")
