/* Pub/Sub over TCP on a server with four workers, so subscribers and
 * publishers sit on different threads: subscription replies and counts,
 * the RESP2 subscribed mode (its error, its PING), RESP3 pushes, fan-out to
 * many subscribers and patterns, per-publisher order, PUBSUB introspection,
 * RESET and disconnects, the output buffer limit cutting off a subscriber
 * that never reads while another keeps receiving, and keyspace
 * notifications. Expected bytes were checked against redis-server 7.0.15
 * (MINIREDIS_BIN=/usr/bin/redis-server). Each test uses its own channels. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define SUBSCRIBED_ERR(cmd)                                                  \
    "-ERR Can't execute '" cmd "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / " \
    "PING / QUIT / RESET are allowed in this context\r\n"

static h_server_t srv;

static void start(void) { h_server_start_workers(&srv, 4); }

/* A clean exit: subscriptions left at shutdown are freed with their
 * connections (no leak report under ASan). */
static void stop(void) { h_server_stop_clean(&srv); }

TestSuite(pubsub, .init = start, .fini = stop, .timeout = 120);

static int conn(void) { return h_connect(srv.port); }

/* "*3\r\n$<n>\r\n<kind>\r\n$..\r\n<name>\r\n:<count>\r\n" */
static char *confirm(const char *kind, const char *name, long count) {
    static char buf[8][256];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 256, "*3\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n:%ld\r\n",
             strlen(kind), kind, strlen(name), name, count);
    return b;
}

static char *message(const char *ch, const char *msg) {
    static char buf[8][512];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 512, "*3\r\n$7\r\nmessage\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n",
             strlen(ch), ch, strlen(msg), msg);
    return b;
}

static char *pmessage(const char *pat, const char *ch, const char *msg) {
    static char buf[8][512];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 512,
             "*4\r\n$8\r\npmessage\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n",
             strlen(pat), pat, strlen(ch), ch, strlen(msg), msg);
    return b;
}

/* CONFIG GET name must answer exactly [name, value]. */
static void expect_config(int fd, const char *name, const char *value) {
    h_resp_t *r = h_callp(fd, "CONFIG", "GET", name, NULL);
    cr_assert_eq(r->n, 2);
    cr_assert_str_eq(r->elems[0]->str, name);
    cr_assert_str_eq(r->elems[1]->str, value);
    h_resp_free(r);
}

/* Polls PUBSUB NUMSUB ch until it is n (3 s at most). */
static void wait_numsub(int fd, const char *ch, long n) {
    long long until = h_now_ms() + 3000;
    for (;;) {
        h_resp_t *r = h_callp(fd, "PUBSUB", "NUMSUB", ch, NULL);
        cr_assert_eq(r->n, 2);
        long long got = r->elems[1]->integer;
        h_resp_free(r);
        if (got == n) return;
        cr_assert(h_now_ms() < until, "NUMSUB %s stayed %lld, not %ld", ch,
                  got, n);
        h_sleep_ms(5);
    }
}

