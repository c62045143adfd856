/* Server commands: COMMAND (and COUNT/INFO/DOCS/LIST/HELP), CONFIG
 * GET/SET/RESETSTAT/HELP, INFO, TIME and SHUTDOWN. COMMAND replies are built
 * from the command table alone; INFO reads the server, memory, statistics
 * and keyspace modules through their headers. None of these handlers lock a
 * shard themselves except through mr_db_size/mr_db_expires_count, which take
 * one shard lock at a time (the rows name no keys, so dispatch holds none). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd/handlers.h"
#include "mr/pubsub.h"
#include "mr/cmd.h"
#include "mr/aof.h"
#include "mr/config.h"
#include "mr/evict.h"
#include "mr/conn.h"
#include "mr/reply.h"
#include "mr/server.h"
#include "mr/stats.h"
#include "mr/store.h"
#include "proto/errors.h"
#include "types/t_ops.h"

#ifdef MR_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* ---- COMMAND ---- */

/* Redis's flag names in the order COMMAND prints them. MR_CMD_NOLOCK is
 * ours and never shown. */
static const struct {
    uint32_t flag;
    const char *name;
} flag_names[] = {
    {MR_CMD_WRITE, "write"},       {MR_CMD_READONLY, "readonly"},
    {MR_CMD_DENYOOM, "denyoom"},   {MR_CMD_ADMIN, "admin"},
    {MR_CMD_PUBSUB, "pubsub"},     {MR_CMD_NOSCRIPT, "noscript"},
    {MR_CMD_BLOCKING, "blocking"}, {MR_CMD_LOADING, "loading"},
    {MR_CMD_STALE, "stale"},       {MR_CMD_SKIP_SLOWLOG, "skip_slowlog"},
    {MR_CMD_FAST, "fast"},
    {MR_CMD_NO_AUTH, "no_auth"},   {MR_CMD_SENTINEL, "sentinel"},
    {MR_CMD_NO_ASYNC_LOADING, "no_async_loading"},
    {MR_CMD_NO_MULTI, "no_multi"}, {MR_CMD_ALLOW_BUSY, "allow_busy"},
};
#define NFLAGS (sizeof flag_names / sizeof flag_names[0])

/* Key-spec flag names in Redis's order. */
static const struct {
    uint32_t flag;
    const char *name;
} ks_flag_names[] = {
    {MR_KS_RO, "RO"},
    {MR_KS_RW, "RW"},
    {MR_KS_OW, "OW"},
    {MR_KS_RM, "RM"},
    {MR_KS_ACCESS, "access"},
    {MR_KS_UPDATE, "update"},
    {MR_KS_INSERT, "insert"},
    {MR_KS_DELETE, "delete"},
    {MR_KS_NOT_KEY, "not_key"},
    {MR_KS_INCOMPLETE, "incomplete"},
    {MR_KS_VARIABLE_FLAGS, "variable_flags"},
};
#define NKSFLAGS (sizeof ks_flag_names / sizeof ks_flag_names[0])

static long count_subcmds(const mr_cmd_t *cmd) {
    long n = 0;
    if (cmd->subcmds)
        for (const mr_cmd_t *s = cmd->subcmds; s->name; s++) n++;
    return n;
}

/* Calls fn for each space-separated word of a row's ACL or tips string
 * ("@read @string @fast"). */
static long acl_words(const char *acl, void (*fn)(void *, const char *, size_t),
                      void *ctx) {
    long n = 0;
    const char *p = acl ? acl : "";
    while (*p) {
        while (*p == ' ') p++;
        const char *s = p;
        while (*p && *p != ' ') p++;
        if (p > s) {
            if (fn) fn(ctx, s, (size_t)(p - s));
            n++;
        }
    }
    return n;
}

static void reply_status_word(void *ctx, const char *s, size_t n) {
    char word[64];
    if (n >= sizeof word) n = sizeof word - 1;
    memcpy(word, s, n);
    word[n] = '\0';
    mr_reply_simple(ctx, word);
}

static void reply_bulk_word(void *ctx, const char *s, size_t n) {
    mr_reply_bulk(ctx, s, n);
}

/* The row's key specs: each a map of [notes,] flags, begin_search (index)
 * and find_keys (range). */
