# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/nft_apply.py on recorded `nft list table` output.

The listings were recorded with nftables 1.0.6 (Linux 6.x) in a throwaway network namespace:
FRESH right after `nft -f` of the ruleset below, LATER 1.5 s later after some loopback
traffic, FLUSHED after `nft flush table inet edu_tw_hardening`, and HAND_EDITED after
`nft add rule inet edu_tw_hardening input tcp dport 23 accept` (with traffic as in LATER).

    table inet edu_tw_hardening {
      counter ssh_denied { }
      set admin_v4 { type ipv4_addr; flags interval;
                     elements = { 203.0.113.0/28, 198.51.100.7 } }
      set remote_maintenance_v4 { type ipv4_addr; flags interval,timeout;
        elements = { 192.0.2.10 timeout 1h,
                     192.0.2.64/27 timeout 2h comment "ticket 42, vendor {A}",
                     192.0.2.200 timeout 90s } }
      map service_verdict { type inet_service : verdict;
                            elements = { 22 : jump ssh_in, 443 : accept } }
      chain ssh_in { ip saddr @admin_v4 accept; ip saddr @remote_maintenance_v4 accept;
                     counter name "ssh_denied" drop }
      chain input { type filter hook input priority filter; policy drop;
        iif "lo" counter accept; ct state established,related accept;
        ct state invalid counter drop; meta l4proto { icmp, ipv6-icmp } accept;
        tcp dport vmap @service_verdict; quota over 5 mbytes counter drop;
        counter comment "dropped by policy" }
    }
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import time

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils import nft_apply

TABLE = "inet edu_tw_hardening"

FRESH = "\n".join(
    [
        "table inet edu_tw_hardening {",
        "\tcounter ssh_denied {",
        "\t\tpackets 0 bytes 0",
        "\t}",
        "",
        "\tset admin_v4 {",
        "\t\ttype ipv4_addr",
        "\t\tflags interval",
        "\t\telements = { 198.51.100.7, 203.0.113.0/28 }",
        "\t}",
        "",
        "\tset remote_maintenance_v4 {",
        "\t\ttype ipv4_addr",
        "\t\tflags interval,timeout",
        "\t\telements = { 192.0.2.10 timeout 1h expires 59m59s968ms, "
        '192.0.2.64/27 timeout 2h expires 1h59m59s968ms comment "ticket 42, vendor {A}",',
        "\t\t\t     192.0.2.200 timeout 1m30s expires 1m29s968ms }",
        "\t}",
        "",
        "\tmap service_verdict {",
        "\t\ttype inet_service : verdict",
        "\t\telements = { 22 : jump ssh_in, 443 : accept }",
        "\t}",
        "",
        "\tchain ssh_in {",
        "\t\tip saddr @admin_v4 accept",
        "\t\tip saddr @remote_maintenance_v4 accept",
        '\t\tcounter name "ssh_denied" drop',
        "\t}",
        "",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy drop;",
        '\t\tiif "lo" counter packets 0 bytes 0 accept',
        "\t\tct state established,related accept",
        "\t\tct state invalid counter packets 0 bytes 0 drop",
        "\t\tmeta l4proto { icmp, ipv6-icmp } accept",
        "\t\ttcp dport vmap @service_verdict",
        "\t\tquota over 5 mbytes counter packets 0 bytes 0 drop",
        '\t\tcounter packets 0 bytes 0 comment "dropped by policy"',
        "\t}",
        "}",
    ]
)

LATER = "\n".join(
    [
        "table inet edu_tw_hardening {",
        "\tcounter ssh_denied {",
        "\t\tpackets 0 bytes 0",
        "\t}",
        "",
        "\tset admin_v4 {",
        "\t\ttype ipv4_addr",
        "\t\tflags interval",
        "\t\telements = { 198.51.100.7, 203.0.113.0/28 }",
        "\t}",
        "",
        "\tset remote_maintenance_v4 {",
        "\t\ttype ipv4_addr",
        "\t\tflags interval,timeout",
        "\t\telements = { 192.0.2.10 timeout 1h expires 59m58s316ms, "
        '192.0.2.64/27 timeout 2h expires 1h59m58s316ms comment "ticket 42, vendor {A}",',
        "\t\t\t     192.0.2.200 timeout 1m30s expires 1m28s316ms }",
        "\t}",
        "",
        "\tmap service_verdict {",
        "\t\ttype inet_service : verdict",
        "\t\telements = { 22 : jump ssh_in, 443 : accept }",
        "\t}",
        "",
        "\tchain ssh_in {",
        "\t\tip saddr @admin_v4 accept",
        "\t\tip saddr @remote_maintenance_v4 accept",
        '\t\tcounter name "ssh_denied" drop',
        "\t}",
        "",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy drop;",
        '\t\tiif "lo" counter packets 6 bytes 300 accept',
        "\t\tct state established,related accept",
        "\t\tct state invalid counter packets 0 bytes 0 drop",
        "\t\tmeta l4proto { icmp, ipv6-icmp } accept",
        "\t\ttcp dport vmap @service_verdict",
        "\t\tquota over 5 mbytes counter packets 0 bytes 0 drop",
        '\t\tcounter packets 0 bytes 0 comment "dropped by policy"',
        "\t}",
        "}",
    ]
)

