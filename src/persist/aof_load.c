/* Loading the AOF at start-up, before any client: every command is replayed
 * through the command table and dispatch with no client (call->conn NULL),
 * so replay validates it the way a client's command is validated (unknown
 * command, arity, WRONGTYPE); what fails is skipped and reported. Nothing
 * expires while the file loads (its own DELs say when keys went), as in
 * Redis.
 *
 * The file must be a sequence of RESP arrays of bulk strings. Two kinds of
 * damage are told apart:
 * - truncated: the file ends inside a record (a crash mid-write). With
 *   aof-load-truncated yes (the default) the partial record is cut off the
 *   file with a warning and the server starts; with no it refuses.
 * - corrupt: bytes that are not RESP where a record should be, with more
 *   data after them. The server refuses to start, naming the offset, unless
 *   aof-load-corrupted yes: then it loads the valid prefix and moves the
 *   rest to <file>.corrupt-<unix time> before cutting the file (an operator
 *   asked for it; the bytes are kept for inspection). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/aof.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "persist/aof_int.h"

/* Report at most this many skipped commands one by one. */
#define SKIP_REPORT 10
/* Log progress about this often. */
#define PROGRESS_US 1000000
/* Redis's limit on a multibulk count (1024*1024*1024 in 7.0: INT_MAX). */
#define MAX_ARGC (1L << 30)

typedef enum { P_OK, P_TRUNCATED, P_CORRUPT } pstat_t;

typedef struct parser {
    const char *d;
    size_t n, off;
    const char *why; /* P_CORRUPT: what was wrong */
    size_t bad_off;  /* P_CORRUPT: where */
} parser_t;

/* Reads "<c><digits>\r\n" at p->off. */
static pstat_t read_num(parser_t *p, char c, long long max, long long *out) {
    size_t i = p->off;
    if (i >= p->n) return P_TRUNCATED;
    if (p->d[i] != c) {
        p->why = c == '*' ? "expected '*' (start of a command)"
                          : "expected '$' (a bulk string)";
        p->bad_off = i;
        return P_CORRUPT;
    }
    i++;
    long long v = 0;
    size_t start = i;
    while (i < p->n && p->d[i] >= '0' && p->d[i] <= '9') {
        if (v > max / 10) goto bad;
        v = v * 10 + (p->d[i] - '0');
        i++;
        if (i - start > 19) goto bad;
    }
    if (i >= p->n) return P_TRUNCATED;
    if (i == start || p->d[i] != '\r') goto bad;
    if (i + 1 >= p->n) return P_TRUNCATED;
    if (p->d[i + 1] != '\n') goto bad;
    if (v > max) goto bad;
    *out = v;
    p->off = i + 2;
    return P_OK;
bad:
    p->why = "invalid length";
    p->bad_off = i < p->n ? i : p->n;
    return P_CORRUPT;
}

/* Parses one command into *argv (grown as needed). */
static pstat_t parse_cmd(parser_t *p, mr_str_t **argv, int *cap, int *argc) {
    long long n;
    pstat_t st = read_num(p, '*', MAX_ARGC, &n);
    if (st != P_OK) return st;
    if (n < 1) {
        p->why = "empty command";
        p->bad_off = p->off;
        return P_CORRUPT;
    }
    if (n > *cap) {
        /* bounded by the bytes left: every argument takes at least 6 */
        if ((size_t)n > (p->n - p->off) / 6 + 1) return P_TRUNCATED;
        *cap = (int)n;
        *argv = mr_xrealloc(*argv, sizeof **argv * (size_t)n);
    }
    for (long long i = 0; i < n; i++) {
        long long len;
        st = read_num(p, '$', LLONG_MAX, &len);
        if (st != P_OK) return st;
        /* a length past the end of the file: the file is short */
        if ((size_t)len > p->n - p->off || p->n - p->off - (size_t)len < 2)
            return P_TRUNCATED;
        if (p->d[p->off + len] != '\r' || p->d[p->off + len + 1] != '\n') {
            p->why = "bulk string not followed by CRLF";
            p->bad_off = p->off + (size_t)len;
            return P_CORRUPT;
        }
        (*argv)[i] = (mr_str_t){p->d + p->off, (size_t)len};
        p->off += (size_t)len + 2;
    }
    *argc = (int)n;
    return P_OK;
}

/* Saves bytes [from, n) aside before the file is cut there. */
static bool save_tail(const char *path, const char *d, size_t from, size_t n) {
    char out[4096];
    snprintf(out, sizeof out, "%s.corrupt-%lld", path,
             (long long)(mr_mstime() / 1000));
    int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    size_t off = from;
    while (off < n) {
        ssize_t k = write(fd, d + off, n - off);
        if (k <= 0) {
            close(fd);
            return false;
        }
        off += (size_t)k;
    }
    bool ok = fsync(fd) == 0;
    close(fd);
    if (ok) mr_log(MR_LOG_WARNING, "The %zu bytes after offset %zu were saved in %s",
                   n - from, from, out);
    return ok;
}

