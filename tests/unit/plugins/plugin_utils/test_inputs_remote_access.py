# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote_access role's inputs (issue #12): the time and ssh_public_key formats, the
role rule remote_access_windows, and the role's own tables with values as people give them."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 29, 1, 0, 0, tzinfo=UTC)  # 09:00 in Taiwan
CONTEXT = {"now": NOW}
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ2ZW5kb3Ita2V5LWZvci10ZXN0cy1vbmx5"
# What Ansible renders the templated default to, as the action sees it.
RENDERED = {"remote_access_credentials_dir": "/srv/credentials"}


def window(**fields) -> dict:
    """A window as an operator writes it in window.yml: today 10:00 to 12:00 in Taiwan."""
    data = {
        "name": "lms-upgrade",
        "account": "vendor1",
        "sources": ["10.88.0.77", "203.0.113.0/24"],
        "start": "2026-11-29T10:00:00+08:00",
        "end": "2026-11-29T12:00:00+08:00",
        "purpose": "LMS upgrade",
        "approval": "MOE 2026-0117",
    }
    data.update(fields)
    return data


def check(context: dict | None = None, **raw) -> inputs.Checked:
    raw = {"remote_access_maintenance_accounts": ["vendor1"], **RENDERED, **raw}
    return inputs.check_inputs(inputs.load_role("remote_access"), raw, context or CONTEXT)


def errors(context: dict | None = None, **raw) -> list[str]:
    return check(context, **raw).errors


def one_error(context: dict | None = None, **raw) -> str:
    found = errors(context, **raw)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- the time format


@pytest.mark.parametrize(
    ("given", "utc"),
    [
        ("2026-12-01T14:00:00+08:00", "2026-12-01T06:00:00Z"),
        ("2026-12-01T06:00:00Z", "2026-12-01T06:00:00Z"),
        ("2026-12-01T06:00:00+00:00", "2026-12-01T06:00:00Z"),
        ("2026-11-30T22:00:00-08:00", "2026-12-01T06:00:00Z"),
        ("2026-12-01T00:30:00+08:00", "2026-11-30T16:30:00Z"),
        ("2026-12-01T14:00:00.999+08:00", "2026-12-01T06:00:00Z"),
    ],
)
def test_a_time_with_an_offset_is_normalised_to_utc(given, utc):
    assert inputs._time(given) == utc
    assert inputs.FORMATS["time"].check(given) == utc
    assert inputs.parse_time(utc) == datetime.datetime.fromisoformat(given).replace(microsecond=0)


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("2026-12-01T14:00:00", "no UTC offset"),
        ("2026-12-01 14:00:00", "no UTC offset"),
        ("2026-12-01", "no UTC offset"),
        ("\uff12\uff10\uff12\uff16-12-01T14:00:00+08:00", "only ASCII digits"),
        ("2026-12-01T14:00:00+\uff10\uff18:00", "only ASCII digits"),
        ("\u0662\u0660\u0662\u0666-\u0661\u0662-\u0660\u0661T14:00:00Z", "only ASCII digits"),
        ("tomorrow 14:00", "not an ISO 8601 time"),
        ("2026-13-01T14:00:00+08:00", "not an ISO 8601 time"),
        ("2026-12-01T25:00:00+08:00", "not an ISO 8601 time"),
        ("14:00:00+08:00", "not an ISO 8601 time"),
        ("1795914000", "not an ISO 8601 time"),
        ("", "not an ISO 8601 time"),
    ],
)
def test_a_time_without_offset_or_in_another_form_is_refused(given, says):
    with pytest.raises(inputs.Invalid, match=says):
        inputs._time(given)


def test_a_yaml_time_is_accepted_as_the_time_it_is():
    loaded = yaml.safe_load("start: 2026-11-29T10:00:00+08:00\nend: 2026-11-29T04:00:00Z\n")
    assert isinstance(loaded["start"], datetime.datetime)
    checked = check(remote_access_windows=[window(**loaded)])
    assert checked.errors == []
    assert checked.values["windows"][0]["start"] == "2026-11-29T02:00:00Z"
    assert checked.values["windows"][0]["end"] == "2026-11-29T04:00:00Z"


