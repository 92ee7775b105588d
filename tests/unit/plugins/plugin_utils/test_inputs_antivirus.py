# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The antivirus role's inputs (MOE-16): the config_path, url, database_url and clock formats,
the role rule antivirus_paths, and the role's own tables with values as people give them."""

from __future__ import annotations

import json

import pytest
import yaml
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

DEFAULT_SCAN_PATHS = ["/home", "/srv", "/var/www", "/tmp"]
QUARANTINE = "/var/lib/edu_tw_hardening/quarantine"


def check(**raw) -> inputs.Checked:
    return inputs.check_inputs(inputs.load_role("antivirus"), raw, {})


def errors(**raw) -> list[str]:
    return check(**raw).errors


def one_error(**raw) -> str:
    found = errors(**raw)
    assert len(found) == 1, found
    return found[0]


def block(text: str) -> str:
    """What a YAML block scalar (``|``) gives: the text with its final newline."""
    return yaml.safe_load(f"value: |\n  {text}\n")["value"]


# ---------------------------------------------------------------- defaults


def test_the_defaults_are_accepted():
    checked = check()
    assert checked.errors == []
    assert checked.values == {
        "private_mirrors": [],
        "database_mirrors": [],
        "custom_urls": [],
        "official_databases_enabled": True,
        "update_checks_per_day": 24,
        "signature_max_age_hours": 24,
        "clamd_memory_mib": 1280,
        "concurrent_reload_min_memory_mib": 4096,
        "scan_paths": DEFAULT_SCAN_PATHS,
        "scan_time": "03:30",
        "quarantine_enabled": False,
        "quarantine_dir": QUARANTINE,
        "on_access_enabled": False,
        "on_access_paths": [],
        "on_access_prevention_enabled": False,
    }


def test_every_input_of_the_role_is_checked():
    role = inputs.load_role("antivirus")
    assert inputs.ROLE_RULES["antivirus"] is inputs.antivirus_paths
    for name, option in role.options.items():
        if option.get("type") in ("str", "list", "int"):
            assert name in role.checks, name


# ---------------------------------------------------------------- values as people give them


def test_extra_vars_strings_are_coerced():
    checked = check(
        antivirus_on_access_enabled="true",
        antivirus_on_access_paths="/srv/uploads,/home",
        antivirus_update_checks_per_day="24",
        antivirus_signature_max_age_hours=" 12 ",
        antivirus_quarantine_enabled="yes",
        antivirus_scan_paths="/srv, /var/www",
        antivirus_private_mirrors="https://clamav.example.edu.tw,http://10.0.0.8:8080/clamav",
    )
    assert checked.errors == []
    assert checked.values["on_access_enabled"] is True
    assert checked.values["on_access_paths"] == ["/srv/uploads", "/home"]
    assert checked.values["update_checks_per_day"] == 24
    assert checked.values["signature_max_age_hours"] == 12
    assert checked.values["quarantine_enabled"] is True
    assert checked.values["scan_paths"] == ["/srv", "/var/www"]
    assert checked.values["private_mirrors"] == [
        "https://clamav.example.edu.tw",
        "http://10.0.0.8:8080/clamav",
    ]


def test_json_lists_from_extra_vars_are_accepted():
    given = json.loads('{"antivirus_custom_urls": ["file:///srv/sigs/local.hdb"]}')
    checked = check(**given)
    assert checked.errors == []
    assert checked.values["custom_urls"] == ["file:///srv/sigs/local.hdb"]


def test_an_empty_comma_separated_list_is_empty():
    assert check(antivirus_scan_paths="").values["scan_paths"] == []


