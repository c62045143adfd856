/* Memory figures for INFO memory, from jemalloc's statistics when it is
 * linked (release builds), from the sanitizer's allocator in sanitizer
 * builds and from glibc's mallinfo2 otherwise. Called by INFO, never per
 * command. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "mr/server.h"

#ifdef MR_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/* The sanitizer owns malloc, and glibc's mallinfo2 then sees nothing. GCC
 * ships no header for the sanitizer allocator interface: declared here. */
size_t __sanitizer_get_current_allocated_bytes(void);
size_t __sanitizer_get_heap_size(void);
#define MR_SANITIZER_MALLOC 1
#else
#include <malloc.h>
#endif

static _Atomic size_t peak;
static _Atomic size_t not_counted;

void mr_mem_add_not_counted(size_t bytes) {
    atomic_fetch_add(&not_counted, bytes);
}
size_t mr_mem_not_counted(void) { return atomic_load(&not_counted); }

static void note_peak(size_t used) {
    size_t old = atomic_load_explicit(&peak, memory_order_relaxed);
    while (used > old &&
           !atomic_compare_exchange_weak(&peak, &old, used)) {
    }
}

#ifdef MR_HAVE_JEMALLOC
static size_t je_stat(const char *name) {
    size_t v = 0, len = sizeof v;
    if (mallctl(name, &v, &len, NULL, 0) != 0) return 0;
    return v;
}

static void je_refresh(void) {
    /* jemalloc caches its statistics until the epoch advances */
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len);
}
#endif

void mr_mem_stats(size_t *allocated, size_t *active, size_t *resident,
                  size_t *mapped, size_t *retained) {
#ifdef MR_HAVE_JEMALLOC
    je_refresh();
    *allocated = je_stat("stats.allocated");
    *active = je_stat("stats.active");
    *resident = je_stat("stats.resident");
    *mapped = je_stat("stats.mapped");
    *retained = je_stat("stats.retained");
#elif defined(MR_SANITIZER_MALLOC)
    *allocated = __sanitizer_get_current_allocated_bytes();
    *active = *allocated;
    *resident = __sanitizer_get_heap_size();
    *mapped = *resident;
    *retained = 0;
#else
    struct mallinfo2 mi = mallinfo2();
    *allocated = mi.uordblks + mi.hblkhd;
    *active = *allocated;
    *resident = mi.arena + mi.hblkhd;
    *mapped = *resident;
    *retained = 0;
#endif
    note_peak(*allocated);
}

#ifdef MR_HAVE_JEMALLOC
/* The two mallctls maxmemory needs, by MIB: resolving a name costs more
 * than the read, and eviction refreshes the figure every millisecond. */
static size_t epoch_mib[1], alloc_mib[2];
static pthread_once_t mibs_once = PTHREAD_ONCE_INIT;

static void mibs_init(void) {
    size_t n = 1;
    mallctlnametomib("epoch", epoch_mib, &n);
    n = 2;
    mallctlnametomib("stats.allocated", alloc_mib, &n);
}
#endif

size_t mr_mem_used(void) {
#ifdef MR_HAVE_JEMALLOC
    pthread_once(&mibs_once, mibs_init);
    uint64_t epoch = 1;
    size_t len = sizeof epoch, v = 0;
    mallctlbymib(epoch_mib, 1, &epoch, &len, &epoch, len);
    len = sizeof v;
    if (mallctlbymib(alloc_mib, 2, &v, &len, NULL, 0) != 0) v = 0;
    note_peak(v);
    return v;
#else
    size_t a, b, c, d, e;
    mr_mem_stats(&a, &b, &c, &d, &e);
    return a;
#endif
}

size_t mr_mem_peak(void) {
    mr_mem_used();
    return atomic_load(&peak);
}

size_t mr_mem_rss(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, rss = 0;
    int ok = fscanf(f, "%lu %lu", &size, &rss);
    fclose(f);
    return ok == 2 ? rss * (size_t)sysconf(_SC_PAGESIZE) : 0;
}
