/* Blocking list commands over TCP, on a server with four workers so that
 * waiters and pushers sit on different threads: immediate answers, errors
 * in Redis's order, timeouts (RESP2 and RESP3), wake-ups by another
 * connection, first-come-first-served order, chains (BLMOVE feeding a
 * BLPOP), pipelined requests behind a blocked one, disconnects. Expected
 * bytes were checked against redis-server 7.0.15 (MINIREDIS_BIN=
 * /usr/bin/redis-server). Every test uses its own "blk:<test>:" keys. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define WRONGTYPE \
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

static h_server_t srv;

static void start(void) { h_server_start_workers(&srv, 4); }

/* A clean exit also means no leak report under ASan: blocked clients
 * still waiting when the server stops are freed with their connections. */
static void stop(void) { h_server_stop_clean(&srv); }

TestSuite(blocking, .init = start, .fini = stop, .timeout = 60);

static int conn(void) { return h_connect(srv.port); }

/* Polls INFO until blocked_clients is n (2 s at most). */
static void wait_blocked(int fd, long n) {
    long long until = h_now_ms() + 2000;
    for (;;) {
        h_bytes_t b = h_call(fd, "INFO", "clients", NULL);
        cr_assert_not_null(b.buf);
        char v[32];
        bool ok = h_field(b.buf, "blocked_clients", v, sizeof v);
        h_bytes_free(&b);
        cr_assert(ok);
        if (atol(v) == n) return;
        cr_assert(h_now_ms() < until, "blocked_clients stayed %s, not %ld", v,
                  n);
        h_sleep_ms(5);
    }
}

static void send_cmd(int fd, int argc, const char *const *argv) {
    size_t len;
    char *req = h_resp_cmd(argc, argv, NULL, &len);
    cr_assert(h_send(fd, req, len));
    free(req);
}

Test(blocking, immediate_answers_and_errors) {
    int fd = conn();
    expect_cmd(fd, ":3\r\n", "RPUSH", "blk:imm:l", "a", "b", "c");
    expect_cmd(fd, "*2\r\n$9\r\nblk:imm:l\r\n$1\r\na\r\n", "BLPOP",
               "blk:imm:none", "blk:imm:l", "0");
    expect_cmd(fd, "*2\r\n$9\r\nblk:imm:l\r\n$1\r\nc\r\n", "BRPOP",
               "blk:imm:l", "1");
    expect_cmd(fd, "$1\r\nb\r\n", "BLMOVE", "blk:imm:l", "blk:imm:d", "LEFT",
               "RIGHT", "0");
    expect_cmd(fd, "$1\r\nb\r\n", "BRPOPLPUSH", "blk:imm:d", "blk:imm:d2",
               "0");
    expect_cmd(fd, ":3\r\n", "RPUSH", "blk:imm:m", "1", "2", "3");
    expect_cmd(fd, "*2\r\n$9\r\nblk:imm:m\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n",
               "BLMPOP", "0", "2", "blk:imm:x", "blk:imm:m", "RIGHT", "COUNT",
               "2");
    /* an empty key before a wrong-typed one: WRONGTYPE */
    expect_cmd(fd, "+OK\r\n", "SET", "blk:imm:s", "x");
    expect_cmd(fd, WRONGTYPE, "BLPOP", "blk:imm:none", "blk:imm:s", "0");
    expect_cmd(fd, WRONGTYPE, "BLMOVE", "blk:imm:s", "blk:imm:d", "LEFT",
               "LEFT", "0");
    expect_cmd(fd, WRONGTYPE, "BLMOVE", "blk:imm:m", "blk:imm:s", "LEFT",
               "LEFT", "0");
    expect_cmd(fd, WRONGTYPE, "BLMPOP", "0", "1", "blk:imm:s", "LEFT");
    /* argument errors, in Redis's order */
    expect_cmd(fd, "-ERR timeout is not a float or out of range\r\n", "BLPOP",
               "blk:imm:l", "soon");
    expect_cmd(fd, "-ERR timeout is negative\r\n", "BRPOP", "blk:imm:l",
               "-0.5");
    expect_cmd(fd, "-ERR timeout is negative\r\n", "BLPOP", "blk:imm:l",
               "1e30");
    expect_cmd(fd, "-ERR syntax error\r\n", "BLMOVE", "blk:imm:l",
               "blk:imm:d", "UP", "LEFT", "x");
    expect_cmd(fd, "-ERR timeout is not a float or out of range\r\n",
               "BLMOVE", "blk:imm:l", "blk:imm:d", "LEFT", "LEFT", "x");
    expect_cmd(fd, "-ERR numkeys should be greater than 0\r\n", "BLMPOP",
               "x", "0", "blk:imm:l", "LEFT");
    expect_cmd(fd, "-ERR syntax error\r\n", "BLMPOP", "x", "1", "blk:imm:l",
               "UP");
    expect_cmd(fd, "-ERR count should be greater than 0\r\n", "BLMPOP", "x",
               "1", "blk:imm:l", "LEFT", "COUNT", "0");
    expect_cmd(fd, "-ERR timeout is not a float or out of range\r\n",
               "BLMPOP", "x", "1", "blk:imm:l", "LEFT");
    expect_cmd(fd, "-ERR wrong number of arguments for 'blpop' command\r\n",
               "BLPOP", "blk:imm:l");
    close(fd);
}

