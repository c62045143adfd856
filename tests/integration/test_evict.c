/* Cache mode: maxmemory and each maxmemory-policy against the real binary.
 *
 * Every test starts a server of its own (maxmemory is server-wide) and sets
 * the budget relative to what the idle server already uses, so the same
 * tests run against redis-server (MINIREDIS_BIN=/usr/bin/redis-server).
 * Keys are written in pipelined batches; every fill is bounded in keys. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define VLEN 100
#define BATCH 500
#define MAX_FILL 400000 /* keys: no fill loop goes past this */

static const char *const OOM =
    "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

static long long info_ll(int fd, const char *section, const char *field) {
    h_resp_t *r = h_callp(fd, "INFO", section, NULL);
    cr_assert_eq(r->type, '$');
    char v[64];
    long long n = h_field(r->str, field, v, sizeof v) ? atoll(v) : -1;
    h_resp_free(r);
    return n;
}

/* Memory that counts against maxmemory now (Redis subtracts the same),
 * from one INFO reply. Right after start-up, workers still setting up
 * may have registered buffers the figure read just before did not yet
 * include: wait (bounded) for a consistent one. */
static long long counted(int fd) {
    for (int tries = 0;; tries++) {
        h_resp_t *r = h_callp(fd, "INFO", "memory", NULL);
        char u[64], n[64];
        cr_assert(h_field(r->str, "used_memory", u, sizeof u));
        cr_assert(h_field(r->str, "mem_not_counted_for_evict", n, sizeof n));
        h_resp_free(r);
        long long c = atoll(u) - atoll(n);
        if (c > 0 || tries == 100) return c;
        h_sleep_ms(20);
    }
}

static void config_set(int fd, const char *name, const char *value) {
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", name, value);
}

/* maxmemory = what the idle server counts + extra bytes. */
static long long set_budget(int fd, long long extra) {
    long long mm = counted(fd) + extra;
    char v[32];
    snprintf(v, sizeof v, "%lld", mm);
    h_bytes_t b = h_call(fd, "CONFIG", "SET", "maxmemory", v, NULL);
    cr_assert(b.buf && strcmp(b.buf, "+OK\r\n") == 0,
              "CONFIG SET maxmemory %s: %s", v,
              b.buf ? h_escape(b.buf, b.len) : "(no reply)");
    h_bytes_free(&b);
    return mm;
}

static void start(h_server_t *s, const char *policy) {
    const char *argv[] = {"--maxmemory-policy", policy, "--save", "", NULL};
    cr_assert_eq(h_server_start(s, argv), 0, "server did not start");
}

/* Appends one command (printf-built words separated by spaces; no word
 * holds a space) to buf as RESP. */
static void append_cmd(char **buf, size_t *len, size_t *cap, int argc,
                       const char *const *argv) {
    size_t n;
    char *c = h_resp_cmd(argc, argv, NULL, &n);
    if (*len + n > *cap) {
        *cap = (*len + n) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, c, n);
    *len += n;
    free(c);
}

/* Sends the batch and reads `n` replies; returns how many were -OOM, and
 * how many were integers summed into *sum (may be NULL). */
static int run_batch(int fd, char *buf, size_t len, int n, long long *sum) {
    cr_assert(h_send(fd, buf, len));
    int oom = 0;
    for (int i = 0; i < n; i++) {
        h_bytes_t b = h_read_reply(fd);
        cr_assert(b.buf, "reply %d of %d missing", i, n);
        if (b.len == strlen(OOM) && memcmp(b.buf, OOM, b.len) == 0) oom++;
        else if (b.buf[0] == '-')
            cr_assert_fail("unexpected error %s", h_escape(b.buf, b.len));
        if (sum && b.buf[0] == ':') *sum += atoll(b.buf + 1);
        h_bytes_free(&b);
    }
    return oom;
}

