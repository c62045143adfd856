/* The append-only file: crash recovery under appendfsync always, truncated
 * and corrupt files, replay validation, concurrent writers and rewrites
 * whose replay must rebuild the state clients saw, write errors (MISCONF),
 * turning the AOF on at runtime, INFO and CONFIG.
 *
 * Every test keeps its AOF in a directory of its own (--dir) so a server
 * can be killed and another started on the same file. Tests that only use
 * commands and restarts also run against a real redis-server (whose AOF is
 * a directory of files); those that edit the file, or use miniredis's
 * fault hook, are skipped there. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static void make_tmpdir(char *out, size_t n) {
    snprintf(out, n, "/tmp/mraof-XXXXXX");
    cr_assert_not_null(mkdtemp(out), "mkdtemp: %s", strerror(errno));
}

static void rm_tree(const char *dir) {
    if (getenv("H_KEEP_LOGS")) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) rm_tree(p);
        else unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Starts a server with its AOF in dir: extra flags after the AOF ones. */
static void start_in(h_server_t *s, const char *dir, const char *fsync,
                     const char *const *extra) {
    const char *argv[32];
    int n = 0;
    argv[n++] = "--appendonly";
    argv[n++] = "yes";
    argv[n++] = "--appendfsync";
    argv[n++] = fsync;
    argv[n++] = "--dir";
    argv[n++] = dir;
    for (int i = 0; extra && extra[i] && n < 30; i++) argv[n++] = extra[i];
    argv[n] = NULL;
    cr_assert_eq(h_server_start(s, argv), 0, "server did not start");
}

static void kill9(h_server_t *s) {
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
    h_server_stop(s); /* removes its log directory */
}

/* SIGTERM; the server must exit 0 (sanitizer builds: no report, no leak). */
static void stop_clean(h_server_t *s) {
    int st = h_server_stop(s);
    cr_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "the server did not exit cleanly (status %d)", st);
}

