/* Set commands, run in-process through mr_dispatch (which locks the keys'
 * shards, SINTERCARD's through its getkeys hook, and calls the handler).
 * Fixed expected replies were observed on a real redis-server 7.0.15; the
 * set algebra is also checked against a bitmask model over random
 * operations. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/object.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"
#include "types/fieldtab.h"
#include "types/listpack.h"

#define NOW 1700000000000LL

static mr_buf_t out;
static mr_reply_t reply;
static long long last_dirty;
static char shown[4096];

static void setup(void) {
    uint8_t seed[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
    mr_config_defaults();
    mr_store_init(4, 16);
    mr_cmd_table_init();
    reply.out = &out;
    reply.resp = 2;
}

static void teardown(void) {
    mr_store_free();
    mr_buf_free(&out);
}

TestSuite(t_set, .init = setup, .fini = teardown);

static const char *run_argv(int argc, mr_str_t *argv) {
    out.len = 0;
    mr_call_t call = {0};
    call.argv = argv;
    call.argc = argc;
    call.reply = &reply;
    call.db = 0;
    call.now_ms = NOW;
    mr_dispatch(&call);
    last_dirty = call.dirty;
    mr_buf_append(&out, "", 1);
    out.len--;
    return out.data;
}

static const char *run(const char *a0, ...) {
    mr_str_t argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && argc < 64; a = va_arg(ap, const char *))
        argv[argc++] = (mr_str_t){a, strlen(a)};
    va_end(ap);
    return run_argv(argc, argv);
}

static const char *show(void) {
    size_t o = 0;
    for (size_t i = 0; i < out.len && o + 5 < sizeof shown; i++) {
        unsigned char c = (unsigned char)out.data[i];
        if (c >= 32 && c < 127) shown[o++] = (char)c;
        else o += (size_t)snprintf(shown + o, sizeof shown - o, "\\x%02x", c);
    }
    shown[o] = '\0';
    return shown;
}

#define EXPECT(want, ...)                                                   \
    do {                                                                    \
        run(__VA_ARGS__, NULL);                                             \
        cr_assert(out.len == strlen(want) &&                                \
                      memcmp(out.data, want, out.len) == 0,                 \
                  "%s: got \"%s\", want \"%s\"", #__VA_ARGS__, show(),      \
                  want);                                                    \
    } while (0)

#define WRONGTYPE \
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
#define SYNTAX "-ERR syntax error\r\n"
#define NOT_INT "-ERR value is not an integer or out of range\r\n"
#define NIL "$-1\r\n"
#define OK "+OK\r\n"

static bool exists(const char *key) {
    return mr_db_lookup_write_locked(0, key, strlen(key), NOW) != NULL;
}

/* OBJECT ENCODING's word for key's value ("" when absent). */
static const char *enc(const char *key) {
    mr_entry_t *e = mr_db_lookup_write_locked(0, key, strlen(key), NOW);
    return e ? mr_obj_encoding_name(e) : "";
}

/* ---- reply parsing: an aggregate of bulk strings ---- */

#define MAXM 4096
typedef struct members {
    char type; /* '*' or '~' */
    long n;
    char *m[MAXM];
    size_t len[MAXM];
} members_t;

static void members_free(members_t *ms) {
    for (long i = 0; i < ms->n && i < MAXM; i++) free(ms->m[i]);
}

/* Parses out as "<type>N" followed by N bulk strings. */
static void parse_members(members_t *ms) {
    const char *p = out.data, *end = out.data + out.len;
    cr_assert(out.len > 0 && (p[0] == '*' || p[0] == '~'), "not an aggregate: %s",
              show());
    ms->type = p[0];
    char *e;
    ms->n = strtol(p + 1, &e, 10);
    cr_assert(ms->n >= 0 && ms->n <= MAXM, "bad count: %s", show());
    p = e + 2;
    for (long i = 0; i < ms->n; i++) {
        cr_assert(p < end && *p == '$', "bad element: %s", show());
        long l = strtol(p + 1, &e, 10);
        p = e + 2;
        ms->m[i] = malloc((size_t)l + 1);
        memcpy(ms->m[i], p, (size_t)l);
        ms->m[i][l] = '\0';
        ms->len[i] = (size_t)l;
        p += l + 2;
    }
    cr_assert(p == end, "trailing bytes: %s", show());
}

/* ---- model: members "m0".."m11" as bits ---- */

#define UNIV 12

static unsigned mask_of_reply(void) {
    members_t ms;
    parse_members(&ms);
    unsigned mask = 0;
    for (long i = 0; i < ms.n; i++) {
        int b = atoi(ms.m[i] + 1);
        cr_assert(ms.m[i][0] == 'm' && b >= 0 && b < UNIV);
        cr_assert(!(mask & (1u << b)), "duplicate member %s", ms.m[i]);
        mask |= 1u << b;
    }
    members_free(&ms);
    return mask;
}

static unsigned smembers_mask(const char *key) {
    run("smembers", key, NULL);
    return mask_of_reply();
}

static int popcount(unsigned x) { return __builtin_popcount(x); }

/* ---- SADD / SREM / SCARD / SISMEMBER / SMISMEMBER / SMEMBERS ---- */

