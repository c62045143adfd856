/* Networking: many concurrent clients, maxclients, idle timeout, big
 * values, 1000 simultaneous connections, Unix socket, slow readers,
 * clean exit on SIGTERM. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* ---- 200 connections from 4 threads ---- */

#define NTHREADS 4
#define CONNS_PER_THREAD 50

typedef struct worker_arg {
    int port;
    int thread;
    atomic_int *failures;
    char err[256];
} worker_arg_t;

static void *conn_worker(void *p)
{
    worker_arg_t *a = p;
    int fds[CONNS_PER_THREAD];
    for (int i = 0; i < CONNS_PER_THREAD; i++)
        fds[i] = -1;
    for (int i = 0; i < CONNS_PER_THREAD; i++) {
        fds[i] = h_try_connect(a->port);
        if (fds[i] < 0) {
            snprintf(a->err, sizeof a->err, "connect %d failed", i);
            atomic_fetch_add(a->failures, 1);
            goto out;
        }
    }
    /* Several rounds, every connection alive at once. */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < CONNS_PER_THREAD; i++) {
            char key[64], val[64];
            snprintf(key, sizeof key, "net:conc:%d:%d", a->thread, i);
            snprintf(val, sizeof val, "value-%d-%d-%d", a->thread, i, round);
            h_bytes_t r = h_call(fds[i], "SET", key, val, NULL);
            bool ok = r.buf && strcmp(r.buf, "+OK\r\n") == 0;
            h_bytes_free(&r);
            r = h_call(fds[i], "GET", key, NULL);
            char exp[96];
            snprintf(exp, sizeof exp, "$%zu\r\n%s\r\n", strlen(val), val);
            ok = ok && r.buf && strcmp(r.buf, exp) == 0;
            h_bytes_free(&r);
            if (!ok) {
                snprintf(a->err, sizeof a->err, "SET/GET %s failed", key);
                atomic_fetch_add(a->failures, 1);
                goto out;
            }
        }
    }
out:
    for (int i = 0; i < CONNS_PER_THREAD; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return NULL;
}

Test(network, concurrent_200_connections, .timeout = 60)
{
    pthread_t th[NTHREADS];
    worker_arg_t args[NTHREADS];
    atomic_int failures = 0;
    int port = h_port();
    for (int t = 0; t < NTHREADS; t++) {
        memset(&args[t], 0, sizeof args[t]);
        args[t].port = port;
        args[t].thread = t;
        args[t].failures = &failures;
        cr_assert(pthread_create(&th[t], NULL, conn_worker, &args[t]) == 0);
    }
    for (int t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < NTHREADS; t++)
        cr_expect(args[t].err[0] == '\0', "thread %d: %s", t, args[t].err);
    cr_assert_eq(atomic_load(&failures), 0);
    int fd = h_conn();
    expect_cmd(fd, "$11\r\nvalue-3-7-2\r\n", "GET", "net:conc:3:7");
    close(fd);
}

/* ---- maxclients ---- */

Test(network, maxclients_rejects_11th, .timeout = 30)
{
    h_server_t s;
    const char *extra[] = {"--maxclients", "10", NULL};
    cr_assert(h_server_start(&s, extra) == 0);
    /* let the server notice the start-up probe's close */
    h_sleep_ms(200);
    int fds[10];
    for (int i = 0; i < 10; i++) {
        fds[i] = h_connect(s.port);
        expect_reply(fds[i], "PING\r\n", "+PONG\r\n");
    }
    int extra_fd = h_connect(s.port);
    expect_reply(extra_fd, NULL, "-ERR max number of clients reached\r\n");
    cr_assert(h_is_closed(extra_fd, 3000));
    close(extra_fd);
    /* the ten are still served; a freed slot can be reused */
    for (int i = 0; i < 10; i++)
        expect_reply(fds[i], "PING\r\n", "+PONG\r\n");
    close(fds[0]);
    h_sleep_ms(200);
    fds[0] = h_connect(s.port);
    expect_reply(fds[0], "PING\r\n", "+PONG\r\n");
    for (int i = 0; i < 10; i++)
        close(fds[i]);
    int st = h_server_stop(&s);
    cr_assert(st == 0, "exit status 0x%x", st);
}

/* ---- idle timeout ---- */

