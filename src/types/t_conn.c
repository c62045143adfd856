/* Connection commands: PING, ECHO, QUIT, SELECT, HELLO, RESET and the CLIENT
 * container. They read and change the caller's connection only through the
 * accessors of include/mr/conn.h; other clients are reached through
 * mr_clients_*.
 *
 * Handlers here tolerate call->conn == NULL (AOF replay has no client):
 * SELECT then only changes call->db, the rest answer as a client with id 0
 * and no name would. */
#include <string.h>
#include <strings.h>

#include "cmd/handlers.h"
#include "mr/cmd.h"
#include "mr/conn.h"
#include "mr/multi.h"
#include "mr/ops.h"
#include "mr/pubsub.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "proto/errors.h"

#define ERR_CLIENT_NAME \
    "ERR Client names cannot contain spaces, newlines or special characters."
#define ERR_WRONGPASS \
    "WRONGPASS invalid username-password pair or user is disabled."
#define ERR_PROTO_NOT_INT \
    "ERR Protocol version is not an integer or out of range"

void cmd_ping(mr_call_t *c) {
    if (c->argc > 2) {
        mr_reply_arity_err(c);
        return;
    }
    if (c->conn && mr_conn_pubsub_mode(c->conn) && c->reply->resp == 2) {
        /* a subscriber's PING is answered like a message: "pong", payload */
        mr_reply_array(c->reply, 2);
        mr_reply_bulk_cstr(c->reply, "pong");
        if (c->argc == 2)
            mr_reply_bulk(c->reply, c->argv[1].ptr, c->argv[1].len);
        else
            mr_reply_bulk(c->reply, "", 0);
        return;
    }
    if (c->argc == 1)
        mr_reply_simple(c->reply, "PONG");
    else
        mr_reply_bulk(c->reply, c->argv[1].ptr, c->argv[1].len);
}

void cmd_echo(mr_call_t *c) {
    mr_reply_bulk(c->reply, c->argv[1].ptr, c->argv[1].len);
}

void cmd_quit(mr_call_t *c) {
    mr_reply_ok(c->reply);
    if (c->conn) mr_conn_close_after_reply(c->conn);
}

void cmd_select(mr_call_t *c) {
    long long idx;
    if (!mr_arg_ll(c, 1, &idx)) return;
    if (idx < 0 || idx >= mr_store_ndbs()) {
        mr_reply_err(c->reply, MR_ERR_DB_INDEX);
        return;
    }
    /* call->db too: a replay without a connection follows SELECT through it */
    c->db = (int)idx;
    if (c->conn) mr_conn_set_db(c->conn, (int)idx);
    mr_reply_ok(c->reply);
}

/* Redis accepts a client name made only of printable ASCII other than
 * space: '!' .. '~'. */
static bool client_name_ok(mr_str_t name) {
    for (size_t i = 0; i < name.len; i++) {
        unsigned char ch = (unsigned char)name.ptr[i];
        if (ch < '!' || ch > '~') return false;
    }
    return true;
}