/* ---- MULTI ... EXEC blocks ----
 * A transaction is logged as one block (mr/aof.h). It is parsed whole
 * before any of it runs, so a block the file ends inside (a crash while
 * it was written, or a clean end before its EXEC) is dropped with the
 * truncated tail, as Redis reverts an incomplete MULTI, and a corrupt one
 * is not half applied. */
typedef struct block {
    mr_str_t *args; /* every command's argv, one after the other */
    size_t nargs, acap;
    int *argcs;
    size_t ncmds, ccap;
} block_t;

static bool is_word(const mr_str_t *argv, int argc, const char *w) {
    return argc == 1 && mr_str_eq_ci(argv[0], w);
}

static pstat_t parse_block(parser_t *p, block_t *b) {
    b->nargs = b->ncmds = 0;
    mr_str_t *argv = NULL;
    int cap = 0, argc = 0;
    pstat_t st;
    for (;;) {
        if (p->off >= p->n) {
            st = P_TRUNCATED; /* ended before its EXEC */
            break;
        }
        size_t at = p->off;
        st = parse_cmd(p, &argv, &cap, &argc);
        if (st != P_OK) break;
        if (is_word(argv, argc, "EXEC")) break;
        if (is_word(argv, argc, "MULTI")) {
            p->why = "MULTI inside a transaction";
            p->bad_off = at;
            st = P_CORRUPT;
            break;
        }
        if (b->nargs + (size_t)argc > b->acap) {
            b->acap = (b->nargs + (size_t)argc) * 2;
            b->args = mr_xrealloc(b->args, sizeof *b->args * b->acap);
        }
        memcpy(b->args + b->nargs, argv, sizeof *argv * (size_t)argc);
        b->nargs += (size_t)argc;
        if (b->ncmds == b->ccap) {
            b->ccap = b->ccap ? b->ccap * 2 : 16;
            b->argcs = mr_xrealloc(b->argcs, sizeof *b->argcs * b->ccap);
        }
        b->argcs[b->ncmds++] = argc;
    }
    mr_free(argv);
    return st;
}

/* Runs one replayed command; returns false (reply text in why) when it
 * was refused. */
static bool replay(mr_call_t *call, mr_buf_t *rb, char *why, size_t whylen) {
    rb->len = 0;
    call->reply->errors = 0;
    const mr_cmd_t *cmd =
        mr_cmd_lookup(call->argv[0].ptr, call->argv[0].len);
    /* only writes (and SELECT) belong in an AOF: anything else would touch
     * client state that does not exist here */
    if (cmd && !(cmd->flags & MR_CMD_WRITE) && strcmp(cmd->name, "select")) {
        snprintf(why, whylen, "not a write command");
        return false;
    }
    mr_dispatch(call);
    if (call->reply->errors == 0) return true;
    size_t n = rb->len > 2 ? rb->len - 3 : 0; /* "-...\r\n" */
    if (n > whylen - 1) n = whylen - 1;
    memcpy(why, rb->data + 1, n);
    why[n] = '\0';
    return false;
}

static void show_cmd(const mr_call_t *call, char *out, size_t outlen) {
    int n = (int)(call->argv[0].len < 32 ? call->argv[0].len : 32);
    snprintf(out, outlen, "%.*s", n, call->argv[0].ptr);
}

