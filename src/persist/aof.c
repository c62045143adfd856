/* The AOF: what dispatch and handlers log (mr_prop_*, reserve/commit), the
 * AOF thread that writes the file and applies appendfsync, the rewrite's
 * start (every shard lock, note the ring position, fork) and its end (the
 * AOF thread appends what came meanwhile, renames, fsyncs the directory),
 * write errors (MISCONF) and INFO persistence.
 *
 * Threads. Workers reserve records under their shard locks and fill them
 * after unlocking (mr/ring.h). The AOF thread is the ring's only consumer;
 * it owns the file descriptor, the output buffer and the rewrite buffer,
 * and never takes a shard lock: a worker waiting for ring room while it
 * holds one would otherwise deadlock with it. Rewrites start on whichever
 * thread asks (BGREWRITEAOF's worker, CONFIG SET appendonly's, or the main
 * thread's cron for the automatic trigger), serialised by rw_mu.
 *
 * Durability. `durable` is the ring position up to which every record is as
 * safe as the policy promised: fsynced under always, written under everysec
 * and no. Workers hold the replies of a write until durable passes its
 * record (src/net/aof_wait.c); the AOF thread calls durable_cb after it
 * moves. One fsync covers every record drained before it: group commit.
 *
 * Fault injection (tests only): when MINIREDIS_AOF_FAULT_FILE is set at
 * start and names a file that exists, every AOF write and fsync fails with
 * the errno the file names ("EIO"; anything else: ENOSPC). Removing the
 * file lets writes succeed again. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mr/aof.h"
#include "mr/config.h"
#include "mr/conn.h"
#include "mr/reply.h"
#include "mr/ring.h"
#include "mr/server.h"
#include "mr/stats.h"
#include "mr/store.h"
#include "persist/aof_int.h"

/* 4 MiB: at 300k SETs a second about 200 ms of writes, enough to ride out
 * an fsync without making writers wait, and small enough that the ring's
 * lines stay in the cache (a bigger ring only pollutes it). */
#define RING_BYTES ((size_t)4 << 20)
/* The AOF thread writes at most this much per write() */
#define WRITE_CHUNK ((size_t)4 << 20)
/* Rewrites are retried this long after a failure (Redis: 5 s when the
 * last one failed) */
#define RETRY_MS 5000
/* a lasting write error is logged this often (Redis: 30 s) */
#define ERROR_LOG_MS 30000
/* the AOF thread's poll interval when it need not wake per record */
#define LAZY_POLL_US 2000
#define IDLE_POLL_US 100000
/* group commit: how long the AOF thread naps between looks at the ring */
#define GATHER_STEP_US 100
/* a failed write is retried this often */
#define WRITE_RETRY_MS 100

enum { ST_OFF, ST_ON, ST_WAIT_REWRITE };
enum {
    POLICY_ALWAYS = MR_FSYNC_ALWAYS,
    POLICY_EVERYSEC = MR_FSYNC_EVERYSEC,
    POLICY_NO = MR_FSYNC_NO,
};

static struct aof {
    mr_ring_t *ring;
    pthread_t thread;
    bool started;
    _Atomic bool stop;
    _Atomic int state;
    void (*durable_cb)(void);
    _Atomic uint64_t durable;

    int fd; /* the AOF thread's once started */
    _Atomic int write_errno;    /* 0: aof_last_write_status ok */
    _Atomic long long cur_size; /* aof_current_size */
    _Atomic long long base_size;

    /* rewrite */
    pthread_mutex_t rw_mu;
    _Atomic bool rw_scheduled;
    _Atomic bool rw_turns_on; /* started while waiting to turn the AOF on */
    _Atomic bool rw_collect; /* records >= rw_pos go to the rewrite buffer */
    _Atomic uint64_t rw_pos;
    _Atomic pid_t rw_child;
    _Atomic int64_t rw_start_ms;
    _Atomic int64_t rw_last_fail_ms;
    _Atomic long long rw_last_sec;
    _Atomic bool rw_last_ok;
    _Atomic long long rw_count, rw_fails;
} aof = {.fd = -1, .rw_mu = PTHREAD_MUTEX_INITIALIZER, .rw_last_sec = -1,
         .rw_last_ok = true};

static const char *fault_file;

/* ---- RESP encoding ---- */

static size_t digits(size_t n) {
    size_t d = 1;
    while (n >= 10) n /= 10, d++;
    return d;
}

size_t mr_aof_resp_size(int argc, const mr_str_t *argv) {
    size_t n = 3 + digits((size_t)argc);
    for (int i = 0; i < argc; i++)
        n += 5 + digits(argv[i].len) + argv[i].len;
    return n;
}

/* Appends "<c><n>\r\n" to p; returns the end. */
static char *put_len(char *p, char c, size_t n) {
    char tmp[24];
    int k = 0;
    do tmp[k++] = (char)('0' + n % 10), n /= 10;
    while (n);
    *p++ = c;
    while (k) *p++ = tmp[--k];
    *p++ = '\r';
    *p++ = '\n';
    return p;
}

/* The rewrite encodes every key through these: no printf. */
void mr_aof_buf_cmd(mr_buf_t *b, int argc) {
    mr_buf_reserve(b, 32);
    b->len = (size_t)(put_len(b->data + b->len, '*', (size_t)argc) - b->data);
}

void mr_aof_buf_arg(mr_buf_t *b, const void *p, size_t len) {
    mr_buf_reserve(b, 32 + len);
    char *q = put_len(b->data + b->len, '$', len);
    memcpy(q, p, len);
    q += len;
    *q++ = '\r';
    *q++ = '\n';
    b->len = (size_t)(q - b->data);
}

