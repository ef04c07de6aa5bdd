#!/usr/bin/env bash
# Fetches and builds what the official clients need, once, into git-ignored caches:
#   python  clients/python/.venv from clients/python/requirements.lock (pip)
#   java    clients/java/target (Maven, local repository clients/.cache/m2)
#   go      clients/.cache/bin/go-checks (GOPATH, GOMODCACHE, GOCACHE under clients/.cache/go)
#   cli     clients/.cache/bin/openai (go install github.com/openai/openai-cli/cmd/openai@$OPENAI_CLI_VERSION)
# A rerun whose inputs did not change (a stamp holds their hash) returns at once.
# Usage: bash clients/prepare.sh python|java|go|cli ...
# Exit 3: the client cannot be had from the registries here (not a missing toolchain).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$here/.cache
mkdir -p "$cache/stamps" "$cache/bin"

# The CLI's version, pinned (its releases are tags of github.com/openai/openai-cli).
OPENAI_CLI_VERSION=v1.8.0

export GOPATH=$cache/go GOMODCACHE=$cache/go/mod GOCACHE=$cache/go/build GOFLAGS=-modcacherw GOTOOLCHAIN=local

# Prints one hash of the given files (contents and names, relative to clients/) and of what stdin says.
inputs_hash() { { (cd "$here" && sha256sum "$@"); cat; } | sha256sum | cut -d' ' -f1; }
# up_to_date NAME HASH ARTIFACT: true when NAME was last prepared from HASH and ARTIFACT exists.
up_to_date() { [ -e "$3" ] && [ "$(cat "$cache/stamps/$1" 2>/dev/null)" = "$2" ]; }
stamp() { printf '%s\n' "$2" > "$cache/stamps/$1"; }

prepare_python() {
  local hash venv=$here/python/.venv
  hash=$(python3 --version | inputs_hash python/requirements.lock)
  if up_to_date python "$hash" "$venv/bin/python"; then return; fi
  echo "prepare python: venv + pip install -r clients/python/requirements.lock"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-virtualenv -r "$here/python/requirements.lock"
  "$venv/bin/python" -m pip check
  stamp python "$hash"
}

prepare_java() {
  local hash
  hash=$(java -version 2>&1 | head -1 | inputs_hash java/pom.xml $(cd "$here" && find java/src -type f | sort))
  if up_to_date java "$hash" "$here/java/target/classes"; then return; fi
  echo "prepare java: mvn package (dependencies into clients/.cache/m2)"
  mvn -B -q -Dstyle.color=never -f "$here/java/pom.xml" -Dmaven.repo.local="$cache/m2" package dependency:copy-dependencies
  stamp java "$hash"
}

prepare_go() {
  local hash
  hash=$(go version | inputs_hash go/go.mod go/go.sum $(cd "$here" && find go -name '*.go' | sort))
  if up_to_date go "$hash" "$cache/bin/go-checks"; then return; fi
  echo "prepare go: go mod download + go build (GOMODCACHE clients/.cache/go/mod)"
  (cd "$here/go" && go mod download && go build -o "$cache/bin/go-checks" .)
  stamp go "$hash"
}

prepare_cli() {
  local hash log
  hash=$({ echo "$OPENAI_CLI_VERSION"; go version; } | inputs_hash prepare.sh)
  if up_to_date cli "$hash" "$cache/bin/openai"; then return; fi
  echo "prepare cli: go install github.com/openai/openai-cli/cmd/openai@$OPENAI_CLI_VERSION"
  log=$(mktemp)
  if ! GOBIN=$cache/bin go install "github.com/openai/openai-cli/cmd/openai@$OPENAI_CLI_VERSION" >"$log" 2>&1; then
    cat "$log" >&2
    if grep -q 'This module version is not available\|403 Forbidden\|404 Not Found\|410 Gone' "$log"; then
      rm -f "$log"
      echo "github.com/openai/openai-cli@$OPENAI_CLI_VERSION is not served by the Go module proxy here: install the openai CLI another way (brew install openai/tools/openai) and set OPENAI_CLI=/path/to/openai"
      exit 3
    fi
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  stamp cli "$hash"
}

[ $# -gt 0 ] || { echo "usage: $0 python|java|go|cli ..." >&2; exit 2; }
for client in "$@"; do
  case $client in
    python | java | go | cli) "prepare_$client" ;;
    *) echo "unknown client: $client" >&2; exit 2 ;;
  esac
done
