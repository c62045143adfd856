/* The slow log (SLOWLOG GET/LEN/RESET): commands that ran at least
 * slowlog-log-slower-than microseconds, the newest slowlog-max-len kept.
 *
 * Each thread that logs keeps its own list under its own lock, so two
 * workers never meet on the write side; entries get one global, rising id,
 * and readers merge the lists by id. A command below the threshold never
 * gets here (dispatch compares). */
#ifndef MR_SLOWLOG_H
#define MR_SLOWLOG_H

#include <stddef.h>
#include <stdint.h>

#include "mr/cmd.h"
#include "mr/util.h"

#define MR_SLOWLOG_MAX_ARGC 32    /* arguments kept per entry, as Redis */
#define MR_SLOWLOG_MAX_STRING 128 /* bytes kept per argument, as Redis */

typedef struct mr_slowlog_entry {
    uint64_t id;
    int64_t time;    /* unix seconds */
    uint64_t dur_us;
    int argc;
    const mr_str_t *argv; /* already shortened as Redis shortens them */
    const char *addr;     /* client ip:port, "" without a client */
    const char *name;     /* client name, "" without one */
} mr_slowlog_entry_t;

/* Records call (dispatch, after the command ran on this thread). */
void mr_slowlog_add(const mr_call_t *call, uint64_t dur_us);
/* Visits the newest entries, newest first: at most `count` (< 0: every
 * kept one) and never more than slowlog-max-len. fn runs under the logs'
 * locks: it must not block, lock or log. Returns how many it visited. */
typedef void (*mr_slowlog_fn)(void *ctx, const mr_slowlog_entry_t *e);
long mr_slowlog_each(long count, mr_slowlog_fn fn, void *ctx);
/* SLOWLOG LEN: entries kept, at most slowlog-max-len. */
size_t mr_slowlog_len(void);
/* SLOWLOG RESET. */
void mr_slowlog_reset(void);

#endif
