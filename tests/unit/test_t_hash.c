/* Hash commands, run in-process through mr_dispatch (which locks the key's
 * shard and calls the handler), in both encodings and across the listpack ->
 * hashtable conversion. Every fixed expected reply below was observed on a
 * real redis-server 7.0.15; random replies (HRANDFIELD) and table-order
 * replies are checked for their shape and content instead. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/reply.h"
#include "mr/object.h"
#include "mr/store.h"
#include "types/listpack.h"
#include "mr/util.h"

#define NOW 1700000000000LL

static mr_buf_t out;
static mr_reply_t reply;
static int64_t now = NOW;
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
    now = NOW;
}

static void teardown(void) {
    mr_store_free();
    mr_buf_free(&out);
}

TestSuite(t_hash, .init = setup, .fini = teardown);

/* Runs one command given as explicit (pointer, length) pairs; returns the
 * reply bytes (also in out.data / out.len). */
static const char *run_argv(int argc, mr_str_t *argv) {
    out.len = 0;
    mr_call_t call = {0};
    call.argv = argv;
    call.argc = argc;
    call.reply = &reply;
    call.conn = NULL;
    call.db = 0;
    call.now_ms = now;
    mr_dispatch(&call);
    last_dirty = call.dirty;
    mr_buf_append(&out, "", 1); /* NUL-terminate for cstring compares */
    out.len--;
    return out.data;
}

/* run("set", "k", "v", NULL): arguments are C strings. */
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

/* Printable form of the last reply for assertion messages. */
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
#define NOT_FLOAT "-ERR value is not a valid float\r\n"
#define NIL "$-1\r\n"
#define OK "+OK\r\n"

#define NOT_HASH_INT "-ERR hash value is not an integer\r\n"
#define NOT_HASH_FLOAT "-ERR hash value is not a float\r\n"
#define EMPTY "*0\r\n"

static mr_entry_t *entry(const char *key) {
    return mr_db_lookup_write_locked(0, key, strlen(key), now);
}

static unsigned enc_of(const char *key) {
    mr_entry_t *e = entry(key);
    cr_assert_not_null(e, "key %s missing", key);
    cr_assert_eq(mr_entry_type(e), MR_T_HASH);
    return mr_entry_enc(e);
}

static void set_cfg(const char *name, const char *val) {
    char err[256];
    mr_str_t a[2] = {{name, strlen(name)}, {val, strlen(val)}};
    cr_assert(mr_config_set_many(a, 2, err, sizeof err), "%s", err);
}

/* The bulk strings of the last reply in order, aggregate headers skipped
 * (enough for flat and RESP3-nested replies of bulk strings). Returns the
 * count; items[i] is NUL-terminated in a static pool. */
static char pool[1 << 20];
static const char *items[20000];
static size_t bulks(void) {
    size_t n = 0, used = 0;
    const char *p = out.data, *end = out.data + out.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cr_assert_not_null(nl);
        if (*p == '$') {
            long len = strtol(p + 1, NULL, 10);
            cr_assert(len >= 0 && used + (size_t)len + 1 <= sizeof pool);
            cr_assert(n < sizeof items / sizeof items[0]);
            memcpy(pool + used, nl + 1, (size_t)len);
            pool[used + (size_t)len] = '\0';
            items[n++] = pool + used;
            used += (size_t)len + 1;
            p = nl + 1 + len + 2;
        } else {
            p = nl + 1;
        }
    }
    return n;
}

/* h gets fields f0..f{n-1} with values v0..v{n-1}. */
static void fill(const char *key, int n) {
    for (int i = 0; i < n; i++) {
        char f[16], v[16];
        snprintf(f, sizeof f, "f%d", i);
        snprintf(v, sizeof v, "v%d", i);
        EXPECT(":1\r\n", "hset", key, f, v);
    }
}

/* ---- HSET / HMSET / HSETNX / HGET / HMGET ---- */

