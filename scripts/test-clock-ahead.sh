#!/usr/bin/env bash
# The unit and integration suite with the machine's clock moved ahead (libfaketime), so that a fixture or a test that
# depends on today's date fails on the day it is written, not on the day it expires. `npm run test:clock`; CI runs it.
#   bash scripts/test-clock-ahead.sh [OFFSET …]   (default: +400d +3y)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v faketime >/dev/null; then
  echo "faketime がありません / faketime is missing. 導入するには: apt-get install -y faketime" >&2
  exit 1
fi
offsets=("$@")
[ ${#offsets[@]} -gt 0 ] || offsets=(+400d +3y)
for offset in "${offsets[@]}"; do
  echo "== unit and integration tests, clock ${offset}: $(faketime -f "$offset" date -u +%Y-%m-%dT%H:%MZ)"
  faketime -f "$offset" npx vitest run
done