Test(t_set, sadd_srem_basic) {
    EXPECT(":2\r\n", "sadd", "s", "a", "b");
    cr_assert_eq(last_dirty, 2);
    EXPECT(":1\r\n", "sadd", "s", "a", "c", "c");
    cr_assert_eq(last_dirty, 1);
    EXPECT(":0\r\n", "sadd", "s", "a");
    cr_assert_eq(last_dirty, 0);
    EXPECT(":3\r\n", "scard", "s");
    EXPECT(":0\r\n", "scard", "nx");
    EXPECT(":1\r\n", "sismember", "s", "a");
    EXPECT(":0\r\n", "sismember", "s", "z");
    EXPECT(":0\r\n", "sismember", "nx", "z");
    EXPECT("*3\r\n:1\r\n:0\r\n:1\r\n", "smismember", "s", "a", "z", "c");
    EXPECT("*2\r\n:0\r\n:0\r\n", "smismember", "nx", "a", "b");
    EXPECT(":0\r\n", "srem", "nx", "a");
    EXPECT(":2\r\n", "srem", "s", "a", "b", "zz", "a");
    cr_assert_eq(last_dirty, 2);
    EXPECT("*1\r\n$1\r\nc\r\n", "smembers", "s");
    /* the last member removed deletes the key */
    EXPECT(":1\r\n", "srem", "s", "c", "d");
    cr_assert(!exists("s"));
    EXPECT("*0\r\n", "smembers", "s");
    EXPECT("*0\r\n", "smembers", "nx");
    run("sadd", "e", "1", NULL);
    cr_assert_str_eq(enc("e"), "intset");
    run("sadd", "h", "x", NULL);
    cr_assert_str_eq(enc("h"), "hashtable");
}

Test(t_set, binary_members) {
    mr_str_t argv[4] = {{"sadd", 4}, {"b", 1}, {"a\0b", 3}, {"a\0c", 3}};
    run_argv(4, argv);
    cr_assert_str_eq(out.data, ":2\r\n");
    mr_str_t q[3] = {{"sismember", 9}, {"b", 1}, {"a\0b", 3}};
    run_argv(3, q);
    cr_assert_str_eq(out.data, ":1\r\n");
    mr_str_t q2[3] = {{"sismember", 9}, {"b", 1}, {"a", 1}};
    run_argv(3, q2);
    cr_assert_str_eq(out.data, ":0\r\n");
}

Test(t_set, wrongtype_everywhere) {
    EXPECT(OK, "set", "str", "x");
    EXPECT(":1\r\n", "sadd", "s", "a");
    EXPECT(WRONGTYPE, "sadd", "str", "a");
    EXPECT(WRONGTYPE, "srem", "str", "a");
    EXPECT(WRONGTYPE, "smembers", "str");
    EXPECT(WRONGTYPE, "sismember", "str", "a");
    EXPECT(WRONGTYPE, "smismember", "str", "a");
    EXPECT(WRONGTYPE, "scard", "str");
    EXPECT(WRONGTYPE, "spop", "str");
    EXPECT(WRONGTYPE, "spop", "str", "2");
    EXPECT(WRONGTYPE, "srandmember", "str");
    EXPECT(WRONGTYPE, "srandmember", "str", "-2");
    EXPECT(WRONGTYPE, "sinter", "nx", "str");
    EXPECT(WRONGTYPE, "sinter", "s", "str");
    EXPECT(WRONGTYPE, "sunion", "nx", "str");
    EXPECT(WRONGTYPE, "sdiff", "nx", "str");
    EXPECT(WRONGTYPE, "sinterstore", "d", "s", "str");
    EXPECT(WRONGTYPE, "sunionstore", "d", "s", "str");
    EXPECT(WRONGTYPE, "sdiffstore", "d", "s", "str");
    EXPECT(WRONGTYPE, "sintercard", "2", "nx", "str");
    EXPECT(WRONGTYPE, "sscan", "str", "0");
    /* SMOVE: a missing source answers 0 before the destination's type */
    EXPECT(":0\r\n", "smove", "nx", "str", "a");
    EXPECT(WRONGTYPE, "smove", "s", "str", "a");
    EXPECT(WRONGTYPE, "smove", "str", "s", "a");
    EXPECT("*1\r\n$1\r\na\r\n", "smembers", "s");
    EXPECT("$1\r\nx\r\n", "get", "str");
    /* a destination of another type is replaced by *STORE */
    EXPECT(":1\r\n", "sunionstore", "str", "s");
    EXPECT("*1\r\n$1\r\na\r\n", "smembers", "str");
}

Test(t_set, arity_errors) {
    EXPECT("-ERR wrong number of arguments for 'sadd' command\r\n", "sadd", "s");
    EXPECT("-ERR wrong number of arguments for 'sintercard' command\r\n",
           "sintercard", "1");
    EXPECT("-ERR wrong number of arguments for 'smove' command\r\n", "smove",
           "a", "b");
    EXPECT(SYNTAX, "spop", "s", "1", "2");
    EXPECT(SYNTAX, "srandmember", "s", "1", "2");
}

/* ---- SPOP / SRANDMEMBER ---- */

Test(t_set, spop_srandmember_missing_and_errors) {
    EXPECT(NIL, "spop", "nx");
    EXPECT("*0\r\n", "spop", "nx", "2");
    EXPECT("*0\r\n", "spop", "nx", "0");
    EXPECT("-ERR value is out of range, must be positive\r\n", "spop", "nx",
           "-1");
    EXPECT("-ERR value is out of range, must be positive\r\n", "spop", "nx",
           "x");
    EXPECT(NIL, "srandmember", "nx");
    EXPECT("*0\r\n", "srandmember", "nx", "3");
    EXPECT("*0\r\n", "srandmember", "nx", "-3");
    EXPECT(NOT_INT, "srandmember", "nx", "x");
    EXPECT("-ERR value is out of range, value must between "
           "-9223372036854775807 and 9223372036854775807\r\n",
           "srandmember", "nx", "-9223372036854775808");
    reply.resp = 3;
    EXPECT("_\r\n", "spop", "nx");
    EXPECT("~0\r\n", "spop", "nx", "5");
    EXPECT("*0\r\n", "srandmember", "nx", "5");
    EXPECT("_\r\n", "srandmember", "nx");
}