@pytest.mark.parametrize(
    ("name", "value", "where"),
    [
        ("antivirus_quarantine_dir", block("/srv/quarantine"), "antivirus_quarantine_dir: "),
        ("antivirus_scan_paths", [block("/srv")], "antivirus_scan_paths[0]: "),
        ("antivirus_scan_paths", block("/srv"), "antivirus_scan_paths"),
        ("antivirus_on_access_paths", [block("/srv")], "antivirus_on_access_paths[0]: "),
        (
            "antivirus_private_mirrors",
            [block("https://clamav.example.edu.tw")],
            "antivirus_private_mirrors[0]: ",
        ),
        ("antivirus_custom_urls", [block("file:///srv/x.ndb")], "antivirus_custom_urls[0]: "),
        ("antivirus_scan_time", block("03:30"), "antivirus_scan_time: "),
    ],
)
def test_a_yaml_block_scalar_with_its_newline_is_refused(name, value, where):
    message = one_error(**{name: value})
    assert message.startswith(where)
    assert "U+000A" in message


# ---------------------------------------------------------------- integers


def test_no_update_checks_names_the_floor_of_moe_16():
    message = one_error(antivirus_update_checks_per_day=0)
    assert message == (
        "antivirus_update_checks_per_day: 0 is below 12, the floor of MOE-16 (accepted: 12 to 50)"
    )


@pytest.mark.parametrize(("checks", "ok"), [(11, False), (12, True), (50, True), (51, False)])
def test_update_checks_bounds(checks, ok):
    found = errors(antivirus_update_checks_per_day=checks)
    assert (found == []) is ok, found
    if not ok:
        assert found[0].startswith("antivirus_update_checks_per_day: ")


def test_signature_max_age_above_the_catalogue_limit_is_refused():
    message = one_error(antivirus_signature_max_age_hours=25)
    assert message == (
        "antivirus_signature_max_age_hours: 25 is above 24, the ceiling of MOE-16 "
        "(accepted: 1 to 24)"
    )


@pytest.mark.parametrize("hours", [0, -1, "0"])
def test_signature_max_age_below_one_hour_is_refused(hours):
    assert one_error(antivirus_signature_max_age_hours=hours).startswith(
        "antivirus_signature_max_age_hours: "
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("\uff12\uff14", "not an integer"),
        ("24h", "not an integer"),
        ("1.5", "not an integer"),
        (True, "is a boolean"),
        (10**30, "far outside"),
        ("9" * 64, "far outside"),
        ("9" * 65, "not an integer"),
        ("24\n", "U+000A"),
    ],
)
def test_hostile_integers_are_refused_naming_the_input(value, says):
    message = one_error(antivirus_update_checks_per_day=value)
    assert message.startswith("antivirus_update_checks_per_day: ")
    assert says in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("antivirus_clamd_memory_mib", 63),
        ("antivirus_clamd_memory_mib", 1048577),
        ("antivirus_concurrent_reload_min_memory_mib", -1),
    ],
)
def test_memory_bounds(name, value):
    assert one_error(**{name: value}).startswith(f"{name}: ")


# ---------------------------------------------------------------- the url formats


@pytest.mark.parametrize(
    "url",
    [
        "https://clamav.example.edu.tw",
        "http://10.0.0.8:8080/clamav",
        "https://[2001:db8::8]/clamav/",
        "http://mirror/clamav/db",
        "https://a-b.example.edu.tw/~av/x_y.z",
    ],
)
def test_mirror_urls_are_accepted(url):
    checked = check(antivirus_private_mirrors=[url], antivirus_database_mirrors=[url])
    assert checked.errors == []
    assert checked.values["private_mirrors"] == [url]


@pytest.mark.parametrize(
    "url",
    [
        "clamav.example.edu.tw",
        "database.clamav.net",
        "ftp://clamav.example.edu.tw",
        "file:///srv/mirror",
        "javascript:alert(1)",
        "https://clamav.example.edu.tw/db?x=1",
        "https://clamav.example.edu.tw/#x",
        "https://user:pw@clamav.example.edu.tw",
        "https://clamav.example.edu.tw/a b",
        'https://clamav.example.edu.tw/"x',
        "https://clamav.example.edu.tw/'x",
        "https://-bad.example.edu.tw",
        "https://",
        "HTTPS://clamav.example.edu.tw",
        "https://\uff43lamav.example.edu.tw",
        "https://clamav.example.edu.tw/\u00e9",
    ],
)
def test_a_mirror_that_is_not_a_plain_http_url_is_refused(url):
    for name in ("antivirus_private_mirrors", "antivirus_database_mirrors"):
        message = one_error(**{name: [url]})
        assert message.startswith(f"{name}[0]: {url!r} is not an http:// or https:// URL")