def test_a_yaml_time_without_offset_or_a_yaml_date_is_refused():
    loaded = yaml.safe_load("start: 2026-11-29 10:00:00\nend: 2026-11-30\n")
    found = errors(remote_access_windows=[window(**loaded)])
    assert len(found) == 2, found
    assert found[0].startswith("remote_access_windows[0].start: ")
    assert "no UTC offset" in found[0]
    assert found[1].startswith("remote_access_windows[0].end: ")


# ---------------------------------------------------------------- the ssh_public_key format


@pytest.mark.parametrize(
    "key",
    [
        KEY,
        f"{KEY} vendor@laptop",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA== vendor.one_2",
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=",
        "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t",
    ],
)
def test_a_public_key_line_is_accepted(key):
    assert inputs.FORMATS["ssh_public_key"].check(key) == key


@pytest.mark.parametrize(
    "key",
    [
        f'command="/bin/sh -i" {KEY}',
        f'from="*" {KEY}',
        f'no-pty,permitopen="*:*" {KEY}',
        f"{KEY} vendor@laptop\n{KEY} second",
        f"{KEY}\n",
        f"{KEY} a comment with spaces",
        f'{KEY} x" command="sh',
        "ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4EddRIpUt9KnC7s5Of2EbdSPO9EAMMeP4C",
        "ssh-ed25519",
        "ssh-ed25519 AAAA",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ],
    ids=repr,
)
def test_options_a_second_line_or_no_key_is_refused(key):
    with pytest.raises(inputs.Invalid, match="is not one OpenSSH public key line"):
        inputs.FORMATS["ssh_public_key"].check(key)


def test_a_public_key_with_options_is_refused_naming_the_variable():
    message = one_error(remote_access_windows=[window(public_key=f'command="/bin/sh" {KEY}')])
    assert message.startswith("remote_access_windows[0].public_key: ")


def test_a_public_key_with_a_newline_is_refused_naming_the_variable():
    message = one_error(remote_access_windows=[window(public_key=f"{KEY}\n{KEY} evil")])
    assert message.startswith("remote_access_windows[0].public_key: ")
    assert "U+000A" in message


# ---------------------------------------------------------------- the role rule


def rule_values(**values) -> dict:
    data = {
        "maintenance_accounts": ["vendor1"],
        "windows": [
            {
                "name": "w1",
                "account": "vendor1",
                "sources": ["10.88.0.77", "203.0.113.0/24"],
                "start": "2026-11-29T02:00:00Z",
                "end": "2026-11-29T04:00:00Z",
            }
        ],
        "max_window_minutes": 240,
        "min_prefix_v4": 24,
        "min_prefix_v6": 64,
    }
    data.update(values)
    return data


def with_window(**fields) -> dict:
    values = rule_values()
    values["windows"][0].update(fields)
    return values


def test_the_rule_accepts_a_short_approved_window_ahead():
    assert inputs.remote_access_windows(rule_values(), CONTEXT) == []
    assert inputs.ROLE_RULES["remote_access"] is inputs.remote_access_windows


def test_the_rule_accepts_a_window_that_is_already_open():
    assert inputs.remote_access_windows(with_window(start="2026-11-29T00:00:00Z"), CONTEXT) == []


@pytest.mark.parametrize("end", ["2026-11-29T02:00:00Z", "2026-11-29T01:59:59Z"])
def test_the_rule_refuses_an_end_not_after_the_start(end):
    (message,) = inputs.remote_access_windows(with_window(end=end), CONTEXT)
    assert message.startswith("remote_access_windows[0] (w1).end: ")
    assert "is not after start" in message