/* SET prefix:i for i in [from, to), VLEN-byte values, EX ttl when ttl > 0.
 * Returns the number of -OOM replies. */
static int set_range(int fd, const char *prefix, int from, int to, int ttl) {
    char val[VLEN + 1];
    memset(val, 'v', VLEN);
    val[VLEN] = '\0';
    int oom = 0;
    for (int i = from; i < to;) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int n = 0;
        for (; i < to && n < BATCH; i++, n++) {
            char key[64], t[16];
            snprintf(key, sizeof key, "%s:%d", prefix, i);
            snprintf(t, sizeof t, "%d", ttl);
            const char *argv[] = {"SET", key, val, "EX", t};
            append_cmd(&buf, &len, &cap, ttl > 0 ? 5 : 3, argv);
        }
        oom += run_batch(fd, buf, len, n, NULL);
        free(buf);
    }
    return oom;
}

/* Runs `cmd prefix:i` for i in [from, to), summing integer replies, in
 * batches of `batch`: reads over maxmemory evict too, and a big batch's
 * request and reply buffers count against it while it runs. */
static long long each_key_by(int fd, const char *cmd, const char *prefix,
                             int from, int to, int batch) {
    long long sum = 0;
    for (int i = from; i < to;) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int n = 0;
        for (; i < to && n < batch; i++, n++) {
            char key[64];
            snprintf(key, sizeof key, "%s:%d", prefix, i);
            const char *argv[] = {cmd, key};
            append_cmd(&buf, &len, &cap, 2, argv);
        }
        run_batch(fd, buf, len, n, &sum);
        free(buf);
    }
    return sum;
}

static long long each_key(int fd, const char *cmd, const char *prefix,
                          int from, int to) {
    return each_key_by(fd, cmd, prefix, from, to, BATCH);
}

static long long exists_range(int fd, const char *prefix, int from, int to) {
    return each_key(fd, "EXISTS", prefix, from, to);
}

/* Writes prefix:0.. until the server has evicted something (the budget is
 * full); returns how many keys were written. */
static int fill_until_eviction(int fd, const char *prefix, int ttl) {
    int n = 0;
    while (info_ll(fd, "stats", "evicted_keys") == 0) {
        cr_assert_lt(n, MAX_FILL, "no eviction after %d keys", n);
        cr_assert_eq(set_range(fd, prefix, n, n + BATCH, ttl), 0);
        n += BATCH;
    }
    return n;
}

/* Under volatile-ttl with one key that has a TTL: writes keys without one
 * until that key is evicted; the writes after it get -OOM (nothing else is
 * evictable), which is expected here. */
static void fill_until_ttl_key_evicted(int fd) {
    for (int n = 0; info_ll(fd, "stats", "evicted_keys") == 0; n += BATCH) {
        cr_assert_lt(n, MAX_FILL, "no eviction after %d keys", n);
        set_range(fd, "p", n, n + BATCH, 0);
    }
}

Test(evict, noeviction_refuses_writes_but_reads_and_deletes_work) {
    h_server_t s;
    start(&s, "noeviction");
    int fd = h_connect(s.port);
    set_budget(fd, 1 << 20);
    int oom = 0, n = 0;
    while (oom == 0) {
        cr_assert_lt(n, MAX_FILL, "no OOM after %d keys", n);
        oom = set_range(fd, "k", n, n + BATCH, 0);
        n += BATCH;
    }
    /* the exact error, for each command that may add memory */
    expect_cmd(fd, OOM, "SET", "another", "v");
    expect_cmd(fd, OOM, "LPUSH", "list", "v");
    expect_cmd(fd, OOM, "HSET", "h", "f", "v");
    expect_cmd(fd, OOM, "APPEND", "k:0", "more");
    /* reads and deletes still work */
    char val[VLEN + 1];
    memset(val, 'v', VLEN);
    val[VLEN] = '\0';
    char exp[VLEN + 16];
    snprintf(exp, sizeof exp, "$%d\r\n%s\r\n", VLEN, val);
    expect_cmd(fd, exp, "GET", "k:0");
    expect_cmd(fd, ":1\r\n", "EXISTS", "k:1");
    expect_cmd(fd, ":1\r\n", "DEL", "k:1");
    expect_cmd(fd, ":0\r\n", "EXISTS", "k:1");
    expect_cmd(fd, ":0\r\n", "EXPIRE", "nokey", "10"); /* not denyoom */
    cr_assert_eq(info_ll(fd, "stats", "evicted_keys"), 0);
    h_resp_t *es = h_callp(fd, "INFO", "errorstats", NULL);
    cr_assert(strstr(es->str, "errorstat_OOM:count="), "%s", es->str);
    h_resp_free(es);
    /* deleting enough makes room again */
    each_key(fd, "DEL", "k", 0, n);
    expect_cmd(fd, "+OK\r\n", "SET", "another", "v");
    close(fd);
    h_server_stop(&s);
}

