/* A set's value in either of its two encodings, behind one small
 * interface, with Redis 7.0's rules for choosing and converting:
 *
 *   MR_ENC_INTSET    an mr_intset_t (src/types/intset.h): every member is a
 *                    string mr_str2ll accepts (Redis's string2ll: canonical
 *                    decimal, fits int64, so "-0", "007", " 1" and "+1" are
 *                    not integers) and there are at most
 *                    set-max-intset-entries of them;
 *   MR_ENC_HASHTABLE an mr_ft_t table of kind MR_FT_SET.
 *
 * A set is created as an intset when its first member is an integer
 * (mr_setv_new_for, Redis's setTypeCreate) and becomes a table, for good,
 * when a non-integer is added or it grows past the limit. Results of the
 * set algebra start as an empty intset (mr_setv_new_intset) and follow the
 * same add rules, so their encoding is what Redis 7.0 would pick for the
 * same sequence of adds. Only SPOP's "keep the few survivors" path and a
 * reload (AOF replay) make a fresh value, which may be an intset again.
 *
 * An intset member reads back as its canonical decimal, the bytes that
 * made it, so every caller sees byte strings and never the encoding.
 *
 * Nothing here locks or replies; the shard lock of the owning key covers
 * the value. Functions that change a set take an mr_setv_t * and may move
 * it or change its encoding: a key's entry must then be pointed at the new
 * value (mr_setv_store). */
#ifndef MR_TYPES_SETVAL_H
#define MR_TYPES_SETVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/object.h"
#include "mr/store.h"
#include "mr/util.h"
#include "types/fieldtab.h"
#include "types/intset.h"

typedef struct mr_setv {
    unsigned enc; /* MR_ENC_INTSET or MR_ENC_HASHTABLE */
    void *p;      /* mr_intset_t * or mr_ft_t * */
} mr_setv_t;

/* The set a key's entry holds (borrowed). */
static inline mr_setv_t mr_setv_of(const mr_entry_t *e) {
    return (mr_setv_t){mr_entry_enc(e), mr_entry_obj(e)};
}
/* Points e at s after a change that may have moved it. */
static inline void mr_setv_store(mr_entry_t *e, mr_setv_t s) {
    mr_entry_set_obj(e, s.enc, s.p);
}
static inline bool mr_setv_is_intset(mr_setv_t s) {
    return s.enc == MR_ENC_INTSET;
}

/* set-max-intset-entries, read once per command. Intset counts are 32
 * bits, so a configured limit above 2^31 members acts as 2^31. */
size_t mr_setv_max_intset(void);

/* An empty set for a key whose first member will be `first`: an intset if
 * it is an integer, else a table. The caller owns it. */
mr_setv_t mr_setv_new_for(mr_str_t first);
/* An empty intset (store results, as Redis's createIntsetObject). */
mr_setv_t mr_setv_new_intset(void);
void mr_setv_free(mr_setv_t s);

size_t mr_setv_len(mr_setv_t s);
/* Whether m is a member. On a table it may do one rehash step. */
bool mr_setv_has(mr_setv_t s, mr_str_t m);
/* Adds m (borrowed, copied); returns whether it was new. Converts an
 * intset to a table first when m is not an integer, and after adding when
 * the intset then holds more than max members. */
bool mr_setv_add(mr_setv_t *s, mr_str_t m, size_t max);
/* Removes m; returns whether it was there. m may point into the set's own
 * storage (a member just read from it). Never converts. */
bool mr_setv_remove(mr_setv_t *s, mr_str_t m);
/* Converts an intset to a table (no-op on a table). */
void mr_setv_to_table(mr_setv_t *s);

/* A uniformly random member (the set must not be empty), borrowed: it
 * points into the table or into buf, valid until the set changes. */
mr_str_t mr_setv_random(mr_setv_t s, uint64_t (*rnd)(void),
                        char buf[MR_LLSTR_SIZE]);

/* Walks every member once: an intset in ascending order, a table in its
 * bucket order. Between start and end the set must not change. Every
 * started walk must be ended. */
typedef struct mr_setv_it {
    mr_setv_t s;
    size_t i;          /* intset: next index */
    mr_ft_iter_t ft;   /* table */
    char buf[MR_LLSTR_SIZE];
} mr_setv_it_t;
void mr_setv_it_start(mr_setv_it_t *it, mr_setv_t s);
/* The next member into *m (valid until the next call), false at the end. */
bool mr_setv_it_next(mr_setv_it_t *it, mr_str_t *m);
void mr_setv_it_end(mr_setv_it_t *it);

#endif