Test(network, idle_timeout_closes_client, .timeout = 30)
{
    h_server_t s;
    const char *extra[] = {"--timeout", "1", NULL};
    cr_assert(h_server_start(&s, extra) == 0);
    int idle = h_connect(s.port);
    int busy = h_connect(s.port);
    expect_reply(idle, "PING\r\n", "+PONG\r\n");
    long long t0 = h_now_ms();
    /* the busy client keeps talking and must survive */
    bool closed = false;
    while (h_now_ms() - t0 < 4000) {
        expect_reply(busy, "PING\r\n", "+PONG\r\n");
        if (h_is_closed(idle, 200)) {
            closed = true;
            break;
        }
    }
    long long waited = h_now_ms() - t0;
    cr_assert(closed, "idle client not closed within 4 s");
    cr_assert(waited >= 900, "closed too early (%lld ms)", waited);
    cr_assert(waited <= 3500, "closed too late (%lld ms)", waited);
    expect_reply(busy, "PING\r\n", "+PONG\r\n");
    close(idle);
    close(busy);
    cr_assert(h_server_stop(&s) == 0);
}

/* ---- big value ---- */

Test(network, big_value_10mb, .timeout = 60)
{
    size_t n = 10u << 20;
    char *v = malloc(n);
    cr_assert(v);
    unsigned x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (char)(x >> 16);
    }
    int fd = h_conn();
    const char *argv[3] = {"SET", "net:big", v};
    size_t lens[3] = {3, 7, n};
    h_bytes_t r = h_callv(fd, 3, argv, lens);
    cr_assert(r.buf && strcmp(r.buf, "+OK\r\n") == 0);
    h_bytes_free(&r);
    r = h_call(fd, "GET", "net:big", NULL);
    cr_assert(r.buf, "no complete GET reply for 10 MB");
    const char *hdr = "$10485760\r\n";
    cr_assert_eq(r.len, strlen(hdr) + n + 2);
    cr_assert(memcmp(r.buf, hdr, strlen(hdr)) == 0);
    cr_assert(memcmp(r.buf + strlen(hdr), v, n) == 0, "10 MB value differs");
    cr_assert(memcmp(r.buf + strlen(hdr) + n, "\r\n", 2) == 0);
    h_bytes_free(&r);
    expect_cmd(fd, ":10485760\r\n", "STRLEN", "net:big");
    expect_cmd(fd, ":1\r\n", "DEL", "net:big");
    free(v);
    close(fd);
}

/* ---- 1000 connections at once ---- */