static char *path_in(const char *dir, const char *name) {
    static char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void write_file(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

static char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    size_t got = fread(p, 1, (size_t)len, f);
    fclose(f);
    p[got] = '\0';
    *n = got;
    return p;
}

static bool file_has(const char *file, size_t n, const char *rec) {
    return memmem(file, n, rec, strlen(rec)) != NULL;
}

static char *info_text(int fd) {
    h_resp_t *r = h_callp(fd, "INFO", "persistence", NULL);
    cr_assert_eq(r->type, '$');
    char *s = strdup(r->str);
    h_resp_free(r);
    return s;
}

static long long info_ll(int fd, const char *field) {
    char *t = info_text(fd);
    char v[64];
    cr_assert(h_field(t, field, v, sizeof v), "INFO lacks %s:\n%s", field, t);
    free(t);
    return atoll(v);
}

/* Waits (bounded) until no rewrite runs and `rewrites` have completed. */
static void wait_rewrites(int fd, long long rewrites) {
    long long deadline = h_now_ms() + 20000;
    while (h_now_ms() < deadline) {
        if (info_ll(fd, "aof_rewrite_in_progress") == 0 &&
            info_ll(fd, "aof_rewrite_scheduled") == 0 &&
            info_ll(fd, "aof_rewrites") >= rewrites)
            return;
        h_sleep_ms(20);
    }
    cr_assert_fail("the AOF rewrite did not finish within 20 s");
}

static bool log_has(const h_server_t *s, const char *needle) {
    size_t n;
    char *t = read_file(s->log, &n);
    bool found = t && strstr(t, needle);
    free(t);
    return found;
}

/* ---- the state of database 0, in a canonical text form ---- */

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends "key type value ttl" lines, sorted; values of collections are
 * their sorted members (hash: field=value). PEXPIRETIME is absolute, so a
 * replay must reproduce it exactly. */
static char *dump_state(int fd) {
    h_resp_t *keys = h_callp(fd, "KEYS", "*", NULL);
    cr_assert_eq(keys->type, '*');
    size_t nk = keys->n;
    char **lines = calloc(nk + 1, sizeof *lines);
    for (size_t i = 0; i < nk; i++) {
        const char *k = keys->elems[i]->str;
        h_resp_t *t = h_callp(fd, "TYPE", k, NULL);
        h_resp_t *x = h_callp(fd, "PEXPIRETIME", k, NULL);
        char *val = NULL;
        size_t vlen = 0;
        FILE *m = open_memstream(&val, &vlen);
        if (!strcmp(t->str, "string")) {
            h_resp_t *v = h_callp(fd, "GET", k, NULL);
            char *e = h_escape(v->str, v->len);
            fprintf(m, "%s", e);
            free(e);
            h_resp_free(v);
        } else if (!strcmp(t->str, "zset")) { /* in order, with scores */
            h_resp_t *v = h_callp(fd, "ZRANGE", k, "0", "-1", "WITHSCORES", NULL);
            for (size_t j = 0; j < v->n; j++) {
                char *e = h_escape(v->elems[j]->str, v->elems[j]->len);
                fprintf(m, "%s%s", j ? "," : "", e);
                free(e);
            }
            h_resp_free(v);
        } else if (!strcmp(t->str, "list")) { /* in order */
            h_resp_t *v = h_callp(fd, "LRANGE", k, "0", "-1", NULL);
            for (size_t j = 0; j < v->n; j++) {
                char *e = h_escape(v->elems[j]->str, v->elems[j]->len);
                fprintf(m, "%s%s", j ? "," : "", e);
                free(e);
            }
            h_resp_free(v);
        } else {
            bool hash = !strcmp(t->str, "hash");
            h_resp_t *v = hash ? h_callp(fd, "HGETALL", k, NULL)
                               : h_callp(fd, "SMEMBERS", k, NULL);
            size_t step = hash ? 2 : 1, ne = v->n / step;
            char **items = calloc(ne + 1, sizeof *items);
            for (size_t j = 0; j < ne; j++) {
                char *a = h_escape(v->elems[j * step]->str, v->elems[j * step]->len);
                if (hash) {
                    char *b = h_escape(v->elems[j * 2 + 1]->str,
                                       v->elems[j * 2 + 1]->len);
                    if (asprintf(&items[j], "%s=%s", a, b) < 0) abort();
                    free(a);
                    free(b);
                } else {
                    items[j] = a;
                }
            }
            qsort(items, ne, sizeof *items, cmp_str);
            for (size_t j = 0; j < ne; j++) {
                fprintf(m, "%s%s", j ? "," : "", items[j]);
                free(items[j]);
            }
            free(items);
            h_resp_free(v);
        }
        fclose(m);
        char *ek = h_escape(k, keys->elems[i]->len);
        if (asprintf(&lines[i], "%s %s %s %lld\n", ek, t->str, val, x->integer) < 0)
            abort();
        free(ek);
        free(val);
        h_resp_free(t);
        h_resp_free(x);
    }
    h_resp_free(keys);
    qsort(lines, nk, sizeof *lines, cmp_str);
    char *out = NULL;
    size_t olen = 0;
    FILE *m = open_memstream(&out, &olen);
    for (size_t i = 0; i < nk; i++) {
        fputs(lines[i], m);
        free(lines[i]);
    }
    fclose(m);
    free(lines);
    return out;
}

static void expect_same_state(const char *before, const char *after) {
    if (strcmp(before, after) == 0) return;
    /* show the first differing line */
    const char *a = before, *b = after;
    while (*a && *a == *b) a++, b++;
    while (a > before && a[-1] != '\n') a--, b--;
    cr_assert_fail("state after replay differs (%zu vs %zu bytes) at:\n"
                   "  before: %.200s\n  after:  %.200s",
                   strlen(before), strlen(after), a, b);
}

/* ------------------------------------------------------------------ */
/* crash: every acknowledged write survives SIGKILL (appendfsync always) */

#define CRASH_KEYS 100000
#define CRASH_BATCH 64
#define CRASH_CONNS 4

typedef struct {
    int port, id;
    long acked; /* replies +OK received: keys 0..acked-1 of this writer */
} crash_writer_t;

/* Writes keys "c<id>:<i>" = "v<i>" in pipelined batches and counts the
 * +OK replies that came back before the server died. */
static void *crash_writer(void *p) {
    crash_writer_t *w = p;
    int fd = h_connect(w->port);
    h_set_timeout_ms(fd, 10000);
    char *buf = malloc(CRASH_BATCH * 96);
    long per = CRASH_KEYS / CRASH_CONNS;
    for (long i = 0; i < per; i += CRASH_BATCH) {
        size_t len = 0;
        long n = per - i < CRASH_BATCH ? per - i : CRASH_BATCH;
        for (long j = 0; j < n; j++) {
            char k[32], v[32];
            int kl = snprintf(k, sizeof k, "c%d:%ld", w->id, i + j);
            int vl = snprintf(v, sizeof v, "v%ld", i + j);
            len += (size_t)sprintf(buf + len, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n",
                                   kl, k, vl, v);
        }
        if (!h_send(fd, buf, len)) break;
        char rep[CRASH_BATCH * 5];
        size_t got = h_read_exact(fd, rep, (size_t)n * 5, 10000);
        for (size_t k = 0; k + 5 <= got; k += 5)
            if (memcmp(rep + k, "+OK\r\n", 5) == 0) w->acked++;
        if (got < (size_t)n * 5) break; /* the server is gone */
    }
    free(buf);
    close(fd);
    return NULL;
}

Test(aof, crash_keeps_every_acknowledged_write, .timeout = 120) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "always", NULL);
    crash_writer_t ws[CRASH_CONNS];
    pthread_t th[CRASH_CONNS];
    for (int i = 0; i < CRASH_CONNS; i++) {
        ws[i] = (crash_writer_t){s.port, i, 0};
        pthread_create(&th[i], NULL, crash_writer, &ws[i]);
    }
    /* a random moment while the writers run (about 1 s for all 100k) */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    srand((unsigned)ts.tv_nsec);
    int delay = 50 + rand() % 1500;
    h_sleep_ms(delay);
    kill(s.pid, SIGKILL);
    for (int i = 0; i < CRASH_CONNS; i++) pthread_join(th[i], NULL);
    waitpid(s.pid, NULL, 0);
    s.pid = 0;
    h_server_stop(&s);
    long total = 0;
    for (int i = 0; i < CRASH_CONNS; i++) total += ws[i].acked;
    cr_log_info("killed after %d ms with %ld writes acknowledged", delay, total);

    h_server_t s2;
    start_in(&s2, dir, "always", NULL);
    int fd = h_connect(s2.port);
    for (int i = 0; i < CRASH_CONNS; i++) {
        for (long k = 0; k < ws[i].acked; k += 500) {
            long n = ws[i].acked - k < 500 ? ws[i].acked - k : 500;
            const char **argv = malloc(sizeof *argv * (size_t)(n + 1));
            char (*names)[32] = malloc(32 * (size_t)n);
            argv[0] = "MGET";
            for (long j = 0; j < n; j++) {
                snprintf(names[j], 32, "c%d:%ld", i, k + j);
                argv[j + 1] = names[j];
            }
            h_bytes_t b = h_callv(fd, (int)n + 1, argv, NULL);
            h_resp_t *r = h_parse(b.buf, b.len);
            cr_assert(r && r->type == '*' && r->n == (size_t)n);
            for (long j = 0; j < n; j++) {
                char want[32];
                snprintf(want, sizeof want, "v%ld", k + j);
                cr_assert(!r->elems[j]->is_null && !strcmp(r->elems[j]->str, want),
                          "acknowledged c%d:%ld lost after the crash", i, k + j);
            }
            h_resp_free(r);
            h_bytes_free(&b);
            free(argv);
            free(names);
        }
    }
    close(fd);
    stop_clean(&s2);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* damaged files (miniredis: they edit the single-file AOF)            */

