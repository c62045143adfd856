#!/usr/bin/python3
"""redis-py against the server under test: string commands and their
options, key space commands, expiry, databases, pipelining, client and
server introspection, binary safety, exact error texts and a threaded
connection pool. Prints PASS/FAIL lines; exits 1 on any failure.

Usage: /usr/bin/python3 tests/interop/redis_py.py SERVER_BIN
(Debian's python3-redis; start a real redis-server the same way to check
the test itself.)
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis

PASSES = 0
FAILS = 0


def ok(name):
    global PASSES
    PASSES += 1
    print(f"PASS {name}")


def bad(name, msg):
    global FAILS
    FAILS += 1
    print(f"FAIL {name}: {msg}")


def check(name, got, expected):
    if got == expected:
        ok(name)
    else:
        bad(name, f"expected {expected!r}, got {got!r}")


def check_true(name, cond, detail=""):
    if cond:
        ok(name)
    else:
        bad(name, detail or "condition false")


def run(name, fn):
    """Runs one group of checks; an unexpected exception fails the group
    but lets the others run."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - report and go on
        bad(name, f"unexpected {type(e).__name__}: {e}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def is_real_redis(binary):
    return os.path.basename(binary).startswith("redis-server")


def start_server(binary, workdir):
    """Starts the server on a free port; retries if the port was taken
    meanwhile. Returns (process, port)."""
    for _ in range(5):
        port = free_port()
        args = [binary, "--port", str(port), "--bind", "127.0.0.1"]
        if is_real_redis(binary):
            args += ["--save", "", "--appendonly", "no"]
        else:
            args += ["--threads", "2"]
        log = open(os.path.join(workdir, "server.log"), "wb")
        proc = subprocess.Popen(args, cwd=workdir, stdout=log,
                                stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                if redis.Redis(port=port, socket_timeout=1).ping():
                    return proc, port
            except redis.ConnectionError:
                time.sleep(0.05)
        if proc.poll() is None:
            stop_server(proc)
            raise RuntimeError("server did not answer PING within 5 s")
        with open(os.path.join(workdir, "server.log"), "rb") as f:
            text = f.read().decode(errors="replace")
        if "in use" not in text:
            raise RuntimeError("server exited during start-up:\n" + text)
    raise RuntimeError("could not start the server")


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            print("server ignored SIGTERM; killing", file=sys.stderr)
            proc.kill()
            proc.wait(timeout=5)


def raw(port, *args):
    """Sends one command in RESP and returns the first reply line, bytes
    included, so error prefixes are checked exactly."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(out)
        buf = b""
        while not buf.endswith(b"\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    return buf


def check_err(name, port, fn, text, raw_args):
    """fn() must raise ResponseError with exactly `text` (redis-py strips the
    ERR prefix), and the same command sent raw must get '-ERR text'."""
    try:
        got = fn()
        bad(name, f"expected ResponseError {text!r}, got reply {got!r}")
    except redis.ResponseError as e:
        check(name, str(e), text)
    check(name + " (raw)", raw(port, *raw_args),
          b"-ERR " + text.encode() + b"\r\n")


# ---------------------------------------------------------------- groups

def t_set_get(r):
    check("SET", r.set("s:k", "v1"), True)
    check("GET", r.get("s:k"), "v1")
    check("GET missing", r.get("s:missing"), None)
    check("SET NX on existing", r.set("s:k", "v2", nx=True), None)
    check("SET NX kept value", r.get("s:k"), "v1")
    check("SET NX on missing", r.set("s:nx", "n", nx=True), True)
    check("SET XX on existing", r.set("s:k", "v3", xx=True), True)
    check("SET XX value", r.get("s:k"), "v3")
    check("SET XX on missing", r.set("s:xx", "x", xx=True), None)
    check("SET XX did not create", r.exists("s:xx"), 0)
    check("SET EX", r.set("s:k", "v4", ex=100), True)
    check_true("SET EX ttl", r.ttl("s:k") in (99, 100), str(r.ttl("s:k")))
    check("SET KEEPTTL", r.set("s:k", "v5", keepttl=True), True)
    check_true("SET KEEPTTL kept ttl", r.ttl("s:k") in (99, 100),
               str(r.ttl("s:k")))
    check("SET plain", r.set("s:k", "v6"), True)
    check("SET plain clears ttl", r.ttl("s:k"), -1)
    check("SET PX", r.set("s:k", "v7", px=1500), True)
    pttl = r.pttl("s:k")
    check_true("SET PX pttl", 1000 < pttl <= 1500, str(pttl))
    check("SET GET returns old", r.set("s:k", "v8", get=True), "v7")
    check("SET GET new value", r.get("s:k"), "v8")
    check("SET GET clears ttl", r.ttl("s:k"), -1)
    check("SET GET on missing", r.set("s:g", "g", get=True), None)
    check("SET GET on missing sets", r.get("s:g"), "g")
    # Redis 7.0 allows NX together with GET
    check("SET NX GET existing", r.set("s:k", "zz", nx=True, get=True), "v8")
    check("SET NX GET kept", r.get("s:k"), "v8")
    check("SET NX GET missing", r.set("s:ng", "n", nx=True, get=True), None)
    check("SET NX GET missing sets", r.get("s:ng"), "n")
    check("SET XX GET", r.set("s:k", "v9", xx=True, get=True), "v8")
    now = int(time.time())
    check("SET EXAT", r.set("s:at", "a", exat=now + 200), True)
    check_true("SET EXAT ttl", 195 <= r.ttl("s:at") <= 200, str(r.ttl("s:at")))
    check("SET EXAT expiretime", r.expiretime("s:at"), now + 200)
    check("SET PXAT", r.set("s:pat", "a", pxat=(now + 300) * 1000 + 123), True)
    check("SET PXAT pexpiretime", r.pexpiretime("s:pat"), (now + 300) * 1000 + 123)
    check("SET empty value", r.set("s:empty", ""), True)
    check("GET empty value", r.get("s:empty"), "")
    check("EXISTS empty value", r.exists("s:empty"), 1)
    big = "x" * 1_000_000
    check("SET 1 MB", r.set("s:big", big), True)
    check("GET 1 MB", r.get("s:big") == big, True)
    check("SET int value", r.set("s:int", 12345), True)
    check("GET int value", r.get("s:int"), "12345")
    check("SET PX expires", r.set("s:short", "v", px=100), True)
    time.sleep(0.3)
    check("expired GET", r.get("s:short"), None)
    check("expired EXISTS", r.exists("s:short"), 0)
    check("expired TTL", r.ttl("s:short"), -2)


def t_multi(r):
    check("MSET", r.mset({"m:a": "1", "m:b": "2", "m:c": "3"}), True)
    check("MGET", r.mget(["m:a", "m:missing", "m:c", "m:b"]),
          ["1", None, "3", "2"])
    check("MGET one", r.mget("m:a"), ["1"])
    check("MSET overwrites", r.mset({"m:a": "one"}), True)
    check("MGET after overwrite", r.mget("m:a", "m:b"), ["one", "2"])
    check("MSETNX blocked", r.msetnx({"m:b": "x", "m:new": "y"}), False)
    check("MSETNX blocked wrote nothing", r.mget("m:b", "m:new"), ["2", None])
    check("MSETNX all new", r.msetnx({"m:new": "y", "m:new2": "z"}), True)
    check("MSETNX values", r.mget("m:new", "m:new2"), ["y", "z"])
    r.set("m:ttl", "t", ex=100)
    r.mset({"m:ttl": "u"})
    check("MSET clears ttl", r.ttl("m:ttl"), -1)


def t_counters(r):
    check("INCR new", r.incr("c:n"), 1)
    check("INCRBY", r.incrby("c:n", 10), 11)
    check("DECR", r.decr("c:n"), 10)
    check("DECRBY", r.decrby("c:n", 15), -5)
    check("INCRBY negative", r.incrby("c:n", -5), -10)
    check("GET counter", r.get("c:n"), "-10")
    check("DECR new", r.decr("c:d"), -1)
    r.set("c:max", "9223372036854775806")
    check("INCR to max", r.incr("c:max"), 9223372036854775807)
    r.set("c:min", "-9223372036854775807")
    check("DECR to min", r.decr("c:min"), -9223372036854775808)
    r.set("c:t", "5", ex=100)
    r.incr("c:t")
    check_true("INCR keeps ttl", r.ttl("c:t") in (99, 100), str(r.ttl("c:t")))
    check("INCRBYFLOAT new", r.incrbyfloat("c:f", 10.5), 10.5)
    check("INCRBYFLOAT", r.incrbyfloat("c:f", 0.1), 10.6)
    check("INCRBYFLOAT stored text", r.get("c:f"), "10.6")
    check("INCRBYFLOAT 5.0e3", r.incrbyfloat("c:f", 5.0e3), 5010.6)
    # long double arithmetic, printed with 17 significant digits
    check("INCRBYFLOAT stored text 2", r.get("c:f"), "5010.60000000000000009")
    r.set("c:e", "3.0e3")
    check("INCRBYFLOAT on exponent", r.incrbyfloat("c:e", 1), 3001.0)
    check("INCRBYFLOAT integral text", r.get("c:e"), "3001")
    check("INCRBYFLOAT negative", r.incrbyfloat("c:e", -3001.5), -0.5)
    check("INCRBYFLOAT negative text", r.get("c:e"), "-0.5")
    r.set("c:i", "7")
    check("INCRBYFLOAT on int", r.incrbyfloat("c:i", 3), 10.0)
    check("INCRBYFLOAT on int text", r.get("c:i"), "10")
    check("INCR after INCRBYFLOAT integral", r.incr("c:i"), 11)


def t_strings(r):
    check("APPEND new", r.append("t:s", "Hello"), 5)
    check("APPEND", r.append("t:s", " World"), 11)
    check("STRLEN", r.strlen("t:s"), 11)
    check("STRLEN missing", r.strlen("t:missing"), 0)
    check("GETRANGE", r.getrange("t:s", 0, 4), "Hello")
    check("GETRANGE negative", r.getrange("t:s", -5, -1), "World")
    check("GETRANGE inverted", r.getrange("t:s", 5, 1), "")
    check("GETRANGE past end", r.getrange("t:s", 6, 1000), "World")
    check("GETRANGE huge negative start", r.getrange("t:s", -100, 2), "Hel")
    check("GETRANGE missing", r.getrange("t:missing", 0, -1), "")
    check("SETRANGE", r.setrange("t:s", 6, "Redis"), 11)
    check("SETRANGE value", r.get("t:s"), "Hello Redis")
    check("SETRANGE extends", r.setrange("t:s", 11, "!!"), 13)
    check("SETRANGE extended value", r.get("t:s"), "Hello Redis!!")
    check("SETRANGE pads", r.setrange("t:pad", 5, "x"), 6)
    check("SETRANGE pad value", r.get("t:pad"), "\x00" * 5 + "x")
    check("SETRANGE empty on missing", r.setrange("t:none", 3, ""), 0)
    check("SETRANGE empty did not create", r.exists("t:none"), 0)
    check("SETRANGE empty on existing", r.setrange("t:s", 100, ""), 13)
    r.set("t:num", "10")
    check("APPEND to number", r.append("t:num", "5"), 3)
    check("INCR after APPEND", r.incr("t:num"), 106)


def t_getex(r):
    r.set("g:k", "v")
    check("GETEX no option", r.getex("g:k"), "v")
    check("GETEX no option ttl", r.ttl("g:k"), -1)
    check("GETEX EX", r.getex("g:k", ex=100), "v")
    check_true("GETEX EX ttl", r.ttl("g:k") in (99, 100), str(r.ttl("g:k")))
    check("GETEX PX", r.getex("g:k", px=50000), "v")
    check_true("GETEX PX pttl", 49000 < r.pttl("g:k") <= 50000)
    check("GETEX PERSIST", r.getex("g:k", persist=True), "v")
    check("GETEX PERSIST ttl", r.ttl("g:k"), -1)
    now = int(time.time())
    check("GETEX EXAT", r.getex("g:k", exat=now + 500), "v")
    check("GETEX EXAT expiretime", r.expiretime("g:k"), now + 500)
    check("GETEX missing", r.getex("g:missing", ex=10), None)
    check("GETDEL", r.getdel("g:k"), "v")
    check("GETDEL deleted", r.exists("g:k"), 0)
    check("GETDEL missing", r.getdel("g:k"), None)
    check("GETSET missing", r.getset("g:s", "a"), None)
    check("GETSET", r.getset("g:s", "b"), "a")
    check("GETSET value", r.get("g:s"), "b")
    r.expire("g:s", 100)
    r.getset("g:s", "c")
    check("GETSET clears ttl", r.ttl("g:s"), -1)


def t_expire(r):
    r.set("e:k", "v")
    check("TTL no expiry", r.ttl("e:k"), -1)
    check("PTTL no expiry", r.pttl("e:k"), -1)
    check("TTL missing", r.ttl("e:missing"), -2)
    check("PTTL missing", r.pttl("e:missing"), -2)
    check("EXPIRETIME no expiry", r.expiretime("e:k"), -1)
    check("EXPIRETIME missing", r.expiretime("e:missing"), -2)
    check("PEXPIRETIME missing", r.pexpiretime("e:missing"), -2)
    check("EXPIRE missing", r.expire("e:missing", 10), False)
    check("EXPIRE XX without ttl", r.expire("e:k", 100, xx=True), False)
    check("EXPIRE NX", r.expire("e:k", 100, nx=True), True)
    check("EXPIRE NX again", r.expire("e:k", 200, nx=True), False)
    check("EXPIRE GT smaller", r.expire("e:k", 50, gt=True), False)
    check("EXPIRE GT larger", r.expire("e:k", 300, gt=True), True)
    check_true("TTL after GT", r.ttl("e:k") in (299, 300), str(r.ttl("e:k")))
    check("EXPIRE LT larger", r.expire("e:k", 400, lt=True), False)
    check("EXPIRE LT smaller", r.expire("e:k", 200, lt=True), True)
    check("EXPIRE XX", r.expire("e:k", 250, xx=True), True)
    check_true("TTL", r.ttl("e:k") in (249, 250), str(r.ttl("e:k")))
    check("PEXPIRE", r.pexpire("e:k", 123456), True)
    check_true("PTTL", 122000 < r.pttl("e:k") <= 123456, str(r.pttl("e:k")))
    now = int(time.time())
    check("EXPIREAT", r.expireat("e:k", now + 1000), True)
    check("EXPIRETIME", r.expiretime("e:k"), now + 1000)
    check("PEXPIREAT", r.pexpireat("e:k", (now + 2000) * 1000 + 7), True)
    check("PEXPIRETIME", r.pexpiretime("e:k"), (now + 2000) * 1000 + 7)
    check("EXPIRETIME rounds down", r.expiretime("e:k"), now + 2000)
    check("PERSIST", r.persist("e:k"), True)
    check("PERSIST again", r.persist("e:k"), False)
    check("PERSIST missing", r.persist("e:missing"), False)
    check("TTL after PERSIST", r.ttl("e:k"), -1)
    check("EXPIRE GT without ttl", r.expire("e:k", 100, gt=True), False)
    check("EXPIRE LT without ttl", r.expire("e:k", 100, lt=True), True)
    check("EXPIRE negative deletes", r.expire("e:k", -1), True)
    check("EXPIRE negative deleted", r.exists("e:k"), 0)
    r.set("e:p", "v")
    check("EXPIREAT past deletes", r.expireat("e:p", 1), True)
    check("EXPIREAT past deleted", r.get("e:p"), None)
    r.set("e:q", "v")
    check("PEXPIRE short", r.pexpire("e:q", 100), True)
    time.sleep(0.3)
    check("PEXPIRE expired", r.exists("e:q"), 0)


def t_keys(r, r3):
    r.set("k:a", "1")
    r.set("k:b", "2")
    check("EXISTS multiple with repeat", r.exists("k:a", "k:b", "k:a", "k:z"), 3)
    check("TYPE string", r.type("k:a"), "string")
    check("TYPE none", r.type("k:z"), "none")
    check("DELETE", r.delete("k:a", "k:z"), 1)
    check("DELETE missing", r.delete("k:a"), 0)
    r.set("k:u1", "1")
    r.set("k:u2", "2")
    check("UNLINK", r.unlink("k:u1", "k:u2", "k:u3"), 2)
    check("UNLINK gone", r.exists("k:u1", "k:u2"), 0)
    r.set("k:src", "s", ex=100)
    check("RENAME", r.rename("k:src", "k:dst"), True)
    check("RENAME moved", r.mget("k:src", "k:dst"), [None, "s"])
    check_true("RENAME keeps ttl", r.ttl("k:dst") in (99, 100), str(r.ttl("k:dst")))
    check("RENAME overwrite", r.rename("k:dst", "k:b"), True)
    check("RENAME overwrite value", r.get("k:b"), "s")
    check("RENAME same key", r.rename("k:b", "k:b"), True)
    check("RENAME same key kept", r.get("k:b"), "s")
    r.set("k:x", "x")
    check("RENAMENX existing", r.renamenx("k:x", "k:b"), False)
    check("RENAMENX kept both", r.mget("k:x", "k:b"), ["x", "s"])
    check("RENAMENX", r.renamenx("k:x", "k:y"), True)
    check("RENAMENX moved", r.mget("k:x", "k:y"), [None, "x"])
    check("COPY", r.copy("k:y", "k:c"), True)
    check("COPY value", r.mget("k:y", "k:c"), ["x", "x"])
    check("COPY to existing", r.copy("k:b", "k:c"), False)
    check("COPY to existing kept", r.get("k:c"), "x")
    check("COPY REPLACE", r.copy("k:b", "k:c", replace=True), True)
    check("COPY REPLACE value", r.get("k:c"), "s")
    check_true("COPY keeps ttl", r.ttl("k:c") in (99, 100), str(r.ttl("k:c")))
    check("COPY missing", r.copy("k:nope", "k:c2"), False)
    check("COPY DB", r.copy("k:y", "k:indb3", destination_db=3), True)
    check("COPY DB dest", r3.get("k:indb3"), "x")
    check("COPY DB not in source db", r.get("k:indb3"), None)
    check("COPY independent", (r.set("k:y", "changed"), r3.get("k:indb3")),
          (True, "x"))
    check("TOUCH", r.touch("k:b", "k:c", "k:nope"), 2)


def t_scan(r):
    check("FLUSHDB", r.flushdb(), True)
    check("DBSIZE empty", r.dbsize(), 0)
    check("RANDOMKEY empty", r.randomkey(), None)
    check("KEYS empty", r.keys("*"), [])
    names = {f"scan:{i}" for i in range(300)}
    r.mset({n: "v" for n in names})
    r.mset({"other:1": "v", "other:2": "v"})
    check("DBSIZE", r.dbsize(), 302)
    check("KEYS pattern", sorted(r.keys("scan:*")), sorted(names))
    check("KEYS single char", sorted(r.keys("other:?")), ["other:1", "other:2"])
    check("KEYS class", sorted(r.keys("scan:1[0-1]")), ["scan:10", "scan:11"])
    check("KEYS all", len(r.keys()), 302)
    got = list(r.scan_iter(match="scan:*", count=10))
    check("SCAN MATCH COUNT covers all", set(got), names)
    check_true("SCAN MATCH only matching", all(k.startswith("scan:") for k in got))
    check("SCAN no match", list(r.scan_iter(match="nothing:*")), [])
    got = set(r.scan_iter(count=1000))
    check("SCAN all", len(got), 302)
    got = set(r.scan_iter(match="other:*", _type="string"))
    check("SCAN TYPE string", got, {"other:1", "other:2"})
    check("SCAN TYPE list", list(r.scan_iter(_type="list")), [])
    cursor, batch = r.scan(0, count=5)
    check_true("SCAN cursor int", isinstance(cursor, int) and cursor != 0,
               repr(cursor))
    k = r.randomkey()
    check_true("RANDOMKEY", k in names or k in ("other:1", "other:2"), repr(k))
    check("FLUSHDB again", r.flushdb(), True)
    check("DBSIZE after FLUSHDB", r.dbsize(), 0)


def t_select(r, r3):
    r.flushdb()
    r3.flushdb()
    r.set("db:k", "zero")
    check("SELECT db3 SET", r3.set("db:k", "three"), True)
    check("db0 value", r.get("db:k"), "zero")
    check("db3 value", r3.get("db:k"), "three")
    r3.set("db:only3", "x")
    check("db3 DBSIZE", r3.dbsize(), 2)
    check("db0 DBSIZE", r.dbsize(), 1)
    check("db isolation EXISTS", r.exists("db:only3"), 0)
    check("FLUSHDB db3", r3.flushdb(), True)
    check("db3 empty", r3.dbsize(), 0)
    check("db0 untouched", r.get("db:k"), "zero")


def t_pipeline(r):
    r.delete("p:n")
    pipe = r.pipeline(transaction=False)
    expected = []
    for i in range(250):
        pipe.set(f"p:{i}", f"v{i}")
        expected.append(True)
        pipe.get(f"p:{i}")
        expected.append(f"v{i}")
        pipe.incr("p:n")
        expected.append(i + 1)
        pipe.strlen(f"p:{i}")
        expected.append(len(f"v{i}"))
    res = pipe.execute()
    check("pipeline 1000 length", len(res), 1000)
    mism = [(i, a, b) for i, (a, b) in enumerate(zip(res, expected)) if a != b]
    check("pipeline 1000 results", mism[:3], [])
    check("pipeline counter", r.get("p:n"), "250")
    # errors inside a pipeline come back in place, not as a failed batch
    pipe = r.pipeline(transaction=False)
    pipe.set("p:e", "abc").incr("p:e").get("p:e")
    res = pipe.execute(raise_on_error=False)
    check("pipeline error in place",
          (res[0], type(res[1]).__name__, str(res[1]), res[2]),
          (True, "ResponseError", "value is not an integer or out of range", "abc"))


def t_client(port):
    c = redis.Redis(port=port, decode_responses=True, single_connection_client=True)
    try:
        check("CLIENT GETNAME unset", c.client_getname(), None)
        check("CLIENT SETNAME", c.client_setname("interop-py"), True)
        check("CLIENT GETNAME", c.client_getname(), "interop-py")
        cid = c.client_id()
        check_true("CLIENT ID int", isinstance(cid, int) and cid > 0, repr(cid))
        lst = c.client_list()
        mine = [e for e in lst if e.get("id") == str(cid)]
        check("CLIENT LIST has me", len(mine), 1)
        if mine:
            check("CLIENT LIST name", mine[0].get("name"), "interop-py")
            check_true("CLIENT LIST addr", mine[0].get("addr", "").startswith("127.0.0.1:"),
                       repr(mine[0].get("addr")))
            check("CLIENT LIST cmd", mine[0].get("cmd"), "client|list")
            check("CLIENT LIST db", mine[0].get("db"), "0")
        c2 = redis.Redis(port=port, decode_responses=True, single_connection_client=True)
        try:
            cid2 = c2.client_id()
            check_true("CLIENT ID distinct", cid2 != cid, f"{cid} {cid2}")
            ids = {e.get("id") for e in c.client_list()}
            check_true("CLIENT LIST sees both", {str(cid), str(cid2)} <= ids, repr(ids))
        finally:
            c2.close()
        check("CLIENT SETNAME clear", c.client_setname(""), True)
        check("CLIENT GETNAME cleared", c.client_getname(), None)
        try:
            c.client_setname("has space")
            bad("CLIENT SETNAME space", "no error")
        except redis.ResponseError as e:
            check("CLIENT SETNAME space", str(e),
                  "Client names cannot contain spaces, newlines or special characters.")
    finally:
        c.close()


def t_server(r, port):
    check("PING", r.ping(), True)
    check("ECHO", r.echo("hello world"), "hello world")
    check("ECHO empty", r.echo(""), "")
    r.flushdb()
    r.mset({"i:1": "a", "i:2": "b", "i:3": "c"})
    r.expire("i:1", 100)
    info = r.info("server")
    check_true("INFO server redis_version", "redis_version" in info, repr(list(info)[:10]))
    check("INFO server tcp_port", info.get("tcp_port"), port)
    check_true("INFO server process_id", isinstance(info.get("process_id"), int))
    check_true("INFO server uptime", isinstance(info.get("uptime_in_seconds"), int))
    ks = r.info("keyspace")
    check("INFO keyspace db0 keys", ks.get("db0", {}).get("keys"), 3)
    check("INFO keyspace db0 expires", ks.get("db0", {}).get("expires"), 1)
    full = r.info()
    check_true("INFO default has sections",
               all(k in full for k in ("redis_version", "connected_clients", "db0")),
               repr(sorted(full)[:20]))
    check("CONFIG GET save", r.config_get("save"), {"save": ""})
    check("CONFIG GET missing", r.config_get("no-such-param"), {})
    secs, usecs = r.time()
    check_true("TIME seconds", abs(secs - time.time()) < 5, f"{secs}")
    check_true("TIME micros", 0 <= usecs < 1_000_000, f"{usecs}")


def t_binary(port):
    b = redis.Redis(port=port, decode_responses=False)
    try:
        key = b"bin:\x00\xff\r\n$*"
        val = b"\x00\x01\xfe\xff\r\n*1\r\n$3\r\n\x00"
        check("binary SET", b.set(key, val), True)
        check("binary GET", b.get(key), val)
        check("binary STRLEN", b.strlen(key), len(val))
        check("binary EXISTS", b.exists(key), 1)
        check("binary KEYS", b.keys(b"bin:*"), [key])
        check("binary APPEND", b.append(key, b"\xff\x00"), len(val) + 2)
        check("binary GETRANGE", b.getrange(key, 0, 2), b"\x00\x01\xfe")
        check("binary GETRANGE tail", b.getrange(key, -2, -1), b"\xff\x00")
        check("binary MGET", b.mget([key, b"bin:missing"]), [val + b"\xff\x00", None])
        allbytes = bytes(range(256)) * 4
        check("binary all bytes SET", b.set(b"bin:all", allbytes), True)
        check("binary all bytes GET", b.get(b"bin:all"), allbytes)
        check("binary ECHO", b.echo(b"\x00\xff"), b"\x00\xff")
        check("binary DELETE", b.delete(key, b"bin:all"), 2)
    finally:
        b.close()


def t_errors(r, port):
    r.set("err:s", "abc")
    r.set("err:big", "9223372036854775807")
    r.set("err:k", "v")
    E = lambda name, fn, text, args: check_err(name, port, fn, text, args)
    E("INCR non-integer", lambda: r.incr("err:s"),
      "value is not an integer or out of range", ["INCR", "err:s"])
    E("INCRBY bad increment", lambda: r.execute_command("INCRBY", "err:n", "x"),
      "value is not an integer or out of range", ["INCRBY", "err:n", "x"])
    E("INCR overflow", lambda: r.incr("err:big"),
      "increment or decrement would overflow", ["INCR", "err:big"])
    E("INCRBYFLOAT non-float", lambda: r.incrbyfloat("err:s", 1.0),
      "value is not a valid float", ["INCRBYFLOAT", "err:s", "1"])
    E("unknown command", lambda: r.execute_command("NOSUCHCMD", "a", "b"),
      "unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' ",
      ["NOSUCHCMD", "a", "b"])
    E("unknown command no args", lambda: r.execute_command("FOOBAR"),
      "unknown command 'FOOBAR', with args beginning with: ", ["FOOBAR"])
    E("wrong arity GET", lambda: r.execute_command("GET"),
      "wrong number of arguments for 'get' command", ["GET"])
    E("wrong arity MSET", lambda: r.execute_command("MSET", "a", "1", "b"),
      "wrong number of arguments for 'mset' command", ["MSET", "a", "1", "b"])
    E("SET syntax", lambda: r.execute_command("SET", "err:k", "v", "NX", "XX"),
      "syntax error", ["SET", "err:k", "v", "NX", "XX"])
    E("SET EX 0", lambda: r.set("err:k", "v", ex=0),
      "invalid expire time in 'set' command", ["SET", "err:k", "v", "EX", "0"])
    E("SET EX non-integer", lambda: r.execute_command("SET", "err:k", "v", "EX", "x"),
      "value is not an integer or out of range", ["SET", "err:k", "v", "EX", "x"])
    E("GETEX syntax", lambda: r.execute_command("GETEX", "err:k", "EX", "1", "PERSIST"),
      "syntax error", ["GETEX", "err:k", "EX", "1", "PERSIST"])
    E("RENAME missing", lambda: r.rename("err:nope", "err:x"),
      "no such key", ["RENAME", "err:nope", "err:x"])
    E("EXPIRE non-integer", lambda: r.execute_command("EXPIRE", "err:k", "soon"),
      "value is not an integer or out of range", ["EXPIRE", "err:k", "soon"])
    E("EXPIRE NX XX", lambda: r.expire("err:k", 10, nx=True, xx=True),
      "NX and XX, GT or LT options at the same time are not compatible",
      ["EXPIRE", "err:k", "10", "NX", "XX"])
    E("SETRANGE negative offset", lambda: r.setrange("err:k", -1, "x"),
      "offset is out of range", ["SETRANGE", "err:k", "-1", "x"])
    E("SETRANGE too big", lambda: r.setrange("err:k", 536870912, "x"),
      "string exceeds maximum allowed size (proto-max-bulk-len)",
      ["SETRANGE", "err:k", "536870912", "x"])
    E("COPY same key", lambda: r.copy("err:k", "err:k"),
      "source and destination objects are the same", ["COPY", "err:k", "err:k"])
    E("SELECT out of range", lambda: r.execute_command("SELECT", "99"),
      "DB index is out of range", ["SELECT", "99"])
    E("SELECT non-integer", lambda: r.execute_command("SELECT", "x"),
      "value is not an integer or out of range", ["SELECT", "x"])
    check("errors left value alone", r.get("err:s"), "abc")
    check("errors left big alone", r.get("err:big"), "9223372036854775807")


def t_threads(port):
    pool = redis.ConnectionPool(port=port, decode_responses=True, max_connections=8)
    c = redis.Redis(connection_pool=pool)
    c.delete("th:n")
    errors = []

    def work():
        try:
            for _ in range(500):
                c.incr("th:n")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    ts = [threading.Thread(target=work) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=60)
    check("threads finished", [t.is_alive() for t in ts], [False] * 8)
    check("threads no errors", errors[:3], [])
    check("8 threads x 500 INCR", c.get("th:n"), "4000")
    pool.disconnect()


def t_resp3(port):
    major = int(redis.__version__.split(".")[0])
    if major < 5:
        print(f"SKIP RESP3: redis-py {redis.__version__} has no protocol=3")
        return
    r = redis.Redis(port=port, decode_responses=True, protocol=3)
    try:
        check("RESP3 PING", r.ping(), True)
        check("RESP3 SET", r.set("r3:k", "v"), True)
        check("RESP3 GET", r.get("r3:k"), "v")
        check("RESP3 GET missing", r.get("r3:missing"), None)
        check("RESP3 INCRBYFLOAT", r.incrbyfloat("r3:f", 1.5), 1.5)
        check("RESP3 MGET", r.mget("r3:k", "r3:missing"), ["v", None])
    finally:
        r.close()


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1]) if "/" in sys.argv[1] else \
        shutil.which(sys.argv[1])
    if not binary or not os.access(binary, os.X_OK):
        print(f"server binary {sys.argv[1]!r} not found", file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="mr-interop-py-")
    proc = None
    try:
        proc, port = start_server(binary, workdir)
        r = redis.Redis(port=port, decode_responses=True, socket_timeout=30)
        r3 = redis.Redis(port=port, db=3, decode_responses=True, socket_timeout=30)
        r.flushall()
        run("set/get", lambda: t_set_get(r))
        run("mset/mget", lambda: t_multi(r))
        run("counters", lambda: t_counters(r))
        run("strings", lambda: t_strings(r))
        run("getex", lambda: t_getex(r))
        run("expire", lambda: t_expire(r))
        run("keys", lambda: t_keys(r, r3))
        run("scan", lambda: t_scan(r))
        run("select", lambda: t_select(r, r3))
        run("pipeline", lambda: t_pipeline(r))
        run("client", lambda: t_client(port))
        run("server", lambda: t_server(r, port))
        run("binary", lambda: t_binary(port))
        run("errors", lambda: t_errors(r, port))
        run("threads", lambda: t_threads(port))
        run("resp3", lambda: t_resp3(port))
        r.close()
        r3.close()
        check("server still running", proc.poll(), None)
    except Exception as e:  # noqa: BLE001 - start-up failure
        bad("setup", f"{type(e).__name__}: {e}")
    finally:
        if proc is not None:
            stop_server(proc)
        if FAILS:  # the server's own account (sanitizer reports, errors)
            with open(os.path.join(workdir, "server.log"), "rb") as f:
                sys.stdout.write(f.read()[-20000:].decode(errors="replace"))
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"redis_py.py: {PASSES} passed, {FAILS} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
