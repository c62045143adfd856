/* The command table's consistency, case-insensitive lookup, and the server
 * and connection commands that need no connection, run in-process through
 * mr_dispatch with conn = NULL. Expected bytes were observed on a real
 * redis-server 7.0.15 unless a comment says MiniRedis differs on purpose. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"

static mr_buf_t out;
static mr_reply_t reply;
static int cur_db;

static void setup(void) {
    uint8_t seed[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
    mr_hash_init(seed);
    mr_config_defaults();
    mr_store_init(4, 16);
    mr_cmd_table_init();
    reply.out = &out;
    reply.resp = 2;
    cur_db = 0;
}

static void teardown(void) {
    mr_store_free();
    mr_buf_free(&out);
}

TestSuite(cmd_table, .init = setup, .fini = teardown);
TestSuite(servercmds, .init = setup, .fini = teardown);

/* run("command", "count", NULL): returns the reply bytes, NUL-terminated. */
static const char *run(const char *a0, ...) {
    mr_str_t argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && argc < 64; a = va_arg(ap, const char *))
        argv[argc++] = (mr_str_t){a, strlen(a)};
    va_end(ap);
    out.len = 0;
    mr_call_t call = {0};
    call.argv = argv;
    call.argc = argc;
    call.reply = &reply;
    call.db = cur_db;
    call.now_ms = mr_mstime();
    mr_dispatch(&call);
    cur_db = call.db;
    mr_buf_append(&out, "", 1);
    out.len--;
    return out.data;
}

#define EXPECT(got, want) cr_assert_str_eq((got), (want))
#define STARTS(got, prefix)                                             \
    cr_assert(strncmp((got), (prefix), strlen(prefix)) == 0, "%s", (got))

/* ---- the table itself ---- */

static bool is_lower_name(const char *s) {
    if (!*s) return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || *s == '-' || *s == '_'))
            return false;
    return true;
}

/* Key positions must be reachable with the fewest arguments the arity
 * allows, and a row without keys has no step. */
static void check_row(const mr_cmd_t *c, const char *where) {
    cr_assert(is_lower_name(c->name), "%s: name '%s' not lower case", where,
              c->name);
    cr_assert(c->arity != 0, "%s: arity 0", c->name);
    cr_assert(c->group && c->summary && c->since && c->acl,
              "%s: missing docs", c->name);
    cr_assert(c->acl[0] == '@', "%s: acl '%s'", c->name, c->acl);
    cr_assert(!(c->flags & MR_CMD_WRITE && c->flags & MR_CMD_READONLY),
              "%s: both write and readonly", c->name);
    if (c->first == 0) {
        cr_assert(c->last == 0 && c->step == 0, "%s: keyless row has last/step",
                  c->name);
    } else {
        int min_argc = c->arity > 0 ? c->arity : -c->arity;
        cr_assert(c->first > 0 && c->step >= 1, "%s: bad first/step", c->name);
        /* an open-ended range may be empty (SUNSUBSCRIBE: arity -1, keys
         * 1 -1 1, as Redis reports it) */
        cr_assert(c->first < min_argc || (c->last < 0 && c->first == min_argc),
                  "%s: first key beyond arity", c->name);
        if (c->last > 0) {
            cr_assert(c->last >= c->first, "%s: last < first", c->name);
            cr_assert(c->last < min_argc, "%s: last key beyond arity", c->name);
        }
        /* a fixed-arity command cannot have an open-ended key range */
        if (c->last < 0) cr_assert(c->arity < 0, "%s: last<0, arity>0", c->name);
    }
}

