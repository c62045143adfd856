/* INFO sections of src/types/t_ops.c, for the section table of
 * src/types/t_server.c. */
#ifndef MR_TYPES_T_OPS_H
#define MR_TYPES_T_OPS_H

#include <stddef.h>

#include "mr/util.h"

void mr_info_commandstats(mr_buf_t *b);
void mr_info_errorstats(mr_buf_t *b);
void mr_info_latencystats(mr_buf_t *b);

/* Where the allocated bytes go (INFO memory, MEMORY STATS/DOCTOR). */
typedef struct mr_mem_overhead {
    size_t allocated, peak, startup;
    size_t clients; /* connections: structs and buffers, at the last tick */
    size_t tables;  /* hash table bucket arrays of the keyspace */
    size_t overhead, dataset, keys;
    double dataset_perc; /* of what was allocated since start-up */
} mr_mem_overhead_t;
void mr_mem_overhead(mr_mem_overhead_t *m);
/* Redis's bytesToHuman ("1.50M"); src/types/t_server.c. */
void mr_bytes_human(char *out, size_t outlen, unsigned long long n);

#endif