Test(blocking, timeouts_answer_null) {
    int fd = conn();
    long long t0 = h_now_ms();
    expect_cmd(fd, "*-1\r\n", "BLPOP", "blk:to:a", "blk:to:b", "0.1");
    long long took = h_now_ms() - t0;
    cr_assert(took >= 90 && took < 2000, "BLPOP 0.1 took %lld ms", took);
    expect_cmd(fd, "*-1\r\n", "BLMOVE", "blk:to:a", "blk:to:b", "LEFT",
               "LEFT", "0.05");
    expect_cmd(fd, "*-1\r\n", "BRPOPLPUSH", "blk:to:a", "blk:to:b", "0.05");
    expect_cmd(fd, "*-1\r\n", "BLMPOP", "0.05", "1", "blk:to:a", "LEFT");
    h_bytes_t b = h_call(fd, "HELLO", "3", NULL);
    h_bytes_free(&b);
    expect_cmd(fd, "_\r\n", "BRPOP", "blk:to:a", "0.05");
    expect_cmd(fd, "_\r\n", "BLMOVE", "blk:to:a", "blk:to:b", "LEFT", "LEFT",
               "0.05");
    /* 0 waits for ever: nothing comes back meanwhile */
    const char *argv[] = {"BLPOP", "blk:to:forever", "0"};
    send_cmd(fd, 3, argv);
    cr_assert(h_no_data(fd, 300));
    close(fd);
}

Test(blocking, push_from_another_connection_wakes_the_waiter) {
    int w = conn(), p = conn();
    const char *argv[] = {"BLPOP", "blk:wake:a", "blk:wake:b", "5"};
    send_cmd(w, 4, argv);
    wait_blocked(p, 1);
    expect_cmd(p, ":2\r\n", "RPUSH", "blk:wake:b", "x", "y");
    expect_reply(w, NULL, "*2\r\n$10\r\nblk:wake:b\r\n$1\r\nx\r\n");
    /* served before the pusher could run anything else */
    expect_cmd(p, ":1\r\n", "LLEN", "blk:wake:b");
    wait_blocked(p, 0);
    close(w);
    close(p);
}

/* Eight clients block on one key, one after the other; one push of eight
 * elements serves them in the order they blocked. */
Test(blocking, first_come_first_served) {
    enum { N = 8 };
    int ctl = conn(), fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = conn();
        const char *argv[] = {"BLPOP", "blk:fifo:q", "10"};
        send_cmd(fds[i], 3, argv);
        wait_blocked(ctl, i + 1);
    }
    expect_cmd(ctl, ":8\r\n", "RPUSH", "blk:fifo:q", "e0", "e1", "e2", "e3",
               "e4", "e5", "e6", "e7");
    for (int i = 0; i < N; i++) {
        char exp[64];
        snprintf(exp, sizeof exp, "*2\r\n$10\r\nblk:fifo:q\r\n$2\r\ne%d\r\n",
                 i);
        expect_reply(fds[i], NULL, exp);
        close(fds[i]);
    }
    expect_cmd(ctl, ":0\r\n", "EXISTS", "blk:fifo:q");
    close(ctl);
}

