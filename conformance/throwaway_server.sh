# Sourced by conformance/run_adl_suite.sh and run_catapult.sh: the clean-up of a throw-away server and
# database, and small helpers. The caller sets RUNNER (its name), KEEP, POSTGRES_ADMIN_URL and WORK_DIR.
SERVER_PID=""
PG_DATABASE=""

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$PG_DATABASE" ]; then
        psql "$POSTGRES_ADMIN_URL" -q -v ON_ERROR_STOP=1 \
            -c "DROP DATABASE IF EXISTS \"$PG_DATABASE\" WITH (FORCE)" >/dev/null 2>&1 \
            || echo "$RUNNER: could not drop database $PG_DATABASE" >&2
    fi
    if [ "$KEEP" = 1 ]; then echo "Kept $WORK_DIR"; else rm -rf "$WORK_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

random_text() {  # $1 characters of URL-safe randomness
    python3 -c "import secrets, sys; print(secrets.token_urlsafe(int(sys.argv[1]))[:int(sys.argv[1])])" "$1"
}

free_port() {
    python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}