def test_a_mirror_longer_than_255_characters_is_refused():
    url = "https://clamav.example.edu.tw/" + "a" * 230
    assert one_error(antivirus_private_mirrors=[url]).startswith("antivirus_private_mirrors[0]: ")


def test_more_than_16_mirrors_are_refused():
    urls = [f"https://m{i}.example.edu.tw" for i in range(17)]
    message = one_error(antivirus_private_mirrors=urls)
    assert message == "antivirus_private_mirrors: has 17 entries, more than 16"


@pytest.mark.parametrize(
    "url",
    [
        "https://sigs.example.edu.tw/edu.ndb",
        "http://10.0.0.8/sigs/local.hdb",
        "file:///srv/signatures/local.hdb",
        "file:///srv/sig+s/@x.ldb",
    ],
)
def test_custom_database_urls_are_accepted(url):
    assert check(antivirus_custom_urls=[url]).values["custom_urls"] == [url]


@pytest.mark.parametrize(
    "url",
    [
        "file://relative/local.hdb",
        "file://srv/local.hdb",
        "file:/srv/local.hdb",
        "/srv/local.hdb",
        "ftp://sigs.example.edu.tw/edu.ndb",
        "javascript:alert(1)",
        "https://sigs.example.edu.tw/edu.ndb?token=x",
        "https://sigs.example.edu.tw/edu.ndb#x",
        "https://u@sigs.example.edu.tw/edu.ndb",
        "file:///srv/local.hdb # comment",
        "file:///srv/local hdb",
    ],
)
def test_a_custom_database_url_of_another_kind_is_refused(url):
    message = one_error(antivirus_custom_urls=[url])
    assert message.startswith(f"antivirus_custom_urls[0]: {url!r} is not an http://, https://")


@pytest.mark.parametrize("url", ["file:///srv/sigs/../../etc/x.ndb", "file:///srv//x.ndb"])
def test_a_file_url_with_dot_dot_or_empty_components_is_refused(url):
    assert one_error(antivirus_custom_urls=[url]).startswith("antivirus_custom_urls[0]: ")


@pytest.mark.parametrize("url", ["http://mirror.example.edu.tw:99999", "http://mirror:0/x"])
def test_a_mirror_with_a_port_outside_1_to_65535_is_refused(url):
    assert one_error(antivirus_private_mirrors=[url]).startswith("antivirus_private_mirrors[0]: ")


# ---------------------------------------------------------------- the config_path format


@pytest.mark.parametrize("path", ["/srv", "/srv/www-data", "/home/user.name/a_b", "/srv/a+b@c"])
def test_plain_paths_are_accepted(path):
    assert inputs.FORMATS["config_path"].check(path) == path
    assert check(antivirus_scan_paths=[path]).errors == []


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("srv", "is not an absolute path"),
        ("./srv", "is not an absolute path"),
        ("~/srv", "is not an absolute path"),
        ("/srv/a b", "is not an absolute path"),
        ("/srv/#x", "is not an absolute path"),
        ('/srv/"x', "is not an absolute path"),
        ("/srv/'x", "is not an absolute path"),
        ("/srv/*", "is not an absolute path"),
        ("/srv/\u8cc7\u6599", "is not an absolute path"),
        ("/srv/\uff41", "is not an absolute path"),
        ("/" + "a" * 255, "is not an absolute path"),
        ("/srv/", "empty component"),
        ("//srv", "empty component"),
        ("/srv//www", "empty component"),
        ("/srv/../etc", "'..' component"),
        ("/srv/..", "'..' component"),
        ("/srv/./www", "'.' or '..' component"),
    ],
)
def test_hostile_paths_are_refused_for_every_path_input(path, says):
    for name in ("antivirus_scan_paths", "antivirus_on_access_paths"):
        message = one_error(**{name: [path]})
        assert message.startswith(f"{name}[0]: {path!r}"), message
        assert says in message
    message = one_error(antivirus_quarantine_dir=path)
    assert message.startswith(f"antivirus_quarantine_dir: {path!r}")
    assert says in message


