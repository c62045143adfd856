/* Pub/sub benchmark subscriber: opens N connections to 127.0.0.1:PORT,
 * subscribes connection i to channel PREFIX%012d (i), then reads and
 * discards everything with epoll, counting "message" frames, until it has
 * seen EXPECT messages in total or nothing arrived for IDLE_MS. Prints
 * "ready" on stdout once every subscription is confirmed, and at the end
 * "messages <n>". Small and single-threaded so it costs the machine
 * little next to the servers being measured.
 * Usage: sub PORT N EXPECT [PREFIX] [IDLE_MS] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Counts "\r\nmessage\r\n" across reads: keeps the last few bytes. */
typedef struct conn {
    int fd;
    char tail[16];
    int tlen;
} conn_t;

static const char NEEDLE[] = "$7\r\nmessage\r\n";

static long count_in(conn_t *c, const char *buf, ssize_t n) {
    /* glue the previous tail to the start of this buffer */
    char joined[16 + 65536];
    memcpy(joined, c->tail, (size_t)c->tlen);
    memcpy(joined + c->tlen, buf, (size_t)n);
    size_t len = (size_t)c->tlen + (size_t)n, nl = sizeof NEEDLE - 1;
    long hits = 0;
    for (const char *p = joined; (p = memmem(p, len - (size_t)(p - joined),
                                             NEEDLE, nl)) != NULL;
         p += nl)
        hits++;
    size_t keep = len < nl - 1 ? len : nl - 1;
    memcpy(c->tail, joined + len - keep, keep);
    c->tlen = (int)keep;
    return hits;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: sub PORT N EXPECT [PREFIX] [IDLE_MS]\n");
        return 2;
    }
    int port = atoi(argv[1]), n = atoi(argv[2]);
    long expect = atol(argv[3]);
    const char *prefix = argc > 4 ? argv[4] : "channel:";
    int idle_ms = argc > 5 ? atoi(argv[5]) : 5000;
    conn_t *conns = calloc((size_t)n, sizeof *conns);
    int ep = epoll_create1(0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    for (int i = 0, tries = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            perror("connect");
            return 1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char ch[128], req[256];
        int cl = snprintf(ch, sizeof ch, "%s%012d", prefix, i);
        int rl = snprintf(req, sizeof req, "*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n", cl, ch);
        if (write(fd, req, (size_t)rl) != rl) return 1;
        /* the confirmation: read until its count's line */
        char buf[512];
        size_t got = 0;
        while (got < 8 || memcmp(buf + got - 4, ":1\r\n", 4) != 0) {
            ssize_t r = read(fd, buf + got, sizeof buf - got);
            if (r <= 0) break;
            got += (size_t)r;
        }
        if (got < 8 || memcmp(buf + got - 4, ":1\r\n", 4) != 0) {
            /* a burst of connects can overflow a listen backlog: retry */
            close(fd);
            if (++tries > 20) {
                fprintf(stderr, "subscribe %d failed\n", i);
                return 1;
            }
            usleep(10000);
            i--;
            continue;
        }
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    printf("ready\n");
    fflush(stdout);
    long total = 0;
    static char buf[65536];
    struct epoll_event evs[256];
    while (total < expect) {
        int k = epoll_wait(ep, evs, 256, idle_ms);
        if (k == 0) break; /* nothing for idle_ms: the publishers are done */
        if (k < 0 && errno == EINTR) continue;
        for (int i = 0; i < k; i++) {
            conn_t *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, buf, sizeof buf);
            if (r > 0) total += count_in(c, buf, r);
        }
    }
    printf("messages %ld\n", total);
    return 0;
}