FLUSHED = "\n".join(
    [
        "table inet edu_tw_hardening {",
        "\tcounter ssh_denied {",
        "\t\tpackets 0 bytes 0",
        "\t}",
        "",
        "\tset admin_v4 {",
        "\t\ttype ipv4_addr",
        "\t\tflags interval",
        "\t\telements = { 198.51.100.7, 203.0.113.0/28 }",
        "\t}",
        "",
        "\tset remote_maintenance_v4 {",
        "\t\ttype ipv4_addr",
        "\t\tflags interval,timeout",
        "\t\telements = { 192.0.2.10 timeout 1h expires 59m59s956ms, "
        '192.0.2.64/27 timeout 2h expires 1h59m59s956ms comment "ticket 42, vendor {A}",',
        "\t\t\t     192.0.2.200 timeout 1m30s expires 1m29s956ms }",
        "\t}",
        "",
        "\tmap service_verdict {",
        "\t\ttype inet_service : verdict",
        "\t\telements = { 22 : jump ssh_in, 443 : accept }",
        "\t}",
        "",
        "\tchain ssh_in {",
        "\t}",
        "",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy drop;",
        "\t}",
        "}",
    ]
)

HAND_EDITED = LATER.replace(
    '\t\tcounter packets 0 bytes 0 comment "dropped by policy"\n',
    '\t\tcounter packets 0 bytes 0 comment "dropped by policy"\n\t\ttcp dport 23 accept\n',
)

SRC = (
    b"table inet edu_tw_hardening\ndelete table inet edu_tw_hardening\n"
    b"table inet edu_tw_hardening {}\n"
)


def _record(listing: str = FRESH, src: bytes = SRC) -> nft_apply.Record:
    return nft_apply.Record(TABLE, nft_apply.sha256_hex(src), nft_apply.normalize_listing(listing))


def _rollback_elements(text: str, set_name: str) -> str:
    lines = text.splitlines()
    start = lines.index(f"\tset {set_name} {{")
    return next(line for line in lines[start:] if "elements = {" in line).strip()


# parse_table


def test_parse_table_splits_family_and_name():
    assert nft_apply.parse_table("inet edu_tw_hardening") == ("inet", "edu_tw_hardening")


@pytest.mark.parametrize("table", ["edu_tw_hardening", "inet6 x", "inet a b", "inet a;b"])
def test_parse_table_refuses_malformed_names(table):
    with pytest.raises(ValueError, match="table"):
        nft_apply.parse_table(table)


# time specs


def test_parse_time_spec_reads_nft_listing_times():
    assert nft_apply.parse_time_spec("1h59m58s316ms") == 7_198_316


def test_parse_time_spec_reads_days():
    assert nft_apply.parse_time_spec("1d2h") == 93_600_000


def test_parse_time_spec_refuses_other_text():
    with pytest.raises(ValueError):
        nft_apply.parse_time_spec("59 minutes")


def test_format_time_spec_is_the_inverse_of_parse():
    assert nft_apply.format_time_spec(nft_apply.parse_time_spec("1d2h3m4s5ms")) == "1d2h3m4s5ms"


# normalize_listing


def test_normalize_ignores_expiry_and_counters_seconds_apart():
    assert nft_apply.normalize_listing(FRESH) == nft_apply.normalize_listing(LATER)


def test_normalize_drops_the_elements_of_named_sets():
    assert "198.51.100.7" not in nft_apply.normalize_listing(FRESH)


def test_normalize_drops_an_elements_clause_spanning_lines():
    normalized = nft_apply.normalize_listing(FRESH)
    assert "192.0.2" not in normalized
    assert "set remote_maintenance_v4 {\ntype ipv4_addr\nflags interval,timeout\n}" in normalized