static void reply_key_specs(mr_reply_t *r, const mr_cmd_t *cmd) {
    long n = 0;
    if (cmd->key_specs)
        while (cmd->key_specs[n].flags) n++;
    mr_reply_set(r, n);
    for (long i = 0; i < n; i++) {
        const mr_key_spec_t *ks = &cmd->key_specs[i];
        mr_reply_map(r, ks->notes ? 4 : 3);
        if (ks->notes) {
            mr_reply_bulk_cstr(r, "notes");
            mr_reply_bulk_cstr(r, ks->notes);
        }
        mr_reply_bulk_cstr(r, "flags");
        long nf = 0;
        for (size_t j = 0; j < NKSFLAGS; j++)
            if (ks->flags & ks_flag_names[j].flag) nf++;
        mr_reply_set(r, nf);
        for (size_t j = 0; j < NKSFLAGS; j++)
            if (ks->flags & ks_flag_names[j].flag)
                mr_reply_simple(r, ks_flag_names[j].name);
        mr_reply_bulk_cstr(r, "begin_search");
        mr_reply_map(r, 2);
        mr_reply_bulk_cstr(r, "type");
        mr_reply_bulk_cstr(r, "index");
        mr_reply_bulk_cstr(r, "spec");
        mr_reply_map(r, 1);
        mr_reply_bulk_cstr(r, "index");
        mr_reply_int(r, ks->index);
        mr_reply_bulk_cstr(r, "find_keys");
        mr_reply_map(r, 2);
        mr_reply_bulk_cstr(r, "type");
        if (ks->keynum) {
            mr_reply_bulk_cstr(r, "keynum");
            mr_reply_bulk_cstr(r, "spec");
            mr_reply_map(r, 3);
            mr_reply_bulk_cstr(r, "keynumidx");
            mr_reply_int(r, ks->keynumidx);
            mr_reply_bulk_cstr(r, "firstkey");
            mr_reply_int(r, ks->firstkey);
            mr_reply_bulk_cstr(r, "keystep");
            mr_reply_int(r, ks->keystep);
            continue;
        }
        mr_reply_bulk_cstr(r, "range");
        mr_reply_bulk_cstr(r, "spec");
        mr_reply_map(r, 3);
        mr_reply_bulk_cstr(r, "lastkey");
        mr_reply_int(r, ks->lastkey);
        mr_reply_bulk_cstr(r, "keystep");
        mr_reply_int(r, ks->keystep);
        mr_reply_bulk_cstr(r, "limit");
        mr_reply_int(r, ks->limit);
    }
}

/* A COMMAND / COMMAND INFO entry: name, arity, flags, first, last, step,
 * ACL categories, tips, key specs, subcommands (each an entry too). */
static void reply_cmd_info(mr_reply_t *r, const mr_cmd_t *cmd) {
    mr_reply_array(r, 10);
    mr_reply_bulk_cstr(r, cmd->fullname);
    mr_reply_int(r, cmd->arity);
    long nflags = 0;
    for (size_t i = 0; i < NFLAGS; i++)
        if (cmd->flags & flag_names[i].flag) nflags++;
    /* Redis derives "movablekeys" (shown last) from keys first/last/step
     * cannot describe: our rows say so with a getkeys hook */
    mr_reply_set(r, nflags + (cmd->getkeys ? 1 : 0));
    for (size_t i = 0; i < NFLAGS; i++)
        if (cmd->flags & flag_names[i].flag)
            mr_reply_simple(r, flag_names[i].name);
    if (cmd->getkeys) mr_reply_simple(r, "movablekeys");
    mr_reply_int(r, cmd->first);
    mr_reply_int(r, cmd->last);
    mr_reply_int(r, cmd->step);
    mr_reply_set(r, acl_words(cmd->acl, NULL, NULL));
    acl_words(cmd->acl, reply_status_word, r);
    mr_reply_set(r, acl_words(cmd->tips, NULL, NULL));
    acl_words(cmd->tips, reply_bulk_word, r);
    reply_key_specs(r, cmd);
    /* Redis sends an empty set, but a non-empty array */
    long nsub = count_subcmds(cmd);
    if (nsub == 0)
        mr_reply_set(r, 0);
    else
        mr_reply_array(r, nsub);
    if (cmd->subcmds)
        for (const mr_cmd_t *s = cmd->subcmds; s->name; s++)
            reply_cmd_info(r, s);
}

/* "get" or "config|get", case-insensitive; NULL if unknown. */
static const mr_cmd_t *lookup_fullname(mr_str_t name) {
    const char *bar = memchr(name.ptr, '|', name.len);
    if (!bar) return mr_cmd_lookup(name.ptr, name.len);
    const mr_cmd_t *parent = mr_cmd_lookup(name.ptr, (size_t)(bar - name.ptr));
    if (!parent) return NULL;
    size_t rest = name.len - (size_t)(bar - name.ptr) - 1;
    return mr_cmd_lookup_sub(parent, bar + 1, rest);
}

void cmd_command(mr_call_t *c) {
    size_t n;
    const mr_cmd_t *t = mr_cmd_table(&n);
    mr_reply_array(c->reply, (long)n);
    for (size_t i = 0; i < n; i++) reply_cmd_info(c->reply, &t[i]);
}

void cmd_command_count(mr_call_t *c) {
    size_t n;
    mr_cmd_table(&n);
    mr_reply_int(c->reply, (long long)n);
}

void cmd_command_info(mr_call_t *c) {
    if (c->argc == 2) {
        cmd_command(c);
        return;
    }
    mr_reply_array(c->reply, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        const mr_cmd_t *cmd = lookup_fullname(c->argv[i]);
        if (cmd)
            reply_cmd_info(c->reply, cmd);
        else
            mr_reply_null(c->reply);
    }
}

