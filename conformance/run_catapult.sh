#!/usr/bin/env bash
# Runs ADL's cmi5 LMS test suite (CATAPULT lts/, kept outside this repository) against this server,
# through conformance/cmi5_lms_adapter/course_api_lms_script.js, served by gunicorn on a throw-away database.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: conformance/run_catapult.sh [OPTIONS]

Runs ADL's cmi5 LMS test suite (github adlnet/CATAPULT, folder lts/, checked out outside this
repository) against this server on a throw-away database: checks out lts/ if it is missing,
`npm ci`s it (no browser download), builds its test packages, migrates the database, creates a
`courses` credential for the adapter (conformance/cmi5_lms_adapter/course_api_lms_script.js) and an `all/read` one for the
suite's statement reads, starts gunicorn on a free port, runs the suite with jest and Debian's
Chromium, prints the summary and each failing test, then stops the server and removes the database.

Options:
  --catapult DIR     The CATAPULT checkout holding lts/ (default: $CATAPULT_DIR, else ../catapult
                     next to the repo). Made when missing: from --git-dir, else cloned from GitHub.
  --git-dir DIR      A CATAPULT git directory (e.g. a bare mirror) to take lts/ from (git archive, read
                     only), instead of cloning; needed where GitHub cannot be reached.
  --sqlite           A throw-away SQLite file in a temporary directory (the default).
  --postgresql       A throw-away database on $LRS_TEST_POSTGRES_URL
                     (default postgresql://postgres@127.0.0.1:5432/postgres), dropped afterwards.
  --commit REV       Serve the server code of commit REV (a `git archive` in the temporary directory)
                     instead of the working tree, e.g. HEAD to leave uncommitted edits out.
  --same-origin      Serve the packages from the server's own origin (127.0.0.1) instead of a second
                     loopback origin (127.0.0.2, through LRS_CONTENT_URL, the default).
  --grep PATTERN     Only the suite's tests whose name matches PATTERN (jest -t).
  --trace "PKG ARGS" Instead of the suite, run one package's AU (conformance/cmi5_lms_adapter/replay_one_au.js) and
                     print each request it sends with our answer, e.g. --trace "006-launchMode.zip --mode Browse".
  --rebuild          Run `npm ci` and the package build again even when they are already done.
  --keep             Keep the temporary directory (server log, jest output) and print its path.
  --timeout SECONDS  Give up on the suite's run after this long (default: 900).
  -h, --help         Show this help.

Exit status: 0 if every test passed; 1 if a test failed or the run gave no result; 2 on bad usage
or a set-up failure.
EOF
}

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CATAPULT_DIR="${CATAPULT_DIR:-$REPO_DIR/../catapult}"
CATAPULT_GIT_DIR=""
CATAPULT_REPO_URL="https://github.com/adlnet/CATAPULT"
DIALECT=sqlite
GREP=""
TRACE=""
COMMIT=""
SAME_ORIGIN=0
REBUILD=0
KEEP=0
RUN_TIMEOUT=900
POSTGRES_ADMIN_URL="${LRS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
CHROMIUM="${CATAPULT_CHROMIUM:-/usr/bin/chromium}"
SERVER_THREADS=8  # per gunicorn worker; see the server start below

die() { echo "run_catapult: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --catapult) CATAPULT_DIR="${2:?--catapult needs a directory}"; shift 2 ;;
        --git-dir) CATAPULT_GIT_DIR="${2:?--git-dir needs a directory}"; shift 2 ;;
        --sqlite) DIALECT=sqlite; shift ;;
        --postgresql) DIALECT=postgresql; shift ;;
        --grep) GREP="${2:?--grep needs a pattern}"; shift 2 ;;
        --trace) TRACE="${2:?--trace needs a package}"; shift 2 ;;
        --commit) COMMIT="${2:?--commit needs a revision}"; shift 2 ;;
        --same-origin) SAME_ORIGIN=1; shift ;;
        --rebuild) REBUILD=1; shift ;;
        --keep) KEEP=1; shift ;;
        --timeout) RUN_TIMEOUT="${2:?--timeout needs seconds}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