def test_normalize_keeps_the_elements_of_maps():
    assert "elements = { 22 : jump ssh_in, 443 : accept }" in nft_apply.normalize_listing(FRESH)


def test_normalize_reduces_rule_counters_to_the_keyword():
    assert 'iif "lo" counter accept' in nft_apply.normalize_listing(LATER)


def test_normalize_drops_the_values_of_named_counters():
    assert "counter ssh_denied {\n}" in nft_apply.normalize_listing(LATER)


def test_normalize_drops_the_bytes_a_quota_used():
    listing = "chain input {\n\tquota over 5 mbytes used 1234 bytes drop\n}"
    assert nft_apply.normalize_listing(listing) == "chain input {\nquota over 5 mbytes drop\n}"


def test_normalize_drops_last_used_times():
    listing = "chain input {\n\tlast used 2h3s accept\n\tlast used never drop\n}"
    assert nft_apply.normalize_listing(listing) == "chain input {\nlast accept\nlast drop\n}"


def test_normalize_keeps_counter_words_inside_comments():
    listing = 'chain input {\n\taccept comment "packets 1 bytes 2"\n}'
    assert 'comment "packets 1 bytes 2"' in nft_apply.normalize_listing(listing)


def test_normalize_ignores_indentation_and_blank_lines():
    assert nft_apply.normalize_listing(FRESH) == nft_apply.normalize_listing(
        "\n\n".join("  " + line.strip() for line in FRESH.splitlines())
    )


def test_normalize_sees_a_hand_added_rule():
    assert nft_apply.normalize_listing(HAND_EDITED) != nft_apply.normalize_listing(FRESH)


def test_normalize_sees_a_flushed_table():
    assert nft_apply.normalize_listing(FLUSHED) != nft_apply.normalize_listing(FRESH)


def test_normalize_keeps_the_input_policy():
    normalized = nft_apply.normalize_listing(FRESH)
    assert "type filter hook input priority filter; policy drop;" in normalized


# rollback_text


def test_rollback_without_a_live_table_only_deletes_ours():
    assert nft_apply.rollback_text(TABLE, None) == (
        "table inet edu_tw_hardening\ndelete table inet edu_tw_hardening\n"
    )


def test_rollback_replaces_the_table_in_one_script():
    text = nft_apply.rollback_text(TABLE, LATER, 120)
    assert text.startswith(
        "table inet edu_tw_hardening\ndelete table inet edu_tw_hardening\n"
        "table inet edu_tw_hardening {\n"
    )


def test_rollback_readds_timed_elements_with_the_time_left_when_it_runs():
    text = nft_apply.rollback_text(TABLE, LATER, 120)
    assert "192.0.2.10 timeout 57m58s316ms" in _rollback_elements(text, "remote_maintenance_v4")


def test_rollback_leaves_out_elements_that_expire_before_it_runs():
    text = nft_apply.rollback_text(TABLE, LATER, 120)
    assert "192.0.2.200" not in text


def test_rollback_writes_no_expires_tokens():
    assert "expires" not in nft_apply.rollback_text(TABLE, LATER, 120)


def test_rollback_keeps_element_comments_with_commas_and_braces():
    text = nft_apply.rollback_text(TABLE, LATER, 120)
    assert (
        '192.0.2.64/27 timeout 1h57m58s316ms comment "ticket 42, vendor {A}"'
        in _rollback_elements(text, "remote_maintenance_v4")
    )


def test_rollback_keeps_untimed_set_elements():
    text = nft_apply.rollback_text(TABLE, LATER, 120)
    assert _rollback_elements(text, "admin_v4") == "elements = { 198.51.100.7, 203.0.113.0/28 }"


def test_rollback_omits_an_elements_clause_whose_elements_all_expired():
    listing = "table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags timeout\n" + (
        "\t\telements = { 192.0.2.1 timeout 1m expires 30s }\n\t}\n}"
    )
    assert "elements" not in nft_apply.rollback_text("inet t", listing, 60)


def test_rollback_turns_a_set_default_timeout_expiry_into_a_timeout():
    listing = "table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\ttimeout 1h\n" + (
        "\t\telements = { 192.0.2.1 expires 59m59s992ms }\n\t}\n}"
    )
    assert "192.0.2.1 timeout 58m59s992ms" in nft_apply.rollback_text("inet t", listing, 60)


