#!/usr/bin/python3
"""redis-py against the server under test: transactions through the
client's own API. pipeline(transaction=True) (MULTI ... EXEC in one
round trip, runtime errors inside, EXECABORT), r.transaction(fn, key)
(WATCH, retried on WatchError) from several threads, pipeline.watch()
failing when another client writes the key, and discard/reset. Shares the
helpers of redis_py.py. Prints PASS/FAIL lines; exits 1 on any failure.

Usage: /usr/bin/python3 tests/interop/redis_py_tx.py SERVER_BIN
"""

import os
import shutil
import sys
import tempfile
import threading

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import redis_py as base  # noqa: E402  (after the path tweak)

check, check_true, run = base.check, base.check_true, base.run


def t_pipeline_tx(r):
    r.delete("tx:a", "tx:b", "tx:l")
    p = r.pipeline(transaction=True)
    p.set("tx:a", "1").incr("tx:a").rpush("tx:l", "x", "y").get("tx:a")
    check("MULTI/EXEC results", p.execute(), [True, 2, 2, "2"])
    p = r.pipeline(transaction=True)
    p.set("tx:b", "x").incr("tx:b").set("tx:a", "after")
    res = p.execute(raise_on_error=False)
    check("runtime error is in its slot", isinstance(res[1], redis.ResponseError), True)
    check("runtime error text", str(res[1]), "value is not an integer or out of range")
    check("commands after the error ran", (res[0], res[2], r.get("tx:a")),
          (True, True, "after"))
    p = r.pipeline(transaction=True)
    p.set("tx:a", "lost")
    p.execute_command("NOSUCHCOMMAND")
    try:
        p.execute()
        base.bad("EXECABORT", "no error raised")
    except redis.ResponseError as e:
        check_true("EXECABORT raised", "EXECABORT" in str(e) or "unknown command" in str(e),
                   str(e))
    check("aborted transaction wrote nothing", r.get("tx:a"), "after")
    p = r.pipeline(transaction=True)
    p.set("tx:a", "discarded")
    p.reset()
    check("reset pipeline sends nothing", r.get("tx:a"), "after")


def t_watch_error(r, port):
    r.set("tx:w", "1")
    other = redis.Redis(port=port, decode_responses=True)
    with r.pipeline() as p:
        p.watch("tx:w")
        check("immediate mode read", p.get("tx:w"), "1")
        other.set("tx:w", "2")
        p.multi()
        p.set("tx:w", "3")
        try:
            p.execute()
            base.bad("WatchError", "EXEC succeeded after another client wrote")
        except redis.WatchError:
            base.ok("WatchError after another client's write")
    check("value from the other client", r.get("tx:w"), "2")
    with r.pipeline() as p:
        p.watch("tx:w")
        p.multi()
        p.incr("tx:w")
        check("untouched watch executes", p.execute(), [3])
    other.close()


def t_transaction_fn(port):
    """r.transaction(fn, key): 10 threads x 20 increments through WATCH;
    every retry is redis-py's, the result must be exact."""
    r = redis.Redis(port=port, decode_responses=True)
    r.set("tx:n", "0")
    retries = [0]
    lock = threading.Lock()
    errors = []

    def incr(pipe):
        v = int(pipe.get("tx:n"))
        pipe.multi()
        pipe.set("tx:n", v + 1)

    def worker():
        c = redis.Redis(port=port, decode_responses=True)
        try:
            for _ in range(20):
                attempts = [0]

                def fn(pipe):
                    attempts[0] += 1
                    incr(pipe)
                c.transaction(fn, "tx:n")
                with lock:
                    retries[0] += attempts[0] - 1
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        finally:
            c.close()

    ts = [threading.Thread(target=worker) for _ in range(10)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    check("no errors in threads", errors, [])
    check("200 optimistic increments", r.get("tx:n"), "200")
    base.ok(f"retries seen: {retries[0]}")
    r.close()


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(__doc__, file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="mr-pytx-")
    proc = None
    try:
        proc, port = base.start_server(os.path.abspath(sys.argv[1]), workdir)
        r = redis.Redis(port=port, decode_responses=True)
        run("pipeline transaction", lambda: t_pipeline_tx(r))
        run("watch error", lambda: t_watch_error(r, port))
        run("transaction fn", lambda: t_transaction_fn(port))
        check("server still running", proc.poll(), None)
    except Exception as e:  # noqa: BLE001
        base.bad("setup", f"{type(e).__name__}: {e}")
    finally:
        if proc is not None:
            base.stop_server(proc)
        if base.FAILS:
            with open(os.path.join(workdir, "server.log"), "rb") as f:
                sys.stdout.write(f.read()[-20000:].decode(errors="replace"))
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"redis_py_tx.py: {base.PASSES} passed, {base.FAILS} failed")
    return 1 if base.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