VENV="$REPO_DIR/.venv/bin"
[ -x "$VENV/lrs" ] && [ -x "$VENV/gunicorn" ] || die "no $VENV/lrs or gunicorn: install the repo's virtualenv"
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed"
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install chromium, or set CATAPULT_CHROMIUM)"

# The suite: lts/ alone, since a copy of the repository may lack a large file outside it.
mkdir -p "$CATAPULT_DIR"
CATAPULT_DIR="$(cd "$CATAPULT_DIR" && pwd)"
case "$CATAPULT_DIR/" in "$REPO_DIR"/*) die "the CATAPULT checkout must be outside this repository" ;; esac
LTS_DIR="$CATAPULT_DIR/lts"
if [ ! -f "$LTS_DIR/package.json" ]; then
    if [ -n "$CATAPULT_GIT_DIR" ]; then
        # `git archive` only reads the git directory (a checkout would write an index into a bare mirror).
        # It may print "invalid object ... player/service/node_modules.tar.gz" for the blob a copy lacks,
        # and still writes lts/ whole; the package.json test below checks it.
        git --git-dir="$CATAPULT_GIT_DIR" archive --format=tar HEAD lts | tar -x -C "$CATAPULT_DIR" \
            && [ -f "$LTS_DIR/package.json" ] || die "could not check lts/ out of $CATAPULT_GIT_DIR"
    else
        git clone --quiet --depth 1 --filter=blob:none --no-checkout "$CATAPULT_REPO_URL" "$CATAPULT_DIR/.git-clone" \
            || die "could not clone $CATAPULT_REPO_URL"
        git --git-dir="$CATAPULT_DIR/.git-clone/.git" --work-tree="$CATAPULT_DIR" checkout HEAD -- lts \
            || die "could not check lts/ out of the clone"
    fi
fi
if [ "$REBUILD" = 1 ] || [ ! -d "$LTS_DIR/node_modules" ]; then
    echo "run_catapult: npm ci in $LTS_DIR" >&2
    (cd "$LTS_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
        npm ci --no-audit --no-fund) >&2 || die "npm ci failed in $LTS_DIR"
fi
if [ "$REBUILD" = 1 ] || [ ! -f "$LTS_DIR/pkg/dist/001-essentials.zip" ]; then
    echo "run_catapult: building the test packages in $LTS_DIR/pkg" >&2
    # webpack 5.45's md4 hashing needs OpenSSL's legacy provider on Node 17+.
    (cd "$LTS_DIR/pkg" && NODE_OPTIONS=--openssl-legacy-provider npx webpack) >&2 \
        || die "the package build failed in $LTS_DIR/pkg"
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/catapult-run.XXXXXX")"
RUNNER=run_catapult
# shellcheck source=conformance/throwaway_server.sh
source "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"

if [ "$DIALECT" = postgresql ]; then
    command -v psql >/dev/null || die "psql is needed for --postgresql"
    PG_DATABASE="catapult_$(date +%s)_$$"
    psql "$POSTGRES_ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$PG_DATABASE\"" >/dev/null \
        || { PG_DATABASE=""; die "could not create a database on $POSTGRES_ADMIN_URL"; }
    DATABASE_URL="${POSTGRES_ADMIN_URL%/*}/$PG_DATABASE"  # the admin URL with our database name
else
    DATABASE_URL="sqlite:///$WORK_DIR/catapult.sqlite3"
fi

PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$PORT"
LMS_KEY="catapult-lms-$(random_text 12)"
LMS_SECRET="$(random_text 32)"
READER_KEY="catapult-reader-$(random_text 12)"
READER_SECRET="$(random_text 32)"
export LRS_DATABASE_URL="$DATABASE_URL"
export LRS_SECRET_KEY="$(random_text 48)"
export LRS_DATA_DIR="$WORK_DIR"
export LRS_PUBLIC_URL="$BASE_URL"
# AUs on another origin than the LRS, as with a hosted engine (cmi5 8.1.1, 14.1); the server answers
# both addresses, and its CORS rules are then part of the run.
CONTENT_HOST=127.0.0.2
BIND_ARGS=(-b "127.0.0.1:$PORT")
if [ "$SAME_ORIGIN" = 0 ]; then
    export LRS_CONTENT_URL="http://$CONTENT_HOST:$PORT/content"
    BIND_ARGS+=(-b "$CONTENT_HOST:$PORT")
fi

SERVER_DIR="$REPO_DIR"
if [ -n "$COMMIT" ]; then
    SERVER_DIR="$WORK_DIR/server"
    mkdir -p "$SERVER_DIR"
    git -C "$REPO_DIR" archive "$COMMIT" | tar -x -C "$SERVER_DIR" || die "could not archive $COMMIT"
    echo "run_catapult: serving $(git -C "$REPO_DIR" rev-parse --short "$COMMIT")" >&2
fi
# The served tree's packages come first on sys.path, before the virtualenv's editable install, whose
# package list was fixed when it was installed (a package added since, e.g. a namespace package the
# editable finder does not map, would otherwise be missing from `lrs` and gunicorn).
export PYTHONPATH="$SERVER_DIR${PYTHONPATH:+:$PYTHONPATH}"
cd "$SERVER_DIR"
"$VENV/lrs" db upgrade >"$WORK_DIR/setup.log" 2>&1 \
    || { cat "$WORK_DIR/setup.log" >&2; die "lrs db upgrade failed"; }
# The adapter's calls need the courses scope alone (launch-api.md, Authentication).
"$VENV/lrs" credentials create --name catapult-lms --key "$LMS_KEY" --secret "$LMS_SECRET" \
    --scopes courses >>"$WORK_DIR/setup.log" 2>&1 \
    || { cat "$WORK_DIR/setup.log" >&2; die "lrs credentials create failed"; }
# The suite reads every statement of a registration (cmi5 4.2.0.0-2) through the same store.
"$VENV/lrs" credentials create --name catapult-reader --key "$READER_KEY" --secret "$READER_SECRET" \
    --scopes all/read >>"$WORK_DIR/setup.log" 2>&1 \
    || { cat "$WORK_DIR/setup.log" >&2; die "lrs credentials create failed"; }

# Threaded workers, not `make run`'s sync ones: Chromium talks to gunicorn directly here, with no buffering
# proxy in front (README, Deploying), and it opens connections it sends nothing on (preconnects, spare
# sockets of its pool). A sync worker that accepts one blocks reading it until the 30 s worker timeout,
# and two such sockets stopped the whole server mid-suite (`WORKER TIMEOUT`, `no URI read` in the log;
# the suite's tests then time out at 5 s). A gthread worker hands an idle connection back to its poller.
# The access log with each request's time in seconds (%(L)s), to see where an AU's 5 s go.
"$VENV/gunicorn" -w 2 --worker-class gthread --threads "$SERVER_THREADS" "${BIND_ARGS[@]}" --access-logfile - \
    --access-logformat '%(h)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(f)s"' lrs.wsgi:app >"$WORK_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    curl -fsS -o /dev/null "$BASE_URL/xapi/about" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$WORK_DIR/server.log" >&2; die "gunicorn exited"; }
    sleep 0.2
done
curl -fsS -o /dev/null "$BASE_URL/xapi/about" || { tail -n 40 "$WORK_DIR/server.log" >&2; die "gunicorn did not answer"; }

# Warm-up, outside the suite's 5 s per test: each worker loads the app, opens its database connections and
# verifies both credentials once (an argon2 check it then caches), in parallel so both workers get some.
warm_up() {
    local round pids pid status=0
    for round in 1 2 3; do
        pids=()
        curl -fsS -o /dev/null -u "$LMS_KEY:$LMS_SECRET" "$BASE_URL/api/v1/courses" & pids+=($!)
        curl -fsS -o /dev/null -u "$LMS_KEY:$LMS_SECRET" "$BASE_URL/api/v1/courses" & pids+=($!)
        curl -fsS -o /dev/null -u "$READER_KEY:$READER_SECRET" -H "X-Experience-API-Version: 1.0.3" \
            "$BASE_URL/xapi/statements?limit=1" & pids+=($!)
        curl -fsS -o /dev/null -u "$READER_KEY:$READER_SECRET" -H "X-Experience-API-Version: 1.0.3" \
            "$BASE_URL/xapi/statements?limit=1" & pids+=($!)
        # Only these: a bare `wait` would also wait for the server.
        for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    done
    return "$status"
}
warm_up || die "the server refused the warm-up requests (see $WORK_DIR/server.log with --keep)"

# The environment conformance/cmi5_lms_adapter/course_api_lms_script.js and the puppeteer configuration read.
export CATAPULT_LMS="$REPO_DIR/conformance/cmi5_lms_adapter/course_api_lms_script.js"
export CATAPULT_LTS_DIR="$LTS_DIR"
export JEST_PUPPETEER_CONFIG="$REPO_DIR/conformance/cmi5_lms_adapter/debian_chromium_launch.js"
export CATAPULT_CHROMIUM="$CHROMIUM"
export LRS_BASE_URL="$BASE_URL"
export LRS_KEY="$LMS_KEY" LRS_SECRET="$LMS_SECRET"
export LRS_READ_KEY="$READER_KEY" LRS_READ_SECRET="$READER_SECRET"

if [ -n "$TRACE" ]; then
    read -r -a TRACE_ARGS <<<"$TRACE"
    (cd "$REPO_DIR/conformance/cmi5_lms_adapter" && timeout "$RUN_TIMEOUT" node replay_one_au.js "${TRACE_ARGS[@]}") || STATUS=1
    exit "${STATUS:-0}"
fi

JEST_ARGS=(--ci --runInBand --json --outputFile="$WORK_DIR/jest.json")
[ -n "$GREP" ] && JEST_ARGS+=(-t "$GREP")
STARTED=$(date +%s)
(cd "$LTS_DIR" && timeout "$RUN_TIMEOUT" npx jest "${JEST_ARGS[@]}") >"$WORK_DIR/jest.out" 2>&1 || true
SECONDS_TAKEN=$(( $(date +%s) - STARTED ))

STATUS=0
if [ ! -s "$WORK_DIR/jest.json" ]; then
    echo "CATAPULT $DIALECT: no result after ${SECONDS_TAKEN}s (jest crashed or timed out)"
    tail -n 60 "$WORK_DIR/jest.out" | sed 's/^/  | /'
    STATUS=1
else
    python3 "$REPO_DIR/conformance/cmi5_lms_adapter/report_totals.py" "$WORK_DIR/jest.json" "$DIALECT" "$SECONDS_TAKEN" \
        || STATUS=1
    # The suite logs the result object of each failed AU run ("reqId - text: message") after its file.
    if grep -q "^  console.log" "$WORK_DIR/jest.out"; then
        echo "What the failed AU runs reported, in test order:"
        sed -n '/^  console.log/,/^      at /p' "$WORK_DIR/jest.out" | grep -vE '^  console.log|^      at |^$' | cut -c1-1200
    fi
fi

if grep -qE 'Traceback|\[(ERROR|CRITICAL)\]' "$WORK_DIR/server.log"; then
    echo "Server log has errors:"; grep -E -A 15 'Traceback|\[(ERROR|CRITICAL)\]' "$WORK_DIR/server.log" | head -n 60 | sed 's/^/  | /'
fi
exit "$STATUS"