# The emergency remote-control sets (MOE-19): concatenated, timed elements, as nftables
# 1.1.3 lists them (the elements clause wraps) after
#   nft add element inet edu_tw_hardening remote_control_v4 \
#       '{ 10.0.0.0/24 . 5900 timeout 300s, 10.1.0.5 . 5900 timeout 300s }'
REMOTE_CONTROL = "\n".join(
    [
        "table inet edu_tw_hardening {",
        "\tset remote_control_v4 {",
        "\t\ttype ipv4_addr . inet_service",
        "\t\tflags interval,timeout",
        "\t\telements = { 10.0.0.0/24 . 5900 timeout 5m expires 4m59s996ms,",
        "\t\t\t     10.1.0.5 . 5900 timeout 5m expires 5m }",
        "\t}",
        "",
        "\tset remote_control_v6 {",
        "\t\ttype ipv6_addr . inet_service",
        "\t\tflags interval,timeout",
        "\t}",
        "",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy drop;",
        '\t\tip saddr . tcp dport @remote_control_v4 accept comment "remote control emergency"',
        '\t\tip6 saddr . tcp dport @remote_control_v6 accept comment "remote control emergency"',
        "\t}",
        "}",
    ]
)
REMOTE_CONTROL_EMPTY = REMOTE_CONTROL.replace(
    "\t\telements = { 10.0.0.0/24 . 5900 timeout 5m expires 4m59s996ms,\n"
    "\t\t\t     10.1.0.5 . 5900 timeout 5m expires 5m }\n",
    "",
)


def test_normalize_ignores_concatenated_window_elements():
    assert REMOTE_CONTROL_EMPTY != REMOTE_CONTROL
    assert nft_apply.normalize_listing(REMOTE_CONTROL) == nft_apply.normalize_listing(
        REMOTE_CONTROL_EMPTY
    )


def test_normalize_drops_a_wrapped_concatenated_elements_clause_whole():
    normalized = nft_apply.normalize_listing(REMOTE_CONTROL)
    assert "5900" not in normalized
    assert (
        "set remote_control_v4 {\ntype ipv4_addr . inet_service\nflags interval,timeout\n}"
        in normalized
    )


def test_normalize_keeps_the_concatenated_window_rules():
    normalized = nft_apply.normalize_listing(REMOTE_CONTROL)
    assert 'ip saddr . tcp dport @remote_control_v4 accept comment "remote control emergency"' in (
        normalized
    )


def test_rollback_ages_concatenated_timed_elements_of_a_wrapped_clause():
    text = nft_apply.rollback_text(TABLE, REMOTE_CONTROL, 60)
    assert _rollback_elements(text, "remote_control_v4") == (
        "elements = { 10.0.0.0/24 . 5900 timeout 3m59s996ms, 10.1.0.5 . 5900 timeout 4m }"
    )


def test_rollback_leaves_out_concatenated_elements_that_expire_before_it_runs():
    text = nft_apply.rollback_text(TABLE, REMOTE_CONTROL, 300)
    assert "10.0.0.0/24" not in text
    assert "elements" not in text


def test_rollback_keeps_counter_values():
    assert 'iif "lo" counter packets 6 bytes 300 accept' in nft_apply.rollback_text(TABLE, LATER)


# foreign_statements


def test_foreign_statements_accepts_a_script_of_only_our_table():
    script = (
        "#!/usr/sbin/nft -f\n# managed by Ansible\n"
        "define ADMIN = { 203.0.113.0/28 }\n"
        "table inet edu_tw_hardening\ndelete table inet edu_tw_hardening\n"
        'table inet edu_tw_hardening {\n\tchain input {\n\t\tcomment "table ip other"\n\t}\n}\n'
        "add element inet edu_tw_hardening admin_v4 { 192.0.2.1 }\n"
    )
    assert nft_apply.foreign_statements(script, TABLE) == []


def test_foreign_statements_refuses_flush_ruleset():
    assert nft_apply.foreign_statements("flush ruleset\n", TABLE) == ["flush ruleset"]


def test_foreign_statements_refuses_another_table():
    script = "table ip filter {\n\tchain input {\n\t}\n}\n"
    assert nft_apply.foreign_statements(script, TABLE) == ["table ip filter"]


def test_foreign_statements_refuses_our_name_in_another_family():
    assert nft_apply.foreign_statements("delete table ip6 edu_tw_hardening", TABLE) == [
        "delete table ip6 edu_tw_hardening"
    ]


def test_foreign_statements_reads_a_missing_family_as_ip():
    assert nft_apply.foreign_statements("add table edu_tw_hardening", TABLE) == [
        "add table edu_tw_hardening"
    ]


