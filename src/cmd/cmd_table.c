/* The command table: one row per command, the only place a command exists.
 * Dispatch, COMMAND (COUNT/INFO/DOCS/LIST) and statistics read it. Rows
 * follow Redis 7's arity, flags and key positions so clients that inspect
 * COMMAND see what they expect. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/cmd.h"
#include "mr/util.h"

#define W MR_CMD_WRITE
#define R MR_CMD_READONLY
#define M MR_CMD_DENYOOM
#define A MR_CMD_ADMIN
#define F MR_CMD_FAST
#define N MR_CMD_NOSCRIPT
#define L MR_CMD_LOADING
#define S MR_CMD_STALE
#define NA MR_CMD_NO_AUTH
#define NL MR_CMD_NOLOCK

/* clang-format off */
static mr_cmd_t client_subcmds[] = {
    /* name        handler             arity flags        f  l  s  group         summary                                        since    acl */
    {"id",        cmd_client_id,       2, N|L|S,          0, 0, 0, "connection", "Returns the unique client ID of the connection.", "5.0.0", "@slow @connection"},
    {"setname",   cmd_client_setname,  3, N|L|S,          0, 0, 0, "connection", "Sets the connection name.",                  "2.6.9", "@slow @connection"},
    {"getname",   cmd_client_getname,  2, N|L|S,          0, 0, 0, "connection", "Returns the name of the connection.",        "2.6.9", "@slow @connection"},
    {"info",      cmd_client_info,     2, N|L|S,          0, 0, 0, "connection", "Returns information about the connection.",  "6.2.0", "@slow @connection"},
    {"list",      cmd_client_list,    -2, A|N|L|S,        0, 0, 0, "connection", "Lists open connections.",                    "2.4.0", "@admin @slow @dangerous @connection"},
    {"kill",      cmd_client_kill,    -3, A|N|L|S,        0, 0, 0, "connection", "Terminates open connections.",               "2.4.0", "@admin @slow @dangerous @connection"},
    {"help",      cmd_client_help,     2, L|S,            0, 0, 0, "connection", "Returns helpful text about the different subcommands.", "5.0.0", "@slow @connection"},
    {NULL},
};

static mr_cmd_t command_subcmds[] = {
    {"count",     cmd_command_count,   2, L|S,            0, 0, 0, "server", "Returns a count of commands.",                   "2.8.13", "@slow @connection"},
    {"info",      cmd_command_info,   -2, L|S,            0, 0, 0, "server", "Returns information about one, multiple or all commands.", "2.8.13", "@slow @connection"},
    {"docs",      cmd_command_docs,   -2, L|S,            0, 0, 0, "server", "Returns documentary information about one, multiple or all commands.", "7.0.0", "@slow @connection"},
    {"list",      cmd_command_list,   -2, L|S,            0, 0, 0, "server", "Returns a list of command names.",               "7.0.0", "@slow @connection"},
    {"help",      cmd_command_help,    2, L|S,            0, 0, 0, "server", "Returns helpful text about the different subcommands.", "5.0.0", "@slow @connection"},
    {NULL},
};

static mr_cmd_t config_subcmds[] = {
    {"get",       cmd_config_get,     -3, A|N|L|S,        0, 0, 0, "server", "Returns the effective values of configuration parameters.", "2.0.0", "@admin @slow @dangerous"},
    {"set",       cmd_config_set,     -4, A|N|L|S,        0, 0, 0, "server", "Sets configuration parameters in-flight.",       "2.0.0", "@admin @slow @dangerous"},
    {"resetstat", cmd_config_resetstat, 2, A|N|L|S,       0, 0, 0, "server", "Resets the server's statistics.",                "2.0.0", "@admin @slow @dangerous"},
    {"help",      cmd_config_help,     2, L|S,            0, 0, 0, "server", "Returns helpful text about the different subcommands.", "5.0.0", "@slow"},
    {NULL},
};