Test(cmd_table, every_row_is_consistent) {
    size_t n;
    const mr_cmd_t *t = mr_cmd_table(&n);
    cr_assert(n > 40);
    for (size_t i = 0; i < n; i++) {
        check_row(&t[i], "top");
        cr_assert(t[i].fn || t[i].subcmds, "%s: no handler, no subcommands",
                  t[i].name);
        cr_assert(t[i].parent == NULL);
        cr_assert_str_eq(t[i].fullname, t[i].name);
        if (!t[i].subcmds) continue;
        if (!t[i].fn)
            cr_assert(t[i].arity == -2, "%s: containers take >= 2 args",
                      t[i].name);
        int nsub = 0;
        for (const mr_cmd_t *s = t[i].subcmds; s->name; s++, nsub++) {
            check_row(s, t[i].name);
            cr_assert(s->fn != NULL, "%s|%s: no handler", t[i].name, s->name);
            cr_assert(s->subcmds == NULL);
            cr_assert(s->parent == &t[i]);
            char full[64];
            snprintf(full, sizeof full, "%s|%s", t[i].name, s->name);
            cr_assert_str_eq(s->fullname, full);
            cr_assert(s->arity >= 2 || s->arity <= -2, "%s: arity", full);
            cr_assert(mr_cmd_lookup_sub(&t[i], s->name, strlen(s->name)) == s);
        }
        cr_assert(nsub > 0);
    }
}

Test(cmd_table, names_unique_and_found) {
    size_t n;
    const mr_cmd_t *t = mr_cmd_table(&n);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            cr_assert(strcmp(t[i].name, t[j].name) != 0, "dup %s", t[i].name);
        cr_assert(mr_cmd_lookup(t[i].name, strlen(t[i].name)) == &t[i],
                  "lookup %s", t[i].name);
    }
}

Test(cmd_table, flags_never_show_internal_bits) {
    size_t n;
    const mr_cmd_t *t = mr_cmd_table(&n);
    bool saw_nolock = false;
    for (size_t i = 0; i < n; i++)
        if (t[i].flags & MR_CMD_NOLOCK) saw_nolock = true;
    cr_assert(saw_nolock, "expected some NOLOCK row (keys, scan, ...)");
    /* KEYS is NOLOCK in the table; COMMAND INFO must not print it */
    const char *r = run("command", "info", "keys", NULL);
    cr_assert(strstr(r, "*1\r\n+readonly\r\n:0\r\n:0\r\n:0\r\n") != NULL, "%s",
              r);
    cr_assert(strstr(r, "nolock") == NULL);
}

Test(cmd_table, lookup_is_case_insensitive) {
    const mr_cmd_t *get = mr_cmd_lookup("get", 3);
    cr_assert_not_null(get);
    cr_assert(mr_cmd_lookup("GET", 3) == get);
    cr_assert(mr_cmd_lookup("gEt", 3) == get);
    cr_assert(mr_cmd_lookup("getx", 3) == get); /* length-bounded */
    cr_assert_null(mr_cmd_lookup("ge", 2));
    cr_assert_null(mr_cmd_lookup("gett", 4));
    cr_assert_null(mr_cmd_lookup("", 0));
    const mr_cmd_t *client = mr_cmd_lookup("CLIENT", 6);
    cr_assert_not_null(client);
    const mr_cmd_t *sn = mr_cmd_lookup_sub(client, "SetName", 7);
    cr_assert_not_null(sn);
    cr_assert_str_eq(sn->fullname, "client|setname");
    cr_assert_null(mr_cmd_lookup_sub(client, "setnam", 6));
    cr_assert_null(mr_cmd_lookup_sub(get, "x", 1));
}

/* ---- COMMAND ---- */

