#!/usr/bin/python3
"""redis-py against the server under test: lists, hashes, sets and sorted
sets through the client's normal API, pipelines included, checked against what the same
calls must return. Shares the start/stop and reporting helpers of
redis_py.py. Prints PASS/FAIL lines; exits 1 on any failure.

Usage: /usr/bin/python3 tests/interop/redis_py_types.py SERVER_BIN
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


def t_hash(r):
    r.delete("h")
    check("HSET new fields", r.hset("h", mapping={"a": "1", "b": "2"}), 2)
    check("HSET update", r.hset("h", "a", "10"), 0)
    check("HGET", r.hget("h", "a"), "10")
    check("HGET missing field", r.hget("h", "zz"), None)
    check("HMGET", r.hmget("h", ["a", "zz", "b"]), ["10", None, "2"])
    check("HSETNX existing", r.hsetnx("h", "a", "x"), False)
    check("HSETNX new", r.hsetnx("h", "c", "3"), True)
    check("HLEN", r.hlen("h"), 3)
    check("HEXISTS", (r.hexists("h", "a"), r.hexists("h", "q")), (True, False))
    check("HSTRLEN", r.hstrlen("h", "a"), 2)
    check("HKEYS", sorted(r.hkeys("h")), ["a", "b", "c"])
    check("HVALS", sorted(r.hvals("h")), ["10", "2", "3"])
    check("HGETALL", r.hgetall("h"), {"a": "10", "b": "2", "c": "3"})
    check("HINCRBY", r.hincrby("h", "a", 5), 15)
    check("HINCRBY new", r.hincrby("h", "n", -3), -3)
    check("HINCRBYFLOAT", r.hincrbyfloat("h", "f", 1.5), 1.5)
    check("HINCRBYFLOAT again", r.hincrbyfloat("h", "f", 0.25), 1.75)
    check("HDEL", r.hdel("h", "a", "zz"), 1)
    check("TYPE hash", r.type("h"), "hash")
    k = r.hrandfield("h")
    check_true("HRANDFIELD one", k in ("b", "c", "n", "f"), repr(k))
    check("HRANDFIELD count", len(r.hrandfield("h", 10)), 4)
    check("HRANDFIELD negative count", len(r.hrandfield("h", -7)), 7)
    seen = dict(r.hscan_iter("h"))
    check("HSCAN", seen, r.hgetall("h"))
    try:
        r.hincrby("h", "b", 9223372036854775807)
        r.hincrby("h", "b", 9223372036854775807)
        base.bad("HINCRBY overflow", "no error")
    except redis.ResponseError as e:
        check("HINCRBY overflow", str(e),
              "increment or decrement would overflow")
    try:
        r.get("h")
        base.bad("GET on hash", "no error")
    except redis.ResponseError as e:
        check_true("GET on hash WRONGTYPE", str(e).startswith("WRONGTYPE"),
                   str(e))
    # a big hash (past the compact encoding's limits) behaves the same
    r.delete("big")
    r.hset("big", mapping={f"f{i}": "x" * (i % 100) for i in range(1000)})
    check("big HLEN", r.hlen("big"), 1000)
    check("big HGET", r.hget("big", "f999"), "x" * 99)
    check("big HSCAN", len(dict(r.hscan_iter("big", count=50))), 1000)
    check("HDEL all deletes key", (r.hdel("h", *r.hkeys("h")) > 0,
                                   r.exists("h")), (True, 0))
    r.set("s", "v")
    try:
        r.hset("s", "a", "1")
        base.bad("HSET on string", "no error")
    except redis.ResponseError as e:
        check_true("HSET on string WRONGTYPE", str(e).startswith("WRONGTYPE"),
                   str(e))
    check("COPY hash", r.copy("big", "big2"), True)
    r.hset("big", "f0", "changed")
    check("COPY is deep", r.hget("big2", "f0"), "")


def t_set(r):
    r.delete("s1", "s2", "s3", "dst")
    check("SADD", r.sadd("s1", "a", "b", "c", "a"), 3)
    check("SADD existing", r.sadd("s1", "a"), 0)
    check("SCARD", r.scard("s1"), 3)
    check("SISMEMBER", (r.sismember("s1", "a"), r.sismember("s1", "z")),
          (True, False))
    check("SMISMEMBER", r.smismember("s1", ["a", "z", "c"]), [1, 0, 1])
    check("SMEMBERS", r.smembers("s1"), {"a", "b", "c"})
    r.sadd("s2", "b", "c", "d")
    check("SINTER", r.sinter("s1", "s2"), {"b", "c"})
    check("SUNION", r.sunion("s1", "s2"), {"a", "b", "c", "d"})
    check("SDIFF", r.sdiff("s1", "s2"), {"a"})
    check("SINTERSTORE", r.sinterstore("dst", ["s1", "s2"]), 2)
    check("SINTERSTORE result", r.smembers("dst"), {"b", "c"})
    check("SUNIONSTORE", r.sunionstore("dst", ["s1", "s2"]), 4)
    check("SDIFFSTORE", r.sdiffstore("dst", ["s1", "s2"]), 1)
    check("SINTERCARD", r.execute_command("SINTERCARD", 2, "s1", "s2"), 2)
    check("SINTERCARD LIMIT",
          r.execute_command("SINTERCARD", 2, "s1", "s2", "LIMIT", 1), 1)
    check("SMOVE", r.smove("s1", "s3", "a"), True)
    check("SMOVE missing", r.smove("s1", "s3", "a"), False)
    check("SREM", r.srem("s2", "d", "zz"), 1)
    m = r.srandmember("s2")
    check_true("SRANDMEMBER", m in ("b", "c"), repr(m))
    check("SRANDMEMBER count", sorted(r.srandmember("s2", 5)), ["b", "c"])
    check("SRANDMEMBER negative", len(r.srandmember("s2", -5)), 5)
    popped = r.spop("s2", 5)
    check("SPOP count", sorted(popped), ["b", "c"])
    check("SPOP emptied key", r.exists("s2"), 0)
    check("SPOP missing", r.spop("s2"), None)
    r.sadd("many", *range(1000))
    check("SSCAN", len(set(r.sscan_iter("many", count=37))), 1000)
    check("SSCAN MATCH", sorted(r.sscan_iter("many", match="99?")),
          [str(i) for i in range(990, 1000)])
    check("TYPE set", r.type("many"), "set")
    try:
        r.sadd("dst", "x") and r.hset("dst", "f", "v")
        base.bad("HSET on set", "no error")
    except redis.ResponseError as e:
        check_true("HSET on set WRONGTYPE", str(e).startswith("WRONGTYPE"),
                   str(e))


def t_intset(r):
    """Integer sets: the compact encoding and its conversions are invisible
    to the client's API, and OBJECT ENCODING answers as Redis 7.0 does."""
    r.delete("is", "is2", "isd", "isbig")
    check("SADD ints", r.sadd("is", *range(9, -1, -1)), 10)
    check("intset encoding", r.object("encoding", "is"), "intset")
    check("intset SMEMBERS", r.smembers("is"), {str(i) for i in range(10)})
    check("intset SSCAN one call", r.sscan("is", 0, count=2),
          (0, [str(i) for i in range(10)]))
    check("intset SISMEMBER", (r.sismember("is", 3), r.sismember("is", "03")),
          (True, False))
    check("intset SRANDMEMBER", len(set(r.srandmember("is", 7))), 7)
    check("intset SPOP count", len(r.spop("is", 3)), 3)
    check("intset after SPOP", r.scard("is"), 7)
    r.sadd("is2", -2**63, 2**63 - 1, 70000)
    check("int64 limits intset", r.object("encoding", "is2"), "intset")
    r.sadd("is2", 2**63)
    check("one past int64: table", r.object("encoding", "is2"), "hashtable")
    check("one past int64 member", r.sismember("is2", str(2**63)), True)
    p = r.pipeline(transaction=False)
    p.sadd("isbig", *range(512))
    p.object("encoding", "isbig")
    p.sadd("isbig", 512)
    p.object("encoding", "isbig")
    p.sunionstore("isd", ["is", "is"])
    p.object("encoding", "isd")
    check("pipelined conversion at 513", p.execute(),
          [512, "intset", 1, "hashtable", 7, "intset"])
    check("CONFIG GET set-max-intset-entries",
          r.config_get("set-max-intset-entries"),
          {"set-max-intset-entries": "512"})


