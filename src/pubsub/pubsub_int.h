/* Internals shared by the files of src/pubsub/. */
#ifndef MR_PUBSUB_INT_H
#define MR_PUBSUB_INT_H

#include <stdint.h>

#include "mr/pubsub.h"
#include "types/fieldtab.h"

/* A subscription's subscriber: a connection on some worker. */
typedef struct subref {
    uint32_t worker, slot, gen;
} subref_t;

/* A connection's own subscriptions, by kind (MR_FT_SET tables, NULL when
 * empty); its worker alone reads and writes them. */
struct mr_psub {
    mr_ft_t *names[3];
};

/* ---- registry.c (stripe locks taken inside) ---- */
void reg_add(mr_ps_kind_t kind, mr_str_t name, const subref_t *s);
void reg_remove(mr_ps_kind_t kind, mr_str_t name, const subref_t *s);
long reg_numsub(mr_ps_kind_t kind, mr_str_t name);
/* Distinct names with at least one subscriber. */
long reg_names(mr_ps_kind_t kind);
/* Calls fn for every name of kind matching pat (pat.ptr NULL: all), one
 * stripe lock at a time. */
typedef void (*reg_name_fn)(void *ctx, mr_str_t name);
void reg_each_name(mr_ps_kind_t kind, mr_str_t pat, reg_name_fn fn,
                   void *ctx);

/* ---- deliver.c ---- */
/* One message as its subscribers will see it. `seq` tells frames apart:
 * subscribers of one frame on one worker share its bytes. */
typedef struct frame {
    const char *type; /* "message", "pmessage", "smessage" */
    mr_str_t pat;     /* pmessage only */
    mr_str_t ch, msg;
    uint64_t seq;
} frame_t;
/* A new frame sequence number (thread-local counter). */
uint64_t deliver_seq(void);
/* Queues f for subscriber s in this thread's batch for s's worker. */
void deliver_add(const subref_t *s, const frame_t *f);

#endif
