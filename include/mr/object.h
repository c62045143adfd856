/* Values of the collection types (lists, hashes, sets and sorted sets;
 * as they arrive). A collection lives outside its key's entry: the entry's
 * value bytes hold one pointer (mr_entry_obj) and meta bits 5-7 hold its
 * encoding (mr_entry_enc). This module knows every type's encodings, so the
 * keyspace can free and copy any value without knowing the commands; the
 * commands (src/types/t_<type>.c) own the rest.
 *
 * Encodings and their names, as OBJECT ENCODING reports them in Redis 7.0:
 *   hash: MR_ENC_LISTPACK ("listpack", an mr_lp_* listpack of field, value,
 *         field, value...) below hash-max-listpack-entries fields of at most
 *         hash-max-listpack-value bytes, else MR_ENC_HASHTABLE ("hashtable",
 *         an mr_ft_* table of kind MR_FT_HASH).
 *   list: MR_ENC_QUICKLIST ("quicklist", an mr_ql_* list of listpack
 *         nodes) for every list, as Redis 7.0 reports (7.2's single
 *         listpack for small lists does not exist in 7.0).
 *   set:  MR_ENC_INTSET ("intset", an mr_intset_t sorted integer array)
 *         while every member is an integer and there are at most
 *         set-max-intset-entries of them, else MR_ENC_HASHTABLE (an mr_ft_*
 *         table of kind MR_FT_SET); src/types/setval.h has the rules.
 *   zset: an mr_zset_t (src/types/zset.h) that holds its own encoding,
 *         "listpack" or "skiplist" (skip list + member table), and
 *         converts inside that struct, so the entry's pointer never changes
 *         and its encoding bits stay 0 (the zset module converts without
 *         the keyspace). mr_obj_encoding_name asks the value. */
#ifndef MR_OBJECT_H
#define MR_OBJECT_H

#include "mr/store.h"

typedef enum {
    MR_ENC_LISTPACK = 0,
    MR_ENC_HASHTABLE = 1,
    MR_ENC_QUICKLIST = 2,
    MR_ENC_INTSET = 3,
} mr_enc_t;

/* Frees a collection value (type and encoding as stored in its entry). */
void mr_obj_free(mr_type_t type, unsigned enc, void *obj);
/* A deep copy of a collection value, same encoding (COPY). */
void *mr_obj_dup(mr_type_t type, unsigned enc, const void *obj);
/* OBJECT ENCODING's word for e's value; strings are "int", "embstr" or
 * "raw" by their bytes, as Redis would have encoded them. */
const char *mr_obj_encoding_name(const mr_entry_t *e);

/* ---- operating it ---- */
/* MEMORY USAGE: bytes e and its value hold from the allocator, plus its
 * table slot. Lists of many nodes are estimated from their first `samples`
 * nodes, as Redis samples (0: every node); hashes and sets are exact. */
size_t mr_entry_memory(const mr_entry_t *e, long long samples);
/* ---- end operating it ---- */

#endif