Test(servercmds, command_count_matches_table) {
    size_t n;
    mr_cmd_table(&n);
    char want[32];
    snprintf(want, sizeof want, ":%zu\r\n", n);
    EXPECT(run("command", "count", NULL), want);
    EXPECT(run("COMMAND", "COUNT", NULL), want);
    EXPECT(run("command", "count", "x", NULL),
           "-ERR wrong number of arguments for 'command|count' command\r\n");
    EXPECT(run("command", "foo", NULL),
           "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
}

/* Byte for byte what Redis 7.0.15 answers (tips aside: GET has none). */
static const char get_info[] =
    "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
    "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
    "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
    "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
    "$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n"
    "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
    "$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
    "$5\r\nlimit\r\n:0\r\n*0\r\n";

Test(servercmds, command_info_get) {
    char want[1024];
    snprintf(want, sizeof want, "*1\r\n%s", get_info);
    EXPECT(run("command", "info", "get", NULL), want);
    snprintf(want, sizeof want, "*2\r\n$-1\r\n%s", get_info);
    EXPECT(run("command", "info", "nosuch", "GET", NULL), want);
}

Test(servercmds, command_info_resp3_uses_sets) {
    reply.resp = 3;
    const char *r = run("command", "info", "mset", NULL);
    STARTS(r, "*1\r\n*10\r\n$4\r\nmset\r\n:-3\r\n~2\r\n+write\r\n"
              "+denyoom\r\n:1\r\n:-1\r\n:2\r\n~3\r\n+@write\r\n");
    /* tips are bulk strings in a set, then the key specs */
    cr_assert(strstr(r, "~2\r\n$26\r\nrequest_policy:multi_shard\r\n"
                        "$29\r\nresponse_policy:all_succeeded\r\n"
                        "~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n"
                        "+update\r\n") != NULL, "%s", r);
    cr_assert(strstr(r, "$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:2\r\n") != NULL);
    EXPECT(run("command", "info", "nosuch", NULL), "*1\r\n_\r\n");
}

Test(servercmds, command_info_subcommand_and_container) {
    const char *r = run("command", "info", "config|get", NULL);
    EXPECT(r, "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n"
              "+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
              "*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n");
    r = run("command", "info", "config", NULL);
    STARTS(r, "*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n"
              ":0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n*5\r\n*10\r\n"
              "$10\r\nconfig|get\r\n");
}

Test(servercmds, bare_command_lists_every_row) {
    size_t n;
    mr_cmd_table(&n);
    char head[32];
    snprintf(head, sizeof head, "*%zu\r\n*10\r\n", n);
    const char *r = run("command", NULL);
    STARTS(r, head);
    /* COMMAND INFO with no name is the same reply */
    char *copy = mr_xstrdup(r);
    EXPECT(run("command", "info", NULL), copy);
    mr_free(copy);
}

Test(servercmds, command_docs) {
    EXPECT(run("command", "docs", "nosuch", NULL), "*0\r\n");
    const char *r = run("command", "docs", "get", NULL);
    /* summary, since, group, complexity, arguments */
    STARTS(r, "*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n");
    cr_assert(strstr(r, "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\n"
                        "string\r\n") != NULL, "%s", r);
    reply.resp = 3;
    r = run("command", "docs", "config", NULL);
    STARTS(r, "%1\r\n$6\r\nconfig\r\n%5\r\n");
    cr_assert(strstr(r, "$11\r\nsubcommands\r\n%5\r\n$10\r\nconfig|get\r\n%6\r\n")
                  != NULL, "%s", r);
}

Test(servercmds, command_list) {
    EXPECT(run("command", "list", "filterby", "pattern", "CONFIG*", NULL),
           "*6\r\n$6\r\nconfig\r\n$10\r\nconfig|get\r\n$10\r\nconfig|set\r\n"
           "$16\r\nconfig|resetstat\r\n$14\r\nconfig|rewrite\r\n$11\r\nconfig|help\r\n");
    EXPECT(run("command", "list", "filterby", "module", "x", NULL), "*0\r\n");
    EXPECT(run("command", "list", "filterby", "aclcat", "nosuch", NULL),
           "*0\r\n");
    char *lower = mr_xstrdup(run("command", "list", "filterby", "aclcat",
                                 "string", NULL));
    STARTS(lower, "*2"); /* the 20-odd string commands */
    EXPECT(run("command", "list", "filterby", "aclcat", "STRING", NULL), lower);
    mr_free(lower);
    const char *r = run("command", "list", "filterby", "aclcat", "connection", NULL);
    cr_assert(strstr(r, "$4\r\nping\r\n") && strstr(r, "$9\r\nclient|id\r\n"),
              "%s", r);
    cr_assert(strstr(r, "$3\r\nget\r\n") == NULL);
    EXPECT(run("command", "list", "filterby", "foo", "x", NULL),
           "-ERR syntax error\r\n");
    EXPECT(run("command", "list", "filterby", NULL), "-ERR syntax error\r\n");
    EXPECT(run("command", "list", "x", NULL), "-ERR syntax error\r\n");
    /* unfiltered: top-level rows and subcommands */
    size_t n, subs = 0;
    const mr_cmd_t *t = mr_cmd_table(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].subcmds)
            for (const mr_cmd_t *s = t[i].subcmds; s->name; s++) subs++;
    char head[32];
    snprintf(head, sizeof head, "*%zu\r\n", n + subs);
    r = run("command", "list", NULL);
    STARTS(r, head);
}