Test(evict, info_and_config) {
    h_server_t s;
    start(&s, "allkeys-lru");
    int fd = h_connect(s.port);
    config_set(fd, "maxmemory", "100mb");
    cr_assert_eq(info_ll(fd, "memory", "maxmemory"), 100LL << 20);
    h_resp_t *r = h_callp(fd, "INFO", "memory", NULL);
    char v[64];
    cr_assert(h_field(r->str, "maxmemory_human", v, sizeof v));
    cr_assert_str_eq(v, "100.00M");
    cr_assert(h_field(r->str, "maxmemory_policy", v, sizeof v));
    cr_assert_str_eq(v, "allkeys-lru");
    h_resp_free(r);
    expect_cmd(fd, "*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n", "CONFIG",
               "GET", "maxmemory");
    config_set(fd, "maxmemory", "2gb");
    cr_assert_eq(info_ll(fd, "memory", "maxmemory"), 2LL << 30);
    expect_cmd(fd,
               "-ERR CONFIG SET failed (possibly related to argument "
               "'maxmemory-policy') - argument(s) must be one of the "
               "following: volatile-lru, volatile-lfu, volatile-random, "
               "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
               "noeviction\r\n",
               "CONFIG", "SET", "maxmemory-policy", "lru");
    expect_cmd(fd, "*2\r\n$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n", "CONFIG",
               "GET", "maxmemory-samples");
    expect_cmd(fd, "*2\r\n$14\r\nlfu-log-factor\r\n$2\r\n10\r\n", "CONFIG",
               "GET", "lfu-log-factor");
    expect_cmd(fd, "*2\r\n$14\r\nlfu-decay-time\r\n$1\r\n1\r\n", "CONFIG",
               "GET", "lfu-decay-time");
    for (const char *const *p = (const char *const[]){"keyspace_hits",
                                                      "keyspace_misses",
                                                      "expired_keys",
                                                      "evicted_keys", NULL};
         *p; p++)
        cr_assert_eq(info_ll(fd, "stats", *p), 0, "%s", *p);
    expect_cmd(fd, "+OK\r\n", "SET", "a", "1");
    expect_cmd(fd, "$1\r\n1\r\n", "GET", "a");
    expect_cmd(fd, "$-1\r\n", "GET", "b");
    cr_assert_eq(info_ll(fd, "stats", "keyspace_hits"), 1);
    cr_assert_eq(info_ll(fd, "stats", "keyspace_misses"), 1);
    close(fd);
    h_server_stop(&s);
}