static const char PREFIX[] =
    "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
    "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
    "*4\r\n$4\r\nSADD\r\n$1\r\ns\r\n$1\r\nx\r\n$1\r\ny\r\n";
static const char LAST[] = "*3\r\n$3\r\nSET\r\n$4\r\nlast\r\n$5\r\nvalue\r\n";

Test(aof, truncated_last_record_is_cut_at_every_byte, .timeout = 240) {
    if (is_real_redis()) cr_skip_test("edits miniredis's single-file AOF");
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    size_t pl = strlen(PREFIX), ll = strlen(LAST);
    char *file = malloc(pl + ll);
    memcpy(file, PREFIX, pl);
    memcpy(file + pl, LAST, ll);
    for (size_t cut = 0; cut <= ll; cut++) {
        write_file(path_in(dir, "appendonly.aof"), file, pl + cut);
        h_server_t s;
        start_in(&s, dir, "everysec", NULL);
        int fd = h_connect(s.port);
        expect_cmd(fd, "$1\r\n1\r\n", "GET", "a");
        expect_cmd(fd, ":2\r\n", "SCARD", "s");
        if (cut == ll)
            expect_cmd(fd, "$5\r\nvalue\r\n", "GET", "last");
        else
            expect_cmd(fd, "$-1\r\n", "GET", "last");
        close(fd);
        if (cut > 0 && cut < ll)
            cr_assert(log_has(&s, "short read while loading the AOF"),
                      "no warning for a cut at byte %zu", cut);
        stop_clean(&s);
        size_t n;
        char *now = read_file(path_in(dir, "appendonly.aof"), &n);
        cr_assert_eq(n, cut == ll ? pl + ll : pl,
                     "cut at %zu: the file should end after the last whole record",
                     cut);
        free(now);
    }
    /* aof-load-truncated no: refuse to start */
    write_file(path_in(dir, "appendonly.aof"), file, pl + ll / 2);
    h_server_t s;
    memset(&s, 0, sizeof s);
    const char *argv[] = {"--appendonly", "yes", "--dir", dir,
                          "--aof-load-truncated", "no", NULL};
    cr_assert_eq(h_server_spawn(&s, 1, argv), 0);
    int st;
    cr_assert(h_server_wait_exit(&s, 5000, &st), "should refuse to start");
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    cr_assert(log_has(&s, "Unexpected end of file reading the append only file"));
    s.pid = 0;
    h_server_stop(&s);
    free(file);
    rm_tree(dir);
}

Test(aof, corrupt_middle_record_stops_the_start, .timeout = 60) {
    if (is_real_redis()) cr_skip_test("edits miniredis's single-file AOF");
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    /* the second SET's bulk length is garbage; a good record follows */
    const char body[] = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                        "*3\r\n$3\r\nSET\r\n$x\r\nb\r\n$1\r\n2\r\n"
                        "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n";
    size_t bad = strlen("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n");
    write_file(path_in(dir, "appendonly.aof"), body, sizeof body - 1);
    h_server_t s;
    memset(&s, 0, sizeof s);
    const char *argv[] = {"--appendonly", "yes", "--dir", dir, NULL};
    cr_assert_eq(h_server_spawn(&s, 1, argv), 0);
    int st;
    cr_assert(h_server_wait_exit(&s, 5000, &st), "should refuse to start");
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    char want[128];
    snprintf(want, sizeof want, "(the command starting at offset %zu)", bad);
    cr_assert(log_has(&s, "Bad file format reading the append only file"));
    cr_assert(log_has(&s, want), "the log should name offset %zu", bad);
    s.pid = 0;
    h_server_stop(&s);
    size_t n;
    char *now = read_file(path_in(dir, "appendonly.aof"), &n);
    cr_assert_eq(n, sizeof body - 1, "a refused start must not touch the file");
    free(now);

    /* asked to: load the valid prefix, keep the rest aside */
    const char *more[] = {"--aof-load-corrupted", "yes", NULL};
    start_in(&s, dir, "everysec", more);
    int fd = h_connect(s.port);
    expect_cmd(fd, "$1\r\n1\r\n", "GET", "a");
    expect_cmd(fd, "$-1\r\n", "GET", "c");
    close(fd);
    stop_clean(&s);
    now = read_file(path_in(dir, "appendonly.aof"), &n);
    cr_assert_eq(n, bad);
    free(now);
    DIR *d = opendir(dir);
    bool saved = false;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strstr(e->d_name, "appendonly.aof.corrupt-")) saved = true;
    closedir(d);
    cr_assert(saved, "the cut-off bytes should be kept in appendonly.aof.corrupt-*");
    rm_tree(dir);
}