@pytest.mark.parametrize("end", ["2026-11-29T01:00:00Z", "2026-11-29T00:30:00Z"])
def test_the_rule_refuses_an_end_that_has_passed(end):
    values = with_window(start="2026-11-29T00:00:00Z", end=end)
    (message,) = inputs.remote_access_windows(values, CONTEXT)
    assert message.startswith("remote_access_windows[0] (w1).end: ")
    assert "has passed" in message


def test_the_rule_judges_at_the_time_it_is_given():
    values = with_window(start="2020-01-01T00:00:00Z", end="2020-01-01T01:00:00Z")
    then = {"now": datetime.datetime(2019, 12, 31, 23, 0, tzinfo=UTC)}
    assert inputs.remote_access_windows(values, then) == []
    later = {"now": datetime.datetime(2030, 1, 1, tzinfo=UTC)}
    (message,) = inputs.remote_access_windows(rule_values(), later)
    assert "has passed" in message


def test_the_rule_uses_the_clock_when_no_time_is_given():
    values = with_window(start="2020-01-01T00:00:00Z", end="2020-01-01T01:00:00Z")
    (message,) = inputs.remote_access_windows(values, {})
    assert "has passed" in message


@pytest.mark.parametrize(
    ("longest", "end", "refused"),
    [
        (240, "2026-11-29T06:00:00Z", False),
        (240, "2026-11-29T06:00:01Z", True),
        (60, "2026-11-29T03:00:00Z", False),
        (60, "2026-11-29T03:01:00Z", True),
    ],
)
def test_the_rule_refuses_a_window_longer_than_the_maximum(longest, end, refused):
    values = with_window(end=end)
    values["max_window_minutes"] = longest
    found = inputs.remote_access_windows(values, CONTEXT)
    if not refused:
        assert found == []
        return
    (message,) = found
    assert message.startswith("remote_access_windows[0] (w1): lasts ")
    assert f"remote_access_max_window_minutes ({longest})" in message


@pytest.mark.parametrize(
    ("source", "prefixes", "refused"),
    [
        ("10.0.0.0/8", {}, "/24 (remote_access_min_prefix_v4)"),
        ("10.0.0.0/23", {}, "/24 (remote_access_min_prefix_v4)"),
        ("10.0.0.0/24", {}, None),
        ("10.0.0.0/16", {"min_prefix_v4": 16}, None),
        ("10.0.0.0/15", {"min_prefix_v4": 16}, "/16 (remote_access_min_prefix_v4)"),
        ("2001:db8::/48", {}, "/64 (remote_access_min_prefix_v6)"),
        ("2001:db8::/64", {}, None),
        ("2001:db8::5", {}, None),
        ("2001:db8::/64", {"min_prefix_v6": 112}, "/112 (remote_access_min_prefix_v6)"),
    ],
)
def test_the_rule_refuses_a_source_wider_than_the_minimum_prefix(source, prefixes, refused):
    values = with_window(sources=["10.88.0.77", source])
    values.update(prefixes)
    found = inputs.remote_access_windows(values, CONTEXT)
    if refused is None:
        assert found == []
        return
    (message,) = found
    assert message.startswith(f"remote_access_windows[0] (w1).sources: {source} is wider than")
    assert refused in message


def test_the_rule_refuses_an_account_that_is_not_declared():
    (message,) = inputs.remote_access_windows(with_window(account="vendor2"), CONTEXT)
    assert message.startswith("remote_access_windows[0] (w1).account: 'vendor2' is not one of")


@pytest.mark.parametrize("account", ["root", "toor"])
def test_the_rule_refuses_root_as_a_maintenance_account(account):
    values = with_window(account=account)
    values["maintenance_accounts"] = ["vendor1", account]
    (message,) = inputs.remote_access_windows(values, CONTEXT)
    assert message.startswith(f"remote_access_maintenance_accounts: {account!r} is the admin")


def test_the_rule_names_the_index_and_name_of_each_window():
    values = rule_values()
    values["windows"].append(dict(values["windows"][0], name="w2", account="vendor9"))
    (message,) = inputs.remote_access_windows(values, CONTEXT)
    assert message.startswith("remote_access_windows[1] (w2).account: ")


