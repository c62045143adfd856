/* Allocation wrappers: running out of memory is fatal. Callers never check
 * for NULL; a server that cannot allocate cannot keep its promises anyway. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"

/* Writes with fputs only: the logger may itself need memory. */
static void oom(size_t n)
{
    fprintf(stderr, "miniredis: out of memory allocating %zu bytes\n", n);
    fflush(stderr);
    abort();
}

void *mr_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *mr_xcalloc(size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size)
        oom((size_t)-1);
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *mr_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *mr_xstrdup(const char *s)
{
    return mr_xmemdup(s, strlen(s) + 1);
}

void *mr_xmemdup(const void *p, size_t n)
{
    void *q = mr_xmalloc(n);
    if (n)
        memcpy(q, p, n);
    return q;
}
