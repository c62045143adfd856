/* JSON quoting (log-format json, the audit log) and the JSON log line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mr/util.h"

static char *quote(const char *s, size_t n) {
    static char out[256];
    mr_buf_t b = {0};
    mr_json_str(&b, s, n);
    cr_assert_lt(b.len, sizeof out);
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    mr_buf_free(&b);
    return out;
}

Test(json, plain_text_is_quoted_as_is) {
    cr_assert_str_eq(quote("abc def", 7), "\"abc def\"");
    cr_assert_str_eq(quote("", 0), "\"\"");
}

Test(json, escapes_quotes_backslashes_and_controls) {
    cr_assert_str_eq(quote("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
    cr_assert_str_eq(quote("\n\r\t", 3), "\"\\n\\r\\t\"");
    cr_assert_str_eq(quote("\x01\x7f", 2), "\"\\u0001\\u007f\"");
    cr_assert_str_eq(quote("a\0b", 3), "\"a\\u0000b\"");
}

Test(json, keeps_valid_utf8_and_escapes_invalid_bytes) {
    cr_assert_str_eq(quote("\xc3\xa9", 2), "\"\xc3\xa9\"");             /* é */
    cr_assert_str_eq(quote("\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
    cr_assert_str_eq(quote("\xff", 1), "\"\\u00ff\"");
    cr_assert_str_eq(quote("\xc3", 1), "\"\\u00c3\"");           /* truncated */
    cr_assert_str_eq(quote("\xc0\xaf", 2), "\"\\u00c0\\u00af\""); /* overlong */
    cr_assert_str_eq(quote("\xed\xa0\x80", 3), "\"\\u00ed\\u00a0\\u0080\""); /* surrogate */
}

Test(json, log_line_has_every_field) {
    char path[] = "/tmp/mr-test-json-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    mr_log_open(path);
    mr_log_set_format(1);
    mr_log_set_thread("worker 3");
    const char *kv[] = {"port", "7000", "odd \"name\"", "v\n"};
    mr_log_fields(MR_LOG_WARNING, kv, 2, "hello %s", "\"world\"");
    mr_log_set_format(0);
    mr_log_open(NULL);
    FILE *f = fopen(path, "r");
    char line[1024] = "";
    cr_assert(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
    cr_assert(strstr(line, "{\"timestamp\":\"") == line, "%s", line);
    cr_assert(strstr(line, "\",\"level\":\"warning\",\"pid\":"), "%s", line);
    cr_assert(strstr(line, ",\"thread\":\"worker 3\",\"message\":\"hello \\\"world\\\"\""), "%s", line);
    cr_assert(strstr(line, ",\"fields\":{\"port\":\"7000\",\"odd \\\"name\\\"\":\"v\\n\"}}\n"), "%s", line);
}