Test(network, thousand_connections_ping, .timeout = 60)
{
    const int n = 1000;
    struct rlimit rl;
    cr_assert(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    if (rl.rlim_cur < (rlim_t)n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max
                                                   : (rlim_t)n + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
        cr_assert(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    }
    cr_assert(rl.rlim_cur >= (rlim_t)n + 32,
              "RLIMIT_NOFILE %llu too low for %d connections",
              (unsigned long long)rl.rlim_cur, n);
    int *fds = calloc((size_t)n, sizeof(int));
    cr_assert(fds);
    int port = h_port();
    for (int i = 0; i < n; i++) {
        fds[i] = h_try_connect(port);
        cr_assert(fds[i] >= 0, "connection %d refused", i);
    }
    /* everybody sends, then everybody reads */
    for (int i = 0; i < n; i++)
        cr_assert(h_send_str(fds[i], "PING\r\n"), "send on %d", i);
    for (int i = 0; i < n; i++) {
        char buf[8];
        size_t got = h_read_exact(fds[i], buf, 7, H_TIMEOUT_MS);
        cr_assert(got == 7 && memcmp(buf, "+PONG\r\n", 7) == 0,
                  "connection %d: no PONG (%zu bytes)", i, got);
    }
    for (int i = 0; i < n; i++)
        close(fds[i]);
    free(fds);
    int fd = h_conn();
    expect_reply(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
}

/* ---- Unix socket ---- */

Test(network, unixsocket, .timeout = 30)
{
    char dir[] = "/tmp/mrsock-XXXXXX";
    cr_assert(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/s.sock", dir);
    h_server_t s;
    const char *extra[] = {"--unixsocket", path, NULL};
    cr_assert(h_server_start(&s, extra) == 0);
    int u = h_connect_unix(path);
    cr_assert(u >= 0, "cannot connect to %s", path);
    expect_reply(u, "PING\r\n", "+PONG\r\n");
    expect_cmd(u, "+OK\r\n", "SET", "unix:k", "over-unix");
    int t = h_connect(s.port);
    expect_cmd(t, "$9\r\nover-unix\r\n", "GET", "unix:k");
    char exp[128];
    snprintf(exp, sizeof exp, "*2\r\n$10\r\nunixsocket\r\n$%zu\r\n%s\r\n",
             strlen(path), path);
    expect_cmd(t, exp, "CONFIG", "GET", "unixsocket");
    close(u);
    close(t);
    int st = h_server_stop(&s);
    cr_assert(st == 0, "exit status 0x%x", st);
    unlink(path);
    rmdir(dir);
}

/* ---- slow reader ---- */

Test(network, slow_reader_does_not_block_others, .timeout = 60)
{
    int slow = h_conn();
    int fast = h_conn();
    size_t vlen = 10000;
    char *v = malloc(vlen);
    cr_assert(v);
    memset(v, 'z', vlen);
    const char *argv[3] = {"SET", "net:slow", v};
    size_t lens[3] = {3, 8, vlen};
    h_bytes_t r = h_callv(slow, 3, argv, lens);
    cr_assert(r.buf && strcmp(r.buf, "+OK\r\n") == 0);
    h_bytes_free(&r);
    /* 2000 GETs of 10 KB = 20 MB of replies nobody reads for a while */
    const char *get = "*2\r\n$3\r\nGET\r\n$8\r\nnet:slow\r\n";
    size_t gl = strlen(get);
    char *req = malloc(gl * 2000);
    cr_assert(req);
    for (int i = 0; i < 2000; i++)
        memcpy(req + (size_t)i * gl, get, gl);
    cr_assert(h_send(slow, req, gl * 2000));
    free(req);
    for (int i = 0; i < 20; i++)
        expect_reply(fast, "PING\r\n", "+PONG\r\n");
    /* now drain: every reply arrives intact */
    char hdr[16];
    snprintf(hdr, sizeof hdr, "$%zu\r\n", vlen);
    size_t one = strlen(hdr) + vlen + 2;
    char *buf = malloc(one);
    cr_assert(buf);
    for (int i = 0; i < 2000; i++) {
        cr_assert_eq(h_read_exact(slow, buf, one, H_TIMEOUT_MS), one,
                     "reply %d short", i);
        cr_assert(memcmp(buf, hdr, strlen(hdr)) == 0 &&
                  memcmp(buf + strlen(hdr), v, vlen) == 0);
    }
    free(buf);
    free(v);
    expect_reply(slow, "PING\r\n", "+PONG\r\n");
    close(slow);
    close(fast);
}

/* ---- SIGTERM ---- */

Test(network, sigterm_exits_zero, .timeout = 30)
{
    h_server_t s;
    cr_assert(h_server_start(&s, NULL) == 0);
    int a = h_connect(s.port);
    int b = h_connect(s.port);
    expect_cmd(a, "+OK\r\n", "SET", "k", "v");
    /* b is mid-command when the signal arrives */
    cr_assert(h_send_str(b, "*2\r\n$3\r\nGET\r\n"));
    h_sleep_ms(50);
    long long t0 = h_now_ms();
    cr_assert(kill(s.pid, SIGTERM) == 0);
    int st = -1;
    cr_assert(h_server_wait_exit(&s, 5000, &st),
              "server still running 5 s after SIGTERM");
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0x%x", st);
    cr_assert(h_now_ms() - t0 <= 5000);
    cr_assert(h_is_closed(a, 2000));
    cr_assert(h_is_closed(b, 2000));
    close(a);
    close(b);
    h_server_stop(&s);
}

/* A second server on a port already in use refuses to start, as Redis
 * does, instead of sharing the port through SO_REUSEPORT (and half the
 * clients with another dataset); the first keeps serving. */
Test(network, second_server_on_a_used_port_refuses, .timeout = 30)
{
    h_server_t a, b;
    cr_assert(h_server_start(&a, NULL) == 0);
    int fd = h_connect(a.port);
    expect_cmd(fd, "+OK\r\n", "SET", "mine", "1");
    cr_assert_eq(h_server_spawn(&b, a.port, NULL), 0);
    int st = -1;
    cr_assert(h_server_wait_exit(&b, 5000, &st), "second server kept running");
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0, "exit status 0x%x", st);
    h_server_stop(&b);
    for (int i = 0; i < 20; i++) { /* new connections all reach the first */
        int c = h_connect(a.port);
        expect_cmd(c, "$1\r\n1\r\n", "GET", "mine");
        close(c);
    }
    close(fd);
    h_server_stop(&a);
}
