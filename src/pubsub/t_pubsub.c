/* Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH
 * and the PUBSUB container, with Redis 7.0's replies. A connection's own
 * subscriptions are kept in its struct mr_psub (its worker only); the
 * shared registry (registry.c) is what publishers read. Subscription
 * counts in confirmations are channels + patterns for the classic
 * commands, shard channels alone for the S* ones, as in Redis. */
#include <string.h>

#include "cmd/handlers.h"
#include "mr/cmd.h"
#include "mr/conn.h"
#include "mr/reply.h"
#include "pubsub/pubsub_int.h"

static const char *const sub_word[3] = {"subscribe", "psubscribe",
                                        "ssubscribe"};
static const char *const unsub_word[3] = {"unsubscribe", "punsubscribe",
                                          "sunsubscribe"};

static struct mr_psub *psub_get(mr_conn_t *c, bool create) {
    struct mr_psub **slot = mr_conn_psub(c);
    if (!*slot && create) *slot = mr_xcalloc(1, sizeof **slot);
    return *slot;
}

static long kind_count(const struct mr_psub *p, mr_ps_kind_t k) {
    return p && p->names[k] ? (long)mr_ft_count(p->names[k]) : 0;
}

/* Subscriptions held: channels + patterns, and shard channels. */
static long conn_count(const mr_conn_t *c) {
    const struct mr_psub *p = *mr_conn_psub((mr_conn_t *)c);
    return kind_count(p, MR_PS_CHANNEL) + kind_count(p, MR_PS_PATTERN);
}

static long conn_shard_count(const mr_conn_t *c) {
    return kind_count(*mr_conn_psub((mr_conn_t *)c), MR_PS_SHARD);
}

/* The count a confirmation of kind k shows. */
static long reply_count(const mr_conn_t *c, mr_ps_kind_t k) {
    return k == MR_PS_SHARD ? conn_shard_count(c)
                            : conn_count(c);
}

static void publish_counts(mr_conn_t *c) {
    const struct mr_psub *p = *mr_conn_psub(c);
    mr_conn_set_pubsub(c, kind_count(p, MR_PS_CHANNEL),
                       kind_count(p, MR_PS_PATTERN),
                       kind_count(p, MR_PS_SHARD));
}

static subref_t ref_of(const mr_conn_t *c) {
    subref_t s;
    mr_conn_ref(c, &s.worker, &s.slot, &s.gen);
    return s;
}

/* Adds one subscription of c; false when c already had it. */
static bool conn_add(mr_conn_t *c, mr_ps_kind_t k, mr_str_t name) {
    struct mr_psub *p = psub_get(c, true);
    if (!p->names[k]) p->names[k] = mr_ft_create(MR_FT_SET);
    if (mr_ft_find(p->names[k], name.ptr, name.len)) return false;
    mr_ft_add(p->names[k], name.ptr, name.len);
    subref_t s = ref_of(c);
    reg_add(k, name, &s);
    return true;
}

/* Drops one subscription of c; false when c did not have it. */
static bool conn_remove(mr_conn_t *c, mr_ps_kind_t k, mr_str_t name) {
    struct mr_psub *p = psub_get(c, false);
    if (!p || !p->names[k] || !mr_ft_delete(p->names[k], name.ptr, name.len))
        return false;
    subref_t s = ref_of(c);
    reg_remove(k, name, &s);
    return true;
}

static void reply_confirm(mr_call_t *call, const char *word, mr_str_t *name,
                          long count) {
    mr_reply_push(call->reply, 3);
    mr_reply_bulk_cstr(call->reply, word);
    if (name)
        mr_reply_bulk(call->reply, name->ptr, name->len);
    else
        mr_reply_null(call->reply);
    mr_reply_int(call->reply, count);
}

static void subscribe_generic(mr_call_t *call, mr_ps_kind_t k) {
    for (int i = 1; i < call->argc; i++) {
        if (call->conn) conn_add(call->conn, k, call->argv[i]);
        if (call->conn) publish_counts(call->conn);
        reply_confirm(call, sub_word[k], &call->argv[i],
                      call->conn ? reply_count(call->conn, k) : 0);
    }
}

/* The names of kind k c holds, copied (they are removed while walked). */
static mr_str_t *names_copy(mr_conn_t *c, mr_ps_kind_t k, size_t *n) {
    struct mr_psub *p = psub_get(c, false);
    *n = 0;
    if (!p || !p->names[k] || !mr_ft_count(p->names[k])) return NULL;
    size_t count = mr_ft_count(p->names[k]), bytes = sizeof(mr_str_t) * count;
    mr_ft_iter_t it;
    mr_ft_iter_start(p->names[k], &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;)
        bytes += e->klen;
    mr_ft_iter_end(&it);
    mr_str_t *v = mr_xmalloc(bytes);
    char *at = (char *)(v + count);
    mr_ft_iter_start(p->names[k], &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
        memcpy(at, e->data, e->klen);
        v[*n] = (mr_str_t){at, e->klen};
        at += e->klen;
        (*n)++;
    }
    mr_ft_iter_end(&it);
    return v;
}