Test(aof, replay_skips_invalid_commands_and_says_so, .timeout = 60) {
    if (is_real_redis()) cr_skip_test("edits miniredis's single-file AOF");
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    const char body[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
                        "*2\r\n$7\r\nNOSUCHC\r\n$1\r\nk\r\n"          /* unknown */
                        "*2\r\n$3\r\nSET\r\n$1\r\nk\r\n"              /* arity */
                        "*3\r\n$4\r\nSADD\r\n$1\r\nk\r\n$1\r\nx\r\n"  /* WRONGTYPE */
                        "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"              /* not a write */
                        "*3\r\n$6\r\nAPPEND\r\n$1\r\nk\r\n$1\r\nw\r\n";
    write_file(path_in(dir, "appendonly.aof"), body, sizeof body - 1);
    h_server_t s;
    start_in(&s, dir, "everysec", NULL);
    int fd = h_connect(s.port);
    expect_cmd(fd, "$2\r\nvw\r\n", "GET", "k");
    close(fd);
    cr_assert(log_has(&s, "AOF replay skipped the command 'NOSUCHC'"));
    cr_assert(log_has(&s, "wrong number of arguments for 'set' command"));
    cr_assert(log_has(&s, "WRONGTYPE"));
    cr_assert(log_has(&s, "not a write command"));
    cr_assert(log_has(&s, "AOF replay skipped 4 of 6 commands"));
    stop_clean(&s);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* concurrent writers: the replay rebuilds what clients saw             */

#define CW_THREADS 8
#define CW_OPS 2000
#define CW_KEYS 24

typedef struct {
    int port, id;
    atomic_bool *stop; /* NULL: run CW_OPS operations */
    long done;
} cw_t;

/* Eight connections, so both workers (SO_REUSEPORT spreads connections)
 * almost surely get some: random operations on a small shared key set,
 * several keys per command
 * across shards (SMOVE, RENAME, MSET), relative TTLs, SPOP and INCRBYFLOAT:
 * everything whose log form differs from its argv. */
static void *cw_run(void *p) {
    cw_t *c = p;
    int fd = h_connect(c->port);
    unsigned seed = (unsigned)c->id * 2654435761u + 7;
    char k1[16], k2[16], v[32], n[16];
    for (long i = 0; c->stop ? !atomic_load(c->stop) : i < CW_OPS; i++) {
        snprintf(k1, sizeof k1, "k%u", rand_r(&seed) % CW_KEYS);
        snprintf(k2, sizeof k2, "k%u", rand_r(&seed) % CW_KEYS);
        snprintf(v, sizeof v, "%u", rand_r(&seed) % 1000);
        snprintf(n, sizeof n, "m%u", rand_r(&seed) % 8);
        h_bytes_t b;
        switch (rand_r(&seed) % 16) {
        case 0: b = h_call(fd, "SET", k1, v, NULL); break;
        case 1: b = h_call(fd, "INCR", k1, NULL); break;
        case 2: b = h_call(fd, "APPEND", k1, v, NULL); break;
        case 3: b = h_call(fd, "SADD", k1, n, v, NULL); break;
        case 4: b = h_call(fd, "SREM", k1, n, NULL); break;
        case 5: b = h_call(fd, "SMOVE", k1, k2, n, NULL); break;
        case 6: b = h_call(fd, "HSET", k1, n, v, NULL); break;
        case 7: b = h_call(fd, "HINCRBY", k1, n, "3", NULL); break;
        case 8: b = h_call(fd, "DEL", k1, k2, NULL); break;
        case 9: b = h_call(fd, "RENAME", k1, k2, NULL); break;
        case 10: b = h_call(fd, "SET", k1, v, "EX", "1000", NULL); break;
        case 11: b = h_call(fd, "EXPIRE", k1, "2000", NULL); break;
        case 12: b = h_call(fd, "SPOP", k1, NULL); break;
        case 13: b = h_call(fd, "INCRBYFLOAT", k1, "0.1", NULL); break;
        case 14: b = h_call(fd, "MSET", k1, v, k2, v, NULL); break;
        default: b = h_call(fd, "HINCRBYFLOAT", k1, n, "1.5", NULL); break;
        }
        cr_assert_not_null(b.buf, "no reply");
        h_bytes_free(&b);
        c->done++;
    }
    close(fd);
    return NULL;
}

static void run_writers(int port, atomic_bool *stop, pthread_t *th, cw_t *cs) {
    for (int i = 0; i < CW_THREADS; i++) {
        cs[i] = (cw_t){port, i, stop, 0};
        pthread_create(&th[i], NULL, cw_run, &cs[i]);
    }
}

Test(aof, concurrent_writers_replay_equals_state, .timeout = 120) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "always", NULL);
    pthread_t th[CW_THREADS];
    cw_t cs[CW_THREADS];
    run_writers(s.port, NULL, th, cs);
    for (int i = 0; i < CW_THREADS; i++) pthread_join(th[i], NULL);
    int fd = h_connect(s.port);
    char *before = dump_state(fd);
    close(fd);
    kill9(&s); /* always: everything acknowledged is in the file */
    start_in(&s, dir, "always", NULL);
    fd = h_connect(s.port);
    char *after = dump_state(fd);
    close(fd);
    stop_clean(&s);
    expect_same_state(before, after);
    free(before);
    free(after);
    rm_tree(dir);
}

