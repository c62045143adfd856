/* The option table through include/mr/config.h: defaults, --flag parsing,
 * config files, CONFIG GET's glob and CONFIG SET's all-or-nothing rule.
 * Error texts of CONFIG SET are the ones redis-server 7.0.15 answers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mr/config.h"
#include "mr/util.h"

static void setup(void) { mr_config_defaults(); }

TestSuite(config, .init = setup);

/* ---- helpers ---- */

typedef struct got {
    char text[4096]; /* "name=value;" for each callback, in order */
    int n;
} got_t;

static void collect(void *ctx, const char *name, const char *value) {
    got_t *g = ctx;
    size_t l = strlen(g->text);
    snprintf(g->text + l, sizeof g->text - l, "%s=%s;", name, value);
    g->n++;
}

static got_t get(const char *pat) {
    got_t g = {{0}, 0};
    mr_config_get(pat, strlen(pat), collect, &g);
    return g;
}

/* The value CONFIG GET shows for one option. */
static const char *value_of(const char *name) {
    static char v[1024];
    got_t g = get(name);
    cr_assert_eq(g.n, 1, "option %s: %d matches", name, g.n);
    const char *eq = strchr(g.text, '=');
    snprintf(v, sizeof v, "%s", eq + 1);
    v[strlen(v) - 1] = '\0'; /* the ';' */
    return v;
}

static bool load_args(char *err, size_t errlen, int argc, ...) {
    char *argv[32];
    va_list ap;
    va_start(ap, argc);
    argv[0] = "miniredis";
    for (int i = 1; i < argc; i++) argv[i] = va_arg(ap, char *);
    va_end(ap);
    err[0] = '\0';
    return mr_config_load_args(argc, argv, err, errlen);
}

/* CONFIG SET with C strings: set("hz", "20", NULL). */
static bool set(char *err, size_t errlen, const char *a0, ...) {
    mr_str_t argv[16];
    int n = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && n < 16; a = va_arg(ap, const char *))
        argv[n++] = (mr_str_t){a, strlen(a)};
    va_end(ap);
    err[0] = '\0';
    return mr_config_set_many(argv, n, err, errlen);
}

static char *write_file(const char *text) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/mr_test_config_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* ---- defaults ---- */

Test(config, defaults) {
    cr_assert_eq(mr_config.port, 6379);
    cr_assert_eq(mr_config.databases, 16);
    cr_assert_eq(mr_config.tcp_backlog, 511);
    cr_assert_eq(MR_CFG(maxclients), 10000);
    cr_assert_eq(MR_CFG(timeout), 0);
    cr_assert_eq(MR_CFG(tcp_keepalive), 300);
    cr_assert_eq(MR_CFG(hz), 10);
    cr_assert_eq(MR_CFG(proto_max_bulk_len), 512LL * 1024 * 1024);
    cr_assert_eq(MR_CFG(client_query_buffer_limit), 1024LL * 1024 * 1024);
    cr_assert_eq(MR_CFG(loglevel), MR_LOG_NOTICE);
    cr_assert_eq(mr_config.nbind, 2);
    cr_assert_str_eq(mr_config.bind[0], "127.0.0.1");
    cr_assert_str_eq(mr_config.bind[1], "-::1");
    cr_assert_str_eq(mr_config.save, "");
    cr_assert_eq(MR_CFG(appendonly), 0);
    cr_assert_eq(MR_CFG(appendfsync), MR_FSYNC_EVERYSEC);
    cr_assert_eq(MR_CFG(auto_aof_rewrite_min_size), 64LL << 20);
    cr_assert_eq(MR_CFG(aof_load_truncated), 1);
    cr_assert_str_eq(value_of("appendfilename"), "appendonly.aof");
    cr_assert_str_eq(value_of("appendfsync"), "everysec");
    cr_assert_str_eq(value_of("port"), "6379");
    cr_assert_str_eq(value_of("maxclients"), "10000");
    cr_assert_str_eq(value_of("loglevel"), "notice");
    cr_assert_str_eq(value_of("bind"), "127.0.0.1 -::1");
    cr_assert_str_eq(value_of("appendonly"), "no");
    cr_assert_str_eq(value_of("save"), "");
}

