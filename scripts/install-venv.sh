#!/usr/bin/env bash
# The independent implementations we check ourselves against, pinned. Tests only; never runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
req=tests/peers/requirements.txt
stamp=.venv/.installed
if [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then exit 0; fi
if ! python3 -m venv --help >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -q python3-venv
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
