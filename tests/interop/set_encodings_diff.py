#!/usr/bin/python3
"""Differential check of set encodings against the real redis-server 7.0.15:
the same random set commands go to both servers (set-max-intset-entries 8,
so conversions are frequent), and after every command the reply and the
OBJECT ENCODING of every key must match. Replies from an intset (ascending
in Redis) must match in order; others are compared as sets, since a hash
table's order is its own. Random picks (SPOP, SRANDMEMBER) are checked for
shape (count, distinct members of the set) and the popped members are then
removed from the other server with SREM, so both stay equal.

Usage: /usr/bin/python3 tests/interop/set_encodings_diff.py SERVER_BIN
"""

import os
import random
import shutil
import sys
import tempfile

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import redis_py as base  # noqa: E402  (after the path tweak)

REDIS = "/usr/bin/redis-server"
KEYS = ["k0", "k1", "k2", "k3"]
MAX = 8
# integers of every width and the int64 limits, their neighbours that are
# not integers to Redis, and plain strings
MEMBERS = ["0", "1", "-1", "7", "12", "300", "32767", "32768", "-32769",
           "70000", "2147483648", "-2147483649", "9223372036854775807",
           "-9223372036854775808", "9223372036854775808", "-0", "007", " 1",
           "+1", "x", "y"] + [str(i) for i in range(20, 40)]
STEPS = 3000


def encodings(r):
    return [r.object("encoding", k) if r.exists(k) else None for k in KEYS]


def members(r, k):
    return r.execute_command("SMEMBERS", k)


def is_int(m):
    """Redis's string2ll: canonical decimal that fits int64."""
    if m == "0":
        return True
    body = m[1:] if m.startswith("-") else m
    if not body or not body.isdigit() or body[0] == "0" or not body.isascii():
        return False
    return -2**63 <= int(m) < 2**63


def built_as_table(ms):
    return any(not is_int(m) for m in ms) or len(ms) > MAX


def snapshot(r, k):
    if not r.exists(k):
        return (set(), None)
    return (set(members(r, k)), r.object("encoding", k))


def spop_ok(args, r, got, before):
    """The SPOP reply is the right number of distinct members of the set,
    they are gone, and the encoding is what Redis 7.0 leaves: unchanged,
    except when few survive a SPOP with a count (rebuilt by the add rules)."""
    ms, enc = before
    popped = got if isinstance(got, list) else ([] if got is None else [got])
    want_n = min(len(ms), 1 if len(args) == 2 else int(args[2]))
    if len(popped) != want_n or len(set(popped)) != want_n or \
            not set(popped) <= ms:
        return False
    left, now = snapshot(r, args[1])
    if left != ms - set(popped):
        return False
    if not left:
        return now is None
    cnt, size = want_n, len(ms)
    if len(args) == 3 and 0 < cnt < size and (size - cnt) * 5 <= cnt:
        return now == ("hashtable" if built_as_table(left) else "intset")
    return now == enc