def test_a_path_with_a_newline_is_refused_before_its_format():
    message = one_error(antivirus_quarantine_dir="/srv/q\nExcludePath /")
    assert message.startswith("antivirus_quarantine_dir: ")
    assert "U+000A" in message


def test_more_than_64_scan_paths_are_refused():
    paths = [f"/srv/d{i}" for i in range(65)]
    assert one_error(antivirus_scan_paths=paths) == (
        "antivirus_scan_paths: has 65 entries, more than 64"
    )


# ---------------------------------------------------------------- the clock format


@pytest.mark.parametrize("clock", ["00:00", "03:30", "12:05", "19:59", "23:59"])
def test_a_time_of_day_is_accepted(clock):
    assert check(antivirus_scan_time=clock).values["scan_time"] == clock


@pytest.mark.parametrize(
    "clock",
    ["24:00", "23:60", "3:30", "03:3", "0330", "03:30:00", "03.30", "", "\uff10\uff13:30", "3pm"],
)
def test_a_time_that_is_not_hh_mm_is_refused(clock):
    message = one_error(antivirus_scan_time=clock)
    assert message.startswith(f"antivirus_scan_time: {clock!r} is not a time of day, HH:MM")


@pytest.mark.parametrize(("text", "number"), [("12:30", 750), ("3:30", 210)])
def test_an_unquoted_yaml_time_read_as_a_number_is_refused(text, number):
    # YAML 1.1 reads 12:30 unquoted as a sexagesimal integer (750).
    value = yaml.safe_load(f"t: {text}")["t"]
    assert value == number
    message = one_error(antivirus_scan_time=value)
    assert message.startswith(f"antivirus_scan_time: '{number}' is not a time of day")


# ---------------------------------------------------------------- the role rule


def rule_values(**change) -> dict:
    values = check().values
    values.update(change)
    return values


def test_the_rule_accepts_the_defaults_with_on_access_of_data_directories():
    assert inputs.antivirus_paths(rule_values(), {}) == []
    values = rule_values(on_access_enabled=True, on_access_paths=["/srv/uploads", "/home"])
    assert inputs.antivirus_paths(values, {}) == []


@pytest.mark.parametrize(
    ("path", "system", "where"),
    [
        ("/proc", "/proc", "is inside"),
        ("/proc/1", "/proc", "is inside"),
        ("/sys/kernel", "/sys", "is inside"),
        ("/dev", "/dev", "is inside"),
        ("/dev/shm", "/dev", "is inside"),
        ("/run", "/run", "is inside"),
        ("/run/user/1000", "/run", "is inside"),
        ("/", "/proc", "holds"),
    ],
)
def test_scan_paths_in_or_holding_virtual_directories_are_refused(path, system, where):
    message = errors(antivirus_scan_paths=["/srv", path])[0]
    assert message.startswith(f"antivirus_scan_paths: {path} {where} {system}")
    assert "never scanned" in message


@pytest.mark.parametrize("path", ["/procfs", "/srv/proc", "/devel", "/runner", "/usr", "/etc"])
def test_scan_paths_that_only_look_like_virtual_directories_are_accepted(path):
    assert errors(antivirus_scan_paths=[path]) == []