void mr_aof_buf_select(mr_buf_t *b, int db) {
    char n[16];
    int l = snprintf(n, sizeof n, "%d", db);
    mr_aof_buf_cmd(b, 2);
    mr_aof_buf_arg(b, "SELECT", 6);
    mr_aof_buf_arg(b, n, (size_t)l);
}

/* Writes argv's RESP encoding into a reservation: small records are
 * framed in a stack buffer and copied in one piece, big arguments go in
 * directly. This runs for every logged command: no printf here. */
static void ring_put_argv(const mr_ring_resv_t *rv, int argc,
                          const mr_str_t *argv) {
    char buf[512];
    char *p = buf, *end = buf + sizeof buf;
    size_t off = 0;
    p = put_len(p, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        size_t n = argv[i].len;
        if (end - p < 32 + (ptrdiff_t)(n < 256 ? n : 0)) {
            mr_ring_write(aof.ring, rv, off, buf, (size_t)(p - buf));
            off += (size_t)(p - buf);
            p = buf;
        }
        p = put_len(p, '$', n);
        if (n < 256) {
            memcpy(p, argv[i].ptr, n);
            p += n;
        } else {
            mr_ring_write(aof.ring, rv, off, buf, (size_t)(p - buf));
            off += (size_t)(p - buf);
            mr_ring_write(aof.ring, rv, off, argv[i].ptr, n);
            off += n;
            p = buf;
        }
        *p++ = '\r';
        *p++ = '\n';
    }
    mr_ring_write(aof.ring, rv, off, buf, (size_t)(p - buf));
}

const char *mr_aof_path(void) {
    return mr_config.appendfilename && mr_config.appendfilename[0]
               ? mr_config.appendfilename
               : "appendonly.aof";
}

int mr_aof_fault(void) {
    if (!fault_file) return 0;
    FILE *f = fopen(fault_file, "r");
    if (!f) return 0;
    char word[16] = "";
    if (!fgets(word, sizeof word, f)) word[0] = '\0';
    fclose(f);
    return strncmp(word, "EIO", 3) == 0 ? EIO : ENOSPC;
}

/* ---- what handlers log ---- */

struct mr_prop {
    mr_buf_t buf; /* the records, RESP-encoded, in order */
    int nrec;
    bool none;
};

/* One per thread: a command's records live only until dispatch copies
 * them into the ring. A thread-specific key frees the buffer when the
 * thread (a worker) exits. */
static _Thread_local struct mr_prop tl_prop;
static _Thread_local bool tl_prop_registered;
static pthread_key_t prop_key;
static pthread_once_t prop_once = PTHREAD_ONCE_INIT;

static void prop_free(void *p) { mr_buf_free(&((struct mr_prop *)p)->buf); }
static void prop_key_init(void) { pthread_key_create(&prop_key, prop_free); }

bool mr_aof_logging(void) {
    return atomic_load_explicit(&aof.state, memory_order_acquire) != ST_OFF;
}

/* Called by dispatch with the command's shard locks held, before the
 * handler: reading the state under the locks means a rewrite's snapshot
 * (taken under every lock) either includes this command or sees it
 * logged. */
static void prop_begin(mr_call_t *call) {
    call->prop = NULL;
    call->aof_end = 0;
    if (!mr_aof_logging()) return;
    struct mr_prop *p = &tl_prop;
    if (!tl_prop_registered) {
        pthread_once(&prop_once, prop_key_init);
        pthread_setspecific(prop_key, p);
        tl_prop_registered = true;
    }
    if (p->buf.cap > ((size_t)1 << 20)) mr_buf_free(&p->buf);
    p->buf.len = 0;
    p->nrec = 0;
    p->none = false;
    call->prop = p;
}

void mr_prop_cmd(mr_call_t *call, int argc) {
    if (!call->prop) return;
    mr_aof_buf_cmd(&call->prop->buf, argc);
    call->prop->nrec++;
}

void mr_prop_arg(mr_call_t *call, const void *p, size_t len) {
    if (call->prop) mr_aof_buf_arg(&call->prop->buf, p, len);
}

void mr_prop_arg_str(mr_call_t *call, mr_str_t s) {
    mr_prop_arg(call, s.ptr, s.len);
}

void mr_prop_arg_cstr(mr_call_t *call, const char *s) {
    mr_prop_arg(call, s, strlen(s));
}

void mr_prop_arg_ll(mr_call_t *call, long long v) {
    if (!call->prop) return;
    char b[MR_LLSTR_SIZE];
    int n = mr_ll2str(b, v);
    mr_aof_buf_arg(&call->prop->buf, b, (size_t)n);
}

void mr_prop_original(mr_call_t *call) {
    if (!call->prop) return;
    mr_prop_cmd(call, call->argc);
    for (int i = 0; i < call->argc; i++)
        mr_aof_buf_arg(&call->prop->buf, call->argv[i].ptr, call->argv[i].len);
}

void mr_prop_none(mr_call_t *call) {
    if (call->prop) call->prop->none = true;
}

/* ---- dispatch's side ---- */

bool mr_aof_deny_write(mr_call_t *call) {
    int err = atomic_load_explicit(&aof.write_errno, memory_order_relaxed);
    if (!err || atomic_load_explicit(&aof.state, memory_order_relaxed) ==
                    ST_OFF)
        return false;
    const mr_cmd_t *cmd = call->cmd;
    bool is_ping = cmd->parent == NULL && strcmp(cmd->name, "ping") == 0;
    if (!(cmd->flags & MR_CMD_WRITE) && !is_ping) return false;
    mr_reply_errf(call->reply, "MISCONF Errors writing to the AOF file: %s",
                  strerror(err));
    return true;
}

