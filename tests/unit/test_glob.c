#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "mr/util.h"

static bool m(const char *pat, const char *s)
{
    return mr_glob_match(pat, strlen(pat), s, strlen(s), false);
}

static bool mi(const char *pat, const char *s)
{
    return mr_glob_match(pat, strlen(pat), s, strlen(s), true);
}

Test(glob, redis_docs_examples)
{
    cr_assert(m("h?llo", "hello"));
    cr_assert(m("h?llo", "hallo"));
    cr_assert(m("h?llo", "hxllo"));
    cr_assert(!m("h?llo", "hllo"));
    cr_assert(m("h*llo", "hllo"));
    cr_assert(m("h*llo", "heeeello"));
    cr_assert(m("h[ae]llo", "hello"));
    cr_assert(m("h[ae]llo", "hallo"));
    cr_assert(!m("h[ae]llo", "hillo"));
    cr_assert(m("h[^e]llo", "hallo"));
    cr_assert(m("h[^e]llo", "hbllo"));
    cr_assert(!m("h[^e]llo", "hello"));
    cr_assert(m("h[a-b]llo", "hallo"));
    cr_assert(m("h[a-b]llo", "hbllo"));
    cr_assert(!m("h[a-b]llo", "hcllo"));
}

Test(glob, stars)
{
    cr_assert(m("*", "anything"));
    cr_assert(m("**", "x"));
    cr_assert(m("a*", "a"));
    cr_assert(m("*a", "a"));
    cr_assert(m("*a*", "bab"));
    cr_assert(!m("*a*", "bbb"));
    cr_assert(m("a*b*c", "aXXbYYc"));
    cr_assert(!m("a*b*c", "aXXbYYd"));
    cr_assert(m("user:*:name", "user:42:name"));
    cr_assert(!m("user:*:name", "user:42:nam"));
}

Test(glob, empty_subject_matches_only_empty_pattern)
{
    /* Redis 7.0.15: KEYS ** does not return the empty key */
    cr_assert(m("", ""));
    cr_assert(!m("*", ""));
    cr_assert(!m("**", ""));
    cr_assert(!m("?", ""));
    cr_assert(!m("", "a"));
}

Test(glob, classes_and_ranges)
{
    cr_assert(m("[z-a]", "m")); /* reversed range is swapped */
    cr_assert(!m("[z-a]", "A"));
    cr_assert(m("[0-9]x", "7x"));
    cr_assert(m("[^0-9]x", "ax"));
    cr_assert(!m("[^0-9]x", "5x"));
    cr_assert(m("[a-]", "]"));  /* "[a-]" is the range a..']' */
    cr_assert(m("[abc", "c"));  /* unterminated class runs to the end */
    cr_assert(!m("[abc", "d"));
    cr_assert(m("[\\]]", "]"));
    cr_assert(m("[\\-]", "-"));
    cr_assert(m("[]", "x") == false);
    cr_assert(m("a[", "a") == false);
}

Test(glob, escapes)
{
    cr_assert(m("\\*", "*"));
    cr_assert(!m("\\*", "a"));
    cr_assert(m("\\?x", "?x"));
    cr_assert(!m("\\?x", "ax"));
    cr_assert(m("a\\[b", "a[b"));
    cr_assert(m("a\\", "a\\")); /* trailing backslash is literal */
}

Test(glob, nocase)
{
    cr_assert(mi("HeLLo", "hello"));
    cr_assert(!m("HeLLo", "hello"));
    cr_assert(mi("[A-C]x", "bX"));
    cr_assert(mi("[abc]", "B"));
    cr_assert(!m("[abc]", "B"));
    cr_assert(mi("h*O", "hellO"));
}

Test(glob, binary_safe)
{
    cr_assert(mr_glob_match("a?c", 3, "a\0c", 3, false));
    cr_assert(mr_glob_match("a\0*", 3, "a\0zz", 4, false));
    cr_assert(!mr_glob_match("a\0*", 3, "a\1zz", 4, false));
}

Test(glob, nested_stars_are_not_exponential)
{
    char pat[200], s[20001];
    size_t pl = 0;
    for (int i = 0; i < 60; i++) {
        pat[pl++] = 'a';
        pat[pl++] = '*';
    }
    pat[pl++] = 'b';
    memset(s, 'a', sizeof(s) - 1);
    s[sizeof(s) - 1] = '\0';

    clock_t t0 = clock();
    cr_assert(!mr_glob_match(pat, pl, s, strlen(s), false));
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    cr_assert(secs < 2.0, "took %.2fs", secs);

    s[sizeof(s) - 2] = 'b';
    cr_assert(mr_glob_match(pat, pl, s, strlen(s), false));
}