void cmd_hello(mr_call_t *c) {
    long long ver = 0;
    if (c->argc >= 2) {
        if (!mr_str2ll(c->argv[1].ptr, c->argv[1].len, &ver)) {
            mr_reply_err(c->reply, ERR_PROTO_NOT_INT);
            return;
        }
        if (ver < 2 || ver > 3) {
            mr_reply_err(c->reply, MR_ERR_NOPROTO);
            return;
        }
    }
    const mr_str_t *user = NULL, *name = NULL;
    for (int j = 2; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (mr_str_eq_ci(c->argv[j], "auth") && more >= 2) {
            user = &c->argv[j + 1];
            j += 2; /* the password is not checked: see below */
        } else if (mr_str_eq_ci(c->argv[j], "setname") && more >= 1) {
            name = &c->argv[j + 1];
            j++;
        } else {
            int n = (int)strnlen(c->argv[j].ptr,
                                 c->argv[j].len < 128 ? c->argv[j].len : 128);
            mr_reply_errf(c->reply, "ERR Syntax error in HELLO option '%.*s'",
                          n, c->argv[j].ptr);
            return;
        }
    }
    /* Without ACLs the only user is Redis's stock "default" user, which has
     * nopass: any password logs it in, any other user name does not exist. */
    if (user && !(user->len == 7 && memcmp(user->ptr, "default", 7) == 0)) {
        mr_reply_err(c->reply, ERR_WRONGPASS);
        return;
    }
    if (name && !client_name_ok(*name)) {
        mr_reply_err(c->reply, ERR_CLIENT_NAME);
        return;
    }
    if (c->conn) {
        if (name) mr_conn_set_name(c->conn, name->ptr, name->len);
        if (ver) mr_conn_set_resp(c->conn, (int)ver);
    }
    /* The handshake's own reply already speaks the new protocol. */
    if (ver) c->reply->resp = (int)ver;
    mr_reply_map(c->reply, 7);
    /* "server" stays "redis", as Dragonfly and KeyDB also answer: clients and
     * tools that branch on it treat any other name as an unknown server and
     * turn features off, while MiniRedis means to look exactly like Redis
     * 7.0 to them. "version" is the Redis version whose behaviour we follow. */
    mr_reply_bulk_cstr(c->reply, "server");
    mr_reply_bulk_cstr(c->reply, "redis");
    mr_reply_bulk_cstr(c->reply, "version");
    mr_reply_bulk_cstr(c->reply, "7.0.15");
    mr_reply_bulk_cstr(c->reply, "proto");
    mr_reply_int(c->reply, c->reply->resp);
    mr_reply_bulk_cstr(c->reply, "id");
    mr_reply_int(c->reply, c->conn ? (long long)mr_conn_id(c->conn) : 0);
    mr_reply_bulk_cstr(c->reply, "mode");
    mr_reply_bulk_cstr(c->reply, "standalone");
    mr_reply_bulk_cstr(c->reply, "role");
    mr_reply_bulk_cstr(c->reply, "master");
    mr_reply_bulk_cstr(c->reply, "modules");
    mr_reply_array(c->reply, 0);
}

void cmd_reset(mr_call_t *c) {
    /* Of what Redis's RESET undoes, MiniRedis has these: the transaction
     * and watches, MONITOR, the database, the name, the protocol and the
     * subscriptions (no tracking or authentication state exists yet). */
    c->db = 0;
    if (c->conn) {
        mr_multi_conn_reset(c->conn); /* DISCARD and UNWATCH */
        mr_conn_monitor_stop(c->conn); /* operating it */
        mr_pubsub_conn_reset(c->conn);
        mr_conn_set_db(c->conn, 0);
        mr_conn_set_name(c->conn, NULL, 0);
        mr_conn_set_resp(c->conn, 2);
    }
    c->reply->resp = 2;
    mr_reply_simple(c->reply, "RESET");
}

/* ---- CLIENT ---- */

void cmd_client_id(mr_call_t *c) {
    mr_reply_int(c->reply, c->conn ? (long long)mr_conn_id(c->conn) : 0);
}

void cmd_client_setname(mr_call_t *c) {
    if (!client_name_ok(c->argv[2])) {
        mr_reply_err(c->reply, ERR_CLIENT_NAME);
        return;
    }
    if (c->conn) mr_conn_set_name(c->conn, c->argv[2].ptr, c->argv[2].len);
    mr_reply_ok(c->reply);
}

void cmd_client_getname(mr_call_t *c) {
    const char *name = c->conn ? mr_conn_name(c->conn) : NULL;
    if (name && *name)
        mr_reply_bulk_cstr(c->reply, name);
    else
        mr_reply_null(c->reply);
}

void cmd_client_info(mr_call_t *c) {
    mr_buf_t line = {0};
    if (c->conn) mr_conn_describe(c->conn, &line);
    mr_reply_verbatim(c->reply, line.data ? line.data : "", line.len, "txt");
    mr_buf_free(&line);
}

/* Redis's client types. A MiniRedis client is "pubsub" while it has a
 * subscription, else "normal": there are no replicas or masters.
 * Returns -1 for an unknown name. */
enum { CTYPE_NORMAL, CTYPE_PUBSUB, CTYPE_OTHER };
static int client_type(mr_str_t s) {
    if (mr_str_eq_ci(s, "normal")) return CTYPE_NORMAL;
    if (mr_str_eq_ci(s, "pubsub")) return CTYPE_PUBSUB;
    if (mr_str_eq_ci(s, "master") || mr_str_eq_ci(s, "replica") ||
        mr_str_eq_ci(s, "slave"))
        return CTYPE_OTHER;
    return -1;
}

static int client_class(int ctype) {
    return ctype == CTYPE_PUBSUB ? MR_CLIENT_PUBSUB : MR_CLIENT_NORMAL;
}

static void reply_unknown_type(mr_call_t *c, mr_str_t s) {
    int n = (int)strnlen(s.ptr, s.len < 128 ? s.len : 128);
    mr_reply_errf(c->reply, "ERR Unknown client type '%.*s'", n, s.ptr);
}

