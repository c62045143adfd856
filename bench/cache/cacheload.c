/* cacheload: a cache workload for a Redis-protocol server.
 *
 * Keys are drawn from a Zipf distribution (exponent --zipf, default 0.99)
 * over --keys names; each request is a GET (--get-ratio, default 0.9) or a
 * SET of a --value-size byte value. A GET that misses is followed by a SET
 * of that key, as a cache client fills a miss (the SET goes out in the
 * connection's next batch). --conns connections each keep --pipeline
 * requests in flight, spread over --threads client threads.
 *
 * Prints one line of key=value figures: requests, gets, hits, misses,
 * sets, errors (-OOM and others), seconds, rate and hit_ratio (hits / gets).
 *
 *   cacheload --port 6379 --keys 30000000 --requests 5000000 --pipeline 16
 *
 * The Zipf sampler is rejection-inversion (Hormann and Derflinger, "Rejection-
 * inversion to generate variates from monotone discrete distributions",
 * 1996): O(1) per draw and no table, so a keyspace of tens of millions
 * costs nothing to set up. Build: cc -O2 -o cacheload cacheload.c -lm -lpthread */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define MAX_PIPELINE 1024
#define RBUF 65536

/* ---- options ---- */
static int port = 6379, nconns = 50, pipeline = 16, nthreads = 1;
static long long nkeys = 1000000, requests = 1000000;
static int value_size = 100;
static double zipf_s = 0.99, get_ratio = 0.9;
static unsigned long long seed = 1;

/* ---- random numbers: splitmix64 per thread ---- */
typedef struct rng {
    uint64_t s;
} rng_t;

