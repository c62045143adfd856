/* Connection commands: PING/ECHO/QUIT, SELECT errors, CLIENT ID/SETNAME/
 * GETNAME/LIST/INFO/KILL, HELLO 2/3, RESET. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static long long client_id(int fd)
{
    h_resp_t *r = h_callp(fd, "CLIENT", "ID", NULL);
    cr_assert_eq(r->type, ':');
    long long id = r->integer;
    h_resp_free(r);
    cr_assert(id > 0);
    return id;
}

/* CLIENT INFO as a string (caller frees). */
static char *client_info(int fd)
{
    h_resp_t *r = h_callp(fd, "CLIENT", "INFO", NULL);
    cr_assert_eq(r->type, '$');
    char *s = strdup(r->str);
    h_resp_free(r);
    return s;
}

Test(connection, ping_echo)
{
    int fd = h_conn();
    expect_cmd(fd, "+PONG\r\n", "PING");
    expect_cmd(fd, "$5\r\nhello\r\n", "PING", "hello");
    expect_cmd(fd, "$0\r\n\r\n", "PING", "");
    expect_cmd(fd, "-ERR wrong number of arguments for 'ping' command\r\n",
               "PING", "a", "b");
    expect_cmd(fd, "$3\r\na\nb\r\n", "ECHO", "a\nb");
    expect_cmd(fd, "-ERR wrong number of arguments for 'echo' command\r\n",
               "ECHO");
    expect_cmd(fd, "-ERR wrong number of arguments for 'echo' command\r\n",
               "ECHO", "a", "b");
    close(fd);
}

Test(connection, quit_replies_then_closes)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "QUIT");
    cr_assert(h_is_closed(fd, 3000), "connection still open after QUIT");
    close(fd);
    /* commands pipelined after QUIT are not executed */
    fd = h_conn();
    expect_reply(fd, "SET conn:quit:k 1\r\nQUIT\r\nSET conn:quit:k 2\r\n",
                 "+OK\r\n+OK\r\n");
    cr_assert(h_is_closed(fd, 3000));
    close(fd);
    fd = h_conn();
    expect_cmd(fd, "$1\r\n1\r\n", "GET", "conn:quit:k");
    close(fd);
}

Test(connection, select_errors)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SELECT", "15");
    expect_cmd(fd, "+OK\r\n", "SELECT", "0");
    expect_cmd(fd, "-ERR DB index is out of range\r\n", "SELECT", "16");
    expect_cmd(fd, "-ERR DB index is out of range\r\n", "SELECT", "-1");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "SELECT", "1x");
    expect_cmd(fd, "-ERR wrong number of arguments for 'select' command\r\n",
               "SELECT");
    close(fd);
}

Test(connection, client_id_unique)
{
    int a = h_conn(), b = h_conn();
    long long ia = client_id(a), ib = client_id(b);
    cr_assert_neq(ia, ib);
    cr_assert_eq(client_id(a), ia, "CLIENT ID changed on one connection");
    int c = h_conn();
    cr_assert(client_id(c) > ib, "ids must increase");
    close(a);
    close(b);
    close(c);
}

Test(connection, client_setname_getname)
{
    int fd = h_conn();
    expect_cmd(fd, "$-1\r\n", "CLIENT", "GETNAME");
    expect_cmd(fd, "+OK\r\n", "CLIENT", "SETNAME", "worker-1");
    expect_cmd(fd, "$8\r\nworker-1\r\n", "CLIENT", "GETNAME");
    expect_cmd(fd,
               "-ERR Client names cannot contain spaces, newlines or "
               "special characters.\r\n",
               "CLIENT", "SETNAME", "a b");
    expect_cmd(fd,
               "-ERR Client names cannot contain spaces, newlines or "
               "special characters.\r\n",
               "CLIENT", "SETNAME", "a\nb");
    expect_cmd(fd, "$8\r\nworker-1\r\n", "CLIENT", "GETNAME");
    /* the empty name clears it */
    expect_cmd(fd, "+OK\r\n", "CLIENT", "SETNAME", "");
    expect_cmd(fd, "$-1\r\n", "CLIENT", "GETNAME");
    expect_cmd(fd, "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n",
               "CLIENT", "FOO");
    expect_cmd(fd, "-ERR wrong number of arguments for 'client' command\r\n",
               "CLIENT");
    close(fd);
}