Test(t_set, spop_single_and_count) {
    EXPECT(":1\r\n", "sadd", "one", "z");
    EXPECT("$1\r\nz\r\n", "spop", "one");
    cr_assert_eq(last_dirty, 1);
    cr_assert(!exists("one"));
    EXPECT(":1\r\n", "sadd", "one", "z");
    EXPECT("*0\r\n", "spop", "one", "0");
    cr_assert(exists("one"));
    /* count >= size pops everything and deletes the key (huge counts
     * allocate nothing beyond the set) */
    EXPECT("*1\r\n$1\r\nz\r\n", "spop", "one", "9223372036854775807");
    cr_assert(!exists("one"));

    for (int round = 0; round < 2; round++) {
        /* count small and count large relative to the size (both paths) */
        int sizes[] = {100, 100};
        int counts[] = {7, 93};
        char buf[16];
        for (int i = 0; i < sizes[round]; i++) {
            snprintf(buf, sizeof buf, "e%d", i);
            run("sadd", "p", buf, NULL);
        }
        snprintf(buf, sizeof buf, "%d", counts[round]);
        run("spop", "p", buf, NULL);
        members_t ms;
        parse_members(&ms);
        cr_assert_eq(ms.n, counts[round]);
        cr_assert_eq(last_dirty, counts[round]);
        for (long i = 0; i < ms.n; i++) {
            /* popped: gone from the set, no duplicates */
            mr_str_t a[3] = {{"sismember", 9}, {"p", 1}, {ms.m[i], ms.len[i]}};
            run_argv(3, a);
            cr_assert_str_eq(out.data, ":0\r\n");
            for (long j = 0; j < i; j++)
                cr_assert(strcmp(ms.m[i], ms.m[j]) != 0);
        }
        members_free(&ms);
        snprintf(buf, sizeof buf, ":%d\r\n", sizes[round] - counts[round]);
        EXPECT(buf, "scard", "p");
        run("del", "p", NULL);
    }
    reply.resp = 3;
    EXPECT(":2\r\n", "sadd", "q", "a", "b");
    run("spop", "q", "1", NULL);
    cr_assert(out.data[0] == '~' && out.data[1] == '1', "%s", show());
}

Test(t_set, srandmember_counts) {
    EXPECT(":1\r\n", "sadd", "one", "a");
    EXPECT("$1\r\na\r\n", "srandmember", "one");
    EXPECT("*1\r\n$1\r\na\r\n", "srandmember", "one", "5");
    EXPECT("*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n", "srandmember", "one",
           "-3");
    EXPECT("*0\r\n", "srandmember", "one", "0");
    EXPECT("*1\r\n$1\r\na\r\n", "srandmember", "one", "9223372036854775807");
    cr_assert(exists("one"));

    char buf[16];
    for (int i = 0; i < UNIV; i++) {
        snprintf(buf, sizeof buf, "m%d", i);
        run("sadd", "s", buf, NULL);
    }
    /* distinct members for every positive count (both strategies) */
    for (int c = 1; c <= UNIV + 2; c++) {
        snprintf(buf, sizeof buf, "%d", c);
        run("srandmember", "s", buf, NULL);
        cr_assert(out.data[0] == '*');
        unsigned mask = mask_of_reply(); /* asserts no duplicates */
        cr_assert_eq(popcount(mask), c > UNIV ? UNIV : c);
    }
    /* negative: exactly |count| members, repeats allowed */
    run("srandmember", "s", "-1000", NULL);
    members_t ms;
    parse_members(&ms);
    cr_assert_eq(ms.n, 1000);
    cr_assert_eq(ms.type, '*');
    members_free(&ms);
    EXPECT(":12\r\n", "scard", "s");
    reply.resp = 3;
    run("srandmember", "s", "3", NULL);
    cr_assert(out.data[0] == '*', "SRANDMEMBER replies an array: %s", show());
}

/* ---- SMOVE ---- */

Test(t_set, smove) {
    EXPECT(":2\r\n", "sadd", "a", "x", "y");
    EXPECT(":1\r\n", "smove", "a", "a", "x");
    EXPECT(":0\r\n", "smove", "a", "a", "zz");
    cr_assert_eq(last_dirty, 0);
    EXPECT(":0\r\n", "smove", "a", "b", "zz");
    EXPECT(":1\r\n", "smove", "a", "b", "x");
    cr_assert_eq(last_dirty, 1);
    EXPECT("*1\r\n$1\r\nx\r\n", "smembers", "b");
    EXPECT(":1\r\n", "sadd", "b", "y");
    /* already in the destination: still removed from the source */
    EXPECT(":1\r\n", "smove", "a", "b", "y");
    cr_assert(!exists("a"));
    EXPECT(":2\r\n", "scard", "b");
    EXPECT(":0\r\n", "smove", "nx", "b", "x");
}

/* ---- SINTER / SUNION / SDIFF and *STORE ---- */

Test(t_set, algebra_fixed) {
    EXPECT(":3\r\n", "sadd", "a", "m1", "m2", "m3");
    EXPECT(":3\r\n", "sadd", "b", "m2", "m3", "m4");
    cr_assert_eq(smembers_mask("a"), 0xeu);
    run("sinter", "a", "b", NULL);
    cr_assert_eq(mask_of_reply(), 0xcu);
    run("sinter", "a", "b", "nx", NULL);
    cr_assert_eq(mask_of_reply(), 0u);
    run("sunion", "a", "b", "nx", NULL);
    cr_assert_eq(mask_of_reply(), 0x1eu);
    run("sdiff", "a", "b", NULL);
    cr_assert_eq(mask_of_reply(), 0x2u);
    run("sdiff", "a", "a", NULL);
    cr_assert_eq(mask_of_reply(), 0u);
    run("sdiff", "nx", "a", NULL);
    cr_assert_eq(mask_of_reply(), 0u);
    EXPECT("*0\r\n", "sunion", "nx");

    EXPECT(":2\r\n", "sinterstore", "d", "a", "b");
    cr_assert_eq(last_dirty, 1);
    cr_assert_eq(smembers_mask("d"), 0xcu);
    /* an empty result deletes the destination */
    EXPECT(":0\r\n", "sinterstore", "d", "a", "nx");
    cr_assert_eq(last_dirty, 1);
    cr_assert(!exists("d"));
    EXPECT(":0\r\n", "sdiffstore", "d", "a", "a");
    cr_assert_eq(last_dirty, 0);
    /* the destination may be a source */
    EXPECT(":4\r\n", "sunionstore", "a", "a", "b");
    cr_assert_eq(smembers_mask("a"), 0x1eu);
    EXPECT(":1\r\n", "sdiffstore", "a", "a", "b");
    cr_assert_eq(smembers_mask("a"), 0x2u);

    reply.resp = 3;
    EXPECT("~1\r\n$2\r\nm1\r\n", "smembers", "a");
    EXPECT("~0\r\n", "smembers", "nx");
    EXPECT("~0\r\n", "sinter", "nx", "a");
    EXPECT("~1\r\n$2\r\nm1\r\n", "sunion", "a", "nx");
    EXPECT("~1\r\n$2\r\nm1\r\n", "sdiff", "a", "b");
}