static mr_cmd_t table[] = {
    /* strings */
    {"get",         cmd_get,          2, R|F,     1,  1, 1, "string", "Returns the string value of a key.", "1.0.0", "@read @string @fast"},
    {"set",         cmd_set,         -3, W|M,     1,  1, 1, "string", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0", "@write @string @slow"},
    {"setnx",       cmd_setnx,        3, W|M|F,   1,  1, 1, "string", "Set the string value of a key only when the key doesn't exist.", "1.0.0", "@write @string @fast"},
    {"setex",       cmd_setex,        4, W|M,     1,  1, 1, "string", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "2.0.0", "@write @string @slow"},
    {"psetex",      cmd_psetex,       4, W|M,     1,  1, 1, "string", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "2.6.0", "@write @string @slow"},
    {"getset",      cmd_getset,       3, W|M|F,   1,  1, 1, "string", "Returns the previous string value of a key after setting it to a new value.", "1.0.0", "@write @string @fast"},
    {"getdel",      cmd_getdel,       2, W|F,     1,  1, 1, "string", "Returns the string value of a key after deleting the key.", "6.2.0", "@write @string @fast"},
    {"getex",       cmd_getex,       -2, W|F,     1,  1, 1, "string", "Returns the string value of a key after setting its expiration time.", "6.2.0", "@write @string @fast"},
    {"mget",        cmd_mget,        -2, R|F,     1, -1, 1, "string", "Atomically returns the string values of one or more keys.", "1.0.0", "@read @string @fast"},
    {"mset",        cmd_mset,        -3, W|M,     1, -1, 2, "string", "Atomically creates or modifies the string values of one or more keys.", "1.0.1", "@write @string @slow"},
    {"msetnx",      cmd_msetnx,      -3, W|M,     1, -1, 2, "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", "1.0.1", "@write @string @slow"},
    {"append",      cmd_append,       3, W|M|F,   1,  1, 1, "string", "Appends a string to the value of a key. Creates the key if it doesn't exist.", "2.0.0", "@write @string @fast"},
    {"strlen",      cmd_strlen,       2, R|F,     1,  1, 1, "string", "Returns the length of a string value.", "2.2.0", "@read @string @fast"},
    {"incr",        cmd_incr,         2, W|M|F,   1,  1, 1, "string", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "@write @string @fast"},
    {"decr",        cmd_decr,         2, W|M|F,   1,  1, 1, "string", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "@write @string @fast"},
    {"incrby",      cmd_incrby,       3, W|M|F,   1,  1, 1, "string", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "@write @string @fast"},
    {"decrby",      cmd_decrby,       3, W|M|F,   1,  1, 1, "string", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "@write @string @fast"},
    {"incrbyfloat", cmd_incrbyfloat,  3, W|M|F,   1,  1, 1, "string", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "2.6.0", "@write @string @fast"},
    {"getrange",    cmd_getrange,     4, R,       1,  1, 1, "string", "Returns a substring of the string stored at a key.", "2.4.0", "@read @string @slow"},
    {"substr",      cmd_getrange,     4, R,       1,  1, 1, "string", "Returns a substring from a string value.", "1.0.0", "@read @string @slow"},
    {"setrange",    cmd_setrange,     4, W|M,     1,  1, 1, "string", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "2.2.0", "@write @string @slow"},

    /* keys */
    {"del",         cmd_del,         -2, W,       1, -1, 1, "generic", "Deletes one or more keys.", "1.0.0", "@keyspace @write @slow"},
    {"delete",      cmd_del,         -2, W,       1, -1, 1, "generic", "Deletes one or more keys (alias of DEL).", "1.0.0", "@keyspace @write @slow"},
    {"unlink",      cmd_del,         -2, W|F,     1, -1, 1, "generic", "Asynchronously deletes one or more keys.", "4.0.0", "@keyspace @write @fast"},
    {"exists",      cmd_exists,      -2, R|F,     1, -1, 1, "generic", "Determines whether one or more keys exist.", "1.0.0", "@keyspace @read @fast"},
    {"type",        cmd_type,         2, R|F,     1,  1, 1, "generic", "Determines the type of value stored at a key.", "1.0.0", "@keyspace @read @fast"},
    {"rename",      cmd_rename,       3, W,       1,  2, 1, "generic", "Renames a key and overwrites the destination.", "1.0.0", "@keyspace @write @slow"},
    {"renamenx",    cmd_renamenx,     3, W|F,     1,  2, 1, "generic", "Renames a key only when the target key name doesn't exist.", "1.0.0", "@keyspace @write @fast"},
    {"keys",        cmd_keys,         2, R|NL,    0,  0, 0, "generic", "Returns all key names that match a pattern.", "1.0.0", "@keyspace @read @slow @dangerous"},
    {"scan",        cmd_scan,        -2, R|NL,    0,  0, 0, "generic", "Iterates over the key names in the database.", "2.8.0", "@keyspace @read @slow"},
    {"randomkey",   cmd_randomkey,    1, R|NL,    0,  0, 0, "generic", "Returns a random key name from the database.", "1.0.0", "@keyspace @read @slow"},
    {"dbsize",      cmd_dbsize,       1, R|F|NL,  0,  0, 0, "server", "Returns the number of keys in the database.", "1.0.0", "@keyspace @read @fast"},
    {"flushdb",     cmd_flushdb,     -1, W|NL,    0,  0, 0, "server", "Remove all keys from the current database.", "1.0.0", "@keyspace @write @slow @dangerous"},
    {"flushall",    cmd_flushall,    -1, W|NL,    0,  0, 0, "server", "Removes all keys from all databases.", "1.0.0", "@keyspace @write @slow @dangerous"},
    {"expire",      cmd_expire,      -3, W|F,     1,  1, 1, "generic", "Sets the expiration time of a key in seconds.", "1.0.0", "@keyspace @write @fast"},
    {"pexpire",     cmd_pexpire,     -3, W|F,     1,  1, 1, "generic", "Sets the expiration time of a key in milliseconds.", "2.6.0", "@keyspace @write @fast"},
    {"expireat",    cmd_expireat,    -3, W|F,     1,  1, 1, "generic", "Sets the expiration time of a key to a Unix timestamp.", "1.2.0", "@keyspace @write @fast"},
    {"pexpireat",   cmd_pexpireat,   -3, W|F,     1,  1, 1, "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", "2.6.0", "@keyspace @write @fast"},
    {"ttl",         cmd_ttl,          2, R|F,     1,  1, 1, "generic", "Returns the expiration time in seconds of a key.", "1.0.0", "@keyspace @read @fast"},
    {"pttl",        cmd_pttl,         2, R|F,     1,  1, 1, "generic", "Returns the expiration time in milliseconds of a key.", "2.6.0", "@keyspace @read @fast"},
    {"expiretime",  cmd_expiretime,   2, R|F,     1,  1, 1, "generic", "Returns the expiration time of a key as a Unix timestamp.", "7.0.0", "@keyspace @read @fast"},
    {"pexpiretime", cmd_pexpiretime,  2, R|F,     1,  1, 1, "generic", "Returns the expiration time of a key as a Unix milliseconds timestamp.", "7.0.0", "@keyspace @read @fast"},
    {"persist",     cmd_persist,      2, W|F,     1,  1, 1, "generic", "Removes the expiration time of a key.", "2.2.0", "@keyspace @write @fast"},
    {"touch",       cmd_touch,       -2, R|F,     1, -1, 1, "generic", "Returns the number of existing keys out of those specified after updating the time they were last accessed.", "3.2.1", "@keyspace @read @fast"},
    {"copy",        cmd_copy,        -3, W|M,     1,  2, 1, "generic", "Copies the value of a key to a new key.", "6.2.0", "@keyspace @write @slow"},
    {"move",        cmd_move,         3, W|F,     1,  1, 1, "generic", "Moves a key to another database.", "1.0.0", "@keyspace @write @fast"},

    /* connection */
    {"ping",        cmd_ping,        -1, F,       0,  0, 0, "connection", "Returns the server's liveliness response.", "1.0.0", "@fast @connection"},
    {"echo",        cmd_echo,         2, F|L|S,       0,  0, 0, "connection", "Returns the given string.", "1.0.0", "@fast @connection"},
    {"quit",        cmd_quit,        -1, F|N|L|S|NA|MR_CMD_ALLOW_BUSY, 0, 0, 0, "connection", "Closes the connection.", "1.0.0", "@fast @connection"},
    {"select",      cmd_select,       2, L|S|F,   0,  0, 0, "connection", "Changes the selected database.", "1.0.0", "@fast @connection"},
    {"hello",       cmd_hello,       -1, N|L|S|F|NA|MR_CMD_ALLOW_BUSY, 0, 0, 0, "connection", "Handshakes with the Redis server.", "6.0.0", "@fast @connection"},
    {"reset",       cmd_reset,        1, N|L|S|F|NA|MR_CMD_ALLOW_BUSY, 0, 0, 0, "connection", "Resets the connection.", "6.2.0", "@fast @connection"},
    {"client",      NULL,            -2, 0,       0,  0, 0, "connection", "A container for client connection commands.", "2.4.0", "@slow", client_subcmds},

    /* server */
    {"command",     cmd_command,     -1, L|S,     0,  0, 0, "server", "Returns detailed information about all commands.", "2.8.13", "@slow @connection", command_subcmds},
    {"config",      NULL,            -2, 0,       0,  0, 0, "server", "A container for server configuration commands.", "2.0.0", "@slow", config_subcmds},
    {"info",        cmd_info,        -1, L|S,     0,  0, 0, "server", "Returns information and statistics about the server.", "1.0.0", "@slow @dangerous"},
    {"time",        cmd_time,         1, L|S|F,   0,  0, 0, "server", "Returns the server time.", "2.6.0", "@fast"},
    {"shutdown",    cmd_shutdown,    -1, A|N|L|S|MR_CMD_ALLOW_BUSY, 0,  0, 0, "server", "Synchronously saves the database(s) to disk and shuts down the Redis server.", "1.0.0", "@admin @slow @dangerous"},
};
/* clang-format on */

#define TABLE_LEN (sizeof table / sizeof table[0])

/* Open-addressing index over the top-level names: lookups hash the
 * lower-cased name once and probe a few slots, no strcasecmp walk. */
#define INDEX_SIZE 256 /* power of two, > 2x the table */
static const mr_cmd_t *index_slots[INDEX_SIZE];

static uint32_t name_hash(const char *s, size_t n) {
    uint32_t h = 2166136261u; /* FNV-1a over lower-cased bytes */
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)tolower((unsigned char)s[i]);
        h *= 16777619u;
    }
    return h;
}

