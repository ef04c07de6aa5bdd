#!/usr/bin/env bash
# Fuzzes both API surfaces of a real console with Schemathesis, from the OpenAPI descriptions the
# console serves (GET /v1/openapi.json, GET /api/openapi.json): every operation, authenticated,
# with negative and positive data and the stateful links (create → parts / complete / cancel).
# Fails on any 5xx, any answer the description does not describe (status, content type, headers,
# body schema), a crash of the console, or an unhandled error in its log.
#
#   bash fuzz/schemathesis/run.sh            (npm run fuzz:api)
#   FUZZ_MAX_EXAMPLES=200 FUZZ_SEED=42 FUZZ_SURFACES=v1 bash fuzz/schemathesis/run.sh
#   bash fuzz/schemathesis/run.sh --prepare   only install Schemathesis (.ci/run, in the background)
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
VENV=.cache/schemathesis-venv
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-75}
SEED=${FUZZ_SEED:-$RANDOM}
SURFACES=${FUZZ_SURFACES:-v1 api}

log() { printf '\n==> %s\n' "$*"; }

# Schemathesis into a git-ignored venv, once per machine (and again when the pin changes).
python=$(command -v python3.11 || command -v python3 || true)
if [ -z "$python" ] || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "Python 3.10 or newer is needed for Schemathesis (found: ${python:-none})." >&2
  exit 1
fi
if [ "$("$VENV/bin/st" --version 2>/dev/null)" != "st, version $SCHEMATHESIS_VERSION" ]; then
  log "installing Schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ "${1:-}" = --prepare ] && exit 0

work=$(mktemp -d -t uc-fuzz-XXXXXX)
token() { "$python" -c 'import secrets; print(secrets.token_urlsafe(24))'; }
operator_token=$(token)
read_only_token=$(token)
client_token=$(token)

log "starting a console (embedded emulator upstream) in $work"
node --import tsx server/openapi/fuzz-console.ts --dir "$work" --operator-token "$operator_token" \
  --read-only-token "$read_only_token" --client-token "$client_token" >"$work/console.log" 2>&1 &
console_pid=$!
cleanup() {
  kill "$console_pid" 2>/dev/null && wait "$console_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 300); do
  grep -q '"ready":true' "$work/console.log" 2>/dev/null && break
  kill -0 "$console_pid" 2>/dev/null || { cat "$work/console.log" >&2; echo "the console did not start" >&2; exit 1; }
  sleep 0.1
done
ready=$(grep '"ready":true' "$work/console.log")
field() { "$python" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$ready" "$1"; }
origin=$(field origin)
# The descriptions as the console serves them. Until server/app.ts mounts GET /api/openapi.json,
# the same document (server/openapi/openapi.test.ts checks they are equal) from the file it wrote.
v1_description="$origin/v1/openapi.json"
api_description="$origin/api/openapi.json"
[ "$(field apiDescriptionMounted)" = True ] || api_description=$(field apiDescription)
echo "console at $origin (seed $SEED, $MAX_EXAMPLES examples per operation)"

status=0
fuzz() {
  local name=$1 description=$2 url=$3 token=$4; shift 4
  log "Schemathesis: $name"
  PYTHONPATH=fuzz/schemathesis "$VENV/bin/st" --config-file fuzz/schemathesis/schemathesis.toml run "$description" \
    --url "$url" -H "Authorization: Bearer $token" \
    --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
    --report junit --report-junit-path "test-results/schemathesis-$name.xml" \
    "$@" || status=1
}

started=$SECONDS
# /v1 answers a known path asked with another method as OpenAI does, 404 "Invalid URL (TRACE
# /v1/uploads)" (the contract page quotes it), not 405: the SDKs read that 404, so that check is off here.
[[ " $SURFACES " == *" v1 "* ]] && fuzz v1 "$v1_description" "$origin/v1" "$client_token" --exclude-checks unsupported_method
# GET /api/events is a server-sent event stream that never ends by itself: there is no answer
# to check, only a timeout (server/routes/events-routes.test.ts tests it).
api_excluded=(--exclude-operation-id streamEvents)
[[ " $SURFACES " == *" api "* ]] && fuzz api "$api_description" "$origin/api" "$operator_token" "${api_excluded[@]}"

if ! kill -0 "$console_pid" 2>/dev/null; then
  echo "the console died during the run:" >&2
  tail -n 50 "$work/console.log" >&2
  status=1
elif grep -E '^[0-9T:.Z-]+ error ' "$work/console.log" >&2; then
  echo "the console logged the errors above during the run" >&2
  status=1
fi
log "fuzzing took $((SECONDS - started)) s: $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
