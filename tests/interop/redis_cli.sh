#!/usr/bin/env bash
# redis-cli against the server under test: basic commands, --pipe mass
# insertion of 10k keys, --scan, INFO.
# Usage: tests/interop/redis_cli.sh [server-binary]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/interop/common.sh
pick_bin "${1:-}"
start_server || exit 1

cli() { timeout 30 redis-cli -p "$PORT" "$@" 2>&1; }

check_eq "PING" "$(cli PING)" "PONG"
check_eq "SET" "$(cli SET cli:k hello)" "OK"
check_eq "GET" "$(cli GET cli:k)" "hello"
check_eq "ECHO" "$(cli ECHO 'a b')" "a b"
check_eq "INCRBY" "$(cli INCRBY cli:n 41)" "41"
check_eq "DEL" "$(cli DEL cli:k cli:n)" "2"
check_eq "GET missing" "$(cli GET cli:k)" ""
check_eq "SET EX" "$(cli SET cli:t v EX 100)" "OK"
check_eq "TTL" "$(cli TTL cli:t)" "100"
check_eq "unknown command" "$(cli NOSUCHCMD x)" \
    "ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' "
if ! is_real_redis; then
    check_eq "DELETE set" "$(cli SET cli:d v)" "OK"
    check_eq "DELETE" "$(cli DELETE cli:d)" "1"
    check_eq "DELETE again" "$(cli DELETE cli:d)" "0"
fi
check_eq "SELECT via -n" "$(cli -n 3 SET cli:db3 x)" "OK"
check_eq "db isolation" "$(cli GET cli:db3)" ""
check_eq "db 3 GET" "$(cli -n 3 GET cli:db3)" "x"
check_eq "FLUSHALL" "$(cli FLUSHALL)" "OK"

# --pipe: 10k SETs in raw RESP, then DBSIZE
PIPE_IN="$WORKDIR/mass.resp"
awk 'BEGIN {
    for (i = 0; i < 10000; i++) {
        k = "key:" i; v = "value:" i
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
    }
}' >"$PIPE_IN"
PIPE_OUT=$(timeout 60 redis-cli -p "$PORT" --pipe <"$PIPE_IN" 2>&1)
if grep -q "errors: 0, replies: 10000" <<<"$PIPE_OUT"; then
    pass "--pipe 10000 SETs"
else
    fail "--pipe: $PIPE_OUT"
fi
check_eq "DBSIZE after --pipe" "$(cli DBSIZE)" "10000"
check_eq "GET after --pipe" "$(cli GET key:9999)" "value:9999"
check_eq "--scan --pattern" \
    "$(timeout 30 redis-cli -p "$PORT" --scan --pattern 'key:1*' | wc -l)" "1111"
check_eq "KEYS count" "$(cli KEYS 'key:99*' | wc -l)" "111"

# INFO through redis-cli
INFO=$(cli INFO)
if grep -q '^redis_version:' <<<"$INFO" && grep -q '^# Server' <<<"$INFO" &&
    grep -q '^db0:keys=10000,' <<<"$INFO"; then
    pass "INFO"
else
    fail "INFO: $(head -c 300 <<<"$INFO")"
fi
check_eq "INFO keyspace" "$(cli INFO keyspace | tr -d '\r' | grep -c '^db0:keys=10000,')" "1"

# pipe of inline commands through stdin (redis-cli reads one per line)
check_eq "stdin commands" "$(printf 'SET cli:s 1\nINCR cli:s\nGET cli:s\n' | cli | tr '\n' ' ')" "OK 2 2 "

summary