/* Random operations on 4 keys over 12 members, against bitmasks. */
Test(t_set, algebra_model) {
    const char *keys[] = {"k0", "k1", "k2", "k3"};
    unsigned model[4] = {0};
    srand(12345);
    char mb[8], cb[8];
    for (int step = 0; step < 3000; step++) {
        int op = rand() % 9, a = rand() % 4, b = rand() % 4, c = rand() % 4;
        int m = rand() % UNIV;
        snprintf(mb, sizeof mb, "m%d", m);
        char want[32];
        switch (op) {
        case 0:
        case 1:
            run("sadd", keys[a], mb, NULL);
            snprintf(want, sizeof want, ":%d\r\n", !(model[a] >> m & 1));
            cr_assert_str_eq(out.data, want);
            model[a] |= 1u << m;
            break;
        case 2:
            run("srem", keys[a], mb, NULL);
            snprintf(want, sizeof want, ":%d\r\n", (int)(model[a] >> m & 1));
            cr_assert_str_eq(out.data, want);
            model[a] &= ~(1u << m);
            break;
        case 3: {
            run("smove", keys[a], keys[b], mb, NULL);
            int moved = model[a] >> m & 1;
            snprintf(want, sizeof want, ":%d\r\n", moved);
            cr_assert_str_eq(out.data, want);
            if (moved && a != b) {
                model[a] &= ~(1u << m);
                model[b] |= 1u << m;
            }
            break;
        }
        case 4: {
            unsigned r = model[b] & model[c];
            run("sinterstore", keys[a], keys[b], keys[c], NULL);
            snprintf(want, sizeof want, ":%d\r\n", popcount(r));
            cr_assert_str_eq(out.data, want);
            model[a] = r;
            break;
        }
        case 5: {
            unsigned r = model[b] | model[c];
            run("sunionstore", keys[a], keys[b], keys[c], NULL);
            snprintf(want, sizeof want, ":%d\r\n", popcount(r));
            cr_assert_str_eq(out.data, want);
            model[a] = r;
            break;
        }
        case 6: {
            unsigned r = model[b] & ~model[c];
            run("sdiffstore", keys[a], keys[b], keys[c], NULL);
            snprintf(want, sizeof want, ":%d\r\n", popcount(r));
            cr_assert_str_eq(out.data, want);
            model[a] = r;
            break;
        }
        case 7: {
            int cnt = rand() % 5;
            snprintf(cb, sizeof cb, "%d", cnt);
            run("spop", keys[a], cb, NULL);
            unsigned got = mask_of_reply();
            int want_n = popcount(model[a]) < cnt ? popcount(model[a]) : cnt;
            cr_assert_eq(popcount(got), want_n);
            cr_assert_eq(got & ~model[a], 0u);
            model[a] &= ~got;
            break;
        }
        default: {
            run("sinter", keys[a], keys[b], keys[c], NULL);
            cr_assert_eq(mask_of_reply(), model[a] & model[b] & model[c]);
            run("sunion", keys[a], keys[b], keys[c], NULL);
            cr_assert_eq(mask_of_reply(), model[a] | model[b] | model[c]);
            run("sdiff", keys[a], keys[b], keys[c], NULL);
            cr_assert_eq(mask_of_reply(), model[a] & ~model[b] & ~model[c]);
            run("sintercard", "3", keys[a], keys[b], keys[c], NULL);
            snprintf(want, sizeof want, ":%d\r\n",
                     popcount(model[a] & model[b] & model[c]));
            cr_assert_str_eq(out.data, want);
            break;
        }
        }
        for (int k = 0; k < 4; k++) {
            cr_assert_eq(exists(keys[k]), model[k] != 0,
                         "step %d key %s: empty sets must not exist", step,
                         keys[k]);
            if (step % 50 == 0) cr_assert_eq(smembers_mask(keys[k]), model[k]);
        }
    }
}

/* ---- SINTERCARD and its getkeys hook ---- */

Test(t_set, sintercard) {
    EXPECT(":3\r\n", "sadd", "s", "a", "b", "c");
    EXPECT(":2\r\n", "sadd", "t", "b", "c");
    EXPECT("-ERR numkeys should be greater than 0\r\n", "sintercard", "0", "s");
    EXPECT("-ERR numkeys should be greater than 0\r\n", "sintercard", "x", "s");
    EXPECT("-ERR numkeys should be greater than 0\r\n", "sintercard", "-1",
           "s");
    EXPECT("-ERR Number of keys can't be greater than number of args\r\n",
           "sintercard", "3", "s");
    EXPECT("-ERR Number of keys can't be greater than number of args\r\n",
           "sintercard", "9223372036854775807", "s");
    EXPECT("-ERR LIMIT can't be negative\r\n", "sintercard", "1", "s", "limit",
           "-1");
    EXPECT("-ERR LIMIT can't be negative\r\n", "sintercard", "1", "s", "limit",
           "x");
    EXPECT(SYNTAX, "sintercard", "1", "s", "foo");
    EXPECT(SYNTAX, "sintercard", "1", "s", "limit");
    EXPECT(SYNTAX, "sintercard", "1", "nx", "s");
    EXPECT(":3\r\n", "sintercard", "1", "s");
    EXPECT(":2\r\n", "sintercard", "2", "s", "t");
    EXPECT(":1\r\n", "sintercard", "2", "s", "t", "LIMIT", "1");
    EXPECT(":2\r\n", "sintercard", "2", "s", "t", "limit", "0");
    EXPECT(":2\r\n", "sintercard", "1", "s", "limit", "1", "limit", "2");
    EXPECT(":0\r\n", "sintercard", "2", "s", "nx");
    EXPECT(":3\r\n", "sintercard", "2", "s", "s");
}