Test(aof, rewrite_under_concurrent_writes_replays_to_the_same_state,
     .timeout = 120) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "everysec", NULL);
    int fd = h_connect(s.port);
    /* some bulk so the rewrite takes a while */
    for (int i = 0; i < 2000; i++) {
        char k[32];
        snprintf(k, sizeof k, "bulk:%d", i);
        h_bytes_t b = h_call(fd, "HSET", k, "f", "v", "g", "w", NULL);
        h_bytes_free(&b);
    }
    atomic_bool stop = false;
    pthread_t th[CW_THREADS];
    cw_t cs[CW_THREADS];
    run_writers(s.port, &stop, th, cs);
    for (int r = 1; r <= 3; r++) {
        h_sleep_ms(100);
        h_bytes_t b = h_call(fd, "BGREWRITEAOF", NULL);
        cr_assert(b.buf && !memcmp(b.buf, "+Background append only file rewriting",
                                   strlen("+Background append only file rewriting")),
                  "BGREWRITEAOF: %s", b.buf ? b.buf : "(none)");
        h_bytes_free(&b);
        wait_rewrites(fd, r);
    }
    h_sleep_ms(100);
    atomic_store(&stop, true);
    for (int i = 0; i < CW_THREADS; i++) pthread_join(th[i], NULL);
    char *before = dump_state(fd);
    close(fd);
    stop_clean(&s); /* SIGTERM: flushes and fsyncs */
    start_in(&s, dir, "everysec", NULL);
    fd = h_connect(s.port);
    char *after = dump_state(fd);
    close(fd);
    stop_clean(&s);
    expect_same_state(before, after);
    if (!is_real_redis() && access("/usr/bin/redis-check-aof", X_OK) == 0) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "/usr/bin/redis-check-aof %s >/dev/null",
                 path_in(dir, "appendonly.aof"));
        cr_assert_eq(system(cmd), 0, "redis-check-aof rejects the rewritten file");
    }
    free(before);
    free(after);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* write errors: MISCONF until the disk works again                    */

Test(aof, write_error_refuses_writes_and_holds_replies, .timeout = 60) {
    if (is_real_redis()) cr_skip_test("uses miniredis's fault hook");
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    char fault[700];
    snprintf(fault, sizeof fault, "%s/fault", dir);
    setenv("MINIREDIS_AOF_FAULT_FILE", fault, 1);
    h_server_t s;
    start_in(&s, dir, "always", NULL);
    unsetenv("MINIREDIS_AOF_FAULT_FILE");
    int a = h_connect(s.port), b = h_connect(s.port);
    expect_cmd(a, "+OK\r\n", "SET", "k", "1");
    write_file(fault, "ENOSPC", 6);
    /* executed, but not durable: the reply waits */
    size_t len;
    const char *argv[] = {"SET", "held", "yes"};
    char *req = h_resp_cmd(3, argv, NULL, &len);
    cr_assert(h_send(a, req, len));
    free(req);
    cr_assert(h_no_data(a, 400), "a write acknowledged without being on disk");
    /* the error is known now: writes are refused, reads work */
    long long deadline = h_now_ms() + 3000;
    while (info_ll(b, "aof_last_write_status") == 0 && h_now_ms() < deadline)
        h_sleep_ms(10);
    char *t = info_text(b);
    cr_assert(strstr(t, "aof_last_write_status:err"), "%s", t);
    free(t);
    expect_cmd(b, "-MISCONF Errors writing to the AOF file: No space left on device\r\n",
               "SET", "other", "1");
    expect_cmd(b, "-MISCONF Errors writing to the AOF file: No space left on device\r\n",
               "PING");
    expect_cmd(b, "$1\r\n1\r\n", "GET", "k");
    cr_assert(log_has(&s, "No space left on device"));
    /* the disk works again: the held reply comes, writes are accepted */
    unlink(fault);
    expect_reply(a, NULL, "+OK\r\n");
    deadline = h_now_ms() + 3000;
    while (h_now_ms() < deadline) {
        t = info_text(b);
        bool ok = strstr(t, "aof_last_write_status:ok") != NULL;
        free(t);
        if (ok) break;
        h_sleep_ms(10);
    }
    expect_cmd(b, "+OK\r\n", "SET", "other", "2");
    close(a);
    close(b);
    kill9(&s);
    start_in(&s, dir, "always", NULL);
    a = h_connect(s.port);
    expect_cmd(a, "$3\r\nyes\r\n", "GET", "held");
    expect_cmd(a, "$1\r\n2\r\n", "GET", "other");
    close(a);
    stop_clean(&s);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* CONFIG SET appendonly yes: the current state first, then the log    */

Test(aof, turning_on_at_runtime_writes_the_state_then_logs, .timeout = 60) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    const char *off[] = {"--dir", dir, NULL};
    cr_assert_eq(h_server_start(&s, off), 0);
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "before", "1");
    expect_cmd(fd, ":2\r\n", "SADD", "set", "a", "b");
    expect_cmd(fd, ":0\r\n", "EXISTS", "after");
    char *t = info_text(fd);
    cr_assert(strstr(t, "aof_enabled:0"));
    free(t);
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "appendonly", "yes");
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "appendfsync", "always");
    expect_cmd(fd, "*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n", "CONFIG", "GET",
               "appendonly");
    expect_cmd(fd, "+OK\r\n", "SET", "after", "2");
    wait_rewrites(fd, 1);
    expect_cmd(fd, "+OK\r\n", "SET", "later", "3");
    close(fd);
    kill9(&s);
    start_in(&s, dir, "always", NULL);
    fd = h_connect(s.port);
    expect_cmd(fd, "$1\r\n1\r\n", "GET", "before");
    expect_cmd(fd, "$1\r\n2\r\n", "GET", "after");
    expect_cmd(fd, "$1\r\n3\r\n", "GET", "later");
    expect_cmd(fd, ":2\r\n", "SCARD", "set");
    close(fd);
    stop_clean(&s);
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* INFO, CONFIG, BGREWRITEAOF replies                                  */