Test(evict, object_idletime_and_freq) {
    h_server_t s;
    start(&s, "allkeys-lru");
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "k", "v");
    expect_cmd(fd,
               "-ERR An LFU maxmemory policy is not selected, access "
               "frequency not tracked. Please note that when switching "
               "between policies at runtime LRU and LFU data will take some "
               "time to adjust.\r\n",
               "OBJECT", "FREQ", "k");
    expect_cmd(fd, "$-1\r\n", "OBJECT", "FREQ", "nokey");
    h_sleep_ms(2100);
    h_resp_t *r = h_callp(fd, "OBJECT", "IDLETIME", "k", NULL);
    cr_assert_eq(r->type, ':');
    cr_assert(r->integer >= 1 && r->integer <= 4, "idle %lld", r->integer);
    h_resp_free(r);
    /* OBJECT and TYPE do not count as an access; GET does */
    expect_cmd(fd, "+string\r\n", "TYPE", "k");
    r = h_callp(fd, "OBJECT", "IDLETIME", "k", NULL);
    cr_assert(r->integer >= 1, "TYPE touched the key");
    h_resp_free(r);
    expect_cmd(fd, "$1\r\nv\r\n", "GET", "k");
    expect_cmd(fd, ":0\r\n", "OBJECT", "IDLETIME", "k");

    /* LFU: a new key starts at 5; with lfu-log-factor 0 every access
     * counts one */
    config_set(fd, "maxmemory-policy", "allkeys-lfu");
    config_set(fd, "lfu-log-factor", "0");
    expect_cmd(fd, "+OK\r\n", "SET", "f", "v");
    expect_cmd(fd, ":5\r\n", "OBJECT", "FREQ", "f");
    for (int i = 0; i < 3; i++) expect_cmd(fd, "$1\r\nv\r\n", "GET", "f");
    expect_cmd(fd, ":8\r\n", "OBJECT", "FREQ", "f");
    expect_cmd(fd, ":8\r\n", "OBJECT", "FREQ", "f"); /* no access */
    expect_cmd(fd,
               "-ERR An LFU maxmemory policy is selected, idle time not "
               "tracked. Please note that when switching between policies "
               "at runtime LRU and LFU data will take some time to "
               "adjust.\r\n",
               "OBJECT", "IDLETIME", "f");
    /* with the default factor the counter grows logarithmically */
    config_set(fd, "lfu-log-factor", "10");
    expect_cmd(fd, "+OK\r\n", "SET", "g", "v");
    for (int i = 0; i < 2000;) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int n = 0;
        for (; i < 2000 && n < BATCH; i++, n++) {
            const char *argv[] = {"GET", "g"};
            append_cmd(&buf, &len, &cap, 2, argv);
        }
        run_batch(fd, buf, len, n, NULL);
        free(buf);
    }
    r = h_callp(fd, "OBJECT", "FREQ", "g", NULL);
    /* Redis's table: about 18 after 1000 hits at factor 10 */
    cr_assert(r->integer >= 14 && r->integer <= 30, "freq %lld", r->integer);
    h_resp_free(r);
    close(fd);
    h_server_stop(&s);
}

/* LRU: keys read after a pause survive; the ones left idle go first. */
Test(evict, allkeys_lru_keeps_recently_used) {
    h_server_t s;
    start(&s, "allkeys-lru");
    int fd = h_connect(s.port);
    config_set(fd, "maxmemory-samples", "10");
    set_budget(fd, 3 << 20);
    int n = fill_until_eviction(fd, "old", 0);
    h_sleep_ms(2100);
    int hot = n / 5;
    /* (the fill's last batch evicted a few keys already) */
    long long hot_before = exists_range(fd, "old", 0, hot);
    each_key_by(fd, "GET", "old", 0, hot, 50); /* now the most recent */
    set_range(fd, "new", 0, n / 3, 0);  /* evicts about a third */
    long long hot_left = exists_range(fd, "old", 0, hot);
    long long cold_left = exists_range(fd, "old", hot, n);
    long long new_left = exists_range(fd, "new", 0, n / 3);
    cr_assert_geq(hot_left * 100, hot_before * 97,
                  "hot keys evicted: %lld of %lld left", hot_left,
                  hot_before);
    cr_assert_geq(new_left * 100, (long long)(n / 3) * 90,
                  "new keys evicted: %lld of %d left", new_left, n / 3);
    cr_assert_lt(cold_left, n - hot, "no idle key was evicted");
    close(fd);
    h_server_stop(&s);
}

