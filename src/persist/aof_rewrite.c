/* The rewrite child: serialises the keyspace of the forked process into a
 * compact AOF, one command per key (collections in batches of 64 items, as
 * Redis writes them, so replaying a huge key never needs one huge command)
 * plus PEXPIREAT for a key with a TTL. Keys already expired are left out.
 *
 * The child owns a frozen copy-on-write image and is single-threaded: it
 * walks the tables without locks (mr_store_walk_frozen), and it must not
 * log or take any lock another thread may have held at fork time. The
 * parent's side (start, the records that came meanwhile, the rename) is in
 * aof.c.
 *
 * One function per type (every type that exists); a type this file does not know fails the rewrite
 * (never a file silently missing keys). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mr/object.h"
#include "mr/store.h"
#include "persist/aof_int.h"
#include "types/fieldtab.h"
#include "types/listpack.h"
#include "types/quicklist.h"
#include "types/setval.h"
#include "types/zset.h"

#define ITEMS_PER_CMD 64
#define FLUSH_AT ((size_t)1 << 20)

typedef struct rw {
    int fd;
    int err;     /* first errno, then everything is skipped */
    int db;      /* database of the SELECT written last */
    int cur_db;  /* database being walked */
    mr_buf_t b;
} rw_t;

static void rw_flush(rw_t *w) {
    if (!w->err && w->b.len) {
        int fault = mr_aof_fault();
        if (fault) w->err = fault;
        else if (!mr_write_all(w->fd, w->b.data, w->b.len)) w->err = errno;
    }
    w->b.len = 0;
}

static void rw_cmd(rw_t *w, int argc) { mr_aof_buf_cmd(&w->b, argc); }
static void rw_arg(rw_t *w, mr_str_t s) { mr_aof_buf_arg(&w->b, s.ptr, s.len); }
static void rw_word(rw_t *w, const char *s) {
    mr_aof_buf_arg(&w->b, s, strlen(s));
}
static void rw_key(rw_t *w, const mr_entry_t *e) {
    mr_aof_buf_arg(&w->b, mr_entry_key(e), e->klen);
}

/* ---- one function per type ---- */

static void rewrite_string(rw_t *w, const mr_entry_t *e) {
    rw_cmd(w, 3);
    rw_word(w, "SET");
    rw_key(w, e);
    mr_aof_buf_arg(&w->b, mr_entry_cval(e), e->vlen);
}

/* Starts "<cmd> key" with room for the next batch of `left` items of
 * `per_item` arguments each; returns the batch size. */
static size_t batch_start(rw_t *w, const mr_entry_t *e, const char *cmd,
                          size_t left, int per_item) {
    size_t n = left < ITEMS_PER_CMD ? left : ITEMS_PER_CMD;
    rw_cmd(w, 2 + (int)n * per_item);
    rw_word(w, cmd);
    rw_key(w, e);
    return n;
}

/* A hash or set held in a field table: "<cmd> key member [value] ..." in
 * batches. */
static void rewrite_table(rw_t *w, const mr_entry_t *e, const char *cmd,
                          bool values) {
    mr_ft_t *ft = mr_entry_obj(e);
    size_t left = mr_ft_count(ft), in_batch = 0;
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *fe; (fe = mr_ft_iter_next(&it)) != NULL;) {
        if (in_batch == 0)
            in_batch = batch_start(w, e, cmd, left, values ? 2 : 1);
        rw_arg(w, mr_ft_key(fe));
        if (values) rw_arg(w, mr_ft_value(fe));
        in_batch--;
        left--;
        if (w->b.len >= FLUSH_AT) rw_flush(w);
    }
    mr_ft_iter_end(&it);
}

static void rewrite_hash(rw_t *w, const mr_entry_t *e) {
    if (mr_entry_enc(e) == MR_ENC_LISTPACK) {
        const unsigned char *lp = mr_entry_obj(e);
        size_t left = mr_lp_count(lp) / 2, in_batch = 0;
        char fb[MR_LP_INTBUF], vb[MR_LP_INTBUF];
        for (size_t p = mr_lp_first(lp); p != MR_LP_NONE;) {
            size_t vp = mr_lp_next(lp, p);
            if (in_batch == 0) in_batch = batch_start(w, e, "HSET", left, 2);
            rw_arg(w, mr_lp_get_str(lp, p, fb));
            rw_arg(w, mr_lp_get_str(lp, vp, vb));
            in_batch--;
            left--;
            p = mr_lp_next(lp, vp);
        }
        return;
    }
    rewrite_table(w, e, "HSET", true);
}

