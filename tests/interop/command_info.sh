#!/usr/bin/env bash
# COMMAND metadata against a real redis-server 7.0.15: for every name in the
# server's COMMAND LIST, the raw reply bytes of COMMAND INFO <name> and
# COMMAND DOCS <name> (RESP2 and RESP3) must equal Redis's. Containers
# (CLIENT, CONFIG, COMMAND) list only the subcommands MiniRedis implements,
# and Redis orders subcommands by hash, so for them the entry is compared
# field by field with Redis's subcommands filtered to ours, in any order.
# Also: COMMAND COUNT equals the number of top-level names, and every
# COMMAND (no arguments) entry equals the COMMAND INFO reply for its name.
# Usage: tests/interop/command_info.sh [miniredis-binary]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/interop/common.sh
pick_bin "${1:-}"
if is_real_redis; then
    echo "command_info.sh compares MiniRedis with redis-server; pass the miniredis binary" >&2
    exit 2
fi
REDIS_BIN=$(command -v redis-server) || {
    echo "redis-server not found" >&2
    exit 2
}
start_server || exit 1

REDIS_PID=
REDIS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mr-cmdinfo-XXXXXX")
stop_redis() {
    if [[ -n "$REDIS_PID" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
        kill -TERM "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
    fi
    REDIS_PID=
    rm -rf -- "$REDIS_DIR"
}
trap 'stop_redis; stop_server' EXIT

RPORT=
for ((attempt = 0; attempt < 5; attempt++)); do
    RPORT=$(free_port)
    (cd "$REDIS_DIR" && exec "$REDIS_BIN" --port "$RPORT" --bind 127.0.0.1 \
        --save '' --appendonly no --daemonize no >"$REDIS_DIR/redis.log" 2>&1) &
    REDIS_PID=$!
    for ((i = 0; i < 100; i++)); do
        kill -0 "$REDIS_PID" 2>/dev/null || break
        [[ "$(redis-cli -p "$RPORT" PING 2>/dev/null)" == PONG ]] && break 2
        sleep 0.05
    done
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=
done
if [[ -z "$REDIS_PID" ]]; then
    echo "could not start redis-server:" >&2
    cat "$REDIS_DIR/redis.log" >&2
    exit 1
fi

timeout 120 /usr/bin/python3 - "$PORT" "$RPORT" <<'PYEOF'
import socket
import sys

# Registered by MiniRedis on purpose but unknown to Redis: nothing to compare.
EXTENSIONS = {"delete"}


class Conn:
    """A RESP client that keeps the raw bytes of each reply."""

    def __init__(self, port, resp3):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.pos = 0
        if resp3:
            self.call("HELLO", "3")

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError("connection closed")
        self.buf += data

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = self.buf[self.pos:i]
                self.pos = i + 2
                return line
            self._fill()

    def _take(self, n):
        while len(self.buf) - self.pos < n:
            self._fill()
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def _value(self):
        """Parsed reply: (type char, payload), payload of aggregates a list."""
        line = self._line()
        t, rest = chr(line[0]), line[1:]
        if t in "+-":
            return (t, rest.decode())
        if t == ":":
            return (t, int(rest))
        if t == "_":
            return (t, None)
        if t in "$=":
            n = int(rest)
            if n < 0:
                return (t, None)
            return (t, self._take(n + 2)[:-2].decode())
        if t in "*~>%":
            n = int(rest)
            if n < 0:
                return (t, None)
            if t == "%":
                n *= 2
            return (t, [self._value() for _ in range(n)])
        raise ValueError("bad RESP line %r" % line)

    def call(self, *args):
        """Returns (raw bytes, parsed value) of the reply."""
        req = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            req += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(req)
        value = self._value()
        raw = self.buf[:self.pos]
        self.buf, self.pos = self.buf[self.pos:], 0
        return raw, value


def pairs(v):
    """A map (RESP3 %) or flat RESP2 array as a list of (key, value)."""
    items = v[1]
    return [(items[i], items[i + 1]) for i in range(0, len(items), 2)]


def norm_info(entry, keep):
    """A COMMAND INFO entry with its subcommands sorted by name and, when
    keep is given, only those named in keep."""
    if entry[0] == "_" or entry[1] is None:
        return entry
    fields = list(entry[1])
    subs = [s for s in fields[9][1] if keep is None or s[1][0][1] in keep]
    subs.sort(key=lambda s: s[1][0][1])
    fields[9] = (fields[9][0], subs)
    return (entry[0], fields)


def norm_docs(reply, keep):
    """A COMMAND DOCS reply with each command's subcommands filtered to keep
    and sorted by name."""
    out = []
    for name, doc in pairs(reply):
        fields = []
        for k, v in pairs(doc):
            if k[1] == "subcommands":
                subs = [(n, d) for n, d in pairs(v) if keep is None or n[1] in keep]
                subs.sort(key=lambda p: p[0][1])
                v = (v[0], [x for p in subs for x in p])
            fields += [k, v]
        out.append((name, (doc[0], fields)))
    return out


mr_port, redis_port = int(sys.argv[1]), int(sys.argv[2])
passes = fails = skips = 0


def result(ok, what, detail=""):
    global passes, fails
    if ok:
        passes += 1
        print("PASS", what)
    else:
        fails += 1
        print("FAIL", what, detail)


for resp3 in (False, True):
    proto = "RESP3" if resp3 else "RESP2"
    mr, rd = Conn(mr_port, resp3), Conn(redis_port, resp3)
    names = [v[1] for v in mr.call("COMMAND", "LIST")[1][1]]
    top = [n for n in names if "|" not in n]
    subs_of = {}
    for n in names:
        if "|" in n:
            parent, _ = n.split("|", 1)
            subs_of.setdefault(parent, set()).add(n)

    count = mr.call("COMMAND", "COUNT")[1][1]
    result(count == len(top), "%s COMMAND COUNT == %d top-level names" % (proto, len(top)),
           "(got %r)" % count)

    info_of = {}
    for name in names:
        if name in EXTENSIONS:
            skips += 1
            print("SKIP %s %s: MiniRedis-only command" % (proto, name))
            info_of[name] = mr.call("COMMAND", "INFO", name)[1][1][0]
            continue
        mraw, mval = mr.call("COMMAND", "INFO", name)
        rraw, rval = rd.call("COMMAND", "INFO", name)
        info_of[name] = mval[1][0]
        if name in subs_of:
            keep = subs_of[name]
            ok = norm_info(mval[1][0], keep) == norm_info(rval[1][0], keep)
        else:
            ok = mraw == rraw
        result(ok, "%s COMMAND INFO %s" % (proto, name),
               "" if ok else "\n  miniredis: %r\n  redis:     %r" % (mraw[:600], rraw[:600]))

        mraw, mval = mr.call("COMMAND", "DOCS", name)
        rraw, rval = rd.call("COMMAND", "DOCS", name)
        if name in subs_of:
            keep = subs_of[name]
            ok = norm_docs(mval, keep) == norm_docs(rval, keep)
        else:
            ok = mraw == rraw
        result(ok, "%s COMMAND DOCS %s" % (proto, name),
               "" if ok else "\n  miniredis: %r\n  redis:     %r" % (mraw[:600], rraw[:600]))

    # COMMAND with no arguments: one entry per top-level command, each the
    # same as its COMMAND INFO entry
    _, allv = mr.call("COMMAND")
    got = {e[1][0][1]: e for e in allv[1]}
    ok = sorted(got) == sorted(top) and all(got[n] == info_of[n] for n in top)
    result(ok, "%s COMMAND (all) matches COMMAND INFO per name" % proto)

print("command_info.sh: %d passed, %d failed, %d skipped" % (passes, fails, skips))
sys.exit(1 if fails else 0)
PYEOF
rc=$?
exit $rc