Test(aof, info_config_and_bgrewriteaof_replies, .timeout = 60) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "everysec", NULL);
    int fd = h_connect(s.port);
    char *t = info_text(fd);
    const char *fields[] = {
        "loading:0", "rdb_bgsave_in_progress:0", "rdb_last_bgsave_status:ok",
        "aof_enabled:1", "aof_rewrite_in_progress:0", "aof_rewrite_scheduled:0",
        "aof_last_rewrite_time_sec:-1", "aof_current_rewrite_time_sec:-1",
        "aof_last_bgrewrite_status:ok", "aof_rewrites:0",
        "aof_last_write_status:ok", "aof_current_size:", "aof_base_size:",
        "aof_buffer_length:", NULL};
    for (int i = 0; fields[i]; i++)
        cr_assert(strstr(t, fields[i]), "INFO persistence lacks %s:\n%s",
                  fields[i], t);
    free(t);
    expect_cmd(fd, "*2\r\n$11\r\nappendfsync\r\n$8\r\neverysec\r\n", "CONFIG",
               "GET", "appendfsync");
    expect_cmd(fd, "*2\r\n$25\r\nauto-aof-rewrite-min-size\r\n$8\r\n67108864\r\n",
               "CONFIG", "GET", "auto-aof-rewrite-min-size");
    expect_cmd(fd, "*2\r\n$27\r\nauto-aof-rewrite-percentage\r\n$3\r\n100\r\n",
               "CONFIG", "GET", "auto-aof-rewrite-percentage");
    expect_cmd(fd, "*2\r\n$18\r\naof-load-truncated\r\n$3\r\nyes\r\n", "CONFIG",
               "GET", "aof-load-truncated");
    expect_cmd(fd, "-ERR CONFIG SET failed (possibly related to argument "
                   "'appendfsync') - argument(s) must be one of the following: "
                   "everysec, always, no\r\n",
               "CONFIG", "SET", "appendfsync", "sometimes");
    expect_cmd(fd, "-ERR CONFIG SET failed (possibly related to argument "
                   "'appendonly') - argument must be 'yes' or 'no'\r\n",
               "CONFIG", "SET", "appendonly", "maybe");
    expect_cmd(fd, "-ERR wrong number of arguments for 'bgrewriteaof' command\r\n",
               "BGREWRITEAOF", "x");
    for (int i = 0; i < 3000; i++) {
        char k[32];
        snprintf(k, sizeof k, "key:%d", i);
        h_bytes_t b = h_call(fd, "SET", k, "value", NULL);
        h_bytes_free(&b);
    }
    expect_cmd(fd, "+Background append only file rewriting started\r\n",
               "BGREWRITEAOF");
    wait_rewrites(fd, 1);
    t = info_text(fd);
    cr_assert(strstr(t, "aof_rewrites:1"), "%s", t);
    cr_assert(strstr(t, "aof_last_bgrewrite_status:ok"), "%s", t);
    free(t);
    cr_assert_eq(info_ll(fd, "aof_current_size"), info_ll(fd, "aof_base_size"));
    close(fd);
    stop_clean(&s);
    rm_tree(dir);
}

/* A file written under always is one redis-check-aof accepts. */
Test(aof, redis_check_aof_accepts_the_file, .timeout = 60) {
    if (is_real_redis()) cr_skip_test("checks miniredis's single-file AOF");
    if (access("/usr/bin/redis-check-aof", X_OK) != 0)
        cr_skip_test("redis-check-aof not installed");
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "always", NULL);
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "a", "1");
    expect_cmd(fd, "+OK\r\n", "SELECT", "3");
    expect_cmd(fd, "+OK\r\n", "SET", "b\r\n", "v", "EX", "100");
    expect_cmd(fd, ":1\r\n", "SADD", "s", "m");
    expect_cmd(fd, "$1\r\nm\r\n", "SPOP", "s");
    close(fd);
    kill9(&s);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "/usr/bin/redis-check-aof %s >/dev/null",
             path_in(dir, "appendonly.aof"));
    cr_assert_eq(system(cmd), 0, "redis-check-aof rejects the file");
    rm_tree(dir);
}

/* ------------------------------------------------------------------ */
/* what the file says: each command in the form that replays the same   */

Test(aof, records_are_logged_in_replayable_form, .timeout = 60) {
    if (is_real_redis()) cr_skip_test("reads miniredis's single-file AOF");
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "always", NULL);
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "ex", "v", "EX", "100");
    expect_cmd(fd, "$-1\r\n", "SET", "ex", "w", "NX");      /* no change */
    expect_cmd(fd, "$-1\r\n", "GET", "missing");            /* a read */
    expect_cmd(fd, ":1\r\n", "EXPIRE", "ex", "200", "GT");
    expect_cmd(fd, "$3\r\n1.5\r\n", "INCRBYFLOAT", "f", "1.5");
    expect_cmd(fd, ":1\r\n", "SADD", "s", "only");
    expect_cmd(fd, "$4\r\nonly\r\n", "SPOP", "s");
    expect_cmd(fd, "$3\r\n2.5\r\n", "HINCRBYFLOAT", "h", "x", "2.5");
    expect_cmd(fd, "+OK\r\n", "SET", "gone", "1");
    expect_cmd(fd, ":1\r\n", "PEXPIRE", "gone", "-1");      /* in the past */
    expect_cmd(fd, "+OK\r\n", "SET", "lazy", "1", "PX", "1");
    h_sleep_ms(20);
    expect_cmd(fd, "$-1\r\n", "GET", "lazy");                /* expires now */
    expect_cmd(fd, "+OK\r\n", "SELECT", "2");
    expect_cmd(fd, "+OK\r\n", "SET", "in2", "x");
    close(fd);
    kill9(&s);
    size_t n;
    char *f = read_file(path_in(dir, "appendonly.aof"), &n);
    cr_assert_not_null(f);
    cr_assert(file_has(f, n, "*5\r\n$3\r\nSET\r\n$2\r\nex\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n"),
              "SET EX as SET PXAT:\n%s", h_escape(f, n));
    cr_assert(!file_has(f, n, "NX\r\n"), "a SET NX that changed nothing is logged");
    cr_assert(!file_has(f, n, "missing"), "a read is logged");
    cr_assert(file_has(f, n, "*3\r\n$9\r\nPEXPIREAT\r\n$2\r\nex\r\n$13\r\n"));
    cr_assert(!file_has(f, n, "GT\r\n"), "EXPIRE's condition is logged");
    cr_assert(file_has(f, n, "*4\r\n$3\r\nSET\r\n$1\r\nf\r\n$3\r\n1.5\r\n$7\r\nKEEPTTL\r\n"));
    cr_assert(file_has(f, n, "*3\r\n$4\r\nSREM\r\n$1\r\ns\r\n$4\r\nonly\r\n"));
    cr_assert(file_has(f, n, "*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nx\r\n$3\r\n2.5\r\n"));
    cr_assert(file_has(f, n, "*2\r\n$3\r\nDEL\r\n$4\r\ngone\r\n"));
    cr_assert(file_has(f, n, "*2\r\n$3\r\nDEL\r\n$4\r\nlazy\r\n"));
    cr_assert(file_has(f, n, "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$3\r\nin2\r\n"));
    free(f);
    rm_tree(dir);
}

