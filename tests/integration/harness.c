/* Integration test harness: see harness.h. */
#include "harness.h"

#include <criterion/criterion.h>
#include <criterion/event.h>
#include <criterion/hooks.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_TIMEOUT_MS 5000
#define STOP_TIMEOUT_MS 5000
#define START_ATTEMPTS 5
#define MAX_DEPTH 64
#define MAX_AGG 50000000LL
#define MAX_BULK (1LL << 31)

/* ------------------------------------------------------------------ */
/* small utilities                                                     */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

long long h_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void h_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

/* Fails the current test, reporting the caller's location. */
static void __attribute__((noreturn, format(printf, 3, 4)))
fail_at(const char *file, int line, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    fprintf(stderr, "%s:%d: %s\n", file, line, msg ? msg : "(failure)");
    struct criterion_assert_stats st;
    memset(&st, 0, sizeof st);
    st.passed = false;
    st.file = file;
    st.line = (unsigned)line;
    st.message = msg ? msg : "failure";
    criterion_send_assert(&st);
    free(msg);
    criterion_abort_test();
}

char *h_escape(const void *vbuf, size_t len)
{
    const unsigned char *p = vbuf;
    /* Huge buffers: head and tail only, so a 10 MB mismatch stays readable. */
    size_t head = len, tail_from = len;
    if (len > 4096) {
        head = 2048;
        tail_from = len - 512;
    }
    size_t cap = (head + (len - tail_from)) * 4 + 64;
    char *out = xmalloc(cap);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (i == head && i < tail_from) {
            o += (size_t)snprintf(out + o, cap - o, "...(%zu bytes)...",
                                  tail_from - head);
            i = tail_from - 1;
            continue;
        }
        unsigned char c = p[i];
        switch (c) {
        case '\r': out[o++] = '\\'; out[o++] = 'r'; break;
        case '\n': out[o++] = '\\'; out[o++] = 'n'; break;
        case '\t': out[o++] = '\\'; out[o++] = 't'; break;
        case '\0': out[o++] = '\\'; out[o++] = '0'; break;
        case '\\': out[o++] = '\\'; out[o++] = '\\'; break;
        default:
            if (c >= 0x20 && c < 0x7f)
                out[o++] = (char)c;
            else
                o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        }
    }
    out[o] = '\0';
    return out;
}