void mr_aof_reserve_locked(mr_call_t *call, mr_aof_pending_t *pd) {
    pd->active = false;
    if (call->dirty > 0) MR_STAT_ADD(changes, (uint64_t)call->dirty);
    struct mr_prop *p = call->prop;
    if (!p || p->none) return;
    if (p->nrec == 0 && call->dirty <= 0) return;
    pd->from_prop = p->nrec > 0;
    size_t len = pd->from_prop ? p->buf.len
                               : mr_aof_resp_size(call->argc, call->argv);
    mr_ring_reserve(aof.ring, len, call->db, &pd->rv);
    pd->active = true;
}

static bool policy_always(void) {
    return MR_CFG(appendfsync) == POLICY_ALWAYS &&
           atomic_load_explicit(&aof.state, memory_order_relaxed) == ST_ON;
}

void mr_aof_commit(mr_call_t *call, mr_aof_pending_t *pd) {
    if (!pd->active) return;
    if (pd->from_prop)
        mr_ring_write(aof.ring, &pd->rv, 0, call->prop->buf.data,
                      call->prop->buf.len);
    else
        ring_put_argv(&pd->rv, call->argc, call->argv);
    mr_ring_commit(aof.ring, &pd->rv);
    if (policy_always()) call->aof_end = pd->rv.end;
}

void mr_aof_begin_locked(mr_call_t *call) { prop_begin(call); }

/* ---- transactions ----
 * The records of an EXEC's commands gather in a thread-local buffer and
 * go to the ring as one record: "MULTI", the records (with a SELECT where
 * the database changes, and one back to the first database at the end so
 * the AOF thread's idea of the file's database stays right), "EXEC". */
static _Thread_local struct tx {
    bool open;
    mr_buf_t buf;
    int first_db, cur_db;
    int nrec;
} tl_tx;

static const char TX_MULTI[] = "*1\r\n$5\r\nMULTI\r\n";
static const char TX_EXEC[] = "*1\r\n$4\r\nEXEC\r\n";

bool mr_aof_tx_open(void) { return tl_tx.open; }

static void tx_use_db(int db) {
    if (tl_tx.nrec == 0) {
        tl_tx.first_db = tl_tx.cur_db = db;
    } else if (db != tl_tx.cur_db) {
        mr_aof_buf_select(&tl_tx.buf, db);
        tl_tx.cur_db = db;
    }
    tl_tx.nrec++;
}

static void tx_append_argv(int db, int argc, const mr_str_t *argv) {
    tx_use_db(db);
    mr_aof_buf_cmd(&tl_tx.buf, argc);
    for (int i = 0; i < argc; i++)
        mr_aof_buf_arg(&tl_tx.buf, argv[i].ptr, argv[i].len);
}

/* frees a worker's buffer when the thread exits, as for tl_prop */
static pthread_key_t tx_key;
static pthread_once_t tx_once = PTHREAD_ONCE_INIT;
static _Thread_local bool tx_registered;
static void tx_free(void *p) { mr_buf_free(&((struct tx *)p)->buf); }
static void tx_key_init(void) { pthread_key_create(&tx_key, tx_free); }

void mr_aof_tx_begin_locked(void) {
    if (!tx_registered) {
        pthread_once(&tx_once, tx_key_init);
        pthread_setspecific(tx_key, &tl_tx);
        tx_registered = true;
    }
    if (tl_tx.buf.cap > ((size_t)1 << 20)) mr_buf_free(&tl_tx.buf);
    tl_tx.buf.len = 0;
    tl_tx.nrec = 0;
    tl_tx.open = true;
}

void mr_aof_tx_add_locked(mr_call_t *call) {
    if (call->dirty > 0) MR_STAT_ADD(changes, (uint64_t)call->dirty);
    struct mr_prop *p = call->prop;
    if (!p || p->none) return;
    if (p->nrec > 0) {
        tx_use_db(call->db);
        tl_tx.nrec += p->nrec - 1;
        mr_buf_append(&tl_tx.buf, p->buf.data, p->buf.len);
    } else if (call->dirty > 0) {
        tx_append_argv(call->db, call->argc, call->argv);
    }
}

void mr_aof_tx_reserve_locked(mr_aof_pending_t *pd) {
    tl_tx.open = false;
    pd->active = false;
    if (tl_tx.nrec == 0 || !mr_aof_logging()) return;
    /* a single record is atomic by itself: logged bare, as Redis 7 does */
    pd->from_prop = tl_tx.nrec > 1; /* here: wrapped in MULTI/EXEC */
    if (pd->from_prop) {
        if (tl_tx.cur_db != tl_tx.first_db)
            mr_aof_buf_select(&tl_tx.buf, tl_tx.first_db);
        mr_buf_append(&tl_tx.buf, TX_EXEC, sizeof TX_EXEC - 1);
    }
    mr_ring_reserve(aof.ring,
                    (pd->from_prop ? sizeof TX_MULTI - 1 : 0) + tl_tx.buf.len,
                    tl_tx.first_db, &pd->rv);
    pd->active = true;
}

void mr_aof_tx_commit(mr_aof_pending_t *pd, uint64_t *aof_end) {
    if (!pd->active) return;
    if (pd->from_prop) { /* wrapped */
        mr_ring_write(aof.ring, &pd->rv, 0, TX_MULTI, sizeof TX_MULTI - 1);
        mr_ring_write(aof.ring, &pd->rv, sizeof TX_MULTI - 1, tl_tx.buf.data,
                      tl_tx.buf.len);
    } else {
        mr_ring_write(aof.ring, &pd->rv, 0, tl_tx.buf.data, tl_tx.buf.len);
    }
    mr_ring_commit(aof.ring, &pd->rv);
    if (policy_always()) *aof_end = pd->rv.end;
}