/* The rewritten file: every type (both hash encodings, big collections in
 * batches), TTLs, several databases; the history is gone. */
Test(aof, rewrite_keeps_every_type_and_drops_the_history, .timeout = 60) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "everysec", NULL);
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "str", "old-value");
    expect_cmd(fd, "+OK\r\n", "SET", "str", "new", "EX", "5000");
    for (int i = 0; i < 200; i++) {
        char f[16], v[16];
        snprintf(f, sizeof f, "f%d", i);
        snprintf(v, sizeof v, "v%d", i);
        h_bytes_t b = h_call(fd, "HSET", "bighash", f, v, NULL);
        h_bytes_free(&b);
        b = h_call(fd, "SADD", "bigset", f, NULL);
        h_bytes_free(&b);
    }
    expect_cmd(fd, ":2\r\n", "HSET", "small", "a", "1", "b", "2");
    expect_cmd(fd, ":1\r\n", "PEXPIRE", "small", "900000");
    for (int i = 0; i < 150; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i % 7 ? i : -i * 1000);
        h_bytes_t b = h_call(fd, "RPUSH", "biglist", v, "e\0x", NULL);
        h_bytes_free(&b);
    }
    expect_cmd(fd, "$1\r\n0\r\n", "LPOP", "biglist");
    for (int i = 0; i < 200; i++) { /* both encodings, awkward scores */
        char sc[32], mem[16];
        snprintf(sc, sizeof sc, "%.17g", i % 5 ? i / 7.0 : -1e300 * i);
        snprintf(mem, sizeof mem, "m%d", i);
        h_bytes_t b = h_call(fd, "ZADD", "bigz", sc, mem, NULL);
        h_bytes_free(&b);
    }
    expect_cmd(fd, ":3\r\n", "ZADD", "smallz", "inf", "a", "-inf", "b",
               "0.1", "c");
    expect_cmd(fd, "+OK\r\n", "SELECT", "5");
    expect_cmd(fd, ":2\r\n", "SADD", "in5", "x", "y");
    expect_cmd(fd, "+OK\r\n", "SET", "bin\r\n", "a\r\nb");
    char *before5 = dump_state(fd);
    expect_cmd(fd, "+OK\r\n", "SELECT", "0");
    char *before0 = dump_state(fd);
    expect_cmd(fd, "+Background append only file rewriting started\r\n",
               "BGREWRITEAOF");
    wait_rewrites(fd, 1);
    close(fd);
    stop_clean(&s);
    if (!is_real_redis()) {
        size_t n;
        char *f = read_file(path_in(dir, "appendonly.aof"), &n);
        cr_assert(!file_has(f, n, "old-value"), "the rewrite kept overwritten data");
        free(f);
    }
    start_in(&s, dir, "everysec", NULL);
    fd = h_connect(s.port);
    char *after0 = dump_state(fd);
    expect_cmd(fd, ":200\r\n", "HLEN", "bighash");
    expect_cmd(fd, "+OK\r\n", "SELECT", "5");
    char *after5 = dump_state(fd);
    close(fd);
    stop_clean(&s);
    expect_same_state(before0, after0);
    expect_same_state(before5, after5);
    free(before0);
    free(after0);
    free(before5);
    free(after5);
    rm_tree(dir);
}

/* A blocked client served by another client's push: the file has the pop
 * that happened (LPOP, LMOVE, LPOP count), after the push, and replays to
 * the same lists. */