Test(t_set, sintercard_getkeys) {
    const mr_cmd_t *cmd = mr_cmd_lookup("sintercard", 10);
    cr_assert_not_null(cmd);
    cr_assert_eq(cmd->getkeys, sintercard_getkeys);
    cr_assert_eq(cmd->first, 0);
    mr_str_t argv[40];
    char names[40][16]; /* room for any int: -Wformat-truncation */
    argv[0] = (mr_str_t){"sintercard", 10};
    argv[1] = (mr_str_t){"3", 1};
    for (int i = 2; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "k%d", i);
        argv[i] = (mr_str_t){names[i], strlen(names[i])};
    }
    mr_call_t call = {.argv = argv, .argc = 7, .cmd = cmd};
    int idx[8];
    cr_assert_eq(sintercard_getkeys(&call, idx, 8), 3);
    cr_assert(idx[0] == 2 && idx[1] == 3 && idx[2] == 4);
    /* more keys than room: the count, and only `max` written */
    int small[2] = {-7, -7};
    cr_assert_eq(sintercard_getkeys(&call, small, 1), 3);
    cr_assert(small[0] == 2 && small[1] == -7);
    /* malformed: nothing to lock */
    const char *bad[] = {"0", "-1", "x", "6", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        argv[1] = (mr_str_t){bad[i], strlen(bad[i])};
        cr_assert_eq(sintercard_getkeys(&call, idx, 8), -1, "%s", bad[i]);
    }
    /* through dispatch with more keys than its stack arrays hold (heap
     * path): every key's shard is locked, then unlocked (a second command
     * on the same keys would deadlock otherwise) */
    argv[1] = (mr_str_t){"38", 2};
    for (int i = 2; i < 40; i++) {
        mr_str_t a[3] = {{"sadd", 4}, argv[i], {"m", 1}};
        run_argv(3, a);
    }
    run_argv(40, argv);
    cr_assert_str_eq(out.data, ":1\r\n");
    run_argv(40, argv);
    cr_assert_str_eq(out.data, ":1\r\n");
    argv[1] = (mr_str_t){"39", 2};
    run_argv(40, argv);
    cr_assert_str_eq(out.data,
                     "-ERR Number of keys can't be greater than number of args\r\n");
}

/* ---- SSCAN ---- */

Test(t_set, sscan) {
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "nx", "0");
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "nx", "0", "count", "0");
    EXPECT("-ERR invalid cursor\r\n", "sscan", "nx", "x");
    EXPECT(":2\r\n", "sadd", "s", "a", "b");
    EXPECT("-ERR invalid cursor\r\n", "sscan", "s", "x");
    EXPECT(SYNTAX, "sscan", "s", "0", "type", "string");
    EXPECT(SYNTAX, "sscan", "s", "0", "count", "0");
    EXPECT(NOT_INT, "sscan", "s", "0", "count", "x");
    EXPECT(SYNTAX, "sscan", "s", "0", "match");
    EXPECT("*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", "sscan", "s", "0", "match",
           "a");

    /* a full iteration returns every member at least once */
    char buf[16];
    for (int i = 0; i < 500; i++) {
        snprintf(buf, sizeof buf, "x%d", i);
        run("sadd", "big", buf, NULL);
    }
    static unsigned char seen[500];
    memset(seen, 0, sizeof seen);
    char cursor[32] = "0";
    int calls = 0;
    do {
        run("sscan", "big", cursor, "count", "20", "match", "x*", NULL);
        const char *p = out.data;
        cr_assert(strncmp(p, "*2\r\n$", 5) == 0);
        long cl = strtol(p + 5, (char **)&p, 10);
        p += 2;
        memcpy(cursor, p, (size_t)cl);
        cursor[cl] = '\0';
        p += cl + 2;
        long n = strtol(p + 1, (char **)&p, 10);
        p += 2;
        for (long i = 0; i < n; i++) {
            long l = strtol(p + 1, (char **)&p, 10);
            p += 2;
            cr_assert(l > 1 && p[0] == 'x');
            seen[atoi(p + 1)] = 1;
            p += l + 2;
        }
        calls++;
        cr_assert(calls < 1000);
    } while (strcmp(cursor, "0") != 0);
    for (int i = 0; i < 500; i++) cr_assert(seen[i], "x%d never returned", i);
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "big", "0", "match", "nomatch*",
           "count", "100000");
}

/* A count the client makes huge is cut off at MR_MAX_CLIENT_SIZED_REPLY
 * (the connection would be closed after it), not streamed for ever. */
Test(t_set, srandmember_endless_count_is_cut, .timeout = 120) {
    EXPECT(":1\r\n", "sadd", "s", "a");
    run("srandmember", "s", "-9223372036854775807", NULL);
    cr_assert(strncmp(out.data, "*9223372036854775807\r\n", 22) == 0);
    cr_assert(out.len > MR_MAX_CLIENT_SIZED_REPLY &&
                  out.len < MR_MAX_CLIENT_SIZED_REPLY + 64,
              "reply of %zu bytes", out.len);
    EXPECT("$1\r\na\r\n", "srandmember", "s");
}