void cmd_client_list(mr_call_t *c) {
    mr_buf_t out = {0};
    if (c->argc == 2) {
        mr_clients_list(&out, NULL, 0);
    } else if (c->argc == 4 && mr_str_eq_ci(c->argv[2], "type")) {
        int t = client_type(c->argv[3]);
        if (t < 0) {
            reply_unknown_type(c, c->argv[3]);
            return;
        }
        if (t != CTYPE_OTHER) mr_clients_list_type(&out, client_class(t));
    } else if (c->argc > 3 && mr_str_eq_ci(c->argv[2], "id")) {
        int n = c->argc - 3;
        uint64_t *ids = mr_xmalloc(sizeof *ids * (size_t)n);
        for (int i = 0; i < n; i++) {
            long long v;
            if (!mr_str2ll(c->argv[3 + i].ptr, c->argv[3 + i].len, &v)) {
                mr_free(ids);
                mr_reply_err(c->reply, "ERR Invalid client ID");
                return;
            }
            /* ids <= 0 match no client (Redis lists nothing for them) */
            ids[i] = v > 0 ? (uint64_t)v : 0;
        }
        mr_clients_list(&out, ids, n);
        mr_free(ids);
    } else {
        mr_reply_syntax_err(c);
        return;
    }
    mr_reply_verbatim(c->reply, out.data ? out.data : "", out.len, "txt");
    mr_buf_free(&out);
}

/* Copies the value of " key=" (or a leading "key=") from a CLIENT LIST line
 * into out; "" if absent. */
static void describe_field(const char *line, size_t len, const char *key,
                           char *out, size_t outlen) {
    size_t kl = strlen(key);
    out[0] = '\0';
    for (size_t i = 0; i + kl + 1 <= len; i++) {
        if ((i == 0 || line[i - 1] == ' ') && memcmp(line + i, key, kl) == 0 &&
            line[i + kl] == '=') {
            size_t s = i + kl + 1, e = s;
            while (e < len && line[e] != ' ' && line[e] != '\n') e++;
            size_t n = e - s < outlen - 1 ? e - s : outlen - 1;
            memcpy(out, line + s, n);
            out[n] = '\0';
            return;
        }
    }
}

/* Whether the filter (type aside) matches the calling connection. */
static bool kill_matches_self(const mr_conn_t *conn, const mr_kill_filter_t *f) {
    if (f->has_id && f->id != mr_conn_id(conn)) return false;
    if (f->type != MR_CLIENT_ANY &&
        f->type != (mr_conn_pubsub_mode(conn) ? MR_CLIENT_PUBSUB
                                              : MR_CLIENT_NORMAL))
        return false;
    if (f->user && strcmp(f->user, "default") != 0) return false;
    if (f->addr || f->laddr) {
        mr_buf_t line = {0};
        char addr[128], laddr[128];
        mr_conn_describe(conn, &line);
        describe_field(line.data ? line.data : "", line.len, "addr", addr,
                       sizeof addr);
        describe_field(line.data ? line.data : "", line.len, "laddr", laddr,
                       sizeof laddr);
        mr_buf_free(&line);
        if (f->addr && strcmp(f->addr, addr) != 0) return false;
        if (f->laddr && strcmp(f->laddr, laddr) != 0) return false;
    }
    return true;
}

/* NUL-terminated copy of an argument, for the filter's C strings. */
static char *arg_cstr(const mr_str_t *s) {
    char *p = mr_xmalloc(s->len + 1);
    memcpy(p, s->ptr, s->len);
    p[s->len] = '\0';
    return p;
}

