/* Server commands: COMMAND, CONFIG GET/SET, INFO, TIME, DBSIZE, SHUTDOWN. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static char *info_text(int fd, const char *section)
{
    h_resp_t *r = section ? h_callp(fd, "INFO", section, NULL)
                          : h_callp(fd, "INFO", NULL);
    cr_assert_eq(r->type, '$', "INFO must be a bulk string");
    char *s = strdup(r->str);
    h_resp_free(r);
    return s;
}

static long long info_ll(const char *text, const char *field)
{
    char v[64];
    cr_assert(h_field(text, field, v, sizeof v), "INFO lacks %s", field);
    return atoll(v);
}

/* Checks that the reply to args starts with prefix. */
static void expect_prefix(int fd, const char *prefix, const char *a0,
                          const char *a1, const char *a2)
{
    h_bytes_t b = h_call(fd, a0, a1, a2, NULL);
    cr_assert(b.buf, "no reply to %s %s", a0, a1);
    cr_assert(b.len >= strlen(prefix) &&
                  memcmp(b.buf, prefix, strlen(prefix)) == 0,
              "%s %s %s:\n  expected prefix \"%s\"\n  got \"%s\"", a0, a1,
              a2 ? a2 : "", h_escape(prefix, strlen(prefix)),
              h_escape(b.buf, b.len > 300 ? 300 : b.len));
    h_bytes_free(&b);
}

Test(server, command_count)
{
    int fd = h_conn();
    h_resp_t *r = h_callp(fd, "COMMAND", "COUNT", NULL);
    cr_assert_eq(r->type, ':');
    cr_assert(r->integer > 0);
    long long count = r->integer;
    h_resp_free(r);
    /* COMMAND lists as many entries as COUNT says */
    r = h_callp(fd, "COMMAND", NULL);
    cr_assert_eq(r->type, '*');
    cr_assert_eq((long long)r->n, count);
    h_resp_free(r);
    expect_cmd(fd, "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n",
               "COMMAND", "FOO");
    close(fd);
}

Test(server, command_info)
{
    int fd = h_conn();
    expect_prefix(fd,
                  "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n"
                  "+fast\r\n:1\r\n:1\r\n:1\r\n",
                  "COMMAND", "INFO", "get");
    expect_prefix(fd,
                  "*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n"
                  "+denyoom\r\n:1\r\n:1\r\n:1\r\n",
                  "COMMAND", "INFO", "SET");
    expect_prefix(fd,
                  "*1\r\n*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n"
                  "+denyoom\r\n:1\r\n:-1\r\n:2\r\n",
                  "COMMAND", "INFO", "mset");
    expect_prefix(fd,
                  "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n"
                  ":0\r\n:0\r\n",
                  "COMMAND", "INFO", "ping");
    close(fd);
}

Test(server, command_info_unknown_is_null)
{
    int fd = h_conn();
    h_bytes_t b = h_call(fd, "COMMAND", "INFO", "nosuchcmd", "get", NULL);
    cr_assert(b.buf);
    cr_assert(strncmp(b.buf, "*2\r\n$-1\r\n*10\r\n$3\r\nget\r\n", 22) == 0,
              "%s", h_escape(b.buf, b.len > 200 ? 200 : b.len));
    h_bytes_free(&b);
    close(fd);
}

Test(server, config_get)
{
    int fd = h_conn();
    char exp[128];
    char port[16];
    snprintf(port, sizeof port, "%d", h_port());
    snprintf(exp, sizeof exp, "*2\r\n$4\r\nport\r\n$%zu\r\n%s\r\n",
             strlen(port), port);
    expect_cmd(fd, exp, "CONFIG", "GET", "port");
    expect_cmd(fd, "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "CONFIG",
               "GET", "maxclients");
    expect_cmd(fd, "*2\r\n$4\r\nsave\r\n$0\r\n\r\n", "CONFIG", "GET",
               "save");
    expect_cmd(fd, "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", "CONFIG",
               "GET", "appendonly");
    expect_cmd(fd, "*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n", "CONFIG",
               "GET", "bind");
    expect_cmd(fd, "*0\r\n", "CONFIG", "GET", "nosuchoption");
    expect_cmd(fd,
               "-ERR wrong number of arguments for 'config|get' command\r\n",
               "CONFIG", "GET");
    expect_cmd(fd, "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n",
               "CONFIG", "FOO");
    /* glob patterns */
    h_resp_t *r = h_callp(fd, "CONFIG", "GET", "maxclient*", NULL);
    cr_assert_eq(r->type, '*');
    cr_assert_eq(r->n, 2);
    cr_assert_str_eq(r->elems[0]->str, "maxclients");
    h_resp_free(r);
    close(fd);
}

Test(server, config_set_timeout)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "timeout", "30");
    expect_cmd(fd, "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n", "CONFIG", "GET",
               "timeout");
    expect_cmd(fd,
               "-ERR CONFIG SET failed (possibly related to argument "
               "'timeout') - argument couldn't be parsed into an integer\r\n",
               "CONFIG", "SET", "timeout", "abc");
    expect_cmd(fd,
               "-ERR Unknown option or number of arguments for CONFIG SET "
               "- 'nosuchoption'\r\n",
               "CONFIG", "SET", "nosuchoption", "1");
    expect_cmd(fd, "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n", "CONFIG", "GET",
               "timeout");
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "timeout", "0");
    expect_cmd(fd, "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n", "CONFIG", "GET",
               "timeout");
    close(fd);
}

