# Shared helpers for the interop scripts (sourced, not executed).
#
# start_server [extra flags...]: starts the server under test on a free
# port in a private temp dir; sets PORT, SERVER_PID, WORKDIR. The EXIT trap
# stops it by PID and removes the dir. The binary is $SERVER_BIN, taken from
# the first argument of the calling script, else $MINIREDIS_BIN, else
# build/miniredis.

PASSES=0
FAILS=0
SERVER_PID=
WORKDIR=

pass() { PASSES=$((PASSES + 1)); echo "PASS $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL $*"; }

# Checks "$2" == "$3"; $1 names the check.
check_eq() {
    if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: expected '$3', got '$2'"; fi
}

free_port() {
    /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

is_real_redis() {
    [[ "$(basename "$SERVER_BIN")" == redis-server* ]]
}

stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 50; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server $SERVER_PID ignored SIGTERM; killing" >&2
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
    if [[ -n "$WORKDIR" && -d "$WORKDIR" ]]; then
        rm -rf -- "$WORKDIR"
    fi
    WORKDIR=
}

start_server() {
    local attempt i
    WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/mr-interop-XXXXXX")
    trap stop_server EXIT
    local flags=()
    if is_real_redis; then
        flags=(--save '' --appendonly no)
    else
        flags=(--threads 2)
    fi
    for ((attempt = 0; attempt < 5; attempt++)); do
        PORT=$(free_port)
        (cd "$WORKDIR" && exec "$SERVER_BIN" --port "$PORT" --bind 127.0.0.1 \
            "${flags[@]}" "$@" >"$WORKDIR/server.log" 2>&1) &
        SERVER_PID=$!
        for ((i = 0; i < 100; i++)); do
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then
                break
            fi
            if [[ "$(redis-cli -p "$PORT" PING 2>/dev/null)" == PONG ]]; then
                return 0
            fi
            sleep 0.05
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server did not answer PING within 5 s" >&2
            cat "$WORKDIR/server.log" >&2
            return 1
        fi
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
        grep -qi "in use" "$WORKDIR/server.log" || {
            echo "server exited during start-up:" >&2
            cat "$WORKDIR/server.log" >&2
            return 1
        }
    done
    echo "could not start the server" >&2
    return 1
}

pick_bin() {
    SERVER_BIN=${1:-${MINIREDIS_BIN:-build/miniredis}}
    if [[ ! -x "$SERVER_BIN" ]]; then
        echo "server binary '$SERVER_BIN' not found (pass it as argument)" >&2
        exit 2
    fi
    # keep symlinks: redis-server picks its mode from argv[0]
    [[ "$SERVER_BIN" == /* ]] || SERVER_BIN="$PWD/$SERVER_BIN"
}

summary() {
    echo "$(basename "$0"): $PASSES passed, $FAILS failed"
    [[ $FAILS -eq 0 ]]
}