@pytest.mark.parametrize(
    ("path", "system", "where"),
    [
        ("/usr", "/usr", "is inside"),
        ("/usr/local", "/usr", "is inside"),
        ("/usr/local/bin", "/usr", "is inside"),
        ("/etc", "/etc", "is inside"),
        ("/etc/clamav", "/etc", "is inside"),
        ("/proc/x", "/proc", "is inside"),
        ("/sys", "/sys", "is inside"),
        ("/dev/shm", "/dev", "is inside"),
        ("/run/user", "/run", "is inside"),
        ("/", "/usr", "holds"),
    ],
)
def test_on_access_paths_of_system_directories_are_refused(path, system, where):
    message = errors(antivirus_on_access_enabled=True, antivirus_on_access_paths=[path])[0]
    assert message.startswith(f"antivirus_on_access_paths: {path} {where} {system}")
    assert "never watched" in message


@pytest.mark.parametrize("path", ["srv/uploads", "uploads"])
def test_a_relative_on_access_path_is_refused(path):
    message = one_error(antivirus_on_access_enabled=True, antivirus_on_access_paths=[path])
    assert message.startswith(f"antivirus_on_access_paths[0]: {path!r} is not an absolute path")


def test_on_access_paths_are_checked_even_while_on_access_is_off():
    message = one_error(antivirus_on_access_paths=["/etc"])
    assert message.startswith("antivirus_on_access_paths: /etc is inside /etc")


def test_on_access_enabled_without_paths_is_refused():
    message = one_error(antivirus_on_access_enabled="true")
    assert message.startswith("antivirus_on_access_paths: is empty while ")


@pytest.mark.parametrize(
    ("paths", "quarantine"),
    [
        (["/srv"], "/srv/quarantine"),
        (["/srv/data"], "/srv/data"),
        (["/var/lib/edu_tw_hardening"], QUARANTINE),
        (["/srv/q/incoming"], "/srv/q"),
    ],
)
def test_a_quarantine_overlapping_a_scan_path_is_refused(paths, quarantine):
    message = one_error(antivirus_scan_paths=paths, antivirus_quarantine_dir=quarantine)
    assert message.startswith(f"antivirus_quarantine_dir: {quarantine} and antivirus_scan_paths")
    assert "overlap" in message


def test_a_quarantine_overlapping_an_on_access_path_is_refused():
    message = one_error(
        antivirus_on_access_enabled=True,
        antivirus_on_access_paths=["/srv/uploads"],
        antivirus_scan_paths=["/home"],
        antivirus_quarantine_dir="/srv/uploads/q",
    )
    assert message.startswith("antivirus_quarantine_dir: /srv/uploads/q and antivirus_on_access")


def test_a_quarantine_beside_the_scanned_paths_is_accepted():
    assert errors(antivirus_scan_paths=["/srv/www"], antivirus_quarantine_dir="/srv/q") == []


@pytest.mark.parametrize(
    ("quarantine", "system"),
    [("/etc/q", "/etc"), ("/etc", "/etc"), ("/usr/local/q", "/usr"), ("/run/q", "/run")],
)
def test_a_quarantine_in_a_system_directory_is_refused(quarantine, system):
    message = one_error(antivirus_quarantine_dir=quarantine)
    assert message.startswith(f"antivirus_quarantine_dir: {quarantine} is inside {system}")


def test_the_root_directory_as_quarantine_is_refused():
    assert errors(antivirus_scan_paths=[], antivirus_quarantine_dir="/")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("antivirus_on_access_paths", "/bin"),
        ("antivirus_on_access_paths", "/lib"),
        ("antivirus_scan_paths", "/var/run"),
    ],
)
def test_links_to_system_directories_are_refused(name, path):
    raw = {name: [path]}
    if name == "antivirus_on_access_paths":
        raw["antivirus_on_access_enabled"] = True
    assert errors(**raw)