/* LFU: a hot set read many times survives a flood of new keys. */
Test(evict, allkeys_lfu_keeps_hot_set) {
    h_server_t s;
    start(&s, "allkeys-lfu");
    int fd = h_connect(s.port);
    set_budget(fd, 3 << 20);
    int n = fill_until_eviction(fd, "old", 0);
    int hot = n / 10;
    long long hot_before = exists_range(fd, "old", 0, hot);
    for (int round = 0; round < 10; round++)
        each_key_by(fd, "GET", "old", 0, hot, 50);
    set_range(fd, "new", 0, n, 0); /* as many again: most old keys go */
    long long hot_left = exists_range(fd, "old", 0, hot);
    long long cold_left = exists_range(fd, "old", hot, n);
    cr_assert_geq(hot_left * 100, hot_before * 95,
                  "hot keys evicted: %lld of %lld left", hot_left,
                  hot_before);
    cr_assert_lt(cold_left * 2, n - hot, "%lld of %d cold keys left",
                 cold_left, n - hot);
    close(fd);
    h_server_stop(&s);
}

/* allkeys-random: memory stays bounded and keys of both kinds go. */
Test(evict, allkeys_random_evicts_any_key) {
    h_server_t s;
    start(&s, "allkeys-random");
    int fd = h_connect(s.port);
    set_budget(fd, 2 << 20);
    int n = fill_until_eviction(fd, "a", 0);
    set_range(fd, "b", 0, n, 0);
    long long a_left = exists_range(fd, "a", 0, n);
    long long b_left = exists_range(fd, "b", 0, n);
    cr_assert_lt(a_left, n);
    cr_assert_lt(b_left, n, "random never took a new key");
    cr_assert_gt(b_left, 0);
    close(fd);
    h_server_stop(&s);
}

/* volatile-*: keys without a TTL are never evicted; with only those left
 * the writes get -OOM. */
static void volatile_only_ttl(const char *policy) {
    h_server_t s;
    start(&s, policy);
    int fd = h_connect(s.port);
    long long mm = set_budget(fd, 3 << 20);
    (void)mm;
    /* a persistent third of the budget, then keys with a TTL */
    int persist = 0;
    while (counted(fd) < info_ll(fd, "memory", "maxmemory") -
                             (2 << 20)) {
        cr_assert_lt(persist, MAX_FILL);
        cr_assert_eq(set_range(fd, "p", persist, persist + BATCH, 0), 0);
        persist += BATCH;
    }
    int n = fill_until_eviction(fd, "t", 100000);
    set_range(fd, "t", n, 2 * n, 100000);
    cr_assert_gt(info_ll(fd, "stats", "evicted_keys"), 0);
    cr_assert_eq(exists_range(fd, "p", 0, persist), persist,
                 "%s evicted a key without a TTL", policy);
    cr_assert_lt(exists_range(fd, "t", 0, 2 * n), 2 * n);
    /* persistent writes use up what is left: then nothing is evictable */
    int oom = 0, more = 0;
    while (oom == 0) {
        cr_assert_lt(more, MAX_FILL, "%s: no OOM", policy);
        oom = set_range(fd, "q", more, more + BATCH, 0);
        more += BATCH;
    }
    /* and keep failing (one batch more: a lone SET may fit in what the
     * batch's own query buffer held in Redis's accounting) */
    int oom2 = 0;
    for (int j = 0; j < 20 && !oom2; j++)
        oom2 = set_range(fd, "r", j * BATCH, (j + 1) * BATCH, 0);
    cr_assert_gt(oom2, 0, "%s: writes went on with nothing evictable",
                 policy);
    cr_assert_eq(exists_range(fd, "p", 0, persist), persist);
    cr_assert_eq(exists_range(fd, "t", 0, 2 * n), 0, "TTL keys were left");
    close(fd);
    h_server_stop(&s);
}