static bool name_eq(const char *lower, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (lower[i] == '\0' || lower[i] != (char)tolower((unsigned char)s[i]))
            return false;
    }
    return lower[n] == '\0';
}

static void link_subcommands(mr_cmd_t *parent) {
    for (mr_cmd_t *s = (mr_cmd_t *)parent->subcmds; s->name; s++) {
        s->parent = parent;
        snprintf(s->fullname, sizeof s->fullname, "%s|%s", parent->name,
                 s->name);
    }
}

void mr_cmd_table_init(void) {
    _Static_assert(INDEX_SIZE >= 2 * TABLE_LEN, "command index too small");
    memset(index_slots, 0, sizeof index_slots);
    for (size_t i = 0; i < TABLE_LEN; i++) {
        mr_cmd_t *c = &table[i];
        snprintf(c->fullname, sizeof c->fullname, "%s", c->name);
        if (c->subcmds) link_subcommands(c);
        uint32_t h = name_hash(c->name, strlen(c->name)) & (INDEX_SIZE - 1);
        while (index_slots[h]) h = (h + 1) & (INDEX_SIZE - 1);
        index_slots[h] = c;
    }
}

const mr_cmd_t *mr_cmd_lookup(const char *name, size_t len) {
    uint32_t h = name_hash(name, len) & (INDEX_SIZE - 1);
    while (index_slots[h]) {
        if (name_eq(index_slots[h]->name, name, len)) return index_slots[h];
        h = (h + 1) & (INDEX_SIZE - 1);
    }
    return NULL;
}

const mr_cmd_t *mr_cmd_lookup_sub(const mr_cmd_t *parent, const char *name,
                                  size_t len) {
    if (!parent->subcmds) return NULL;
    for (const mr_cmd_t *s = parent->subcmds; s->name; s++)
        if (name_eq(s->name, name, len)) return s;
    return NULL;
}

const mr_cmd_t *mr_cmd_table(size_t *count) {
    *count = TABLE_LEN;
    return table;
}