def t_list(r):
    r.delete("l", "l2", "lm", "lx")
    check("RPUSH", r.rpush("l", "a", "b", "c"), 3)
    check("LPUSH", r.lpush("l", "y", "x"), 5)
    check("LRANGE", r.lrange("l", 0, -1), ["x", "y", "a", "b", "c"])
    check("LRANGE negative", r.lrange("l", -2, 100), ["b", "c"])
    check("LLEN", r.llen("l"), 5)
    check("LINDEX", (r.lindex("l", 0), r.lindex("l", -1), r.lindex("l", 9)),
          ("x", "c", None))
    check("LSET", r.lset("l", 1, "Y"), True)
    check("LINSERT", r.linsert("l", "before", "a", "A"), 6)
    check("LINSERT missing pivot", r.linsert("l", "after", "zz", "q"), -1)
    check("LPUSHX", (r.lpushx("l", "w"), r.lpushx("nolist", "w")), (7, 0))
    check("RPUSHX", (r.rpushx("l", "d"), r.rpushx("nolist", "d")), (8, 0))
    check("LPOP", r.lpop("l"), "w")
    check("RPOP", r.rpop("l"), "d")
    check("LPOP count", r.lpop("l", 2), ["x", "Y"])
    check("RPOP count", r.rpop("l", 2), ["c", "b"])
    check("LPOP count 0", r.lpop("l", 0), [])
    check("LPOP missing", (r.lpop("nolist"), r.lpop("nolist", 3)),
          (None, None))
    r.rpush("l", "a", "b", "a", "c", "a")
    check("LPOS", r.lpos("l", "a"), 1)
    check("LPOS RANK", r.lpos("l", "a", rank=-1), 6)
    check("LPOS COUNT", r.lpos("l", "a", count=0), [1, 2, 4, 6])
    check("LPOS MAXLEN", r.lpos("l", "a", count=0, maxlen=3), [1, 2])
    check("LPOS missing element", r.lpos("l", "zz"), None)
    check("LREM", r.lrem("l", -2, "a"), 2)
    check("LREM result", r.lrange("l", 0, -1), ["A", "a", "a", "b", "c"])
    check("LTRIM", r.ltrim("l", 2, -2), True)
    check("LTRIM result", r.lrange("l", 0, -1), ["a", "b"])
    check("LMOVE", r.lmove("l", "l2", "LEFT", "RIGHT"), "a")
    check("RPOPLPUSH", r.rpoplpush("l", "l2"), "b")
    check("source emptied", r.exists("l"), 0)
    check("LMOVE result", r.lrange("l2", 0, -1), ["b", "a"])
    check("LMOVE rotate", r.lmove("l2", "l2", "LEFT", "RIGHT"), "b")
    check("LMOVE missing", r.lmove("l", "l2"), None)
    check("LMPOP", r.lmpop(2, "nolist", "l2", direction="RIGHT", count=5),
          ["l2", ["b", "a"]])
    check("LMPOP none", r.lmpop(1, "l2", direction="LEFT"), None)
    check("TYPE list", (r.rpush("lx", 1, 2), r.type("lx")), (2, "list"))
    check("OBJECT ENCODING", r.object("encoding", "lx"), "quicklist")
    check("COPY list", r.copy("lx", "lm"), True)
    r.rpush("lx", 3)
    check("COPY is deep", r.lrange("lm", 0, -1), ["1", "2"])
    check("SCAN TYPE list", sorted(r.scan_iter(match="l?", _type="list")),
          ["lm", "lx"])
    # many nodes: 5000 elements across the default 8 KiB nodes
    r.delete("big")
    r.rpush("big", *[f"{i:05d}" + "x" * 50 for i in range(5000)])
    check("big LLEN", r.llen("big"), 5000)
    check("big LINDEX", r.lindex("big", 2500)[:5], "02500")
    check("big LRANGE", [x[:5] for x in r.lrange("big", 4990, -1)],
          [f"{i:05d}" for i in range(4990, 5000)])
    check("big LPOS", r.lpos("big", "04321" + "x" * 50), 4321)
    for bad in (lambda: r.lpop("lx", -1), lambda: r.lindex("lx", "x"),
                lambda: r.lpos("lx", "1", rank=0), lambda: r.lset("nolist", 0, "v")):
        try:
            bad()
            base.bad("list bad input", "no error")
        except redis.ResponseError as e:
            check_true("list bad input error", str(e) in (
                "value is out of range, must be positive",
                "value is not an integer or out of range",
                "RANK can't be zero: use 1 to start from the first match, 2 "
                "from the second ... or use negative to start from the end of "
                "the list", "no such key"), str(e))
    r.set("str", "v")
    for call in (lambda: r.lpush("str", "a"), lambda: r.lrange("str", 0, -1),
                 lambda: r.get("lx")):
        try:
            call()
            base.bad("list WRONGTYPE", "no error")
        except redis.ResponseError as e:
            check_true("list WRONGTYPE", str(e).startswith("WRONGTYPE"), str(e))
