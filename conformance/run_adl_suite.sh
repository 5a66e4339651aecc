#!/usr/bin/env bash
# Runs ADL's LRS conformance test suite (kept outside this repository) against this LRS, served by
# gunicorn on a throw-away database, and prints one pass/fail line per xAPI version.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: conformance/run_adl_suite.sh [OPTIONS]

Runs ADL's LRS conformance test suite (github adlnet/lrs-conformance-test-suite, checked out and
`npm install`ed outside this repository) against this LRS on a throw-away database:
migrates it, creates a credential, starts gunicorn on a free port, runs the suite for each xAPI
version, prints one line per version and the titles of failing tests, then stops the server and
removes the database.

Options:
  --suite DIR        The suite's checkout (default: $ADL_SUITE_DIR, else ../adl-suite next to the repo).
  --sqlite           A throw-away SQLite file in a temporary directory (the default).
  --postgresql       A throw-away database on $LRS_TEST_POSTGRES_URL
                     (default postgresql://postgres@127.0.0.1:5432/postgres), dropped afterwards.
  --database-url URL An existing, empty database instead of a throw-away one (it is migrated, not dropped).
  --xapi LIST        Comma-separated xAPI versions to run, in order (default: 1.0.3,2.0.0).
  --grep PATTERN     Only the suite's tests whose title matches PATTERN (passed to the suite as -g).
  --details          For each failing test, also print the suite's logged request/response and error.
  --keep             Keep the temporary directory (server log, suite output) and print its path.
  --timeout SECONDS  Give up on one version's run after this long (default: 3600).
  -h, --help         Show this help.

Exit status: 0 if every version ran and none failed; 1 if a test failed or a run gave no summary;
2 on bad usage or a set-up failure. The suite's own exit code is not used: it is the failure count
and is also non-zero when it crashes, so the summary line and its log under <suite>/logs/ decide.
EOF
}

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE_DIR="${ADL_SUITE_DIR:-$REPO_DIR/../adl-suite}"
DIALECT=sqlite
DATABASE_URL=""
VERSIONS="1.0.3,2.0.0"
GREP=""
DETAILS=0
KEEP=0
RUN_TIMEOUT=3600
POSTGRES_ADMIN_URL="${LRS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"

die() { echo "run_adl_suite: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --suite) SUITE_DIR="${2:?--suite needs a directory}"; shift 2 ;;
        --sqlite) DIALECT=sqlite; shift ;;
        --postgresql) DIALECT=postgresql; shift ;;
        --database-url) DATABASE_URL="${2:?--database-url needs a URL}"; shift 2 ;;
        --xapi) VERSIONS="${2:?--xapi needs a list}"; shift 2 ;;
        --grep) GREP="${2:?--grep needs a pattern}"; shift 2 ;;
        --details) DETAILS=1; shift ;;
        --keep) KEEP=1; shift ;;
        --timeout) RUN_TIMEOUT="${2:?--timeout needs seconds}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

VENV="$REPO_DIR/.venv/bin"
[ -x "$VENV/lrs" ] && [ -x "$VENV/gunicorn" ] || die "no $VENV/lrs or gunicorn: install the repo's virtualenv"
[ -f "$SUITE_DIR/bin/console_runner.js" ] || die "no ADL suite at $SUITE_DIR (clone adlnet/lrs-conformance-test-suite there)"
[ -d "$SUITE_DIR/node_modules" ] || die "run 'npm install' in $SUITE_DIR first"
SUITE_DIR="$(cd "$SUITE_DIR" && pwd)"
command -v node >/dev/null || die "node is not on PATH"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/adl-suite-run.XXXXXX")"
RUNNER=run_adl_suite
# shellcheck source=conformance/throwaway_server.sh
source "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"

# The database: a fresh SQLite file, a fresh PostgreSQL database, or the one given.
if [ -n "$DATABASE_URL" ]; then
    LABEL="${DATABASE_URL%%:*}"; LABEL="${LABEL%%+*}"
elif [ "$DIALECT" = postgresql ]; then
    command -v psql >/dev/null || die "psql is needed for --postgresql"
    PG_DATABASE="adl_suite_$(date +%s)_$$"
    psql "$POSTGRES_ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$PG_DATABASE\"" >/dev/null \
        || { PG_DATABASE=""; die "could not create a database on $POSTGRES_ADMIN_URL"; }
    DATABASE_URL="${POSTGRES_ADMIN_URL%/*}/$PG_DATABASE"  # the admin URL with our database name
    LABEL=postgresql
else
    DATABASE_URL="sqlite:///$WORK_DIR/adl.sqlite3"
    LABEL=sqlite
fi

PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$PORT"
KEY="adl-$(random_text 12)"
SECRET="$(random_text 32)"
export LRS_DATABASE_URL="$DATABASE_URL"
export LRS_SECRET_KEY="$(random_text 48)"
export LRS_DATA_DIR="$WORK_DIR"
export LRS_PUBLIC_URL="$BASE_URL"

cd "$REPO_DIR"
"$VENV/lrs" db upgrade >"$WORK_DIR/setup.log" 2>&1 \
    || { cat "$WORK_DIR/setup.log" >&2; die "lrs db upgrade failed"; }
"$VENV/lrs" credentials create --name adl --key "$KEY" --secret "$SECRET" >>"$WORK_DIR/setup.log" 2>&1 \
    || { cat "$WORK_DIR/setup.log" >&2; die "lrs credentials create failed"; }

"$VENV/gunicorn" -w 2 -b "127.0.0.1:$PORT" lrs.wsgi:app >"$WORK_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    curl -fsS -o /dev/null "$BASE_URL/xapi/about" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$WORK_DIR/server.log" >&2; die "gunicorn exited"; }
    sleep 0.2
done
curl -fsS -o /dev/null "$BASE_URL/xapi/about" || { tail -n 40 "$WORK_DIR/server.log" >&2; die "gunicorn did not answer"; }

# Prints, for each failing leaf test in the suite's (-z, failures-only) log, its title path and error.
report_failures() {
    python3 - "$1" "$DETAILS" <<'PY'
import json, sys

path, details = sys.argv[1], sys.argv[2] == "1"
with open(path) as handle:
    record = json.load(handle)

def walk(node, trail):
    if not node or node.get("status") != "failed":
        return
    title = node.get("title") or node.get("name") or ""
    trail = trail + [title] if title else trail
    children = [child for child in node.get("tests") or [] if child]
    if children:
        for child in children:
            walk(child, trail)
        return
    print("  FAIL " + (" > ".join(trail) or "(the suite's set-up, before any test)"))
    error = node.get("error")
    if error:
        print("       error: " + (error if isinstance(error, str) else json.dumps(error))[:2000])
    if details and node.get("log"):
        log = node["log"] if isinstance(node["log"], str) else json.dumps(node["log"], indent=1)
        print("       log:\n" + "\n".join("         " + line for line in log.splitlines()[:200]))

walk(record.get("log"), [])
PY
}

STATUS=0
RESULTS=()
IFS=',' read -r -a VERSION_LIST <<<"$VERSIONS"
for VERSION in "${VERSION_LIST[@]}"; do
    OUTPUT="$WORK_DIR/suite-$VERSION.out"
    ARGS=(-e "$BASE_URL/xapi" -a -u "$KEY" -p "$SECRET" -x "$VERSION" -z)
    [ -n "$GREP" ] && ARGS+=(-g "$GREP")
    STARTED=$(date +%s)
    (cd "$SUITE_DIR" && timeout "$RUN_TIMEOUT" node bin/console_runner.js "${ARGS[@]}") >"$OUTPUT" 2>&1 || true
    SECONDS_TAKEN=$(( $(date +%s) - STARTED ))
    SUMMARY="$(grep -E '^\{"total":' "$OUTPUT" | tail -n 1 || true)"
    LOG_PATH="$(sed -n 's/^Full run log written to //p' "$OUTPUT" | tail -n 1)"
    if [ -z "$SUMMARY" ] || [ -z "$LOG_PATH" ]; then
        LINE="ADL $VERSION $LABEL: no result after ${SECONDS_TAKEN}s (the suite crashed or timed out)"
        echo "$LINE"; tail -n 30 "$OUTPUT" | sed 's/^/  | /'
        RESULTS+=("$LINE"); STATUS=1
        continue
    fi
    read -r TOTAL PASSED FAILED < <(python3 -c \
        'import json, sys; s = json.loads(sys.argv[1]); print(s["total"], s["passed"], s["failed"])' "$SUMMARY")
    LINE="ADL $VERSION $LABEL: $PASSED/$TOTAL, failed $FAILED (${SECONDS_TAKEN}s)"
    echo "$LINE"
    RESULTS+=("$LINE")
    if [ "$FAILED" != 0 ] || [ "$PASSED" != "$TOTAL" ]; then
        STATUS=1
        echo "  suite log: $LOG_PATH"
        report_failures "$LOG_PATH"
    fi
done

if grep -qE 'Traceback|\[ERROR\]' "$WORK_DIR/server.log"; then
    echo "Server log has errors:"; grep -E -A 15 'Traceback|\[ERROR\]' "$WORK_DIR/server.log" | head -n 60 | sed 's/^/  | /'
fi
exit "$STATUS"
