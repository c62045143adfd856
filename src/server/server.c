/* Server lifecycle: listening sockets, worker threads, signals, the
 * instantaneous-metrics sampler, and an orderly stop. The main thread owns
 * all of this and never serves a client. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mr/aof.h"
#include "mr/config.h"
#include "mr/ops.h"
#include "mr/server.h"
#include "mr/stats.h"
#include "mr/task.h"
#include "net/net.h"

mr_server_info_t mr_server;

static _Atomic bool shutdown_requested;

void mr_server_request_shutdown(void) {
    atomic_store(&shutdown_requested, true);
}

/* ---- instantaneous metrics: Redis samples every 100 ms and averages the
 * last 16 samples ---- */
#define SAMPLES 16
enum { MET_OPS, MET_NET_IN, MET_NET_OUT, METRICS };
static _Atomic uint64_t samples[METRICS][SAMPLES]; /* per-second rates x100 */
static int sample_idx;
static uint64_t last_value[METRICS];
static uint64_t last_sample_us;

static void sample_metrics(void) {
    uint64_t now = mr_monotonic_us();
    mr_stats_t s;
    mr_stats_sum(&s);
    uint64_t cur[METRICS] = {s.commands, s.net_input_bytes, s.net_output_bytes};
    if (last_sample_us && now > last_sample_us) {
        uint64_t dt = now - last_sample_us;
        for (int m = 0; m < METRICS; m++) {
            uint64_t delta = cur[m] >= last_value[m] ? cur[m] - last_value[m] : 0;
            atomic_store(&samples[m][sample_idx], delta * 100000000ULL / dt);
        }
        sample_idx = (sample_idx + 1) % SAMPLES;
    }
    memcpy(last_value, cur, sizeof cur);
    last_sample_us = now;
}

static double metric(int m) {
    uint64_t sum = 0;
    for (int i = 0; i < SAMPLES; i++) sum += atomic_load(&samples[m][i]);
    return (double)sum / SAMPLES / 100.0;
}

double mr_server_inst_ops(void) { return metric(MET_OPS); }
double mr_server_inst_input_kbps(void) { return metric(MET_NET_IN) / 1024.0; }
double mr_server_inst_output_kbps(void) { return metric(MET_NET_OUT) / 1024.0; }

/* ---- listeners ---- */

/* SO_REUSEPORT lets any process of the same user join a port, so a second
 * server started on it by mistake would silently take half the clients
 * (and keep its own data). Before the workers bind, a socket without
 * SO_REUSEPORT claims the address: it fails, as Redis's bind would, when
 * anyone already listens there. */
static bool port_is_free(int family, const struct sockaddr *sa,
                         socklen_t sl) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return true; /* the real bind reports the problem */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    bool ok = bind(fd, sa, sl) == 0 || errno != EADDRINUSE;
    close(fd);
    return ok;
}

static int tcp_listener(const char *addr, int port, bool first,
                        bool *optional_skip) {
    char host[256];
    *optional_skip = false;
    bool optional = addr[0] == '-';
    snprintf(host, sizeof host, "%s", optional ? addr + 1 : addr);
    /* Redis's wildcards: "*" any IPv4, "::*" any IPv6 */
    if (strcmp(host, "*") == 0) snprintf(host, sizeof host, "0.0.0.0");
    if (strcmp(host, "::*") == 0) snprintf(host, sizeof host, "::");

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    int family;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        family = s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        sl = sizeof *s4;
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        family = s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        sl = sizeof *s6;
    } else {
        mr_log(MR_LOG_WARNING, "Invalid bind address '%s'", addr);
        return -1;
    }
    int fd = -1;
    if (first && !port_is_free(family, (struct sockaddr *)&ss, sl)) {
        errno = EADDRINUSE;
        goto fail;
    }
    fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) goto fail;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* every worker binds its own socket to the same port; the kernel
     * spreads incoming connections between them */
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sl) < 0) goto fail;
    if (listen(fd, mr_config.tcp_backlog) < 0) goto fail;
    return fd;
fail:;
    int err = errno;
    if (fd >= 0) close(fd);
    if (optional && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT ||
                     err == EPROTONOSUPPORT)) {
        *optional_skip = true;
        return -1;
    }
    mr_log(MR_LOG_WARNING,
           "Warning: Could not create server TCP listening socket %s:%d: %s",
           host, port, strerror(err));
    return -1;
}

