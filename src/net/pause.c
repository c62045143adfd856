/* CLIENT PAUSE / UNPAUSE. The pause is two words every worker reads (its
 * end and whether it holds every command or only writes), written under
 * pause_lock by the rare CLIENT PAUSE / UNPAUSE. A held command is not
 * refused: dispatch sets call->held, the connection keeps a copy of the
 * request (mr_conn_hold) and stops reading its pipeline, and its worker
 * runs it once the pause is over: on its timer tick after the end time,
 * or at once on CLIENT UNPAUSE, which posts a task to every worker. Each
 * worker's held connections are in a thread-local list only it touches. */
#include <pthread.h>
#include <string.h>

#include "mr/multi.h"
#include "mr/ops.h"
#include "net/net.h"

static pthread_mutex_t pause_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int64_t pause_end_ms; /* mr_mstime(); 0: no pause */
static _Atomic bool pause_all;       /* false: writes only */

static _Thread_local mr_conn_t *held_head;

bool mr_pause_holds(const mr_call_t *call, const mr_cmd_t *cmd) {
    if (call->now_ms >= atomic_load_explicit(&pause_end_ms, memory_order_relaxed))
        return false;
    return atomic_load_explicit(&pause_all, memory_order_relaxed) ||
           (cmd->flags & MR_CMD_WRITE) ||
           mr_multi_exec_queued(call->conn, cmd, MR_CMD_WRITE);
}

/* As Redis: a pause only ever grows, in time and in kind, until UNPAUSE. */
void mr_clients_pause(int64_t end_ms, bool all) {
    pthread_mutex_lock(&pause_lock);
    int64_t now = mr_mstime();
    bool active = atomic_load(&pause_end_ms) > now;
    if (all || !active) atomic_store(&pause_all, all || (active && atomic_load(&pause_all)));
    if (!active || end_ms > atomic_load(&pause_end_ms))
        atomic_store(&pause_end_ms, end_ms);
    mr_ops_set(MR_OPS_PAUSE, true);
    pthread_mutex_unlock(&pause_lock);
}

static void resume_held(void) {
    mr_conn_t *c = held_head;
    held_head = NULL; /* a request held again goes back on the new list */
    while (c) {
        mr_conn_t *next = c->pause_next;
        mr_str_t *argv = c->pause_argv;
        int argc = c->pause_argc;
        c->pause_next = NULL;
        c->pause_argv = NULL;
        c->paused = false;
        atomic_store_explicit(&c->blocked, false, memory_order_relaxed);
        if (!c->closing) mr_conn_run_held(c, argv, argc);
        mr_free(argv); /* one block: the argv array and the bytes */
        c = next;
    }
}

typedef struct resume_task {
    mr_task_t task;
} resume_task_t;

static void resume_run(mr_task_t *t) {
    mr_free(t);
    resume_held();
}

static void resume_discard(mr_task_t *t) { mr_free(t); }

void mr_clients_unpause(void) {
    pthread_mutex_lock(&pause_lock);
    atomic_store(&pause_end_ms, 0);
    atomic_store(&pause_all, false);
    mr_ops_set(MR_OPS_PAUSE, false);
    pthread_mutex_unlock(&pause_lock);
    for (unsigned i = 0; i < mr_nworkers; i++) {
        resume_task_t *t = mr_xmalloc(sizeof *t);
        t->task.fn = resume_run;
        t->task.discard = resume_discard;
        mr_task_post(i, &t->task);
    }
}

void mr_pause_tick(int64_t now_ms) {
    /* the first worker past the end clears the bit; every worker still
     * resumes its own held clients on its next tick */
    bool on = mr_ops_load() & MR_OPS_PAUSE;
    if (!on && !held_head) return;
    if (now_ms < atomic_load(&pause_end_ms)) return;
    if (on) {
        pthread_mutex_lock(&pause_lock);
        if (now_ms >= atomic_load(&pause_end_ms)) { /* not extended meanwhile */
            atomic_store(&pause_all, false);
            mr_ops_set(MR_OPS_PAUSE, false);
        }
        pthread_mutex_unlock(&pause_lock);
    }
    if (held_head) resume_held();
}

void mr_conn_hold(mr_conn_t *c, const mr_str_t *argv, int argc) {
    size_t bytes = sizeof *argv * (size_t)argc;
    for (int i = 0; i < argc; i++) bytes += argv[i].len + 1;
    mr_str_t *copy = mr_xmalloc(bytes);
    char *p = (char *)(copy + argc);
    for (int i = 0; i < argc; i++) {
        memcpy(p, argv[i].ptr, argv[i].len);
        p[argv[i].len] = '\0'; /* handlers may rely on a NUL after an arg */
        copy[i] = (mr_str_t){p, argv[i].len};
        p += argv[i].len + 1;
    }
    c->pause_argv = copy;
    c->pause_argc = argc;
    c->paused = true;
    atomic_store_explicit(&c->blocked, true, memory_order_relaxed);
    c->pause_next = held_head;
    held_head = c;
}

void mr_conn_pause_forget(mr_conn_t *c) {
    if (!c->paused) return;
    for (mr_conn_t **l = &held_head; *l; l = &(*l)->pause_next) {
        if (*l != c) continue;
        *l = c->pause_next;
        break;
    }
    mr_free(c->pause_argv);
    c->pause_argv = NULL;
    c->paused = false;
    atomic_store_explicit(&c->blocked, false, memory_order_relaxed);
}
