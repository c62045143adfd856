/* A transport ceiling for bench/RESULTS.md: the least an io_uring server
 * can do per request on this machine. N threads, each with its own ring
 * and SO_REUSEPORT listener on 127.0.0.1:PORT; multishot accept; multishot
 * recv into a ring of provided buffers; every '*' byte received counts as
 * one request and is answered "+PONG\r\n", in one send per receive. It
 * parses nothing and stores nothing: run redis-benchmark -t ping_mbulk
 * against it (a PING_MBULK request holds exactly one '*') and compare its
 * CPU per request with miniredis's and redis-server's.
 *
 *   cc -O2 -o /tmp/ceiling bench/ceiling/ceiling.c -luring -lpthread
 *   /tmp/ceiling PORT THREADS      (runs until killed)
 *
 * Not part of MiniRedis, never run by the tests. */
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NBUF 512
#define BUFSZ 16384
#define OUTSZ 65536
#define MAXFD 65536
enum { OP_ACCEPT = 1, OP_RECV, OP_SEND };

typedef struct conn {
    char out[OUTSZ];
    int len, inflight;
} conn_t;

static int port;

static uint64_t ud(int op, int fd) { return (uint64_t)op << 32 | (unsigned)fd; }

static void arm_recv(struct io_uring *ring, int fd) {
    struct io_uring_sqe *s = io_uring_get_sqe(ring);
    io_uring_prep_recv_multishot(s, fd, NULL, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = 0;
    io_uring_sqe_set_data64(s, ud(OP_RECV, fd));
}

static void send_out(struct io_uring *ring, int fd, conn_t *c) {
    struct io_uring_sqe *s = io_uring_get_sqe(ring);
    io_uring_prep_send(s, fd, c->out, (size_t)c->len, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(s, ud(OP_SEND, fd));
    c->inflight = c->len;
}

static void *run(void *arg) {
    (void)arg;
    struct io_uring ring;
    struct io_uring_params p = {0};
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
              IORING_SETUP_CQSIZE;
    p.cq_entries = 8192;
    if (io_uring_queue_init_params(1024, &ring, &p) < 0) abort();
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(0x7f000001)};
    if (bind(ls, (void *)&sa, sizeof sa) || listen(ls, 511)) abort();
    struct io_uring_buf_ring *br;
    if (posix_memalign((void **)&br, 4096, sizeof(struct io_uring_buf) * NBUF))
        abort();
    char *bufs = malloc((size_t)NBUF * BUFSZ);
    struct io_uring_buf_reg reg = {.ring_addr = (unsigned long)br,
                                   .ring_entries = NBUF, .bgid = 0};
    if (io_uring_register_buf_ring(&ring, &reg, 0)) abort();
    io_uring_buf_ring_init(br);
    for (int i = 0; i < NBUF; i++)
        io_uring_buf_ring_add(br, bufs + (size_t)i * BUFSZ, BUFSZ, i,
                              NBUF - 1, i);
    io_uring_buf_ring_advance(br, NBUF);
    conn_t **conns = calloc(MAXFD, sizeof *conns);
    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    io_uring_prep_multishot_accept(s, ls, NULL, NULL, 0);
    io_uring_sqe_set_data64(s, ud(OP_ACCEPT, 0));
    for (;;) {
        io_uring_submit_and_wait(&ring, 1);
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        int returned = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            int op = (int)(cqe->user_data >> 32);
            int fd = (int)(cqe->user_data & 0xffffffff);
            if (op == OP_ACCEPT) {
                int c = cqe->res;
                if (c < 0) continue;
                if (c >= MAXFD) {
                    close(c);
                    continue;
                }
                setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                conns[c] = calloc(1, sizeof(conn_t));
                arm_recv(&ring, c);
            } else if (op == OP_RECV) {
                conn_t *c = conns[fd];
                if (cqe->res <= 0) {
                    if (!(cqe->flags & IORING_CQE_F_MORE) && c) {
                        close(fd);
                        free(c);
                        conns[fd] = NULL;
                    }
                    continue;
                }
                int bid = (int)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
                char *b = bufs + (size_t)bid * BUFSZ;
                for (int i = 0; i < cqe->res; i++)
                    if (b[i] == '*' && c->len + 7 <= OUTSZ) {
                        memcpy(c->out + c->len, "+PONG\r\n", 7);
                        c->len += 7;
                    }
                io_uring_buf_ring_add(br, b, BUFSZ, bid, NBUF - 1, returned++);
                if (!c->inflight && c->len) send_out(&ring, fd, c);
                if (!(cqe->flags & IORING_CQE_F_MORE)) arm_recv(&ring, fd);
            } else if (op == OP_SEND) {
                conn_t *c = conns[fd];
                if (!c) continue;
                int sent = cqe->res > 0 ? cqe->res : c->inflight;
                memmove(c->out, c->out + sent, (size_t)(c->len - sent));
                c->len -= sent;
                c->inflight = 0;
                if (c->len) send_out(&ring, fd, c);
            }
        }
        io_uring_cq_advance(&ring, seen);
        if (returned) io_uring_buf_ring_advance(br, returned);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    int n = atoi(argv[2]);
    if (n < 1 || n > 64) n = 1;
    pthread_t t[64];
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, run, NULL);
    pause();
    return 0;
}
