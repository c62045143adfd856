/* Pipelines on a four-worker server: the look ahead's fast path (requests
 * split without the parser), locks kept across consecutive commands on the
 * same shards, and commands that walk every shard or serve blocked
 * clients in the middle of such a run. Expected bytes were checked against
 * redis-server 7.0.15 (MINIREDIS_BIN=/usr/bin/redis-server). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static h_server_t srv;

static void start(void) { h_server_start_workers(&srv, 4); }

static void stop(void) { h_server_stop_clean(&srv); }

TestSuite(pipelines, .init = start, .fini = stop, .timeout = 60);

/* Whole-keyspace commands between same-key ones: the kept locks must be
 * let go first (DBSIZE, KEYS, FLUSHDB and SCAN lock shard after shard). */
Test(pipelines, keyspace_walks_between_same_key_commands) {
    int fd = h_connect(srv.port);
    char req[2048] = "", exp[1024] = "";
    strcat(req, "*3\r\n$3\r\nSET\r\n$4\r\npl:k\r\n$1\r\n0\r\n");
    strcat(exp, "+OK\r\n");
    for (int i = 1; i <= 10; i++) {
        strcat(req, "*2\r\n$4\r\nINCR\r\n$4\r\npl:k\r\n");
        snprintf(exp + strlen(exp), sizeof exp - strlen(exp), ":%d\r\n", i);
    }
    strcat(req, "*1\r\n$6\r\nDBSIZE\r\n"
                        "*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n"
                        "*2\r\n$4\r\nINCR\r\n$4\r\npl:k\r\n"
                        "*1\r\n$7\r\nFLUSHDB\r\n"
                        "*2\r\n$4\r\nINCR\r\n$4\r\npl:k\r\n"
                        "*2\r\n$4\r\nSCAN\r\n$1\r\n0\r\n"
                        "PING\r\n"
                        "*2\r\n$3\r\nGET\r\n$4\r\npl:k\r\n");
    strcat(exp, ":1\r\n*1\r\n$4\r\npl:k\r\n:11\r\n+OK\r\n:1\r\n"
                        "*2\r\n$1\r\n0\r\n*1\r\n$4\r\npl:k\r\n+PONG\r\n"
                        "$1\r\n1\r\n");
    expect_reply(fd, req, exp);
    close(fd);
}

typedef struct incr_job {
    int port, batches, per_batch;
    bool ok;
} incr_job_t;

static void *incr_worker(void *p) {
    incr_job_t *j = p;
    int fd = h_try_connect(j->port);
    if (fd < 0) return NULL;
    static const char one[] = "*2\r\n$4\r\nINCR\r\n$6\r\npl:ctr\r\n";
    size_t blen = (sizeof one - 1) * (size_t)j->per_batch;
    char *batch = malloc(blen);
    for (int i = 0; i < j->per_batch; i++)
        memcpy(batch + i * (sizeof one - 1), one, sizeof one - 1);
    j->ok = true;
    for (int b = 0; b < j->batches && j->ok; b++) {
        j->ok = h_send(fd, batch, blen);
        for (int i = 0; i < j->per_batch && j->ok; i++) {
            h_bytes_t r = h_read_reply(fd);
            j->ok = r.buf && r.buf[0] == ':';
            h_bytes_free(&r);
        }
    }
    free(batch);
    close(fd);
    return NULL;
}

/* Eight connections (spread over the workers) pipelining INCR on one key:
 * no increment is lost while each worker keeps the key's lock for a run
 * of commands. */
Test(pipelines, one_hot_key_from_every_worker) {
    enum { N = 8, BATCHES = 20, PER = 100 };
    pthread_t th[N];
    incr_job_t jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (incr_job_t){srv.port, BATCHES, PER, false};
        pthread_create(&th[i], NULL, incr_worker, &jobs[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        cr_assert(jobs[i].ok, "client %d failed", i);
    }
    int fd = h_connect(srv.port);
    expect_cmd(fd, "$5\r\n16000\r\n", "GET", "pl:ctr");
    close(fd);
}

/* A push in the middle of a pipeline serves a client blocked on another
 * connection before the pipeline's next command reads the list. */
Test(pipelines, push_in_a_pipeline_serves_the_blocked_first) {
    int w = h_connect(srv.port), p = h_connect(srv.port);
    cr_assert(h_send_str(w, "*3\r\n$5\r\nBLPOP\r\n$4\r\npl:q\r\n$1\r\n5\r\n"));
    long long until = h_now_ms() + 2000;
    for (;;) {
        h_resp_t *r = h_callp(p, "INFO", "clients", NULL);
        char v[16];
        bool ok = h_field(r->str, "blocked_clients", v, sizeof v);
        h_resp_free(r);
        if (ok && atoi(v) == 1) break;
        cr_assert(h_now_ms() < until, "the client did not block");
        h_sleep_ms(5);
    }
    expect_reply(p,
                 "*3\r\n$5\r\nRPUSH\r\n$4\r\npl:q\r\n$1\r\nx\r\n"
                 "*2\r\n$4\r\nLLEN\r\n$4\r\npl:q\r\n"
                 "*3\r\n$5\r\nRPUSH\r\n$4\r\npl:q\r\n$1\r\ny\r\n"
                 "*2\r\n$4\r\nLLEN\r\n$4\r\npl:q\r\n",
                 ":1\r\n:0\r\n:1\r\n:1\r\n");
    expect_reply(w, NULL, "*2\r\n$4\r\npl:q\r\n$1\r\nx\r\n");
    close(w);
    close(p);
}

/* Requests the fast path takes and ones only the parser reads, mixed in
 * one buffer: inline, a request of more than eight elements, a bulk that
 * holds CR LF, and a malformed one at the end (the error closes). */
Test(pipelines, fast_and_parsed_requests_interleave) {
    int fd = h_connect(srv.port);
    static const char req[] =
        "*3\r\n$3\r\nSET\r\n$5\r\npl:ab\r\n$4\r\na\r\nb\r\n"
        "GET pl:ab\r\n"
        "*11\r\n$5\r\nRPUSH\r\n$5\r\npl:l9\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"
        "$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n"
        "*2\r\n$3\r\nGET\r\n$5\r\npl:ab\r\n"
        "*2\r\n$03\r\nGET\r\n$5\r\npl:ab\r\n";
    static const char exp[] =
        "+OK\r\n$4\r\na\r\nb\r\n:9\r\n$4\r\na\r\nb\r\n"
        "-ERR Protocol error: invalid bulk length\r\n";
    expect_reply_n(fd, req, sizeof req - 1, exp, sizeof exp - 1);
    cr_assert(h_is_closed(fd, 2000));
    close(fd);
}