Test(pubsub, subscribe_replies_and_counts) {
    int s = conn();
    expect_reply(s, "SUBSCRIBE ps:a ps:b\r\n",
                 "*3\r\n$9\r\nsubscribe\r\n$4\r\nps:a\r\n:1\r\n"
                 "*3\r\n$9\r\nsubscribe\r\n$4\r\nps:b\r\n:2\r\n");
    /* subscribing again changes nothing, the count is still confirmed */
    expect_cmd(s, confirm("subscribe", "ps:a", 2), "SUBSCRIBE", "ps:a");
    expect_cmd(s, confirm("psubscribe", "ps:p*", 3), "PSUBSCRIBE", "ps:p*");
    /* PING in subscribed mode (RESP2): a two-element array */
    expect_cmd(s, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING");
    expect_cmd(s, "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", "PING", "hi");
    expect_cmd(s, confirm("unsubscribe", "ps:b", 2), "UNSUBSCRIBE", "ps:b");
    /* a channel never subscribed still gets its confirmation */
    expect_cmd(s, confirm("unsubscribe", "ps:zz", 2), "UNSUBSCRIBE", "ps:zz");
    expect_cmd(s, confirm("unsubscribe", "ps:a", 1), "UNSUBSCRIBE");
    expect_cmd(s, confirm("punsubscribe", "ps:p*", 0), "PUNSUBSCRIBE");
    /* nothing left: one confirmation with a null name */
    expect_cmd(s, "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", "UNSUBSCRIBE");
    expect_cmd(s, "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n",
               "PUNSUBSCRIBE");
    /* back in normal mode */
    expect_cmd(s, "+PONG\r\n", "PING");
    expect_cmd(s, "$-1\r\n", "GET", "ps:nokey");
    close(s);
}

Test(pubsub, resp2_subscribed_mode_refuses_other_commands) {
    int s = conn();
    expect_cmd(s, confirm("subscribe", "ps:mode", 1), "SUBSCRIBE", "ps:mode");
    expect_cmd(s, SUBSCRIBED_ERR("get"), "GET", "x");
    expect_cmd(s, SUBSCRIBED_ERR("client|list"), "CLIENT", "LIST");
    expect_cmd(s, SUBSCRIBED_ERR("publish"), "PUBLISH", "ps:mode", "x");
    /* unknown commands and arity errors come first, as in Redis */
    expect_cmd(s, "-ERR wrong number of arguments for 'get' command\r\n",
               "GET");
    /* RESET leaves subscribed mode */
    expect_cmd(s, "+RESET\r\n", "RESET");
    expect_cmd(s, "$-1\r\n", "GET", "ps:nokey");
    int p = conn();
    expect_cmd(p, ":0\r\n", "PUBLISH", "ps:mode", "after-reset");
    close(p);
    close(s);
}

Test(pubsub, resp3_messages_are_pushes) {
    int s = conn();
    h_bytes_t b = h_call(s, "HELLO", "3", NULL);
    cr_assert_not_null(b.buf);
    h_bytes_free(&b);
    expect_cmd(s, ">3\r\n$9\r\nsubscribe\r\n$5\r\nps:r3\r\n:1\r\n",
               "SUBSCRIBE", "ps:r3");
    /* a RESP3 connection stays a normal one */
    expect_cmd(s, "+PONG\r\n", "PING");
    expect_cmd(s, "_\r\n", "GET", "ps:nokey");
    int p = conn();
    expect_cmd(p, ":1\r\n", "PUBLISH", "ps:r3", "hi");
    expect_reply(s, NULL, ">3\r\n$7\r\nmessage\r\n$5\r\nps:r3\r\n$2\r\nhi\r\n");
    expect_cmd(s, ">3\r\n$11\r\nunsubscribe\r\n$5\r\nps:r3\r\n:0\r\n",
               "UNSUBSCRIBE");
    expect_cmd(s, ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", "UNSUBSCRIBE");
    close(p);
    close(s);
}

/* Many subscribers on different connections (so on different workers),
 * half of them also on a pattern: PUBLISH counts every receiver, and each
 * gets its message and, if it has the pattern, its pmessage. */
#define FAN 24
Test(pubsub, fan_out_across_workers_with_patterns) {
    int subs[FAN];
    for (int i = 0; i < FAN; i++) {
        subs[i] = conn();
        expect_cmd(subs[i], confirm("subscribe", "ps:fan", 1), "SUBSCRIBE",
                   "ps:fan");
        if (i % 2)
            expect_cmd(subs[i], confirm("psubscribe", "ps:f?n", 2),
                       "PSUBSCRIBE", "ps:f?n");
    }
    int p = conn();
    expect_cmd(p, ":36\r\n", "PUBLISH", "ps:fan", "m1");
    /* a pattern alone also receives */
    expect_cmd(p, ":12\r\n", "PUBLISH", "ps:fin", "m2");
    expect_cmd(p, ":0\r\n", "PUBLISH", "ps:none", "m3");
    for (int i = 0; i < FAN; i++) {
        expect_reply(subs[i], NULL, message("ps:fan", "m1"));
        if (i % 2) {
            expect_reply(subs[i], NULL, pmessage("ps:f?n", "ps:fan", "m1"));
            expect_reply(subs[i], NULL, pmessage("ps:f?n", "ps:fin", "m2"));
        }
        cr_assert(h_no_data(subs[i], 50));
    }
    expect_cmd(p, "*2\r\n$6\r\nps:fan\r\n:24\r\n", "PUBSUB", "NUMSUB",
               "ps:fan");
    for (int i = 0; i < FAN; i++) close(subs[i]);
    wait_numsub(p, "ps:fan", 0);
    close(p);
}

/* Several publishers pipeline numbered messages on one channel while
 * subscribers on other workers read: every subscriber gets all of them,
 * each publisher's in its order. */
#define PUBS 4
#define PER_PUB 400
#define OSUBS 3
Test(pubsub, publish_order_per_publisher) {
    int subs[OSUBS];
    for (int i = 0; i < OSUBS; i++) {
        subs[i] = conn();
        expect_cmd(subs[i], confirm("subscribe", "ps:ord", 1), "SUBSCRIBE",
                   "ps:ord");
    }
    int pubs[PUBS];
    for (int j = 0; j < PUBS; j++) pubs[j] = conn();
    /* interleave the publishers' pipelines */
    for (int k = 0; k < PER_PUB; k += 50) {
        for (int j = 0; j < PUBS; j++) {
            char *req = NULL;
            size_t cap = 0, len = 0;
            FILE *m = open_memstream(&req, &cap);
            for (int q = k; q < k + 50; q++) {
                char msg[32];
                int ml = snprintf(msg, sizeof msg, "%d:%d", j, q);
                fprintf(m, "*3\r\n$7\r\nPUBLISH\r\n$6\r\nps:ord\r\n$%d\r\n%s\r\n",
                        ml, msg);
            }
            fclose(m);
            len = strlen(req);
            cr_assert(h_send(pubs[j], req, len));
            free(req);
        }
    }
    for (int j = 0; j < PUBS; j++)
        for (int q = 0; q < PER_PUB; q++) {
            h_bytes_t b = h_read_reply(pubs[j]);
            cr_assert_not_null(b.buf);
            cr_assert_str_eq(b.buf, ":3\r\n");
            h_bytes_free(&b);
        }
    for (int i = 0; i < OSUBS; i++) {
        int next[PUBS] = {0};
        for (int n = 0; n < PUBS * PER_PUB; n++) {
            h_bytes_t b = h_read_reply(subs[i]);
            cr_assert_not_null(b.buf, "subscriber %d: message %d missing", i,
                               n);
            h_resp_t *r = h_parse(b.buf, b.len);
            cr_assert(r && r->n == 3);
            int j, q;
            cr_assert_eq(sscanf(r->elems[2]->str, "%d:%d", &j, &q), 2);
            cr_assert(j >= 0 && j < PUBS);
            cr_assert_eq(q, next[j], "subscriber %d: publisher %d sent %d, got %d",
                         i, j, next[j], q);
            next[j]++;
            h_resp_free(r);
            h_bytes_free(&b);
        }
        cr_assert(h_no_data(subs[i], 50));
    }
    for (int j = 0; j < PUBS; j++) close(pubs[j]);
    for (int i = 0; i < OSUBS; i++) close(subs[i]);
}

Test(pubsub, pubsub_introspection) {
    int a = conn(), b = conn(), c = conn();
    expect_cmd(a, confirm("subscribe", "ps:in:1", 1), "SUBSCRIBE", "ps:in:1");
    expect_cmd(b, confirm("subscribe", "ps:in:1", 1), "SUBSCRIBE", "ps:in:1");
    expect_cmd(b, confirm("subscribe", "ps:in:2", 2), "SUBSCRIBE", "ps:in:2");
    expect_cmd(a, confirm("psubscribe", "ps:in:*", 2), "PSUBSCRIBE",
               "ps:in:*");
    expect_cmd(b, confirm("psubscribe", "ps:in:*", 3), "PSUBSCRIBE",
               "ps:in:*");
    expect_cmd(c, "*6\r\n$7\r\nps:in:1\r\n:2\r\n$7\r\nps:in:2\r\n:1\r\n"
                  "$7\r\nps:in:3\r\n:0\r\n",
               "PUBSUB", "NUMSUB", "ps:in:1", "ps:in:2", "ps:in:3");
    expect_cmd(c, "*0\r\n", "PUBSUB", "NUMSUB");
    /* NUMPAT counts distinct patterns */
    h_resp_t *r = h_callp(c, "PUBSUB", "NUMPAT", NULL);
    cr_assert_eq(r->type, ':');
    cr_assert_geq(r->integer, 1);
    h_resp_free(r);
    r = h_callp(c, "PUBSUB", "CHANNELS", "ps:in:*", NULL);
    cr_assert_eq(r->n, 2);
    bool one = false, two = false;
    for (size_t i = 0; i < r->n; i++) {
        one |= strcmp(r->elems[i]->str, "ps:in:1") == 0;
        two |= strcmp(r->elems[i]->str, "ps:in:2") == 0;
    }
    cr_assert(one && two);
    h_resp_free(r);
    expect_cmd(c, "*1\r\n$7\r\nps:in:2\r\n", "PUBSUB", "CHANNELS", "ps:in:2");
    expect_cmd(c, "-ERR unknown subcommand or wrong number of arguments for "
                  "'CHANNELS'. Try PUBSUB HELP.\r\n",
               "PUBSUB", "CHANNELS", "a", "b");
    /* CLIENT LIST: sub/psub counts and flag P */
    h_bytes_t l = h_call(c, "CLIENT", "LIST", NULL);
    cr_assert_not_null(l.buf);
    cr_assert(strstr(l.buf, "flags=P db=0 sub=2 psub=1 ssub=0"), "%s", l.buf);
    cr_assert(strstr(l.buf, "flags=P db=0 sub=1 psub=1 ssub=0"), "%s", l.buf);
    h_bytes_free(&l);
    close(a);
    close(b);
    wait_numsub(c, "ps:in:1", 0);
    expect_cmd(c, "*0\r\n", "PUBSUB", "CHANNELS", "ps:in:*");
    close(c);
}

Test(pubsub, shard_channels) {
    int s = conn(), p = conn();
    expect_cmd(s, confirm("ssubscribe", "ps:sh", 1), "SSUBSCRIBE", "ps:sh");
    /* shard and classic subscriptions are counted apart */
    expect_cmd(s, confirm("subscribe", "ps:sh", 1), "SUBSCRIBE", "ps:sh");
    expect_cmd(p, ":1\r\n", "SPUBLISH", "ps:sh", "x");
    expect_reply(s, NULL,
                 "*3\r\n$8\r\nsmessage\r\n$5\r\nps:sh\r\n$1\r\nx\r\n");
    expect_cmd(p, ":1\r\n", "PUBLISH", "ps:sh", "y");
    expect_reply(s, NULL, message("ps:sh", "y"));
    expect_cmd(p, "*2\r\n$5\r\nps:sh\r\n:1\r\n", "PUBSUB", "SHARDNUMSUB",
               "ps:sh");
    expect_cmd(p, "*1\r\n$5\r\nps:sh\r\n", "PUBSUB", "SHARDCHANNELS", "ps:s*");
    expect_cmd(s, confirm("sunsubscribe", "ps:sh", 0), "SUNSUBSCRIBE");
    expect_cmd(s, confirm("unsubscribe", "ps:sh", 0), "UNSUBSCRIBE");
    close(p);
    close(s);
}

Test(pubsub, disconnect_and_reset_unsubscribe) {
    int s = conn(), p = conn();
    expect_cmd(s, confirm("subscribe", "ps:gone", 1), "SUBSCRIBE", "ps:gone");
    expect_cmd(s, confirm("psubscribe", "ps:gon*", 2), "PSUBSCRIBE",
               "ps:gon*");
    expect_cmd(p, ":2\r\n", "PUBLISH", "ps:gone", "1");
    close(s);
    wait_numsub(p, "ps:gone", 0);
    expect_cmd(p, ":0\r\n", "PUBLISH", "ps:gone", "2");
    s = conn();
    expect_cmd(s, confirm("subscribe", "ps:gone", 1), "SUBSCRIBE", "ps:gone");
    expect_cmd(s, "+RESET\r\n", "RESET");
    expect_cmd(p, ":0\r\n", "PUBLISH", "ps:gone", "3");
    cr_assert(h_no_data(s, 50));
    close(s);
    close(p);
}

Test(pubsub, client_type_pubsub) {
    int s = conn(), c = conn();
    expect_cmd(s, confirm("subscribe", "ps:type", 1), "SUBSCRIBE", "ps:type");
    h_bytes_t l = h_call(c, "CLIENT", "LIST", "TYPE", "pubsub", NULL);
    cr_assert_not_null(l.buf);
    cr_assert(strstr(l.buf, "flags=P") && strstr(l.buf, "cmd=subscribe"),
              "%s", l.buf);
    h_bytes_free(&l);
    l = h_call(c, "CLIENT", "LIST", "TYPE", "normal", NULL);
    cr_assert_not_null(l.buf);
    cr_assert(!strstr(l.buf, "flags=P"), "%s", l.buf);
    h_bytes_free(&l);
    expect_cmd(c, ":1\r\n", "CLIENT", "KILL", "TYPE", "pubsub");
    cr_assert(h_is_closed(s, 2000));
    wait_numsub(c, "ps:type", 0);
    close(s);
    close(c);
}

/* ---- the output buffer limit ---- */

/* A dedicated server with a small pubsub limit: a subscriber that never
 * reads (small receive buffer) is disconnected once its pending output
 * passes the hard limit; a subscriber that reads gets every message; the
 * server's memory stays bounded. */
Test(pubsub_limits, slow_subscriber_is_cut_off, .timeout = 120) {
    h_server_t s;
    static const char *const mr[] = {"--threads", "4",
                                     "--client-output-buffer-limit",
                                     "pubsub 1mb 256kb 60", NULL};
    static const char *const rd[] = {"--client-output-buffer-limit",
                                     "pubsub 1mb 256kb 60", NULL};
    cr_assert_eq(h_server_start(&s, is_real_redis() ? rd : mr), 0);
    int admin = h_connect(s.port);
    expect_config(admin, "client-output-buffer-limit",
                  "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 "
                  "262144 60");

    int slow = h_connect(s.port);
    int rcv = 4096;
    setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    h_resp_t *idr = h_callp(slow, "CLIENT", "ID", NULL);
    long long slow_id = idr->integer;
    h_resp_free(idr);
    expect_cmd(slow, confirm("subscribe", "ps:lim", 1), "SUBSCRIBE", "ps:lim");
    int good = h_connect(s.port);
    expect_cmd(good, confirm("subscribe", "ps:lim", 1), "SUBSCRIBE", "ps:lim");

    /* 2000 messages of 8 KiB: 16 MB, far past 1 MB plus what the kernel's
     * socket buffers hold */
    enum { N = 2000, SZ = 8192 };
    char *payload = malloc(SZ + 1);
    memset(payload, 'x', SZ);
    payload[SZ] = '\0';
    int pub = h_connect(s.port);
    long total_receivers = 0;
    for (int i = 0; i < N; i++) {
        const char *argv[] = {"PUBLISH", "ps:lim", payload};
        h_bytes_t b = h_callv(pub, 3, argv, NULL);
        cr_assert_not_null(b.buf);
        total_receivers += atol(b.buf + 1);
        h_bytes_free(&b);
        /* the good subscriber keeps up */
        h_bytes_t m = h_read_reply(good);
        cr_assert_not_null(m.buf, "good subscriber lost message %d", i);
        h_bytes_free(&m);
    }
    /* the slow one was counted while it lasted, then no more */
    cr_assert_lt(total_receivers, 2 * N);
    cr_assert_geq(total_receivers, N + 1);
    wait_numsub(admin, "ps:lim", 1);
    /* and it is gone from the server (what the kernel still buffers for
     * it trickles out through a 4 KiB window: not waited for) */
    char idarg[32];
    snprintf(idarg, sizeof idarg, "%lld", slow_id);
    long long until = h_now_ms() + 3000;
    for (;;) {
        h_bytes_t l = h_call(admin, "CLIENT", "LIST", "ID", idarg, NULL);
        cr_assert_not_null(l.buf);
        bool listed = strstr(l.buf, "id=") != NULL;
        h_bytes_free(&l);
        if (!listed) break;
        cr_assert(h_now_ms() < until, "the slow subscriber is still connected");
        h_sleep_ms(10);
    }
    expect_cmd(pub, ":1\r\n", "PUBLISH", "ps:lim", "after");
    expect_reply(good, NULL, message("ps:lim", "after"));
    free(payload);
    close(slow);
    close(good);
    close(pub);
    close(admin);
    int st = h_server_stop(&s);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0x%x", st);
}

Test(pubsub, output_buffer_limit_config) {
    int c = conn();
    expect_cmd(c, "+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit",
               "pubsub 64mb 16mb 120 normal 0 0 0");
    expect_config(c, "client-output-buffer-limit",
                  "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 "
                  "16777216 120");
    expect_cmd(c,
               "-ERR CONFIG SET failed (possibly related to argument "
               "'client-output-buffer-limit') - Wrong number of arguments in "
               "buffer limit configuration.\r\n",
               "CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2");
    expect_cmd(c,
               "-ERR CONFIG SET failed (possibly related to argument "
               "'client-output-buffer-limit') - Invalid client class "
               "specified in buffer limit configuration.\r\n",
               "CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3");
    expect_cmd(c, "+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit",
               "pubsub 32mb 8mb 60");
    close(c);
}

/* ---- keyspace notifications ---- */

static void expect_event(int s, const char *space, const char *event,
                         const char *key) {
    char ch[256];
    snprintf(ch, sizeof ch, "__keyspace@0__:%s", key);
    expect_reply(s, NULL, pmessage(space, ch, event));
}

Test(pubsub, keyspace_notifications) {
    int c = conn(), s = conn();
    expect_cmd(c, "+OK\r\n", "CONFIG", "SET", "notify-keyspace-events", "KEA");
    expect_cmd(c, "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n",
               "CONFIG", "GET", "notify-keyspace-events");
    expect_cmd(s, confirm("psubscribe", "__keyspace@0__:ps:ks:*", 1),
               "PSUBSCRIBE", "__keyspace@0__:ps:ks:*");
    const char *pat = "__keyspace@0__:ps:ks:*";
    expect_cmd(c, "+OK\r\n", "SET", "ps:ks:s", "1", "EX", "100");
    expect_event(s, pat, "set", "ps:ks:s");
    expect_event(s, pat, "expire", "ps:ks:s");
    expect_cmd(c, ":2\r\n", "INCR", "ps:ks:s");
    expect_event(s, pat, "incrby", "ps:ks:s");
    expect_cmd(c, "+OK\r\n", "RENAME", "ps:ks:s", "ps:ks:t");
    expect_event(s, pat, "rename_from", "ps:ks:s");
    expect_event(s, pat, "rename_to", "ps:ks:t");
    expect_cmd(c, ":2\r\n", "RPUSH", "ps:ks:l", "a", "b");
    expect_event(s, pat, "rpush", "ps:ks:l");
    expect_cmd(c, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "LPOP", "ps:ks:l", "2");
    expect_event(s, pat, "lpop", "ps:ks:l");
    expect_event(s, pat, "del", "ps:ks:l");
    expect_cmd(c, ":1\r\n", "HSET", "ps:ks:h", "f", "v");
    expect_event(s, pat, "hset", "ps:ks:h");
    expect_cmd(c, ":1\r\n", "SADD", "ps:ks:set", "m");
    expect_event(s, pat, "sadd", "ps:ks:set");
    expect_cmd(c, ":1\r\n", "ZADD", "ps:ks:z", "1", "m");
    expect_event(s, pat, "zadd", "ps:ks:z");
    expect_cmd(c, "$1\r\n2\r\n", "ZINCRBY", "ps:ks:z", "1", "m");
    expect_event(s, pat, "zincr", "ps:ks:z");
    expect_cmd(c, ":4\r\n", "DEL", "ps:ks:t", "ps:ks:h", "ps:ks:set",
               "ps:ks:z");
    expect_event(s, pat, "del", "ps:ks:t");
    expect_event(s, pat, "del", "ps:ks:h");
    expect_event(s, pat, "del", "ps:ks:set");
    expect_event(s, pat, "del", "ps:ks:z");
    /* expired: lazily, on access */
    expect_cmd(c, "+OK\r\n", "SET", "ps:ks:e", "1", "PX", "1");
    expect_event(s, pat, "set", "ps:ks:e");
    expect_event(s, pat, "expire", "ps:ks:e");
    h_sleep_ms(20);
    expect_cmd(c, "$-1\r\n", "GET", "ps:ks:e");
    expect_event(s, pat, "expired", "ps:ks:e");
    /* keyevent channels carry the key */
    expect_cmd(s, confirm("subscribe", "__keyevent@0__:del", 2), "SUBSCRIBE",
               "__keyevent@0__:del");
    expect_cmd(c, "+OK\r\n", "SET", "ps:ks:d", "1");
    expect_event(s, pat, "set", "ps:ks:d");
    expect_cmd(c, ":1\r\n", "DEL", "ps:ks:d");
    expect_event(s, pat, "del", "ps:ks:d");
    expect_reply(s, NULL, message("__keyevent@0__:del", "ps:ks:d"));
    /* new keys (n, not part of A) */
    expect_cmd(c, "+OK\r\n", "CONFIG", "SET", "notify-keyspace-events", "Kn$");
    expect_cmd(c, "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\n$nK\r\n",
               "CONFIG", "GET", "notify-keyspace-events");
    expect_cmd(c, "+OK\r\n", "SET", "ps:ks:n", "1");
    expect_event(s, pat, "new", "ps:ks:n");
    expect_event(s, pat, "set", "ps:ks:n");
    expect_cmd(c, "+OK\r\n", "SET", "ps:ks:n", "2");
    expect_event(s, pat, "set", "ps:ks:n");
    expect_cmd(c,
               "-ERR CONFIG SET failed (possibly related to argument "
               "'notify-keyspace-events') - Invalid event class character. "
               "Use 'Ag$lshzxeKEtmdn'.\r\n",
               "CONFIG", "SET", "notify-keyspace-events", "KQ");
    expect_cmd(c, "+OK\r\n", "CONFIG", "SET", "notify-keyspace-events", "");
    expect_cmd(c, ":1\r\n", "DEL", "ps:ks:n");
    cr_assert(h_no_data(s, 50));
    close(s);
    close(c);
}