static const char *const arg_type_names[] = {
    [MR_ARG_STRING] = "string",        [MR_ARG_INTEGER] = "integer",
    [MR_ARG_DOUBLE] = "double",        [MR_ARG_KEY] = "key",
    [MR_ARG_PATTERN] = "pattern",      [MR_ARG_UNIX_TIME] = "unix-time",
    [MR_ARG_PURE_TOKEN] = "pure-token", [MR_ARG_ONEOF] = "oneof",
    [MR_ARG_BLOCK] = "block",
};

static long count_args(const mr_cmd_arg_t *args) {
    long n = 0;
    if (args)
        while (args[n].name) n++;
    return n;
}

/* DOCS arguments: each a map of name, type and, when present,
 * key_spec_index, token, since, deprecated_since, flags, arguments. */
static void reply_args(mr_reply_t *r, const mr_cmd_arg_t *args) {
    long n = count_args(args);
    mr_reply_array(r, n);
    for (long i = 0; i < n; i++) {
        const mr_cmd_arg_t *a = &args[i];
        bool is_key = a->type == MR_ARG_KEY;
        long nflags = !!(a->flags & MR_ARG_OPTIONAL) +
                      !!(a->flags & MR_ARG_MULTIPLE) +
                      !!(a->flags & MR_ARG_MULTIPLE_TOKEN);
        mr_reply_map(r, 2 + is_key + !!a->token + !!a->since +
                            !!a->deprecated_since + (nflags > 0) + !!a->args);
        mr_reply_bulk_cstr(r, "name");
        mr_reply_bulk_cstr(r, a->name);
        mr_reply_bulk_cstr(r, "type");
        mr_reply_bulk_cstr(r, arg_type_names[a->type]);
        if (is_key) {
            mr_reply_bulk_cstr(r, "key_spec_index");
            mr_reply_int(r, a->key_spec_index);
        }
        if (a->token) {
            mr_reply_bulk_cstr(r, "token");
            mr_reply_bulk_cstr(r, a->token);
        }
        if (a->since) {
            mr_reply_bulk_cstr(r, "since");
            mr_reply_bulk_cstr(r, a->since);
        }
        if (a->deprecated_since) {
            mr_reply_bulk_cstr(r, "deprecated_since");
            mr_reply_bulk_cstr(r, a->deprecated_since);
        }
        if (nflags > 0) {
            mr_reply_bulk_cstr(r, "flags");
            mr_reply_set(r, nflags);
            if (a->flags & MR_ARG_OPTIONAL) mr_reply_simple(r, "optional");
            if (a->flags & MR_ARG_MULTIPLE) mr_reply_simple(r, "multiple");
            if (a->flags & MR_ARG_MULTIPLE_TOKEN)
                mr_reply_simple(r, "multiple_token");
        }
        if (a->args) {
            mr_reply_bulk_cstr(r, "arguments");
            reply_args(r, a->args);
        }
    }
}

/* COMMAND DOCS value: summary, since, group, complexity and, when present,
 * doc_flags/deprecated_since/replaced_by, history, arguments and (for
 * containers) the subcommands' docs keyed by full name. */
static void reply_cmd_docs(mr_reply_t *r, const mr_cmd_t *cmd) {
    long nsub = count_subcmds(cmd);
    long nhist = 0;
    if (cmd->history)
        while (cmd->history[2 * nhist]) nhist++;
    mr_reply_map(r, 3 + !!cmd->complexity + 3 * !!cmd->deprecated_since +
                        (nhist > 0) + !!cmd->args + (nsub > 0));
    mr_reply_bulk_cstr(r, "summary");
    mr_reply_bulk_cstr(r, cmd->summary ? cmd->summary : "");
    mr_reply_bulk_cstr(r, "since");
    mr_reply_bulk_cstr(r, cmd->since ? cmd->since : "");
    mr_reply_bulk_cstr(r, "group");
    mr_reply_bulk_cstr(r, cmd->group ? cmd->group : "");
    if (cmd->complexity) {
        mr_reply_bulk_cstr(r, "complexity");
        mr_reply_bulk_cstr(r, cmd->complexity);
    }
    if (cmd->deprecated_since) {
        mr_reply_bulk_cstr(r, "doc_flags");
        mr_reply_set(r, 1);
        mr_reply_simple(r, "deprecated");
        mr_reply_bulk_cstr(r, "deprecated_since");
        mr_reply_bulk_cstr(r, cmd->deprecated_since);
        mr_reply_bulk_cstr(r, "replaced_by");
        mr_reply_bulk_cstr(r, cmd->replaced_by ? cmd->replaced_by : "");
    }
    if (nhist > 0) {
        mr_reply_bulk_cstr(r, "history");
        mr_reply_set(r, nhist);
        for (long i = 0; i < nhist; i++) {
            mr_reply_array(r, 2);
            mr_reply_bulk_cstr(r, cmd->history[2 * i]);
            mr_reply_bulk_cstr(r, cmd->history[2 * i + 1]);
        }
    }
    if (cmd->args) {
        mr_reply_bulk_cstr(r, "arguments");
        reply_args(r, cmd->args);
    }
    if (nsub > 0) {
        mr_reply_bulk_cstr(r, "subcommands");
        mr_reply_map(r, nsub);
        for (const mr_cmd_t *s = cmd->subcmds; s->name; s++) {
            mr_reply_bulk_cstr(r, s->fullname);
            reply_cmd_docs(r, s);
        }
    }
}