void cmd_client_kill(mr_call_t *c) {
    mr_kill_filter_t f = {.skipme = true};
    char *addr = NULL, *laddr = NULL;
    bool old_form = c->argc == 3, other_type = false;

    if (old_form) {
        /* CLIENT KILL ip:port also kills the caller itself */
        addr = arg_cstr(&c->argv[2]);
        f.addr = addr;
        f.skipme = false;
    } else {
        for (int i = 2; i < c->argc; i += 2) {
            if (i + 1 >= c->argc) goto syntax;
            const mr_str_t *opt = &c->argv[i], *val = &c->argv[i + 1];
            if (mr_str_eq_ci(*opt, "id")) {
                long long id;
                if (!mr_str2ll(val->ptr, val->len, &id) || id <= 0) {
                    mr_reply_err(c->reply,
                                 "ERR client-id should be greater than 0");
                    goto done;
                }
                f.has_id = true;
                f.id = (uint64_t)id;
            } else if (mr_str_eq_ci(*opt, "type")) {
                int t = client_type(*val);
                if (t < 0) {
                    reply_unknown_type(c, *val);
                    goto done;
                }
                if (t == CTYPE_OTHER) other_type = true;
                else f.type = client_class(t);
            } else if (mr_str_eq_ci(*opt, "addr")) {
                mr_free(addr);
                f.addr = addr = arg_cstr(val);
            } else if (mr_str_eq_ci(*opt, "laddr")) {
                mr_free(laddr);
                f.laddr = laddr = arg_cstr(val);
            } else if (mr_str_eq_ci(*opt, "user")) {
                if (!(val->len == 7 && memcmp(val->ptr, "default", 7) == 0)) {
                    int n = (int)strnlen(val->ptr,
                                         val->len < 128 ? val->len : 128);
                    mr_reply_errf(c->reply, "ERR No such user '%.*s'", n,
                                  val->ptr);
                    goto done;
                }
                f.user = "default";
            } else if (mr_str_eq_ci(*opt, "skipme")) {
                if (mr_str_eq_ci(*val, "yes"))
                    f.skipme = true;
                else if (mr_str_eq_ci(*val, "no"))
                    f.skipme = false;
                else
                    goto syntax;
            } else {
                goto syntax;
            }
        }
    }

    int killed = 0;
    if (!other_type) {
        /* The caller is handled here rather than by mr_clients_kill: it must
         * get this reply before its connection closes, as in Redis. */
        bool self = c->conn && !f.skipme && kill_matches_self(c->conn, &f);
        f.skipme = true;
        f.self_id = c->conn ? mr_conn_id(c->conn) : 0;
        killed = mr_clients_kill(&f);
        if (self) {
            killed++;
            mr_conn_close_after_reply(c->conn);
        }
    }
    if (!old_form)
        mr_reply_int(c->reply, killed);
    else if (killed == 0)
        mr_reply_err(c->reply, "ERR No such client");
    else
        mr_reply_ok(c->reply);
    goto done;
syntax:
    mr_reply_syntax_err(c);
done:
    mr_free(addr);
    mr_free(laddr);
}

/* ---- operating it: MONITOR, CLIENT PAUSE / UNPAUSE / NO-EVICT ---- */

void cmd_monitor(mr_call_t *c) {
    /* Redis ignores MONITOR from a monitor, without a reply */
    if (!c->conn || mr_monitor_is(c->conn)) return;
    mr_reply_ok(c->reply);
    mr_conn_monitor_start(c->conn);
}

void cmd_client_pause(mr_call_t *c) {
    long long ms;
    bool all = true;
    if (!mr_str2ll(c->argv[2].ptr, c->argv[2].len, &ms)) {
        mr_reply_err(c->reply, "ERR timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        mr_reply_err(c->reply, "ERR timeout is negative");
        return;
    }
    if (c->argc == 4) {
        if (mr_str_eq_ci(c->argv[3], "write")) {
            all = false;
        } else if (!mr_str_eq_ci(c->argv[3], "all")) {
            mr_reply_err(c->reply, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    } else if (c->argc > 4) {
        int n = (int)strnlen(c->argv[1].ptr, c->argv[1].len < 128 ? c->argv[1].len : 128);
        mr_reply_errf(c->reply,
                      "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try CLIENT HELP.",
                      n, c->argv[1].ptr);
        return;
    }
    int64_t now = mr_mstime();
    int64_t end = ms > INT64_MAX - now ? INT64_MAX : now + ms; /* saturate */
    mr_clients_pause(end, all);
    mr_reply_ok(c->reply);
}

void cmd_client_unpause(mr_call_t *c) {
    mr_clients_unpause();
    mr_reply_ok(c->reply);
}

void cmd_client_no_evict(mr_call_t *c) {
    bool on;
    if (mr_str_eq_ci(c->argv[2], "on")) {
        on = true;
    } else if (mr_str_eq_ci(c->argv[2], "off")) {
        on = false;
    } else {
        mr_reply_syntax_err(c);
        return;
    }
    if (c->conn) mr_conn_set_no_evict(c->conn, on);
    mr_reply_ok(c->reply);
}
/* ---- end operating it ---- */

void cmd_client_help(mr_call_t *c) {
    static const char *const lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Return clients of specified IDs only.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(c->reply, lines);
}
