# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The patching role's files: the record the audit reads, and what its templates give apt
and unattended-upgrades (Package-Blacklist regexes as unattended-upgrades matches them, the
apt.conf syntax, the deb822 sources stanza)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest
import yaml
from ansible.plugins.filter.core import regex_escape, regex_replace
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import updates
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

ROOT = Path(__file__).resolve().parents[3]
ROLE = ROOT / "roles" / "patching"
BLACKLIST = "Unattended-Upgrade::Package-Blacklist"
ORIGINS = "Unattended-Upgrade::Origins-Pattern"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def render(template: str, **variables) -> str:
    """The role's template as Ansible renders it (trim_blocks, the core regex filters)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROLE / "templates")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(regex_escape=regex_escape, regex_replace=regex_replace)
    return env.get_template(template).render(ansible_managed="Ansible managed", **variables)


def patching(**raw) -> dict:
    """The checked inputs (what the role's templates get as __patching)."""
    checked = inputs.check_inputs(inputs.load_role("patching"), raw, {})
    assert checked.errors == []
    return checked.values


def unattended(**raw) -> str:
    return render("unattended-upgrades.conf.j2", __patching=patching(**raw))


def quoted_entries(text: str, key: str) -> list[str]:
    """The quoted entries of a ``key { "a"; "b"; };`` block of an apt.conf file."""
    block = re.search(re.escape(key) + r" \{\n(.*?)^\};", text, re.S | re.M)
    assert block, text
    return re.findall(r'^\s*"([^"]*)";$', block.group(1), re.M)


def blacklist(*patterns: str) -> list[str]:
    return quoted_entries(unattended(patching_excluded_packages=list(patterns)), BLACKLIST)


def blocked(pattern: str, package: str) -> bool:
    """Whether unattended-upgrades skips ``package`` for the role's entry of ``pattern``:
    it calls re.match (anchored at the start only) with each entry."""
    (entry,) = blacklist(pattern)
    return re.match(entry, package) is not None


# ---------------------------------------------------------------- shared values


def test_the_role_records_the_patch_run_where_the_collector_reads_it():
    assert _yaml(ROLE / "vars" / "Debian.yml")["__patching_record_file"] == updates.PATCH_RECORD


# ---------------------------------------------------------------- Package-Blacklist


@pytest.mark.parametrize(
    ("pattern", "package", "meant"),
    [
        ("libstdc++6", "libstdc++6", True),
        ("linux-.*", "linux-image-amd64", True),
        ("linux-.*", "linux-headers-6.1.0-10-amd64", True),
        ("linux-.*", "linux", False),
        ("linux-.*", "xlinux-image", False),
        ("linux-image-6.1", "linux-image-6x1", False),  # '.' is no wildcard in a name
        ("g++", "g++", True),
        ("g++", "gg", False),
    ],
)
def test_the_blacklist_entries_match_what_is_meant(pattern, package, meant):
    assert blocked(pattern, package) is meant


@pytest.mark.parametrize(
    ("pattern", "package"),
    [("libstdc++6", "libstdc++6-12-dbg"), ("libc6", "libc6-dev"), ("openssl", "openssl-provider")],
)
def test_a_plain_name_blocks_that_package_only(pattern, package):
    assert not blocked(pattern, package)


def test_an_anchor_is_refused_a_plain_name_is_anchored_already():
    for value in ("libc6$", "libc6.*$"):
        with pytest.raises(AssertionError, match="patching_excluded_packages"):
            unattended(patching_excluded_packages=[value])


def test_no_exclusions_no_entries():
    assert blacklist() == []


def test_the_security_origins_are_always_in_and_extra_origins_follow():
    text = unattended(patching_extra_origins=["origin=School,codename=${distro_codename}"])
    assert quoted_entries(text, ORIGINS) == [
        "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
        "origin=Debian,codename=${distro_codename},label=Debian-Security",
        "origin=School,codename=${distro_codename}",
    ]
    assert f"#clear {ORIGINS};" in text and f"#clear {BLACKLIST};" in text


def test_mail_only_when_given():
    assert "Unattended-Upgrade::Mail" not in unattended()
    text = unattended(patching_mail="root@localhost")
    assert 'Unattended-Upgrade::Mail "root@localhost";' in text
    assert 'Unattended-Upgrade::MailReport "on-change";' in text


# ---------------------------------------------------------------- apt reads it


def apt_values(text: str, tmp_path: Path, key: str) -> list[str]:
    """What ``apt-config`` reads from ``text``: the values of ``key``'s list."""
    conf = tmp_path / "52edu_tw_hardening-unattended-upgrades"
    conf.write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["apt-config", "-c", str(conf), "dump", "--format", "%f\t%v%n"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    return [
        line.split("\t", 1)[1]
        for line in result.stdout.splitlines()
        if line.split("\t", 1)[0] == f"{key}::"
    ]


@pytest.mark.skipif(shutil.which("apt-config") is None, reason="apt-config is not installed")
def test_apt_config_reads_the_rendered_file_as_meant(tmp_path):
    packages = ["libstdc++6", "linux-.*", "libc6", "linux-image-6.1.0-10-amd64"]
    origins = ["origin=Debian,codename=${distro_codename},label=Debian", "o=School,a=stable"]
    text = unattended(
        patching_excluded_packages=packages,
        patching_extra_origins=origins,
        patching_mail="it+patch@school.edu.tw",
    )
    assert apt_values(text, tmp_path, BLACKLIST) == quoted_entries(text, BLACKLIST)
    assert apt_values(text, tmp_path, ORIGINS)[2:] == origins
    conf = tmp_path / "52edu_tw_hardening-unattended-upgrades"
    dumped = subprocess.run(
        ["apt-config", "-c", str(conf), "dump", "--format", "%f=%v%n"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.splitlines()
    assert "Unattended-Upgrade::Mail=it+patch@school.edu.tw" in dumped
    assert "Unattended-Upgrade::SyslogEnable=true" in dumped


# ---------------------------------------------------------------- the sources file


def deb822(text: str) -> list[dict[str, str]]:
    """The stanzas of a deb822 file: comment lines dropped, blank lines between stanzas,
    ``Field: value`` (no continuation lines in ours)."""
    stanzas: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                stanzas.append(current)
                current = {}
            continue
        assert not line[0].isspace(), f"a continuation line: {line!r}"
        field, sep, value = line.partition(":")
        assert sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", field), line
        assert field not in current, f"{field} given twice"
        current[field] = value.strip()
    if current:
        stanzas.append(current)
    return stanzas


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {},
            {
                "URIs": "http://deb.debian.org/debian-security",
                "Components": "main",
                "Signed-By": "/usr/share/keyrings/debian-archive-keyring.gpg",
            },
        ),
        (
            {
                "patching_security_archive_uri": "file:/srv/mirror/debian-security",
                "patching_security_archive_components": "main,contrib,non-free-firmware",
                "patching_security_archive_keyring": "/usr/local/share/keyrings/school.gpg",
            },
            {
                "URIs": "file:/srv/mirror/debian-security",
                "Components": "main contrib non-free-firmware",
                "Signed-By": "/usr/local/share/keyrings/school.gpg",
            },
        ),
    ],
)
def test_the_sources_file_is_one_deb822_stanza(raw, expected):
    text = render(
        "security.sources.j2",
        __patching=patching(**raw),
        ansible_facts={"distribution_release": "bookworm"},
        **yaml.safe_load((ROLE / "vars" / "Debian.yml").read_text(encoding="utf-8")),
    )
    assert text.endswith("\n")
    assert deb822(text) == [{"Types": "deb", "Suites": "bookworm-security", **expected}]


# ---------------------------------------------------------------- the health check


def test_a_unit_name_with_a_backslash_is_refused():
    # The command module splits the line like a shell and would drop the backslash of a
    # systemd escape: the wrong unit would be checked. The format refuses it instead.
    with pytest.raises(AssertionError, match="patching_health_services"):
        patching(patching_health_services=["dev-disk-by\\x2dlabel-data.device"])


def _yaml_list(path: Path) -> list:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_debian_13_signs_with_the_keyring_name_its_own_sources_use():
    # apt refuses one archive listed twice with different Signed-By values.
    release_13 = yaml.safe_load((ROLE / "vars" / "Debian_13.yml").read_text(encoding="utf-8"))
    text = render(
        "security.sources.j2",
        __patching=patching(),
        ansible_facts={"distribution_release": "trixie"},
        **{
            **yaml.safe_load((ROLE / "vars" / "Debian.yml").read_text(encoding="utf-8")),
            **release_13,
        },
    )
    assert deb822(text)[0]["Signed-By"] == "/usr/share/keyrings/debian-archive-keyring.pgp"