Test(blocking, blmove_chain_feeds_the_next_waiter) {
    int mover = conn(), popper = conn(), p = conn();
    const char *mv[] = {"BLMOVE", "blk:chain:src", "blk:chain:dst", "RIGHT",
                        "LEFT", "5"};
    send_cmd(mover, 6, mv);
    wait_blocked(p, 1);
    const char *pop[] = {"BLPOP", "blk:chain:dst", "5"};
    send_cmd(popper, 3, pop);
    wait_blocked(p, 2);
    expect_cmd(p, ":1\r\n", "LPUSH", "blk:chain:src", "v");
    expect_reply(mover, NULL, "$1\r\nv\r\n");
    expect_reply(popper, NULL, "*2\r\n$13\r\nblk:chain:dst\r\n$1\r\nv\r\n");
    expect_cmd(p, ":0\r\n", "EXISTS", "blk:chain:src");
    expect_cmd(p, ":0\r\n", "EXISTS", "blk:chain:dst");
    close(mover);
    close(popper);
    close(p);
}

/* A served BLMOVE whose destination holds another type gets WRONGTYPE and
 * moves nothing, as in Redis. */
Test(blocking, blmove_to_a_wrong_type_is_an_error) {
    int mover = conn(), p = conn();
    const char *mv[] = {"BLMOVE", "blk:wt:src", "blk:wt:dst", "LEFT", "LEFT",
                        "5"};
    send_cmd(mover, 6, mv);
    wait_blocked(p, 1);
    expect_cmd(p, "+OK\r\n", "SET", "blk:wt:dst", "str");
    expect_cmd(p, ":1\r\n", "RPUSH", "blk:wt:src", "v");
    expect_reply(mover, NULL, WRONGTYPE);
    expect_cmd(p, "*1\r\n$1\r\nv\r\n", "LRANGE", "blk:wt:src", "0", "-1");
    close(mover);
    close(p);
}

Test(blocking, pipelined_requests_wait_behind_the_blocked_one) {
    int w = conn(), p = conn();
    expect_cmd(w, "+OK\r\n", "SELECT", "3");
    cr_assert(h_send_str(w, "*3\r\n$5\r\nBRPOP\r\n$10\r\nblk:pipe:q\r\n$1\r\n5\r\n"
                            "PING\r\n*2\r\n$4\r\nLLEN\r\n$10\r\nblk:pipe:q\r\n"));
    wait_blocked(p, 1);
    cr_assert(h_no_data(w, 100));
    expect_cmd(p, "+OK\r\n", "SELECT", "3");
    expect_cmd(p, ":2\r\n", "RPUSH", "blk:pipe:q", "1", "2");
    expect_reply(w, NULL,
                 "*2\r\n$10\r\nblk:pipe:q\r\n$1\r\n2\r\n+PONG\r\n:1\r\n");
    close(w);
    close(p);
}