def t_zset(r):
    r.delete("z1", "z2", "zd", "zbig", "zs")
    check("ZADD mapping", r.zadd("z1", {"a": 1, "b": 2, "c": 3.5}), 3)
    check("ZADD existing", r.zadd("z1", {"a": 1}), 0)
    check("ZADD nx", r.zadd("z1", {"a": 100, "d": 4}, nx=True), 1)
    check("ZADD xx ch", r.zadd("z1", {"a": 1.5, "zz": 9}, xx=True, ch=True), 1)
    check("ZADD gt ch", r.zadd("z1", {"a": 0, "b": 20}, gt=True, ch=True), 1)
    check("ZADD incr", r.zadd("z1", {"c": 0.5}, incr=True), 4.0)
    check("ZSCORE", r.zscore("z1", "a"), 1.5)
    check("ZSCORE missing", r.zscore("z1", "nope"), None)
    check("ZMSCORE", r.zmscore("z1", ["a", "nope", "d"]), [1.5, None, 4.0])
    check("ZCARD", r.zcard("z1"), 4)
    check("ZINCRBY", r.zincrby("z1", 2.5, "a"), 4.0)
    check("ZRANGE withscores", r.zrange("z1", 0, -1, withscores=True),
          [("a", 4.0), ("c", 4.0), ("d", 4.0), ("b", 20.0)])
    check("ZRANGE desc", r.zrange("z1", 0, 1, desc=True), ["b", "d"])
    check("ZREVRANGE", r.zrevrange("z1", 0, 0, withscores=True),
          [("b", 20.0)])
    check("ZRANGEBYSCORE", r.zrangebyscore("z1", "(4", "+inf"), ["b"])
    check("ZRANGEBYSCORE limit",
          r.zrangebyscore("z1", "-inf", "+inf", start=1, num=2), ["c", "d"])
    check("ZREVRANGEBYSCORE", r.zrevrangebyscore("z1", 20, 4, start=0, num=2),
          ["b", "d"])
    check("ZRANGE byscore", r.zrange("z1", 4, 4, byscore=True), ["a", "c", "d"])
    check("ZCOUNT", r.zcount("z1", 4, "(20"), 3)
    check("ZRANK", (r.zrank("z1", "c"), r.zrevrank("z1", "c"),
                    r.zrank("z1", "nope")), (1, 2, None))
    check("ZRANGESTORE", r.zrangestore("zd", "z1", 0, 1), 2)
    check("ZRANGESTORE result", r.zrange("zd", 0, -1), ["a", "c"])
    check("ZREM", r.zrem("z1", "d", "nope"), 1)
    r.zadd("z2", {"a": 10, "c": 20, "x": 30})
    r.sadd("zs", "x", "y")
    check("ZUNIONSTORE weights",
          r.zunionstore("zd", {"z1": 2, "z2": 1, "zs": 3}), 5)
    check("ZUNIONSTORE result", r.zrange("zd", 0, -1, withscores=True),
          [("y", 3.0), ("a", 18.0), ("c", 28.0), ("x", 33.0), ("b", 40.0)])
    check("ZINTERSTORE max", r.zinterstore("zd", ["z1", "z2"],
                                           aggregate="MAX"), 2)
    check("ZINTERSTORE result", r.zrange("zd", 0, -1, withscores=True),
          [("a", 10.0), ("c", 20.0)])
    check("ZUNION", r.zunion(["z1", "z2"], withscores=True, aggregate="MIN"),
          [("a", 4.0), ("c", 4.0), ("b", 20.0), ("x", 30.0)])
    check("ZINTER", r.zinter(["z1", "z2"]), ["a", "c"])
    # redis-py 4.3 leaves ZDIFF's WITHSCORES reply unparsed (flat strings)
    check("ZDIFF", r.zdiff(["z1", "z2"], withscores=True), ["b", "20"])
    check("ZDIFFSTORE", r.zdiffstore("zd", ["z2", "z1"]), 1)
    check("ZINTERCARD", r.zintercard(2, ["z1", "z2"]), 2)
    check("ZPOPMIN", r.zpopmin("z2"), [("a", 10.0)])
    check("ZPOPMAX count", r.zpopmax("z2", 5), [("x", 30.0), ("c", 20.0)])
    check("ZPOPMIN emptied key", r.exists("z2"), 0)
    check("ZMPOP", r.zmpop(2, ["z2", "z1"], min=True, count=2),
          ["z1", [["a", "4"], ["c", "4"]]])
    r.zadd("zl", {m: 0 for m in "abcdefg"})
    check("ZRANGEBYLEX", r.zrangebylex("zl", "[b", "(e"), ["b", "c", "d"])
    check("ZREVRANGEBYLEX", r.zrevrangebylex("zl", "+", "-", start=0, num=2),
          ["g", "f"])
    check("ZLEXCOUNT", r.zlexcount("zl", "-", "+"), 7)
    check("ZREMRANGEBYLEX", r.zremrangebylex("zl", "-", "[b"), 2)
    check("ZREMRANGEBYRANK", r.zremrangebyrank("zl", 0, 1), 2)
    check("ZREMRANGEBYSCORE", r.zremrangebyscore("zl", "-inf", "+inf"), 3)
    check("ZREMRANGEBYSCORE emptied key", r.exists("zl"), 0)
    # a big sorted set (past the compact encoding's limits) behaves the same
    r.zadd("zbig", {f"m{i}": i for i in range(1000)})
    check("big OBJECT ENCODING", r.object("encoding", "zbig"), "skiplist")
    check("big ZRANK", r.zrank("zbig", "m777"), 777)
    check("big ZRANGE", r.zrange("zbig", 500, 502), ["m500", "m501", "m502"])
    check("big ZSCAN", len(dict(r.zscan_iter("zbig", count=50))), 1000)
    check("big ZSCAN scores",
          all(float(s) == int(m[1:]) for m, s in r.zscan_iter("zbig")), True)
    m = r.zrandmember("zbig")
    check_true("ZRANDMEMBER one", m.startswith("m"), repr(m))
    check("ZRANDMEMBER count", len(set(r.zrandmember("zbig", 100))), 100)
    check("ZRANDMEMBER negative", len(r.zrandmember("zbig", -2000)), 2000)
    check("TYPE zset", r.type("zbig"), "zset")
    check("COPY zset", r.copy("zbig", "zbig2"), True)
    r.zadd("zbig", {"m0": 5000})
    check("COPY is deep", r.zscore("zbig2", "m0"), 0.0)
    for bad, args in (("ZADD non-numeric", ("ZADD", "z1", "x", "m")),
                      ("ZADD nan", ("ZADD", "z1", "nan", "m")),
                      ("ZINCRBY non-numeric", ("ZINCRBY", "z1", "x", "m"))):
        try:
            r.execute_command(*args)
            base.bad(bad, "no error")
        except redis.ResponseError as e:
            check(bad, str(e), "value is not a valid float")
    try:
        r.zrangebyscore("z1", "x", 1)
        base.bad("ZRANGEBYSCORE bad range", "no error")
    except redis.ResponseError as e:
        check("ZRANGEBYSCORE bad range", str(e), "min or max is not a float")
    r.set("zstr", "v")
    try:
        r.zadd("zstr", {"a": 1})
        base.bad("ZADD on string", "no error")
    except redis.ResponseError as e:
        check_true("ZADD on string WRONGTYPE", str(e).startswith("WRONGTYPE"),
                   str(e))