static uint64_t rnd64(rng_t *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rnd01(rng_t *r) { return (double)(rnd64(r) >> 11) * 0x1.0p-53; }

/* ---- Zipf by rejection-inversion ---- */
typedef struct zipf {
    double s, n, h_x1, h_n, t;
} zipf_t;

/* log1p(x)/x and expm1(x)/x, continuous at 0 */
static double helper1(double x) { return fabs(x) > 1e-8 ? log1p(x) / x : 1 - x / 2; }
static double helper2(double x) { return fabs(x) > 1e-8 ? expm1(x) / x : 1 + x / 2; }

/* H(x) = integral of x^-s: ((x^(1-s)) - 1) / (1 - s), and its inverse */
static double zh_int(const zipf_t *z, double x) {
    double lx = log(x);
    return helper2((1 - z->s) * lx) * lx;
}
static double zh(const zipf_t *z, double x) { return exp(-z->s * log(x)); }
static double zh_int_inv(const zipf_t *z, double x) {
    double t = x * (1 - z->s);
    if (t < -1) t = -1;
    return exp(helper1(t) * x);
}

static void zipf_init(zipf_t *z, double s, long long n) {
    z->s = s;
    z->n = (double)n;
    z->h_x1 = zh_int(z, 1.5) - 1;
    z->h_n = zh_int(z, z->n + 0.5);
    z->t = 2 - zh_int_inv(z, zh_int(z, 2.5) - zh(z, 2));
}

/* A rank in 1..n; rank 1 is the most frequent. */
static long long zipf_draw(const zipf_t *z, rng_t *r) {
    for (;;) {
        double u = z->h_n + rnd01(r) * (z->h_x1 - z->h_n);
        double x = zh_int_inv(z, u);
        double k = floor(x + 0.5);
        if (k < 1) k = 1;
        else if (k > z->n) k = z->n;
        if (k - x <= z->t || u >= zh_int(z, k + 0.5) - zh(z, k))
            return (long long)k;
    }
}

/* Ranks become key ids through a fixed permutation (multiplication by an
 * odd constant modulo a power of two, folded into range by rejection), so
 * the hot keys are not neighbours in name. */
static long long key_of(long long rank) {
    uint64_t m = 1;
    while (m < (uint64_t)nkeys) m <<= 1;
    uint64_t x = (uint64_t)(rank - 1);
    do x = (x * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL) & (m - 1);
    while (x >= (uint64_t)nkeys);
    return (long long)x;
}

/* ---- connections ---- */
typedef struct conn {
    int fd;
    char rbuf[RBUF];
    size_t rlen;
    int batch, next;            /* requests in the batch, replies read */
    char kinds[MAX_PIPELINE];   /* 'G' or 'S' per request in flight */
    long long keys[MAX_PIPELINE];
    long long refill[MAX_PIPELINE]; /* keys whose GET missed: SET next */
    int nrefill;
} conn_t;

typedef struct worker {
    pthread_t th;
    int first, count; /* its connections */
    conn_t *conns;
    rng_t rng;
    long long budget; /* requests this thread sends */
    long long gets, hits, misses, sets, errors, sent;
} worker_t;

static const zipf_t *zipf_g;
static char *value_g;

static int dial(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void put_cmd(char **p, char kind, long long key) {
    char k[32];
    int kl = snprintf(k, sizeof k, "key:%010lld", key);
    if (kind == 'G')
        *p += sprintf(*p, "*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", kl, k);
    else
        *p += sprintf(*p, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", kl,
                      k, value_size, value_g);
}

static int write_all(int fd, const char *b, size_t n) {
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Sends the connection's next batch: the SETs its misses owe first, then
 * new requests, up to --pipeline. */
static int send_batch(worker_t *w, conn_t *c, char *out) {
    char *p = out;
    int n = 0;
    for (int i = 0; i < c->nrefill && n < pipeline; i++, n++) {
        c->kinds[n] = 'S';
        c->keys[n] = c->refill[i];
        put_cmd(&p, 'S', c->refill[i]);
    }
    int owed = c->nrefill - n;
    memmove(c->refill, c->refill + n, sizeof c->refill[0] * (size_t)owed);
    c->nrefill = owed;
    for (; n < pipeline && w->sent < w->budget; n++, w->sent++) {
        long long key = key_of(zipf_draw(zipf_g, &w->rng));
        char kind = rnd01(&w->rng) < get_ratio ? 'G' : 'S';
        c->kinds[n] = kind;
        c->keys[n] = key;
        put_cmd(&p, kind, key);
    }
    if (n == 0) return 0;
    c->batch = n;
    c->next = 0;
    return write_all(c->fd, out, (size_t)(p - out));
}

/* Consumes the complete replies at the front of the read buffer: GET's
 * bulk or null, SET's +OK, or an error (-OOM under noeviction). */
static void parse_replies(worker_t *w, conn_t *c) {
    size_t off = 0;
    while (c->next < c->batch) {
        char *s = c->rbuf + off;
        size_t avail = c->rlen - off;
        char *nl = memchr(s, '\n', avail);
        if (!nl) break;
        size_t line = (size_t)(nl - s) + 1;
        char kind = c->kinds[c->next];
        if (s[0] == '$') {
            long long len = atoll(s + 1);
            if (len < 0) {
                w->misses++;
                c->refill[c->nrefill++] = c->keys[c->next];
            } else {
                if (avail < line + (size_t)len + 2) break;
                line += (size_t)len + 2;
                w->hits++;
            }
            w->gets++;
        } else if (s[0] == '-') {
            w->errors++;
        } else {
            if (kind == 'S') w->sets++;
        }
        off += line;
        c->next++;
    }
    memmove(c->rbuf, c->rbuf + off, c->rlen - off);
    c->rlen -= off;
}

static void *run_worker(void *arg) {
    worker_t *w = arg;
    char *out = malloc((size_t)pipeline * (size_t)(value_size + 96));
    struct pollfd pf[MAX_CONNS];
    for (int i = 0; i < w->count; i++)
        if (send_batch(w, &w->conns[i], out) != 0) {
            fprintf(stderr, "cacheload: write failed\n");
            exit(1);
        }
    for (;;) {
        int live = 0;
        for (int i = 0; i < w->count; i++) {
            conn_t *c = &w->conns[i];
            pf[i].fd = c->next < c->batch ? c->fd : -1;
            pf[i].events = POLLIN;
            pf[i].revents = 0;
            if (c->next < c->batch) live++;
        }
        if (!live) break;
        if (poll(pf, (nfds_t)w->count, 10000) <= 0) {
            fprintf(stderr, "cacheload: no reply for 10 s\n");
            exit(1);
        }
        for (int i = 0; i < w->count; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            conn_t *c = &w->conns[i];
            ssize_t r = read(c->fd, c->rbuf + c->rlen, RBUF - c->rlen);
            if (r <= 0) {
                fprintf(stderr, "cacheload: connection lost\n");
                exit(1);
            }
            c->rlen += (size_t)r;
            parse_replies(w, c);
            if (c->next == c->batch && send_batch(w, c, out) != 0) {
                fprintf(stderr, "cacheload: write failed\n");
                exit(1);
            }
        }
    }
    free(out);
    return NULL;
}

static void usage(void) {
    fprintf(stderr,
            "usage: cacheload [--port N] [--conns N] [--pipeline N] "
            "[--threads N]\n"
            "                 [--keys N] [--requests N] [--value-size N] "
            "[--zipf S]\n"
            "                 [--get-ratio F] [--seed N]\n");
    exit(2);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) usage();
        if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--conns")) nconns = atoi(v);
        else if (!strcmp(a, "--pipeline")) pipeline = atoi(v);
        else if (!strcmp(a, "--threads")) nthreads = atoi(v);
        else if (!strcmp(a, "--keys")) nkeys = atoll(v);
        else if (!strcmp(a, "--requests")) requests = atoll(v);
        else if (!strcmp(a, "--value-size")) value_size = atoi(v);
        else if (!strcmp(a, "--zipf")) zipf_s = atof(v);
        else if (!strcmp(a, "--get-ratio")) get_ratio = atof(v);
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else usage();
        i++;
    }
    if (nconns < 1 || nconns > MAX_CONNS || pipeline < 1 ||
        pipeline > MAX_PIPELINE / 2 || nthreads < 1 || nthreads > nconns ||
        nkeys < 2 || value_size < 1 || value_size > 1 << 20 || zipf_s <= 0 ||
        zipf_s == 1.0)
        usage();
    zipf_t z;
    zipf_init(&z, zipf_s, nkeys);
    zipf_g = &z;
    value_g = malloc((size_t)value_size + 1);
    memset(value_g, 'x', (size_t)value_size);
    value_g[value_size] = 0;
    conn_t *conns = calloc((size_t)nconns, sizeof *conns);
    for (int i = 0; i < nconns; i++) {
        conns[i].fd = dial();
        if (conns[i].fd < 0) {
            fprintf(stderr, "cacheload: cannot connect to port %d\n", port);
            return 1;
        }
    }
    worker_t *ws = calloc((size_t)nthreads, sizeof *ws);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int t = 0; t < nthreads; t++) {
        worker_t *w = &ws[t];
        w->first = t * nconns / nthreads;
        w->count = (t + 1) * nconns / nthreads - w->first;
        w->conns = conns + w->first;
        w->rng.s = seed * 1000003ULL + (uint64_t)t;
        w->budget = requests / nthreads + (t < requests % nthreads);
        pthread_create(&w->th, NULL, run_worker, w);
    }
    long long gets = 0, hits = 0, misses = 0, sets = 0, errors = 0;
    for (int t = 0; t < nthreads; t++) {
        pthread_join(ws[t].th, NULL);
        gets += ws[t].gets;
        hits += ws[t].hits;
        misses += ws[t].misses;
        sets += ws[t].sets;
        errors += ws[t].errors;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    long long total = gets + sets + errors;
    printf("requests=%lld gets=%lld hits=%lld misses=%lld sets=%lld "
           "errors=%lld seconds=%.3f rate=%.0f hit_ratio=%.4f\n",
           total, gets, hits, misses, sets, errors, secs, (double)total / secs,
           gets ? (double)hits / (double)gets : 0.0);
    return 0;
}