static void unsubscribe_generic(mr_call_t *call, mr_ps_kind_t k) {
    mr_conn_t *c = call->conn;
    if (call->argc > 1) {
        for (int i = 1; i < call->argc; i++) {
            if (c) {
                conn_remove(c, k, call->argv[i]);
                publish_counts(c);
            }
            reply_confirm(call, unsub_word[k], &call->argv[i],
                          c ? reply_count(c, k) : 0);
        }
        return;
    }
    size_t n = 0;
    mr_str_t *names = c ? names_copy(c, k, &n) : NULL;
    if (n == 0) /* nothing to drop: one confirmation with a null name */
        reply_confirm(call, unsub_word[k], NULL, c ? reply_count(c, k) : 0);
    for (size_t i = 0; i < n; i++) {
        conn_remove(c, k, names[i]);
        publish_counts(c);
        reply_confirm(call, unsub_word[k], &names[i], reply_count(c, k));
    }
    mr_free(names);
}

void cmd_subscribe(mr_call_t *c) { subscribe_generic(c, MR_PS_CHANNEL); }
void cmd_psubscribe(mr_call_t *c) { subscribe_generic(c, MR_PS_PATTERN); }
void cmd_ssubscribe(mr_call_t *c) { subscribe_generic(c, MR_PS_SHARD); }
void cmd_unsubscribe(mr_call_t *c) { unsubscribe_generic(c, MR_PS_CHANNEL); }
void cmd_punsubscribe(mr_call_t *c) { unsubscribe_generic(c, MR_PS_PATTERN); }
void cmd_sunsubscribe(mr_call_t *c) { unsubscribe_generic(c, MR_PS_SHARD); }

void mr_pubsub_conn_reset(mr_conn_t *c) {
    struct mr_psub **slot = mr_conn_psub(c);
    struct mr_psub *p = *slot;
    if (!p) return;
    subref_t s = ref_of(c);
    for (int k = 0; k < 3; k++) {
        if (!p->names[k]) continue;
        mr_ft_iter_t it;
        mr_ft_iter_start(p->names[k], &it);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;)
            reg_remove((mr_ps_kind_t)k, mr_ft_key(e), &s);
        mr_ft_iter_end(&it);
        mr_ft_free(p->names[k]);
    }
    mr_free(p);
    *slot = NULL;
    mr_conn_set_pubsub(c, 0, 0, 0);
}

void cmd_publish(mr_call_t *c) {
    mr_reply_int(c->reply,
                 mr_pubsub_publish(MR_PS_CHANNEL, c->argv[1].ptr,
                                   c->argv[1].len, c->argv[2].ptr,
                                   c->argv[2].len));
}

void cmd_spublish(mr_call_t *c) {
    mr_reply_int(c->reply,
                 mr_pubsub_publish(MR_PS_SHARD, c->argv[1].ptr,
                                   c->argv[1].len, c->argv[2].ptr,
                                   c->argv[2].len));
}

/* ---- PUBSUB ---- */

typedef struct names_ctx {
    mr_reply_t *r;
    long n;
} names_ctx_t;

static void add_name(void *ctx, mr_str_t name) {
    names_ctx_t *x = ctx;
    mr_reply_bulk(x->r, name.ptr, name.len);
    x->n++;
}

static void channels_generic(mr_call_t *c, mr_ps_kind_t k) {
    if (c->argc > 3) {
        mr_str_t sub = c->argv[1];
        int n = (int)(sub.len < 128 ? sub.len : 128);
        mr_reply_errf(c->reply,
                      "ERR unknown subcommand or wrong number of arguments "
                      "for '%.*s'. Try PUBSUB HELP.",
                      n, sub.ptr);
        return;
    }
    mr_str_t pat = c->argc == 3 ? c->argv[2] : (mr_str_t){NULL, 0};
    size_t mark = mr_reply_defer(c->reply);
    names_ctx_t x = {c->reply, 0};
    reg_each_name(k, pat, add_name, &x);
    mr_reply_defer_array(c->reply, mark, x.n);
}

static void numsub_generic(mr_call_t *c, mr_ps_kind_t k) {
    mr_reply_array(c->reply, (long)(c->argc - 2) * 2);
    for (int i = 2; i < c->argc; i++) {
        mr_reply_bulk(c->reply, c->argv[i].ptr, c->argv[i].len);
        mr_reply_int(c->reply, reg_numsub(k, c->argv[i]));
    }
}

void cmd_pubsub_channels(mr_call_t *c) { channels_generic(c, MR_PS_CHANNEL); }
void cmd_pubsub_shardchannels(mr_call_t *c) { channels_generic(c, MR_PS_SHARD); }
void cmd_pubsub_numsub(mr_call_t *c) { numsub_generic(c, MR_PS_CHANNEL); }
void cmd_pubsub_shardnumsub(mr_call_t *c) { numsub_generic(c, MR_PS_SHARD); }

void cmd_pubsub_numpat(mr_call_t *c) {
    mr_reply_int(c->reply, reg_names(MR_PS_PATTERN));
}

void cmd_pubsub_help(mr_call_t *c) {
    static const char *const lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(c->reply, lines);
}