def test_foreign_statements_refuses_an_include():
    assert nft_apply.foreign_statements('include "/etc/nftables.d/*.nft"', TABLE) == [
        'include "/etc/nftables.d/*.nft"'
    ]


def test_foreign_statements_splits_statements_on_semicolons():
    script = "add rule inet edu_tw_hardening input accept; delete table inet f2b-table\n"
    assert nft_apply.foreign_statements(script, TABLE) == ["delete table inet f2b-table"]


def test_foreign_statements_ignores_comments():
    script = "# flush ruleset\ntable inet edu_tw_hardening { } # not table ip filter\n"
    assert nft_apply.foreign_statements(script, TABLE) == []


def test_foreign_statements_reads_ct_objects_table():
    script = 'ct helper inet other ftp { type "ftp" protocol tcp; }\n'
    assert nft_apply.foreign_statements(script, TABLE) == ["ct helper inet other ftp"]


# load_script


def test_load_script_loads_src_without_deleting_the_table():
    # Deleting the table would drop the timed remote-maintenance elements of its sets.
    assert nft_apply.load_script("/tmp/c.nft") == 'include "/tmp/c.nft"\n'


def test_load_script_refuses_a_path_with_a_double_quote():
    with pytest.raises(ValueError, match="src"):
        nft_apply.load_script('/tmp/a"b.nft')


# parse_record / record_text


def test_record_round_trips_through_its_text():
    record = _record()
    assert nft_apply.parse_record(nft_apply.record_text(record)) == record


def test_parse_record_of_a_missing_file_is_none():
    assert nft_apply.parse_record(None) is None


def test_parse_record_of_corrupt_json_is_none():
    assert nft_apply.parse_record('{"sha256": "ab') is None


def test_parse_record_without_a_listing_is_none():
    assert nft_apply.parse_record('{"table": "inet t", "sha256": "ab"}') is None


def test_parse_record_with_a_non_text_field_is_none():
    assert nft_apply.parse_record('{"table": "inet t", "sha256": 1, "listing": ""}') is None


# plan_applied


def test_plan_does_nothing_when_table_and_dest_are_current():
    assert nft_apply.plan_applied(TABLE, LATER, _record(), SRC, SRC) == (False, False, ())


def test_plan_reloads_an_absent_table():
    plan = nft_apply.plan_applied(TABLE, None, _record(), SRC, SRC)
    assert plan.reload
    assert plan.reasons == ("table inet edu_tw_hardening is not loaded",)


def test_plan_reloads_without_a_record():
    assert nft_apply.plan_applied(TABLE, LATER, None, SRC, SRC).reload


def test_plan_reloads_when_the_record_is_of_another_table():
    record = _record()._replace(table="inet other")
    assert nft_apply.plan_applied(TABLE, LATER, record, SRC, SRC).reload


def test_plan_reloads_when_src_changed():
    plan = nft_apply.plan_applied(TABLE, LATER, _record(), SRC + b"# new\n", SRC)
    assert plan.reasons[0] == "src changed since the last load"


def test_plan_reloads_a_hand_edited_table():
    plan = nft_apply.plan_applied(TABLE, HAND_EDITED, _record(), SRC, SRC)
    assert plan.reasons == ("the live table inet edu_tw_hardening was changed outside this module",)


def test_plan_reloads_a_flushed_table():
    assert nft_apply.plan_applied(TABLE, FLUSHED, _record(), SRC, SRC).reload


def test_plan_only_persists_when_dest_differs():
    plan = nft_apply.plan_applied(TABLE, LATER, _record(), SRC, b"old\n")
    assert (plan.reload, plan.persist, plan.reasons) == (False, True, ("dest differs from src",))


def test_plan_names_the_guard_when_its_rollback_changed_the_live_table():
    plan = nft_apply.plan_applied(TABLE, HAND_EDITED, _record(), SRC, SRC, "2026-03-02T08:15:31Z")
    assert plan.reasons == ("the lockout guard rolled back the last load at 2026-03-02T08:15:31Z",)


def test_plan_names_the_guard_even_when_its_marker_holds_no_time():
    plan = nft_apply.plan_applied(TABLE, HAND_EDITED, _record(), SRC, SRC, "")
    assert plan.reasons == ("the lockout guard rolled back the last load at an unknown time",)