static int unix_listener(const char *path, int perm) {
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        mr_log(MR_LOG_WARNING, "unixsocket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    unlink(path); /* a stale socket file from an earlier run */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(fd, mr_config.tcp_backlog) < 0) {
        mr_log(MR_LOG_WARNING, "Failed opening Unix socket %s: %s", path,
               strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    if (perm) chmod(path, (mode_t)perm);
    return fd;
}

static bool open_listeners(void) {
    int unix_fd = -1;
    if (mr_config.unixsocket && mr_config.unixsocket[0]) {
        unix_fd = unix_listener(mr_config.unixsocket, mr_config.unixsocketperm);
        if (unix_fd < 0) return false;
    }
    for (unsigned i = 0; i < mr_nworkers; i++) {
        mr_worker_t *w = &mr_workers[i];
        if (mr_config.port > 0) {
            for (int b = 0; b < mr_config.nbind; b++) {
                bool skipped;
                int fd = tcp_listener(mr_config.bind[b], mr_config.port,
                                      i == 0, &skipped);
                if (fd >= 0) w->listen_fds[w->nlisten++] = fd;
                else if (!skipped) return false;
            }
        }
        if (unix_fd >= 0) w->listen_fds[w->nlisten++] = unix_fd;
        if (w->nlisten == 0) {
            mr_log(MR_LOG_WARNING, "Configured to not listen anywhere, exiting.");
            return false;
        }
    }
    mr_server.tcp_port = mr_config.port;
    return true;
}

/* Stops accepting at once, as Redis closes its listeners first thing when
 * it shuts down: a listening socket stays open while a multishot accept
 * still holds it, until the kernel tears the worker's ring down after the
 * process is gone, so only shutdown() refuses new connections now. */
static void shutdown_listeners(void) {
    for (unsigned i = 0; i < mr_nworkers; i++)
        for (int k = 0; k < mr_workers[i].nlisten; k++)
            shutdown(mr_workers[i].listen_fds[k], SHUT_RDWR);
}

static void close_listeners(void) {
    int unix_fd = -1;
    for (unsigned i = 0; i < mr_nworkers; i++) {
        mr_worker_t *w = &mr_workers[i];
        for (int k = 0; k < w->nlisten; k++) {
            struct sockaddr_storage ss;
            socklen_t sl = sizeof ss;
            if (getsockname(w->listen_fds[k], (struct sockaddr *)&ss, &sl) == 0 &&
                ss.ss_family == AF_UNIX) {
                unix_fd = w->listen_fds[k]; /* shared: closed once below */
                continue;
            }
            close(w->listen_fds[k]);
        }
    }
    if (unix_fd >= 0) {
        close(unix_fd);
        unlink(mr_config.unixsocket);
    }
}

/* Room for maxclients plus our own descriptors, as Redis reserves. */
static void raise_fd_limit(void) {
    struct rlimit rl;
    rlim_t want = (rlim_t)MR_CFG(maxclients) + 32 + 2 * MR_MAX_BIND * 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want) return;
    rlim_t target = want < rl.rlim_max ? want : rl.rlim_max;
    rl.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || target < want) {
        long long allowed = (long long)target - 32;
        if (allowed < 1) allowed = 1;
        mr_log(MR_LOG_WARNING,
               "You requested maxclients of %lld requiring at least %llu max file descriptors; maxclients lowered to %lld.",
               MR_CFG(maxclients), (unsigned long long)want, allowed);
        atomic_store(&mr_config.maxclients, allowed);
    }
}

