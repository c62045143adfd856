#!/usr/bin/python3
"""redis-py's PubSub API against the server under test (four workers):
subscribe/psubscribe with get_message and listen, message handlers and
run_in_thread, many subscribers and publishers on different connections,
PUBSUB introspection, unsubscribe events, keyspace notifications and the
RESP2 subscribed-mode error. Prints PASS/FAIL lines; exits 1 on any
failure.

Usage: /usr/bin/python3 tests/interop/redis_py_pubsub.py SERVER_BIN
(Debian's python3-redis 4.3; start a real redis-server the same way to
check the test itself.)
"""

import os
import subprocess
import sys
import tempfile
import threading
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import redis_py as base  # noqa: E402 - the shared helpers and counters

check, check_true, run = base.check, base.check_true, base.run


def next_message(p, timeout=3.0):
    """The next message that is not a subscription confirmation."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if m is not None:
            return m
    return None


def t_basic(r):
    p = r.pubsub()
    p.subscribe("py:a", "py:b")
    confirms = [p.get_message(timeout=2) for _ in range(2)]
    check("subscribe confirmations",
          [(m["type"], m["channel"], m["data"]) for m in confirms],
          [("subscribe", "py:a", 1), ("subscribe", "py:b", 2)])
    check("publish counts the subscriber", r.publish("py:a", "hello"), 1)
    m = next_message(p)
    check("message", (m["type"], m["channel"], m["data"], m["pattern"]),
          ("message", "py:a", "hello", None))
    p.unsubscribe("py:a")
    m = p.get_message(timeout=2)
    check("unsubscribe event", (m["type"], m["channel"], m["data"]),
          ("unsubscribe", "py:a", 1))
    check("no receiver after unsubscribe", r.publish("py:a", "x"), 0)
    p.close()


def t_patterns(r):
    p = r.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("py:news.*")
    time.sleep(0.05)
    p.get_message(timeout=1)  # the confirmation, ignored
    check("publish to a pattern subscriber", r.publish("py:news.tech", "t1"), 1)
    m = next_message(p)
    check("pmessage", (m["type"], m["pattern"], m["channel"], m["data"]),
          ("pmessage", "py:news.*", "py:news.tech", "t1"))
    check("numpat", r.pubsub_numpat() >= 1, True)
    p.close()


def t_listen(r):
    p = r.pubsub()
    p.subscribe("py:listen")
    got = []

    def publisher():
        time.sleep(0.1)
        for i in range(5):
            r.publish("py:listen", f"m{i}")
        r.publish("py:listen", "stop")

    t = threading.Thread(target=publisher)
    t.start()
    for m in p.listen():
        if m["type"] != "message":
            continue
        if m["data"] == "stop":
            break
        got.append(m["data"])
    t.join()
    check("listen() in order", got, [f"m{i}" for i in range(5)])
    p.close()


def t_run_in_thread(port):
    """Handlers on several PubSub objects (several connections, so several
    workers), fed by several publisher threads: every subscriber sees every
    message, each publisher's in order."""
    nsubs, npubs, per = 6, 4, 200
    received = [[] for _ in range(nsubs)]
    subs, threads = [], []
    for i in range(nsubs):
        c = redis.Redis(port=port, decode_responses=True)
        p = c.pubsub(ignore_subscribe_messages=True)
        p.subscribe(**{"py:rit": (lambda m, i=i: received[i].append(m["data"]))})
        subs.append((c, p))
        threads.append(p.run_in_thread(sleep_time=0.01, daemon=True))
    admin = redis.Redis(port=port, decode_responses=True)
    deadline = time.monotonic() + 5
    while admin.pubsub_numsub("py:rit")[0][1] < nsubs and time.monotonic() < deadline:
        time.sleep(0.02)
    check("numsub sees every subscriber", admin.pubsub_numsub("py:rit"),
          [("py:rit", nsubs)])
    counts = []

    def publish(j):
        c = redis.Redis(port=port, decode_responses=True)
        pipe = c.pipeline(transaction=False)
        for q in range(per):
            pipe.publish("py:rit", f"{j}:{q}")
        counts.append(sum(pipe.execute()))
        c.close()

    pubs = [threading.Thread(target=publish, args=(j,)) for j in range(npubs)]
    for t in pubs:
        t.start()
    for t in pubs:
        t.join()
    check("publish counts every receiver", sorted(counts), [nsubs * per] * npubs)
    deadline = time.monotonic() + 10
    while (any(len(x) < npubs * per for x in received)
           and time.monotonic() < deadline):
        time.sleep(0.05)
    for t in threads:
        t.stop()
    for t in threads:
        t.join(timeout=5)
    check("every subscriber got every message",
          [len(x) for x in received], [npubs * per] * nsubs)
    in_order = True
    for x in received:
        nxt = [0] * npubs
        for d in x:
            j, q = map(int, d.split(":"))
            in_order &= q == nxt[j]
            nxt[j] = q + 1
    check_true("each publisher's messages in publish order", in_order)
    for c, p in subs:
        p.close()
        c.close()
    deadline = time.monotonic() + 5
    while admin.pubsub_numsub("py:rit")[0][1] and time.monotonic() < deadline:
        time.sleep(0.02)
    check("closed subscribers are gone", admin.pubsub_numsub("py:rit"),
          [("py:rit", 0)])
    admin.close()