Test(server, info_sections_and_counters)
{
    int fd = h_conn();
    char *all = info_text(fd, NULL);
    const char *sections[] = {"# Server\r\n", "# Clients\r\n",
                              "# Memory\r\n", "# Stats\r\n",
                              "# Keyspace\r\n"};
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        cr_assert(strstr(all, sections[i]), "INFO lacks section %s",
                  sections[i]);
    char v[64];
    cr_assert(h_field(all, "redis_version", v, sizeof v));
    cr_assert(h_field(all, "tcp_port", v, sizeof v));
    cr_assert_eq(atoi(v), h_port());
    cr_assert(info_ll(all, "connected_clients") >= 1);
    cr_assert(info_ll(all, "used_memory") > 0);
    long long before = info_ll(all, "total_commands_processed");
    free(all);

    for (int i = 0; i < 10; i++)
        expect_cmd(fd, "+PONG\r\n", "PING");
    char *stats = info_text(fd, "stats");
    long long after = info_ll(stats, "total_commands_processed");
    cr_assert(after >= before + 10, "total_commands_processed %lld -> %lld",
              before, after);
    cr_assert(strstr(stats, "# Stats\r\n"));
    cr_assert(!strstr(stats, "# Server\r\n"), "INFO stats shows Server");
    free(stats);

    char *server = info_text(fd, "server");
    cr_assert(strncmp(server, "# Server\r\n", 10) == 0);
    cr_assert(!strstr(server, "# Stats"));
    free(server);

    /* lines are CRLF-terminated key:value pairs or headers */
    char *mem = info_text(fd, "memory");
    cr_assert(strstr(mem, "\r\nused_memory:"));
    free(mem);

    expect_cmd(fd, "$0\r\n\r\n", "INFO", "nosuchsection");
    close(fd);
}

Test(server, info_keyspace)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SELECT", "12");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    expect_cmd(fd, "+OK\r\n", "MSET", "a", "1", "b", "2");
    expect_cmd(fd, "+OK\r\n", "SET", "c", "3", "EX", "100");
    char *ks = info_text(fd, "keyspace");
    cr_assert(strstr(ks, "\r\ndb12:keys=3,expires=1,avg_ttl="),
              "keyspace: %s", ks);
    free(ks);
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    ks = info_text(fd, "keyspace");
    cr_assert(!strstr(ks, "db12:"), "empty db listed: %s", ks);
    free(ks);
    close(fd);
}

Test(server, time_reply)
{
    int fd = h_conn();
    h_resp_t *r = h_callp(fd, "TIME", NULL);
    cr_assert_eq(r->type, '*');
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->elems[0]->type, '$');
    cr_assert_eq(r->elems[1]->type, '$');
    long long sec = atoll(r->elems[0]->str);
    long long usec = atoll(r->elems[1]->str);
    long long now = (long long)time(NULL);
    cr_assert(sec >= now - 5 && sec <= now + 5, "TIME %lld vs %lld", sec,
              now);
    cr_assert(usec >= 0 && usec < 1000000);
    h_resp_free(r);
    expect_cmd(fd, "-ERR wrong number of arguments for 'time' command\r\n",
               "TIME", "x");
    close(fd);
}

Test(server, dbsize)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SELECT", "13");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    expect_cmd(fd, ":0\r\n", "DBSIZE");
    expect_cmd(fd, "+OK\r\n", "SET", "x", "1");
    expect_cmd(fd, ":1\r\n", "DBSIZE");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    expect_cmd(fd, "-ERR wrong number of arguments for 'dbsize' command\r\n",
               "DBSIZE", "x");
    close(fd);
}

Test(server, shutdown_stops_process, .timeout = 30)
{
    h_server_t s;
    cr_assert(h_server_start(&s, NULL) == 0);
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "k", "v");
    cr_assert(h_send_str(fd, "*1\r\n$8\r\nSHUTDOWN\r\n"));
    /* on success the server closes the connection without a reply */
    cr_assert(h_is_closed(fd, 5000), "connection open after SHUTDOWN");
    close(fd);
    int st = -1;
    cr_assert(h_server_wait_exit(&s, 5000, &st),
              "server still running 5 s after SHUTDOWN");
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0x%x", st);
    cr_assert(h_try_connect(s.port) < 0, "port still accepting");
    h_server_stop(&s);
}

Test(server, shutdown_nosave, .timeout = 30)
{
    h_server_t s;
    cr_assert(h_server_start(&s, NULL) == 0);
    int fd = h_connect(s.port);
    expect_cmd(fd, "-ERR syntax error\r\n", "SHUTDOWN", "BOGUS");
    cr_assert(h_send_str(fd, "SHUTDOWN NOSAVE\r\n"));
    cr_assert(h_is_closed(fd, 5000));
    close(fd);
    int st = -1;
    cr_assert(h_server_wait_exit(&s, 5000, &st));
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0x%x", st);
    h_server_stop(&s);
}
