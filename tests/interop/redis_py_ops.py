#!/usr/bin/python3
"""Operating MiniRedis with redis-py: INFO (every section parses, `all`,
`everything`), CLIENT LIST, CONFIG SET/GET/REWRITE round trips (the file
keeps its comments and order), SLOWLOG entries, MONITOR output from clients
on both workers, CLIENT PAUSE/UNPAUSE/NO-EVICT, CLIENT KILL filters
compared with a real redis-server, the JSON log (every line parses with
python's json), the audit log, SIGHUP reopening both files, the idle
timeout sparing monitors and paused clients, and sd_notify readiness. Prints
PASS/FAIL lines; exits 1 on any failure.

Usage: /usr/bin/python3 tests/interop/redis_py_ops.py SERVER_BIN
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redis_py import (bad, check, check_true, free_port, is_real_redis,  # noqa: E402
                      ok, run)
from redis_py import stop_server as stop_server_quietly  # noqa: E402
import redis_py  # noqa: E402


def stop_server(proc):
    """Stops the server; it must exit 0 (a sanitizer report, a leak or a
    crash on the way out makes it exit otherwise)."""
    stop_server_quietly(proc)
    check(f"server {proc.args[0]} (pid {proc.pid}) exits cleanly", proc.returncode, 0)


def start(binary, workdir, *extra, conf=None):
    """Starts the server (config file first, then flags) on a free port."""
    for _ in range(5):
        port = free_port()
        args = [binary] + ([conf] if conf else []) + [
            "--port", str(port), "--bind", "127.0.0.1"]
        if is_real_redis(binary):
            args += ["--save", "", "--appendonly", "no"]
        else:
            args += ["--threads", "2"]
        args += list(extra)
        log = open(os.path.join(workdir, "server.log"), "ab")
        proc = subprocess.Popen(args, cwd=workdir, stdout=log,
                                stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if redis.Redis(port=port, socket_timeout=1).ping():
                    return proc, port
            except redis.ConnectionError:
                time.sleep(0.05)
        stop_server_quietly(proc)
    raise RuntimeError("could not start " + binary)


def conn(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s


def send(s, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(out)


def read_some(s, timeout=1.0):
    s.settimeout(timeout)
    try:
        return s.recv(1 << 20)
    except socket.timeout:
        return b""


# ---------------------------------------------------------------- INFO

SECTIONS = ["server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats",
            "latencystats", "keyspace"]


def t_info(r):
    r.set("info:k", "v")
    r.get("info:k")
    try:
        r.execute_command("NOSUCHCOMMAND")
    except redis.ResponseError:
        pass
    full = r.info()
    for key in ("redis_version", "connected_clients", "used_memory",
                "instantaneous_ops_per_sec", "role"):
        check_true(f"INFO default has {key}", key in full, repr(list(full)[:8]))
    check("INFO role", full.get("role"), "master")
    for sec in SECTIONS:
        d = r.info(sec)
        check_true(f"INFO {sec} parses to a dict", isinstance(d, dict), repr(d))
    check_true("INFO memory used_memory int",
               isinstance(r.info("memory").get("used_memory"), int))
    cs = r.info("commandstats")
    check_true("INFO commandstats cmdstat_set", "cmdstat_set" in cs, repr(list(cs)[:5]))
    check_true("INFO commandstats calls", cs.get("cmdstat_set", {}).get("calls", 0) >= 1)
    es = r.info("errorstats")
    check_true("INFO errorstats errorstat_ERR", "errorstat_ERR" in es, repr(es))
    ls = r.info("latencystats")
    got = ls.get("latency_percentiles_usec_set", {})
    check_true("INFO latencystats p50/p99/p99.9",
               all(k in got for k in ("p50", "p99", "p99.9")), repr(got))
    for which in ("all", "everything"):
        d = r.info(which)
        check_true(f"INFO {which} has commandstats",
                   "cmdstat_get" in d and "redis_version" in d, repr(list(d)[:5]))
        check_true(f"INFO {which} has latencystats",
                   "latency_percentiles_usec_get" in d)
    d = r.execute_command("INFO", "server", "clients")
    check_true("INFO server clients (two sections)",
               "redis_version" in d and "connected_clients" in d)
    check_true("INFO keyspace db0", "db0" in r.info("keyspace"))


def t_client_list(r, port):
    c = redis.Redis(port=port, decode_responses=True)
    c.client_setname("opsname")
    lst = r.client_list()
    check_true("CLIENT LIST parses", isinstance(lst, list) and len(lst) >= 2)
    fields = ("id", "addr", "laddr", "fd", "name", "age", "idle", "flags",
              "db", "cmd", "qbuf", "omem", "user", "resp")
    for f in fields:
        check_true(f"CLIENT LIST field {f}", all(f in e for e in lst), repr(lst[0]))
    check_true("CLIENT LIST shows the name",
               any(e["name"] == "opsname" for e in lst))
    me = r.client_info()
    check("CLIENT INFO cmd", me.get("cmd"), "client|info")
    # cmd= after refused commands, as Redis's lastcmd
    for args, want in ((("GET",), "get"), (("NOSUCHCMD",), "NULL")):
        try:
            c.execute_command(*args)
        except redis.ResponseError:
            pass
        mine = [e for e in r.client_list() if e["name"] == "opsname"]
        check(f"CLIENT LIST cmd after refused {args[0]}", mine[0]["cmd"] if mine else None, want)
    c.execute_command("CLIENT", "NO-EVICT", "on")
    mine = [e for e in r.client_list() if e["name"] == "opsname"]
    check("CLIENT NO-EVICT on: flags e", mine[0]["flags"] if mine else None, "e")
    c.execute_command("CLIENT", "NO-EVICT", "off")
    mine = [e for e in r.client_list() if e["name"] == "opsname"]
    check("CLIENT NO-EVICT off: flags N", mine[0]["flags"] if mine else None, "N")
    c.close()


# ---------------------------------------------------------------- CONFIG

CONF_TEXT = """# a test configuration: comments and order must survive REWRITE
# the port is given on the command line