def t_pipeline(r):
    r.delete("ph", "ps")
    p = r.pipeline(transaction=False)
    for i in range(300):
        p.hset("ph", f"f{i}", i)
        p.sadd("ps", i % 100)
    p.hlen("ph")
    p.scard("ps")
    p.hget("ph", "f299")
    res = p.execute()
    check("pipeline HSET results", res[0:600:2], [1] * 300)
    check("pipeline SADD results", sum(res[1:600:2]), 100)
    check("pipeline tail", res[600:], [300, 100, "299"])
    r.delete("pl", "pl2")
    p = r.pipeline(transaction=False)
    for i in range(300):
        p.rpush("pl", i)
    p.lpop("pl", 100)
    p.lmove("pl", "pl2", "RIGHT", "LEFT")
    p.llen("pl")
    p.lrange("pl2", 0, -1)
    res = p.execute()
    check("pipeline RPUSH results", res[:300], list(range(1, 301)))
    check("pipeline LPOP count", res[300], [str(i) for i in range(100)])
    check("pipeline tail (lists)", res[301:], ["299", 199, ["299"]])
    r.delete("pz")
    p = r.pipeline(transaction=False)
    for i in range(300):
        p.zadd("pz", {f"m{i % 150}": i})
    p.zcard("pz")
    p.zrange("pz", 0, 1, withscores=True)
    p.zpopmax("pz")
    res = p.execute()
    check("pipeline ZADD results", sum(res[:300]), 150)
    check("pipeline ZADD tail", res[300:],
          [150, [("m0", 150.0), ("m1", 151.0)], [("m149", 299.0)]])