Test(evict, volatile_lru_only_touches_keys_with_ttl) {
    volatile_only_ttl("volatile-lru");
}
Test(evict, volatile_lfu_only_touches_keys_with_ttl) {
    volatile_only_ttl("volatile-lfu");
}
Test(evict, volatile_random_only_touches_keys_with_ttl) {
    volatile_only_ttl("volatile-random");
}
Test(evict, volatile_ttl_only_touches_keys_with_ttl) {
    volatile_only_ttl("volatile-ttl");
}

/* volatile-ttl: the keys closest to expiring go first. */
Test(evict, volatile_ttl_evicts_nearest_expiry) {
    h_server_t s;
    start(&s, "volatile-ttl");
    int fd = h_connect(s.port);
    set_budget(fd, 3 << 20);
    /* near and far keys interleaved until the budget is full */
    int n = 0;
    while (info_ll(fd, "stats", "evicted_keys") == 0) {
        cr_assert_lt(n, MAX_FILL);
        set_range(fd, "near", n, n + BATCH, 1000);
        set_range(fd, "far", n, n + BATCH, 1000000);
        n += BATCH;
    }
    set_range(fd, "mid", 0, n / 2, 100000); /* evicts about a quarter */
    long long far_left = exists_range(fd, "far", 0, n);
    long long near_left = exists_range(fd, "near", 0, n);
    long long mid_left = exists_range(fd, "mid", 0, n / 2);
    cr_assert_geq(far_left * 100, (long long)n * 97, "far: %lld of %d left",
                  far_left, n);
    cr_assert_geq(mid_left * 100, (long long)(n / 2) * 90,
                  "mid: %lld of %d left", mid_left, n / 2);
    cr_assert_lt(near_left, n - n / 4, "near: %lld of %d left", near_left,
                 n);
    close(fd);
    h_server_stop(&s);
}

/* A long write loop: the counted memory stays near maxmemory, however
 * many keys go through. */
Test(evict, memory_stays_bounded_under_long_write_loop) {
    h_server_t s;
    start(&s, "allkeys-lru");
    int fd = h_connect(s.port);
    long long mm = set_budget(fd, 4 << 20);
    long long peak = 0;
    for (int round = 0; round < 20; round++) {
        cr_assert_eq(set_range(fd, "w", round * 10000, (round + 1) * 10000,
                               0),
                     0);
        long long c = counted(fd);
        if (c > peak) peak = c;
    }
    /* 200k keys of ~130 bytes = 26 MB through a 4 MB budget */
    cr_assert_gt(info_ll(fd, "stats", "evicted_keys"), 100000);
    cr_assert_leq(peak, mm + mm / 10, "peak %lld over maxmemory %lld", peak,
                  mm);
    h_resp_t *r = h_callp(fd, "DBSIZE", NULL);
    cr_assert_lt(r->integer, 60000);
    h_resp_free(r);
    close(fd);
    h_server_stop(&s);
}