Test(servercmds, help_replies_are_status_lines) {
    const char *r = run("command", "help", NULL);
    STARTS(r, "*17\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. "
              "Subcommands are:\r\n");
    r = run("config", "help", NULL);
    cr_assert(strstr(r, "+RESETSTAT\r\n+    Reset statistics reported by the "
                        "INFO command.\r\n+REWRITE\r\n+    Rewrite the "
                        "configuration file.\r\n+HELP\r\n+    Prints this help.\r\n"),
              "%s", r);
    r = run("client", "help", NULL);
    STARTS(r, "*39\r\n+CLIENT <subcommand>");
    cr_assert(strstr(r, "+PAUSE <timeout> [WRITE|ALL]\r\n"), "%s", r);
}

/* ---- CONFIG ---- */

Test(servercmds, config_get) {
    EXPECT(run("config", "get", "port", NULL),
           "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n");
    EXPECT(run("config", "get", "nosuch", NULL), "*0\r\n");
    /* one option matched twice is reported once, under the first match */
    EXPECT(run("config", "get", "p*rt", "port", NULL),
           "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n");
    /* a literal name comes back as spelled, as Redis 7.0 does */
    EXPECT(run("config", "get", "HZ", "hz", NULL), "*2\r\n$2\r\nHZ\r\n$2\r\n10\r\n");
    EXPECT(run("config", "get", "H?", "HZ", NULL), "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");
    reply.resp = 3;
    EXPECT(run("config", "get", "port", "maxclients", NULL),
           "%2\r\n$4\r\nport\r\n$4\r\n6379\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
    EXPECT(run("config", "get", NULL),
           "-ERR wrong number of arguments for 'config|get' command\r\n");
}

Test(servercmds, config_set) {
    EXPECT(run("config", "set", "hz", "20", NULL), "+OK\r\n");
    EXPECT(run("config", "get", "hz", NULL), "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n");
    EXPECT(run("config", "set", "hz", "30", "timeout", NULL),
           "-ERR syntax error\r\n");
    EXPECT(run("config", "set", "x", "1", NULL),
           "-ERR Unknown option or number of arguments for CONFIG SET - 'x'\r\n");
    EXPECT(run("config", "set", "hz", "11", "maxclients", "abc", NULL),
           "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
           "argument couldn't be parsed into an integer\r\n");
    EXPECT(run("config", "get", "hz", NULL), "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n");
    EXPECT(run("config", "set", "hz", NULL),
           "-ERR wrong number of arguments for 'config|set' command\r\n");
    EXPECT(run("config", "resetstat", NULL), "+OK\r\n");
    EXPECT(run("config", "resetstat", "x", NULL),
           "-ERR wrong number of arguments for 'config|resetstat' command\r\n");
}

/* ---- INFO ---- */

Test(servercmds, info_keyspace_after_sets) {
    EXPECT(run("info", "keyspace", NULL), "$12\r\n# Keyspace\r\n\r\n");
    EXPECT(run("set", "a", "1", NULL), "+OK\r\n");
    EXPECT(run("set", "b", "2", "EX", "100", NULL), "+OK\r\n");
    EXPECT(run("select", "3", NULL), "+OK\r\n");
    cr_assert_eq(cur_db, 3);
    EXPECT(run("set", "c", "3", NULL), "+OK\r\n");
    const char *want = "# Keyspace\r\n"
                       "db0:keys=2,expires=1,avg_ttl=0\r\n"
                       "db3:keys=1,expires=0,avg_ttl=0\r\n";
    char buf[256];
    snprintf(buf, sizeof buf, "$%zu\r\n%s\r\n", strlen(want), want);
    EXPECT(run("INFO", "KEYSPACE", NULL), buf);
    reply.resp = 3;
    snprintf(buf, sizeof buf, "=%zu\r\ntxt:%s\r\n", strlen(want) + 4, want);
    EXPECT(run("info", "keyspace", NULL), buf);
}

Test(servercmds, info_sections) {
    EXPECT(run("info", "foo", NULL), "$0\r\n\r\n");
    EXPECT(run("info", "modules", NULL), "$11\r\n# Modules\r\n\r\n");
    /* fixed order whatever the argument order; duplicates once */
    EXPECT(run("info", "keyspace", "cluster", "keyspace", NULL),
           "$44\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n\r\n");
    const char *r = run("info", NULL);
    STARTS(r + strcspn(r, "\n") + 1,
           "# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n");
    const char *order[] = {"# Server\r\n", "\r\n\r\n# Clients\r\n",
                           "\r\n\r\n# Memory\r\n", "\r\n\r\n# Persistence\r\n",
                           "\r\n\r\n# Stats\r\n", "\r\n\r\n# Replication\r\n",
                           "\r\n\r\n# CPU\r\n", "\r\n\r\n# Modules\r\n",
                           "\r\n\r\n# Cluster\r\n", "\r\n\r\n# Keyspace\r\n"};
    const char *at = r;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *p = strstr(at, order[i]);
        cr_assert_not_null(p, "missing or out of order: %s", order[i]);
        at = p;
    }
    cr_assert(strstr(r, "\r\nmaxmemory_human:0B\r\n"));
    cr_assert(strstr(r, "\r\nmultiplexing_api:io_uring\r\n"));
    cr_assert(strstr(r, "\r\nrole:master\r\nconnected_slaves:0\r\n"));
    cr_assert(strstr(r, "\r\nmaxclients:10000\r\n"));
    cr_assert(strstr(r, "\r\nmaxmemory_policy:noeviction\r\n"));
    /* every line ends in CRLF, no bare LF */
    for (const char *p = strchr(r, '\n'); p; p = strchr(p + 1, '\n'))
        cr_assert(p[-1] == '\r');
    /* "all", "default" and no argument give the same sections */
    r = run("info", "all", NULL);
    cr_assert(strstr(r, "# Keyspace\r\n") && strstr(r, "# Server\r\n"));
}