Test(t_hash, hset_hget_basic) {
    EXPECT(":3\r\n", "hset", "h", "a", "1", "b", "2", "c", "3");
    cr_assert_eq(last_dirty, 3);
    EXPECT(":1\r\n", "hset", "h", "a", "10", "d", "4");
    cr_assert_eq(last_dirty, 2); /* Redis counts every pair written */
    EXPECT("$2\r\n10\r\n", "hget", "h", "a");
    EXPECT(NIL, "hget", "h", "nope");
    EXPECT(NIL, "hget", "nokey", "a");
    EXPECT("*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n2\r\n", "hmget", "h", "a", "x",
           "b");
    EXPECT("*2\r\n$-1\r\n$-1\r\n", "hmget", "nokey", "a", "b");
    EXPECT(OK, "hmset", "h", "e", "5");
    EXPECT("$1\r\n5\r\n", "hget", "h", "e");
    cr_assert_eq(enc_of("h"), MR_ENC_LISTPACK);
}

Test(t_hash, arity) {
    EXPECT("-ERR wrong number of arguments for 'hset' command\r\n", "hset",
           "h", "a");
    EXPECT("-ERR wrong number of arguments for 'hset' command\r\n", "hset",
           "h", "a", "1", "b");
    EXPECT("-ERR wrong number of arguments for 'hmset' command\r\n", "hmset",
           "h", "a");
    EXPECT("-ERR wrong number of arguments for 'hget' command\r\n", "hget",
           "h");
    EXPECT("-ERR wrong number of arguments for 'hscan' command\r\n", "hscan",
           "h");
    EXPECT("-ERR wrong number of arguments for 'hrandfield' command\r\n",
           "hrandfield");
    cr_assert_null(entry("h"));
}

Test(t_hash, hset_binary_safe) {
    mr_str_t a[4] = {{"hset", 4}, {"h", 1}, {"f\0\r\n", 4}, {"v\0x", 3}};
    run_argv(4, a);
    cr_assert_str_eq(out.data, ":1\r\n");
    mr_str_t g[3] = {{"hget", 4}, {"h", 1}, {"f\0\r\n", 4}};
    run_argv(3, g);
    cr_assert(out.len == 9 && memcmp(out.data, "$3\r\nv\0x\r\n", 9) == 0,
              "%s", show());
}

Test(t_hash, integer_looking_values) {
    /* the listpack stores these as integers: they must read back intact */
    EXPECT(":4\r\n", "hset", "h", "1", "-9223372036854775808", "007", "12",
           "-0", "3", "2", "9223372036854775807");
    EXPECT("*8\r\n$1\r\n1\r\n$20\r\n-9223372036854775808\r\n$3\r\n007\r\n"
           "$2\r\n12\r\n$2\r\n-0\r\n$1\r\n3\r\n$1\r\n2\r\n"
           "$19\r\n9223372036854775807\r\n",
           "hgetall", "h");
}

Test(t_hash, hsetnx) {
    EXPECT(":1\r\n", "hsetnx", "h", "a", "1");
    cr_assert_eq(last_dirty, 1);
    EXPECT(":0\r\n", "hsetnx", "h", "a", "2");
    cr_assert_eq(last_dirty, 0);
    EXPECT("$1\r\n1\r\n", "hget", "h", "a");
}

/* ---- HDEL / HEXISTS / HLEN / HSTRLEN ---- */

Test(t_hash, hdel_and_empty_deletion) {
    EXPECT(":0\r\n", "hdel", "nokey", "a");
    EXPECT(":3\r\n", "hset", "h", "a", "1", "b", "2", "c", "3");
    EXPECT(":0\r\n", "hdel", "h", "x");
    cr_assert_eq(last_dirty, 0);
    EXPECT(":2\r\n", "hdel", "h", "a", "b", "a");
    cr_assert_eq(last_dirty, 2);
    EXPECT(":1\r\n", "hlen", "h");
    EXPECT(":1\r\n", "hdel", "h", "c", "x");
    cr_assert_null(entry("h"), "an emptied hash must be deleted");
    EXPECT(":0\r\n", "exists", "h");
}

