/* JSON string quoting for the log and the audit log: every byte sequence
 * becomes a valid JSON string. Control characters, '"' and '\\' are
 * escaped; a byte that is not part of valid UTF-8 (keys and client names
 * are binary) becomes \u00XX, the byte read as Latin-1, so a consumer such
 * as Python's json still parses the line. */
#include <stdint.h>

#include "mr/util.h"

/* Length of the valid UTF-8 sequence starting at p (1..4), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n) {
    unsigned char c = p[0];
    size_t len;
    uint32_t min, cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000, cp = c & 0x07;
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

void mr_json_str(mr_buf_t *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    mr_buf_reserve(b, n + 2);
    mr_buf_append(b, "\"", 1);
    size_t run = 0; /* bytes copied as they are, appended in one go */
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t ok = c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? 1
                    : c >= 0x80                                 ? utf8_len(p + i, n - i)
                                                                : 0;
        if (ok) {
            run += ok;
            i += ok;
            continue;
        }
        mr_buf_append(b, p + i - run, run);
        run = 0;
        char esc[6] = {'\\', 0};
        size_t el = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        mr_buf_append(b, esc, el);
        i++;
    }
    mr_buf_append(b, p + n - run, run);
    mr_buf_append(b, "\"", 1);
}

void mr_json_cstr(mr_buf_t *b, const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    mr_json_str(b, s, n);
}