/* Several connections (on several workers) writing at once all evict. */
Test(evict, evictions_from_many_workers) {
    h_server_t s;
    const char *argv_mr[] = {"--maxmemory-policy", "allkeys-lru", "--threads",
                             "4", NULL};
    const char *argv_r[] = {"--maxmemory-policy", "allkeys-lru", "--save", "",
                            NULL};
    cr_assert_eq(h_server_start(&s, is_real_redis() ? argv_r : argv_mr), 0);
    int fd = h_connect(s.port);
    long long mm = set_budget(fd, 3 << 20);
    enum { NC = 8 };
    int c[NC];
    for (int i = 0; i < NC; i++) c[i] = h_connect(s.port);
    char val[VLEN + 1];
    memset(val, 'x', VLEN);
    val[VLEN] = '\0';
    for (int round = 0; round < 10; round++) {
        char *buf[NC] = {0};
        size_t len[NC] = {0}, cap[NC] = {0};
        for (int i = 0; i < NC; i++) {
            for (int k = 0; k < 1000; k++) {
                char key[64];
                snprintf(key, sizeof key, "c%d:%d:%d", i, round, k);
                const char *argv[] = {"SET", key, val};
                append_cmd(&buf[i], &len[i], &cap[i], 3, argv);
            }
            cr_assert(h_send(c[i], buf[i], len[i]));
        }
        for (int i = 0; i < NC; i++) {
            for (int k = 0; k < 1000; k++) {
                h_bytes_t b = h_read_reply(c[i]);
                cr_assert(b.buf && strcmp(b.buf, "+OK\r\n") == 0, "%s",
                          b.buf ? h_escape(b.buf, b.len) : "(none)");
                h_bytes_free(&b);
            }
            free(buf[i]);
        }
    }
    cr_assert_gt(info_ll(fd, "stats", "evicted_keys"), 0);
    cr_assert_leq(counted(fd), mm + mm / 10);
    for (int i = 0; i < NC; i++) close(c[i]);
    close(fd);
    h_server_stop(&s);
}

/* Evictions reach the AOF as DELs: a replay (with no maxmemory) rebuilds
 * exactly the keys that were left. */
Test(evict, aof_replay_matches_after_evictions) {
    char dir[] = "/tmp/mr_evict_aof_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *argv[] = {"--appendonly", "yes", "--dir", dir,
                          "--maxmemory-policy", "allkeys-lru", "--save", "",
                          NULL};
    h_server_t s;
    cr_assert_eq(h_server_start(&s, argv), 0);
    int fd = h_connect(s.port);
    set_budget(fd, 2 << 20);
    cr_assert_eq(set_range(fd, "k", 0, 40000, 0), 0);
    cr_assert_gt(info_ll(fd, "stats", "evicted_keys"), 10000);
    /* no more evictions while counting (reads over the limit evict too) */
    config_set(fd, "maxmemory", "0");
    long long left = exists_range(fd, "k", 0, 40000);
    cr_assert_lt(left, 40000);
    h_resp_t *d = h_callp(fd, "DBSIZE", NULL);
    cr_assert_eq(d->integer, left);
    h_resp_free(d);
    close(fd);
    h_server_stop(&s);

    const char *argv2[] = {"--appendonly", "yes", "--dir", dir, "--save", "",
                           NULL};
    cr_assert_eq(h_server_start(&s, argv2), 0);
    fd = h_connect(s.port);
    h_resp_t *r = h_callp(fd, "DBSIZE", NULL);
    cr_assert_eq(r->integer, left, "replay has %lld keys, not %lld",
                 r->integer, left);
    h_resp_free(r);
    cr_assert_eq(exists_range(fd, "k", 0, 40000), left);
    close(fd);
    h_server_stop(&s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* MULTI over maxmemory with nothing to evict: queueing is refused (any
 * command, as Redis: a queue could take any amount of memory) and EXEC
 * aborts; DISCARD and EXEC themselves still run. */
Test(evict, multi_refuses_queueing_when_nothing_can_be_evicted) {
    h_server_t s;
    start(&s, "noeviction");
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "a", "1");
    config_set(fd, "maxmemory", "1");
    expect_cmd(fd, "+OK\r\n", "MULTI");
    expect_cmd(fd, OOM, "GET", "a");
    expect_cmd(fd, OOM, "SET", "b", "2");
    expect_cmd(fd,
               "-EXECABORT Transaction discarded because of previous "
               "errors.\r\n",
               "EXEC");
    expect_cmd(fd, "+OK\r\n", "MULTI");
    expect_cmd(fd, "+OK\r\n", "DISCARD");
    config_set(fd, "maxmemory", "0");
    expect_cmd(fd, "+OK\r\n", "MULTI");
    expect_cmd(fd, "+QUEUED\r\n", "SET", "b", "2");
    expect_cmd(fd, "*1\r\n+OK\r\n", "EXEC");
    close(fd);
    h_server_stop(&s);
}