uint64_t mr_aof_log_locked(int db, int argc, const mr_str_t *argv) {
    if (!mr_aof_logging()) return 0;
    if (tl_tx.open) {
        tx_append_argv(db, argc, argv);
        return 0; /* the EXEC's reply waits for the whole record */
    }
    mr_ring_resv_t rv;
    mr_ring_reserve(aof.ring, mr_aof_resp_size(argc, argv), db, &rv);
    ring_put_argv(&rv, argc, argv);
    mr_ring_commit(aof.ring, &rv);
    return policy_always() ? rv.end : 0;
}

/* The keyspace's expiry hook: a key that expired (lazily under a command's
 * locks, or in a worker's cron under the shard's lock) is logged as DEL,
 * as Redis propagates it, so a replay (which expires nothing while it
 * loads) deletes it at the same point of the history. */
static void on_expired(int db, const void *key, size_t klen) {
    mr_str_t argv[2] = {{"DEL", 3}, {key, klen}};
    mr_aof_log_locked(db, 2, argv);
}

uint64_t mr_aof_durable_pos(void) {
    return atomic_load_explicit(&aof.durable, memory_order_acquire);
}

void mr_aof_set_durable_cb(void (*cb)(void)) { aof.durable_cb = cb; }

long long mr_aof_changes(void) {
    mr_stats_t s;
    mr_stats_sum(&s);
    return (long long)s.changes;
}

/* ---- the AOF thread ---- */

typedef struct writer {
    /* out[0, written) is in the file but not fsynced (kept so a failed
     * fsync can write it again), out[written, len) is not written yet */
    mr_buf_t out;
    size_t written;
    bool unsynced;         /* the file has bytes not yet fsynced */
    uint64_t covered;      /* ring position just past the last record in out */
    uint64_t synced_pos;   /* ... that is durable */
    int last_db;           /* database of the last record in the file */
    size_t batch;          /* records drained since the last fsync */
    size_t last_batch;     /* ... in the batch before */
    uint64_t fsync_us;     /* moving average of fsync latency */
    int64_t last_fsync_ms;
    int64_t retry_ms;      /* earliest time to retry a failed write */
    /* rewrite buffer: records from rw_pos on, for the new file */
    mr_buf_t rw;
    int rw_db;
    bool rw_done;          /* child exited well; waiting to finalise */
    char rw_tmp[PATH_MAX];
} writer_t;

/* Logs a write or fsync error when it is new, and at most every
 * ERROR_LOG_MS while it lasts (a full disk is retried every 100 ms). */
static void set_error(int err, const char *what) {
    static int64_t last_log;
    int64_t now = mr_mstime();
    if (atomic_exchange(&aof.write_errno, err) != err ||
        now - last_log >= ERROR_LOG_MS) {
        mr_log(MR_LOG_WARNING, "Error %s the AOF file %s: %s", what,
               mr_aof_path(), strerror(err));
        last_log = now;
    }
}

static void clear_error(void) {
    if (atomic_exchange(&aof.write_errno, 0) != 0)
        mr_log(MR_LOG_WARNING,
               "AOF write error looks solved, writes are accepted again.");
}

static void publish_durable(uint64_t pos) {
    if (pos <= atomic_load_explicit(&aof.durable, memory_order_relaxed))
        return;
    atomic_store_explicit(&aof.durable, pos, memory_order_seq_cst);
    if (aof.durable_cb) aof.durable_cb();
}

/* Moves committed records from the ring into the output (and the rewrite
 * buffer), putting a SELECT where the database changes. Returns whether it
 * took any. */
static bool drain(writer_t *w) {
    bool any = false;
    mr_ring_rec_t rec;
    while (w->out.len - w->written < WRITE_CHUNK && mr_ring_peek(aof.ring, &rec)) {
        any = true;
        if (aof.fd >= 0) {
            if (rec.tag != w->last_db) {
                mr_aof_buf_select(&w->out, rec.tag);
                w->last_db = rec.tag;
            }
            mr_buf_append(&w->out, rec.p1, rec.n1);
            if (rec.n2) mr_buf_append(&w->out, rec.p2, rec.n2);
        }
        if (atomic_load_explicit(&aof.rw_collect, memory_order_acquire) &&
            rec.pos >= atomic_load_explicit(&aof.rw_pos, memory_order_relaxed)) {
            if (rec.tag != w->rw_db) {
                mr_aof_buf_select(&w->rw, rec.tag);
                w->rw_db = rec.tag;
            }
            mr_buf_append(&w->rw, rec.p1, rec.n1);
            if (rec.n2) mr_buf_append(&w->rw, rec.p2, rec.n2);
        }
        w->covered = rec.end;
        w->batch++;
        mr_ring_release(aof.ring, &rec);
    }
    return any;
}

/* Writes what is pending. A short write is cut off again (ftruncate) so
 * the file never ends in half a record, and retried later, as Redis does. */