def test_plan_reloads_after_a_rollback_that_only_changed_set_elements():
    # The previous table differed only in its management set, which listings leave out:
    # writing dest without a reload would make the refused ruleset the boot copy.
    plan = nft_apply.plan_applied(TABLE, LATER, _record(), SRC, b"old\n", "2026-03-02T08:15:31Z")
    assert (plan.reload, plan.persist) == (True, True)


def test_plan_persists_a_missing_dest():
    assert nft_apply.plan_applied(TABLE, LATER, _record(), SRC, None).reasons == (
        "dest is missing",
    )


# applied_steps

RELOAD = nft_apply.Plan(True, True, ("src changed since the last load",))
RELOAD_SAME_DEST = nft_apply.Plan(True, False, ("src changed since the last load",))
DEST_ONLY = nft_apply.Plan(False, True, ("dest differs from src",))
UP_TO_DATE = nft_apply.Plan(False, False, ())


def test_steps_of_a_table_up_to_date_change_nothing():
    steps = nft_apply.applied_steps(TABLE, UP_TO_DATE, armed=False, guard_seconds=120)
    assert (steps.changed, steps.pending_confirm, steps.msg) == (
        False,
        False,
        f"table {TABLE}: up to date",
    )


def test_steps_leave_dest_to_the_confirmation_of_an_earlier_guarded_load():
    steps = nft_apply.applied_steps(TABLE, DEST_ONLY, armed=True, guard_seconds=120)
    assert (steps.changed, steps.persist, steps.disarm, steps.pending_confirm, steps.msg) == (
        False,
        False,
        False,
        True,
        f"table {TABLE}: an earlier load awaits confirmation",
    )


def test_steps_without_a_guard_accept_an_earlier_unconfirmed_load():
    steps = nft_apply.applied_steps(TABLE, UP_TO_DATE, armed=True, guard_seconds=0)
    assert (steps.changed, steps.reload, steps.disarm, steps.persist, steps.msg) == (
        True,
        False,
        True,
        False,
        f"table {TABLE} already loaded",
    )


def test_steps_write_only_dest_when_only_dest_differs():
    steps = nft_apply.applied_steps(TABLE, DEST_ONLY, armed=False, guard_seconds=120)
    assert (steps.reload, steps.arm, steps.disarm, steps.persist, steps.msg) == (
        False,
        False,
        False,
        True,
        f"table {TABLE} already loaded; dest written",
    )
    assert steps.check_msg == f"check mode: table {TABLE} would be left as loaded"


def test_steps_of_a_guarded_reload_arm_the_guard_and_leave_dest_to_the_confirmation():
    steps = nft_apply.applied_steps(TABLE, RELOAD, armed=False, guard_seconds=120)
    assert (steps.reload, steps.arm, steps.keep_rollback, steps.persist) == (
        True,
        True,
        False,
        False,
    )
    assert (steps.pending_confirm, steps.msg) == (
        True,
        f"table {TABLE} loaded; confirm within 120s or it is rolled back",
    )
    assert steps.check_msg == f"check mode: table {TABLE} would be reloaded"


def test_steps_of_a_guarded_reload_keep_the_rollback_of_an_unconfirmed_load():
    steps = nft_apply.applied_steps(TABLE, RELOAD, armed=True, guard_seconds=120)
    assert (steps.arm, steps.keep_rollback, steps.disarm) == (True, True, False)


def test_steps_of_a_reload_without_a_guard_write_dest():
    steps = nft_apply.applied_steps(TABLE, RELOAD, armed=False, guard_seconds=0)
    assert (steps.arm, steps.disarm, steps.persist, steps.pending_confirm, steps.msg) == (
        False,
        False,
        True,
        False,
        f"table {TABLE} loaded without a guard; dest written",
    )


def test_steps_of_a_reload_without_a_guard_stop_an_earlier_guard():
    steps = nft_apply.applied_steps(TABLE, RELOAD_SAME_DEST, armed=True, guard_seconds=0)
    assert (steps.disarm, steps.keep_rollback, steps.persist, steps.msg) == (
        True,
        False,
        False,
        f"table {TABLE} loaded without a guard",
    )


# live_matches


def test_live_matches_the_record_of_the_same_src():
    assert nft_apply.live_matches(_record(), TABLE, SRC, LATER)


def test_live_does_not_match_after_a_rollback_to_other_rules():
    assert not nft_apply.live_matches(_record(), TABLE, SRC, HAND_EDITED)


def test_live_does_not_match_another_src():
    assert not nft_apply.live_matches(_record(), TABLE, b"other\n", LATER)


