#!/usr/bin/env bash
# Create .venv and install the project into it. Shared by scripts/run.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# torch is pinned to the CPU build that this machine kind keeps in pip's find-links folder;
# any other torch requirement would pull the registry's CUDA build (several GB).
.venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0" -e ".${extras}"