Test(aof, served_blocking_pops_replay_as_the_pops_that_happened,
     .timeout = 60) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    static const char *const four[] = {"--threads", "4", NULL};
    start_in(&s, dir, "always", is_real_redis() ? NULL : four);
    int a = h_connect(s.port), b = h_connect(s.port), c = h_connect(s.port);
    cr_assert(h_send_str(a, "*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n"));
    cr_assert(h_send_str(c, "*7\r\n$6\r\nBLMPOP\r\n$1\r\n0\r\n$1\r\n1\r\n"
                            "$1\r\ne\r\n$4\r\nLEFT\r\n$5\r\nCOUNT\r\n$1\r\n2\r\n"));
    long long until = h_now_ms() + 2000;
    for (;;) { /* both blocked */
        h_resp_t *r = h_callp(b, "INFO", "clients", NULL);
        char v[16];
        bool ok = h_field(r->str, "blocked_clients", v, sizeof v);
        h_resp_free(r);
        if (ok && atoi(v) == 2) break;
        cr_assert(h_now_ms() < until, "clients did not block");
        h_sleep_ms(5);
    }
    expect_cmd(b, ":3\r\n", "RPUSH", "q", "a", "b", "c");
    expect_reply(a, NULL, "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
    expect_cmd(a, "$1\r\nc\r\n", "BLMOVE", "q", "d", "RIGHT", "LEFT", "0");
    expect_cmd(b, ":3\r\n", "RPUSH", "e", "1", "2", "3");
    expect_reply(c, NULL, "*2\r\n$1\r\ne\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    char *before = dump_state(b);
    close(a);
    close(c);
    close(b);
    kill9(&s);
    if (!is_real_redis()) {
        size_t n;
        char *f = read_file(path_in(dir, "appendonly.aof"), &n);
        cr_assert(!file_has(f, n, "BLPOP") && !file_has(f, n, "BLMOVE") &&
                      !file_has(f, n, "BLMPOP"),
                  "a blocking command was logged:\n%s", h_escape(f, n));
        static const char push_rec[] = "RPUSH\r\n$1\r\nq\r\n";
        static const char pop_rec[] = "*2\r\n$4\r\nLPOP\r\n$1\r\nq\r\n";
        const char *push = memmem(f, n, push_rec, sizeof push_rec - 1);
        const char *pop = memmem(f, n, pop_rec, sizeof pop_rec - 1);
        cr_assert(push && pop && push < pop, "LPOP q missing or before the push:\n%s",
                  h_escape(f, n));
        cr_assert(file_has(f, n, "*5\r\n$5\r\nLMOVE\r\n$1\r\nq\r\n$1\r\nd\r\n$5\r\nRIGHT\r\n$4\r\nLEFT\r\n"));
        cr_assert(file_has(f, n, "*3\r\n$4\r\nLPOP\r\n$1\r\ne\r\n$1\r\n2\r\n"));
        free(f);
    }
    start_in(&s, dir, "always", NULL);
    int fd = h_connect(s.port);
    char *after = dump_state(fd);
    close(fd);
    stop_clean(&s);
    expect_same_state(before, after);
    free(before);
    free(after);
    rm_tree(dir);
}

/* Set encodings across a restart, as Redis 7.0.15 gives them: replaying
 * the log repeats the commands (a set that grew past the intset limit and
 * shrank stays a table; SPOP's rebuilt survivors, logged as SREM, come back
 * as a table), while a rewrite stores members only, so such sets reload
 * as intsets. Members are the same either way. */
static void sadd_n(int fd, const char *key, int from, int to) {
    for (int v = from; v <= to; v++) {
        char num[16];
        snprintf(num, sizeof num, "%d", v);
        h_bytes_t b = h_call(fd, "SADD", key, num, NULL);
        h_bytes_free(&b);
    }
}

static void srem_n(int fd, const char *key, int from, int to) {
    for (int v = from; v <= to; v++) {
        char num[16];
        snprintf(num, sizeof num, "%d", v);
        h_bytes_t b = h_call(fd, "SREM", key, num, NULL);
        h_bytes_free(&b);
    }
}

static void expect_set_encodings(int fd, const char *shrunk,
                                 const char *popped) {
    expect_cmd(fd, "$6\r\nintset\r\n", "OBJECT", "ENCODING", "small");
    expect_cmd(fd, "$6\r\nintset\r\n", "OBJECT", "ENCODING", "wide");
    expect_cmd(fd, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "strs");
    expect_cmd(fd, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "big");
    expect_cmd(fd, shrunk, "OBJECT", "ENCODING", "shrunk");
    expect_cmd(fd, popped, "OBJECT", "ENCODING", "popped");
    expect_cmd(fd,
               "*4\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$5\r\n70000\r\n"
               "$19\r\n9223372036854775807\r\n",
               "SMEMBERS", "wide");
    expect_cmd(fd, ":10\r\n", "SCARD", "shrunk");
    expect_cmd(fd, ":10\r\n", "SCARD", "popped");
    expect_cmd(fd, ":600\r\n", "SCARD", "big");
}

Test(aof, set_encodings_after_replay_and_rewrite, .timeout = 120) {
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    h_server_t s;
    start_in(&s, dir, "everysec", NULL);
    int fd = h_connect(s.port);
    sadd_n(fd, "small", 1, 10);
    expect_cmd(fd, ":4\r\n", "SADD", "wide", "70000", "-1",
               "9223372036854775807", "-9223372036854775808");
    expect_cmd(fd, ":3\r\n", "SADD", "strs", "1", "2", "007");
    sadd_n(fd, "big", 1, 600);
    sadd_n(fd, "shrunk", 1, 600);
    srem_n(fd, "shrunk", 11, 600);
    sadd_n(fd, "popped", 1, 600);
    h_resp_t *r = h_callp(fd, "SPOP", "popped", "590", NULL);
    cr_assert_eq(r->n, 590);
    h_resp_free(r);
    expect_cmd(fd, "$6\r\nintset\r\n", "OBJECT", "ENCODING", "popped");
    char *before = dump_state(fd);
    close(fd);
    stop_clean(&s);

    start_in(&s, dir, "everysec", NULL); /* the log replayed */
    fd = h_connect(s.port);
    expect_set_encodings(fd, "$9\r\nhashtable\r\n", "$9\r\nhashtable\r\n");
    char *replayed = dump_state(fd);
    expect_same_state(before, replayed);
    expect_cmd(fd, "+Background append only file rewriting started\r\n",
               "BGREWRITEAOF");
    wait_rewrites(fd, 1);
    close(fd);
    stop_clean(&s);

    start_in(&s, dir, "everysec", NULL); /* the rewrite loaded */
    fd = h_connect(s.port);
    expect_set_encodings(fd, "$6\r\nintset\r\n", "$6\r\nintset\r\n");
    char *rewritten = dump_state(fd);
    expect_same_state(before, rewritten);
    close(fd);
    stop_clean(&s);
    free(before);
    free(replayed);
    free(rewritten);
    rm_tree(dir);
}