Test(servercmds, info_memory_human_sizes) {
    const char *r = run("info", "memory", NULL);
    const char *p = strstr(r, "used_memory_human:");
    cr_assert_not_null(p);
    p += strlen("used_memory_human:");
    char *end;
    double v = strtod(p, &end);
    cr_assert(v >= 0); /* 0B under ASan, whose malloc glibc cannot see */
    cr_assert(*end == 'B' || *end == 'K' || *end == 'M' || *end == 'G', "%s", p);
    if (*end != 'B') cr_assert(end[-3] == '.', "two decimals: %.10s", p);
}

/* ---- TIME, SHUTDOWN, connection commands without a connection ---- */

Test(servercmds, time_shape) {
    int64_t before = mr_ustime();
    const char *r = run("time", NULL);
    int64_t after = mr_ustime();
    long long s, us;
    int l1, l2, consumed = 0;
    cr_assert(sscanf(r, "*2\r\n$%d\r\n%lld\r\n$%d\r\n%lld\r\n%n", &l1, &s, &l2,
                     &us, &consumed) == 4, "%s", r);
    cr_assert_eq((size_t)consumed, strlen(r));
    cr_assert_eq(l1, 10);
    cr_assert(us >= 0 && us < 1000000);
    int64_t t = s * 1000000 + us;
    cr_assert(t >= before && t <= after);
    EXPECT(run("time", "x", NULL),
           "-ERR wrong number of arguments for 'time' command\r\n");
}

Test(servercmds, shutdown_errors) {
    EXPECT(run("shutdown", "foo", NULL), "-ERR syntax error\r\n");
    EXPECT(run("shutdown", "save", "nosave", NULL), "-ERR syntax error\r\n");
    EXPECT(run("shutdown", "now", "abort", NULL), "-ERR syntax error\r\n");
    EXPECT(run("shutdown", "abort", NULL), "-ERR No shutdown in progress.\r\n");
    EXPECT(run("shutdown", "ABORT", "abort", NULL),
           "-ERR No shutdown in progress.\r\n");
}