/* ---- the intset encoding and its conversions (Redis 7.0.15's answers,
 * observed on the real server with the same commands) ---- */

static void sadd_range(const char *key, long from, long to) {
    char buf[24];
    for (long v = from; v <= to; v++) {
        snprintf(buf, sizeof buf, "%ld", v);
        run("sadd", key, buf, NULL);
    }
}

Test(t_set, intset_first_member_and_integers) {
    static const struct {
        const char *m, *enc;
    } cases[] = {
        {"1", "intset"},           {"0", "intset"},
        {"-1", "intset"},          {"-0", "hashtable"},
        {"007", "hashtable"},      {" 1", "hashtable"},
        {"+1", "hashtable"},       {"1.0", "hashtable"},
        {"", "hashtable"},         {"1 ", "hashtable"},
        {"9223372036854775807", "intset"},
        {"9223372036854775808", "hashtable"},
        {"-9223372036854775808", "intset"},
        {"-9223372036854775809", "hashtable"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run("del", "k", NULL);
        run("sadd", "k", cases[i].m, NULL);
        cr_assert_str_eq(enc("k"), cases[i].enc, "SADD k '%s'", cases[i].m);
        /* the member reads back as the same bytes */
        char want[64];
        snprintf(want, sizeof want, "*1\r\n$%zu\r\n%s\r\n", strlen(cases[i].m),
                 cases[i].m);
        EXPECT(want, "smembers", "k");
    }
    /* a non-integer after integers converts, for good */
    run("del", "k", NULL);
    EXPECT(":3\r\n", "sadd", "k", "3", "1", "2");
    cr_assert_str_eq(enc("k"), "intset");
    EXPECT(":0\r\n", "sismember", "k", "01");
    EXPECT(":0\r\n", "sismember", "k", "-0");
    EXPECT(":1\r\n", "sismember", "k", "1");
    EXPECT("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "smembers", "k");
    EXPECT(":1\r\n", "sadd", "k", "x");
    cr_assert_str_eq(enc("k"), "hashtable");
    EXPECT(":1\r\n", "srem", "k", "x");
    cr_assert_str_eq(enc("k"), "hashtable");
    EXPECT(":1\r\n", "sismember", "k", "2");
    /* one SADD of integers then a string: converted, every member kept */
    run("del", "k", NULL);
    EXPECT(":4\r\n", "sadd", "k", "5", "-70000", "y", "9223372036854775807");
    cr_assert_str_eq(enc("k"), "hashtable");
    EXPECT(":1\r\n", "sismember", "k", "-70000");
    EXPECT(":1\r\n", "sismember", "k", "9223372036854775807");
    /* a string first: a table even for later integers */
    run("del", "k", NULL);
    EXPECT(":2\r\n", "sadd", "k", "z", "1");
    cr_assert_str_eq(enc("k"), "hashtable");
}

Test(t_set, intset_size_limit) {
    sadd_range("b", 1, 511);
    cr_assert_str_eq(enc("b"), "intset");
    sadd_range("b", 512, 512);
    cr_assert_str_eq(enc("b"), "intset");
    EXPECT(":512\r\n", "scard", "b");
    sadd_range("b", 513, 513);
    cr_assert_str_eq(enc("b"), "hashtable");
    EXPECT(":513\r\n", "scard", "b");
    /* never back, even far below the limit */
    for (int v = 1; v <= 503; v++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", v);
        run("srem", "b", buf, NULL);
    }
    EXPECT(":10\r\n", "scard", "b");
    cr_assert_str_eq(enc("b"), "hashtable");
    /* an existing member at the limit is no growth */
    sadd_range("c", 1, 512);
    EXPECT(":0\r\n", "sadd", "c", "512");
    cr_assert_str_eq(enc("c"), "intset");
    /* the limit is read when members are added */
    atomic_store(&mr_config.set_max_intset_entries, 0);
    run("sadd", "z", "1", NULL);
    cr_assert_str_eq(enc("z"), "hashtable");
    atomic_store(&mr_config.set_max_intset_entries, 3);
    EXPECT(":3\r\n", "sadd", "t", "1", "2", "3");
    cr_assert_str_eq(enc("t"), "intset");
    EXPECT(":1\r\n", "sadd", "t", "4");
    cr_assert_str_eq(enc("t"), "hashtable");
}

/* A hash-table set of 10 integers (it once had 600), as the store and pop
 * tests below start from. */
static void shrunk_table(const char *key) {
    sadd_range(key, 1, 600);
    cr_assert_str_eq(enc(key), "hashtable");
    char buf[16];
    for (int v = 11; v <= 600; v++) {
        snprintf(buf, sizeof buf, "%d", v);
        run("srem", key, buf, NULL);
    }
    cr_assert_str_eq(enc(key), "hashtable");
}

Test(t_set, store_results_are_reencoded) {
    shrunk_table("a");
    EXPECT(":10\r\n", "sunionstore", "u", "a");
    cr_assert_str_eq(enc("u"), "intset");
    EXPECT(":10\r\n", "sinterstore", "i", "a", "a");
    cr_assert_str_eq(enc("i"), "intset");
    EXPECT(":10\r\n", "sdiffstore", "d", "a", "nx");
    cr_assert_str_eq(enc("d"), "intset");
    /* replies from a result that is an intset come in ascending order */
    run("sadd", "x3", "3", "1", "2", NULL);
    EXPECT("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "sinter", "x3", "u");
    /* a non-integer or too many members in the result: a table */
    run("sadd", "s", "x", "1", NULL);
    EXPECT(":11\r\n", "sunionstore", "u2", "a", "s");
    cr_assert_str_eq(enc("u2"), "hashtable");
    EXPECT(":1\r\n", "sinterstore", "i2", "a", "s");
    cr_assert_str_eq(enc("i2"), "intset");
    sadd_range("big", 1, 600);
    EXPECT(":600\r\n", "sinterstore", "i3", "big", "big");
    cr_assert_str_eq(enc("i3"), "hashtable");
    /* COPY keeps the encoding (a table of integers stays one) */
    EXPECT(":1\r\n", "copy", "a", "c");
    cr_assert_str_eq(enc("c"), "hashtable");
    EXPECT(":1\r\n", "copy", "u", "c2");
    cr_assert_str_eq(enc("c2"), "intset");
    EXPECT(OK, "rename", "u", "r");
    cr_assert_str_eq(enc("r"), "intset");
}

Test(t_set, sdiffstore_algorithms_leave_redis_encodings) {
    /* 10 keys, small subtrahends: Redis takes algorithm 2 (all of the first
     * set added, then removed), so the result stays a table */
    sadd_range("a", 1, 600);
    sadd_range("s1", 11, 600);
    const char *argv[] = {"sdiffstore", "d", "a", "s1", "s2", "s3", "s4",
                          "s5", "s6", "s7", "s8", "s9"};
    for (int i = 2; i <= 9; i++) {
        char k[16];
        snprintf(k, sizeof k, "s%d", i);
        run("sadd", k, "x", NULL);
    }
    mr_str_t av[12];
    for (int i = 0; i < 12; i++) av[i] = (mr_str_t){argv[i], strlen(argv[i])};
    run_argv(12, av);
    cr_assert_str_eq(out.data, ":10\r\n");
    cr_assert_str_eq(enc("d"), "hashtable");
    /* two keys: algorithm 1 adds only the 10 that stay */
    EXPECT(":10\r\n", "sdiffstore", "d2", "a", "s1");
    cr_assert_str_eq(enc("d2"), "intset");
    EXPECT("*10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"
           "$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n",
           "sdiff", "a", "s1");
    /* A - A with algorithm 2 (first key also given later) is empty */
    const char *argv2[] = {"sdiffstore", "d3", "a", "s2", "s3", "s4", "a"};
    mr_str_t av2[7];
    for (int i = 0; i < 7; i++) av2[i] = (mr_str_t){argv2[i], strlen(argv2[i])};
    run_argv(7, av2);
    cr_assert_str_eq(out.data, ":0\r\n");
    cr_assert(!exists("d3"));
}

Test(t_set, spop_survivors_and_smove_encodings) {
    /* few survivors: a new set for them, an intset again */
    sadd_range("p", 1, 600);
    run("spop", "p", "590", NULL);
    EXPECT(":10\r\n", "scard", "p");
    cr_assert_str_eq(enc("p"), "intset");
    /* many survivors: popped one by one, the table stays */
    run("del", "p", NULL);
    sadd_range("p", 1, 600);
    run("spop", "p", "100", NULL);
    EXPECT(":500\r\n", "scard", "p");
    cr_assert_str_eq(enc("p"), "hashtable");
    /* count >= size: the reply is ascending, as Redis's SUNION of it */
    shrunk_table("q");
    EXPECT("*10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"
           "$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n",
           "spop", "q", "10");
    cr_assert(!exists("q"));
    /* SMOVE: a new destination takes the member's encoding */
    run("sadd", "m1", "x", "5", NULL);
    EXPECT(":1\r\n", "smove", "m1", "m2", "5");
    cr_assert_str_eq(enc("m2"), "intset");
    EXPECT(":1\r\n", "smove", "m1", "m3", "x");
    cr_assert_str_eq(enc("m3"), "hashtable");
    cr_assert(!exists("m1"));
    EXPECT(":1\r\n", "smove", "m3", "m2", "x");
    cr_assert_str_eq(enc("m2"), "hashtable");
}

Test(t_set, intset_spop_srandmember_sscan) {
    sadd_range("r", 0, 9);
    /* uniform picks: each of 10 members about 1000 times in 10000 */
    int hits[10] = {0};
    run("srandmember", "r", "-10000", NULL);
    members_t *ms = malloc(sizeof *ms);
    const char *p = out.data;
    cr_assert(strncmp(p, "*10000\r\n", 8) == 0);
    p += 8;
    for (int i = 0; i < 10000; i++) {
        cr_assert(p[0] == '$' && p[1] == '1');
        hits[p[4] - '0']++;
        p += 7;
    }
    for (int i = 0; i < 10; i++)
        cr_assert(hits[i] > 800 && hits[i] < 1200, "member %d: %d", i, hits[i]);
    /* distinct positive counts, in random order */
    for (int c = 1; c <= 12; c++) {
        char cb[16];
        snprintf(cb, sizeof cb, "%d", c);
        run("srandmember", "r", cb, NULL);
        parse_members(ms);
        cr_assert_eq(ms->n, c > 10 ? 10 : c);
        unsigned seen = 0;
        for (long i = 0; i < ms->n; i++) {
            int v = atoi(ms->m[i]);
            cr_assert(v >= 0 && v < 10 && !(seen >> v & 1));
            seen |= 1u << v;
        }
        members_free(ms);
    }
    /* SSCAN: everything at once, cursor 0, whatever cursor and COUNT */
    EXPECT("*2\r\n$1\r\n0\r\n*10\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"
           "$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n",
           "sscan", "r", "7", "count", "1");
    EXPECT("*2\r\n$1\r\n0\r\n*1\r\n$1\r\n3\r\n", "sscan", "r", "0", "match", "3*");
    EXPECT("-ERR invalid cursor\r\n", "sscan", "r", "abc");
    /* SPOP until empty: every member once */
    unsigned popped = 0;
    for (int i = 0; i < 10; i++) {
        run("spop", "r", NULL);
        int v = out.data[4] - '0';
        cr_assert(!(popped >> v & 1));
        popped |= 1u << v;
    }
    cr_assert_eq(popped, 0x3ffu);
    cr_assert(!exists("r"));
    EXPECT(NIL, "spop", "r");
    /* SPOP count on an intset, both paths */
    sadd_range("r", 0, 99);
    run("spop", "r", "7", NULL);
    parse_members(ms);
    cr_assert_eq(ms->n, 7);
    members_free(ms);
    cr_assert_str_eq(enc("r"), "intset");
    run("spop", "r", "90", NULL);
    parse_members(ms);
    cr_assert_eq(ms->n, 90);
    members_free(ms);
    EXPECT(":3\r\n", "scard", "r");
    cr_assert_str_eq(enc("r"), "intset");
    free(ms);
}

/* Random operations over a universe of integers (every width, the int64
 * limits) and two strings, with a limit of 6, checked against a bitmask
 * model that also predicts Redis 7.0's encoding of every key. */
#define IU 12
static const char *const inames[IU] = {
    "0", "-5", "32767", "32768", "-32769", "70000", "-2147483649",
    "9223372036854775807", "-9223372036854775808", "12", "x", "007"};
#define INT_MASK 0x3ffu /* the first 10 are integers */
#define IMAX 6

static unsigned imask_of_reply(void) {
    members_t ms;
    parse_members(&ms);
    unsigned mask = 0;
    for (long i = 0; i < ms.n; i++) {
        int b = -1;
        for (int j = 0; j < IU; j++)
            if (strcmp(ms.m[i], inames[j]) == 0) b = j;
        cr_assert(b >= 0, "unknown member %s", ms.m[i]);
        cr_assert(!(mask & (1u << b)), "duplicate member %s", ms.m[i]);
        mask |= 1u << b;
    }
    members_free(&ms);
    return mask;
}

/* What a set built by adding `mask`'s members one by one would be. */
static bool built_as_table(unsigned mask) {
    return (mask & ~INT_MASK) || popcount(mask) > IMAX;
}

Test(t_set, intset_model, .timeout = 60) {
    atomic_store(&mr_config.set_max_intset_entries, IMAX);
    const char *keys[] = {"k0", "k1", "k2", "k3"};
    unsigned model[4] = {0};
    bool table[4] = {0};
    srand(4242);
    for (int step = 0; step < 4000; step++) {
        int op = rand() % 8, a = rand() % 4, b = rand() % 4, c = rand() % 4;
        int m = rand() % IU;
        unsigned bit = 1u << m;
        char want[32];
        switch (op) {
        case 0:
        case 1:
            run("sadd", keys[a], inames[m], NULL);
            snprintf(want, sizeof want, ":%d\r\n", !(model[a] & bit));
            cr_assert_str_eq(out.data, want);
            if (!model[a]) table[a] = !(bit & INT_MASK);
            model[a] |= bit;
            if (!(bit & INT_MASK) || popcount(model[a]) > IMAX) table[a] = true;
            break;
        case 2:
            run("srem", keys[a], inames[m], NULL);
            snprintf(want, sizeof want, ":%d\r\n", !!(model[a] & bit));
            cr_assert_str_eq(out.data, want);
            model[a] &= ~bit;
            break;
        case 3: {
            run("smove", keys[a], keys[b], inames[m], NULL);
            int moved = !!(model[a] & bit);
            snprintf(want, sizeof want, ":%d\r\n", moved);
            cr_assert_str_eq(out.data, want);
            if (moved && a != b) {
                model[a] &= ~bit;
                if (!model[b]) table[b] = !(bit & INT_MASK);
                model[b] |= bit;
                if (!(bit & INT_MASK) || popcount(model[b]) > IMAX)
                    table[b] = true;
            }
            break;
        }
        case 4: {
            int kind = rand() % 3;
            unsigned r = kind == 0   ? model[b] & model[c]
                         : kind == 1 ? model[b] | model[c]
                                     : model[b] & ~model[c];
            run(kind == 0 ? "sinterstore" : kind == 1 ? "sunionstore"
                                                      : "sdiffstore",
                keys[a], keys[b], keys[c], NULL);
            snprintf(want, sizeof want, ":%d\r\n", popcount(r));
            cr_assert_str_eq(out.data, want);
            model[a] = r;
            table[a] = built_as_table(r); /* two keys: SDIFF algorithm 1 */
            break;
        }
        case 5: {
            int cnt = rand() % 8, size = popcount(model[a]);
            char cb[16];
            snprintf(cb, sizeof cb, "%d", cnt);
            run("spop", keys[a], cb, NULL);
            unsigned got = imask_of_reply();
            cr_assert_eq(popcount(got), size < cnt ? size : cnt);
            cr_assert_eq(got & ~model[a], 0u);
            model[a] &= ~got;
            /* Redis rebuilds the survivors when few stay */
            if (cnt > 0 && cnt < size && (size - cnt) * 5 <= cnt)
                table[a] = built_as_table(model[a]);
            break;
        }
        default:
            run("sinter", keys[a], keys[b], keys[c], NULL);
            cr_assert_eq(imask_of_reply(), model[a] & model[b] & model[c]);
            run("sunion", keys[a], keys[b], keys[c], NULL);
            cr_assert_eq(imask_of_reply(), model[a] | model[b] | model[c]);
            run("sdiff", keys[a], keys[b], keys[c], NULL);
            cr_assert_eq(imask_of_reply(), model[a] & ~model[b] & ~model[c]);
            run("sintercard", "3", keys[a], keys[b], keys[c], NULL);
            snprintf(want, sizeof want, ":%d\r\n",
                     popcount(model[a] & model[b] & model[c]));
            cr_assert_str_eq(out.data, want);
            break;
        }
        for (int k = 0; k < 4; k++) {
            cr_assert_eq(exists(keys[k]), model[k] != 0, "step %d key %s", step,
                         keys[k]);
            if (model[k])
                cr_assert_str_eq(enc(keys[k]), table[k] ? "hashtable" : "intset",
                                 "step %d op %d key %s", step, op, keys[k]);
            if (step % 50 == 0) {
                run("smembers", keys[k], NULL);
                cr_assert_eq(imask_of_reply(), model[k]);
            }
        }
    }
}