void cmd_command_docs(mr_call_t *c) {
    if (c->argc == 2) {
        size_t n;
        const mr_cmd_t *t = mr_cmd_table(&n);
        mr_reply_map(c->reply, (long)n);
        for (size_t i = 0; i < n; i++) {
            mr_reply_bulk_cstr(c->reply, t[i].fullname);
            reply_cmd_docs(c->reply, &t[i]);
        }
        return;
    }
    /* unknown names are left out, as Redis does */
    size_t mark = mr_reply_defer(c->reply);
    long pairs = 0;
    for (int i = 2; i < c->argc; i++) {
        const mr_cmd_t *cmd = lookup_fullname(c->argv[i]);
        if (!cmd) continue;
        mr_reply_bulk_cstr(c->reply, cmd->fullname);
        reply_cmd_docs(c->reply, cmd);
        pairs++;
    }
    mr_reply_defer_map(c->reply, mark, pairs);
}

typedef struct acl_find {
    mr_str_t cat; /* without the '@' */
    bool found;
} acl_find_t;

static void acl_match_word(void *ctx, const char *s, size_t n) {
    acl_find_t *f = ctx;
    if (n == f->cat.len + 1 && s[0] == '@' &&
        strncasecmp(s + 1, f->cat.ptr, f->cat.len) == 0)
        f->found = true;
}

enum { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN };

static bool list_filter(int kind, mr_str_t arg, const mr_cmd_t *cmd) {
    switch (kind) {
    case FILTER_MODULE:
        return false; /* no command comes from a module */
    case FILTER_ACLCAT: {
        acl_find_t f = {arg, false};
        acl_words(cmd->acl, acl_match_word, &f);
        return f.found;
    }
    case FILTER_PATTERN:
        return mr_glob_match(arg.ptr, arg.len, cmd->fullname,
                             strlen(cmd->fullname), true);
    default:
        return true;
    }
}

void cmd_command_list(mr_call_t *c) {
    int kind = FILTER_NONE;
    mr_str_t arg = {"", 0};
    if (c->argc == 5 && mr_str_eq_ci(c->argv[2], "filterby")) {
        arg = c->argv[4];
        if (mr_str_eq_ci(c->argv[3], "module"))
            kind = FILTER_MODULE;
        else if (mr_str_eq_ci(c->argv[3], "aclcat"))
            kind = FILTER_ACLCAT;
        else if (mr_str_eq_ci(c->argv[3], "pattern"))
            kind = FILTER_PATTERN;
        else {
            mr_reply_syntax_err(c);
            return;
        }
    } else if (c->argc != 2) {
        mr_reply_syntax_err(c);
        return;
    }
    size_t n;
    const mr_cmd_t *t = mr_cmd_table(&n);
    size_t mark = mr_reply_defer(c->reply);
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        if (list_filter(kind, arg, &t[i])) {
            mr_reply_bulk_cstr(c->reply, t[i].fullname);
            count++;
        }
        if (!t[i].subcmds) continue;
        for (const mr_cmd_t *s = t[i].subcmds; s->name; s++) {
            if (list_filter(kind, arg, s)) {
                mr_reply_bulk_cstr(c->reply, s->fullname);
                count++;
            }
        }
    }
    mr_reply_defer_array(c->reply, mark, count);
}

void cmd_command_help(mr_call_t *c) {
    static const char *const lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(c->reply, lines);
}

/* ---- CONFIG ---- */

/* CONFIG GET collects first: several patterns may match one option, which
 * Redis reports once, under the first pattern that matched it. A pattern
 * without glob characters names the option the way the client spelled it
 * ("CONFIG GET HZ" answers "HZ"), as Redis 7.0 does. */
typedef struct cfg_pairs {
    char **canon, **shown, **vals;
    long n, cap;
    mr_str_t pat; /* the pattern being applied */
    bool literal; /* it has no glob characters */
} cfg_pairs_t;

static void cfg_collect(void *ctx, const char *name, const char *value) {
    cfg_pairs_t *p = ctx;
    for (long i = 0; i < p->n; i++)
        if (strcasecmp(p->canon[i], name) == 0) return;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->canon = mr_xrealloc(p->canon, sizeof *p->canon * (size_t)p->cap);
        p->shown = mr_xrealloc(p->shown, sizeof *p->shown * (size_t)p->cap);
        p->vals = mr_xrealloc(p->vals, sizeof *p->vals * (size_t)p->cap);
    }
    p->canon[p->n] = mr_xstrdup(name);
    if (p->literal) {
        p->shown[p->n] = mr_xmalloc(p->pat.len + 1);
        memcpy(p->shown[p->n], p->pat.ptr, p->pat.len);
        p->shown[p->n][p->pat.len] = '\0';
    } else {
        p->shown[p->n] = mr_xstrdup(name);
    }
    p->vals[p->n] = mr_xstrdup(value);
    p->n++;
}

