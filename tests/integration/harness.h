/* Integration test harness: starts the server under test (MINIREDIS_BIN) on a
 * free port, talks raw RESP to it over TCP or a Unix socket and compares
 * replies byte for byte.
 *
 * The same tests run against a real redis-server (MINIREDIS_BIN=
 * /usr/bin/redis-server), which is how every expected byte is validated.
 *
 * One shared server per test binary: a Criterion PRE_ALL hook starts it in
 * the runner process and POST_ALL stops it; test processes (which Criterion
 * spawns from a pristine image, not from the runner's memory) find its port
 * in a file named after the runner's pid. Tests that need special flags or
 * kill the server start a dedicated one with h_server_start().
 *
 * Every wait is bounded: reads time out (H_TIMEOUT_MS by default), start-up
 * gives up after 5 s, stop escalates to SIGKILL after 5 s. */
#ifndef MR_TEST_HARNESS_H
#define MR_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define H_TIMEOUT_MS 5000

typedef struct h_server {
    pid_t pid;        /* 0 when not running */
    int port;
    bool child;       /* started by this process (waitpid works) */
    char dir[256];    /* private temp dir: log, unix socket, files */
    char log[320];    /* server's stdout+stderr */
} h_server_t;

/* A whole RESP reply as raw bytes (NUL-terminated for convenience). */
typedef struct h_bytes {
    char *buf; /* NULL when nothing complete arrived (timeout or closed) */
    size_t len;
} h_bytes_t;

/* A parsed RESP2/RESP3 value. type is the RESP type byte ('+', '-', ':',
 * '$', '*', '%', '~', '_', ',', '#', '=', '(', '>', '|', '!'). Null bulk and
 * null array in RESP2 keep their type with is_null set. str/len hold the
 * payload of string-like types; integer holds ':' values and '#' (0/1);
 * elems/n hold aggregates (a map has 2*pairs elements, key then value). */
typedef struct h_resp {
    char type;
    bool is_null;
    long long integer;
    char *str;
    size_t len;
    struct h_resp **elems;
    size_t n;
} h_resp_t;

/* ---- servers ---- */

/* Path of the binary under test (env MINIREDIS_BIN, made absolute). */
const char *h_bin(void);
/* True when the binary under test is a real redis-server. */
bool is_real_redis(void);
/* Starts a dedicated server with extra NULL-terminated flags (may be NULL)
 * and waits until it answers PING. Returns 0, or -1 with the reason and log
 * printed to stderr. Retries on another port when the port was taken. */
int h_server_start(h_server_t *s, const char *const *extra);
/* Like h_server_start() but does not wait for PING (for servers expected to
 * refuse to start). */
int h_server_spawn(h_server_t *s, int port, const char *const *extra);
/* SIGTERM, wait up to 5 s, then SIGKILL. Returns the wait status (as from
 * waitpid) or -1 when the server was not our child / already gone. Also
 * removes the temp dir unless H_KEEP_LOGS is set in the environment. */
int h_server_stop(h_server_t *s);
/* For suites sharing one server on several workers (blocking, pipelines,
 * transactions, pub/sub): starts it with --threads n (redis-server, being
 * single-threaded, gets no flag), failing the test if it does not start;
 * stops it requiring a clean exit (status 0: under ASan also no leak). */
void h_server_start_workers(h_server_t *s, int n);
void h_server_stop_clean(h_server_t *s);
/* Waits up to timeout_ms for a child server to exit by itself. Returns true
 * and stores the wait status when it did. */
bool h_server_wait_exit(h_server_t *s, int timeout_ms, int *status);
/* Prints the server log to stderr (for failure diagnostics). */
void h_server_dump_log(const h_server_t *s);

/* The shared server of this test binary (started on first use if the
 * PRE_ALL hook did not run). Aborts the test when it cannot be started. */
const h_server_t *h_shared(void);
int h_port(void);

/* ---- connections ---- */