/* Over the budget by the time of EXEC (queued while under it): an EXEC of
 * DENYOOM commands is aborted with the OOM reason and the transaction is
 * gone; one of reads only runs (Redis's processCommand). */
Test(evict, exec_of_writes_aborts_when_over_budget) {
    h_server_t s;
    start(&s, "noeviction");
    int fd = h_connect(s.port), admin = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "MULTI");
    expect_cmd(fd, "+QUEUED\r\n", "SET", "x", "1");
    expect_cmd(fd, "+QUEUED\r\n", "GET", "x");
    config_set(admin, "maxmemory", "1");
    expect_cmd(fd,
               "-EXECABORT Transaction discarded because of: OOM command not "
               "allowed when used memory > 'maxmemory'.\r\n",
               "EXEC");
    expect_cmd(fd, "-ERR EXEC without MULTI\r\n", "EXEC");
    expect_cmd(fd, "$-1\r\n", "GET", "x");
    config_set(admin, "maxmemory", "0");
    expect_cmd(fd, "+OK\r\n", "MULTI");
    expect_cmd(fd, "+QUEUED\r\n", "GET", "x");
    config_set(admin, "maxmemory", "1");
    expect_cmd(fd, "*1\r\n$-1\r\n", "EXEC");
    config_set(admin, "maxmemory", "0");
    close(fd);
    close(admin);
    h_server_stop(&s);
}

/* An evicted key counts as changed for WATCH: the EXEC fails. */
Test(evict, eviction_fails_exec_of_watchers) {
    h_server_t s;
    start(&s, "volatile-ttl");
    int a = h_connect(s.port), b = h_connect(s.port);
    expect_cmd(a, "+OK\r\n", "SET", "k", "v", "EX", "100000");
    expect_cmd(a, "+OK\r\n", "WATCH", "k");
    set_budget(b, 1 << 20);
    fill_until_ttl_key_evicted(b); /* k */
    expect_cmd(b, ":0\r\n", "EXISTS", "k");
    config_set(b, "maxmemory", "0");
    expect_cmd(a, "+OK\r\n", "MULTI");
    expect_cmd(a, "+QUEUED\r\n", "SET", "x", "1");
    expect_cmd(a, "*-1\r\n", "EXEC");
    close(a);
    close(b);
    h_server_stop(&s);
}

/* notify-keyspace-events Ee: each eviction publishes its key on
 * __keyevent@0__:evicted (Redis's performEvictions). */
Test(evict, evicted_keyspace_event) {
    h_server_t s;
    start(&s, "volatile-ttl");
    int sub = h_connect(s.port), b = h_connect(s.port);
    config_set(b, "notify-keyspace-events", "Ee");
    h_bytes_t r = h_call(sub, "SUBSCRIBE", "__keyevent@0__:evicted", NULL);
    cr_assert(r.buf && strstr(r.buf, "subscribe"), "SUBSCRIBE: %s",
              r.buf ? h_escape(r.buf, r.len) : "(no reply)");
    h_bytes_free(&r);
    expect_cmd(b, "+OK\r\n", "SET", "victim", "v", "EX", "100000");
    set_budget(b, 1 << 20);
    fill_until_ttl_key_evicted(b); /* victim */
    config_set(b, "maxmemory", "0");
    const char *want = "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n"
                       "$6\r\nvictim\r\n";
    char got[128] = {0};
    size_t len = strlen(want);
    cr_assert_eq(h_read_exact(sub, got, len, 5000), len, "no evicted event: %s",
                 h_escape(got, strlen(got)));
    cr_assert_str_eq(got, want);
    close(sub);
    close(b);
    h_server_stop(&s);
}