Test(servercmds, ping_echo_select) {
    EXPECT(run("ping", NULL), "+PONG\r\n");
    EXPECT(run("PING", "hi", NULL), "$2\r\nhi\r\n");
    EXPECT(run("ping", "a", "b", NULL),
           "-ERR wrong number of arguments for 'ping' command\r\n");
    EXPECT(run("echo", "", NULL), "$0\r\n\r\n");
    EXPECT(run("echo", NULL),
           "-ERR wrong number of arguments for 'echo' command\r\n");
    EXPECT(run("select", "16", NULL), "-ERR DB index is out of range\r\n");
    EXPECT(run("select", "-1", NULL), "-ERR DB index is out of range\r\n");
    EXPECT(run("select", "x", NULL),
           "-ERR value is not an integer or out of range\r\n");
    cr_assert_eq(cur_db, 0);
    EXPECT(run("select", "15", NULL), "+OK\r\n");
    cr_assert_eq(cur_db, 15);
    reply.resp = 3;
    EXPECT(run("ping", NULL), "+PONG\r\n");
}

Test(servercmds, hello_errors_and_reply) {
    EXPECT(run("hello", "4", NULL), "-NOPROTO unsupported protocol version\r\n");
    EXPECT(run("hello", "1", NULL), "-NOPROTO unsupported protocol version\r\n");
    EXPECT(run("hello", "x", NULL),
           "-ERR Protocol version is not an integer or out of range\r\n");
    EXPECT(run("hello", "3", "auth", "bob", "pw", NULL),
           "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    EXPECT(run("hello", "2", "FOO", NULL),
           "-ERR Syntax error in HELLO option 'FOO'\r\n");
    EXPECT(run("hello", "2", "AUTH", "x", NULL),
           "-ERR Syntax error in HELLO option 'AUTH'\r\n");
    EXPECT(run("hello", "3", "setname", "a b", NULL),
           "-ERR Client names cannot contain spaces, newlines or special "
           "characters.\r\n");
    cr_assert_eq(reply.resp, 2, "a failed HELLO keeps the protocol");
    EXPECT(run("hello", "2", "auth", "default", "anything", NULL),
           "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
           "$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:0\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
           "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");
    EXPECT(run("hello", "3", NULL),
           "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
           "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:0\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
           "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");
    EXPECT(run("reset", NULL), "+RESET\r\n");
    cr_assert_eq(reply.resp, 2);
}

Test(servercmds, client_argument_errors) {
    EXPECT(run("client", "setname", "a b", NULL),
           "-ERR Client names cannot contain spaces, newlines or special "
           "characters.\r\n");
    EXPECT(run("client", "setname", "a\nb", NULL),
           "-ERR Client names cannot contain spaces, newlines or special "
           "characters.\r\n");
    EXPECT(run("client", "getname", NULL), "$-1\r\n");
    EXPECT(run("client", "list", "type", "foo", NULL),
           "-ERR Unknown client type 'foo'\r\n");
    EXPECT(run("client", "list", "type", NULL), "-ERR syntax error\r\n");
    EXPECT(run("client", "list", "id", NULL), "-ERR syntax error\r\n");
    EXPECT(run("client", "list", "id", "1", "x", NULL),
           "-ERR Invalid client ID\r\n");
    EXPECT(run("client", "list", "type", "pubsub", NULL), "$0\r\n\r\n");
    EXPECT(run("client", "kill", "id", "0", NULL),
           "-ERR client-id should be greater than 0\r\n");
    EXPECT(run("client", "kill", "id", "x", "user", "bob", NULL),
           "-ERR client-id should be greater than 0\r\n");
    EXPECT(run("client", "kill", "user", "bob", NULL),
           "-ERR No such user 'bob'\r\n");
    EXPECT(run("client", "kill", "type", "foo", NULL),
           "-ERR Unknown client type 'foo'\r\n");
    EXPECT(run("client", "kill", "skipme", "maybe", NULL), "-ERR syntax error\r\n");
    EXPECT(run("client", "kill", "id", "1", "2", NULL), "-ERR syntax error\r\n");
    EXPECT(run("client", "kill", "maxage", "1", NULL), "-ERR syntax error\r\n");
    EXPECT(run("client", "kill", "type", "master", NULL), ":0\r\n");
    EXPECT(run("client", "foo", NULL),
           "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
    EXPECT(run("client", NULL),
           "-ERR wrong number of arguments for 'client' command\r\n");
}
