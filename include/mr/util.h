/* Small shared helpers: memory that dies on OOM, clocks, number <-> string
 * conversions with Redis's exact acceptance rules, the glob matcher, the
 * seeded key hash, and a growable byte buffer. */
#ifndef MR_UTIL_H
#define MR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- memory: out of memory is fatal (logged, then abort) ---- */
void *mr_xmalloc(size_t n);
void *mr_xcalloc(size_t count, size_t size);
void *mr_xrealloc(void *p, size_t n);
char *mr_xstrdup(const char *s);
void *mr_xmemdup(const void *p, size_t n);
#define mr_free free

/* ---- clocks ---- */
int64_t mr_mstime(void);        /* wall clock, milliseconds since the epoch */
int64_t mr_ustime(void);        /* wall clock, microseconds since the epoch */
uint64_t mr_monotonic_us(void); /* CLOCK_MONOTONIC, microseconds */
uint64_t mr_clock_ns(void);     /* CLOCK_MONOTONIC, nanoseconds */

/* ---- conversions (Redis's rules: no spaces, no leading '+', no "-0",
 * no leading zeros; the whole input must be consumed) ---- */
bool mr_str2ll(const char *s, size_t len, long long *out);
/* Like Redis string2ld: strtold-based, rejects spaces, empty, nan. */
bool mr_str2ld(const char *s, size_t len, long double *out);
/* Like Redis string2d: strtod-based, rejects spaces, empty, nan. */
bool mr_str2d(const char *s, size_t len, double *out);
#define MR_LLSTR_SIZE 21
/* Writes v in decimal into dst (at least MR_LLSTR_SIZE bytes), NUL
 * terminated; returns the length. */
int mr_ll2str(char *dst, long long v);
#define MR_LDSTR_SIZE 5200
/* INCRBYFLOAT's output format (Redis ld2string LD_STR_HUMAN): "%.17Lf" with
 * trailing zeros and dot removed. Returns length or 0 if it does not fit. */
int mr_ld2str(char *dst, size_t cap, long double v);
/* d as "%f" with trailing zeros (and a bare dot) cut, as Redis prints
 * percentiles (CONFIG GET latency-tracking-info-percentiles, INFO
 * latencystats): 99.9 -> "99.9", 50 -> "50". */
void mr_d2str_trim(char *out, size_t outlen, double d);

/* ---- files (src/util/fileio.c) ---- */
/* Writes all n bytes (EINTR retried); false with errno set (ENOSPC when
 * the kernel took nothing) otherwise. */
bool mr_write_all(int fd, const void *p, size_t n);
/* fsyncs directory `dir`, making a rename or a new file in it durable.
 * Returns 0 or the errno. */
int mr_fsync_dir(const char *dir);
/* Double as Redis prints it in replies ("%.17g", "inf", "-inf"). */
int mr_d2str(char *dst, size_t cap, double v);

/* ---- glob-style matching, Redis stringmatchlen semantics
 * (*, ?, [abc], [^a], [a-z], backslash escapes) ---- */
bool mr_glob_match(const char *pat, size_t plen, const char *s, size_t slen,
                   bool nocase);

/* ---- seeded hash (SipHash-1-3 written from the paper's description).
 * mr_hash_init must run once before any mr_hash call; the seed comes from
 * the OS at start-up so clients cannot aim collisions. ---- */
void mr_hash_init(const uint8_t seed[16]);
uint64_t mr_hash(const void *p, size_t n);

/* ---- per-thread random numbers (splitmix64) ----
 * For random picks (RANDOMKEY, SPOP, HRANDFIELD, ZRANDMEMBER...), not for
 * secrets. Each thread has its own state, seeded lazily from the clock and
 * the state's address, so workers draw different sequences and need no
 * lock. */
uint64_t mr_rand64(void);

/* Sorts a[0..n) ascending and drops repeats; returns the new count (shard
 * ids before locking them in order: src/util/sort.c). */
int mr_u32_sort_unique(uint32_t *a, int n);

/* ---- growable byte buffer ----
 * An mr_buf_t owns `data`; the struct itself is embedded by the owner. */
typedef struct mr_buf {
    char *data;
    size_t len;
    size_t cap;
} mr_buf_t;

/* Ensures room for `extra` more bytes past len. */
void mr_buf_reserve(mr_buf_t *b, size_t extra);
void mr_buf_append(mr_buf_t *b, const void *p, size_t n);
void mr_buf_append_cstr(mr_buf_t *b, const char *s);
/* s[0..n) as Redis's sdscatrepr writes it: in double quotes, \\ \" \n \r
 * \t \a \b escaped, other unprintable bytes as \xHH (MONITOR lines,
 * CONFIG REWRITE values; mr_split_args reads it back). */
void mr_buf_repr(mr_buf_t *b, const char *s, size_t n);
void mr_buf_printf(mr_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes. */
void mr_buf_consume(mr_buf_t *b, size_t n);
/* Releases the storage; the buffer is empty and reusable afterwards. */
void mr_buf_free(mr_buf_t *b);

/* A borrowed byte string: pointer + length, never owned. */
typedef struct mr_str {
    const char *ptr;
    size_t len;
} mr_str_t;

/* Case-insensitive equality of s with the NUL-terminated ASCII word w. */
bool mr_str_eq_ci(mr_str_t s, const char *w);

/* ---- logging ---- */
enum { MR_LOG_DEBUG = 0, MR_LOG_VERBOSE, MR_LOG_NOTICE, MR_LOG_WARNING };
/* Opens `path` for appending (NULL or "" = stderr). Safe to call again to
 * reopen (SIGHUP). */
void mr_log_open(const char *path);
void mr_log_set_level(int level);
void mr_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* mr_log with structured fields: kv holds npairs name, value strings. The
 * json format puts them in "fields"; the text format, whose message says
 * the same, leaves them out. */
void mr_log_fields(int level, const char *const *kv, int npairs,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Whether a line of this level would be written. */
bool mr_log_enabled(int level);
/* log-format: false text (Redis's lines), true json. Any thread. */
void mr_log_set_format(int json);
/* Names the calling thread's role for the json "thread" field ("main" when
 * unset): "worker 0", "aof", "audit". */
void mr_log_set_thread(const char *role);

/* ---- JSON strings (log, audit log) ---- */
/* Appends s as a quoted JSON string: escapes, and bytes outside valid
 * UTF-8 as \u00XX (the byte read as Latin-1). */
void mr_json_str(mr_buf_t *b, const char *s, size_t n);
void mr_json_cstr(mr_buf_t *b, const char *s);

#endif
