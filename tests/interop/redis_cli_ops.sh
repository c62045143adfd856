#!/usr/bin/env bash
# redis-cli's operator modes against the server under test: --stat,
# --bigkeys, --memkeys, --latency, --latency-history and INFO, each bounded
# by timeout and -i, with their output checked.
# Usage: tests/interop/redis_cli_ops.sh [server-binary]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/interop/common.sh
pick_bin "${1:-}"
start_server || exit 1
cli() { redis-cli -p "$PORT" "$@"; }

cli SET str:big "$(printf 'x%.0s' {1..300})" >/dev/null
cli SET str:small 1 >/dev/null
cli RPUSH list:a 1 2 3 4 5 >/dev/null
cli HSET hash:a f1 v1 f2 v2 >/dev/null
cli SADD set:a m1 m2 m3 >/dev/null
cli ZADD zset:a 1 a 2 b >/dev/null

# --stat prints a header, then one line per interval until stopped
out=$(timeout 3 stdbuf -oL redis-cli -p "$PORT" --stat -i 0.5 2>&1)
check_eq "--stat header" "$(grep -c '^keys  *mem  *clients' <<<"$out")" 1
lines=$(grep -cE '^[0-9]+ +[0-9.]+[KMG]? +[0-9]+ +[0-9]+ +[0-9]+ \(\+[0-9]+\)' <<<"$out")
check_eq "--stat samples (>= 3 in 3 s at -i 0.5)" "$((lines >= 3))" 1
check_eq "--stat counts the keys" "$(grep -E '^[0-9]' <<<"$out" | tail -1 | awk '{print $1}')" 6

out=$(timeout 20 redis-cli -p "$PORT" --bigkeys -i 0.01 2>&1)
check_eq "--bigkeys biggest string" "$(grep -c "Biggest string found '\"str:big\"' has 300 bytes" <<<"$out")" 1
check_eq "--bigkeys biggest list" "$(grep -c "Biggest   list found '\"list:a\"' has 5 items" <<<"$out")" 1
check_eq "--bigkeys biggest hash" "$(grep -c "Biggest   hash found '\"hash:a\"' has 2 fields" <<<"$out")" 1
check_eq "--bigkeys summary" "$(grep -c '^6 keys\|Sampled 6 keys' <<<"$out")" 1

out=$(timeout 20 redis-cli -p "$PORT" --memkeys -i 0.01 2>&1)
check_eq "--memkeys biggest string" "$(grep -c "Biggest string found '\"str:big\"' has [0-9]* bytes" <<<"$out")" 1
check_eq "--memkeys per type" "$(grep -cE '^1 (lists|hashs|sets|zsets) with [0-9]+ bytes' <<<"$out")" 4

# --latency: "min max avg samples"; bounded by timeout, one line with --raw
out=$(timeout 5 redis-cli -p "$PORT" --latency --raw -i 1 2>&1)
check_eq "--latency --raw line" "$(grep -cE '^[0-9]+ [0-9]+ [0-9.]+ [0-9]+$' <<<"$out")" 1
out=$(timeout 4 stdbuf -oL redis-cli -p "$PORT" --latency-history -i 1 2>&1)
# not a terminal: redis-cli prints each sample as "min max avg count"
check_eq "--latency-history samples" "$(( $(grep -cE '^[0-9]+ [0-9]+ [0-9.]+ [0-9]+$' <<<"$out") >= 2 ))" 1

out=$(cli INFO)
for sec in Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Keyspace; do
    check_eq "redis-cli INFO # $sec" "$(grep -c "^# $sec" <<<"$out")" 1
done
check_eq "redis-cli INFO everything has commandstats" \
    "$(cli INFO everything | grep -c '^cmdstat_set:')" 1
stop_server
summary