def test_the_rule_does_not_run_while_a_value_is_invalid():
    found = errors(antivirus_scan_paths=["/proc"], antivirus_update_checks_per_day=0)
    assert found == [
        "antivirus_update_checks_per_day: 0 is below 12, the floor of MOE-16 (accepted: 12 to 50)"
    ]


def test_every_refusal_names_its_variable():
    found = errors(
        antivirus_private_mirrors=["ftp://x"],
        antivirus_database_mirrors="db.local.clamav.net",
        antivirus_custom_urls=["file://x"],
        antivirus_update_checks_per_day=6,
        antivirus_signature_max_age_hours=48,
        antivirus_clamd_memory_mib="lots",
        antivirus_scan_paths=["/srv/"],
        antivirus_scan_time="25:00",
        antivirus_quarantine_dir="q",
        antivirus_on_access_paths=["//srv"],
        antivirus_on_access_enabled="maybe",
    )
    names = [
        "antivirus_private_mirrors[0]",
        "antivirus_database_mirrors[0]",
        "antivirus_custom_urls[0]",
        "antivirus_update_checks_per_day",
        "antivirus_signature_max_age_hours",
        "antivirus_clamd_memory_mib",
        "antivirus_scan_paths[0]",
        "antivirus_scan_time",
        "antivirus_quarantine_dir",
        "antivirus_on_access_paths[0]",
        "antivirus_on_access_enabled",
    ]
    assert sorted(message.split(": ", 1)[0] for message in found) == sorted(names)


@pytest.mark.parametrize(
    ("quarantine", "says"),
    [
        ("/var/lib", "holds /var/lib/clamav"),
        ("/var/lib/clamav", "is inside /var/lib/clamav"),
        ("/tmp/q", "is inside /tmp"),
        ("/var/tmp/q", "is inside /var/tmp"),
        ("/home/alice/q", "is inside /home"),
        ("/root/q", "is inside /root"),
        ("/boot", "is inside /boot"),
        ("/srv", "is a top-level directory"),
    ],
)
def test_a_quarantine_others_write_to_or_a_system_directory_is_refused(quarantine, says):
    message = one_error(antivirus_quarantine_dir=quarantine, antivirus_scan_paths=["/data"])
    assert message.startswith(f"antivirus_quarantine_dir: {quarantine} {says}"), message


@pytest.mark.parametrize("paths", [["/srv", "/srv/www"], ["/home", "/home"]])
def test_overlapping_scan_paths_are_refused(paths):
    message = one_error(antivirus_scan_paths=paths)
    assert message.startswith("antivirus_scan_paths: ") and "overlap" in message


def test_no_scan_path_is_refused():
    assert one_error(antivirus_scan_paths=[]).startswith("antivirus_scan_paths: is empty")


@pytest.mark.parametrize("name", ["daily.cld", "main.cvd", "bytecode.cvd", "daily.cdiff"])
def test_a_custom_database_named_as_clamav_own_is_refused(name):
    message = one_error(antivirus_custom_urls=[f"http://mirror.example.edu.tw/{name}"])
    assert message.startswith("antivirus_custom_urls: ") and "ClamAV's own" in message


@pytest.mark.parametrize("path", ["/lib32", "/libx32/x", "/var/run/x", "/var/lock"])
def test_links_into_system_directories_are_never_watched(path):
    message = one_error(antivirus_on_access_enabled=True, antivirus_on_access_paths=[path])
    assert message.startswith(f"antivirus_on_access_paths: {path} is inside"), message


def test_the_root_directory_is_no_quarantine():
    found = errors(antivirus_quarantine_dir="/", antivirus_scan_paths=["/data"])
    assert found[0].startswith("antivirus_quarantine_dir: / holds /usr"), found


@pytest.mark.parametrize("quarantine", ["/var/lib/edu_tw_hardening", "/var/lib"])
def test_a_quarantine_holding_the_collection_records_is_refused(quarantine):
    found = errors(antivirus_quarantine_dir=quarantine)
    assert any("holds" in message for message in found), found