Test(t_hash, hexists_hlen_hstrlen) {
    EXPECT(":2\r\n", "hset", "h", "a", "hello", "n", "-123");
    EXPECT(":1\r\n", "hexists", "h", "a");
    EXPECT(":0\r\n", "hexists", "h", "b");
    EXPECT(":0\r\n", "hexists", "nokey", "a");
    EXPECT(":2\r\n", "hlen", "h");
    EXPECT(":0\r\n", "hlen", "nokey");
    EXPECT(":5\r\n", "hstrlen", "h", "a");
    EXPECT(":4\r\n", "hstrlen", "h", "n"); /* stored as an integer */
    EXPECT(":0\r\n", "hstrlen", "h", "b");
    EXPECT(":0\r\n", "hstrlen", "nokey", "b");
}

/* ---- HKEYS / HVALS / HGETALL ---- */

Test(t_hash, whole_hash_reads) {
    EXPECT(EMPTY, "hkeys", "nokey");
    EXPECT(EMPTY, "hvals", "nokey");
    EXPECT(EMPTY, "hgetall", "nokey");
    EXPECT(":2\r\n", "hset", "h", "a", "1", "b", "2");
    EXPECT("*2\r\n$1\r\na\r\n$1\r\nb\r\n", "hkeys", "h");
    EXPECT("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "hvals", "h");
    EXPECT("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "hgetall",
           "h");
    reply.resp = 3;
    EXPECT("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "hgetall",
           "h");
    EXPECT("%0\r\n", "hgetall", "nokey");
    EXPECT("*2\r\n$1\r\na\r\n$1\r\nb\r\n", "hkeys", "h");
    reply.resp = 2;
}

/* ---- encodings ---- */

Test(t_hash, convert_on_entries) {
    set_cfg("hash-max-listpack-entries", "4");
    fill("h", 4);
    cr_assert_eq(enc_of("h"), MR_ENC_LISTPACK);
    EXPECT(":1\r\n", "hset", "h", "f4", "v4");
    cr_assert_eq(enc_of("h"), MR_ENC_HASHTABLE);
    /* never back, even when small again */
    EXPECT(":4\r\n", "hdel", "h", "f0", "f1", "f2", "f3");
    cr_assert_eq(enc_of("h"), MR_ENC_HASHTABLE);
    EXPECT("$2\r\nv4\r\n", "hget", "h", "f4");
    EXPECT(":1\r\n", "hdel", "h", "f4");
    cr_assert_null(entry("h"));
    /* a big HSET on a new key converts too */
    EXPECT(":5\r\n", "hset", "g", "1", "a", "2", "b", "3", "c", "4", "d", "5",
           "e");
    cr_assert_eq(enc_of("g"), MR_ENC_HASHTABLE);
    EXPECT(":5\r\n", "hlen", "g");
    EXPECT("$1\r\ne\r\n", "hget", "g", "5");
    set_cfg("hash-max-listpack-entries", "0");
    EXPECT(":1\r\n", "hset", "z", "a", "b");
    cr_assert_eq(enc_of("z"), MR_ENC_HASHTABLE);
}

Test(t_hash, convert_on_value_length) {
    char v64[65], v65[66];
    memset(v64, 'x', 64);
    v64[64] = '\0';
    memset(v65, 'x', 65);
    v65[65] = '\0';
    EXPECT(":1\r\n", "hset", "a", "f", v64);
    cr_assert_eq(enc_of("a"), MR_ENC_LISTPACK);
    EXPECT(":1\r\n", "hset", "b", "f", v65);
    cr_assert_eq(enc_of("b"), MR_ENC_HASHTABLE);
    EXPECT(":1\r\n", "hset", "c", v65, "v");
    cr_assert_eq(enc_of("c"), MR_ENC_HASHTABLE);
    /* HSETNX checks its arguments first, as Redis: converts even though
     * nothing is written */
    EXPECT(":1\r\n", "hset", "d", "f", "x");
    EXPECT(":0\r\n", "hsetnx", "d", "f", v65);
    cr_assert_eq(enc_of("d"), MR_ENC_HASHTABLE);
    EXPECT("$1\r\nx\r\n", "hget", "d", "f");
    /* HINCRBY's field is checked when it is stored */
    EXPECT(":1\r\n", "hset", "e", "f", "x");
    EXPECT(":1\r\n", "hincrby", "e", v65, "1");
    cr_assert_eq(enc_of("e"), MR_ENC_HASHTABLE);
    EXPECT(":1\r\n", "hset", "g", "f", "x");
    EXPECT("$3\r\n1.5\r\n", "hincrbyfloat", "g", v65, "1.5");
    cr_assert_eq(enc_of("g"), MR_ENC_HASHTABLE);
}

/* Every command on a hash table gives the same answers. */
Test(t_hash, hashtable_commands) {
    set_cfg("hash-max-listpack-entries", "1");
    EXPECT(":3\r\n", "hset", "h", "a", "1", "b", "2", "c", "hello");
    cr_assert_eq(enc_of("h"), MR_ENC_HASHTABLE);
    EXPECT("$1\r\n1\r\n", "hget", "h", "a");
    EXPECT("*2\r\n$-1\r\n$1\r\n2\r\n", "hmget", "h", "x", "b");
    EXPECT(":1\r\n", "hexists", "h", "c");
    EXPECT(":5\r\n", "hstrlen", "h", "c");
    EXPECT(":0\r\n", "hsetnx", "h", "a", "9");
    EXPECT(":11\r\n", "hincrby", "h", "a", "10");
    EXPECT("$4\r\n13.5\r\n", "hincrbyfloat", "h", "b", "11.5");
    EXPECT(NOT_HASH_INT, "hincrby", "h", "c", "1");
    EXPECT(":3\r\n", "hlen", "h");
    run("hgetall", "h", NULL);
    cr_assert_eq(bulks(), 6);
    bool seen[3] = {false, false, false};
    for (int i = 0; i < 6; i += 2) {
        if (!strcmp(items[i], "a")) seen[0] = !strcmp(items[i + 1], "11");
        if (!strcmp(items[i], "b")) seen[1] = !strcmp(items[i + 1], "13.5");
        if (!strcmp(items[i], "c")) seen[2] = !strcmp(items[i + 1], "hello");
    }
    cr_assert(seen[0] && seen[1] && seen[2], "%s", show());
    run("hkeys", "h", NULL);
    cr_assert_eq(bulks(), 3);
    run("hvals", "h", NULL);
    cr_assert_eq(bulks(), 3);
    EXPECT(":3\r\n", "hdel", "h", "a", "b", "c");
    cr_assert_null(entry("h"));
}

/* ---- HINCRBY / HINCRBYFLOAT ---- */

Test(t_hash, hincrby) {
    EXPECT(":5\r\n", "hincrby", "h", "n", "5");
    cr_assert_eq(last_dirty, 1);
    EXPECT(":-95\r\n", "hincrby", "h", "n", "-100");
    EXPECT(NOT_INT, "hincrby", "h", "n", "x");
    EXPECT(NOT_INT, "hincrby", "h", "n", "1.5");
    EXPECT(":2\r\n", "hset", "h", "s", "abc", "fl", "1.5");
    EXPECT(NOT_HASH_INT, "hincrby", "h", "s", "1");
    EXPECT(NOT_HASH_INT, "hincrby", "h", "fl", "1");
    cr_assert_eq(last_dirty, 0);
    EXPECT(":1\r\n", "hset", "h", "big", "9223372036854775807");
    EXPECT("-ERR increment or decrement would overflow\r\n", "hincrby", "h",
           "big", "1");
    EXPECT(":9223372036854775806\r\n", "hincrby", "h", "big", "-1");
    EXPECT(":1\r\n", "hset", "h", "min", "-9223372036854775808");
    EXPECT("-ERR increment or decrement would overflow\r\n", "hincrby", "h",
           "min", "-1");
    /* errors on a missing key create nothing */
    EXPECT(NOT_INT, "hincrby", "nokey", "f", "x");
    cr_assert_null(entry("nokey"));
}

Test(t_hash, hincrbyfloat) {
    EXPECT("$4\r\n10.1\r\n", "hincrbyfloat", "h", "f", "10.1");
    cr_assert_eq(last_dirty, 1);
    EXPECT("$6\r\n100010\r\n", "hincrbyfloat", "h", "f", "99999.9");
    EXPECT("$6\r\n103010\r\n", "hincrbyfloat", "h", "f", "3.0e3");
    EXPECT("$3\r\n0.5\r\n", "hincrbyfloat", "h", "g", "0.5");
    EXPECT("$1\r\n0\r\n", "hincrbyfloat", "h", "g", "-0.5");
    EXPECT("$2\r\n-1\r\n", "hincrbyfloat", "h", "g", "-1");
    EXPECT("-ERR value is NaN or Infinity\r\n", "hincrbyfloat", "h", "f",
           "inf");
    EXPECT("-ERR value is NaN or Infinity\r\n", "hincrbyfloat", "h", "f",
           "-inf");
    EXPECT(NOT_FLOAT, "hincrbyfloat", "h", "f", "nan");
    EXPECT(NOT_FLOAT, "hincrbyfloat", "h", "f", "abc");
    EXPECT(NOT_FLOAT, "hincrbyfloat", "h", "f", " 1");
    EXPECT(":1\r\n", "hset", "h", "s", "abc");
    EXPECT(NOT_HASH_FLOAT, "hincrbyfloat", "h", "s", "1");
    cr_assert_eq(last_dirty, 0);
    /* an integer stored in the listpack reads as a float */
    EXPECT(":1\r\n", "hset", "h", "i", "41");
    EXPECT("$4\r\n42.5\r\n", "hincrbyfloat", "h", "i", "1.5");
    /* the result passes long double's range only through overflow */
    EXPECT(":1\r\n", "hset", "h", "m", "1e4932");
    EXPECT("-ERR increment would produce NaN or Infinity\r\n",
           "hincrbyfloat", "h", "m", "1e4932");
    EXPECT("$2\r\n-1\r\n", "hget", "h", "g");
}

/* ---- WRONGTYPE, both ways ---- */

Test(t_hash, wrongtype) {
    EXPECT(OK, "set", "s", "x");
    const char *cmds[][6] = {
        {"hset", "s", "a", "b", NULL},     {"hmset", "s", "a", "b", NULL},
        {"hsetnx", "s", "a", "b", NULL},   {"hget", "s", "a", NULL},
        {"hmget", "s", "a", NULL},         {"hdel", "s", "a", NULL},
        {"hexists", "s", "a", NULL},       {"hlen", "s", NULL},
        {"hstrlen", "s", "a", NULL},       {"hkeys", "s", NULL},
        {"hvals", "s", NULL},              {"hgetall", "s", NULL},
        {"hincrby", "s", "a", "1", NULL},  {"hincrbyfloat", "s", "a", "1", NULL},
        {"hrandfield", "s", NULL},         {"hrandfield", "s", "2", NULL},
        {"hscan", "s", "0", NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        mr_str_t argv[6];
        int argc = 0;
        for (; cmds[i][argc]; argc++)
            argv[argc] = (mr_str_t){cmds[i][argc], strlen(cmds[i][argc])};
        run_argv(argc, argv);
        cr_assert_str_eq(out.data, WRONGTYPE, "%s", cmds[i][0]);
    }
    EXPECT("$1\r\nx\r\n", "get", "s");
    /* argument errors come first where Redis checks them first */
    EXPECT(NOT_INT, "hincrby", "s", "a", "x");
    EXPECT(NOT_FLOAT, "hincrbyfloat", "s", "a", "x");
    EXPECT("-ERR invalid cursor\r\n", "hscan", "s", "x");
    /* and string commands on a hash */
    EXPECT(":1\r\n", "hset", "h", "a", "b");
    EXPECT(WRONGTYPE, "get", "h");
    EXPECT(WRONGTYPE, "incr", "h");
    EXPECT(WRONGTYPE, "append", "h", "x");
}

/* ---- HRANDFIELD ---- */

static bool in_hash(const char *f, const char *v, int n) {
    int i;
    if (sscanf(f, "f%d", &i) != 1 || i < 0 || i >= n) return false;
    char want[16];
    snprintf(want, sizeof want, "v%d", i);
    return v == NULL || strcmp(v, want) == 0;
}

static void check_randfield(int n) {
    /* no count: one bulk */
    run("hrandfield", "h", NULL);
    cr_assert_eq(bulks(), 1);
    cr_assert(in_hash(items[0], NULL, n), "%s", show());
    /* positive counts: distinct fields */
    for (int count = 1; count <= n + 2; count++) {
        char c[16];
        snprintf(c, sizeof c, "%d", count);
        run("hrandfield", "h", c, "withvalues", NULL);
        int want = count < n ? count : n;
        char hdr[32];
        snprintf(hdr, sizeof hdr, "*%d\r\n", want * 2);
        cr_assert(strncmp(out.data, hdr, strlen(hdr)) == 0, "%s", show());
        cr_assert_eq(bulks(), (size_t)want * 2);
        for (int i = 0; i < want * 2; i += 2) {
            cr_assert(in_hash(items[i], items[i + 1], n), "%s", show());
            for (int j = 0; j < i; j += 2)
                cr_assert_str_neq(items[i], items[j], "repeat: %s", show());
        }
    }
    /* negative counts: exactly |count| picks, repeats allowed */
    run("hrandfield", "h", "-50", NULL);
    cr_assert(strncmp(out.data, "*50\r\n", 5) == 0);
    cr_assert_eq(bulks(), 50);
    for (int i = 0; i < 50; i++) cr_assert(in_hash(items[i], NULL, n));
    run("hrandfield", "h", "-7", "withvalues", NULL);
    cr_assert_eq(bulks(), 14);
    for (int i = 0; i < 14; i += 2)
        cr_assert(in_hash(items[i], items[i + 1], n));
    /* RESP3: WITHVALUES nests each pair */
    reply.resp = 3;
    run("hrandfield", "h", "-3", "withvalues", NULL);
    cr_assert(strncmp(out.data, "*3\r\n*2\r\n$", 9) == 0, "%s", show());
    cr_assert_eq(bulks(), 6);
    run("hrandfield", "h", "2", NULL);
    cr_assert(strncmp(out.data, "*2\r\n$", 5) == 0, "%s", show());
    reply.resp = 2;
}

Test(t_hash, hrandfield_listpack) {
    fill("h", 10);
    cr_assert_eq(enc_of("h"), MR_ENC_LISTPACK);
    check_randfield(10);
}

Test(t_hash, hrandfield_hashtable) {
    set_cfg("hash-max-listpack-entries", "4");
    fill("h", 40); /* counts up to 42 cover all three unique strategies */
    cr_assert_eq(enc_of("h"), MR_ENC_HASHTABLE);
    check_randfield(40);
}

Test(t_hash, hrandfield_edges) {
    EXPECT(NIL, "hrandfield", "nokey");
    EXPECT(EMPTY, "hrandfield", "nokey", "5");
    EXPECT(EMPTY, "hrandfield", "nokey", "-5", "withvalues");
    reply.resp = 3;
    EXPECT("_\r\n", "hrandfield", "nokey");
    EXPECT(EMPTY, "hrandfield", "nokey", "5");
    reply.resp = 2;
    EXPECT(":1\r\n", "hset", "h", "a", "1");
    EXPECT(EMPTY, "hrandfield", "h", "0");
    EXPECT(SYNTAX, "hrandfield", "h", "1", "foo");
    EXPECT(SYNTAX, "hrandfield", "h", "1", "withvalues", "foo");
    EXPECT(NOT_INT, "hrandfield", "h", "x");
    EXPECT("-ERR value is out of range, value must between "
           "-9223372036854775807 and 9223372036854775807\r\n",
           "hrandfield", "h", "-9223372036854775808");
    EXPECT("-ERR value is out of range\r\n", "hrandfield", "h",
           "-9223372036854770000", "withvalues");
    EXPECT("-ERR value is out of range\r\n", "hrandfield", "h",
           "4611686018427387904", "withvalues");
    /* huge positive counts answer with what exists, allocating nothing by
     * the count */
    EXPECT("*1\r\n$1\r\na\r\n", "hrandfield", "h", "9223372036854775807");
    EXPECT("*2\r\n$1\r\na\r\n$1\r\n1\r\n", "hrandfield", "h",
           "4611686018427387903", "withvalues");
    set_cfg("hash-max-listpack-entries", "0");
    EXPECT(":1\r\n", "hset", "t", "a", "1");
    EXPECT("*1\r\n$1\r\na\r\n", "hrandfield", "t", "9223372036854775807");
    /* a large negative count streams its picks */
    run("hrandfield", "t", "-10000", NULL);
    cr_assert(strncmp(out.data, "*10000\r\n", 8) == 0);
    cr_assert_eq(bulks(), 10000);
    EXPECT("$1\r\na\r\n", "hrandfield", "t");
}

/* ---- HSCAN ---- */

Test(t_hash, hscan_listpack) {
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "hscan", "nokey", "0");
    /* a missing key answers before the options are read, as Redis */
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "hscan", "nokey", "0", "foo");
    EXPECT("-ERR invalid cursor\r\n", "hscan", "nokey", "x");
    EXPECT(":3\r\n", "hset", "h", "a", "1", "b", "2", "ab", "3");
    /* everything in one call, cursor 0, whatever cursor and COUNT */
    EXPECT("*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
           "$2\r\nab\r\n$1\r\n3\r\n",
           "hscan", "h", "17", "count", "1");
    EXPECT("*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$1\r\n3\r\n",
           "hscan", "h", "0", "match", "a*");
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "hscan", "h", "0", "MATCH", "zz*");
    EXPECT(SYNTAX, "hscan", "h", "0", "count", "0");
    EXPECT(NOT_INT, "hscan", "h", "0", "count", "x");
    EXPECT(SYNTAX, "hscan", "h", "0", "foo");
    EXPECT(SYNTAX, "hscan", "h", "0", "match");
    EXPECT(SYNTAX, "hscan", "h", "0", "type", "hash");
    EXPECT("-ERR invalid cursor\r\n", "hscan", "h", "18446744073709551616");
    EXPECT("-ERR invalid cursor\r\n", "hscan", "h", " 1");
    EXPECT("-ERR invalid cursor\r\n", "hscan", "h", "1x");
}

