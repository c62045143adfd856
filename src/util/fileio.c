/* Writing files whole: the AOF, its rewrite, CONFIG REWRITE and the audit
 * log share these. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "mr/util.h"

bool mr_write_all(int fd, const void *p, size_t n) {
    const char *b = p;
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            if (k == 0) errno = ENOSPC;
            return false;
        }
        b += k;
        n -= (size_t)k;
    }
    return true;
}

int mr_fsync_dir(const char *dir) {
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return errno;
    int err = fsync(dfd) == 0 ? 0 : errno;
    close(dfd);
    return err;
}
