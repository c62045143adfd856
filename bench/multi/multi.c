/* A transaction load generator: C clients, each sending batches of whole
 * transactions `MULTI; SET k1 v; SET k2 v; EXEC` on random keys (k1 != k2
 * drawn from `-r` keys) and waiting for the replies of the whole batch
 * before the next one. One thread drives every connection through epoll,
 * as redis-benchmark does, so both servers face the same client.
 * Prints transactions per second and checks every reply byte for byte.
 *
 * Usage: multi -p PORT [-c clients=50] [-n transactions=200000]
 *              [-P transactions per batch=1] [-r keyspace=100000]
 *              [-d value size=3] */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char REPLY[] =
    "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n";
#define REPLY_LEN (sizeof REPLY - 1)

typedef struct client {
    int fd;
    char *out;
    size_t out_len, out_off;
    char *in;
    size_t in_len, want;
    long batch; /* transactions in flight */
} client_t;

static long opt_c = 50, opt_n = 200000, opt_p = 1, opt_r = 100000, opt_d = 3;
static int port;
static long sent, done;
static unsigned long long rng = 88172645463325252ull;

static unsigned long long next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fills c->out with the next batch; returns false when all were sent. */
static int fill_batch(client_t *c, const char *val) {
    long k = opt_n - sent < opt_p ? opt_n - sent : opt_p;
    if (k <= 0) return 0;
    size_t off = 0;
    for (long i = 0; i < k; i++) {
        unsigned long a = (unsigned long)(next_rand() % (unsigned long)opt_r);
        unsigned long b = (unsigned long)(next_rand() % (unsigned long)(opt_r - 1));
        if (b >= a) b++;
        off += (size_t)sprintf(c->out + off,
                               "*1\r\n$5\r\nMULTI\r\n"
                               "*3\r\n$3\r\nSET\r\n$10\r\nkey:%06lu\r\n$%ld\r\n%s\r\n"
                               "*3\r\n$3\r\nSET\r\n$10\r\nkey:%06lu\r\n$%ld\r\n%s\r\n"
                               "*1\r\n$4\r\nEXEC\r\n",
                               a, opt_d, val, b, opt_d, val);
    }
    c->out_len = off;
    c->out_off = 0;
    c->batch = k;
    c->in_len = 0;
    c->want = REPLY_LEN * (size_t)k;
    sent += k;
    return 1;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    int o;
    while ((o = getopt(argc, argv, "p:c:n:P:r:d:")) != -1) {
        long v = atol(optarg);
        switch (o) {
        case 'p': port = (int)v; break;
        case 'c': opt_c = v; break;
        case 'n': opt_n = v; break;
        case 'P': opt_p = v; break;
        case 'r': opt_r = v; break;
        case 'd': opt_d = v; break;
        default:
            fprintf(stderr, "usage: multi -p PORT [-c 50] [-n 200000] [-P 1] [-r 100000] [-d 3]\n");
            return 2;
        }
    }
    if (!port || opt_c < 1 || opt_n < 1 || opt_p < 1 || opt_r < 2 ||
        opt_r > 999999 || opt_d < 1 || opt_d > 4096) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    char *val = malloc((size_t)opt_d + 1);
    memset(val, 'v', (size_t)opt_d);
    val[opt_d] = '\0';
    int ep = epoll_create1(0);
    client_t *cs = calloc((size_t)opt_c, sizeof *cs);
    size_t per_tx = 120 + 2 * (size_t)opt_d;
    for (long i = 0; i < opt_c; i++) {
        client_t *c = &cs[i];
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)port),
                                 .sin_addr.s_addr = htonl(0x7f000001)};
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) die("connect");
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->out = malloc(per_tx * (size_t)opt_p);
        c->in = malloc(REPLY_LEN * (size_t)opt_p);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) die("epoll_ctl");
    }
    double t0 = now_s();
    long active = 0;
    for (long i = 0; i < opt_c; i++) {
        if (!fill_batch(&cs[i], val)) break;
        if (write(cs[i].fd, cs[i].out, cs[i].out_len) != (ssize_t)cs[i].out_len)
            die("write"); /* a batch fits the socket buffer */
        active++;
    }
    struct epoll_event evs[64];
    while (active > 0) {
        int n = epoll_wait(ep, evs, 64, 10000);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fprintf(stderr, "no reply for 10 s\n");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            client_t *c = evs[i].data.ptr;
            ssize_t k = read(c->fd, c->in + c->in_len, c->want - c->in_len);
            if (k <= 0) die("read");
            c->in_len += (size_t)k;
            if (c->in_len < c->want) continue;
            for (long t = 0; t < c->batch; t++)
                if (memcmp(c->in + (size_t)t * REPLY_LEN, REPLY, REPLY_LEN) != 0) {
                    fprintf(stderr, "unexpected reply: %.*s\n", (int)REPLY_LEN,
                            c->in + (size_t)t * REPLY_LEN);
                    return 1;
                }
            done += c->batch;
            if (fill_batch(c, val)) {
                if (write(c->fd, c->out, c->out_len) != (ssize_t)c->out_len)
                    die("write");
            } else {
                active--;
            }
        }
    }
    double el = now_s() - t0;
    printf("%ld transactions in %.3f s: %.0f tx/s (-c %ld -P %ld -r %ld -d %ld)\n",
           done, el, (double)done / el, opt_c, opt_p, opt_r, opt_d);
    return 0;
}