/* ---- command line ---- */

Test(config, flags_apply_and_later_wins) {
    char err[512];
    cr_assert(load_args(err, sizeof err, 7, "--port", "7000", "--maxclients",
                        "50", "--port", "7001"), "%s", err);
    cr_assert_eq(mr_config.port, 7001);
    cr_assert_eq(MR_CFG(maxclients), 50);
    cr_assert(load_args(err, sizeof err, 6, "--bind", "0.0.0.0", "::",
                        "--loglevel", "WARNING"), "%s", err);
    cr_assert_eq(mr_config.nbind, 2);
    cr_assert_str_eq(mr_config.bind[0], "0.0.0.0");
    cr_assert_str_eq(mr_config.bind[1], "::");
    cr_assert_eq(MR_CFG(loglevel), MR_LOG_WARNING);
    /* option names are case-insensitive, memory units are understood */
    cr_assert(load_args(err, sizeof err, 3, "--PROTO-MAX-BULK-LEN", "2mb"),
              "%s", err);
    cr_assert_eq(MR_CFG(proto_max_bulk_len), 2 * 1024 * 1024);
    /* `--save` alone means an empty value */
    cr_assert(load_args(err, sizeof err, 2, "--save"), "%s", err);
    cr_assert_str_eq(mr_config.save, "");
}

Test(config, flags_reject_bad_input) {
    char err[512];
    cr_assert_not(load_args(err, sizeof err, 3, "--nosuch", "1"));
    cr_assert(strstr(err, "nosuch") != NULL, "%s", err);
    cr_assert_not(load_args(err, sizeof err, 3, "--port", "abc"));
    cr_assert(strstr(err, "port") != NULL, "%s", err);
    cr_assert_not(load_args(err, sizeof err, 3, "--port", "70000"));
    cr_assert_not(load_args(err, sizeof err, 3, "--databases", "0"));
    cr_assert_not(load_args(err, sizeof err, 3, "--loglevel", "loud"));
    cr_assert_not(load_args(err, sizeof err, 3, "--appendonly", "maybe"));
    cr_assert_not(load_args(err, sizeof err, 4, "--port", "1", "2"));
    cr_assert_not(load_args(err, sizeof err, 2, "port"));
}

/* ---- config files ---- */

Test(config, file_parsing) {
    char *path = write_file("# a comment\n"
                            "\n"
                            "   port 7100\n"
                            "maxclients 77\r\n"
                            "logfile \"/tmp/some file.log\"\n"
                            "bind 127.0.0.1 ::1\n"
                            "timeout 5 \n");
    char err[512] = "";
    bool ok = mr_config_load_file(path, err, sizeof err);
    unlink(path);
    cr_assert(ok, "%s", err);
    cr_assert_eq(mr_config.port, 7100);
    cr_assert_eq(MR_CFG(maxclients), 77);
    cr_assert_eq(MR_CFG(timeout), 5);
    cr_assert_str_eq(mr_config.logfile, "/tmp/some file.log");
    cr_assert_eq(mr_config.nbind, 2);
    cr_assert_str_eq(mr_config.bind[1], "::1");
}

Test(config, file_error_names_file_and_line) {
    char *path = write_file("port 7100\n\nnosuch-option 3\n");
    char err[1024] = "";
    bool ok = mr_config_load_file(path, err, sizeof err);
    unlink(path);
    cr_assert_not(ok);
    /* redis-server's three lines, with the file's name */
    char where[256];
    snprintf(where, sizeof where,
             "Reading the configuration file %s, at line 3\n"
             ">>> 'nosuch-option 3'\n"
             "Bad directive or wrong number of arguments", path);
    cr_assert_str_eq(err, where);

    path = write_file("hz 5\nport 99999\n");
    ok = mr_config_load_file(path, err, sizeof err);
    unlink(path);
    cr_assert_not(ok);
    snprintf(where, sizeof where,
             "Reading the configuration file %s, at line 2\n"
             ">>> 'port 99999'\n"
             "argument must be between 0 and 65535 inclusive", path);
    cr_assert_str_eq(err, where);

    err[0] = '\0';
    cr_assert_not(mr_config_load_file("/nonexistent/dir/x.conf", err, sizeof err));
    cr_assert(strstr(err, "/nonexistent/dir/x.conf") != NULL, "%s", err);
}