static void write_out(writer_t *w, int64_t now) {
    if (aof.fd < 0 || w->written == w->out.len || now < w->retry_ms) return;
    size_t todo = w->out.len - w->written;
    int fault = mr_aof_fault();
    ssize_t n;
    if (fault) {
        n = -1;
        errno = fault;
    } else {
        do n = write(aof.fd, w->out.data + w->written, todo);
        while (n < 0 && errno == EINTR);
    }
    long long size = atomic_load(&aof.cur_size);
    if (n == (ssize_t)todo) {
        w->written += todo;
        atomic_store(&aof.cur_size, size + (long long)todo);
        /* under always only a good fsync ends the error (sync_out) */
        if (MR_CFG(appendfsync) != POLICY_ALWAYS) clear_error();
        return;
    }
    int err = n < 0 ? errno : ENOSPC;
    if (n > 0 && ftruncate(aof.fd, size) != 0) {
        /* cannot take the piece back: it stays, and counts as written */
        mr_log(MR_LOG_WARNING,
               "Could not remove short write from the append-only file: %s",
               strerror(errno));
        w->written += (size_t)n;
        atomic_store(&aof.cur_size, size + (long long)n);
    }
    set_error(err, "writing to");
    w->retry_ms = now + WRITE_RETRY_MS;
}

static int do_fsync(int fd) {
    int fault = mr_aof_fault();
    if (fault) return fault;
    return fdatasync(fd) == 0 ? 0 : errno;
}

/* Applies the fsync policy once everything pending is written.
 * Under always the written bytes stay in `out` until their fsync succeeds:
 * after a failed fsync the kernel may have dropped those dirty pages, so
 * the file is cut back and the batch written again. Under everysec and no
 * the write is what was promised; the bytes are let go at once (keeping a
 * second of them would only churn the cache). */
static void sync_out(writer_t *w, int policy, int64_t now, bool force) {
    if (aof.fd < 0) {
        publish_durable(w->covered); /* nothing promised without a file */
        return;
    }
    if (w->written < w->out.len) return; /* a write failed: promise nothing */
    if (policy != POLICY_ALWAYS && !force) {
        if (w->written) {
            w->unsynced = true;
            w->out.len = w->written = 0;
            if (w->out.cap > 2 * WRITE_CHUNK) mr_buf_free(&w->out);
        }
        publish_durable(w->covered);
        if (policy == POLICY_NO || !w->unsynced ||
            now - w->last_fsync_ms < 1000 || now < w->retry_ms)
            return;
    } else if (w->written == 0 && !w->unsynced) {
        publish_durable(w->covered);
        return;
    } else if (now < w->retry_ms) {
        return;
    }
    uint64_t t0 = mr_monotonic_us();
    int err = do_fsync(aof.fd);
    uint64_t took = mr_monotonic_us() - t0;
    w->fsync_us = w->fsync_us ? (w->fsync_us * 7 + took) / 8 : took;
    w->last_batch = w->batch;
    w->batch = 0;
    w->last_fsync_ms = now;
    if (err) {
        set_error(err, "fsyncing");
        w->retry_ms = now + WRITE_RETRY_MS;
        long long kept_from = atomic_load(&aof.cur_size) - (long long)w->written;
        if (w->written && ftruncate(aof.fd, kept_from) == 0) {
            w->written = 0;
            atomic_store(&aof.cur_size, kept_from);
        }
        return;
    }
    w->unsynced = false;
    w->out.len = w->written = 0;
    if (w->out.cap > 2 * WRITE_CHUNK) mr_buf_free(&w->out);
    clear_error();
    publish_durable(w->covered);
}

/* The AOF lives in `dir`, the working directory. */
static int fsync_dir(void) { return mr_fsync_dir("."); }

static void rewrite_reset(writer_t *w) {
    mr_buf_free(&w->rw);
    w->rw_db = -1;
    w->rw_done = false;
    atomic_store(&aof.rw_collect, false);
    atomic_store_explicit(&aof.rw_child, 0, memory_order_release);
}

static void rewrite_failed(writer_t *w, const char *why) {
    mr_log(MR_LOG_WARNING, "Background AOF rewrite failed: %s", why);
    unlink(w->rw_tmp);
    atomic_store(&aof.rw_last_ok, false);
    atomic_fetch_add(&aof.rw_fails, 1);
    atomic_store(&aof.rw_last_fail_ms, mr_mstime());
    rewrite_reset(w);
}

/* mr_write_all, failing as the test hook says (mr_aof_fault). */
static bool write_all(int fd, const char *p, size_t n) {
    int fault = mr_aof_fault();
    if (fault) {
        errno = fault;
        return false;
    }
    return mr_write_all(fd, p, n);
}

/* The rewrite's end, on the AOF thread between two batches: the records
 * that came during the rewrite go after the child's snapshot, the file is
 * fsynced and renamed over the old one, the directory fsynced; then the
 * thread goes on writing to the new file. Records drained before this point
 * are all in the new file (snapshot or rewrite buffer), so what was pending
 * for the old one is dropped, not written twice. */
static void rewrite_finish(writer_t *w) {
    int fd = open(w->rw_tmp, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        rewrite_failed(w, strerror(errno));
        return;
    }
    struct stat st;
    int err = 0;
    if (!write_all(fd, w->rw.data ? w->rw.data : "", w->rw.len)) err = errno;
    if (!err) err = do_fsync(fd);
    if (!err && rename(w->rw_tmp, mr_aof_path()) != 0) err = errno;
    if (!err) err = fsync_dir();
    if (!err && fstat(fd, &st) != 0) err = errno;
    if (err) {
        close(fd);
        rewrite_failed(w, strerror(err));
        return;
    }
    if (aof.fd >= 0) close(aof.fd);
    int state = atomic_load(&aof.state);
    bool turns_on = state == ST_WAIT_REWRITE && atomic_load(&aof.rw_turns_on);
    if (state == ST_OFF || (state == ST_WAIT_REWRITE && !turns_on)) {
        /* a rewrite begun while off is only a snapshot, never the live
         * file */
        close(fd);
        aof.fd = -1;
    } else {
        aof.fd = fd;
    }
    w->unsynced = false;
    w->out.len = w->written = 0;
    w->last_db = w->rw_db;
    atomic_store(&aof.cur_size, (long long)st.st_size);
    atomic_store(&aof.base_size, (long long)st.st_size);
    int64_t took = mr_mstime() - atomic_load(&aof.rw_start_ms);
    atomic_store(&aof.rw_last_sec, took / 1000);
    atomic_store(&aof.rw_last_ok, true);
    atomic_store(&aof.rw_fails, 0);
    atomic_fetch_add(&aof.rw_count, 1);
    size_t extra = w->rw.len;
    rewrite_reset(w);
    if (turns_on) {
        atomic_store_explicit(&aof.state, ST_ON, memory_order_release);
        mr_log(MR_LOG_NOTICE, "Background AOF rewrite finished successfully; "
                              "the append only file is on");
    }
    mr_log(MR_LOG_NOTICE,
           "Background AOF rewrite terminated with success in %lld ms "
           "(%zu bytes written meanwhile appended); %lld bytes",
           (long long)took, extra, (long long)st.st_size);
    publish_durable(w->covered);
}

