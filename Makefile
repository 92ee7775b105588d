# edu_tw.hardening: the two commands of the README, and the steps they are made of.
#
#   make test    lint, unit tests, then the Molecule scenarios (what CI runs)
#   make release-check   make demo, then check its output and the tarball built after it
#   make demo    start a disposable Debian test host, apply playbooks/site.yml, show the result
#   make role NAME=x   start roles/x from scripts/skeleton (then follow CONTRIBUTING.md)
#
# DEBIAN_RELEASES picks the test-host releases: "12" (default, CI's fast path), "11 12 13"
# or "all". SCENARIOS picks Molecule scenarios (default: every directory under molecule/
# that has a molecule.yml); MOLECULE_JOBS how many run at once (default 2, 1 runs them one
# after another). KEEP=1 keeps the demo host.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

DEBIAN_RELEASES ?= 12
ifeq ($(DEBIAN_RELEASES),all)
override DEBIAN_RELEASES := 11 12 13
endif
SCENARIOS ?= $(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))

VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
PYTHON ?= python3
# Host packages: podman and its helpers for the test hosts, debootstrap to build them,
# shellcheck for ansible-test sanity (which skips that test without it).
APT_PACKAGES := podman runc netavark aardvark-dns containernetworking-plugins debootstrap \
	uidmap slirp4netns fuse-overlayfs openssh-client python3-venv git bc shellcheck

# Tools from the venv; Ansible finds this checkout as edu_tw.hardening through the
# ansible_collections/ tree that `make venv` links under .ansible/.
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.ansible/collections
export CONTAINERS_CONF := $(CURDIR)/tests/hosts/containers.conf
export DEBIAN_RELEASES
export MOLECULE_JOBS ?= 2
# Container and network names carry it, so concurrent runs cannot collide.
export HARDENING_RUN_ID ?= $(shell od -An -N3 -tx1 /dev/urandom | tr -d ' \n')

.PHONY: help deps host-packages venv images lint unit molecule test release-check demo bench docs changelog build clean role

help:
	@sed -n 's/^#   //p' Makefile

deps: host-packages venv

host-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		[ "$$(id -u)" -eq 0 ] || { echo "make: missing Debian packages ($$missing); run as root"; exit 1; }; \
		echo "make: installing $$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt | host-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	mkdir -p .ansible/collections/ansible_collections/edu_tw
	ln -sfn ../../../.. .ansible/collections/ansible_collections/edu_tw/hardening
	touch $@

images: deps
	tests/hosts/build-images.sh $(DEBIAN_RELEASES)

# Every check a Galaxy or Automation Hub reviewer runs, with no skip list and no ignore file.
lint: venv
	yamllint .
	ruff check .
	ruff format --check .
	ansible-lint
	$(BIN)/python scripts/render_controls_doc.py --check
	$(BIN)/python scripts/render_role_docs.py --check
	antsibull-docs lint-collection-docs --plugin-docs .
	scripts/ansible-test.sh sanity
	scripts/ansible-test.sh units
	scripts/check-build-contents.sh
	scripts/galaxy-importer-check.sh

unit: venv
	pytest tests/unit

molecule: images
	scripts/molecule-jobs.sh "$(SCENARIOS)" "$(DEBIAN_RELEASES)"

test: lint unit molecule release-check

# The release after a real `make demo`: its site.yml run prints no warning, and the tarball
# built from the checkout it leaves behind (audit-reports/ with the host's evidence, caches)
# carries none of it.
release-check: images
	mkdir -p build
	scripts/demo.sh 2>&1 | tee build/demo.log
	@if grep -n '\[WARNING\]\|\[DEPRECATION WARNING\]' build/demo.log; then \
		echo "release-check: make demo printed the warnings above"; exit 1; fi
	scripts/check-build-contents.sh --as-is

demo: images
	scripts/demo.sh

bench: images
	bench/run.sh $(BENCH_HOSTS)

docs: venv
	$(BIN)/python scripts/render_controls_doc.py
	$(BIN)/python scripts/render_role_docs.py
	scripts/build-docs.sh

# A new role from the skeleton: every "skeleton" in its files and names becomes NAME.
role: venv
	@[[ "$(NAME)" =~ ^[a-z][a-z0-9_]*$$ ]] || { echo "make role: give NAME=<role> (a-z, 0-9, _)"; exit 1; }
	@[ ! -e roles/$(NAME) ] || { echo "make role: roles/$(NAME) exists"; exit 1; }
	cp -r scripts/skeleton roles/$(NAME)
	find roles/$(NAME) -type f -exec sed -i 's/skeleton/$(NAME)/g' {} +
	mv roles/$(NAME)/templates/skeleton.conf.j2 roles/$(NAME)/templates/$(NAME).conf.j2
	$(BIN)/python scripts/render_role_docs.py
	@echo "make role: roles/$(NAME) is ready; see CONTRIBUTING.md for the other touch points"

changelog: venv
	antsibull-changelog release

build: venv
	ansible-galaxy collection build --force --output-path build .

clean:
	rm -rf build tests/output .pytest_cache .ruff_cache