Test(t_hash, hscan_hashtable_full_iteration) {
    set_cfg("hash-max-listpack-entries", "4");
    int n = 500;
    fill("h", n);
    cr_assert_eq(enc_of("h"), MR_ENC_HASHTABLE);
    bool *seen = calloc((size_t)n, 1);
    char cursor[32] = "0";
    int calls = 0;
    do {
        run("hscan", "h", cursor, "count", "20", NULL);
        size_t k = bulks();
        cr_assert(k >= 1 && (k - 1) % 2 == 0, "%s", show());
        snprintf(cursor, sizeof cursor, "%s", items[0]);
        for (size_t i = 1; i < k; i += 2) {
            cr_assert(in_hash(items[i], items[i + 1], n), "%s", show());
            seen[atoi(items[i] + 1)] = true;
        }
        calls++;
    } while (strcmp(cursor, "0") != 0 && calls < 10000);
    cr_assert(calls > 1, "a table must be scanned in steps");
    for (int i = 0; i < n; i++) cr_assert(seen[i], "field f%d missed", i);
    free(seen);
    /* MATCH filters fields only */
    strcpy(cursor, "0");
    int matched = 0;
    do {
        run("hscan", "h", cursor, "match", "f1?", NULL);
        size_t k = bulks();
        snprintf(cursor, sizeof cursor, "%s", items[0]);
        for (size_t i = 1; i < k; i += 2) {
            cr_assert(strlen(items[i]) == 3 && items[i][1] == '1');
            matched++;
        }
    } while (strcmp(cursor, "0") != 0);
    cr_assert_eq(matched, 10);
}

/* HRANDFIELD key -LONG_MAX would never end: the reply stops at its byte cap
 * (the connection, when there is one, is closed after it). */
Test(t_hash, hrandfield_endless_count_is_cut, .timeout = 120) {
    EXPECT(":1\r\n", "hset", "h", "a", "1");
    run("hrandfield", "h", "-9223372036854775807", NULL);
    cr_assert(strncmp(out.data, "*9223372036854775807\r\n", 22) == 0);
    cr_assert(out.len > ((size_t)256 << 20) &&
                  out.len < ((size_t)256 << 20) + 64,
              "reply of %zu bytes", out.len);
    EXPECT("$1\r\na\r\n", "hrandfield", "h");
}
