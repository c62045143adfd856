/* The server log. Two formats (log-format):
 *   text: Redis's lines, "pid:role dd Mon yyyy hh:mm:ss.mmm <c> message",
 *         <c> one of ". - * #" for debug, verbose, notice, warning (the
 *         message already says what the fields hold, so they are not
 *         repeated);
 *   json: one object per line, {"timestamp","level","pid","thread",
 *         "message","fields"}, for log pipelines.
 * Many threads log, so the level check is lock-free but the write happens
 * under one mutex, one fputs + fflush per line, so lines never interleave.
 * Nothing logs per command: this lock is never on the hot path. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "mr/util.h"

#define LOG_MAX_MSG 1024

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_fp; /* NULL means stderr */
static atomic_int log_level = MR_LOG_NOTICE;
static atomic_int log_format; /* 0 text, 1 json (mr/config.h MR_LOG_FORMAT_*) */
/* the thread's role in the "thread" field: "main", "worker 3", "aof" */
static _Thread_local char thread_role[24];

/* Reopening (SIGHUP after logrotate) swaps the stream under the lock; if
 * the new file cannot be opened the old destination stays in use. */
void mr_log_open(const char *path)
{
    FILE *fp = NULL;

    if (path && path[0]) {
        fp = fopen(path, "a");
        if (!fp) {
            int e = errno;
            mr_log(MR_LOG_WARNING, "Can't open the log file %s: %s", path,
                   strerror(e));
            return;
        }
    }
    pthread_mutex_lock(&log_lock);
    if (log_fp)
        fclose(log_fp);
    log_fp = fp;
    pthread_mutex_unlock(&log_lock);
}

void mr_log_set_level(int level)
{
    if (level < MR_LOG_DEBUG)
        level = MR_LOG_DEBUG;
    if (level > MR_LOG_WARNING)
        level = MR_LOG_WARNING;
    atomic_store_explicit(&log_level, level, memory_order_relaxed);
}

void mr_log_set_format(int json)
{
    atomic_store_explicit(&log_format, json ? 1 : 0, memory_order_relaxed);
}

void mr_log_set_thread(const char *role)
{
    snprintf(thread_role, sizeof thread_role, "%s", role);
}

bool mr_log_enabled(int level)
{
    return level >= atomic_load_explicit(&log_level, memory_order_relaxed);
}

static void format_text(mr_buf_t *line, int level, const struct timeval *tv,
                        const char *msg, const char *const *kv, int npairs)
{
    static const char marks[] = ".-*#";
    char stamp[64];
    struct tm tm;
    localtime_r(&tv->tv_sec, &tm);
    size_t off = strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(stamp + off, sizeof(stamp) - off, "%03d",
             (int)(tv->tv_usec / 1000));
    /* Role 'M': MiniRedis is always a master. */
    mr_buf_printf(line, "%d:M %s %c %s", (int)getpid(), stamp, marks[level],
                  msg);
    (void)kv;
    (void)npairs;
    mr_buf_append(line, "\n", 1);
}

static void format_json(mr_buf_t *line, int level, const struct timeval *tv,
                        const char *msg, const char *const *kv, int npairs)
{
    static const char *const names[] = {"debug", "verbose", "notice",
                                        "warning"};
    char stamp[64];
    struct tm tm;
    gmtime_r(&tv->tv_sec, &tm);
    size_t off = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp + off, sizeof(stamp) - off, ".%06dZ", (int)tv->tv_usec);
    mr_buf_printf(line, "{\"timestamp\":\"%s\",\"level\":\"%s\",\"pid\":%d,"
                        "\"thread\":",
                  stamp, names[level], (int)getpid());
    mr_json_cstr(line, thread_role[0] ? thread_role : "main");
    mr_buf_append_cstr(line, ",\"message\":");
    mr_json_cstr(line, msg);
    mr_buf_append_cstr(line, ",\"fields\":{");
    for (int i = 0; i < npairs; i++) {
        if (i) mr_buf_append(line, ",", 1);
        mr_json_cstr(line, kv[2 * i]);
        mr_buf_append(line, ":", 1);
        mr_json_cstr(line, kv[2 * i + 1]);
    }
    mr_buf_append_cstr(line, "}}\n");
}

static void vlog(int level, const char *const *kv, int npairs,
                 const char *fmt, va_list ap)
{
    char msg[LOG_MAX_MSG];
    struct timeval tv;

    if (!mr_log_enabled(level))
        return;
    if (level < MR_LOG_DEBUG || level > MR_LOG_WARNING)
        level = MR_LOG_WARNING;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    gettimeofday(&tv, NULL);

    mr_buf_t line = {0};
    if (atomic_load_explicit(&log_format, memory_order_relaxed))
        format_json(&line, level, &tv, msg, kv, npairs);
    else
        format_text(&line, level, &tv, msg, kv, npairs);

    pthread_mutex_lock(&log_lock);
    FILE *fp = log_fp ? log_fp : stderr;
    fwrite(line.data, 1, line.len, fp);
    fflush(fp);
    pthread_mutex_unlock(&log_lock);
    mr_buf_free(&line);
}

void mr_log(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, NULL, 0, fmt, ap);
    va_end(ap);
}

void mr_log_fields(int level, const char *const *kv, int npairs,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, kv, npairs, fmt, ap);
    va_end(ap);
}
