/* The WATCH registry (src/cmd/watch.c) without a network: registering and
 * deduplicating watches, writers marking exactly the watchers of the key
 * they touch (by database too), the keyspace's expiry and flush hooks, the
 * written keys of a command found from its key specs, and the registry
 * emptying as watchers leave. */
#include <criterion/criterion.h>
#include <string.h>

#include "cmd/multi_int.h"
#include "mr/cmd.h"
#include "mr/store.h"
#include "mr/util.h"

#define NDBS 16
static int64_t now;

static void setup(void) {
    static const uint8_t seed[16] = {1, 2, 3, 4, 5, 6, 7, 8,
                                     9, 10, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
    mr_store_init(3, NDBS);
    mr_multi_init(mr_store_nshards());
    mr_cmd_table_init();
    now = 1700000000000LL;
}

static void teardown(void) {
    mr_multi_free();
    mr_store_free();
}

TestSuite(watch, .init = setup, .fini = teardown);

static uint32_t shard(const char *k) { return mr_store_shard_of(k, strlen(k)); }

static void watch(mr_multi_t *m, int db, const char *k) {
    uint32_t s = shard(k);
    mr_store_lock(s);
    mr_watch_add_locked(m, db, k, strlen(k), s);
    mr_store_unlock(s);
}

static void touch(int db, const char *k) {
    uint32_t s = shard(k);
    mr_store_lock(s);
    mr_watch_touch_locked(db, k, strlen(k));
    mr_store_unlock(s);
}

static bool dirty(mr_multi_t *m) { return atomic_load(&m->dirty); }

static void all_heads_empty(void) {
    for (unsigned i = 0; i < mr_store_nshards(); i++)
        cr_assert_null(mr_watch_heads[i], "shard %u still has watched keys", i);
}

Test(watch, marks_only_watchers_of_the_key) {
    mr_multi_t a = {0}, b = {0};
    watch(&a, 0, "k1");
    watch(&a, 0, "k1"); /* deduplicated */
    cr_assert_eq(a.nw, 1);
    watch(&b, 0, "k1");
    watch(&b, 3, "k2");
    touch(0, "k2"); /* another database */
    touch(0, "other");
    cr_assert(!dirty(&a) && !dirty(&b));
    touch(3, "k2");
    cr_assert(!dirty(&a) && dirty(&b));
    touch(0, "k1");
    cr_assert(dirty(&a));
    mr_watch_remove_all(&a);
    cr_assert(!dirty(&a));
    cr_assert_eq(a.nw, 0);
    mr_watch_remove_all(&b);
    all_heads_empty();
    mr_free(a.w);
    mr_free(b.w);
}

Test(watch, expiry_and_flush_hooks) {
    mr_multi_t a = {0}, b = {0}, c = {0};
    uint32_t s = shard("e");
    mr_store_lock(s);
    mr_db_set_str_locked(0, "e", 1, "v", 1, now + 10);
    mr_store_unlock(s);
    watch(&a, 0, "e");
    s = shard("e");
    mr_store_lock(s);
    cr_assert_null(mr_db_lookup_write_locked(0, "e", 1, now + 20)); /* expires */
    mr_store_unlock(s);
    cr_assert(dirty(&a));

    s = shard("present");
    mr_store_lock(s);
    mr_db_set_str_locked(2, "present", 7, "v", 1, MR_NO_EXPIRE);
    mr_store_unlock(s);
    watch(&b, 2, "present");
    watch(&c, 2, "missing");
    mr_db_flush(1); /* another database */
    cr_assert(!dirty(&b));
    mr_db_flush(-1);
    cr_assert(dirty(&b));
    cr_assert(!dirty(&c), "a flush does not change a key that was not there");
    mr_watch_remove_all(&a);
    mr_watch_remove_all(&b);
    mr_watch_remove_all(&c);
    all_heads_empty();
    mr_free(a.w);
    mr_free(b.w);
    mr_free(c.w);
}

/* The keys a write touches come from its key specs: SINTERSTORE's
 * destination, not its sources; every key of MSET; LMOVE both. */
static bool touched_by(const char *const *args, int argc, const char *key) {
    mr_multi_t m = {0};
    watch(&m, 0, key);
    mr_str_t argv[8];
    for (int i = 0; i < argc; i++) argv[i] = (mr_str_t){args[i], strlen(args[i])};
    mr_call_t call = {.argv = argv, .argc = argc, .db = 0, .dirty = 1};
    call.cmd = mr_cmd_lookup(args[0], strlen(args[0]));
    cr_assert_not_null(call.cmd);
    mr_store_lock_all();
    mr_watch_touch_call_locked(&call);
    mr_store_unlock_all();
    bool d = dirty(&m);
    mr_watch_remove_all(&m);
    mr_free(m.w);
    return d;
}

Test(watch, written_keys_from_key_specs) {
    const char *sis[] = {"sinterstore", "dst", "s1", "s2"};
    cr_assert(touched_by(sis, 4, "dst"));
    cr_assert(!touched_by(sis, 4, "s1"));
    cr_assert(!touched_by(sis, 4, "s2"));
    const char *mset[] = {"mset", "a", "1", "b", "2"};
    cr_assert(touched_by(mset, 5, "a"));
    cr_assert(touched_by(mset, 5, "b"));
    cr_assert(!touched_by(mset, 5, "1"));
    const char *lmove[] = {"lmove", "src", "dst", "LEFT", "RIGHT"};
    cr_assert(touched_by(lmove, 5, "src"));
    cr_assert(touched_by(lmove, 5, "dst"));
    const char *zis[] = {"zinterstore", "out", "2", "z1", "z2"};
    cr_assert(touched_by(zis, 5, "out"));
    cr_assert(!touched_by(zis, 5, "z1"));
    mr_multi_t m = {0};
    watch(&m, 5, "k");
    mr_str_t argv[3] = {{"move", 4}, {"k", 1}, {"5", 1}};
    mr_call_t call = {.argv = argv, .argc = 3, .db = 0, .dirty = 1,
                      .cmd = mr_cmd_lookup("move", 4)};
    mr_store_lock_all();
    mr_watch_touch_call_locked(&call);
    mr_store_unlock_all();
    cr_assert(dirty(&m), "MOVE writes the key in the target database");
    mr_watch_remove_all(&m);
    mr_free(m.w);
}