/* TCP connection to 127.0.0.1:port with SO_RCVTIMEO/SO_SNDTIMEO of
 * H_TIMEOUT_MS. Aborts the test on failure. */
int h_connect(int port);
/* Same, returning -1 instead of aborting. */
int h_try_connect(int port);
int h_connect_unix(const char *path);
/* Connects to the shared server. */
int h_conn(void);
void h_set_timeout_ms(int fd, int ms);

/* Writes all bytes (MSG_NOSIGNAL). Returns false when the peer is gone. */
bool h_send(int fd, const void *buf, size_t len);
bool h_send_str(int fd, const char *s);
/* Reads exactly n bytes or until timeout_ms / EOF. Returns bytes read. */
size_t h_read_exact(int fd, void *buf, size_t n, int timeout_ms);
/* True if the peer closed the connection (EOF or reset) within timeout_ms.
 * False if it stayed open or sent data (the data is consumed). */
bool h_is_closed(int fd, int timeout_ms);
/* True if no byte is readable within ms milliseconds (nothing consumed). */
bool h_no_data(int fd, int ms);

/* ---- RESP ---- */

/* Encodes argv as a RESP array of bulk strings. lens may be NULL (strlen).
 * Returns a malloc'd buffer; *out_len gets its length. */
char *h_resp_cmd(int argc, const char *const *argv, const size_t *lens,
                 size_t *out_len);
/* Reads one complete reply of any RESP2/3 type (nested aggregates included)
 * without consuming anything after it. */
h_bytes_t h_read_reply(int fd);
/* Sends a command given as NULL-terminated string args and reads one reply. */
h_bytes_t h_call(int fd, const char *arg0, ...);
h_bytes_t h_callv(int fd, int argc, const char *const *argv,
                  const size_t *lens);
void h_bytes_free(h_bytes_t *b);

/* Parses one complete reply; NULL when malformed or incomplete. */
h_resp_t *h_parse(const char *buf, size_t len);
/* h_call + h_parse; aborts the test when no valid reply arrives. */
h_resp_t *h_callp(int fd, const char *arg0, ...);
void h_resp_free(h_resp_t *r);
/* In a map (or RESP2 flat key/value array) the value for a key, or NULL. */
const h_resp_t *h_map_get(const h_resp_t *map, const char *key);

/* Escaped, printable copy (\r \n \0 \xNN), truncated for huge buffers.
 * Returns a malloc'd string. */
char *h_escape(const void *buf, size_t len);
/* Value of "field:" in an INFO / CLIENT LIST style text, copied into out.
 * Returns false when absent. */
bool h_field(const char *text, const char *field, char *out, size_t outlen);

/* Monotonic milliseconds. */
long long h_now_ms(void);
void h_sleep_ms(int ms);

/* ---- assertions (report the caller's file:line) ---- */

void h_expect_reply_at(const char *file, int line, int fd, const void *req,
                       size_t reqlen, const void *exp, size_t explen);
void h_expect_str_at(const char *file, int line, int fd, const char *req,
                     const char *exp);
void h_expect_cmd_at(const char *file, int line, int fd, const char *exp,
                     const char *arg0, ...);

/* Sends request (NULL or "" sends nothing) and reads exactly
 * strlen(expected) bytes, which must equal expected. On mismatch both are
 * printed escaped and the test fails. */
#define expect_reply(fd, request, expected)                                   \
    h_expect_str_at(__FILE__, __LINE__, (fd), (request), (expected))
/* Binary-safe variant with explicit lengths. */
#define expect_reply_n(fd, request, reqlen, expected, explen)                 \
    h_expect_reply_at(__FILE__, __LINE__, (fd), (request), (reqlen),          \
                      (expected), (explen))
/* Builds the RESP command from the string args, sends it, compares. */
#define expect_cmd(fd, expected, ...)                                         \
    h_expect_cmd_at(__FILE__, __LINE__, (fd), (expected), __VA_ARGS__, NULL)

#endif
