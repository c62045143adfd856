/* A set in either encoding, with Redis 7.0's conversion rules: see
 * setval.h. */
#include "types/setval.h"


#include "mr/config.h"

#define INTSET_CAP ((size_t)1 << 31)

size_t mr_setv_max_intset(void) {
    long long max = MR_CFG(set_max_intset_entries);
    if (max < 0) return 0;
    return (unsigned long long)max > INTSET_CAP ? INTSET_CAP : (size_t)max;
}

mr_setv_t mr_setv_new_intset(void) {
    return (mr_setv_t){MR_ENC_INTSET, mr_intset_new()};
}

mr_setv_t mr_setv_new_for(mr_str_t first) {
    long long v;
    if (mr_str2ll(first.ptr, first.len, &v)) return mr_setv_new_intset();
    return (mr_setv_t){MR_ENC_HASHTABLE, mr_ft_create(MR_FT_SET)};
}

void mr_setv_free(mr_setv_t s) {
    if (mr_setv_is_intset(s)) mr_intset_free(s.p);
    else mr_ft_free(s.p);
}

size_t mr_setv_len(mr_setv_t s) {
    return mr_setv_is_intset(s) ? mr_intset_count(s.p) : mr_ft_count(s.p);
}

bool mr_setv_has(mr_setv_t s, mr_str_t m) {
    if (!mr_setv_is_intset(s)) return mr_ft_find(s.p, m.ptr, m.len) != NULL;
    long long v;
    return mr_str2ll(m.ptr, m.len, &v) && mr_intset_find(s.p, v, NULL);
}

void mr_setv_to_table(mr_setv_t *s) {
    if (!mr_setv_is_intset(*s)) return;
    mr_intset_t *is = s->p;
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    char buf[MR_LLSTR_SIZE];
    for (size_t i = 0, n = mr_intset_count(is); i < n; i++) {
        int len = mr_ll2str(buf, mr_intset_get(is, i));
        mr_ft_add(ft, buf, (size_t)len); /* distinct integers, distinct text */
    }
    mr_intset_free(is);
    *s = (mr_setv_t){MR_ENC_HASHTABLE, ft};
}

bool mr_setv_add(mr_setv_t *s, mr_str_t m, size_t max) {
    long long v;
    if (mr_setv_is_intset(*s)) {
        if (mr_str2ll(m.ptr, m.len, &v)) {
            bool added;
            s->p = mr_intset_add(s->p, v, &added);
            if (added && mr_intset_count(s->p) > max) mr_setv_to_table(s);
            return added;
        }
        mr_setv_to_table(s);
    }
    bool existed;
    mr_ft_upsert(s->p, m.ptr, m.len, &existed);
    return !existed;
}

bool mr_setv_remove(mr_setv_t *s, mr_str_t m) {
    if (!mr_setv_is_intset(*s)) return mr_ft_delete(s->p, m.ptr, m.len);
    long long v;
    bool removed = false;
    if (mr_str2ll(m.ptr, m.len, &v)) s->p = mr_intset_remove(s->p, v, &removed);
    return removed;
}

mr_str_t mr_setv_random(mr_setv_t s, uint64_t (*rnd)(void),
                        char buf[MR_LLSTR_SIZE]) {
    if (!mr_setv_is_intset(s)) return mr_ft_key(mr_ft_random(s.p, rnd));
    /* the modulo bias over at most 2^31 members is below 2^-32 */
    size_t i = (size_t)(rnd() % mr_intset_count(s.p));
    int len = mr_ll2str(buf, mr_intset_get(s.p, i));
    return (mr_str_t){buf, (size_t)len};
}

void mr_setv_it_start(mr_setv_it_t *it, mr_setv_t s) {
    it->s = s;
    it->i = 0;
    if (!mr_setv_is_intset(s)) mr_ft_iter_start(s.p, &it->ft);
}

bool mr_setv_it_next(mr_setv_it_t *it, mr_str_t *m) {
    if (!mr_setv_is_intset(it->s)) {
        mr_ft_entry_t *e = mr_ft_iter_next(&it->ft);
        if (!e) return false;
        *m = mr_ft_key(e);
        return true;
    }
    if (it->i >= mr_intset_count(it->s.p)) return false;
    int len = mr_ll2str(it->buf, mr_intset_get(it->s.p, it->i++));
    *m = (mr_str_t){it->buf, (size_t)len};
    return true;
}

void mr_setv_it_end(mr_setv_it_t *it) {
    if (!mr_setv_is_intset(it->s)) mr_ft_iter_end(&it->ft);
}