def test_live_does_not_match_an_absent_table():
    assert not nft_apply.live_matches(_record(), TABLE, SRC, None)


# systemd_run_argv


def test_systemd_run_argv_arms_a_named_timer_running_the_guard_script():
    assert nft_apply.systemd_run_argv("/usr/bin/systemd-run", "/bin/sh", "/s/guard.sh", 120) == [
        "/usr/bin/systemd-run",
        "--unit=edu-tw-hardening-firewall-rollback",
        "--on-active=120s",
        "--timer-property=AccuracySec=1s",
        "/bin/sh",
        "/s/guard.sh",
    ]


# guard_script


def _run_guard(tmp_path, nft: str) -> subprocess.CompletedProcess:
    script = tmp_path / "guard.sh"
    marker = tmp_path / "rolled back"  # a space: the paths must be quoted
    script.write_text(nft_apply.guard_script(nft, str(tmp_path / "rollback.nft"), str(marker)))
    env = {**os.environ, "TZ": "CST-8"}  # a host in Taiwan: the marker must still say UTC
    return subprocess.run(["sh", str(script)], capture_output=True, text=True, check=False, env=env)


def test_guard_script_loads_the_rollback_file():
    text = nft_apply.guard_script("/usr/sbin/nft", "/s/rollback.nft", "/s/rolled_back")
    assert "\n/usr/sbin/nft -f /s/rollback.nft\n" in text


def test_guard_script_records_when_it_rolled_back_in_utc(tmp_path):
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    assert _run_guard(tmp_path, shutil.which("true")).returncode == 0
    recorded = nft_apply.parse_rollback_marker((tmp_path / "rolled back").read_text())
    moment = datetime.datetime.strptime(recorded, "%Y-%m-%dT%H:%M:%S%z")
    assert before <= moment <= before + datetime.timedelta(seconds=5)


def test_guard_script_records_nothing_when_nft_fails(tmp_path):
    assert _run_guard(tmp_path, shutil.which("false")).returncode != 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["guard.sh"]