Test(blocking, blmpop_is_served_with_its_count) {
    int w = conn(), p = conn();
    const char *argv[] = {"BLMPOP", "5",    "2",     "blk:mp:a",
                          "blk:mp:b", "LEFT", "COUNT", "2"};
    send_cmd(w, 8, argv);
    wait_blocked(p, 1);
    expect_cmd(p, ":3\r\n", "RPUSH", "blk:mp:b", "x", "y", "z");
    expect_reply(w, NULL,
                 "*2\r\n$8\r\nblk:mp:b\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
    expect_cmd(p, ":1\r\n", "LLEN", "blk:mp:b");
    close(w);
    close(p);
}

/* A client that leaves while blocked takes nothing with it. */
Test(blocking, disconnect_ends_the_wait) {
    int w = conn(), p = conn();
    const char *argv[] = {"BLPOP", "blk:gone:q", "0"};
    send_cmd(w, 3, argv);
    wait_blocked(p, 1);
    close(w);
    wait_blocked(p, 0);
    expect_cmd(p, ":1\r\n", "RPUSH", "blk:gone:q", "kept");
    expect_cmd(p, ":1\r\n", "LLEN", "blk:gone:q");
    close(p);
}

/* Many waiters on distinct keys (spread over the workers), half timing
 * out, half served by pushes from one connection. */
Test(blocking, many_waiters_served_or_timed_out) {
    enum { N = 32 };
    int ctl = conn(), fds[N];
    char key[N][32];
    for (int i = 0; i < N; i++) {
        fds[i] = conn();
        snprintf(key[i], sizeof key[i], "blk:many:%d", i);
        const char *argv[] = {"BLPOP", key[i], i % 2 ? "0.3" : "10"};
        send_cmd(fds[i], 3, argv);
    }
    wait_blocked(ctl, N);
    for (int i = 0; i < N; i += 2)
        expect_cmd(ctl, ":1\r\n", "LPUSH", key[i], "v");
    for (int i = 0; i < N; i++) {
        char exp[64];
        if (i % 2)
            snprintf(exp, sizeof exp, "*-1\r\n");
        else
            snprintf(exp, sizeof exp, "*2\r\n$%zu\r\n%s\r\n$1\r\nv\r\n",
                     strlen(key[i]), key[i]);
        expect_reply(fds[i], NULL, exp);
        close(fds[i]);
    }
    wait_blocked(ctl, 0);
    close(ctl);
}

Test(blocking, sorted_set_pops) {
    int fd = conn(), w = conn(), w2 = conn();
    expect_cmd(fd, ":3\r\n", "ZADD", "blk:z:a", "1", "x", "2", "y", "3", "z");
    expect_cmd(fd, "*3\r\n$7\r\nblk:z:a\r\n$1\r\nx\r\n$1\r\n1\r\n", "BZPOPMIN",
               "blk:z:none", "blk:z:a", "0");
    expect_cmd(fd, "*3\r\n$7\r\nblk:z:a\r\n$1\r\nz\r\n$1\r\n3\r\n", "BZPOPMAX",
               "blk:z:a", "0");
    expect_cmd(fd, "*2\r\n$7\r\nblk:z:a\r\n*1\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n",
               "BZMPOP", "0", "1", "blk:z:a", "MIN", "COUNT", "5");
    expect_cmd(fd, "*-1\r\n", "BZPOPMIN", "blk:z:a", "0.05");
    expect_cmd(fd, "*-1\r\n", "BZMPOP", "0.05", "1", "blk:z:a", "MAX");
    expect_cmd(fd, "+OK\r\n", "SET", "blk:z:s", "x");
    expect_cmd(fd, WRONGTYPE, "BZPOPMIN", "blk:z:s", "0");
    expect_cmd(fd, "-ERR numkeys should be greater than 0\r\n", "BZMPOP", "0",
               "0", "blk:z:a", "MIN");
    expect_cmd(fd, "-ERR syntax error\r\n", "BZMPOP", "0", "1", "blk:z:a",
               "LEFT");
    expect_cmd(fd, "-ERR timeout is negative\r\n", "BZMPOP", "-1", "1",
               "blk:z:a", "MIN");
    /* blocked, then served by ZADD from another connection */
    const char *b1[] = {"BZPOPMAX", "blk:z:b", "5"};
    send_cmd(w, 3, b1);
    wait_blocked(fd, 1);
    const char *b2[] = {"BZMPOP", "5", "2", "blk:z:c", "blk:z:b", "MIN",
                        "COUNT", "2"};
    send_cmd(w2, 8, b2);
    wait_blocked(fd, 2);
    expect_cmd(fd, ":3\r\n", "ZADD", "blk:z:b", "1", "p", "2", "q", "3",
               "r");
    expect_reply(w, NULL, "*3\r\n$7\r\nblk:z:b\r\n$1\r\nr\r\n$1\r\n3\r\n");
    expect_reply(w2, NULL,
                 "*2\r\n$7\r\nblk:z:b\r\n*2\r\n*2\r\n$1\r\np\r\n$1\r\n1\r\n"
                 "*2\r\n$1\r\nq\r\n$1\r\n2\r\n");
    expect_cmd(fd, ":0\r\n", "EXISTS", "blk:z:b");
    /* a list pushed on a key a zset popper waits on does not serve it */
    send_cmd(w, 3, b1);
    wait_blocked(fd, 1);
    expect_cmd(fd, ":1\r\n", "RPUSH", "blk:z:b", "l");
    cr_assert(h_no_data(w, 100));
    expect_cmd(fd, ":1\r\n", "DEL", "blk:z:b");
    h_bytes_t r = h_call(w2, "HELLO", "3", NULL);
    h_bytes_free(&r);
    const char *b3[] = {"BZPOPMIN", "blk:z:d", "5"};
    send_cmd(w2, 3, b3);
    wait_blocked(fd, 2);
    expect_cmd(fd, ":1\r\n", "ZADD", "blk:z:d", "1.5", "m");
    expect_reply(w2, NULL, "*3\r\n$7\r\nblk:z:d\r\n$1\r\nm\r\n,1.5\r\n");
    expect_cmd(fd, ":1\r\n", "ZADD", "blk:z:b", "7", "n");
    expect_reply(w, NULL, "*3\r\n$7\r\nblk:z:b\r\n$1\r\nn\r\n$1\r\n7\r\n");
    close(fd);
    close(w);
    close(w2);
}
