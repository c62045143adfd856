/* Small sorting helpers. */
#include <stdlib.h>

#include "mr/util.h"

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int mr_u32_sort_unique(uint32_t *a, int n) {
    if (n < 2) return n;
    qsort(a, (size_t)n, sizeof *a, cmp_u32);
    int u = 1;
    for (int i = 1; i < n; i++)
        if (a[i] != a[u - 1]) a[u++] = a[i];
    return u;
}