Test(config, file_then_flags) {
    char *path = write_file("port 7200\nhz 50\n");
    char err[512];
    bool ok = load_args(err, sizeof err, 4, path, "--port", "7300");
    unlink(path);
    cr_assert(ok, "%s", err);
    cr_assert_eq(mr_config.port, 7300);
    cr_assert_eq(MR_CFG(hz), 50);
}

/* ---- CONFIG GET ---- */

Test(config, get_glob) {
    got_t g = get("port");
    cr_assert_str_eq(g.text, "port=6379;");
    g = get("PORT"); /* options match case-insensitively */
    cr_assert_eq(g.n, 1);
    g = get("nosuch");
    cr_assert_eq(g.n, 0);
    g = get("*max*");
    cr_assert(strstr(g.text, "maxclients=10000;") != NULL, "%s", g.text);
    cr_assert(strstr(g.text, "proto-max-bulk-len=536870912;") != NULL, "%s",
              g.text);
    cr_assert(strstr(g.text, "port=") == NULL);
    g = get("h?");
    cr_assert_str_eq(g.text, "hz=10;");
    g = get("tcp-[bk]*");
    cr_assert_eq(g.n, 2, "%s", g.text);
    /* the pattern is length-bounded, not NUL-terminated */
    g = (got_t){{0}, 0};
    mr_config_get("portX", 4, collect, &g);
    cr_assert_str_eq(g.text, "port=6379;");
    /* "*" reaches every option */
    g = get("*");
    cr_assert(g.n >= 15, "%d", g.n);
}

/* ---- CONFIG SET ---- */

Test(config, set_many_applies_all) {
    char err[512];
    cr_assert(set(err, sizeof err, "hz", "20", "timeout", "5", "maxclients",
                  "500", NULL), "%s", err);
    cr_assert_eq(MR_CFG(hz), 20);
    cr_assert_eq(MR_CFG(timeout), 5);
    cr_assert_eq(MR_CFG(maxclients), 500);
    cr_assert(set(err, sizeof err, "HZ", "30", NULL), "%s", err);
    cr_assert_eq(MR_CFG(hz), 30);
    cr_assert(set(err, sizeof err, "proto-max-bulk-len", "2mb", NULL), "%s", err);
    cr_assert_str_eq(value_of("proto-max-bulk-len"), "2097152");
    cr_assert(set(err, sizeof err, "loglevel", "warning", NULL), "%s", err);
    cr_assert_eq(MR_CFG(loglevel), MR_LOG_WARNING);
    cr_assert_str_eq(value_of("loglevel"), "warning");
}

Test(config, set_is_all_or_nothing) {
    char err[512];
    cr_assert_not(set(err, sizeof err, "hz", "20", "maxclients", "abc", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'maxclients') - argument couldn't be parsed into an "
                          "integer");
    cr_assert_eq(MR_CFG(hz), 10, "hz must not change when another value fails");
    cr_assert_eq(MR_CFG(maxclients), 10000);

    cr_assert_not(set(err, sizeof err, "timeout", "7", "x", "1", NULL));
    cr_assert_str_eq(err,
                     "ERR Unknown option or number of arguments for CONFIG SET - 'x'");
    cr_assert_eq(MR_CFG(timeout), 0);
}