def t_threads(port):
    """Eight clients SMOVE members between two sets in both directions and
    HINCRBY one field: the totals must come out exact."""
    r = redis.Redis(port=port, decode_responses=True)
    r.delete("ta", "tb", "th")
    r.sadd("ta", *range(100))
    errors = []

    def work(n):
        c = redis.Redis(port=port, decode_responses=True)
        try:
            for i in range(300):
                src, dst = ("ta", "tb") if (i + n) % 2 else ("tb", "ta")
                c.smove(src, dst, (i * 7 + n) % 100)
                c.hincrby("th", "n", 1)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check("threads no errors", errors, [])
    check("SMOVE keeps every member once",
          sorted(int(x) for x in r.smembers("ta") | r.smembers("tb")),
          list(range(100)))
    check("SMOVE total", r.scard("ta") + r.scard("tb"), 100)
    check("8 threads x 300 HINCRBY", r.hget("th", "n"), "2400")


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(__doc__, file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="mr-pytypes-")
    proc = None
    try:
        proc, port = base.start_server(os.path.abspath(sys.argv[1]), workdir)
        r = redis.Redis(port=port, decode_responses=True)
        run("list", lambda: t_list(r))
        run("hash", lambda: t_hash(r))
        run("set", lambda: t_set(r))
        run("intset", lambda: t_intset(r))
        run("zset", lambda: t_zset(r))
        run("pipeline", lambda: t_pipeline(r))
        run("threads", lambda: t_threads(port))
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
    print(f"redis_py_types.py: {base.PASSES} passed, {base.FAILS} failed")
    return 1 if base.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
