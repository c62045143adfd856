#!/usr/bin/env bash
# scripts/miniredis.conf, the example configuration: the server starts with
# it (flags after the file win), every option CONFIG GET * lists appears in
# it as a directive (Redis's older alias names as a commented directive)
# right under a one-line comment, and every value it sets is what the
# server reports, so the file cannot go stale when an option is added.
# Also runs systemd-analyze verify on scripts/miniredis.service when
# systemd-analyze is installed.
# Usage: tests/interop/example_conf.sh [miniredis-binary]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/interop/common.sh
pick_bin "${1:-}"
if is_real_redis; then
    echo "example_conf.sh checks MiniRedis's example file" >&2
    exit 2
fi
CONF=$PWD/scripts/miniredis.conf
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/mr-conf-XXXXXX")
trap stop_server EXIT
for ((attempt = 0; attempt < 5; attempt++)); do
    PORT=$(free_port)
    (cd "$WORKDIR" && exec "$SERVER_BIN" "$CONF" --port "$PORT" \
        --threads 2 --dir "$WORKDIR" >"$WORKDIR/server.log" 2>&1) &
    SERVER_PID=$!
    for ((i = 0; i < 100; i++)); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        [[ "$(redis-cli -p "$PORT" PING 2>/dev/null)" == PONG ]] && break 2
        sleep 0.05
    done
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
done
if [[ -z "$SERVER_PID" ]]; then
    fail "server starts with scripts/miniredis.conf"
    cat "$WORKDIR/server.log"
    summary
    exit 1
fi
pass "server starts with scripts/miniredis.conf"

# name value pairs, one per line: "name<TAB>value"
mapfile -t NAMES < <(redis-cli -p "$PORT" CONFIG GET '*' | awk 'NR % 2 == 1')
check_eq "CONFIG GET * lists options" "$((${#NAMES[@]} > 30))" 1
for name in "${NAMES[@]}"; do
    # the directive itself; an alias's commented directive is the last
    # match (its explanation above it starts with its name too)
    line=$(grep -nE "^$name( |$)" "$CONF" | head -1)
    [[ -z "$line" ]] && line=$(grep -nE "^# $name( |$)" "$CONF" | tail -1)
    if [[ -z "$line" ]]; then
        fail "option $name is in scripts/miniredis.conf"
        continue
    fi
    n=${line%%:*}
    prev=$(sed -n "$((n - 1))p" "$CONF")
    if [[ "$prev" != "# "* ]]; then
        fail "option $name has a comment line above it"
        continue
    fi
    case $name in
    port | threads | dir) continue ;; # given on the command line here
    esac
    [[ "$line" == *":# "* ]] && continue
    # the file's value (quotes and a unit suffix aside) is the server's
    want=$(sed -n "${n}p" "$CONF" | sed -E "s/^$name //; s/^\"(.*)\"$/\1/")
    got=$(redis-cli -p "$PORT" CONFIG GET "$name" | sed -n 2p)
    case $want in
    *mb) want=$(( ${want%mb} * 1024 * 1024 )) ;;
    *gb) want=$(( ${want%gb} * 1024 * 1024 * 1024 )) ;;
    esac
    if [[ "$name" == unixsocketperm ]]; then want=0; fi
    check_eq "option $name: file value is the server's" "$got" "$want"
done

if command -v systemd-analyze >/dev/null; then
    out=$(systemd-analyze verify scripts/miniredis.service 2>&1 |
        grep -v 'is not executable' || true)
    check_eq "systemd-analyze verify scripts/miniredis.service" "$out" ""
fi
stop_server
summary