static void rewrite_check(writer_t *w) {
    pid_t pid = atomic_load_explicit(&aof.rw_child, memory_order_acquire);
    if (pid <= 0) return;
    if (!w->rw_done) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == 0) return;
        mr_aof_rewrite_tmp(pid, w->rw_tmp, sizeof w->rw_tmp);
        if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            char why[64];
            if (r > 0 && WIFSIGNALED(st))
                snprintf(why, sizeof why, "terminated by signal %d",
                         WTERMSIG(st));
            else
                snprintf(why, sizeof why, "child exited with status %d",
                         r > 0 ? WEXITSTATUS(st) : -1);
            rewrite_failed(w, why);
            return;
        }
        w->rw_done = true;
    }
    /* the old file must have everything drained so far before the swap */
    if (w->written < w->out.len) return;
    rewrite_finish(w);
}

static void close_if_off(writer_t *w) {
    if (aof.fd < 0 || atomic_load(&aof.state) != ST_OFF) return;
    if (w->out.len || mr_ring_used(aof.ring)) return;
    close(aof.fd);
    aof.fd = -1;
    mr_log(MR_LOG_NOTICE, "The append only file is closed (appendonly no)");
}

/* Group commit under always. Clients waiting for an fsync all send their
 * next writes the moment it completes; fsyncing the first of them at once
 * would leave the rest to wait a whole extra fsync. So, as long as this
 * batch is smaller than the previous one, keep gathering for up to half
 * an fsync's time (at most 1 ms): lock-step clients then share each fsync,
 * and a lone client waits little longer. Meanwhile the ring is lazy and
 * the thread naps in short steps: woken per commit, it would trade two
 * context switches with a writer for every record. */
static void gather(writer_t *w) {
    uint64_t limit = w->fsync_us / 2;
    if (limit > 1000) limit = 1000;
    uint64_t start = mr_monotonic_us();
    mr_ring_set_lazy(aof.ring, true);
    while (w->batch < w->last_batch) {
        uint64_t now = mr_monotonic_us();
        if (now - start >= limit) break;
        uint64_t nap = limit - (now - start);
        struct timespec ts = {0, (long)(nap < GATHER_STEP_US ? nap : GATHER_STEP_US) * 1000};
        nanosleep(&ts, NULL);
        drain(w);
    }
}

static void *aof_main(void *arg) {
    writer_t *w = arg;
    mr_log_set_thread("aof");
    long poll_us = LAZY_POLL_US;
    for (;;) {
        bool stop = atomic_load(&aof.stop);
        /* Only always needs each record at once; otherwise poll and let
         * writers skip the wake-up: every few milliseconds while records
         * come, backing off to IDLE_POLL_US when none do. */
        bool always = MR_CFG(appendfsync) == POLICY_ALWAYS;
        mr_ring_set_lazy(aof.ring, !always);
        if (!stop) mr_ring_wait(aof.ring, always ? IDLE_POLL_US : poll_us);
        else w->retry_ms = 0; /* one last try of whatever failed */
        bool got = drain(w);
        poll_us = got ? LAZY_POLL_US
                      : (poll_us * 2 > IDLE_POLL_US ? IDLE_POLL_US : poll_us * 2);
        if (!stop && MR_CFG(appendfsync) == POLICY_ALWAYS && aof.fd >= 0 &&
            w->batch > 0)
            gather(w);
        int64_t now = mr_mstime();
        write_out(w, now);
        sync_out(w, (int)MR_CFG(appendfsync), now, stop);
        rewrite_check(w);
        close_if_off(w);
        if (stop && !mr_ring_used(aof.ring) &&
            (w->out.len == 0 || atomic_load(&aof.write_errno)))
            break;
    }
    if (w->out.len)
        mr_log(MR_LOG_WARNING, "%zu bytes of the append only file could not "
                               "be written at shutdown", w->out.len - w->written);
    return NULL;
}

static writer_t the_writer;

static long long file_size(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 ? (long long)st.st_size : 0;
}

