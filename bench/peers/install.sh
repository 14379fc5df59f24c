#!/usr/bin/env bash
# Installs the benchmark's peers (issue 5) into bench/peers/, where bench/peers.ts looks for them:
#   bench/peers/bin/gogen      gogen, built by `go install` (bench/peers/bin/ is git-ignored)
#   bench/peers/venv/          a Python venv with splunk_eventgen importable (git-ignored)
# Nothing else is touched: not package.json, not the system's Python or Go.
#
# Usage: bash bench/peers/install.sh
#   GOGEN_VERSION=v0.13.0      module version of github.com/coccyx/gogen to install (default below)
#   PYTHON=python3             interpreter for the venv (Eventgen 7.x declares Python ^3.7)
#   EVENTGEN_SPEC=...          what pip installs for Python Eventgen: the default is the PyPI name;
#                              a path to a splunk/eventgen source checkout or sdist also works
#
# Each peer is tried on its own; the script ends with a summary and exits 1 if either failed.
# On 2026-11-28 neither could be had on the project's machines (only package registries are
# reachable there): the Go module proxy answers 403 "This module version is not available" for
# github.com/coccyx/gogen (its version list, @latest and @v0.13.0), and PyPI has no
# splunk_eventgen or splunk-eventgen ("from versions: none"); Eventgen's own docs install it from
# a clone of github.com/splunk/eventgen, not from PyPI. The bench then prints "not installed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
failed=()

# --- gogen ------------------------------------------------------------------------------------
# Needs: the `go` command (the module declares an old Go; any current Go builds it) and the Go
# module proxy serving github.com/coccyx/gogen and its dependencies. GOBIN puts the binary in
# bench/peers/bin instead of ~/go/bin. peers-and-limits.md §3 measured gogen 0.13.0.
gogen_version="${GOGEN_VERSION:-v0.13.0}"
if ! command -v go >/dev/null 2>&1; then
  echo "gogen: no 'go' command on PATH; install Go first" >&2
  failed+=(gogen)
elif GOBIN="$here/bin" go install "github.com/coccyx/gogen@${gogen_version}"; then
  echo "gogen: installed $("$here/bin/gogen" --version 2>/dev/null || echo "(no version output)") from github.com/coccyx/gogen@${gogen_version} at $here/bin/gogen"
else
  echo "gogen: 'go install github.com/coccyx/gogen@${gogen_version}' failed (see above)" >&2
  failed+=(gogen)
fi

# --- Python Eventgen --------------------------------------------------------------------------
# Needs: a Python 3 with the venv module (Debian: python3-venv) and pip reaching PyPI for
# Eventgen's dependencies (Flask, lxml, PyYAML, jinja2, requests, ...). W1 uses only sample mode,
# timestamp and random-integer tokens and stdout output, none of which needs Splunk.
python="${PYTHON:-python3}"
spec="${EVENTGEN_SPEC:-splunk_eventgen}"
venv="$here/venv"
if ! "$python" -m venv "$venv"; then
  echo "Python Eventgen: '$python -m venv' failed (Debian: apt-get install python3-venv)" >&2
  failed+=(eventgen)
elif "$venv/bin/python" -m pip install --disable-pip-version-check "$spec" &&
  "$venv/bin/python" -c 'import splunk_eventgen'; then
  echo "Python Eventgen: installed $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("splunk_eventgen"))' 2>/dev/null || echo '(version unknown)') into $venv"
else
  echo "Python Eventgen: 'pip install $spec' failed or splunk_eventgen is not importable (see above);" \
    "set EVENTGEN_SPEC to a splunk/eventgen checkout or sdist if you have one" >&2
  rm -rf "$venv" # leave no half-installed venv for the bench to find
  failed+=(eventgen)
fi

if ((${#failed[@]})); then
  echo "not installed: ${failed[*]}" >&2
  exit 1
fi
echo "all peers installed"
