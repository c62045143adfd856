/* A minimal stand-in for Criterion's test macros, used only by the
 * ThreadSanitizer build: Criterion's sandbox (BoxFort) cannot map its shared
 * arena under TSan's memory layout ("Could not initialize inheritable
 * arena"), so the concurrency tests run under runner.c instead. It supports
 * what those tests use: TestSuite with .init/.fini, Test, and the cr_assert
 * family (message arguments are accepted and printed). Each test runs in its
 * own forked process, as under Criterion. */
#ifndef MR_TSAN_CRITERION_SHIM_H
#define MR_TSAN_CRITERION_SHIM_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shim_suite {
    void (*init)(void);
    void (*fini)(void);
    double timeout;
};
struct shim_test {
    const char *suite, *name;
    void (*fn)(void);
    const struct shim_suite *s;
};

#define SHIM_MAX_TESTS 256
extern struct shim_test shim_tests[SHIM_MAX_TESTS];
extern int shim_ntests;
void shim_register(struct shim_test t);
_Noreturn void shim_fail(const char *file, int line, const char *cond);
/* Prints an assertion's optional message (printf-style; may be empty). */
void shim_note(const char *fmt, ...);

#define TestSuite(s, ...) \
    static const struct shim_suite shim_suite_##s = {__VA_ARGS__}
#define Test(s, n, ...)                                                  \
    static void s##_##n(void);                                           \
    __attribute__((constructor)) static void shim_reg_##s##_##n(void) {  \
        shim_register((struct shim_test){#s, #n, s##_##n, &shim_suite_##s}); \
    }                                                                    \
    static void s##_##n(void)

/* The optional message arguments are printed before failing. */
#define cr_assert(c, ...)                                  \
    do {                                                   \
        if (!(c)) {                                        \
            shim_note("" __VA_ARGS__);                     \
            shim_fail(__FILE__, __LINE__, #c);             \
        }                                                  \
    } while (0)
#define cr_assert_not(c, ...) cr_assert(!(c), __VA_ARGS__)
#define cr_assert_eq(a, b, ...) cr_assert((a) == (b), __VA_ARGS__)
#define cr_assert_neq(a, b, ...) cr_assert((a) != (b), __VA_ARGS__)
#define cr_assert_lt(a, b, ...) cr_assert((a) < (b), __VA_ARGS__)
#define cr_assert_leq(a, b, ...) cr_assert((a) <= (b), __VA_ARGS__)
#define cr_assert_gt(a, b, ...) cr_assert((a) > (b), __VA_ARGS__)
#define cr_assert_geq(a, b, ...) cr_assert((a) >= (b), __VA_ARGS__)
#define cr_assert_null(a, ...) cr_assert((a) == NULL, __VA_ARGS__)
#define cr_assert_not_null(a, ...) cr_assert((a) != NULL, __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...) cr_assert(strcmp((a), (b)) == 0, __VA_ARGS__)

#endif
