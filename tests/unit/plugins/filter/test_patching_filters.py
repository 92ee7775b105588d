# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The patching role's filters: why a host owes a reboot (MOE-17), and whether the host's
clock is inside the reboot window."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter.patching import (
    FilterModule,
    patching_in_window,
    patching_reboot_reasons,
)

RUNNING = "6.1.0-9-amd64"


def updates(**fields) -> dict:
    """An updates evidence area that owes no reboot, with ``fields`` changed."""
    area = {
        "reboot_required": False,
        "reboot_packages": [],
        "kernel_running": RUNNING,
        "kernels_other": [],
        "kernel_outdated": None,
    }
    area.update(fields)
    return area


def window(days=(), start="", end="") -> dict:
    return {"days": list(days), "start": start, "end": end}


def test_the_filters_are_registered():
    assert FilterModule().filters() == {
        "patching_reboot_reasons": patching_reboot_reasons,
        "patching_in_window": patching_in_window,
    }


# ---------------------------------------------------------------- patching_reboot_reasons


def test_no_reason_no_reboot():
    assert patching_reboot_reasons(updates()) == []


def test_the_bare_minimum_area_owes_nothing():
    assert patching_reboot_reasons({"reboot_required": False}) == []


def test_reboot_required_names_the_packages_that_set_it():
    reasons = patching_reboot_reasons(
        updates(reboot_required=True, reboot_packages=["libc6", "linux-image-amd64"])
    )
    assert reasons == ["/run/reboot-required (libc6, linux-image-amd64)"]


@pytest.mark.parametrize("packages", [[], None])
def test_reboot_required_without_packages_still_counts(packages):
    reasons = patching_reboot_reasons(updates(reboot_required=True, reboot_packages=packages))
    assert reasons == ["/run/reboot-required (packages not recorded)"]


def test_reboot_required_without_the_packages_key():
    assert patching_reboot_reasons({"reboot_required": True}) == [
        "/run/reboot-required (packages not recorded)"
    ]


def test_a_newer_kernel_in_debian_version_order_is_a_reason():
    # As text "6.1.0-10" sorts before "6.1.0-9"; in Debian version order it is newer.
    reasons = patching_reboot_reasons(updates(kernels_other=["6.1.0-10-amd64"]))
    assert reasons == [f"kernel 6.1.0-10-amd64 installed, {RUNNING} running"]


def test_an_older_kernel_is_no_reason():
    assert (
        patching_reboot_reasons(
            updates(kernel_running="6.1.0-10-amd64", kernels_other=["6.1.0-9-amd64"])
        )
        == []
    )


def test_only_the_newer_kernels_are_named():
    reasons = patching_reboot_reasons(
        updates(
            kernel_running="6.1.0-10-amd64",
            kernels_other=["6.1.0-9-amd64", "6.1.0-11-amd64", "6.1.0-12-amd64"],
        )
    )
    assert reasons == ["kernel 6.1.0-11-amd64, 6.1.0-12-amd64 installed, 6.1.0-10-amd64 running"]


def test_no_running_kernel_known_no_kernel_reason():
    assert patching_reboot_reasons(updates(kernel_running=None, kernels_other=["6.1.0-10"])) == []


def test_needrestart_speaks_when_no_kernel_list_says_it():
    outdated = "running kernel 6.1.0-9-amd64, expected 6.1.0-10-amd64"
    reasons = patching_reboot_reasons(updates(kernel_outdated=outdated))
    assert reasons == [f"{outdated} (needrestart)"]


def test_needrestart_is_not_repeated_when_the_kernel_list_says_it():
    reasons = patching_reboot_reasons(
        updates(kernels_other=["6.1.0-10-amd64"], kernel_outdated="needrestart says so")
    )
    assert reasons == [f"kernel 6.1.0-10-amd64 installed, {RUNNING} running"]


def test_needrestart_speaks_when_the_other_kernels_are_older():
    reasons = patching_reboot_reasons(
        updates(
            kernel_running="6.1.0-10-amd64",
            kernels_other=["6.1.0-9-amd64"],
            kernel_outdated="needrestart says so",
        )
    )
    assert reasons == ["needrestart says so (needrestart)"]


