/* main() for the Criterion stand-in (see criterion/criterion.h): runs every
 * registered test in a forked child and fails if any child does not exit 0
 * (an assertion, a crash, or a TSan report with halt_on_error=1). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shim_test shim_tests[SHIM_MAX_TESTS];
int shim_ntests;

void shim_register(struct shim_test t) {
    if (shim_ntests == SHIM_MAX_TESTS) {
        fprintf(stderr, "too many tests for the shim\n");
        exit(2);
    }
    shim_tests[shim_ntests++] = t;
}

void shim_note(const char *fmt, ...) {
    if (!*fmt) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

_Noreturn void shim_fail(const char *file, int line, const char *cond) {
    fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, cond);
    abort();
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void) {
    int fails = 0;
    for (int i = 0; i < shim_ntests; i++) {
        const struct shim_test *t = &shim_tests[i];
        double start = now_s();
        fflush(NULL);
        pid_t p = fork();
        if (p < 0) {
            perror("fork");
            return 2;
        }
        if (p == 0) {
            if (t->s->init) t->s->init();
            t->fn();
            if (t->s->fini) t->s->fini();
            _exit(0);
        }
        int st;
        if (waitpid(p, &st, 0) != p) {
            perror("waitpid");
            return 2;
        }
        bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        fails += !ok;
        printf("[%s] %s::%s (%.2fs)\n", ok ? "PASS" : "FAIL", t->suite, t->name,
               now_s() - start);
    }
    printf("Synthesis: Tested: %d | Passing: %d | Failing: %d\n", shim_ntests,
           shim_ntests - fails, fails);
    return fails != 0;
}
