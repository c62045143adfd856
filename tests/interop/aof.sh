#!/usr/bin/env bash
# The append-only file under real clients: redis-benchmark writes (strings,
# counters, sets with SPOP, hashes) from 50 connections on every worker with
# appendfsync always while BGREWRITEAOF runs twice; then the state is
# compared with what a restart replays, after SIGTERM and after SIGKILL, and
# redis-check-aof must accept the file. Run on the ThreadSanitizer build too
# (the AOF thread, group commit and the rewrite's fork under live traffic).
# Usage: tests/interop/aof.sh [server-binary]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/interop/common.sh
pick_bin "${1:-}"
if is_real_redis; then
    echo "aof.sh: miniredis only (reads the single-file AOF)"
    echo "aof.sh: 0 passed, 0 failed"
    exit 0
fi
AOFDIR=$(mktemp -d "${TMPDIR:-/tmp}/mr-aof-XXXXXX")
cleanup() { stop_server; rm -rf -- "$AOFDIR"; }
AOF=(--appendonly yes --appendfsync always --dir "$AOFDIR")
# start_server sets its own EXIT trap; ours also removes the AOF directory
start() {
    start_server "${AOF[@]}" || exit 1
    trap cleanup EXIT
}
start

cli() { timeout 30 redis-cli -p "$PORT" "$@" 2>&1; }

# A digest of every key with its type, value and absolute expiry.
digest() {
    /usr/bin/python3 - "$PORT" <<'PY'
import hashlib, sys, redis
r = redis.Redis(port=int(sys.argv[1]))
h = hashlib.sha256()
for k in sorted(r.keys('*')):
    t = r.type(k)
    if t == b'string': v = r.get(k)
    elif t == b'set': v = b','.join(sorted(r.smembers(k)))
    elif t == b'hash': v = b','.join(sorted(a + b'=' + b for a, b in r.hgetall(k).items()))
    else: v = b'?'
    h.update(b'%s %s %s %d\n' % (k, t, v, r.pexpiretime(k)))
print(len(r.keys('*')), h.hexdigest())
PY
}

bench_bg() {
    timeout 120 redis-benchmark -p "$PORT" -q -c 50 -P 16 -r 2000 -n 20000 \
        -t set,incr,sadd,spop,hset >"$AOFDIR/bench.out" 2>&1 &
    BENCH_PID=$!
}

bench_bg
sleep 0.3
check_eq "BGREWRITEAOF during writes" "$(cli BGREWRITEAOF)" \
    "Background append only file rewriting started"
for ((i = 0; i < 100; i++)); do
    [[ "$(cli INFO persistence | tr -d '\r' | grep aof_rewrite_in_progress:)" == *:0 ]] && break
    sleep 0.1
done
cli BGREWRITEAOF >/dev/null
wait "$BENCH_PID"
check_eq "redis-benchmark finished" "$?" "0"
for ((i = 0; i < 100; i++)); do
    [[ "$(cli INFO persistence | tr -d '\r' | grep aof_rewrite_in_progress:)" == *:0 ]] && break
    sleep 0.1
done
check_eq "rewrites succeeded" \
    "$(cli INFO persistence | tr -d '\r' | grep -E 'aof_rewrites:|aof_last_bgrewrite_status:' | tr '\n' ' ')" \
    "aof_last_bgrewrite_status:ok aof_rewrites:2 "
before=$(digest)

# SIGTERM: the server writes what is pending and exits
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
check_eq "clean exit" "$rc" "0"
[[ $rc -eq 0 ]] || tail -n 80 "$WORKDIR/server.log"
SERVER_PID=
if command -v redis-check-aof >/dev/null; then
    check_eq "redis-check-aof" \
        "$(redis-check-aof "$AOFDIR/appendonly.aof" 2>&1 | tail -n 1)" \
        "AOF $AOFDIR/appendonly.aof is valid"
fi
stop_server
start
check_eq "state after SIGTERM + restart" "$(digest)" "$before"

# more writes, then SIGKILL: everything acknowledged must come back
bench_bg
wait "$BENCH_PID"
before=$(digest)
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
stop_server
start
check_eq "state after SIGKILL + restart" "$(digest)" "$before"
stop_server

# A real full disk (as root: a 256 KiB tmpfs): the write whose record does
# not fit is not acknowledged, writes and PING get MISCONF, reads work;
# once there is room again the held reply comes and writes are accepted.
SMALL="$AOFDIR/small"
mkdir -p "$SMALL"
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=256k tmpfs "$SMALL" 2>/dev/null; then
    cleanup() { stop_server; umount "$SMALL" 2>/dev/null; rm -rf -- "$AOFDIR"; }
    AOF=(--appendonly yes --appendfsync always --dir "$SMALL")
    start
    check_eq "SET before the disk fills" "$(cli SET a 1)" "OK"
    full=$(/usr/bin/python3 - "$PORT" <<'PY'
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.settimeout(1.0)
v = b'x' * 1000
for i in range(1000):
    k = b'k%d' % i
    s.sendall(b'*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1000\r\n%s\r\n' % (len(k), k, v))
    try:
        r = s.recv(64)
    except socket.timeout:
        print('held')
        break
    if r != b'+OK\r\n':
        print('reply %r' % r)
        break
else:
    print('never full')
PY
)
    check_eq "the write that did not fit is not acknowledged" "$full" "held"
    check_eq "MISCONF on a write" "$(cli SET b 2)" \
        "MISCONF Errors writing to the AOF file: No space left on device"
    check_eq "MISCONF on PING" "$(cli PING)" \
        "MISCONF Errors writing to the AOF file: No space left on device"
    check_eq "reads work" "$(cli GET a)" "1"
    check_eq "aof_last_write_status" \
        "$(cli INFO persistence | tr -d '\r' | grep aof_last_write_status)" \
        "aof_last_write_status:err"
    mount -o remount,size=4m "$SMALL"
    for ((i = 0; i < 50; i++)); do
        [[ "$(cli SET b 2)" == OK ]] && break
        sleep 0.1
    done
    check_eq "writes accepted once there is room" "$(cli SET b 2)" "OK"
    stop_server
    umount "$SMALL"
else
    echo "(not root or no tmpfs: the full-disk check is skipped)"
fi
summary