bool mr_aof_load(void) {
    if (!MR_CFG(appendonly)) return true;
    const char *path = mr_aof_path();
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            mr_log(MR_LOG_NOTICE, "No append only file %s yet: starting empty", path);
            return true;
        }
        mr_log(MR_LOG_WARNING, "Can't open the append only file %s: %s", path,
               strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        mr_log(MR_LOG_WARNING, "Can't stat the append only file: %s", strerror(errno));
        close(fd);
        return false;
    }
    size_t size = (size_t)st.st_size;
    if (size == 0) {
        close(fd);
        return true;
    }
    const char *d = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (d == MAP_FAILED) {
        mr_log(MR_LOG_WARNING, "Can't map the append only file: %s", strerror(errno));
        close(fd);
        return false;
    }
    madvise((void *)d, size, MADV_SEQUENTIAL);
    mr_log(MR_LOG_NOTICE, "Loading the append only file %s (%zu bytes)", path, size);

    uint64_t t0 = mr_monotonic_us(), last_report = t0;
    mr_store_pause_expiry(true);
    parser_t p = {.d = d, .n = size};
    mr_str_t *argv = NULL;
    int cap = 0, argc = 0;
    mr_buf_t rb = {0};
    mr_reply_t reply = {.out = &rb, .resp = 2};
    mr_call_t call = {.reply = &reply, .db = 0};
    long long done = 0, skipped = 0;
    pstat_t stt = P_OK;
    size_t cmd_start = 0;
    block_t blk = {0};
    bool in_block = false; /* the damage is inside a MULTI block */
    while (p.off < size) {
        cmd_start = p.off;
        stt = parse_cmd(&p, &argv, &cap, &argc);
        if (stt != P_OK) break;
        size_t ncmds = 1;
        mr_str_t *next = argv;
        const int *argcs = &argc;
        if (is_word(argv, argc, "MULTI")) {
            stt = parse_block(&p, &blk);
            if (stt != P_OK) {
                in_block = true;
                break;
            }
            ncmds = blk.ncmds;
            next = blk.args;
            argcs = blk.argcs;
        }
        for (size_t k = 0; k < ncmds; k++) {
            call.argv = next;
            call.argc = argcs[k];
            next += argcs[k];
            call.now_ms = mr_mstime();
            char why[256];
            if (replay(&call, &rb, why, sizeof why)) {
                done++;
            } else {
                if (skipped < SKIP_REPORT) {
                    char name[40];
                    show_cmd(&call, name, sizeof name);
                    mr_log(MR_LOG_WARNING,
                           "AOF replay skipped the command '%s' at offset %zu: %s",
                           name, cmd_start, why);
                }
                skipped++;
            }
        }
        uint64_t now = mr_monotonic_us();
        if (now - last_report >= PROGRESS_US) {
            mr_log(MR_LOG_NOTICE, "Loading the AOF: %zu of %zu bytes (%.1f%%)",
                   p.off, size, 100.0 * (double)p.off / (double)size);
            last_report = now;
        }
    }
    mr_store_pause_expiry(false);
    mr_free(argv);
    mr_free(blk.args);
    mr_free(blk.argcs);
    mr_buf_free(&rb);

    bool ok = true;
    size_t keep = size;
    if (stt == P_TRUNCATED) {
        if (in_block)
            mr_log(MR_LOG_WARNING,
                   "Revert incomplete MULTI/EXEC transaction in AOF file %s", path);
        if (MR_CFG(aof_load_truncated)) {
            mr_log(MR_LOG_WARNING,
                   "!!! Warning: short read while loading the AOF file %s!!!", path);
            mr_log(MR_LOG_WARNING,
                   "!!! Truncating the AOF at offset %zu (%zu bytes of an incomplete last command) !!!",
                   cmd_start, size - cmd_start);
            mr_log(MR_LOG_WARNING,
                   "AOF loaded anyway because aof-load-truncated is enabled");
            keep = cmd_start;
        } else {
            mr_log(MR_LOG_WARNING,
                   "Unexpected end of file reading the append only file %s at offset %zu. "
                   "You can: 1) Make a backup of your AOF file, then use "
                   "redis-check-aof --fix <filename>. 2) Alternatively you can set the "
                   "'aof-load-truncated' configuration option to yes and restart the server.",
                   path, cmd_start);
            ok = false;
        }
    } else if (stt == P_CORRUPT) {
        mr_log(MR_LOG_WARNING,
               "Bad file format reading the append only file %s at offset %zu "
               "(the command starting at offset %zu): %s",
               path, p.bad_off, cmd_start, p.why);
        if (MR_CFG(aof_load_corrupted) && save_tail(path, d, cmd_start, size)) {
            mr_log(MR_LOG_WARNING,
                   "AOF loaded up to offset %zu because aof-load-corrupted is enabled",
                   cmd_start);
            keep = cmd_start;
        } else {
            mr_log(MR_LOG_WARNING,
                   "Refusing to start. Make a backup of the file, then repair it "
                   "(redis-check-aof --fix <filename>), or start with "
                   "--aof-load-corrupted yes to load the %zu bytes before the damage.",
                   cmd_start);
            ok = false;
        }
    }
    munmap((void *)d, size);
    if (ok && keep < size) {
        if (ftruncate(fd, (off_t)keep) != 0 || fsync(fd) != 0) {
            mr_log(MR_LOG_WARNING, "Can't truncate the append only file: %s",
                   strerror(errno));
            ok = false;
        }
    }
    close(fd);
    if (!ok) return false;
    if (skipped)
        mr_log(MR_LOG_WARNING, "AOF replay skipped %lld of %lld commands (see above)",
               skipped, skipped + done);
    char secs[32], cmds[32];
    snprintf(secs, sizeof secs, "%.3f", (double)(mr_monotonic_us() - t0) / 1e6);
    snprintf(cmds, sizeof cmds, "%lld", done);
    const char *kv[] = {"load_seconds", secs, "commands", cmds};
    mr_log_fields(MR_LOG_NOTICE, kv, 2,
                  "DB loaded from append only file: %s seconds (%s commands)",
                  secs, cmds);
    return true;
}