Test(connection, client_list_and_info)
{
    int a = h_conn(), b = h_conn();
    expect_cmd(a, "+OK\r\n", "CLIENT", "SETNAME", "lister");
    expect_cmd(b, "+OK\r\n", "CLIENT", "SETNAME", "listed");
    expect_cmd(b, "+OK\r\n", "SELECT", "5");
    long long ia = client_id(a), ib = client_id(b);

    char *info = client_info(b);
    size_t il = strlen(info);
    cr_assert(il > 2 && info[il - 1] == '\n' && strchr(info, '\n') ==
                                                     info + il - 1,
              "CLIENT INFO must be one line ending in \\n: %s", info);
    char v[128];
    cr_assert(h_field(info, "id", v, sizeof v));
    cr_assert_eq(atoll(v), ib);
    cr_assert(h_field(info, "name", v, sizeof v));
    cr_assert_str_eq(v, "listed");
    cr_assert(h_field(info, "db", v, sizeof v));
    cr_assert_str_eq(v, "5");
    cr_assert(h_field(info, "addr", v, sizeof v));
    cr_assert(strncmp(v, "127.0.0.1:", 10) == 0, "addr=%s", v);
    cr_assert(h_field(info, "cmd", v, sizeof v));
    cr_assert_str_eq(v, "client|info");
    free(info);

    h_resp_t *r = h_callp(a, "CLIENT", "LIST", NULL);
    cr_assert_eq(r->type, '$');
    /* one line per client; ours are both there */
    bool found_a = false, found_b = false;
    char *save = NULL;
    for (char *line = strtok_r(r->str, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        cr_assert(strncmp(line, "id=", 3) == 0, "line: %s", line);
        long long id = atoll(line + 3);
        if (id == ia) {
            found_a = true;
            cr_assert(h_field(line, "name", v, sizeof v));
            cr_assert_str_eq(v, "lister");
            cr_assert(h_field(line, "cmd", v, sizeof v));
            cr_assert_str_eq(v, "client|list");
        } else if (id == ib) {
            found_b = true;
            cr_assert(h_field(line, "name", v, sizeof v));
            cr_assert_str_eq(v, "listed");
        }
    }
    cr_assert(found_a && found_b, "CLIENT LIST misses a connection");
    h_resp_free(r);

    /* CLIENT LIST ID filters */
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", ib);
    r = h_callp(a, "CLIENT", "LIST", "ID", ids, NULL);
    cr_assert_eq(r->type, '$');
    cr_assert(strncmp(r->str, "id=", 3) == 0 && atoll(r->str + 3) == ib);
    cr_assert_eq(strchr(r->str, '\n'), r->str + r->len - 1);
    h_resp_free(r);
    close(a);
    close(b);
}

Test(connection, client_kill_by_id)
{
    int killer = h_conn(), victim = h_conn();
    long long iv = client_id(victim);
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", iv);
    expect_cmd(killer, ":1\r\n", "CLIENT", "KILL", "ID", ids);
    cr_assert(h_is_closed(victim, 3000), "killed client still connected");
    close(victim);
    expect_cmd(killer, ":0\r\n", "CLIENT", "KILL", "ID", ids);
    expect_cmd(killer, ":0\r\n", "CLIENT", "KILL", "ID", "999999999");
    expect_cmd(killer, "-ERR client-id should be greater than 0\r\n",
               "CLIENT", "KILL", "ID", "abc");
    expect_cmd(killer, "-ERR No such client\r\n", "CLIENT", "KILL",
               "1.2.3.4:5");
    /* the killer itself is fine */
    expect_cmd(killer, "+PONG\r\n", "PING");
    close(killer);
}

Test(connection, client_kill_by_addr)
{
    int killer = h_conn(), victim = h_conn();
    char *info = client_info(victim);
    char addr[64];
    cr_assert(h_field(info, "addr", addr, sizeof addr));
    free(info);
    expect_cmd(killer, "+OK\r\n", "CLIENT", "KILL", addr);
    cr_assert(h_is_closed(victim, 3000));
    close(victim);
    expect_cmd(killer, "+PONG\r\n", "PING");
    close(killer);
}

Test(connection, hello_2_and_3)
{
    int fd = h_conn();
    long long id = client_id(fd);

    /* HELLO without a version reports the current protocol (2) */
    h_resp_t *r = h_callp(fd, "HELLO", NULL);
    cr_assert_eq(r->type, '*');
    cr_assert_eq(r->n, 14);
    cr_assert_eq(h_map_get(r, "proto")->integer, 2);
    cr_assert_eq(h_map_get(r, "id")->integer, id);
    const h_resp_t *ver = h_map_get(r, "version");
    cr_assert(ver && ver->type == '$' && ver->len > 0);
    const h_resp_t *srv = h_map_get(r, "server");
    cr_assert(srv && srv->type == '$' && srv->len > 0);
    cr_assert_str_eq(h_map_get(r, "mode")->str, "standalone");
    cr_assert_str_eq(h_map_get(r, "role")->str, "master");
    h_resp_free(r);

    /* RESP2 HELLO bytes after the id field are fixed */
    h_bytes_t b = h_call(fd, "HELLO", "2", NULL);
    const char *tail = "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n"
                       "$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
    cr_assert(b.buf && strncmp(b.buf, "*14\r\n$6\r\nserver\r\n", 17) == 0);
    cr_assert(b.len > strlen(tail) &&
                  strcmp(b.buf + b.len - strlen(tail), tail) == 0,
              "HELLO 2 tail: %s", h_escape(b.buf, b.len));
    h_bytes_free(&b);

    b = h_call(fd, "HELLO", "3", "SETNAME", "hello-client", NULL);
    const char *tail3 = "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n"
                        "$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
    cr_assert(b.buf && strncmp(b.buf, "%7\r\n$6\r\nserver\r\n", 16) == 0,
              "HELLO 3: %s", h_escape(b.buf, b.len));
    cr_assert(strcmp(b.buf + b.len - strlen(tail3), tail3) == 0);
    r = h_parse(b.buf, b.len);
    cr_assert(r && r->type == '%');
    cr_assert_eq(h_map_get(r, "proto")->integer, 3);
    cr_assert_eq(h_map_get(r, "id")->integer, id);
    h_resp_free(r);
    h_bytes_free(&b);
    expect_cmd(fd, "$12\r\nhello-client\r\n", "CLIENT", "GETNAME");
    expect_cmd(fd, "_\r\n", "GET", "conn:hello:none");

    expect_cmd(fd, "-NOPROTO unsupported protocol version\r\n", "HELLO",
               "1");
    /* a failed HELLO changes nothing */
    expect_cmd(fd, "_\r\n", "GET", "conn:hello:none");
    close(fd);
}

Test(connection, reset_restores_defaults)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "conn:reset:k", "db0");
    expect_cmd(fd, "+OK\r\n", "SELECT", "3");
    expect_cmd(fd, "+OK\r\n", "CLIENT", "SETNAME", "before-reset");
    h_resp_t *r = h_callp(fd, "HELLO", "3", NULL);
    h_resp_free(r);
    expect_cmd(fd, "_\r\n", "GET", "conn:reset:none");
    long long id = client_id(fd);
    expect_cmd(fd, "+RESET\r\n", "RESET");
    /* back to db 0, RESP2, no name, same connection */
    expect_cmd(fd, "$3\r\ndb0\r\n", "GET", "conn:reset:k");
    expect_cmd(fd, "$-1\r\n", "GET", "conn:reset:none");
    expect_cmd(fd, "$-1\r\n", "CLIENT", "GETNAME");
    cr_assert_eq(client_id(fd), id);
    expect_cmd(fd, "-ERR wrong number of arguments for 'reset' command\r\n",
               "RESET", "x");
    close(fd);
}