static int open_aof(void) {
    bool existed = access(mr_aof_path(), F_OK) == 0;
    int fd = open(mr_aof_path(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                  0644);
    if (fd < 0) {
        mr_log(MR_LOG_WARNING, "Can't open the append-only file %s: %s",
               mr_aof_path(), strerror(errno));
        return -1;
    }
    if (!existed) fsync_dir();
    return fd;
}

bool mr_aof_start(void) {
    fault_file = getenv("MINIREDIS_AOF_FAULT_FILE");
    aof.ring = mr_ring_new(RING_BYTES);
    mr_mem_add_not_counted(RING_BYTES);
    writer_t *w = &the_writer;
    w->last_db = w->rw_db = -1;
    w->last_fsync_ms = mr_mstime();
    if (MR_CFG(appendonly)) {
        aof.fd = open_aof();
        if (aof.fd < 0) return false;
        long long size = file_size(aof.fd);
        atomic_store(&aof.cur_size, size);
        atomic_store(&aof.base_size, size);
        atomic_store(&aof.state, ST_ON);
    }
    mr_store_set_expire_hook(on_expired);
    mr_store_set_evict_hook(on_expired); /* evictions are DELs too */
    if (pthread_create(&aof.thread, NULL, aof_main, w) != 0) {
        mr_log(MR_LOG_WARNING, "Can't start the AOF thread");
        return false;
    }
    aof.started = true;
    return true;
}

static void kill_child(void) {
    pid_t pid = atomic_load(&aof.rw_child);
    if (pid > 0) kill(pid, SIGKILL);
}

void mr_aof_stop(void) {
    if (!aof.started) return;
    kill_child();
    atomic_store(&aof.stop, true);
    pthread_join(aof.thread, NULL);
    aof.started = false;
    writer_t *w = &the_writer;
    pid_t pid = atomic_load(&aof.rw_child);
    if (pid > 0) {
        waitpid(pid, NULL, 0);
        mr_aof_rewrite_tmp(pid, w->rw_tmp, sizeof w->rw_tmp);
        unlink(w->rw_tmp);
    }
    if (aof.fd >= 0) {
        if (do_fsync(aof.fd) != 0)
            mr_log(MR_LOG_WARNING, "fsync of the append only file failed at "
                                   "shutdown");
        close(aof.fd);
        aof.fd = -1;
    }
    mr_store_set_expire_hook(NULL);
    mr_store_set_evict_hook(NULL);
    mr_buf_free(&w->out);
    mr_buf_free(&w->rw);
    mr_ring_free(aof.ring);
    aof.ring = NULL;
}

/* ---- rewrite start ----
 * Why every shard lock: the snapshot must be one instant of the whole
 * keyspace. Taken shard by shard while multi-key commands run, it could
 * show a command's effect on one shard and not the other (an SMOVE between
 * two shards), and replaying the records after it would then apply that
 * command twice or half. With every lock held (ascending, as dispatch
 * takes them) no command is between its change and its reservation, so
 * the ring position noted here splits the history exactly: records before
 * it are in the fork's memory image, records from it on go to the rewrite
 * buffer. The locks are held only for fork() itself (page tables, not
 * data: milliseconds per GiB); the child serialises its copy-on-write image
 * while the workers go on. */
static uint32_t *all_shards;

static bool rewrite_start_locked(char *err, size_t errlen) {
    if (atomic_load(&aof.rw_child) > 0) {
        snprintf(err, errlen,
                 "ERR Background append only file rewriting already in progress");
        return false;
    }
    uint32_t n = mr_store_nshards();
    if (!all_shards) {
        all_shards = mr_xmalloc(sizeof *all_shards * n);
        for (uint32_t i = 0; i < n; i++) all_shards[i] = i;
    }
    int64_t start = mr_mstime();
    mr_store_lock_many(all_shards, (int)n);
    atomic_store(&aof.rw_pos, mr_ring_head(aof.ring));
    atomic_store(&aof.rw_turns_on,
                 atomic_load(&aof.state) == ST_WAIT_REWRITE);
    atomic_store_explicit(&aof.rw_collect, true, memory_order_release);
    pid_t pid = fork();
    if (pid == 0) {
        /* the workers' latency matters more than the rewrite's duration:
         * on a box with as many workers as cores the child would otherwise
         * take a core from them */
        (void)setpriority(PRIO_PROCESS, 0, 10); /* best effort */
        char tmp[PATH_MAX];
        mr_aof_rewrite_tmp(getpid(), tmp, sizeof tmp);
        _exit(mr_aof_rewrite_child(tmp) == 0 ? 0 : 1);
    }
    if (pid > 0) {
        atomic_store(&aof.rw_start_ms, start);
        atomic_store_explicit(&aof.rw_child, pid, memory_order_release);
    } else {
        atomic_store(&aof.rw_collect, false);
    }
    mr_store_unlock_many(all_shards, (int)n);
    if (pid < 0) {
        int e = errno;
        mr_log(MR_LOG_WARNING, "Can't rewrite append only file in background: "
                               "fork: %s", strerror(e));
        atomic_store(&aof.rw_last_ok, false);
        atomic_store(&aof.rw_last_fail_ms, mr_mstime());
        snprintf(err, errlen, "ERR Can't execute an AOF background rewriting. "
                              "Please check the server logs for more information.");
        return false;
    }
    atomic_store(&aof.rw_scheduled, false);
    mr_log(MR_LOG_NOTICE,
           "Background append only file rewriting started by pid %d (fork took %lld ms)",
           (int)pid, (long long)(mr_mstime() - start));
    return true;
}

static bool rewrite_start(char *err, size_t errlen) {
    if (mr_aof_tx_open()) {
        /* inside EXEC, as Redis: the snapshot would hold half the
         * transaction and its record all of it; the cron starts it */
        atomic_store(&aof.rw_scheduled, true);
        return true;
    }
    pthread_mutex_lock(&aof.rw_mu);
    bool ok = rewrite_start_locked(err, errlen);
    pthread_mutex_unlock(&aof.rw_mu);
    return ok;
}

const char *mr_aof_bgrewrite(char *err, size_t errlen) {
    if (!aof.started) {
        snprintf(err, errlen, "ERR Can't execute an AOF background rewriting. "
                              "Please check the server logs for more information.");
        return NULL;
    }
    if (mr_aof_tx_open() && atomic_load(&aof.rw_child) <= 0) {
        atomic_store(&aof.rw_scheduled, true);
        return "Background append only file rewriting scheduled";
    }
    return rewrite_start(err, errlen)
               ? "Background append only file rewriting started"
               : NULL;
}

void mr_aof_config_appendonly(bool on) {
    if (!aof.started) return;
    int st = atomic_load(&aof.state);
    if (on && st == ST_OFF) {
        /* the running rewrite (a BGREWRITEAOF while off) began before
         * logging did: it cannot become the file; a new one starts once it
         * is gone */
        kill_child();
        atomic_store_explicit(&aof.state, ST_WAIT_REWRITE, memory_order_release);
        atomic_store(&aof.rw_scheduled, true);
        char err[160];
        if (!rewrite_start(err, sizeof err) &&
            atomic_load(&aof.rw_child) <= 0)
            mr_log(MR_LOG_WARNING, "Turning the append only file on: %s", err);
        mr_log(MR_LOG_NOTICE, "AOF turned on: writing the current state first");
    } else if (!on && st != ST_OFF) {
        atomic_store_explicit(&aof.state, ST_OFF, memory_order_release);
        if (st == ST_WAIT_REWRITE) kill_child();
        atomic_store(&aof.rw_scheduled, false);
        mr_log(MR_LOG_NOTICE, "AOF turned off");
    }
}

void mr_aof_cron(void) {
    if (!aof.started || atomic_load(&aof.rw_child) > 0) return;
    int64_t now = mr_mstime();
    char err[160];
    bool failed_recently =
        !atomic_load(&aof.rw_last_ok) &&
        now - atomic_load(&aof.rw_last_fail_ms) < RETRY_MS;
    int st = atomic_load(&aof.state);
    if (atomic_load(&aof.rw_scheduled) ||
        (st == ST_WAIT_REWRITE && !failed_recently)) {
        rewrite_start(err, sizeof err);
        return;
    }
    long long perc = MR_CFG(auto_aof_rewrite_percentage);
    long long cur = atomic_load(&aof.cur_size);
    if (st != ST_ON || perc <= 0 || failed_recently ||
        cur <= MR_CFG(auto_aof_rewrite_min_size))
        return;
    long long base = atomic_load(&aof.base_size);
    if (base <= 0) base = 1;
    long long growth = cur / base * 100 + (cur % base) * 100 / base - 100;
    if (growth >= perc) {
        mr_log(MR_LOG_NOTICE, "Starting automatic rewriting of AOF on %lld%% growth",
               growth);
        rewrite_start(err, sizeof err);
    }
}

/* ---- INFO persistence ---- */

void mr_aof_info(mr_buf_t *b) {
    int st = atomic_load(&aof.state);
    pid_t child = atomic_load(&aof.rw_child);
    int64_t now = mr_mstime();
    int err = atomic_load(&aof.write_errno);
    mr_buf_printf(
        b,
        "# Persistence\r\n"
        "loading:0\r\n"
        "async_loading:0\r\n"
        "current_cow_peak:0\r\n"
        "current_cow_size:0\r\n"
        "current_cow_size_age:0\r\n"
        "current_fork_perc:0.00\r\n"
        "current_save_keys_processed:0\r\n"
        "current_save_keys_total:0\r\n"
        "rdb_changes_since_last_save:%lld\r\n"
        "rdb_bgsave_in_progress:0\r\n"
        "rdb_last_save_time:%lld\r\n"
        "rdb_last_bgsave_status:ok\r\n"
        "rdb_last_bgsave_time_sec:-1\r\n"
        "rdb_current_bgsave_time_sec:-1\r\n"
        "rdb_saves:0\r\n"
        "rdb_last_cow_size:0\r\n"
        "rdb_last_load_keys_expired:0\r\n"
        "rdb_last_load_keys_loaded:0\r\n"
        "aof_enabled:%d\r\n"
        "aof_rewrite_in_progress:%d\r\n"
        "aof_rewrite_scheduled:%d\r\n"
        "aof_last_rewrite_time_sec:%lld\r\n"
        "aof_current_rewrite_time_sec:%lld\r\n"
        "aof_last_bgrewrite_status:%s\r\n"
        "aof_rewrites:%lld\r\n"
        "aof_rewrites_consecutive_failures:%lld\r\n"
        "aof_last_write_status:%s\r\n"
        "aof_last_cow_size:0\r\n"
        "module_fork_in_progress:0\r\n"
        "module_fork_last_cow_size:0\r\n",
        mr_aof_changes(), (long long)(mr_server.start_ms / 1000),
        st != ST_OFF, child > 0,
        atomic_load(&aof.rw_scheduled) && child <= 0,
        atomic_load(&aof.rw_last_sec),
        child > 0 ? (long long)((now - atomic_load(&aof.rw_start_ms)) / 1000)
                  : -1LL,
        atomic_load(&aof.rw_last_ok) ? "ok" : "err",
        atomic_load(&aof.rw_count), atomic_load(&aof.rw_fails),
        err ? "err" : "ok");
    if (st != ST_OFF)
        mr_buf_printf(b,
                      "aof_current_size:%lld\r\n"
                      "aof_base_size:%lld\r\n"
                      "aof_pending_rewrite:0\r\n"
                      "aof_buffer_length:%llu\r\n"
                      "aof_pending_bio_fsync:0\r\n"
                      "aof_delayed_fsync:0\r\n",
                      atomic_load(&aof.cur_size), atomic_load(&aof.base_size),
                      aof.ring ? (unsigned long long)mr_ring_used(aof.ring) : 0ULL);
}