def t_introspection(r):
    p = r.pubsub()
    p.subscribe("py:i1", "py:i2")
    p.get_message(timeout=1)
    p.get_message(timeout=1)
    check("pubsub channels", sorted(r.pubsub_channels("py:i*")),
          ["py:i1", "py:i2"])
    check("pubsub numsub", r.pubsub_numsub("py:i1", "py:none"),
          [("py:i1", 1), ("py:none", 0)])
    p.close()


def t_subscribed_mode(port):
    c = redis.Redis(port=port, decode_responses=True)
    p = c.pubsub()
    p.subscribe("py:mode")
    p.get_message(timeout=1)
    p.connection.send_command("GET", "x")
    try:
        p.parse_response(timeout=2)
        base.bad("subscribed mode GET", "no error")
    except redis.ResponseError as e:
        check("subscribed mode GET error", str(e),
              "Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE "
              "/ PING / QUIT / RESET are allowed in this context")
    p.ping()
    m = p.get_message(timeout=2)
    check("subscribed mode PING", (m["type"], m["data"]), ("pong", ""))
    p.close()
    c.close()


def t_keyspace(r):
    r.config_set("notify-keyspace-events", "KEA")
    check("notify-keyspace-events normalized",
          r.config_get("notify-keyspace-events"),
          {"notify-keyspace-events": "AKE"})
    p = r.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("__keyspace@0__:py:ks*")
    p.get_message(timeout=1)
    r.set("py:ks", "1")
    r.lpush("py:ks2", "a")
    r.delete("py:ks", "py:ks2")
    events = [next_message(p) for _ in range(4)]
    check("keyspace events",
          [(m["channel"], m["data"]) for m in events if m],
          [("__keyspace@0__:py:ks", "set"), ("__keyspace@0__:py:ks2", "lpush"),
           ("__keyspace@0__:py:ks", "del"), ("__keyspace@0__:py:ks2", "del")])
    r.config_set("notify-keyspace-events", "")
    p.close()


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="mr-redispy-pubsub-")
    proc = None
    try:
        proc, port = start(binary, workdir)
        r = redis.Redis(port=port, decode_responses=True, socket_timeout=30)
        run("basic", lambda: t_basic(r))
        run("patterns", lambda: t_patterns(r))
        run("listen", lambda: t_listen(r))
        run("run_in_thread", lambda: t_run_in_thread(port))
        run("introspection", lambda: t_introspection(r))
        run("subscribed mode", lambda: t_subscribed_mode(port))
        run("keyspace", lambda: t_keyspace(r))
        r.close()
        check("server still running", proc.poll(), None)
    except Exception as e:  # noqa: BLE001 - start-up failure
        base.bad("setup", f"{type(e).__name__}: {e}")
    finally:
        if proc is not None:
            base.stop_server(proc)
        if base.FAILS:
            with open(os.path.join(workdir, "server.log"), "rb") as f:
                sys.stdout.write(f.read()[-20000:].decode(errors="replace"))
        subprocess.run(["rm", "-rf", "--", workdir], check=False)
    print(f"redis_py_pubsub.py: {base.PASSES} passed, {base.FAILS} failed")
    return 1 if base.FAILS else 0


def start(binary, workdir):
    """base.start_server with four workers instead of two."""
    if base.is_real_redis(binary):
        return base.start_server(binary, workdir)
    real_popen = subprocess.Popen

    def popen(args, **kw):
        args = [a if a != "2" or args[i - 1] != "--threads" else "4"
                for i, a in enumerate(args)]
        return real_popen(args, **kw)

    base.subprocess.Popen = popen
    try:
        return base.start_server(binary, workdir)
    finally:
        base.subprocess.Popen = real_popen


if __name__ == "__main__":
    sys.exit(main())