void cmd_config_get(mr_call_t *c) {
    cfg_pairs_t p = {0};
    for (int i = 2; i < c->argc; i++) {
        p.pat = c->argv[i];
        p.literal = true;
        for (size_t k = 0; k < p.pat.len; k++)
            if (strchr("*?[\\", p.pat.ptr[k]) && p.pat.ptr[k] != '\0')
                p.literal = false;
        mr_config_get(c->argv[i].ptr, c->argv[i].len, cfg_collect, &p);
    }
    mr_reply_map(c->reply, p.n);
    for (long i = 0; i < p.n; i++) {
        mr_reply_bulk(c->reply, p.shown[i], strlen(p.shown[i]));
        mr_reply_bulk_cstr(c->reply, p.vals[i]);
        mr_free(p.canon[i]);
        mr_free(p.shown[i]);
        mr_free(p.vals[i]);
    }
    mr_free(p.canon);
    mr_free(p.shown);
    mr_free(p.vals);
}

void cmd_config_set(mr_call_t *c) {
    if ((c->argc - 2) % 2 != 0) {
        mr_reply_syntax_err(c);
        return;
    }
    char err[512];
    if (mr_config_set_many(&c->argv[2], c->argc - 2, err, sizeof err))
        mr_reply_ok(c->reply);
    else
        mr_reply_err(c->reply, err);
}

void cmd_config_resetstat(mr_call_t *c) {
    mr_stats_reset();
    mr_reply_ok(c->reply);
}

/* ---- operating it ---- */
void cmd_config_rewrite(mr_call_t *c) {
    char err[512];
    if (!mr_server.config_file[0])
        mr_reply_err(c->reply, "ERR The server is running without a config file");
    else if (mr_config_rewrite(mr_server.config_file, err, sizeof err))
        mr_reply_ok(c->reply);
    else
        mr_reply_err(c->reply, err);
}
/* ---- end operating it ---- */

void cmd_config_help(mr_call_t *c) {
    static const char *const lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(c->reply, lines);
}

/* ---- INFO ---- */

