/* Glob matching with Redis's stringmatchlen semantics, quirks included:
 * an empty subject matches only an empty pattern, "[a-]" is the range a..']',
 * reversed ranges "[z-a]" are swapped, an unterminated class runs to the end
 * of the pattern, and a backslash escapes the next byte (also inside a
 * class). Bytes compare as signed chars, as Redis does on x86.
 *
 * Nested stars are bounded the way Redis 7 bounds them: when the rest of the
 * pattern after a '*' fails to match at every remaining position of the
 * subject, no earlier '*' can help by consuming more (that would only start
 * the rest later), so the whole match fails at once. This keeps patterns like
 * "a*a*a*a*...b" polynomial instead of exponential. */
#include "mr/util.h"

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static bool match_impl(const char *pat, size_t plen, const char *s,
                       size_t slen, bool nocase, bool *give_up)
{
    while (plen && slen) {
        switch (pat[0]) {
        case '*':
            while (plen > 1 && pat[1] == '*') {
                pat++;
                plen--;
            }
            if (plen == 1)
                return true;
            while (slen) {
                if (match_impl(pat + 1, plen - 1, s, slen, nocase, give_up))
                    return true;
                if (*give_up)
                    return false;
                s++;
                slen--;
            }
            *give_up = true;
            return false;
        case '?':
            s++;
            slen--;
            break;
        case '[': {
            bool neg, hit = false;
            pat++;
            plen--;
            neg = plen && pat[0] == '^';
            if (neg) {
                pat++;
                plen--;
            }
            for (;;) {
                if (plen == 0) {
                    /* Unterminated class: step back so the common advance
                     * below lands exactly on the end. */
                    pat--;
                    plen++;
                    break;
                } else if (pat[0] == '\\' && plen >= 2) {
                    pat++;
                    plen--;
                    if (pat[0] == s[0])
                        hit = true;
                } else if (pat[0] == ']') {
                    break;
                } else if (plen >= 3 && pat[1] == '-') {
                    int lo = (signed char)pat[0];
                    int hi = (signed char)pat[2];
                    int c = (signed char)s[0];
                    if (lo > hi) {
                        int t = lo;
                        lo = hi;
                        hi = t;
                    }
                    if (nocase) {
                        lo = lower(lo);
                        hi = lower(hi);
                        c = lower(c);
                    }
                    pat += 2;
                    plen -= 2;
                    if (c >= lo && c <= hi)
                        hit = true;
                } else if (nocase ? lower(pat[0]) == lower(s[0])
                                  : pat[0] == s[0]) {
                    hit = true;
                }
                pat++;
                plen--;
            }
            if (neg)
                hit = !hit;
            if (!hit)
                return false;
            s++;
            slen--;
            break;
        }
        case '\\':
            if (plen >= 2) {
                pat++;
                plen--;
            }
            /* fall through */
        default:
            if (nocase ? lower(pat[0]) != lower(s[0]) : pat[0] != s[0])
                return false;
            s++;
            slen--;
            break;
        }
        pat++;
        plen--;
        if (slen == 0) {
            while (plen && pat[0] == '*') {
                pat++;
                plen--;
            }
            break;
        }
    }
    return plen == 0 && slen == 0;
}

bool mr_glob_match(const char *pat, size_t plen, const char *s, size_t slen,
                   bool nocase)
{
    bool give_up = false;
    return match_impl(pat, plen, s, slen, nocase, &give_up);
}