# ---------------------------------------------------------------- the role, end to end


def test_the_defaults_pass():
    checked = check(remote_access_maintenance_accounts=[])
    assert checked.errors == []
    assert checked.values["windows"] == [] and checked.values["max_window_minutes"] == 240


def test_a_window_from_a_window_file_is_checked_and_normalised():
    checked = check(remote_access_windows=[window(public_key=f"{KEY} vendor@laptop")])
    assert checked.errors == []
    (checked_window,) = checked.values["windows"]
    assert checked_window == {
        "name": "lms-upgrade",
        "account": "vendor1",
        "sources": ["10.88.0.77", "203.0.113.0/24"],
        "start": "2026-11-29T02:00:00Z",
        "end": "2026-11-29T04:00:00Z",
        "purpose": "LMS upgrade",
        "approval": "MOE 2026-0117",
        "public_key": f"{KEY} vendor@laptop",
        "remote_control_port": None,
    }


def test_values_from_extra_vars_text_are_coerced():
    """-e key=value gives text: lists comma-separated, integers in digits."""
    checked = check(
        remote_access_maintenance_accounts="vendor1, vendor2",
        remote_access_max_window_minutes="60",
        remote_access_min_prefix_v4="28",
        remote_access_close="lms-upgrade,old-one",
        remote_access_remove_software="no",
    )
    assert checked.errors == []
    assert checked.values["maintenance_accounts"] == ["vendor1", "vendor2"]
    assert checked.values["max_window_minutes"] == 60
    assert checked.values["min_prefix_v4"] == 28
    assert checked.values["close"] == ["lms-upgrade", "old-one"]
    assert checked.values["remove_software"] is False


def test_a_window_typed_as_json_text_inside_the_list_is_parsed():
    checked = check(remote_access_windows=[json.dumps(window())])
    assert checked.errors == []
    assert checked.values["windows"][0]["start"] == "2026-11-29T02:00:00Z"


def test_a_window_list_typed_as_json_text_is_refused_naming_the_variable():
    # -e 'remote_access_windows=[{...}]' arrives as text; windows come from -e @window.yml.
    found = errors(remote_access_windows=json.dumps([window()]))
    assert found and all(e.startswith("remote_access_windows[") for e in found)


def test_window_sources_of_every_address_are_refused_before_the_rule():
    message = one_error(remote_access_windows=[window(sources="0.0.0.0/0,10.0.0.0/8")])
    assert message.startswith("remote_access_windows[0].sources[0]: '0.0.0.0/0' is every")


def test_a_wide_source_given_as_text_is_refused_by_the_rule():
    message = one_error(remote_access_windows=[window(sources="10.88.0.77, 10.0.0.0/8")])
    assert message.startswith("remote_access_windows[0] (lms-upgrade).sources: 10.0.0.0/8")


@pytest.mark.parametrize("key", ["approval", "purpose", "start", "end", "sources", "account"])
def test_a_window_without_a_required_key_is_refused_naming_it(key):
    given = window()
    del given[key]
    assert (
        one_error(remote_access_windows=[given]) == f"remote_access_windows[0].{key}: is required"
    )


@pytest.mark.parametrize("key", ["approval", "purpose"])
def test_an_empty_approval_or_purpose_is_refused(key):
    message = one_error(remote_access_windows=[window(**{key: "  "})])
    assert message == f"remote_access_windows[0].{key}: is empty"


def test_an_unknown_key_of_a_window_is_refused():
    message = one_error(remote_access_windows=[window(ends="2026-11-29T12:00:00+08:00")])
    assert message.startswith("remote_access_windows[0]: unknown key 'ends'")


def test_a_misspelt_input_of_the_role_is_named():
    role = inputs.load_role("remote_access")
    found = inputs.unknown_variables(role, ["remote_access_window"], inputs.role_names())
    assert found == [
        "remote_access_window: is not an input of edu_tw.hardening.remote_access "
        "(did you mean remote_access_windows?)"
    ]


