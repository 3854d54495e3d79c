#!/usr/bin/env bash
# Install, build the index from seeds/ if there is none, and open the chat on http://127.0.0.1:7860.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/rag serve "$@"