Test(config, set_error_texts) {
    char err[512];
    cr_assert_not(set(err, sizeof err, "hz", "10", "hz", "11", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'hz') - duplicate parameter");
    cr_assert_not(set(err, sizeof err, "maxclients", "0", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'maxclients') - argument must be between 1 and "
                          "4294967295 inclusive");
    cr_assert_not(set(err, sizeof err, "timeout", "-1", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'timeout') - argument must be between 0 and "
                          "2147483647 inclusive");
    cr_assert_not(set(err, sizeof err, "loglevel", "foo", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'loglevel') - argument(s) must be one of the "
                          "following: debug, verbose, notice, warning");
    cr_assert_not(set(err, sizeof err, "save", "900 1", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'save') - Invalid save parameters");
    /* options fixed at start-up */
    cr_assert_not(set(err, sizeof err, "databases", "4", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'databases') - can't set immutable config");
    cr_assert_eq(mr_config.databases, 16);
    /* AOF options: the server is not running here, so nothing starts */
    cr_assert(set(err, sizeof err, "appendfsync", "always", NULL), "%s", err);
    cr_assert_eq(MR_CFG(appendfsync), MR_FSYNC_ALWAYS);
    cr_assert_not(set(err, sizeof err, "appendfsync", "sometimes", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'appendfsync') - argument(s) must be one of the "
                          "following: everysec, always, no");
    cr_assert_not(set(err, sizeof err, "aof-load-truncated", "maybe", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'aof-load-truncated') - argument must be 'yes' or 'no'");
    cr_assert(set(err, sizeof err, "appendonly", "no", NULL), "%s", err);
    cr_assert_not(set(err, sizeof err, "appendfilename", "x.aof", NULL));
}

/* list-max-listpack-size has Redis's older name as an alias; the messages
 * repeat the spelling the client used (redis-server 7.0.15's answers). */
Test(config, list_options_and_alias) {
    char err[512];
    cr_assert_eq(MR_CFG(list_max_listpack_size), -2);
    cr_assert_eq(MR_CFG(list_compress_depth), 0);
    cr_assert_str_eq(get("list-max-*").text,
                     "list-max-listpack-size=-2;list-max-ziplist-size=-2;");
    cr_assert_str_eq(get("LIST-MAX-ZIPLIST-SIZE").text,
                     "list-max-ziplist-size=-2;");
    cr_assert_str_eq(get("list-compress-depth").text, "list-compress-depth=0;");
    cr_assert(set(err, sizeof err, "list-max-ziplist-size", "0", NULL), "%s",
              err);
    cr_assert_str_eq(value_of("list-max-listpack-size"), "0");
    /* an option and its alias are not duplicates; the later one wins */
    cr_assert(set(err, sizeof err, "list-max-listpack-size", "-3",
                  "list-max-ziplist-size", "-4", NULL), "%s", err);
    cr_assert_eq(MR_CFG(list_max_listpack_size), -4);
    cr_assert_not(set(err, sizeof err, "list-max-ziplist-size", "-3",
                      "list-max-ziplist-size", "-4", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'list-max-ziplist-size') - duplicate parameter");
    cr_assert_not(set(err, sizeof err, "list-max-ziplist-size", "2147483648",
                      NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'list-max-ziplist-size') - argument must be between "
                          "-2147483648 and 2147483647 inclusive");
    cr_assert(set(err, sizeof err, "list-max-listpack-size", "-2147483648",
                  NULL), "%s", err);
    cr_assert_not(set(err, sizeof err, "list-compress-depth", "-1", NULL));
    cr_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'list-compress-depth') - argument must be between 0 "
                          "and 2147483647 inclusive");
    cr_assert(set(err, sizeof err, "list-compress-depth", "3", NULL), "%s", err);
    cr_assert_str_eq(value_of("list-compress-depth"), "3");
    /* the alias works on the command line too */
    cr_assert(load_args(err, sizeof err, 3, "--list-max-ziplist-size", "7"),
              "%s", err);
    cr_assert_eq(MR_CFG(list_max_listpack_size), 7);
}