bool h_field(const char *text, const char *field, char *out, size_t outlen)
{
    size_t fl = strlen(field);
    const char *p = text;
    while (p && *p) {
        /* a field starts a line or follows a space (CLIENT LIST lines) */
        if ((p == text || p[-1] == '\n' || p[-1] == ' ') &&
            strncmp(p, field, fl) == 0 && (p[fl] == ':' || p[fl] == '=')) {
            const char *v = p + fl + 1;
            size_t n = strcspn(v, " \r\n");
            if (n >= outlen)
                n = outlen - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
        p++;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* servers                                                             */

static char bin_path[PATH_MAX * 2 + 2];

const char *h_bin(void)
{
    if (bin_path[0])
        return bin_path;
    const char *env = getenv("MINIREDIS_BIN");
    if (!env || !*env) {
        fprintf(stderr, "harness: MINIREDIS_BIN is not set\n");
        return NULL;
    }
    /* Absolute (the server runs in its own dir) but symlinks kept:
     * redis-server is a link to redis-check-rdb and picks its mode from
     * argv[0]. */
    char cwd[PATH_MAX];
    if (env[0] == '/')
        snprintf(bin_path, sizeof bin_path, "%s", env);
    else if (getcwd(cwd, sizeof cwd))
        snprintf(bin_path, sizeof bin_path, "%s/%s", cwd, env);
    if (!bin_path[0] || access(bin_path, X_OK) != 0) {
        fprintf(stderr, "harness: MINIREDIS_BIN=%s is not executable\n", env);
        bin_path[0] = '\0';
        return NULL;
    }
    return bin_path;
}

bool is_real_redis(void)
{
    const char *b = h_bin();
    if (!b)
        return false;
    const char *base = strrchr(b, '/');
    base = base ? base + 1 : b;
    return strstr(base, "redis-server") != NULL;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t al = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static bool make_dir(h_server_t *s)
{
    if (s->dir[0])
        return true;
    /* Keep it short: a Unix socket path inside must fit sun_path. */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 60)
        tmp = "/tmp";
    snprintf(s->dir, sizeof s->dir, "%s/mrt-XXXXXX", tmp);
    if (!mkdtemp(s->dir)) {
        fprintf(stderr, "harness: mkdtemp %s: %s\n", s->dir, strerror(errno));
        s->dir[0] = '\0';
        return false;
    }
    snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
    return true;
}

int h_server_spawn(h_server_t *s, int port, const char *const *extra)
{
    const char *bin = h_bin();
    if (!bin || !make_dir(s))
        return -1;
    const char *argv[64];
    int n = 0;
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%d", port);
    argv[n++] = bin;
    argv[n++] = "--port";
    argv[n++] = portbuf;
    argv[n++] = "--bind";
    argv[n++] = "127.0.0.1";
    if (is_real_redis()) {
        argv[n++] = "--save";
        argv[n++] = "";
        argv[n++] = "--appendonly";
        argv[n++] = "no";
    } else {
        argv[n++] = "--threads";
        argv[n++] = "2";
    }
    for (int i = 0; extra && extra[i] && n < 62; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;

    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "harness: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* The server must not outlive the test process that owns it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int lfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int nfd = open("/dev/null", O_RDONLY);
        if (lfd < 0 || nfd < 0 || chdir(s->dir) != 0)
            _exit(127);
        dup2(nfd, 0);
        dup2(lfd, 1);
        dup2(lfd, 2);
        signal(SIGPIPE, SIG_DFL);
        execv(bin, (char *const *)argv);
        dprintf(2, "harness: exec %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    s->pid = pid;
    s->port = port;
    s->child = true;
    return 0;
}

static bool log_contains(const h_server_t *s, const char *needle)
{
    FILE *f = fopen(s->log, "r");
    if (!f)
        return false;
    char line[1024];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

void h_server_dump_log(const h_server_t *s)
{
    FILE *f = fopen(s->log, "r");
    if (!f)
        return;
    fprintf(stderr, "---- server log %s ----\n", s->log);
    char line[1024];
    int lines = 0;
    while (fgets(line, sizeof line, f) && lines++ < 400)
        fputs(line, stderr);
    fprintf(stderr, "---- end of server log ----\n");
    fclose(f);
}

/* One PING round trip on a fresh connection; true on +PONG. */
static bool probe(int port)
{
    int fd = h_try_connect(port);
    if (fd < 0)
        return false;
    char buf[7];
    bool ok = h_send_str(fd, "PING\r\n") &&
              h_read_exact(fd, buf, 7, 500) == 7 &&
              memcmp(buf, "+PONG\r\n", 7) == 0;
    close(fd);
    return ok;
}

int h_server_start(h_server_t *s, const char *const *extra)
{
    memset(s, 0, sizeof *s);
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        int port = free_port();
        if (port <= 0)
            continue;
        if (s->log[0])
            unlink(s->log);
        if (h_server_spawn(s, port, extra) != 0)
            return -1;
        long long deadline = h_now_ms() + START_TIMEOUT_MS;
        bool exited = false;
        while (h_now_ms() < deadline) {
            int st;
            if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
                exited = true;
                break;
            }
            if (probe(port))
                return 0;
            h_sleep_ms(10);
        }
        if (exited) {
            s->pid = 0;
            /* Lost the race for the port: try another one. */
            if (log_contains(s, "in use") || log_contains(s, "EADDRINUSE"))
                continue;
            fprintf(stderr, "harness: server exited during start-up\n");
            h_server_dump_log(s);
            return -1;
        }
        fprintf(stderr, "harness: server did not answer PING within %d ms\n",
                START_TIMEOUT_MS);
        h_server_dump_log(s);
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
        return -1;
    }
    fprintf(stderr, "harness: could not start the server after %d attempts\n",
            START_ATTEMPTS);
    h_server_dump_log(s);
    return -1;
}

bool h_server_wait_exit(h_server_t *s, int timeout_ms, int *status)
{
    if (!s->pid || !s->child)
        return false;
    long long deadline = h_now_ms() + timeout_ms;
    do {
        int st;
        pid_t r = waitpid(s->pid, &st, WNOHANG);
        if (r == s->pid || (r < 0 && errno == ECHILD)) {
            s->pid = 0;
            if (status)
                *status = r > 0 ? st : -1;
            return true;
        }
        h_sleep_ms(5);
    } while (h_now_ms() < deadline);
    return false;
}

static void remove_dir(h_server_t *s)
{
    if (!s->dir[0] || getenv("H_KEEP_LOGS"))
        return;
    /* Flat directory of our own making: log, sockets, server files. */
    DIR *d = opendir(s->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[600];
            snprintf(p, sizeof p, "%s/%s", s->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(s->dir);
    s->dir[0] = '\0';
}

int h_server_stop(h_server_t *s)
{
    int status = -1;
    if (s->pid && s->child) {
        kill(s->pid, SIGTERM);
        if (!h_server_wait_exit(s, STOP_TIMEOUT_MS, &status)) {
            fprintf(stderr, "harness: server %d ignored SIGTERM for %d ms\n",
                    (int)s->pid, STOP_TIMEOUT_MS);
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            s->pid = 0;
        }
    } else if (s->pid) {
        kill(s->pid, SIGTERM);
        s->pid = 0;
    }
    if (status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        h_server_dump_log(s);
    remove_dir(s);
    return status;
}

/* ---- the shared server ---- */

static h_server_t shared;          /* runner process (hook) or lazy start */
static h_server_t shared_view;     /* what a test process read */
static bool shared_loaded;
static bool shared_failed_exit;

static void info_path(pid_t runner, char *out, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf(out, n, "%s/mr-harness-%d.info", tmp, (int)runner);
}

static void fail_exit(void)
{
    if (shared_failed_exit)
        _exit(1);
}

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    (void)set;
    char path[PATH_MAX];
    info_path(getpid(), path, sizeof path);
    signal(SIGPIPE, SIG_IGN);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    if (h_server_start(&shared, NULL) == 0)
        fprintf(f, "%d %d %s\n", shared.port, (int)shared.pid, shared.dir);
    else
        fprintf(f, "0 0 -\n");
    fclose(f);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    char path[PATH_MAX];
    info_path(getpid(), path, sizeof path);
    unlink(path);
    if (!shared.pid)
        return;
    int st;
    /* A server that died during the run (crash, sanitizer abort) fails the
     * binary even if every test happened to pass. */
    if (waitpid(shared.pid, &st, WNOHANG) == shared.pid) {
        fprintf(stderr, "harness: shared server died during the run "
                        "(status 0x%x)\n", st);
        h_server_dump_log(&shared);
        shared.pid = 0;
        remove_dir(&shared);
        shared_failed_exit = true;
    } else {
        st = h_server_stop(&shared);
        if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
            fprintf(stderr, "harness: shared server exited with status 0x%x "
                            "on SIGTERM\n", st);
            shared_failed_exit = true;
        }
    }
    if (shared_failed_exit)
        atexit(fail_exit);
}

static void stop_lazy_shared(void)
{
    if (shared.pid)
        h_server_stop(&shared);
}

const h_server_t *h_shared(void)
{
    if (shared_loaded)
        return &shared_view;
    signal(SIGPIPE, SIG_IGN);
    char path[PATH_MAX];
    info_path(getppid(), path, sizeof path);
    FILE *f = fopen(path, "r");
    if (f) {
        int port = 0, pid = 0;
        char dir[256] = "";
        int n = fscanf(f, "%d %d %255s", &port, &pid, dir);
        fclose(f);
        if (n != 3 || port <= 0)
            fail_at(__FILE__, __LINE__, "the shared server failed to start (see stderr)");
        memset(&shared_view, 0, sizeof shared_view);
        shared_view.port = port;
        shared_view.pid = pid;
        snprintf(shared_view.dir, sizeof shared_view.dir, "%s", dir);
        snprintf(shared_view.log, sizeof shared_view.log, "%s/server.log",
                 dir);
    } else {
        /* No runner hook (e.g. a debugger run): own server, stopped at exit. */
        if (h_server_start(&shared, NULL) != 0)
            fail_at(__FILE__, __LINE__, "could not start the server under test");
        atexit(stop_lazy_shared);
        shared_view = shared;
    }
    shared_loaded = true;
    return &shared_view;
}

int h_port(void)
{
    return h_shared()->port;
}

/* ------------------------------------------------------------------ */
/* connections                                                         */

void h_set_timeout_ms(int fd, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int h_try_connect(int port)
{
    signal(SIGPIPE, SIG_IGN);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    h_set_timeout_ms(fd, H_TIMEOUT_MS);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int h_connect(int port)
{
    int fd = h_try_connect(port);
    if (fd < 0)
        fail_at(__FILE__, __LINE__, "connect to 127.0.0.1:%d: %s", port, strerror(errno));
    return fd;
}

int h_connect_unix(const char *path)
{
    signal(SIGPIPE, SIG_IGN);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) {
        close(fd);
        return -1;
    }
    strcpy(a.sun_path, path);
    h_set_timeout_ms(fd, H_TIMEOUT_MS);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int h_conn(void)
{
    return h_connect(h_port());
}

bool h_send(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    long long deadline = h_now_ms() + H_TIMEOUT_MS;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
            h_now_ms() < deadline)
            continue;
        return false;
    }
    return true;
}

bool h_send_str(int fd, const char *s)
{
    return h_send(fd, s, strlen(s));
}

/* Waits until fd is readable or the deadline passes. */
static bool wait_readable(int fd, long long deadline)
{
    for (;;) {
        long long left = deadline - h_now_ms();
        if (left < 0)
            left = 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r > 0)
            return true;
        if (r == 0)
            return false;
        if (errno != EINTR)
            return false;
    }
}

/* recv honouring an absolute deadline. >0 bytes, 0 EOF, -1 timeout/error. */
static ssize_t recv_until(int fd, void *buf, size_t n, int flags,
                          long long deadline)
{
    for (;;) {
        if (!wait_readable(fd, deadline))
            return -1;
        ssize_t r = recv(fd, buf, n, flags | MSG_DONTWAIT);
        if (r >= 0)
            return r;
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            continue;
        return -1;
    }
}

size_t h_read_exact(int fd, void *buf, size_t n, int timeout_ms)
{
    long long deadline = h_now_ms() + timeout_ms;
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv_until(fd, (char *)buf + got, n - got, 0, deadline);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

bool h_is_closed(int fd, int timeout_ms)
{
    long long deadline = h_now_ms() + timeout_ms;
    char c;
    if (!wait_readable(fd, deadline))
        return false;
    ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT);
    if (r == 0)
        return true;
    if (r < 0 && (errno == ECONNRESET || errno == EPIPE))
        return true;
    return false;
}

bool h_no_data(int fd, int ms)
{
    return !wait_readable(fd, h_now_ms() + ms);
}

/* ------------------------------------------------------------------ */
/* RESP                                                                */

char *h_resp_cmd(int argc, const char *const *argv, const size_t *lens,
                 size_t *out_len)
{
    size_t cap = 32;
    for (int i = 0; i < argc; i++)
        cap += (lens ? lens[i] : strlen(argv[i])) + 32;
    char *out = xmalloc(cap);
    size_t o = (size_t)snprintf(out, cap, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        size_t l = lens ? lens[i] : strlen(argv[i]);
        o += (size_t)snprintf(out + o, cap - o, "$%zu\r\n", l);
        memcpy(out + o, argv[i], l);
        o += l;
        out[o++] = '\r';
        out[o++] = '\n';
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

typedef struct rbuf {
    char *p;
    size_t len, cap;
} rbuf_t;

static void rb_reserve(rbuf_t *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + extra + 1)
            nc *= 2;
        b->p = xrealloc(b->p, nc);
        b->cap = nc;
    }
}

/* Appends one line (through "\n") without reading past it: peek, then
 * consume exactly the line's bytes. */
static bool read_line(int fd, rbuf_t *b, long long deadline, size_t *line_at)
{
    *line_at = b->len;
    for (int guard = 0; guard < 1000000; guard++) {
        char tmp[512];
        ssize_t n = recv_until(fd, tmp, sizeof tmp, MSG_PEEK, deadline);
        if (n <= 0)
            return false;
        char *nl = memchr(tmp, '\n', (size_t)n);
        size_t take = nl ? (size_t)(nl - tmp) + 1 : (size_t)n;
        rb_reserve(b, take);
        ssize_t r = recv(fd, b->p + b->len, take, MSG_DONTWAIT);
        if (r != (ssize_t)take)
            return false;
        b->len += take;
        if (nl)
            return true;
        if (b->len - *line_at > (1u << 20))
            return false;
    }
    return false;
}

static bool parse_ll(const char *s, size_t n, long long *out)
{
    char tmp[32];
    if (n == 0 || n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool read_value(int fd, rbuf_t *b, long long deadline, int depth)
{
    if (depth > MAX_DEPTH)
        return false;
    size_t at;
    if (!read_line(fd, b, deadline, &at))
        return false;
    size_t ll = b->len - at;
    if (ll < 3 || b->p[b->len - 2] != '\r')
        return false;
    char t = b->p[at];
    long long n;
    switch (t) {
    case '+': case '-': case ':': case '_': case ',': case '#': case '(':
        return true;
    case '$': case '!': case '=':
        if (!parse_ll(b->p + at + 1, ll - 3, &n))
            return false;
        if (n < 0)
            return t == '$' && n == -1;
        if (n > MAX_BULK)
            return false;
        rb_reserve(b, (size_t)n + 2);
        if (h_read_exact(fd, b->p + b->len, (size_t)n + 2,
                         (int)(deadline - h_now_ms() > 0
                                   ? deadline - h_now_ms() : 0)) !=
            (size_t)n + 2)
            return false;
        b->len += (size_t)n + 2;
        return true;
    case '*': case '~': case '>': case '%': case '|':
        if (!parse_ll(b->p + at + 1, ll - 3, &n))
            return false;
        if (n < 0)
            return t == '*' && n == -1;
        if (n > MAX_AGG)
            return false;
        if (t == '%' || t == '|')
            n *= 2;
        for (long long i = 0; i < n; i++)
            if (!read_value(fd, b, deadline, depth + 1))
                return false;
        /* An attribute decorates the reply that follows it. */
        if (t == '|')
            return read_value(fd, b, deadline, depth + 1);
        return true;
    default:
        return false;
    }
}

h_bytes_t h_read_reply(int fd)
{
    rbuf_t b = {0};
    h_bytes_t out = {NULL, 0};
    bool ok = read_value(fd, &b, h_now_ms() + H_TIMEOUT_MS, 0);
    if (!ok) {
        free(b.p);
        return out;
    }
    rb_reserve(&b, 0);
    b.p[b.len] = '\0';
    out.buf = b.p;
    out.len = b.len;
    return out;
}

h_bytes_t h_callv(int fd, int argc, const char *const *argv,
                  const size_t *lens)
{
    size_t len;
    char *req = h_resp_cmd(argc, argv, lens, &len);
    bool sent = h_send(fd, req, len);
    free(req);
    if (!sent) {
        h_bytes_t none = {NULL, 0};
        return none;
    }
    return h_read_reply(fd);
}

static int collect_args(const char *arg0, va_list ap, const char **argv,
                        int max)
{
    int argc = 0;
    for (const char *a = arg0; a && argc < max; a = va_arg(ap, const char *))
        argv[argc++] = a;
    return argc;
}

h_bytes_t h_call(int fd, const char *arg0, ...)
{
    const char *argv[256];
    va_list ap;
    va_start(ap, arg0);
    int argc = collect_args(arg0, ap, argv, 256);
    va_end(ap);
    return h_callv(fd, argc, argv, NULL);
}

void h_bytes_free(h_bytes_t *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = 0;
}

/* ---- parsing into a tree ---- */

static h_resp_t *parse_at(const char *buf, size_t len, size_t *pos,
                          int depth);

static h_resp_t *new_node(char t)
{
    h_resp_t *r = xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->type = t;
    return r;
}

static h_resp_t *parse_at(const char *buf, size_t len, size_t *pos, int depth)
{
    if (depth > MAX_DEPTH || *pos >= len)
        return NULL;
    const char *start = buf + *pos;
    const char *cr = memchr(start, '\r', len - *pos);
    if (!cr || (size_t)(cr - buf) + 1 >= len || cr[1] != '\n')
        return NULL;
    char t = start[0];
    const char *payload = start + 1;
    size_t plen = (size_t)(cr - payload);
    *pos = (size_t)(cr - buf) + 2;
    h_resp_t *r = new_node(t);
    long long n = 0;
    switch (t) {
    case '+': case '-': case ',': case '(':
        r->str = xmalloc(plen + 1);
        memcpy(r->str, payload, plen);
        r->str[plen] = '\0';
        r->len = plen;
        return r;
    case ':':
        if (!parse_ll(payload, plen, &r->integer))
            break;
        return r;
    case '#':
        if (plen != 1 || (payload[0] != 't' && payload[0] != 'f'))
            break;
        r->integer = payload[0] == 't';
        return r;
    case '_':
        r->is_null = true;
        return r;
    case '$': case '!': case '=':
        if (!parse_ll(payload, plen, &n))
            break;
        if (n == -1 && t == '$') {
            r->is_null = true;
            return r;
        }
        if (n < 0 || (unsigned long long)n + 2 > len - *pos ||
            buf[*pos + (size_t)n] != '\r' || buf[*pos + (size_t)n + 1] != '\n')
            break;
        r->str = xmalloc((size_t)n + 1);
        memcpy(r->str, buf + *pos, (size_t)n);
        r->str[n] = '\0';
        r->len = (size_t)n;
        *pos += (size_t)n + 2;
        return r;
    case '*': case '~': case '>': case '%': case '|':
        if (!parse_ll(payload, plen, &n))
            break;
        if (n == -1 && t == '*') {
            r->is_null = true;
            return r;
        }
        if (n < 0 || n > MAX_AGG || (size_t)n > len)
            break;
        if (t == '%' || t == '|')
            n *= 2;
        r->elems = xmalloc(sizeof(h_resp_t *) * (size_t)(n ? n : 1));
        for (long long i = 0; i < n; i++) {
            h_resp_t *e = parse_at(buf, len, pos, depth + 1);
            if (!e)
                goto bad;
            r->elems[r->n++] = e;
        }
        if (t == '|') {
            /* Attributes are metadata: return the decorated reply. */
            h_resp_free(r);
            return parse_at(buf, len, pos, depth + 1);
        }
        return r;
    default:
        break;
    }
bad:
    h_resp_free(r);
    return NULL;
}

h_resp_t *h_parse(const char *buf, size_t len)
{
    if (!buf)
        return NULL;
    size_t pos = 0;
    h_resp_t *r = parse_at(buf, len, &pos, 0);
    if (r && pos != len) {
        h_resp_free(r);
        return NULL;
    }
    return r;
}

h_resp_t *h_callp(int fd, const char *arg0, ...)
{
    const char *argv[256];
    va_list ap;
    va_start(ap, arg0);
    int argc = collect_args(arg0, ap, argv, 256);
    va_end(ap);
    h_bytes_t b = h_callv(fd, argc, argv, NULL);
    if (!b.buf)
        fail_at(__FILE__, __LINE__, "no complete reply to '%s' within %d ms", arg0,
                 H_TIMEOUT_MS);
    h_resp_t *r = h_parse(b.buf, b.len);
    if (!r) {
        char *e = h_escape(b.buf, b.len);
        fail_at(__FILE__, __LINE__, "unparsable reply to '%s': %s", arg0, e);
    }
    h_bytes_free(&b);
    return r;
}

void h_resp_free(h_resp_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        h_resp_free(r->elems[i]);
    free(r->elems);
    free(r->str);
    free(r);
}

const h_resp_t *h_map_get(const h_resp_t *map, const char *key)
{
    if (!map || (map->type != '%' && map->type != '*'))
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const h_resp_t *k = map->elems[i];
        if (k->str && k->len == kl && memcmp(k->str, key, kl) == 0)
            return map->elems[i + 1];
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* assertions                                                          */

void h_expect_reply_at(const char *file, int line, int fd, const void *req,
                       size_t reqlen, const void *exp, size_t explen)
{
    if (req && reqlen && !h_send(fd, req, reqlen))
        fail_at(file, line, "send failed: %s", strerror(errno));
    char *got = xmalloc(explen + 1);
    size_t n = 0;
    long long deadline = h_now_ms() + H_TIMEOUT_MS;
    bool eof = false, diverged = false;
    while (n < explen) {
        ssize_t r = recv_until(fd, got + n, explen - n, 0, deadline);
        if (r <= 0) {
            eof = r == 0;
            break;
        }
        size_t was = n;
        n += (size_t)r;
        /* Stop early once the bytes differ, after a short grace for the
         * rest of the wrong reply (so the message shows all of it). */
        if (!diverged && memcmp(got + was, (const char *)exp + was,
                                (size_t)r) != 0) {
            diverged = true;
            long long grace = h_now_ms() + 100;
            if (grace < deadline)
                deadline = grace;
        }
    }
    if (n == explen && memcmp(got, exp, explen) == 0) {
        free(got);
        return;
    }
    char *er = h_escape(req ? req : "", req ? reqlen : 0);
    char *ee = h_escape(exp, explen);
    char *eg = h_escape(got, n);
    char *msg = NULL;
    if (asprintf(&msg,
                 "reply mismatch%s\n  request:  \"%s\"\n"
                 "  expected: \"%s\"\n  got:      \"%s\"",
                 eof ? " (connection closed)"
                     : n < explen && !diverged ? " (timed out)" : "",
                 er, ee, eg) < 0)
        msg = NULL;
    free(er);
    free(ee);
    free(eg);
    free(got);
    char stack_msg[4096];
    snprintf(stack_msg, sizeof stack_msg, "%s", msg ? msg : "reply mismatch");
    free(msg);
    fail_at(file, line, "%s", stack_msg);
}

void h_expect_str_at(const char *file, int line, int fd, const char *req,
                     const char *exp)
{
    h_expect_reply_at(file, line, fd, req, req ? strlen(req) : 0, exp,
                      strlen(exp));
}

void h_expect_cmd_at(const char *file, int line, int fd, const char *exp,
                     const char *arg0, ...)
{
    const char *argv[256];
    va_list ap;
    va_start(ap, arg0);
    int argc = collect_args(arg0, ap, argv, 256);
    va_end(ap);
    /* Kept in a static so a failing comparison (which never returns)
     * does not leave a leak report behind. */
    static char *req;
    free(req);
    size_t len;
    req = h_resp_cmd(argc, argv, NULL, &len);
    h_expect_reply_at(file, line, fd, req, len, exp, strlen(exp));
    free(req);
    req = NULL;
}

void h_server_start_workers(h_server_t *s, int n) {
    char threads[16];
    snprintf(threads, sizeof threads, "%d", n);
    const char *const extra[] = {"--threads", threads, NULL};
    cr_assert_eq(h_server_start(s, is_real_redis() ? NULL : extra), 0,
                 "server did not start");
}

void h_server_stop_clean(h_server_t *s) {
    int st = h_server_stop(s);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0x%x", st);
}