/* Redis's bytesToHuman: "512B", "1017.23K", "1.61M", ... */
void mr_bytes_human(char *out, size_t outlen, unsigned long long n) {
    static const char units[] = "KMGTP";
    unsigned long long unit = 1; /* 1024^(i+1) inside the loop */
    if (n < 1024) {
        snprintf(out, outlen, "%lluB", n);
        return;
    }
    for (int i = 0; i < 5; i++) {
        unit *= 1024;
        if (n / 1024 < unit) { /* n < 1024^(i+2), without overflowing */
            snprintf(out, outlen, "%.2f%c", (double)n / (double)unit, units[i]);
            return;
        }
    }
    snprintf(out, outlen, "%lluB", n); /* beyond petabytes: plain bytes */
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

/* process_supervised: what `supervised` resolved to at start-up. */
static const char *supervised_name(void) {
    switch (mr_server.supervised) {
    case MR_SUPERVISED_SYSTEMD: return "systemd";
    case MR_SUPERVISED_UPSTART: return "upstart";
    default: return "no";
    }
}

static void info_server(mr_buf_t *b) {
    struct utsname u;
    if (uname(&u) != 0) memset(&u, 0, sizeof u);
    int64_t now_us = mr_ustime();
    uint64_t up_us = mr_monotonic_us() - mr_server.start_mono_us;
    long long up_s = (long long)(up_us / 1000000);
    long long hz = MR_CFG(hz);
    mr_buf_printf(b,
                  "# Server\r\n"
                  "redis_version:%s\r\n"
                  "redis_git_sha1:00000000\r\n"
                  "redis_git_dirty:0\r\n"
                  "redis_build_id:0\r\n"
                  "redis_mode:standalone\r\n"
                  "os:%s %s %s\r\n"
                  "arch_bits:%d\r\n"
                  "monotonic_clock:POSIX clock_gettime\r\n"
                  "multiplexing_api:io_uring\r\n"
                  "atomicvar_api:c11-builtin\r\n"
                  "gcc_version:%d.%d.%d\r\n"
                  "process_id:%ld\r\n"
                  "process_supervised:%s\r\n"
                  "run_id:%s\r\n"
                  "tcp_port:%d\r\n"
                  "server_time_usec:%lld\r\n"
                  "uptime_in_seconds:%lld\r\n"
                  "uptime_in_days:%lld\r\n"
                  "hz:%lld\r\n"
                  "configured_hz:%lld\r\n"
                  "lru_clock:%u\r\n"
                  "executable:%s\r\n"
                  "config_file:%s\r\n"
                  "io_threads_active:0\r\n"
                  "miniredis_version:%s\r\n"
                  "worker_threads:%u\r\n",
                  MR_VERSION, u.sysname, u.release, u.machine,
                  (int)(sizeof(void *) * 8),
#ifdef __GNUC__
                  __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
                  0, 0, 0,
#endif
                  (long)getpid(), supervised_name(), mr_server.run_id,
                  mr_server.tcp_port, (long long)now_us, up_s, up_s / 86400, hz,
                  hz, mr_store_lru_clock(now_us / 1000), mr_server.executable,
                  mr_server.config_file, MR_PROJECT_VERSION, mr_server.workers);
}

static void info_clients(mr_buf_t *b) {
    mr_stats_t st;
    mr_stats_sum(&st);
    mr_buf_printf(b,
                  "# Clients\r\n"
                  "connected_clients:%llu\r\n"
                  "cluster_connections:0\r\n"
                  "maxclients:%lld\r\n"
                  "client_recent_max_input_buffer:%llu\r\n"
                  "client_recent_max_output_buffer:%llu\r\n"
                  "blocked_clients:%llu\r\n"
                  "tracking_clients:0\r\n",
                  (unsigned long long)mr_clients_count(), MR_CFG(maxclients),
                  (unsigned long long)atomic_load(&st.max_qbuf),
                  (unsigned long long)atomic_load(&st.max_obuf),
                  (unsigned long long)atomic_load(&st.blocked_clients));
}

static void info_memory(mr_buf_t *b) {
    size_t allocated, active, resident, mapped, retained;
    mr_mem_stats(&allocated, &active, &resident, &mapped, &retained);
    size_t used = allocated, rss = mr_mem_rss(), peak = mr_mem_peak();
    mr_mem_overhead_t mo;
    mr_mem_overhead(&mo);
    if (peak < used) peak = used;
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    unsigned long long total =
        pages > 0 && psize > 0 ? (unsigned long long)pages * (unsigned long long)psize : 0;
    char h_used[32], h_rss[32], h_peak[32], h_total[32];
    mr_bytes_human(h_used, sizeof h_used, used);
    mr_bytes_human(h_rss, sizeof h_rss, rss);
    mr_bytes_human(h_peak, sizeof h_peak, peak);
    mr_bytes_human(h_total, sizeof h_total, total);
    long long mm = MR_CFG(maxmemory);
    char h_mm[32];
    mr_bytes_human(h_mm, sizeof h_mm, (unsigned long long)mm);
    const char *alloc_name;
#if defined(MR_HAVE_JEMALLOC) && defined(JEMALLOC_VERSION_MAJOR)
    char je[32];
    snprintf(je, sizeof je, "jemalloc-%d.%d.%d", JEMALLOC_VERSION_MAJOR,
             JEMALLOC_VERSION_MINOR, JEMALLOC_VERSION_BUGFIX);
    alloc_name = je;
#elif defined(MR_HAVE_JEMALLOC)
    alloc_name = "jemalloc";
#else
    alloc_name = "libc";
#endif
    mr_buf_printf(b,
                  "# Memory\r\n"
                  "used_memory:%zu\r\n"
                  "used_memory_human:%s\r\n"
                  "used_memory_rss:%zu\r\n"
                  "used_memory_rss_human:%s\r\n"
                  "used_memory_peak:%zu\r\n"
                  "used_memory_peak_human:%s\r\n"
                  "used_memory_peak_perc:%.2f%%\r\n"
                  "used_memory_overhead:%zu\r\n"
                  "used_memory_startup:%zu\r\n"
                  "used_memory_dataset:%zu\r\n"
                  "used_memory_dataset_perc:%.2f%%\r\n"
                  "allocator_allocated:%zu\r\n"
                  "allocator_active:%zu\r\n"
                  "allocator_resident:%zu\r\n"
                  "total_system_memory:%llu\r\n"
                  "total_system_memory_human:%s\r\n"
                  "maxmemory:%lld\r\n"
                  "maxmemory_human:%s\r\n"
                  "maxmemory_policy:%s\r\n"
                  "allocator_frag_ratio:%.2f\r\n"
                  "allocator_frag_bytes:%lld\r\n"
                  "allocator_rss_ratio:%.2f\r\n"
                  "allocator_rss_bytes:%lld\r\n"
                  "rss_overhead_ratio:%.2f\r\n"
                  "rss_overhead_bytes:%lld\r\n"
                  "mem_fragmentation_ratio:%.2f\r\n"
                  "mem_fragmentation_bytes:%lld\r\n"
                  "mem_not_counted_for_evict:%zu\r\n"
                  "mem_replication_backlog:0\r\n"
                  "mem_total_replication_buffers:0\r\n"
                  "mem_clients_slaves:0\r\n"
                  "mem_clients_normal:%zu\r\n"
                  "mem_cluster_links:0\r\n"
                  "mem_aof_buffer:0\r\n"
                  "mem_allocator:%s\r\n"
                  "active_defrag_running:0\r\n"
                  "lazyfree_pending_objects:0\r\n"
                  "lazyfreed_objects:0\r\n",
                  used, h_used, rss, h_rss, peak, h_peak,
                  ratio((double)used * 100, (double)peak), mo.overhead,
                  mo.startup, mo.dataset, mo.dataset_perc, allocated, active,
                  resident, total, h_total, mm, h_mm,
                  mr_mm_policy_names[MR_CFG(maxmemory_policy)],
                  ratio((double)active, (double)allocated),
                  (long long)active - (long long)allocated,
                  ratio((double)resident, (double)active),
                  (long long)resident - (long long)active,
                  ratio((double)rss, (double)resident),
                  (long long)rss - (long long)resident,
                  ratio((double)rss, (double)used),
                  (long long)rss - (long long)used, mr_mem_not_counted(),
                  mo.clients, alloc_name);
}

static void info_persistence(mr_buf_t *b) { mr_aof_info(b); }

#define STAT(s, f) ((unsigned long long)atomic_load_explicit(&(s).f, memory_order_relaxed))

static void info_stats(mr_buf_t *b) {
    mr_stats_t s;
    mr_stats_sum(&s);
    mr_buf_printf(b,
                  "# Stats\r\n"
                  "total_connections_received:%llu\r\n"
                  "total_commands_processed:%llu\r\n"
                  "instantaneous_ops_per_sec:%lld\r\n"
                  "total_net_input_bytes:%llu\r\n"
                  "total_net_output_bytes:%llu\r\n"
                  "total_net_repl_input_bytes:0\r\n"
                  "total_net_repl_output_bytes:0\r\n"
                  "instantaneous_input_kbps:%.2f\r\n"
                  "instantaneous_output_kbps:%.2f\r\n"
                  "instantaneous_input_repl_kbps:0.00\r\n"
                  "instantaneous_output_repl_kbps:0.00\r\n"
                  "rejected_connections:%llu\r\n"
                  "sync_full:0\r\n"
                  "sync_partial_ok:0\r\n"
                  "sync_partial_err:0\r\n"
                  "expired_keys:%llu\r\n"
                  "evicted_keys:%llu\r\n"
                  "evicted_clients:0\r\n"
                  "total_eviction_exceeded_time:0\r\n"
                  "current_eviction_exceeded_time:0\r\n"
                  "keyspace_hits:%llu\r\n"
                  "keyspace_misses:%llu\r\n"
                  "pubsub_channels:%ld\r\n"
                  "pubsub_patterns:%ld\r\n"
                  "pubsubshard_channels:%ld\r\n"
                  "migrate_cached_sockets:0\r\n"
                  "slave_expires_tracked_keys:0\r\n"
                  "active_defrag_hits:0\r\n"
                  "active_defrag_misses:0\r\n"
                  "active_defrag_key_hits:0\r\n"
                  "active_defrag_key_misses:0\r\n"
                  "tracking_total_keys:0\r\n"
                  "tracking_total_items:0\r\n"
                  "tracking_total_prefixes:0\r\n"
                  "unexpected_error_replies:%llu\r\n"
                  "total_error_replies:%llu\r\n"
                  "dump_payload_sanitizations:0\r\n"
                  "total_reads_processed:%llu\r\n"
                  "total_writes_processed:%llu\r\n"
                  "io_threaded_reads_processed:0\r\n"
                  "io_threaded_writes_processed:0\r\n",
                  STAT(s, connections), STAT(s, commands),
                  (long long)(mr_server_inst_ops() + 0.5),
                  STAT(s, net_input_bytes), STAT(s, net_output_bytes),
                  mr_server_inst_input_kbps(), mr_server_inst_output_kbps(),
                  STAT(s, rejected_conns), STAT(s, expired_keys),
                  STAT(s, evicted_keys), STAT(s, keyspace_hits), STAT(s, keyspace_misses),
                  mr_pubsub_names(MR_PS_CHANNEL), mr_pubsub_names(MR_PS_PATTERN),
                  mr_pubsub_names(MR_PS_SHARD),
                  STAT(s, unexpected_errors), STAT(s, error_replies),
                  STAT(s, reads_processed), STAT(s, writes_processed));
}

static void info_replication(mr_buf_t *b) {
    mr_buf_printf(b,
                  "# Replication\r\n"
                  "role:master\r\n"
                  "connected_slaves:0\r\n"
                  "master_failover_state:no-failover\r\n"
                  "master_replid:%s\r\n"
                  "master_replid2:0000000000000000000000000000000000000000\r\n"
                  "master_repl_offset:0\r\n"
                  "second_repl_offset:-1\r\n"
                  "repl_backlog_active:0\r\n"
                  "repl_backlog_size:1048576\r\n"
                  "repl_backlog_first_byte_offset:0\r\n"
                  "repl_backlog_histlen:0\r\n",
                  mr_server.replid);
}

static void info_cpu(mr_buf_t *b) {
    struct rusage self, children;
    if (getrusage(RUSAGE_SELF, &self) != 0) memset(&self, 0, sizeof self);
    if (getrusage(RUSAGE_CHILDREN, &children) != 0)
        memset(&children, 0, sizeof children);
    mr_buf_printf(b,
                  "# CPU\r\n"
                  "used_cpu_sys:%ld.%06ld\r\n"
                  "used_cpu_user:%ld.%06ld\r\n"
                  "used_cpu_sys_children:%ld.%06ld\r\n"
                  "used_cpu_user_children:%ld.%06ld\r\n",
                  (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec,
                  (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec,
                  (long)children.ru_stime.tv_sec, (long)children.ru_stime.tv_usec,
                  (long)children.ru_utime.tv_sec, (long)children.ru_utime.tv_usec);
}

static void info_modules(mr_buf_t *b) {
    mr_buf_append_cstr(b, "# Modules\r\n"); /* none are loaded */
}

static void info_cluster(mr_buf_t *b) {
    mr_buf_append_cstr(b, "# Cluster\r\ncluster_enabled:0\r\n");
}

static void info_keyspace(mr_buf_t *b) {
    mr_buf_append_cstr(b, "# Keyspace\r\n");
    int ndbs = mr_store_ndbs();
    for (int db = 0; db < ndbs; db++) {
        size_t keys = mr_db_size(db);
        if (keys == 0) continue;
        /* avg_ttl: Redis estimates it by sampling; 0 is what it reports
         * before it has a sample, and what we always report */
        mr_buf_printf(b, "db%d:keys=%zu,expires=%zu,avg_ttl=0\r\n", db, keys,
                      mr_db_expires_count(db));
    }
}

/* In output order, as Redis 7.0 prints them. `deflt` sections make up
 * INFO and INFO default; "all" and "everything" add the others (there are
 * no module sections). An unknown name adds nothing. */
static const struct {
    const char *name;
    void (*fn)(mr_buf_t *b);
    bool deflt;
} sections[] = {
    {"server", info_server, true},
    {"clients", info_clients, true},
    {"memory", info_memory, true},
    {"persistence", info_persistence, true},
    {"stats", info_stats, true},
    {"replication", info_replication, true},
    {"cpu", info_cpu, true},
    {"modules", info_modules, true},
    {"commandstats", mr_info_commandstats, false},
    {"errorstats", mr_info_errorstats, true},
    {"latencystats", mr_info_latencystats, false},
    {"cluster", info_cluster, true},
    {"keyspace", info_keyspace, true},
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

void cmd_info(mr_call_t *c) {
    bool want[NSECTIONS] = {0};
    bool deflt = c->argc == 1, all = false;
    for (int i = 1; i < c->argc; i++) {
        if (mr_str_eq_ci(c->argv[i], "default")) {
            deflt = true;
            continue;
        }
        if (mr_str_eq_ci(c->argv[i], "all") ||
            mr_str_eq_ci(c->argv[i], "everything")) {
            all = true;
            continue;
        }
        for (size_t k = 0; k < NSECTIONS; k++)
            if (mr_str_eq_ci(c->argv[i], sections[k].name)) want[k] = true;
    }
    mr_buf_t out = {0};
    bool first = true;
    for (size_t k = 0; k < NSECTIONS; k++) {
        if (!all && !want[k] && !(deflt && sections[k].deflt)) continue;
        if (!first) mr_buf_append(&out, "\r\n", 2);
        sections[k].fn(&out);
        first = false;
    }
    /* RESP3 clients get a verbatim "txt" string, as from Redis 7.0 */
    mr_reply_verbatim(c->reply, out.data ? out.data : "", out.len, "txt");
    mr_buf_free(&out);
}

/* ---- TIME, SHUTDOWN ---- */

void cmd_time(mr_call_t *c) {
    int64_t us = mr_ustime();
    mr_reply_array(c->reply, 2);
    mr_reply_bulk_ll(c->reply, us / 1000000);
    mr_reply_bulk_ll(c->reply, us % 1000000);
}

/* BGREWRITEAOF: forks the rewrite now (see src/persist/aof.c); works with
 * appendonly no too, as in Redis, writing a snapshot file. */
void cmd_bgrewriteaof(mr_call_t *c) {
    char err[160];
    const char *ok = mr_aof_bgrewrite(err, sizeof err);
    if (ok) mr_reply_simple(c->reply, ok);
    else mr_reply_err(c->reply, err);
}

void cmd_shutdown(mr_call_t *c) {
    bool save = false, nosave = false, abort_ = false, other = false;
    for (int i = 1; i < c->argc; i++) {
        if (mr_str_eq_ci(c->argv[i], "nosave")) {
            nosave = true;
        } else if (mr_str_eq_ci(c->argv[i], "save")) {
            save = true;
        } else if (mr_str_eq_ci(c->argv[i], "now") ||
                   mr_str_eq_ci(c->argv[i], "force")) {
            other = true;
        } else if (mr_str_eq_ci(c->argv[i], "abort")) {
            abort_ = true;
        } else {
            mr_reply_syntax_err(c);
            return;
        }
    }
    if ((save && nosave) || (abort_ && (save || nosave || other))) {
        mr_reply_syntax_err(c);
        return;
    }
    if (abort_) {
        /* shutdown never waits (no replicas to catch up), so none can be
         * pending when ABORT arrives */
        mr_reply_err(c->reply, "ERR No shutdown in progress.");
        return;
    }
    /* SAVE and NOSAVE change nothing: there are no snapshots, and the
     * server's stop sequence flushes the AOF when one is enabled. As in
     * Redis, a successful SHUTDOWN closes the connection without a reply. */
    mr_server_request_shutdown();
    if (c->conn) mr_conn_close_after_reply(c->conn);
}