/* A set in either encoding: SADD in batches. Replaying them rebuilds an
 * intset exactly when the members allow one, as Redis's reload does. */
static void rewrite_set(rw_t *w, const mr_entry_t *e) {
    mr_setv_t s = mr_setv_of(e);
    size_t left = mr_setv_len(s), in_batch = 0;
    mr_setv_it_t it;
    mr_setv_it_start(&it, s);
    for (mr_str_t m; mr_setv_it_next(&it, &m);) {
        if (in_batch == 0) in_batch = batch_start(w, e, "SADD", left, 1);
        rw_arg(w, m);
        in_batch--;
        left--;
        if (w->b.len >= FLUSH_AT) rw_flush(w);
    }
    mr_setv_it_end(&it);
}

/* A list: RPUSH in batches, head to tail. */
static void rewrite_list(rw_t *w, const mr_entry_t *e) {
    const mr_ql_t *ql = mr_entry_obj(e);
    size_t left = mr_ql_count(ql), in_batch = 0;
    mr_ql_pos_t p;
    if (!mr_ql_seek(ql, 0, &p)) return;
    char ib[MR_LP_INTBUF];
    for (bool more = true; more && left;) {
        if (in_batch == 0) in_batch = batch_start(w, e, "RPUSH", left, 1);
        rw_arg(w, mr_ql_get_next(&p, ib, &more));
        in_batch--;
        left--;
        if (w->b.len >= FLUSH_AT) rw_flush(w);
    }
}

/* A sorted set: ZADD score member in batches; "%.17g" scores read back
 * as the same double (and inf as inf). */
static void rewrite_zset(rw_t *w, const mr_entry_t *e) {
    mr_zset_t *zs = mr_entry_obj(e);
    size_t left = mr_zset_len(zs), in_batch = 0;
    mr_zset_it_t it;
    mr_zset_it_start_rank(&it, zs, 0, false);
    while (left && mr_zset_it_next(&it)) {
        if (in_batch == 0) in_batch = batch_start(w, e, "ZADD", left, 2);
        char num[32];
        int n = mr_d2str(num, sizeof num, it.score);
        mr_aof_buf_arg(&w->b, num, (size_t)n);
        rw_arg(w, it.member);
        in_batch--;
        left--;
        if (w->b.len >= FLUSH_AT) rw_flush(w);
    }
}

static void rewrite_key(void *ctx, const mr_entry_t *e) {
    rw_t *w = ctx;
    if (w->err) return;
    if (w->db != w->cur_db) {
        mr_aof_buf_select(&w->b, w->cur_db);
        w->db = w->cur_db;
    }
    switch (mr_entry_type(e)) {
    case MR_T_STRING: rewrite_string(w, e); break;
    case MR_T_HASH: rewrite_hash(w, e); break;
    case MR_T_SET: rewrite_set(w, e); break;
    case MR_T_LIST: rewrite_list(w, e); break;
    case MR_T_ZSET: rewrite_zset(w, e); break;
    default:
        w->err = EINVAL; /* a type without a rewriter: fail, never skip */
        return;
    }
    int64_t exp = mr_entry_expire(e);
    if (exp != MR_NO_EXPIRE) {
        char t[MR_LLSTR_SIZE];
        int n = mr_ll2str(t, exp);
        rw_cmd(w, 3);
        rw_word(w, "PEXPIREAT");
        rw_key(w, e);
        mr_aof_buf_arg(&w->b, t, (size_t)n);
    }
    if (w->b.len >= FLUSH_AT) rw_flush(w);
}

void mr_aof_rewrite_tmp(pid_t pid, char *out, size_t outlen) {
    snprintf(out, outlen, "temp-rewriteaof-bg-%d.aof", (int)pid);
}

int mr_aof_rewrite_child(const char *path) {
    rw_t w = {.db = -1};
    w.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w.fd < 0) return errno;
    int64_t now = mr_mstime();
    for (int db = 0; db < mr_store_ndbs() && !w.err; db++) {
        w.cur_db = db;
        mr_store_walk_frozen(db, now, rewrite_key, &w);
    }
    rw_flush(&w);
    if (!w.err) {
        int fault = mr_aof_fault();
        if (fault) w.err = fault;
        else if (fdatasync(w.fd) != 0) w.err = errno;
    }
    close(w.fd);
    mr_buf_free(&w.b);
    if (w.err) unlink(path);
    return w.err;
}
