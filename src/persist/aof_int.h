/* Internals shared by src/persist/aof*.c: RESP encoding of records and the
 * pieces of AOF state the loader and the rewriter need. */
#ifndef MR_PERSIST_AOF_INT_H
#define MR_PERSIST_AOF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mr/util.h"

/* Bytes of the RESP array of bulk strings argv encodes to. */
size_t mr_aof_resp_size(int argc, const mr_str_t *argv);
/* Appends "*argc\r\n" / "$len\r\n<bytes>\r\n" pieces. */
void mr_aof_buf_cmd(mr_buf_t *b, int argc);
void mr_aof_buf_arg(mr_buf_t *b, const void *p, size_t len);
void mr_aof_buf_select(mr_buf_t *b, int db);

/* The file's name inside `dir` (the working directory). */
const char *mr_aof_path(void);

/* Fault injection for tests (MINIREDIS_AOF_FAULT_FILE, see aof.c): the
 * errno a write or fsync should fail with now, or 0. */
int mr_aof_fault(void);

/* ---- rewrite (aof_rewrite.c) ----
 * Serialises the whole keyspace, as it is in this (forked) process, into
 * `path`: fsynced, closed. Returns 0 or an errno. Runs in the child. */
int mr_aof_rewrite_child(const char *path);
/* The temporary file of the rewrite done by child `pid`. */
void mr_aof_rewrite_tmp(pid_t pid, char *out, size_t outlen);

#endif