def copy_key(src, dst, k):
    """Makes dst's k hold src's members in src's encoding."""
    ms, enc = snapshot(src, k)
    dst.delete(k)
    if not ms:
        return
    if enc == "intset":
        dst.execute_command("SADD", k, *sorted(ms, key=int))
    else:  # a string member forces a table, which stays one
        dst.execute_command("SADD", k, "__table__", *ms)
        dst.execute_command("SREM", k, "__table__")


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(__doc__, file=sys.stderr)
        return 2
    if not os.access(REDIS, os.X_OK):
        print("set_encodings_diff.py: no redis-server, skipped")
        return 0
    rnd = random.Random(20261202)
    dirs = [tempfile.mkdtemp(prefix="mr-setdiff-") for _ in range(2)]
    procs = []
    try:
        pa, porta = base.start_server(REDIS, dirs[0])
        procs.append(pa)
        pb, portb = base.start_server(os.path.abspath(sys.argv[1]), dirs[1])
        procs.append(pb)
        ra = redis.Redis(port=porta, decode_responses=True)
        rb = redis.Redis(port=portb, decode_responses=True)
        for r in (ra, rb):
            r.config_set("set-max-intset-entries", MAX)
        fails = 0
        for step in range(STEPS):
            op = rnd.randrange(12)
            k = rnd.sample(KEYS, 4)
            if op <= 2:
                args = ["SADD", k[0]] + rnd.sample(MEMBERS, rnd.randint(1, 6))
            elif op == 3:
                args = ["SREM", k[0]] + rnd.sample(MEMBERS, rnd.randint(1, 4))
            elif op == 4:
                args = ["SMOVE", k[0], k[1], rnd.choice(MEMBERS)]
            elif op == 5:
                cmd = rnd.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
                n = rnd.randint(1, 4)
                # repeated keys make SDIFF take its second algorithm
                srcs = [rnd.choice(KEYS) for _ in range(n)] + \
                    ["nx"] * rnd.randint(0, 6)
                args = [cmd, k[0]] + srcs
            elif op == 6:
                cmd = rnd.choice(["SINTER", "SUNION", "SDIFF"])
                args = [cmd] + [rnd.choice(KEYS) for _ in range(rnd.randint(1, 3))]
            elif op == 7:
                args = ["SMISMEMBER", k[0]] + rnd.sample(MEMBERS, 3)
            elif op == 8:
                args = ["SSCAN", k[0], "0", "COUNT", "3"]
            else:
                args = ["SPOP", k[0]] + ([] if op == 9 else
                                         [str(rnd.randint(0, 12))])
            before_a = snapshot(ra, k[0])
            before_b = snapshot(rb, k[0])
            got_a = ra.execute_command(*args)
            if args[0] == "SPOP":
                # random picks: each server's outcome is checked against
                # Redis's rules for its own survivors, then rb is rebuilt
                # to ra's exact state (members and encoding)
                got_b = rb.execute_command(*args)
                for name, r, got in (("redis", ra, got_a), ("ours", rb, got_b)):
                    if not spop_ok(args, r, got, before_a if r is ra else before_b):
                        base.bad(f"step {step} {args} {name}", f"{got!r}")
                        fails += 1
                copy_key(ra, rb, k[0])
            else:
                got_b = rb.execute_command(*args)
                same = got_a == got_b
                if args[0] == "SSCAN" and before_a[1] == "hashtable":
                    # a table's cursor is its own: a step of members
                    same = set(got_b[1]) <= before_b[0]
                elif not same and isinstance(got_a, list):
                    same = sorted(got_a) == sorted(got_b)
                if not same:
                    base.bad(f"step {step} {args}", f"redis {got_a!r}, ours {got_b!r}")
                    fails += 1
            ea, eb = encodings(ra), encodings(rb)
            if ea != eb:
                base.bad(f"step {step} {args} OBJECT ENCODING",
                         f"redis {ea}, ours {eb}")
                fails += 1
            for key, e in zip(KEYS, ea):
                if e == "intset":  # ascending, exactly as Redis replies
                    ma, mb = members(ra, key), members(rb, key)
                    if ma != mb:
                        base.bad(f"step {step} SMEMBERS {key}", f"{ma} vs {mb}")
                        fails += 1
                elif e is not None:
                    if sorted(members(ra, key)) != sorted(members(rb, key)):
                        base.bad(f"step {step} SMEMBERS {key}", "differ")
                        fails += 1
            if fails > 5:
                break
        if fails == 0:
            base.ok(f"{STEPS} random set commands: same replies and encodings")
        base.check("server still running", pb.poll(), None)
    except Exception as e:  # noqa: BLE001
        base.bad("setup", f"{type(e).__name__}: {e}")
    finally:
        for p in procs:
            base.stop_server(p)
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
    print(f"set_encodings_diff.py: {base.PASSES} passed, {base.FAILS} failed")
    return 1 if base.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