def test_every_reason_together_in_order():
    reasons = patching_reboot_reasons(
        updates(
            reboot_required=True,
            reboot_packages=["linux-image-6.1.0-10-amd64"],
            kernels_other=["6.1.0-10-amd64"],
            kernel_outdated="ignored",
        )
    )
    assert reasons == [
        "/run/reboot-required (linux-image-6.1.0-10-amd64)",
        f"kernel 6.1.0-10-amd64 installed, {RUNNING} running",
    ]


@pytest.mark.parametrize(
    "area",
    [None, [], "updates", 42, {}, {"kernel_running": RUNNING}, {"updates": updates()}],
    ids=["none", "list", "text", "number", "empty", "no-flag", "whole-evidence"],
)
def test_anything_but_the_updates_area_raises(area):
    with pytest.raises(AnsibleFilterError, match="patching_reboot_reasons"):
        patching_reboot_reasons(area)


def test_a_reboot_flag_that_is_not_a_boolean_raises():
    with pytest.raises(AnsibleFilterError):
        patching_reboot_reasons(updates(reboot_required="false"))


def test_reboot_packages_as_text_raises():
    with pytest.raises(AnsibleFilterError):
        patching_reboot_reasons(updates(reboot_required=True, reboot_packages="libc6"))


def test_kernels_other_as_text_raises():
    with pytest.raises(AnsibleFilterError):
        patching_reboot_reasons(updates(kernels_other="6.1.0-10-amd64"))


# ---------------------------------------------------------------- patching_in_window


def test_the_window_includes_its_start_and_excludes_its_end():
    checked = window(start="02:00", end="04:00")
    assert patching_in_window(checked, "1 01:59") is False
    assert patching_in_window(checked, "1 02:00") is True
    assert patching_in_window(checked, "1 03:59") is True
    assert patching_in_window(checked, "1 04:00") is False
    assert patching_in_window(checked, "1 23:59") is False


def test_the_output_of_date_with_its_newline_is_read():
    assert patching_in_window(window(start="02:00", end="04:00"), "3 02:30\n") is True


def test_no_days_is_every_day():
    checked = window(start="00:00", end="23:59")
    assert all(patching_in_window(checked, f"{day} 12:00") for day in range(1, 8))


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        ("1 03:00", False),  # mon
        ("2 03:00", True),  # tue
        ("6 03:00", False),  # sat
        ("7 03:00", True),  # sun: ISO weekday 7
        ("7 05:00", False),  # sun, after the end
    ],
)
def test_the_days_are_iso_weekdays(now, open_):
    assert patching_in_window(window(["tue", "sun"], "02:00", "04:00"), now) is open_


@pytest.mark.parametrize("now", ["1 00:00", "4 12:00", "7 23:59"])
def test_no_window_is_never_open(now):
    assert patching_in_window(window(), now) is False
    assert patching_in_window(window(["mon", "thu", "sun"]), now) is False


@pytest.mark.parametrize(
    "now",
    [
        "8 10:00",
        "0 10:00",
        "1 24:00",
        "1 10:60",
        "1 1:00",
        "1 10:0",
        "1  10:00",
        "1T10:00",
        "110:00",
        "",
        "   ",
        "\uff11 10:00",  # a fullwidth digit
        "1 \uff110:00",
        "\u0661 10:00",  # an Arabic-Indic digit
        "1 10:00 extra",
        "mon 10:00",
        None,
        5,
    ],
)
def test_a_malformed_now_raises(now):
    with pytest.raises(AnsibleFilterError, match="patching_in_window"):
        patching_in_window(window(start="00:00", end="23:59"), now)


def test_a_malformed_now_raises_even_with_no_window():
    with pytest.raises(AnsibleFilterError):
        patching_in_window(window(), "8 10:00")


@pytest.mark.parametrize(
    "checked",
    [None, "02:00-04:00", [], {"start": "02:00", "end": "04:00"}, {"days": [], "start": "02:00"}],
)
def test_anything_but_a_checked_window_raises(checked):
    with pytest.raises(AnsibleFilterError, match="patching_reboot_window"):
        patching_in_window(checked, "1 03:00")


@pytest.mark.parametrize("half", [{"start": "02:00"}, {"end": "04:00"}])
def test_half_a_window_is_never_open(half):
    checked = window(**half)
    assert not any(patching_in_window(checked, f"1 {hour:02d}:00") for hour in range(24))
