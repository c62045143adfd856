/* Living under a service manager: the pid file, and telling systemd
 * (sd_notify over $NOTIFY_SOCKET) or upstart (SIGSTOP) that the server is
 * ready, as redis-server's `supervised` option does. Main thread only. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mr/config.h"
#include "mr/server.h"

static int resolve_mode(void) {
    int m = (int)mr_config.supervised;
    if (m == MR_SUPERVISED_AUTO) {
        if (getenv("NOTIFY_SOCKET")) return MR_SUPERVISED_SYSTEMD;
        if (getenv("UPSTART_JOB")) return MR_SUPERVISED_UPSTART;
        return MR_SUPERVISED_NO;
    }
    return m;
}

/* One datagram to $NOTIFY_SOCKET (a path, or '@' for the abstract
 * namespace). False when there is no socket to tell. */
static bool sd_notify_msg(const char *msg) {
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !path[0] || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        return false;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    if (sa.sun_path[0] == '@') sa.sun_path[0] = '\0';
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    ssize_t n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
                       (struct sockaddr *)&sa, len);
    close(fd);
    return n == (ssize_t)strlen(msg);
}

void mr_supervise_resolve(void) { mr_server.supervised = resolve_mode(); }

void mr_supervise_ready(void) {
    if (mr_server.supervised == MR_SUPERVISED_SYSTEMD) {
        if (sd_notify_msg("READY=1\nSTATUS=Ready to accept connections\n"))
            mr_log(MR_LOG_NOTICE, "supervised by systemd: told it we are ready");
        else
            mr_log(MR_LOG_WARNING,
                   "supervised by systemd, but $NOTIFY_SOCKET could not be reached");
    } else if (mr_server.supervised == MR_SUPERVISED_UPSTART) {
        if (!getenv("UPSTART_JOB")) {
            mr_log(MR_LOG_WARNING, "upstart supervision requested, but no UPSTART_JOB found");
            return;
        }
        /* upstart's "expect stop": the job is ready once it stops itself */
        mr_log(MR_LOG_NOTICE, "supervised by upstart, will stop to signal readiness");
        raise(SIGSTOP);
        unsetenv("UPSTART_JOB");
    }
}

void mr_supervise_stopping(void) {
    if (mr_server.supervised == MR_SUPERVISED_SYSTEMD)
        sd_notify_msg("STOPPING=1\n");
}

bool mr_pidfile_write(void) {
    const char *path = mr_config.pidfile;
    if (!path || !path[0]) return true;
    FILE *f = fopen(path, "w");
    if (!f) {
        mr_log(MR_LOG_WARNING, "Failed to write PID file %s: %s", path,
               strerror(errno));
        return false;
    }
    fprintf(f, "%d\n", (int)getpid());
    return fclose(f) == 0;
}

void mr_pidfile_remove(void) {
    if (mr_config.pidfile && mr_config.pidfile[0]) unlink(mr_config.pidfile);
}