def test_guard_script_leaves_no_temp_file_behind(tmp_path):
    _run_guard(tmp_path, shutil.which("true"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["guard.sh", "rolled back"]


# utc_time / parse_rollback_marker / rolled_back_message


def test_utc_time_is_iso_8601_utc_to_the_second():
    assert nft_apply.utc_time(1_772_439_331.9) == "2026-03-02T08:15:31Z"


def test_utc_time_ignores_the_hosts_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "CST-8")  # Taiwan, as a POSIX TZ string: no tzdata needed
    time.tzset()
    try:
        assert nft_apply.utc_time(1_772_439_331) == "2026-03-02T08:15:31Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_parse_rollback_marker_reads_the_time_date_wrote():
    assert nft_apply.parse_rollback_marker("2026-03-02T08:15:31Z\n") == "2026-03-02T08:15:31Z"


def test_parse_rollback_marker_of_an_empty_marker_is_empty():
    assert nft_apply.parse_rollback_marker("") == ""


def test_parse_rollback_marker_refuses_other_text():
    assert nft_apply.parse_rollback_marker("rolled back\n2026-03-02T08:15:31Z") == ""


def test_parse_rollback_marker_refuses_an_impossible_date():
    assert nft_apply.parse_rollback_marker("2026-13-02T08:15:31Z") == ""


def test_parse_rollback_marker_refuses_a_local_time():
    assert nft_apply.parse_rollback_marker("2026-03-02T16:15:31+08:00") == ""


def test_rolled_back_message_says_the_guard_rolled_back_and_when():
    message = nft_apply.rolled_back_message(TABLE, "/s/candidate.nft", "2026-03-02T08:15:31Z")
    assert "the lockout guard rolled back to the previous ruleset at 2026-03-02T08:15:31Z" in (
        message
    )


def test_rolled_back_message_says_what_to_check():
    message = nft_apply.rolled_back_message(TABLE, "/s/candidate.nft", "2026-03-02T08:15:31Z")
    assert "lets the controller in over SSH" in message


def test_rolled_back_message_without_a_time_says_the_time_is_unknown():
    message = nft_apply.rolled_back_message(TABLE, "/s/candidate.nft", "")
    assert "rolled back to the previous ruleset at an unknown time" in message


# confirm_stop / confirm_steps / timer_stop_error / live_mismatch_message

WHEN = "2026-03-02T08:15:31Z"
CANDIDATE = "/s/candidate.nft"


def test_confirm_stop_goes_on_when_nothing_stops_it():
    assert nft_apply.confirm_stop(TABLE, CANDIDATE) is None


def test_confirm_stop_in_check_mode_confirms_nothing_without_failing():
    assert nft_apply.confirm_stop(TABLE, CANDIDATE, check_mode=True) == (
        False,
        "check mode: nothing to confirm",
        None,
    )


def test_confirm_stop_in_check_mode_comes_before_any_other_check():
    stop = nft_apply.confirm_stop(
        TABLE, CANDIDATE, check_mode=True, nft_found=False, rolled_back_at=WHEN, matches=False
    )
    assert (stop.failed, stop.msg) == (False, "check mode: nothing to confirm")


def test_confirm_stop_fails_without_nft():
    assert nft_apply.confirm_stop(TABLE, CANDIDATE, nft_found=False) == (
        True,
        "nft not found; install the nftables package first",
        None,
    )


def test_confirm_stop_without_nft_comes_before_the_rollback():
    stop = nft_apply.confirm_stop(TABLE, CANDIDATE, nft_found=False, rolled_back_at=WHEN)
    assert (stop.msg, stop.rolled_back_at) == (nft_apply.NO_NFT_MSG, None)


def test_confirm_stop_fails_after_a_rollback_saying_when():
    assert nft_apply.confirm_stop(TABLE, CANDIDATE, rolled_back_at=WHEN) == (
        True,
        nft_apply.rolled_back_message(TABLE, CANDIDATE, WHEN),
        WHEN,
    )


def test_confirm_stop_fails_after_a_rollback_whose_marker_holds_no_time():
    stop = nft_apply.confirm_stop(TABLE, CANDIDATE, rolled_back_at="")
    assert (stop.failed, stop.rolled_back_at) == (True, "")
    assert "rolled back to the previous ruleset at an unknown time" in stop.msg


def test_confirm_stop_reports_a_rollback_rather_than_the_mismatch_it_caused():
    stop = nft_apply.confirm_stop(TABLE, CANDIDATE, rolled_back_at=WHEN, matches=False)
    assert stop.rolled_back_at == WHEN


def test_confirm_stop_fails_when_the_live_table_is_not_the_one_loaded():
    assert nft_apply.confirm_stop(TABLE, CANDIDATE, matches=False) == (
        True,
        "the live table inet edu_tw_hardening is not the one loaded from /s/candidate.nft "
        "(it changed since the load, and the lockout guard recorded no rollback); dest left "
        "as it was. Run the module with state=applied again.",
        None,
    )


def test_live_mismatch_message_names_the_table_and_src():
    assert nft_apply.live_mismatch_message("inet t", "/x.nft").startswith(
        "the live table inet t is not the one loaded from /x.nft "
    )


def test_confirm_steps_stop_an_armed_guard_and_write_a_differing_dest():
    assert nft_apply.confirm_steps(TABLE, True, b"old\n", SRC) == (
        True,
        True,
        True,
        f"table {TABLE} confirmed; dest written",
    )


def test_confirm_steps_stop_an_armed_guard_as_a_change_when_dest_is_current():
    assert nft_apply.confirm_steps(TABLE, True, SRC, SRC) == (
        True,
        False,
        True,
        f"table {TABLE} confirmed",
    )


def test_confirm_steps_without_a_guard_only_write_a_differing_dest():
    assert nft_apply.confirm_steps(TABLE, False, b"old\n", SRC) == (
        False,
        True,
        True,
        f"table {TABLE} confirmed; dest written",
    )


def test_confirm_steps_write_a_missing_dest():
    steps = nft_apply.confirm_steps(TABLE, False, None, SRC)
    assert (steps.persist, steps.changed) == (True, True)


def test_confirm_steps_change_nothing_when_confirmed_already():
    assert nft_apply.confirm_steps(TABLE, False, SRC, SRC) == (
        False,
        False,
        False,
        f"table {TABLE} confirmed",
    )


def test_timer_stop_error_of_a_stopped_timer_is_none():
    assert nft_apply.timer_stop_error(0, "") is None


def test_timer_stop_error_of_a_timer_already_gone_is_none():
    err = "Failed to stop edu-tw-hardening-firewall-rollback.timer: Unit ... not loaded.\n"
    assert nft_apply.timer_stop_error(5, err) is None


def test_timer_stop_error_names_the_timer_and_the_error():
    assert nft_apply.timer_stop_error(1, "Access denied\n") == (
        "could not stop edu-tw-hardening-firewall-rollback.timer: Access denied"
    )
