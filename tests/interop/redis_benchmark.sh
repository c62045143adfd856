#!/usr/bin/env bash
# redis-benchmark against the server under test: the standard string tests
# without and with pipelining, multi-threaded client, large values, random
# keyspace, and one connection per request (-k 0) to exercise accept/close.
# Every run must report a rate for every test and print no error text.
# Usage: tests/interop/redis_benchmark.sh [server-binary]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/interop/common.sh
pick_bin "${1:-}"
# start_server already passes --threads 2 to miniredis
start_server || exit 1

cli() { timeout 30 redis-cli -p "$PORT" "$@" 2>&1; }

# bench NAME TESTS... -- extra redis-benchmark args
# Runs redis-benchmark -q, then checks that each expected test line ends in
# "requests per second" and that nothing mentions an error. The progress
# lines are separated by CR, so only the final lines are kept.
bench() {
    local name=$1
    shift
    local -a expect=()
    while [[ $# -gt 0 && "$1" != -- ]]; do
        expect+=("$1")
        shift
    done
    shift
    local out rc
    out=$(timeout 40 redis-benchmark -p "$PORT" -q "$@" 2>&1)
    rc=$?
    local final
    final=$(tr '\r' '\n' <<<"$out" | grep 'requests per second')
    if [[ $rc -ne 0 ]]; then
        fail "$name: redis-benchmark exited $rc: $(tail -c 300 <<<"$out")"
        return
    fi
    if grep -q -E 'ERR|Error|error' <<<"$out"; then
        fail "$name: error text in output: $(tr '\r' '\n' <<<"$out" |
            grep -E 'ERR|Error|error' | head -n 3)"
        return
    fi
    local t ok=1
    for t in "${expect[@]}"; do
        if ! grep -q -E "^${t}: [0-9]+(\.[0-9]+)? requests per second" <<<"$final"; then
            fail "$name: no rate for '$t'; got: $(head -c 400 <<<"$final")"
            ok=0
        fi
    done
    local n
    n=$(grep -c 'requests per second' <<<"$final")
    if [[ $n -ne ${#expect[@]} ]]; then
        fail "$name: expected ${#expect[@]} results, got $n: $final"
        ok=0
    fi
    [[ $ok -eq 1 ]] && pass "$name (${#expect[@]} tests)"
}

ALL=(PING_INLINE PING_MBULK SET GET INCR 'MSET \(10 keys\)')

bench "-P 1" "${ALL[@]}" -- -t ping,set,get,incr,mset -n 20000
# without -r every SET/GET uses the literal key "key:__rand_int__"
check_eq "DBSIZE after -P 1 > 0" "$( (($(cli DBSIZE) > 0)) && echo yes)" "yes"
check_eq "STRLEN default 3-byte value" "$(cli STRLEN key:__rand_int__)" "3"
check_eq "counter INCRed 20000 times" "$(cli GET counter:__rand_int__)" "20000"

bench "-P 16 -c 50" "${ALL[@]}" -- -t ping,set,get,incr,mset -n 20000 -P 16 -c 50
check_eq "counter after pipelined run" "$(cli GET counter:__rand_int__)" "40000"

bench "--threads 2" "${ALL[@]}" -- -t ping,set,get,incr,mset -n 20000 --threads 2
check_eq "counter after threaded run" "$(cli GET counter:__rand_int__)" "60000"

# random keyspace: 20000 SETs over 1000 keys miss one with p ~ 2e-9
check_eq "FLUSHALL" "$(cli FLUSHALL)" "OK"
bench "-r 1000 SET" SET -- -t set -n 20000 -r 1000 -P 16
check_eq "DBSIZE after -r 1000" "$(cli DBSIZE)" "1000"
check_eq "--scan key:* after -r 1000" \
    "$(timeout 30 redis-cli -p "$PORT" --scan --pattern 'key:0*' | sort -u | wc -l)" "1000"
check_eq "random key format" "$(cli EXISTS key:000000000999)" "1"

bench "-d 1000" SET GET -- -t set,get -n 20000 -d 1000 -P 8
check_eq "STRLEN 1000-byte value" "$(cli STRLEN key:__rand_int__)" "1000"
check_eq "1000-byte value content" "$(cli GETRANGE key:__rand_int__ 0 -1 | wc -c)" "1001"

# no keepalive: a new connection for every request
# the collection tests of redis-benchmark's default list that exist so far
bench "hashes and sets -P 16" HSET SADD SPOP -- -t hset,sadd,spop -n 20000 -P 16
check_eq "HSET fields" "$(cli HLEN myhash)" "1"
check_eq "SADD then SPOP empties the set" "$(cli EXISTS myset)" "0"
# ZADD adds element:__rand_int__ with score 0 (-r would randomise both);
# ZPOPMIN then pops it and, once the set is empty, answers empty arrays
bench "sorted sets -P 16" ZADD ZPOPMIN -- -t zadd,zpopmin -n 20000 -P 16
check_eq "ZADD then ZPOPMIN empties the sorted set" "$(cli EXISTS myzset)" "0"
bench "sorted sets -r 1000" ZADD -- -t zadd -n 20000 -r 1000 -P 16
check_eq "ZADD -r 1000: members" "$( (($(cli ZCARD myzset) > 900)) && echo yes)" "yes"
check_eq "ZADD -r 1000: encoding" "$(cli OBJECT ENCODING myzset)" "skiplist"

# lists: redis-benchmark's default list tests (one key, "mylist", 3-byte
# random values); -t lrange
# runs an LPUSH fill, then LRANGE_100/300/500/600 on it
check_eq "FLUSHALL before lists" "$(cli FLUSHALL)" "OK"
bench "lists -P 16" LPUSH RPUSH LPOP RPOP -- -t lpush,rpush,lpop,rpop -n 20000 -P 16
check_eq "LPUSH+RPUSH then LPOP+RPOP empties mylist" "$(cli EXISTS mylist)" "0"
bench "LRANGE" 'LPUSH \(needed to benchmark LRANGE\)' \
    'LRANGE_100 \(first 100 elements\)' 'LRANGE_300 \(first 300 elements\)' \
    'LRANGE_500 \(first 500 elements\)' 'LRANGE_600 \(first 600 elements\)' \
    -- -t lrange -n 2000 -P 8
check_eq "LLEN after the LRANGE fill" "$(cli LLEN mylist)" "2000"
check_eq "mylist element is 3 bytes" "$(cli LINDEX mylist -1 | tr -d '\n' | wc -c)" "3"

bench "-k 0" PING_INLINE PING_MBULK SET GET -- -t ping,set,get -n 2000 -c 10 -k 0
check_eq "server alive after -k 0" "$(cli PING)" "PONG"
check_eq "connections closed after -k 0" \
    "$(sleep 0.3; cli CLIENT LIST | grep -c '^id=')" "1"

summary