def test_a_window_name_is_a_label_and_declared_once():
    found = errors(remote_access_windows=[window(name="../x"), window(), window()])
    assert found[0].startswith("remote_access_windows[0].name: '../x' is not")
    assert found[1] == ("remote_access_windows: the name 'lms-upgrade' is declared more than once")


def test_a_naive_time_in_a_window_is_refused_naming_it():
    message = one_error(remote_access_windows=[window(start="2026-11-29T10:00:00")])
    assert message.startswith("remote_access_windows[0].start: ")
    assert "+08:00 for Taiwan" in message


def test_the_rule_runs_on_the_checked_values_end_to_end():
    found = errors(
        remote_access_maintenance_accounts=["vendor1", "root"],
        remote_access_windows=[
            window(end="2026-11-29T09:00:00+08:00"),
            window(name="long", start="2026-11-29T10:00:00+08:00", end="2026-11-29T15:00:00+08:00"),
            window(name="other", account="vendor2"),
        ],
    )
    assert found == [
        "remote_access_maintenance_accounts: 'root' is the administrator's account; remote "
        "maintenance uses an account of its own",
        "remote_access_windows[0] (lms-upgrade).end: 2026-11-29T01:00:00Z is not after start "
        "2026-11-29T02:00:00Z",
        "remote_access_windows[0] (lms-upgrade).end: 2026-11-29T01:00:00Z has passed; remove "
        "the window from remote_access_windows (its record on the host stays as evidence)",
        "remote_access_windows[1] (long): lasts 300 minutes, longer than "
        "remote_access_max_window_minutes (240); a window is short: ask for another one when "
        "it ends",
        "remote_access_windows[2] (other).account: 'vendor2' is not one of "
        "remote_access_maintenance_accounts; declare it there first",
    ]


def test_the_rule_does_not_run_on_values_that_failed_their_own_checks():
    found = errors(remote_access_windows=[window(start="soon", account="vendor9")])
    assert found == [
        "remote_access_windows[0].start: 'soon' is not an ISO 8601 time with an offset, such "
        "as 2026-12-01T14:00:00+08:00"
    ]


def test_an_inventory_yaml_window_is_checked_like_the_others():
    inventory = yaml.safe_load(
        """
remote_access_maintenance_accounts: [vendor1]
remote_access_windows:
  - name: lms-upgrade
    account: vendor1
    sources: [10.88.0.77, 2001:db8:1::/64]
    start: 2026-11-29T10:00:00+08:00
    end: "2026-11-29T12:00:00+08:00"
    purpose: LMS upgrade
    approval: MOE 2026-0117
remote_access_max_window_minutes: 180
"""
    )
    checked = check(**inventory)
    assert checked.errors == []
    assert checked.values["windows"][0]["sources"] == ["10.88.0.77", "2001:db8:1::/64"]
    assert checked.values["windows"][0]["start"] == "2026-11-29T02:00:00Z"


# ---------------------------------------------------------------- emergency remote-control windows


@pytest.mark.parametrize("port", [5900, "5900", " 3389", 1024, 65535])
def test_an_emergency_window_port_is_an_integer_port(port):
    checked = check(remote_access_windows=[window(remote_control_port=port)])
    assert checked.errors == []
    assert checked.values["windows"][0]["remote_control_port"] == int(port)


def test_a_window_without_a_port_is_no_emergency_window():
    (checked,) = check(remote_access_windows=[window()]).values["windows"]
    assert checked.get("remote_control_port") is None


@pytest.mark.parametrize(
    "port",
    [
        22,
        80,
        1023,
        0,
        -5900,
        65536,
        2**64,
        "\uff15\uff19\uff10\uff10",
        "5900.0",
        True,
        [],
        "5900/tcp",
    ],
)
def test_an_emergency_window_port_that_is_no_remote_control_port_is_refused(port):
    message = one_error(remote_access_windows=[window(remote_control_port=port)])
    assert message.startswith("remote_access_windows[0].remote_control_port"), message
