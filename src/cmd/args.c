/* Argument helpers for handlers: parse or reply Redis's error, so a handler
 * reads `if (!mr_arg_ll(call, 2, &n)) return;`. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mr/cmd.h"
#include "mr/conn.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "proto/errors.h"

bool mr_arg_ll(mr_call_t *call, int i, long long *out) {
    if (mr_str2ll(call->argv[i].ptr, call->argv[i].len, out)) return true;
    mr_reply_err(call->reply, MR_ERR_NOT_INT);
    return false;
}

bool mr_arg_ld(mr_call_t *call, int i, long double *out) {
    if (mr_str2ld(call->argv[i].ptr, call->argv[i].len, out)) return true;
    mr_reply_err(call->reply, MR_ERR_NOT_FLOAT);
    return false;
}

bool mr_arg_cursor(mr_call_t *call, int i, uint64_t *out) {
    mr_str_t arg = call->argv[i];
    char *buf = mr_xmalloc(arg.len + 1);
    memcpy(buf, arg.ptr, arg.len);
    buf[arg.len] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    bool ok = !isspace((unsigned char)buf[0]) && *end == '\0' &&
              errno != ERANGE;
    mr_free(buf);
    if (ok)
        *out = v;
    else
        mr_reply_err(call->reply, MR_ERR_INVALID_CURSOR);
    return ok;
}

bool mr_arg_lookup(mr_call_t *call, int i, bool write, int type,
                   mr_entry_t **e) {
    mr_str_t k = call->argv[i];
    *e = write
        ? mr_db_lookup_write_locked(call->db, k.ptr, k.len, call->now_ms)
        : mr_db_lookup_read_locked(call->db, k.ptr, k.len, call->now_ms);
    if (*e && (int)mr_entry_type(*e) != type) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
        return false;
    }
    return true;
}

bool mr_arg_scan_opts(mr_call_t *call, int first, long long *count,
                      mr_str_t *pattern) {
    *pattern = (mr_str_t){NULL, 0};
    for (int i = first; i < call->argc; i += 2) {
        bool has_value = i + 1 < call->argc;
        if (has_value && mr_str_eq_ci(call->argv[i], "count")) {
            if (!mr_arg_ll(call, i + 1, count)) return false;
            if (*count < 1) {
                mr_reply_syntax_err(call);
                return false;
            }
        } else if (has_value && mr_str_eq_ci(call->argv[i], "match")) {
            mr_str_t p = call->argv[i + 1];
            bool all = p.len == 1 && p.ptr[0] == '*';
            *pattern = all ? (mr_str_t){NULL, 0} : p;
        } else {
            mr_reply_syntax_err(call);
            return false;
        }
    }
    return true;
}

void mr_reply_syntax_err(mr_call_t *call) {
    mr_reply_err(call->reply, MR_ERR_SYNTAX);
}

void mr_reply_arity_err(mr_call_t *call) {
    mr_reply_errf(call->reply, "ERR wrong number of arguments for '%s' command",
                  call->cmd->fullname);
}

void mr_reply_unknown_subcmd(mr_call_t *call) {
    /* Redis prints the container's name upper-cased and at most 128 bytes of
     * the subcommand (stopping at a NUL, as its %s does). */
    const char *name = call->cmd->parent ? call->cmd->parent->name
                                         : call->cmd->name;
    char upper[48];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof upper; n++)
        upper[n] = (char)toupper((unsigned char)name[n]);
    upper[n] = '\0';
    int sublen = (int)strnlen(call->argv[1].ptr,
                              call->argv[1].len < 128 ? call->argv[1].len : 128);
    mr_reply_errf(call->reply, "ERR unknown subcommand '%.*s'. Try %s HELP.",
                  sublen, call->argv[1].ptr, upper);
}

void mr_reply_help(mr_reply_t *r, const char *const *lines) {
    long n = 0;
    while (lines[n]) n++;
    mr_reply_array(r, n);
    for (long i = 0; i < n; i++) mr_reply_simple(r, lines[i]);
}

bool mr_reply_cut_if_huge(mr_call_t *call, size_t start) {
    if (call->reply->out->len - start <= MR_MAX_CLIENT_SIZED_REPLY)
        return false;
    if (call->conn) mr_conn_close_after_reply(call->conn);
    return true;
}