loglevel notice
# slow log: log everything slower than 10 ms
slowlog-log-slower-than 10000
   # an indented comment
maxclients 1000
"""


def t_config(binary, workdir):
    conf = os.path.join(workdir, "rewrite.conf")
    with open(conf, "w") as f:
        f.write(CONF_TEXT)
    proc, port = start(binary, workdir, conf=conf)
    try:
        r = redis.Redis(port=port, decode_responses=True)
        check("CONFIG GET from the file", r.config_get("maxclients"), {"maxclients": "1000"})
        got = r.config_get("slowlog-*")
        check_true("CONFIG GET glob", set(got) >= {"slowlog-log-slower-than", "slowlog-max-len"}, repr(got))
        got = r.execute_command("CONFIG", "GET", "maxclients", "timeout")
        check_true("CONFIG GET several", "timeout" in str(got) and "maxclients" in str(got), repr(got))
        check_true("CONFIG SET several", r.execute_command(
            "CONFIG", "SET", "maxclients", "2000", "slowlog-max-len", "64") in (True, "OK"))
        check("CONFIG GET after SET", r.config_get("maxclients"), {"maxclients": "2000"})
        try:
            r.execute_command("CONFIG", "SET", "timeout", "5", "maxclients", "abc")
            bad("CONFIG SET atomic", "no error")
        except redis.ResponseError:
            check("CONFIG SET all or nothing", r.config_get("timeout"), {"timeout": "0"})
        r.config_set("hz", "20")
        check_true("CONFIG REWRITE", r.config_rewrite() in (True, "OK"))
        text = open(conf).read()
        lines = text.splitlines()
        # comments stay, trimmed of surrounding blanks as Redis writes them
        check_true("REWRITE keeps comments", all(
            c.strip() in lines for c in CONF_TEXT.splitlines() if c.strip().startswith("#")),
            text)
        check_true("REWRITE: a blank line, then the marker",
                   "# Generated by CONFIG REWRITE" in lines and
                   lines[lines.index("# Generated by CONFIG REWRITE") - 1] == "", text)
        check_true("REWRITE replaces in place", "maxclients 2000" in lines and
                   lines.index("maxclients 2000") > lines.index("slowlog-log-slower-than 10000"), text)
        check_true("REWRITE appends new options", "hz 20" in lines, text)
        check_true("REWRITE keeps the order", lines.index("loglevel notice") <
                   lines.index("slowlog-log-slower-than 10000"), text)
        r.close()
    finally:
        stop_server(proc)
    # the rewritten file starts a server with the same values
    proc, port = start(binary, workdir, conf=conf)
    try:
        r = redis.Redis(port=port, decode_responses=True)
        check("restart from the rewritten file", r.config_get("maxclients"), {"maxclients": "2000"})
        check("restart: hz", r.config_get("hz"), {"hz": "20"})
        r.close()
    finally:
        stop_server(proc)


# ---------------------------------------------------------------- SLOWLOG

def t_slowlog(r):
    r.slowlog_reset()
    r.config_set("slowlog-log-slower-than", "0")
    r.set("slow:k", "v")
    r.get("slow:k")
    r.config_set("slowlog-log-slower-than", "10000")
    entries = r.slowlog_get(10)
    cmds = [str(e["command"]) for e in entries]
    check_true("SLOWLOG GET has SET and GET", any("SET slow:k v" in c for c in cmds) and
               any("GET slow:k" in c for c in cmds), repr(cmds))
    e = entries[0] if entries else {}
    check_true("SLOWLOG entry fields", all(k in e for k in ("id", "start_time", "duration")), repr(e))
    check_true("SLOWLOG LEN", r.slowlog_len() >= 2)
    r.slowlog_reset()
    check_true("SLOWLOG RESET", r.slowlog_len() <= 1)


# ---------------------------------------------------------------- MONITOR

LINE = re.compile(rb'^\+\d+\.\d{6} \[\d+ (\S+)\]( "(?:[^"\\]|\\.)*")+$')


def t_monitor(port):
    mons = [conn(port) for _ in range(2)]
    for m in mons:
        send(m, "MONITOR")
        check("MONITOR +OK", read_some(m), b"+OK\r\n")
    # clients spread over both workers (SO_REUSEPORT); each sends its own
    # numbered sequence, which must reach every monitor in order
    clients = [conn(port) for _ in range(8)]
    for i, c in enumerate(clients):
        for n in range(20):
            send(c, "SET", f"mon:{i}", f"v{n}")
    for c in clients:
        got = b""
        while got.count(b"+OK") < 20:
            chunk = read_some(c)
            if not chunk:
                break
            got += chunk
    redis.Redis(port=port).execute_command("CONFIG", "GET", "port")  # admin: hidden
    send(clients[0], "SET", b"bin\"\\\n\t\x01\xff", "x")
    send(clients[0], "HELLO", "2", "AUTH", "default", "secret")
    read_some(clients[0])
    time.sleep(0.3)
    for k, m in enumerate(mons):
        data = b""
        while True:
            chunk = read_some(m, 0.5)
            if not chunk:
                break
            data += chunk
        lines = data.split(b"\r\n")[:-1]
        check_true(f"monitor {k}: every line in Redis's format",
                   all(LINE.match(l) for l in lines), repr([l for l in lines if not LINE.match(l)][:3]))
        for i in range(len(clients)):
            seq = [l.split(b'"')[-2] for l in lines if f'"SET" "mon:{i}"'.encode() in l]
            check(f"monitor {k}: client {i} in order", seq, [f"v{n}".encode() for n in range(20)])
        check_true(f"monitor {k}: CONFIG hidden", not any(b'"CONFIG"' in l for l in lines))
        check_true(f"monitor {k}: escaping", any(
            l.endswith(b'"SET" "bin\\"\\\\\\n\\t\\x01\\xff" "x"') for l in lines),
            repr([l for l in lines if b"bin" in l]))
        check_true(f"monitor {k}: AUTH redacted", any(
            l.endswith(b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)"') for l in lines),
            repr([l for l in lines if b"HELLO" in l]))
    send(mons[0], "GET", "x")
    check("MONITOR client: keyspace refused", read_some(mons[0]),
          b"-ERR Replica can't interact with the keyspace\r\n")
    r = redis.Redis(port=port, decode_responses=True)
    flags = sorted(e["flags"] for e in r.client_list() if "O" in e["flags"])
    check("CLIENT LIST monitor flags O", flags, ["O", "O"])
    # redis-py's own parser of MONITOR lines
    with r.monitor() as m:
        redis.Redis(port=port).set("monpy", "1")
        cmd = None
        for _ in range(10):
            cmd = m.next_command()
            if "monpy" in cmd["command"]:
                break
        check("redis-py monitor parses", cmd and cmd["command"], "SET monpy 1")
        check_true("redis-py monitor client address", cmd and cmd["client_address"] == "127.0.0.1")
    for s in mons + clients:
        s.close()
    r.close()


def t_monitor_limit(r, port):
    """A monitor that never reads is a "normal" client for
    client-output-buffer-limit (as in Redis): over the hard limit it is
    disconnected, and the server's memory stays bounded."""
    m = socket.socket()
    m.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    m.connect(("127.0.0.1", port))
    send(m, "MONITOR")
    r.config_set("client-output-buffer-limit", "normal 262144 0 0")
    try:
        w = conn(port)
        value = "x" * 1000
        closed = False
        for batch in range(200):  # at most 20 MB of monitor output
            for _ in range(50):
                send(w, "SET", "monlim", value)
            got = b""
            while got.count(b"\r\n") < 50:
                more = read_some(w, 5)
                if not more:
                    break
                got += more
            if not any(c["id"] and "O" in c["flags"] for c in r.client_list()):
                closed = True
                break
        check_true("a monitor that does not read is cut off at the limit", closed)
        w.close()
    finally:
        r.config_set("client-output-buffer-limit",
                     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        m.close()


# ---------------------------------------------------------------- PAUSE

def t_pause(port):
    a, b = conn(port), conn(port)
    send(a, "CLIENT", "PAUSE", "400", "WRITE")
    check("CLIENT PAUSE WRITE", read_some(a), b"+OK\r\n")
    send(b, "GET", "pz")
    check("reads run during a WRITE pause", read_some(b), b"$-1\r\n")
    t = time.monotonic()
    send(b, "SET", "pz", "1")
    send(b, "GET", "pz")
    got = read_some(b, 0.2)
    check("writes are held, not refused", got, b"")
    r = redis.Redis(port=port, decode_responses=True)
    held = [e for e in r.client_list() if "b" in e["flags"]]
    check("CLIENT LIST: held client flags b, cmd set",
          [(e["flags"], e["cmd"]) for e in held], [("b", "set")])
    r.close()
    got += read_some(b, 2)
    while got.count(b"\r\n") < 3:
        more = read_some(b, 1)
        if not more:
            break
        got += more
    check("held write runs after the pause, in order", got, b"+OK\r\n$1\r\n1\r\n")
    check_true("held about 400 ms", 0.25 < time.monotonic() - t < 1.5, str(time.monotonic() - t))
    send(a, "CLIENT", "PAUSE", "10000", "ALL")
    read_some(a)
    send(b, "PING")
    check("ALL holds every command", read_some(b, 0.3), b"")
    c = conn(port)
    send(c, "CLIENT", "UNPAUSE")  # held too, as in Redis... until the end
    check("UNPAUSE is held under ALL", read_some(c, 0.2), b"")
    c.close()
    for s in (a, b):
        s.close()
    # an ALL pause ends on its own; a new pause is short
    time.sleep(0.1)


def t_unpause(port):
    a, b = conn(port), conn(port)
    send(a, "CLIENT", "PAUSE", "5000", "WRITE")
    read_some(a)
    send(b, "INCR", "up")
    check("INCR held", read_some(b, 0.2), b"")
    send(a, "CLIENT", "UNPAUSE")
    check("CLIENT UNPAUSE", read_some(a), b"+OK\r\n")
    check("UNPAUSE releases at once", read_some(b, 1), b":1\r\n")
    # a transaction: a write is held before it is queued, as in Redis; a
    # read-only one runs, EXEC included
    send(a, "CLIENT", "PAUSE", "5000", "WRITE")
    read_some(a)
    for cmd in (("MULTI",), ("GET", "up"), ("EXEC",)):
        send(b, *cmd)
    want = b"+OK\r\n+QUEUED\r\n*1\r\n$1\r\n1\r\n"
    got = read_some(b, 1)
    while len(got) < len(want):
        more = read_some(b, 1)
        if not more:
            break
        got += more
    check("read-only transaction runs", got, want)
    send(b, "MULTI")
    check("MULTI", read_some(b), b"+OK\r\n")
    send(b, "INCR", "up")
    check("a write is held before it is queued", read_some(b, 0.2), b"")
    send(a, "CLIENT", "UNPAUSE")
    read_some(a)
    send(b, "EXEC")
    got = read_some(b, 1)
    while got.count(b"\r\n") < 3:
        more = read_some(b, 1)
        if not more:
            break
        got += more
    check("queued after the pause, then EXEC", got, b"+QUEUED\r\n*1\r\n:2\r\n")
    a.close()
    b.close()


def t_idle_timeout(port):
    """`timeout` closes idle clients, but not monitors nor clients held by
    CLIENT PAUSE (Redis treats them as replicas and blocked clients)."""
    r = redis.Redis(port=port)
    m, held, idle, a = conn(port), conn(port), conn(port), conn(port)
    send(m, "MONITOR")
    read_some(m)
    send(a, "CLIENT", "PAUSE", "2600", "WRITE")
    read_some(a)
    send(held, "SET", "held", "1")
    r.config_set("timeout", "1")
    try:
        time.sleep(2.3)
        send(idle, "PING")
        check("idle client closed by timeout", read_some(idle), b"")
        check("held client still there after the pause", read_some(held, 2), b"+OK\r\n")
        send(m, "PING")
        got, deadline = b"", time.monotonic() + 2
        while b"+PONG\r\n" not in got and time.monotonic() < deadline:
            chunk = read_some(m, 0.5)
            if chunk:
                got += chunk
        check_true("monitor not timed out", b"+PONG\r\n" in got, repr(got))
    finally:
        r.config_set("timeout", "0")
        r.close()
    for s in (m, held, idle, a):
        s.close()


# ------------------------------------------------- CLIENT KILL vs redis-server

def kill_script(port):
    """Replies of a CLIENT KILL sequence, with addresses made comparable."""
    out = []
    victims = [conn(port) for _ in range(3)]
    r = redis.Redis(port=port)
    me = conn(port)

    def q(*args):
        send(me, *args)
        out.append(read_some(me, 1))

    send(me, "CLIENT", "ID")
    my_id = int(read_some(me)[1:-2])
    others = sorted(int(e["id"]) for e in r.client_list() if int(e["id"]) != my_id)
    addr_of = {int(e["id"]): e["addr"] for e in r.client_list()}
    laddr = r.client_list()[0]["laddr"]
    q("CLIENT", "KILL", "ID", "999999")
    q("CLIENT", "KILL", "ID", "0")
    q("CLIENT", "KILL", "ID", "abc")
    q("CLIENT", "KILL", "ADDR", "1.2.3.4:5")
    q("CLIENT", "KILL", "1.2.3.4:5")
    q("CLIENT", "KILL", "USER", "nosuch")
    q("CLIENT", "KILL", "SKIPME", "maybe")
    q("CLIENT", "KILL", "TYPE", "foo")
    q("CLIENT", "KILL", "TYPE", "master")
    q("CLIENT", "KILL", "TYPE", "pubsub")
    q("CLIENT", "KILL", "ID")
    q("CLIENT", "KILL", "FOO", "bar")
    q("CLIENT", "KILL", "ID", str(others[0]))
    q("CLIENT", "KILL", "ADDR", addr_of[others[1]])
    q("CLIENT", "KILL", addr_of[others[2]])
    q("CLIENT", "KILL", "ID", str(my_id))  # skipme yes by default
    q("CLIENT", "KILL", "LADDR", laddr, "USER", "default")  # all but me
    q("CLIENT", "KILL", "ID", str(my_id), "SKIPME", "no")
    closed = read_some(me, 1)
    out.append(closed)
    for s in victims:
        s.close()
    me.close()
    r.close()
    return out


def t_kill(binary, workdir):
    redis_bin = shutil.which("redis-server")
    if not redis_bin or is_real_redis(binary):
        ok("CLIENT KILL comparison skipped (no second server)")
        return
    p1, port1 = start(binary, workdir)
    try:
        mine = kill_script(port1)
    finally:
        stop_server(p1)
    p2, port2 = start(redis_bin, workdir)
    try:
        theirs = kill_script(port2)
    finally:
        stop_server(p2)
    for i, (a, b) in enumerate(zip(mine, theirs)):
        check(f"CLIENT KILL step {i} as redis-server", a, b)


# ---------------------------------------------------------------- logs

def read_json_lines(path):
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    objs = []
    for l in lines:
        try:
            objs.append(json.loads(l))
        except ValueError as e:
            bad("JSON line parses", f"{e}: {l[:200]!r}")
    return objs


def t_logs(binary, workdir):
    if is_real_redis(binary):
        ok("JSON log / audit log skipped on redis-server")
        return
    log = os.path.join(workdir, "mr.json.log")
    audit = os.path.join(workdir, "audit.log")
    args = ["--log-format", "json", "--logfile", log, "--audit-log", audit,
            "--loglevel", "verbose", "--maxclients", "500", "--appendonly", "yes",
            "--appendfilename", "ops-json.aof"]
    proc, port = start(binary, workdir, *args)
    try:
        r = redis.Redis(port=port)
        r.set("aud:k", "secret-value")
        r.mset({"aud:a": "v1", "aud:b": "v2"})
        r.get("aud:k")  # read: not audited
        try:
            r.lpush("aud:k", "x")
        except redis.ResponseError:
            pass
        try:
            r.execute_command("NOSUCH", "arg")
        except redis.ResponseError:
            pass
        time.sleep(0.3)
        objs = read_json_lines(log)
        check_true("JSON log has lines", len(objs) >= 4, str(len(objs)))
        need = {"timestamp", "level", "pid", "thread", "message", "fields"}
        check_true("JSON log fields", all(need <= set(o) for o in objs), repr(objs[:1]))
        check_true("JSON log pid", all(o["pid"] == proc.pid for o in objs))
        msgs = " | ".join(o["message"] for o in objs)
        check_true("start-up logs the version", any("version" in o["fields"] for o in objs), msgs)
        changed = [o for o in objs if "maxclients" in o["fields"]]
        check_true("start-up logs changed options", changed and
                   changed[0]["fields"]["maxclients"] == "500", msgs)
        check_true("start-up logs threads", any(o["fields"].get("threads") == "2" for o in objs), msgs)
        check_true("start-up logs the port", any(o["fields"].get("port") == str(port) for o in objs), msgs)
        check_true("thread roles", {o["thread"] for o in objs} >= {"main"}, repr({o["thread"] for o in objs}))
        au = read_json_lines(audit)
        cmds = [(o["command"], o["keys"], o["result"]) for o in au]
        check("audit: writes and refusals only", cmds, [
            ("set", ["aud:k"], "ok"), ("mset", ["aud:a", "aud:b"], "ok"),
            ("lpush", ["aud:k"], "error"), ("NOSUCH", [], "error")])
        check_true("audit: no values", b"secret-value" not in open(audit, "rb").read())
        check_true("audit: client and user", all(
            o["user"] == "default" and o["addr"].startswith("127.0.0.1:") for o in au))
        check("audit: error code", [o.get("error") for o in au][2:], ["WRONGTYPE", "ERR"])
        # logrotate: rename, SIGHUP, the server writes new files
        os.rename(log, log + ".1")
        os.rename(audit, audit + ".1")
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        r.set("aud:after", "1")
        time.sleep(0.3)
        check_true("SIGHUP reopens the log", os.path.exists(log) and read_json_lines(log))
        check_true("SIGHUP reopens the audit log", os.path.exists(audit) and
                   [o["keys"] for o in read_json_lines(audit)] == [["aud:after"]])
        r.config_set("log-format", "text")
        r.config_set("loglevel", "verbose")
        s = conn(port)
        s.sendall(b"*1\r\n$x\r\n")  # a protocol error: logged at verbose
        read_some(s)
        s.close()
        time.sleep(0.2)
        with open(log, "rb") as f:
            last = f.read().splitlines()[-1]
        check_true("CONFIG SET log-format text", re.match(rb"^\d+:M \d\d \w{3} \d{4} ", last), repr(last))
        r.close()
    finally:
        stop_server(proc)
    # a restart logs the AOF's load time as fields
    os.unlink(log)
    proc, port = start(binary, workdir, *args)
    try:
        loaded = [o for o in read_json_lines(log) if "load_seconds" in o["fields"]]
        check_true("start-up logs the AOF load time", loaded and
                   float(loaded[0]["fields"]["load_seconds"]) >= 0 and
                   int(loaded[0]["fields"]["commands"]) >= 3, repr(loaded))
    finally:
        stop_server(proc)


def t_supervised(binary, workdir):
    """What scripts/miniredis.service relies on (Type=notify): with
    --supervised systemd the server sends READY=1 to $NOTIFY_SOCKET once it
    accepts connections and STOPPING=1 when it shuts down."""
    if is_real_redis(binary):
        ok("sd_notify check skipped on redis-server (built without systemd)")
        return
    path = os.path.join(workdir, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)
    os.environ["NOTIFY_SOCKET"] = path
    try:
        proc, port = start(binary, workdir, "--supervised", "systemd")
    finally:
        del os.environ["NOTIFY_SOCKET"]
    try:
        msg = sock.recv(4096)
        check_true("sd_notify READY=1", b"READY=1" in msg, repr(msg))
        check_true("ready means accepting", redis.Redis(port=port).ping())
    finally:
        stop_server(proc)
    try:
        msg = sock.recv(4096)
    except socket.timeout:
        msg = b""
    check_true("sd_notify STOPPING=1", b"STOPPING=1" in msg, repr(msg))
    sock.close()


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1]) if "/" in sys.argv[1] else shutil.which(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="mr-interop-ops-")
    proc = None
    try:
        proc, port = start(binary, workdir)
        r = redis.Redis(port=port, decode_responses=True, socket_timeout=30)
        run("info", lambda: t_info(r))
        run("client list", lambda: t_client_list(r, port))
        run("slowlog", lambda: t_slowlog(r))
        run("monitor", lambda: t_monitor(port))
        run("monitor limit", lambda: t_monitor_limit(r, port))
        run("unpause", lambda: t_unpause(port))
        run("pause", lambda: t_pause(port))
        run("idle timeout", lambda: t_idle_timeout(port))
        r.close()
        stop_server(proc)
        proc = None
        run("config", lambda: t_config(binary, workdir))
        run("kill", lambda: t_kill(binary, workdir))
        run("logs", lambda: t_logs(binary, workdir))
        run("supervised", lambda: t_supervised(binary, workdir))
    except Exception as e:  # noqa: BLE001
        bad("setup", f"{type(e).__name__}: {e}")
    finally:
        if proc is not None:
            stop_server(proc)
        if redis_py.FAILS:
            with open(os.path.join(workdir, "server.log"), "rb") as f:
                sys.stdout.write(f.read()[-20000:].decode(errors="replace"))
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"redis_py_ops.py: {redis_py.PASSES} passed, {redis_py.FAILS} failed")
    return 1 if redis_py.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