static void random_hex40(char *out) {
    unsigned char raw[20];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        for (size_t i = 0; i < sizeof raw; i++) raw[i] = (unsigned char)rand();
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

static void make_run_id(void) {
    random_hex40(mr_server.run_id);
    random_hex40(mr_server.replid); /* operating it: INFO master_replid */
}

int mr_server_run(void) {
    mr_server.start_ms = mr_mstime();
    mr_server.start_mono_us = mr_monotonic_us();
    make_run_id();
    ssize_t n = readlink("/proc/self/exe", mr_server.executable,
                         sizeof mr_server.executable - 1);
    if (n > 0) mr_server.executable[n] = '\0';

    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    /* one worker per CPU by default, within the `threads` option's bound
     * (MR_MAX_WORKERS: per-worker tables such as MONITOR's are sized by it) */
    if (cpus > MR_MAX_WORKERS) cpus = MR_MAX_WORKERS;
    mr_nworkers = mr_config.threads > 0 ? (unsigned)mr_config.threads
                                        : (unsigned)(cpus > 0 ? cpus : 1);
    mr_server.workers = mr_nworkers;
    mr_workers = mr_xcalloc(mr_nworkers, sizeof *mr_workers);
    for (unsigned i = 0; i < mr_nworkers; i++) mr_workers[i].id = i;

    raise_fd_limit();
    /* workers and the AOF thread inherit this mask: only the main thread
     * takes signals */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* the data first: no client sees the server before the AOF is in */
    if (!mr_aof_load()) return 1;
    mr_aof_set_durable_cb(mr_workers_durable_advanced);
    if (!mr_aof_start()) return 1;
    if (!mr_audit_start()) { /* operating it: after the AOF replay */
        mr_aof_stop();
        return 1;
    }
    if (!open_listeners()) {
        mr_aof_stop();
        mr_audit_stop();
        return 1;
    }

    mr_supervise_resolve(); /* operating it */
    for (unsigned i = 0; i < mr_nworkers; i++) mr_worker_init(&mr_workers[i]);
    for (unsigned i = 0; i < mr_nworkers; i++) mr_worker_start(&mr_workers[i]);
    char nthreads[16], port[16];
    snprintf(nthreads, sizeof nthreads, "%u", mr_nworkers);
    snprintf(port, sizeof port, "%d", mr_config.port);
    const char *init_kv[] = {"threads", nthreads};
    mr_log_fields(MR_LOG_NOTICE, init_kv, 1,
                  "Server initialized: %u worker threads, pid %d", mr_nworkers,
                  (int)getpid());
    if (mr_config.port > 0) {
        const char *port_kv[] = {"port", port};
        mr_log_fields(MR_LOG_NOTICE, port_kv, 1,
                      "Ready to accept connections tcp on port %d",
                      mr_config.port);
    }
    if (mr_config.unixsocket && mr_config.unixsocket[0])
        mr_log(MR_LOG_NOTICE, "Ready to accept connections unix on %s",
               mr_config.unixsocket);
    mr_pidfile_write();   /* operating it */
    mr_supervise_ready(); /* operating it */

    struct timespec tick = {0, 100 * 1000 * 1000};
    while (!atomic_load(&shutdown_requested)) {
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT) {
            mr_log(MR_LOG_WARNING, "Received %s scheduling shutdown...",
                   sig == SIGTERM ? "SIGTERM" : "SIGINT");
            break;
        }
        if (sig == SIGHUP) {
            mr_log_open(mr_config.logfile);
            mr_audit_reopen(); /* operating it */
            /* in the new file: its first line says why it was started */
            mr_log(MR_LOG_NOTICE, "Received SIGHUP, log files reopened");
        }
        sample_metrics();
        mr_aof_cron();
        /* operating it: "startup" memory is what the workers hold once set
         * up (rings, receive buffers), before the data */
        if (!mr_server.startup_allocated &&
            atomic_load(&mr_workers_ready) == mr_nworkers)
            mr_server.startup_allocated = mr_mem_used();
    }

    mr_log(MR_LOG_WARNING, "User requested shutdown...");
    mr_supervise_stopping(); /* operating it */
    atomic_store(&mr_stopping, true);
    shutdown_listeners();
    for (unsigned i = 0; i < mr_nworkers; i++) mr_worker_wake(&mr_workers[i]);
    for (unsigned i = 0; i < mr_nworkers; i++)
        pthread_join(mr_workers[i].thread, NULL);
    mr_aof_stop();
    mr_audit_stop(); /* operating it: the workers handed over their last lines */
    for (unsigned i = 0; i < mr_nworkers; i++) mr_worker_free_fds(&mr_workers[i]);
    mr_task_discard_all();
    close_listeners();
    mr_pidfile_remove(); /* operating it */
    mr_log(MR_LOG_WARNING, "%s is now ready to exit, bye bye...", MR_NAME);
    return 0;
}
