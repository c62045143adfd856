/* Redis-style log lines: "pid:role dd Mon yyyy hh:mm:ss.mmm <c> message",
 * where <c> is one of ". - * #" for debug, verbose, notice, warning. Many
 * threads log, so the level check is lock-free but the write happens under
 * one mutex, one fputs + fflush per line, so lines never interleave. */
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

void mr_log(int level, const char *fmt, ...)
{
    static const char marks[] = ".-*#";
    char msg[LOG_MAX_MSG];
    char stamp[64];
    char line[LOG_MAX_MSG + 128];
    struct timeval tv;
    struct tm tm;
    va_list ap;

    if (level < atomic_load_explicit(&log_level, memory_order_relaxed))
        return;
    if (level < MR_LOG_DEBUG || level > MR_LOG_WARNING)
        level = MR_LOG_WARNING;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    size_t off = strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(stamp + off, sizeof(stamp) - off, "%03d",
             (int)(tv.tv_usec / 1000));
    /* Role 'M': MiniRedis is always a master. */
    snprintf(line, sizeof(line), "%d:M %s %c %s\n", (int)getpid(), stamp,
             marks[level], msg);

    pthread_mutex_lock(&log_lock);
    FILE *fp = log_fp ? log_fp : stderr;
    fputs(line, fp);
    fflush(fp);
    pthread_mutex_unlock(&log_lock);
}
