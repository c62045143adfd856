/* Freeing, copying and naming collection values: see mr/object.h. */
#include <malloc.h>
#include <string.h>

#include "mr/object.h"
#include "mr/util.h"
#include "types/fieldtab.h"
#include "types/intset.h"
#include "types/listpack.h"
#include "types/quicklist.h"
#include "types/zset.h"
#include "types/zskiplist.h"

/* Redis keeps strings of up to 44 bytes in the object's own allocation
 * ("embstr") and integers that fit a long as "int", and turns a string
 * edited in place (APPEND, SETRANGE) "raw"; OBJECT ENCODING reports what it
 * would have chosen, from the bytes and that flag (MR_EF_STR_RAW). */
#define EMBSTR_MAX 44
#define INT_MAX_DIGITS 20

void mr_obj_free(mr_type_t type, unsigned enc, void *obj) {
    switch (type) {
    case MR_T_LIST:
        mr_ql_free(obj);
        return;
    case MR_T_HASH:
    case MR_T_SET:
        if (enc == MR_ENC_LISTPACK)
            mr_lp_free(obj);
        else if (enc == MR_ENC_INTSET)
            mr_intset_free(obj);
        else
            mr_ft_free(obj);
        return;
    case MR_T_ZSET:
        mr_zset_free(obj);
        return;
    default:
        abort(); /* no other collection type is stored yet */
    }
}

static void *listpack_dup(const unsigned char *lp) {
    size_t n = mr_lp_bytes(lp);
    unsigned char *copy = mr_xmalloc(n);
    memcpy(copy, lp, n);
    return copy;
}

/* Hash and set tables; a sorted set's table is rebuilt with its skip list
 * by the zset module, since entries point at skip-list nodes. */
static void *fieldtab_dup(mr_ft_t *ft) {
    mr_ft_kind_t kind = mr_ft_kind(ft);
    if (kind != MR_FT_HASH && kind != MR_FT_SET) abort();
    mr_ft_t *copy = mr_ft_create(kind);
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
        mr_str_t k = mr_ft_key(e);
        if (kind == MR_FT_SET) {
            mr_ft_add(copy, k.ptr, k.len);
        } else {
            mr_str_t v = mr_ft_value(e);
            mr_ft_put(copy, k.ptr, k.len, v.ptr, v.len);
        }
    }
    mr_ft_iter_end(&it);
    return copy;
}

void *mr_obj_dup(mr_type_t type, unsigned enc, const void *obj) {
    switch (type) {
    case MR_T_LIST:
        return mr_ql_dup(obj);
    case MR_T_HASH:
    case MR_T_SET:
        /* iterating pauses the table's rehashing: it changes no entry */
        if (enc == MR_ENC_INTSET) return mr_intset_dup(obj);
        return enc == MR_ENC_LISTPACK ? listpack_dup(obj)
                                      : fieldtab_dup((mr_ft_t *)obj);
    case MR_T_ZSET:
        return mr_zset_dup(obj);
    default:
        abort();
    }
}

const char *mr_obj_encoding_name(const mr_entry_t *e) {
    if (mr_entry_type(e) == MR_T_STRING) {
        long long v;
        if (e->meta & MR_EF_STR_RAW) return "raw";
        if (e->vlen <= INT_MAX_DIGITS &&
            mr_str2ll(mr_entry_cval(e), e->vlen, &v))
            return "int";
        return e->vlen <= EMBSTR_MAX ? "embstr" : "raw";
    }
    if (mr_entry_type(e) == MR_T_ZSET)
        return mr_zset_encoding_name(mr_entry_obj(e));
    switch (mr_entry_enc(e)) {
    case MR_ENC_LISTPACK: return "listpack";
    case MR_ENC_HASHTABLE: return "hashtable";
    case MR_ENC_QUICKLIST: return "quicklist";
    case MR_ENC_INTSET: return "intset";
    }
    return "unknown";
}

/* ---- operating it ---- */
static size_t quicklist_memory(const mr_ql_t *ql, long long samples) {
    size_t bytes = malloc_usable_size((void *)ql), sampled = 0;
    long long seen = 0;
    for (const mr_ql_node_t *n = ql->head; n && (samples == 0 || seen < samples);
         n = n->next, seen++)
        sampled += malloc_usable_size((void *)n) + malloc_usable_size(n->lp);
    if (seen) bytes += (size_t)((double)sampled / (double)seen * (double)ql->nodes);
    return bytes;
}

/* A sorted set: its struct, then the listpack, or the member table plus
 * the skip list's sentinel and nodes (sampled like a list's nodes). */
static size_t zset_memory(const mr_zset_t *zs, long long samples) {
    size_t bytes = malloc_usable_size((void *)zs);
    if (mr_zset_is_listpack(zs)) return bytes + malloc_usable_size(zs->p);
    const mr_zsl_t *zsl = zs->p;
    bytes += mr_ft_bytes(zs->ft) + malloc_usable_size((void *)zsl) +
             malloc_usable_size(zsl->head);
    size_t sampled = 0;
    long long seen = 0;
    for (const mr_zsl_node_t *n = mr_zsl_first(zsl);
         n && (samples == 0 || seen < samples); n = mr_zsl_next(n), seen++)
        sampled += malloc_usable_size((void *)n);
    if (seen) bytes += (size_t)((double)sampled / (double)seen * (double)zsl->length);
    return bytes;
}

size_t mr_entry_memory(const mr_entry_t *e, long long samples) {
    /* the entry (header, TTL, key, value or pointer) and its bucket slot */
    size_t bytes = malloc_usable_size((void *)e) + sizeof(mr_entry_t *);
    if (mr_entry_type(e) == MR_T_STRING) return bytes;
    void *obj = mr_entry_obj(e);
    if (mr_entry_type(e) == MR_T_ZSET) return bytes + zset_memory(obj, samples);
    switch (mr_entry_enc(e)) {
    case MR_ENC_LISTPACK:
    case MR_ENC_INTSET: return bytes + malloc_usable_size(obj);
    case MR_ENC_HASHTABLE: return bytes + mr_ft_bytes(obj);
    case MR_ENC_QUICKLIST: return bytes + quicklist_memory(obj, samples);
    }
    return bytes;
}
/* ---- end operating it ---- */
