/* Work handed to a worker thread from any thread: the only way one thread
 * acts on another worker's connections (a blocked client's reply, later a
 * pub/sub message). Each worker has a lock-free inbox; a post from another
 * worker wakes the target through io_uring (IORING_OP_MSG_RING on the
 * poster's own ring, batched with its next submit), a post from any other
 * thread through the target's eventfd. */
#ifndef MR_TASK_H
#define MR_TASK_H

typedef struct mr_task mr_task_t;
typedef void (*mr_task_fn)(mr_task_t *t);

/* Embed this first in a task's own struct; fn receives the task and owns
 * it from then on (frees it). A task still queued when the server stops is
 * given to `discard` instead, which frees it without touching any
 * connection. */
struct mr_task {
    mr_task_t *next;
    mr_task_fn fn;
    mr_task_fn discard;
};

/* Runs t->fn(t) on worker `worker`'s thread, in its loop, never inside the
 * caller (a worker posting to itself runs it at the end of its current loop
 * turn). Tasks one thread posts to one worker run in posting order. Takes
 * t. Safe from any thread; never blocks. */
void mr_task_post(unsigned worker, mr_task_t *t);

/* After every worker has stopped: discards what is left in the inboxes. */
void mr_task_discard_all(void);

/* The calling thread's worker id, or -1 if it is not a worker. */
int mr_worker_self(void);

#endif
