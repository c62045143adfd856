/* The command table: one row per command, the only place a command exists.
 * Dispatch, COMMAND (COUNT/INFO/DOCS/LIST) and statistics read it. Every
 * row states what redis-server 7.0.15 reports for the command (arity,
 * flags, key positions, ACL categories, tips, key specs, and the DOCS
 * summary, complexity, history and arguments), written from that server's
 * COMMAND INFO / COMMAND DOCS replies, so clients that inspect COMMAND see
 * what they expect; tests/interop/command_info.sh compares them.
 * Row layout: name, handler, arity, flags, first, last, step, group,
 * summary, since, ACL categories[, subcommands], then on the next line the
 * designated fields (tips, key_specs, complexity, history, args, ...).
 * Argument rows: {name, type, key_spec_index, token, since, flags, members}. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/cmd.h"
#include "mr/stats.h"
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
#define B MR_CMD_ALLOW_BUSY
#define NM MR_CMD_NO_MULTI
#define NL MR_CMD_NOLOCK
#define BLK MR_CMD_BLOCKING
#define SS MR_CMD_SKIP_SLOWLOG
#define OWN MR_CMD_OWN_LOCKS
#define PS MR_CMD_PUBSUB
#define PSOK MR_CMD_PUBSUB_OK
#define NK MR_KS_NOT_KEY

/* key-spec flags */
#define RO MR_KS_RO
#define RW MR_KS_RW
#define OW MR_KS_OW
#define RM MR_KS_RM
#define ACC MR_KS_ACCESS
#define UPD MR_KS_UPDATE
#define INS MR_KS_INSERT
#define DELK MR_KS_DELETE
#define VARF MR_KS_VARIABLE_FLAGS
/* {flags, begin index, lastkey, keystep, limit[, notes]}, ... */
#define KEY_SPECS(...) ((const mr_key_spec_t[]){__VA_ARGS__, {0}})

/* argument types and flags */
#define STR MR_ARG_STRING
#define INT MR_ARG_INTEGER
#define DBL MR_ARG_DOUBLE
#define KEY MR_ARG_KEY
#define PAT MR_ARG_PATTERN
#define UT MR_ARG_UNIX_TIME
#define TOK MR_ARG_PURE_TOKEN
#define ONEOF MR_ARG_ONEOF
#define BLOCK MR_ARG_BLOCK
#define OPT MR_ARG_OPTIONAL
#define MUL MR_ARG_MULTIPLE
#define MULT MR_ARG_MULTIPLE_TOKEN

/* clang-format off */
/* ---- COMMAND DOCS arguments and history, by command ---- */

static const mr_cmd_arg_t args_client_setname[] = {
    {"connection-name", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_client_list[] = {
    "2.8.12", "Added unique client `id` field.",
    "5.0.0", "Added optional `TYPE` filter.",
    "6.0.0", "Added `user` field.",
    "6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
    "7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields.",
    "7.0.3", "Added `ssub` field.",
    NULL,
};

static const mr_cmd_arg_t args_client_list_0[] = {
    {"normal", TOK, 0, "NORMAL", NULL, 0, NULL},
    {"master", TOK, 0, "MASTER", NULL, 0, NULL},
    {"replica", TOK, 0, "REPLICA", NULL, 0, NULL},
    {"pubsub", TOK, 0, "PUBSUB", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_client_list_1[] = {
    {"client-id", INT, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_client_list[] = {
    {"normal_master_replica_pubsub", ONEOF, 0, "TYPE", "5.0.0", OPT, args_client_list_0},
    {"id", BLOCK, 0, "ID", "6.2.0", OPT, args_client_list_1},
    {NULL},
};

/* operating it */
static const char *const hist_client_pause[] = {
    "6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.",
    NULL,
};

static const mr_cmd_arg_t args_client_pause_0[] = {
    {"write", TOK, 0, "WRITE", NULL, 0, NULL},
    {"all", TOK, 0, "ALL", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_client_pause[] = {
    {"timeout", INT, 0, NULL, NULL, 0, NULL},
    {"mode", ONEOF, 0, NULL, "6.2.0", OPT, args_client_pause_0},
    {NULL},
};

static const mr_cmd_arg_t args_client_no_evict_0[] = {
    {"on", TOK, 0, "ON", NULL, 0, NULL},
    {"off", TOK, 0, "OFF", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_client_no_evict[] = {
    {"enabled", ONEOF, 0, NULL, NULL, 0, args_client_no_evict_0},
    {NULL},
};
/* end operating it */

static const char *const hist_client_kill[] = {
    "2.8.12", "Added new filter format.",
    "2.8.12", "`ID` option.",
    "3.2.0", "Added `master` type in for `TYPE` option.",
    "5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
    "6.2.0", "`LADDR` option.",
    NULL,
};

static const mr_cmd_arg_t args_client_kill_0_1_1[] = {
    {"normal", TOK, 0, "NORMAL", NULL, 0, NULL},
    {"master", TOK, 0, "MASTER", "3.2.0", 0, NULL},
    {"slave", TOK, 0, "SLAVE", NULL, 0, NULL},
    {"replica", TOK, 0, "REPLICA", "5.0.0", 0, NULL},
    {"pubsub", TOK, 0, "PUBSUB", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_client_kill_0_1[] = {
    {"client-id", INT, 0, "ID", "2.8.12", OPT, NULL},
    {"normal_master_slave_pubsub", ONEOF, 0, "TYPE", "2.8.12", OPT, args_client_kill_0_1_1},
    {"username", STR, 0, "USER", NULL, OPT, NULL},
    {"ip:port", STR, 0, "ADDR", NULL, OPT, NULL},
    {"ip:port", STR, 0, "LADDR", "6.2.0", OPT, NULL},
    {"yes/no", STR, 0, "SKIPME", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_client_kill_0[] = {
    {"ip:port", STR, 0, NULL, NULL, 0, NULL, .deprecated_since = "2.8.12"},
    {"new-format", ONEOF, 0, NULL, NULL, MUL, args_client_kill_0_1},
    {NULL},
};

static const mr_cmd_arg_t args_client_kill[] = {
    {"filter", ONEOF, 0, NULL, NULL, 0, args_client_kill_0},
    {NULL},
};

static const char *const hist_command_info[] = {
    "7.0.0", "Allowed to be called with no argument to get info on all commands.",
    NULL,
};

static const mr_cmd_arg_t args_command_info[] = {
    {"command-name", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_command_docs[] = {
    {"command-name", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_command_list_0[] = {
    {"module-name", STR, 0, "MODULE", NULL, 0, NULL},
    {"category", STR, 0, "ACLCAT", NULL, 0, NULL},
    {"pattern", PAT, 0, "PATTERN", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_command_list[] = {
    {"filterby", ONEOF, 0, "FILTERBY", NULL, OPT, args_command_list_0},
    {NULL},
};

static const char *const hist_config_get[] = {
    "7.0.0", "Added the ability to pass multiple pattern parameters in one call",
    NULL,
};

static const mr_cmd_arg_t args_config_get_0[] = {
    {"parameter", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_config_get[] = {
    {"parameter", BLOCK, 0, NULL, NULL, MUL, args_config_get_0},
    {NULL},
};

static const char *const hist_config_set[] = {
    "7.0.0", "Added the ability to set multiple parameters in one call.",
    NULL,
};

static const mr_cmd_arg_t args_config_set_0[] = {
    {"parameter", STR, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_config_set[] = {
    {"parameter_value", BLOCK, 0, NULL, NULL, MUL, args_config_set_0},
    {NULL},
};

static const mr_cmd_arg_t args_get[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_set[] = {
    "2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options.",
    "6.0.0", "Added the `KEEPTTL` option.",
    "6.2.0", "Added the `GET`, `EXAT` and `PXAT` option.",
    "7.0.0", "Allowed the `NX` and `GET` options to be used together.",
    NULL,
};

static const mr_cmd_arg_t args_set_2[] = {
    {"nx", TOK, 0, "NX", NULL, 0, NULL},
    {"xx", TOK, 0, "XX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_set_4[] = {
    {"seconds", INT, 0, "EX", "2.6.12", 0, NULL},
    {"milliseconds", INT, 0, "PX", "2.6.12", 0, NULL},
    {"unix-time-seconds", UT, 0, "EXAT", "6.2.0", 0, NULL},
    {"unix-time-milliseconds", UT, 0, "PXAT", "6.2.0", 0, NULL},
    {"keepttl", TOK, 0, "KEEPTTL", "6.0.0", 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_set[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {"condition", ONEOF, 0, NULL, "2.6.12", OPT, args_set_2},
    {"get", TOK, 0, "GET", "6.2.0", OPT, NULL},
    {"expiration", ONEOF, 0, NULL, NULL, OPT, args_set_4},
    {NULL},
};

static const mr_cmd_arg_t args_setnx[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_setex[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"seconds", INT, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_psetex[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"milliseconds", INT, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_getset[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_getdel[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_getex_1[] = {
    {"seconds", INT, 0, "EX", NULL, 0, NULL},
    {"milliseconds", INT, 0, "PX", NULL, 0, NULL},
    {"unix-time-seconds", UT, 0, "EXAT", NULL, 0, NULL},
    {"unix-time-milliseconds", UT, 0, "PXAT", NULL, 0, NULL},
    {"persist", TOK, 0, "PERSIST", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_getex[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"expiration", ONEOF, 0, NULL, NULL, OPT, args_getex_1},
    {NULL},
};

static const mr_cmd_arg_t args_mget[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_mset_0[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_mset[] = {
    {"key_value", BLOCK, 0, NULL, NULL, MUL, args_mset_0},
    {NULL},
};

static const mr_cmd_arg_t args_msetnx_0[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_msetnx[] = {
    {"key_value", BLOCK, 0, NULL, NULL, MUL, args_msetnx_0},
    {NULL},
};

static const mr_cmd_arg_t args_append[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_strlen[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_incr[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_decr[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_incrby[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"increment", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_decrby[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"decrement", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_incrbyfloat[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"increment", DBL, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_getrange[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"start", INT, 0, NULL, NULL, 0, NULL},
    {"end", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_substr[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"start", INT, 0, NULL, NULL, 0, NULL},
    {"end", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_setrange[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"offset", INT, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_del[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_unlink[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const char *const hist_exists[] = {
    "3.0.3", "Accepts multiple `key` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_watch[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_exists[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_type[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_rename[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"newkey", KEY, 1, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_renamenx[] = {
    "3.2.0", "The command no longer returns an error when source and destination names are the same.",
    NULL,
};

static const mr_cmd_arg_t args_renamenx[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"newkey", KEY, 1, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_keys[] = {
    {"pattern", PAT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_scan[] = {
    "6.0.0", "Added the `TYPE` subcommand.",
    NULL,
};

static const mr_cmd_arg_t args_scan[] = {
    {"cursor", INT, 0, NULL, NULL, 0, NULL},
    {"pattern", PAT, 0, "MATCH", NULL, OPT, NULL},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {"type", STR, 0, "TYPE", "6.0.0", OPT, NULL},
    {NULL},
};

static const char *const hist_flushdb[] = {
    "4.0.0", "Added the `ASYNC` flushing mode modifier.",
    "6.2.0", "Added the `SYNC` flushing mode modifier.",
    NULL,
};

static const mr_cmd_arg_t args_flushdb_0[] = {
    {"async", TOK, 0, "ASYNC", "4.0.0", 0, NULL},
    {"sync", TOK, 0, "SYNC", "6.2.0", 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_flushdb[] = {
    {"async", ONEOF, 0, NULL, NULL, OPT, args_flushdb_0},
    {NULL},
};

static const char *const hist_flushall[] = {
    "4.0.0", "Added the `ASYNC` flushing mode modifier.",
    "6.2.0", "Added the `SYNC` flushing mode modifier.",
    NULL,
};

static const mr_cmd_arg_t args_flushall_0[] = {
    {"async", TOK, 0, "ASYNC", "4.0.0", 0, NULL},
    {"sync", TOK, 0, "SYNC", "6.2.0", 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_flushall[] = {
    {"async", ONEOF, 0, NULL, NULL, OPT, args_flushall_0},
    {NULL},
};

static const char *const hist_expire[] = {
    "7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.",
    NULL,
};

static const mr_cmd_arg_t args_expire_2[] = {
    {"nx", TOK, 0, "NX", NULL, 0, NULL},
    {"xx", TOK, 0, "XX", NULL, 0, NULL},
    {"gt", TOK, 0, "GT", NULL, 0, NULL},
    {"lt", TOK, 0, "LT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_expire[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"seconds", INT, 0, NULL, NULL, 0, NULL},
    {"condition", ONEOF, 0, NULL, "7.0.0", OPT, args_expire_2},
    {NULL},
};

static const char *const hist_pexpire[] = {
    "7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.",
    NULL,
};

static const mr_cmd_arg_t args_pexpire_2[] = {
    {"nx", TOK, 0, "NX", NULL, 0, NULL},
    {"xx", TOK, 0, "XX", NULL, 0, NULL},
    {"gt", TOK, 0, "GT", NULL, 0, NULL},
    {"lt", TOK, 0, "LT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_pexpire[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"milliseconds", INT, 0, NULL, NULL, 0, NULL},
    {"condition", ONEOF, 0, NULL, "7.0.0", OPT, args_pexpire_2},
    {NULL},
};

static const char *const hist_expireat[] = {
    "7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.",
    NULL,
};

static const mr_cmd_arg_t args_expireat_2[] = {
    {"nx", TOK, 0, "NX", NULL, 0, NULL},
    {"xx", TOK, 0, "XX", NULL, 0, NULL},
    {"gt", TOK, 0, "GT", NULL, 0, NULL},
    {"lt", TOK, 0, "LT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_expireat[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"unix-time-seconds", UT, 0, NULL, NULL, 0, NULL},
    {"condition", ONEOF, 0, NULL, "7.0.0", OPT, args_expireat_2},
    {NULL},
};

static const char *const hist_pexpireat[] = {
    "7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.",
    NULL,
};

static const mr_cmd_arg_t args_pexpireat_2[] = {
    {"nx", TOK, 0, "NX", NULL, 0, NULL},
    {"xx", TOK, 0, "XX", NULL, 0, NULL},
    {"gt", TOK, 0, "GT", NULL, 0, NULL},
    {"lt", TOK, 0, "LT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_pexpireat[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"unix-time-milliseconds", UT, 0, NULL, NULL, 0, NULL},
    {"condition", ONEOF, 0, NULL, "7.0.0", OPT, args_pexpireat_2},
    {NULL},
};

static const char *const hist_ttl[] = {
    "2.8.0", "Added the -2 reply.",
    NULL,
};

static const mr_cmd_arg_t args_ttl[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_pttl[] = {
    "2.8.0", "Added the -2 reply.",
    NULL,
};

static const mr_cmd_arg_t args_pttl[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_expiretime[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_pexpiretime[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_persist[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_touch[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_copy[] = {
    {"source", KEY, 0, NULL, NULL, 0, NULL},
    {"destination", KEY, 1, NULL, NULL, 0, NULL},
    {"destination-db", INT, 0, "DB", NULL, OPT, NULL},
    {"replace", TOK, 0, "REPLACE", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_move[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"db", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_ping[] = {
    {"message", STR, 0, NULL, NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_echo[] = {
    {"message", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_select[] = {
    {"index", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_hello[] = {
    "6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context.",
    NULL,
};

static const mr_cmd_arg_t args_hello_0_1[] = {
    {"username", STR, 0, NULL, NULL, 0, NULL},
    {"password", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hello_0[] = {
    {"protover", INT, 0, NULL, NULL, 0, NULL},
    {"username_password", BLOCK, 0, "AUTH", NULL, OPT, args_hello_0_1},
    {"clientname", STR, 0, "SETNAME", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hello[] = {
    {"arguments", BLOCK, 0, NULL, NULL, OPT, args_hello_0},
    {NULL},
};

static const char *const hist_info[] = {
    "7.0.0", "Added support for taking multiple section arguments.",
    NULL,
};

static const mr_cmd_arg_t args_info[] = {
    {"section", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};

static const char *const hist_shutdown[] = {
    "7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.",
    NULL,
};

static const mr_cmd_arg_t args_shutdown_0[] = {
    {"nosave", TOK, 0, "NOSAVE", NULL, 0, NULL},
    {"save", TOK, 0, "SAVE", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_shutdown[] = {
    {"nosave_save", ONEOF, 0, NULL, NULL, OPT, args_shutdown_0},
    {"now", TOK, 0, "NOW", "7.0.0", OPT, NULL},
    {"force", TOK, 0, "FORCE", "7.0.0", OPT, NULL},
    {"abort", TOK, 0, "ABORT", "7.0.0", OPT, NULL},
    {NULL},
};

/* ---- list: COMMAND DOCS arguments and history ---- */

static const char *const hist_lpush[] = {
    "2.4.0", "Accepts multiple `element` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_lpush[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const char *const hist_rpush[] = {
    "2.4.0", "Accepts multiple `element` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_rpush[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const char *const hist_lpushx[] = {
    "4.0.0", "Accepts multiple `element` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_lpushx[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const char *const hist_rpushx[] = {
    "4.0.0", "Accepts multiple `element` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_rpushx[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const char *const hist_lpop[] = {
    "6.2.0", "Added the `count` argument.",
    NULL,
};

static const mr_cmd_arg_t args_lpop[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, "6.2.0", OPT, NULL},
    {NULL},
};

static const char *const hist_rpop[] = {
    "6.2.0", "Added the `count` argument.",
    NULL,
};

static const mr_cmd_arg_t args_rpop[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, "6.2.0", OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lrange[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"start", INT, 0, NULL, NULL, 0, NULL},
    {"stop", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_llen[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lindex[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"index", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lset[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"index", INT, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_linsert_1[] = {
    {"before", TOK, 0, "BEFORE", NULL, 0, NULL},
    {"after", TOK, 0, "AFTER", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_linsert[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"where", ONEOF, 0, NULL, NULL, 0, args_linsert_1},
    {"pivot", STR, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lrem[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_ltrim[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"start", INT, 0, NULL, NULL, 0, NULL},
    {"stop", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lpos[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"element", STR, 0, NULL, NULL, 0, NULL},
    {"rank", INT, 0, "RANK", NULL, OPT, NULL},
    {"num-matches", INT, 0, "COUNT", NULL, OPT, NULL},
    {"len", INT, 0, "MAXLEN", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lmove_2[] = {
    {"left", TOK, 0, "LEFT", NULL, 0, NULL},
    {"right", TOK, 0, "RIGHT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lmove_3[] = {
    {"left", TOK, 0, "LEFT", NULL, 0, NULL},
    {"right", TOK, 0, "RIGHT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lmove[] = {
    {"source", KEY, 0, NULL, NULL, 0, NULL},
    {"destination", KEY, 1, NULL, NULL, 0, NULL},
    {"wherefrom", ONEOF, 0, NULL, NULL, 0, args_lmove_2},
    {"whereto", ONEOF, 0, NULL, NULL, 0, args_lmove_3},
    {NULL},
};

static const mr_cmd_arg_t args_rpoplpush[] = {
    {"source", KEY, 0, NULL, NULL, 0, NULL},
    {"destination", KEY, 1, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lmpop_2[] = {
    {"left", TOK, 0, "LEFT", NULL, 0, NULL},
    {"right", TOK, 0, "RIGHT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_lmpop[] = {
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"where", ONEOF, 0, NULL, NULL, 0, args_lmpop_2},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {NULL},
};

static const char *const hist_blocking_timeout[] = {
    "6.0.0", "`timeout` is interpreted as a double instead of an integer.",
    NULL,
};

static const mr_cmd_arg_t args_blpop[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"timeout", DBL, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_blmove[] = {
    {"source", KEY, 0, NULL, NULL, 0, NULL},
    {"destination", KEY, 1, NULL, NULL, 0, NULL},
    {"wherefrom", ONEOF, 0, NULL, NULL, 0, args_lmove_2},
    {"whereto", ONEOF, 0, NULL, NULL, 0, args_lmove_3},
    {"timeout", DBL, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_brpoplpush[] = {
    {"source", KEY, 0, NULL, NULL, 0, NULL},
    {"destination", KEY, 1, NULL, NULL, 0, NULL},
    {"timeout", DBL, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_blmpop[] = {
    {"timeout", DBL, 0, NULL, NULL, 0, NULL},
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"where", ONEOF, 0, NULL, NULL, 0, args_lmpop_2},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {NULL},
};

/* ---- hash: COMMAND DOCS arguments and history ---- */

static const char *const hist_hset[] = {
    "4.0.0", "Accepts multiple `field` and `value` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_hset_1[] = {
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hset[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field_value", BLOCK, 0, NULL, NULL, MUL, args_hset_1},
    {NULL},
};

static const mr_cmd_arg_t args_hsetnx[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hget[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hmget[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hmset_1[] = {
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {"value", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hmset[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field_value", BLOCK, 0, NULL, NULL, MUL, args_hmset_1},
    {NULL},
};

static const char *const hist_hdel[] = {
    "2.4.0", "Accepts multiple `field` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_hdel[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hexists[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hlen[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hstrlen[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hkeys[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hvals[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hgetall[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hincrby[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {"increment", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hincrbyfloat[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"field", STR, 0, NULL, NULL, 0, NULL},
    {"increment", DBL, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hrandfield_1[] = {
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {"withvalues", TOK, 0, "WITHVALUES", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_hrandfield[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"options", BLOCK, 0, NULL, NULL, OPT, args_hrandfield_1},
    {NULL},
};

static const mr_cmd_arg_t args_hscan[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"cursor", INT, 0, NULL, NULL, 0, NULL},
    {"pattern", PAT, 0, "MATCH", NULL, OPT, NULL},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {NULL},
};


/* ---- set: COMMAND DOCS arguments and history ---- */

static const char *const hist_sadd[] = {
    "2.4.0", "Accepts multiple `member` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_sadd[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const char *const hist_srem[] = {
    "2.4.0", "Accepts multiple `member` arguments.",
    NULL,
};

static const mr_cmd_arg_t args_srem[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_smembers[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sismember[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_smismember[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_scard[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_spop[] = {
    "3.2.0", "Added the `count` argument.",
    NULL,
};

static const mr_cmd_arg_t args_spop[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, "3.2.0", OPT, NULL},
    {NULL},
};

static const char *const hist_srandmember[] = {
    "2.6.0", "Added the optional `count` argument.",
    NULL,
};

static const mr_cmd_arg_t args_srandmember[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, "2.6.0", OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_smove[] = {
    {"source", KEY, 0, NULL, NULL, 0, NULL},
    {"destination", KEY, 1, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sinter[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sintercard[] = {
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"limit", INT, 0, "LIMIT", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sunion[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sdiff[] = {
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sinterstore[] = {
    {"destination", KEY, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 1, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sunionstore[] = {
    {"destination", KEY, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 1, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sdiffstore[] = {
    {"destination", KEY, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 1, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_sscan[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"cursor", INT, 0, NULL, NULL, 0, NULL},
    {"pattern", PAT, 0, "MATCH", NULL, OPT, NULL},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {NULL},
};

/* ---- zset: COMMAND DOCS arguments and history ---- */

static const char *const hist_zadd[] = {
    "2.4.0", "Accepts multiple elements.",
    "3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options.",
    "6.2.0", "Added the `GT` and `LT` options.",
    NULL,
};

static const mr_cmd_arg_t args_zadd_1[] = {
    {"nx", TOK, 0, "NX", NULL, 0, NULL},
    {"xx", TOK, 0, "XX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zadd_2[] = {
    {"gt", TOK, 0, "GT", NULL, 0, NULL},
    {"lt", TOK, 0, "LT", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zadd_5[] = {
    {"score", DBL, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zadd[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"condition", ONEOF, 0, NULL, "3.0.2", OPT, args_zadd_1},
    {"comparison", ONEOF, 0, NULL, "6.2.0", OPT, args_zadd_2},
    {"change", TOK, 0, "CH", "3.0.2", OPT, NULL},
    {"increment", TOK, 0, "INCR", "3.0.2", OPT, NULL},
    {"score_member", BLOCK, 0, NULL, NULL, MUL, args_zadd_5},
    {NULL},
};

static const mr_cmd_arg_t args_zincrby[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"increment", INT, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_zrem[] = {
    "2.4.0", "Accepts multiple elements.",
    NULL,
};

static const mr_cmd_arg_t args_zrem[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zscore[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zmscore[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zcard[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zcount[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"min", DBL, 0, NULL, NULL, 0, NULL},
    {"max", DBL, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zlexcount[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"min", STR, 0, NULL, NULL, 0, NULL},
    {"max", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrank[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrevrank[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"member", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const char *const hist_zrange[] = {
    "6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.",
    NULL,
};

static const mr_cmd_arg_t args_zrange_3[] = {
    {"byscore", TOK, 0, "BYSCORE", NULL, 0, NULL},
    {"bylex", TOK, 0, "BYLEX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrange_5[] = {
    {"offset", INT, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrange[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"start", STR, 0, NULL, NULL, 0, NULL},
    {"stop", STR, 0, NULL, NULL, 0, NULL},
    {"sortby", ONEOF, 0, NULL, "6.2.0", OPT, args_zrange_3},
    {"rev", TOK, 0, "REV", "6.2.0", OPT, NULL},
    {"offset_count", BLOCK, 0, "LIMIT", "6.2.0", OPT, args_zrange_5},
    {"withscores", TOK, 0, "WITHSCORES", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrangestore_4[] = {
    {"byscore", TOK, 0, "BYSCORE", NULL, 0, NULL},
    {"bylex", TOK, 0, "BYLEX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrangestore_6[] = {
    {"offset", INT, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrangestore[] = {
    {"dst", KEY, 0, NULL, NULL, 0, NULL},
    {"src", KEY, 1, NULL, NULL, 0, NULL},
    {"min", STR, 0, NULL, NULL, 0, NULL},
    {"max", STR, 0, NULL, NULL, 0, NULL},
    {"sortby", ONEOF, 0, NULL, NULL, OPT, args_zrangestore_4},
    {"rev", TOK, 0, "REV", NULL, OPT, NULL},
    {"offset_count", BLOCK, 0, "LIMIT", NULL, OPT, args_zrangestore_6},
    {NULL},
};

static const mr_cmd_arg_t args_zrevrange[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"start", INT, 0, NULL, NULL, 0, NULL},
    {"stop", INT, 0, NULL, NULL, 0, NULL},
    {"withscores", TOK, 0, "WITHSCORES", NULL, OPT, NULL},
    {NULL},
};

static const char *const hist_zrangebyscore[] = {
    "2.0.0", "Added the `WITHSCORES` modifier.",
    NULL,
};

static const mr_cmd_arg_t args_zrangebyscore_4[] = {
    {"offset", INT, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrangebyscore[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"min", DBL, 0, NULL, NULL, 0, NULL},
    {"max", DBL, 0, NULL, NULL, 0, NULL},
    {"withscores", TOK, 0, "WITHSCORES", "2.0.0", OPT, NULL},
    {"offset_count", BLOCK, 0, "LIMIT", NULL, OPT, args_zrangebyscore_4},
    {NULL},
};

static const char *const hist_zrevrangebyscore[] = {
    "2.1.6", "`min` and `max` can be exclusive.",
    NULL,
};

static const mr_cmd_arg_t args_zrevrangebyscore_4[] = {
    {"offset", INT, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrevrangebyscore[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"max", DBL, 0, NULL, NULL, 0, NULL},
    {"min", DBL, 0, NULL, NULL, 0, NULL},
    {"withscores", TOK, 0, "WITHSCORES", NULL, OPT, NULL},
    {"offset_count", BLOCK, 0, "LIMIT", NULL, OPT, args_zrevrangebyscore_4},
    {NULL},
};

static const mr_cmd_arg_t args_zrangebylex_3[] = {
    {"offset", INT, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrangebylex[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"min", STR, 0, NULL, NULL, 0, NULL},
    {"max", STR, 0, NULL, NULL, 0, NULL},
    {"offset_count", BLOCK, 0, "LIMIT", NULL, OPT, args_zrangebylex_3},
    {NULL},
};

static const mr_cmd_arg_t args_zrevrangebylex_3[] = {
    {"offset", INT, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrevrangebylex[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"max", STR, 0, NULL, NULL, 0, NULL},
    {"min", STR, 0, NULL, NULL, 0, NULL},
    {"offset_count", BLOCK, 0, "LIMIT", NULL, OPT, args_zrevrangebylex_3},
    {NULL},
};

static const mr_cmd_arg_t args_zpopmin[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zpopmax[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, NULL, NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zmpop_2[] = {
    {"min", TOK, 0, "MIN", NULL, 0, NULL},
    {"max", TOK, 0, "MAX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zmpop[] = {
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"where", ONEOF, 0, NULL, NULL, 0, args_zmpop_2},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_bzmpop[] = {
    {"timeout", DBL, 0, NULL, NULL, 0, NULL},
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"where", ONEOF, 0, NULL, NULL, 0, args_zmpop_2},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zremrangebyrank[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"start", INT, 0, NULL, NULL, 0, NULL},
    {"stop", INT, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zremrangebyscore[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"min", DBL, 0, NULL, NULL, 0, NULL},
    {"max", DBL, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zremrangebylex[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"min", STR, 0, NULL, NULL, 0, NULL},
    {"max", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zunionstore_4[] = {
    {"sum", TOK, 0, "SUM", NULL, 0, NULL},
    {"min", TOK, 0, "MIN", NULL, 0, NULL},
    {"max", TOK, 0, "MAX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zunionstore[] = {
    {"destination", KEY, 0, NULL, NULL, 0, NULL},
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 1, NULL, NULL, MUL, NULL},
    {"weight", INT, 0, "WEIGHTS", NULL, OPT|MUL, NULL},
    {"aggregate", ONEOF, 0, "AGGREGATE", NULL, OPT, args_zunionstore_4},
    {NULL},
};

static const mr_cmd_arg_t args_zinterstore_4[] = {
    {"sum", TOK, 0, "SUM", NULL, 0, NULL},
    {"min", TOK, 0, "MIN", NULL, 0, NULL},
    {"max", TOK, 0, "MAX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zinterstore[] = {
    {"destination", KEY, 0, NULL, NULL, 0, NULL},
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 1, NULL, NULL, MUL, NULL},
    {"weight", INT, 0, "WEIGHTS", NULL, OPT|MUL, NULL},
    {"aggregate", ONEOF, 0, "AGGREGATE", NULL, OPT, args_zinterstore_4},
    {NULL},
};

static const mr_cmd_arg_t args_zdiffstore[] = {
    {"destination", KEY, 0, NULL, NULL, 0, NULL},
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 1, NULL, NULL, MUL, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zunion_3[] = {
    {"sum", TOK, 0, "SUM", NULL, 0, NULL},
    {"min", TOK, 0, "MIN", NULL, 0, NULL},
    {"max", TOK, 0, "MAX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zunion[] = {
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"weight", INT, 0, "WEIGHTS", NULL, OPT|MUL, NULL},
    {"aggregate", ONEOF, 0, "AGGREGATE", NULL, OPT, args_zunion_3},
    {"withscores", TOK, 0, "WITHSCORES", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zinter_3[] = {
    {"sum", TOK, 0, "SUM", NULL, 0, NULL},
    {"min", TOK, 0, "MIN", NULL, 0, NULL},
    {"max", TOK, 0, "MAX", NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zinter[] = {
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"weight", INT, 0, "WEIGHTS", NULL, OPT|MUL, NULL},
    {"aggregate", ONEOF, 0, "AGGREGATE", NULL, OPT, args_zinter_3},
    {"withscores", TOK, 0, "WITHSCORES", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zdiff[] = {
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"withscores", TOK, 0, "WITHSCORES", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zintercard[] = {
    {"numkeys", INT, 0, NULL, NULL, 0, NULL},
    {"key", KEY, 0, NULL, NULL, MUL, NULL},
    {"limit", INT, 0, "LIMIT", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrandmember_1[] = {
    {"count", INT, 0, NULL, NULL, 0, NULL},
    {"withscores", TOK, 0, "WITHSCORES", NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_zrandmember[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"options", BLOCK, 0, NULL, NULL, OPT, args_zrandmember_1},
    {NULL},
};

static const mr_cmd_arg_t args_zscan[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"cursor", INT, 0, NULL, NULL, 0, NULL},
    {"pattern", PAT, 0, "MATCH", NULL, OPT, NULL},
    {"count", INT, 0, "COUNT", NULL, OPT, NULL},
    {NULL},
};

/* ---- operating it: arguments ---- */

static const char *const hist_slowlog_get[] = {
    "4.0.0", "Added client IP address, port and name to the reply.",
    NULL,
};

static const mr_cmd_arg_t args_slowlog_get[] = {
    {"count", INT, 0, NULL, NULL, OPT, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_latency_history[] = {
    {"event", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static const mr_cmd_arg_t args_latency_reset[] = {
    {"event", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_memory_usage[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {"count", INT, 0, "SAMPLES", NULL, OPT, NULL},
    {NULL},
};
/* ---- end operating it: arguments ---- */

/* ---- the rows ---- */

static mr_cmd_t client_subcmds[] = {
    {"id", cmd_client_id, 2, N|L|S, 0, 0, 0, "connection", "Returns the client ID for the current connection", "5.0.0", "@slow @connection",
        .complexity = "O(1)"},
    {"setname", cmd_client_setname, 3, N|L|S, 0, 0, 0, "connection", "Set the current connection name", "2.6.9", "@slow @connection",
        .complexity = "O(1)", .args = args_client_setname},
    {"getname", cmd_client_getname, 2, N|L|S, 0, 0, 0, "connection", "Get the current connection name", "2.6.9", "@slow @connection",
        .complexity = "O(1)"},
    {"info", cmd_client_info, 2, N|L|S, 0, 0, 0, "connection", "Returns information about the current client connection.", "6.2.0", "@slow @connection",
        .tips = "nondeterministic_output", .complexity = "O(1)"},
    {"list", cmd_client_list, -2, A|N|L|S, 0, 0, 0, "connection", "Get the list of client connections", "2.4.0", "@admin @slow @dangerous @connection",
        .tips = "nondeterministic_output", .complexity = "O(N) where N is the number of client connections", .history = hist_client_list, .args = args_client_list},
    {"kill", cmd_client_kill, -3, A|N|L|S, 0, 0, 0, "connection", "Kill the connection of a client", "2.4.0", "@admin @slow @dangerous @connection",
        .complexity = "O(N) where N is the number of client connections", .history = hist_client_kill, .args = args_client_kill},
    /* operating it */
    {"pause", cmd_client_pause, -3, A|N|L|S, 0, 0, 0, "connection", "Stop processing commands from clients for some time", "2.9.50", "@admin @slow @dangerous @connection",
        .complexity = "O(1)", .history = hist_client_pause, .args = args_client_pause},
    {"unpause", cmd_client_unpause, 2, A|N|L|S, 0, 0, 0, "connection", "Resume processing of clients that were paused", "6.2.0", "@admin @slow @dangerous @connection",
        .complexity = "O(N) Where N is the number of paused clients"},
    {"no-evict", cmd_client_no_evict, 3, A|N|L|S, 0, 0, 0, "connection", "Set client eviction mode for the current connection", "7.0.0", "@admin @slow @dangerous @connection",
        .complexity = "O(1)", .args = args_client_no_evict},
    /* end operating it */
    {"help", cmd_client_help, 2, L|S, 0, 0, 0, "connection", "Show helpful text about the different subcommands", "5.0.0", "@slow @connection",
        .complexity = "O(1)"},
    {NULL},
};

static mr_cmd_t command_subcmds[] = {
    {"count", cmd_command_count, 2, L|S, 0, 0, 0, "server", "Get total number of Redis commands", "2.8.13", "@slow @connection",
        .complexity = "O(1)"},
    {"info", cmd_command_info, -2, L|S, 0, 0, 0, "server", "Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "@slow @connection",
        .tips = "nondeterministic_output_order", .complexity = "O(N) where N is the number of commands to look up", .history = hist_command_info, .args = args_command_info},
    {"docs", cmd_command_docs, -2, L|S, 0, 0, 0, "server", "Get array of specific Redis command documentation", "7.0.0", "@slow @connection",
        .tips = "nondeterministic_output_order", .complexity = "O(N) where N is the number of commands to look up", .args = args_command_docs},
    {"list", cmd_command_list, -2, L|S, 0, 0, 0, "server", "Get an array of Redis command names", "7.0.0", "@slow @connection",
        .tips = "nondeterministic_output_order", .complexity = "O(N) where N is the total number of Redis commands", .args = args_command_list},
    {"help", cmd_command_help, 2, L|S, 0, 0, 0, "server", "Show helpful text about the different subcommands", "5.0.0", "@slow @connection",
        .complexity = "O(1)"},
    {NULL},
};

static mr_cmd_t config_subcmds[] = {
    {"get", cmd_config_get, -3, A|N|L|S, 0, 0, 0, "server", "Get the values of configuration parameters", "2.0.0", "@admin @slow @dangerous",
        .complexity = "O(N) when N is the number of configuration parameters provided", .history = hist_config_get, .args = args_config_get},
    {"set", cmd_config_set, -4, A|N|L|S, 0, 0, 0, "server", "Set configuration parameters to the given values", "2.0.0", "@admin @slow @dangerous",
        .tips = "request_policy:all_nodes response_policy:all_succeeded", .complexity = "O(N) when N is the number of configuration parameters provided", .history = hist_config_set, .args = args_config_set},
    {"resetstat", cmd_config_resetstat, 2, A|N|L|S, 0, 0, 0, "server", "Reset the stats returned by INFO", "2.0.0", "@admin @slow @dangerous",
        .complexity = "O(1)"},
    {"rewrite", cmd_config_rewrite, 2, A|N|L|S, 0, 0, 0, "server", "Rewrite the configuration file with the in memory configuration", "2.8.0", "@admin @slow @dangerous",
        .complexity = "O(1)"}, /* operating it */
    {"help", cmd_config_help, 2, L|S, 0, 0, 0, "server", "Show helpful text about the different subcommands", "5.0.0", "@slow",
        .complexity = "O(1)"},
    {NULL},
};

static const mr_cmd_arg_t args_object_key[] = {
    {"key", KEY, 0, NULL, NULL, 0, NULL},
    {NULL},
};

static mr_cmd_t object_subcmds[] = {
    {"encoding", cmd_object_encoding, 3, R, 2, 2, 1, "generic", "Inspect the internal encoding of a Redis object", "2.2.3", "@keyspace @read @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_object_key},
    {"freq", cmd_object_freq, 3, R, 2, 2, 1, "generic", "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "@keyspace @read @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_object_key},
    {"idletime", cmd_object_idletime, 3, R, 2, 2, 1, "generic", "Get the time since a Redis object was last accessed", "2.2.3", "@keyspace @read @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_object_key},
    {"refcount", cmd_object_refcount, 3, R, 2, 2, 1, "generic", "Get the number of references to the value of the key", "2.2.3", "@keyspace @read @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_object_key},
    {"help", cmd_object_help, 2, L|S, 0, 0, 0, "generic", "Show helpful text about the different subcommands", "6.2.0", "@keyspace @slow",
        .complexity = "O(1)"},
    {NULL},
};

/* ---- operating it: subcommands ---- */
static mr_cmd_t slowlog_subcmds[] = {
    {"get", cmd_slowlog_get, -2, A|L|S, 0, 0, 0, "server", "Get the slow log's entries", "2.2.12", "@admin @slow @dangerous",
        .tips = "request_policy:all_nodes nondeterministic_output", .complexity = "O(N) where N is the number of entries returned", .history = hist_slowlog_get, .args = args_slowlog_get},
    {"len", cmd_slowlog_len, 2, A|L|S, 0, 0, 0, "server", "Get the slow log's length", "2.2.12", "@admin @slow @dangerous",
        .tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output", .complexity = "O(1)"},
    {"reset", cmd_slowlog_reset, 2, A|L|S, 0, 0, 0, "server", "Clear all entries from the slow log", "2.2.12", "@admin @slow @dangerous",
        .tips = "request_policy:all_nodes response_policy:all_succeeded", .complexity = "O(N) where N is the number of entries in the slowlog"},
    {"help", cmd_slowlog_help, 2, L|S, 0, 0, 0, "server", "Show helpful text about the different subcommands", "6.2.0", "@slow",
        .complexity = "O(1)"},
    {NULL},
};

static mr_cmd_t latency_subcmds[] = {
    {"latest", cmd_latency_latest, 2, A|N|L|S, 0, 0, 0, "server", "Return the latest latency samples for all events.", "2.8.13", "@admin @slow @dangerous",
        .tips = "nondeterministic_output request_policy:all_nodes response_policy:special", .complexity = "O(1)"},
    {"history", cmd_latency_history, 3, A|N|L|S, 0, 0, 0, "server", "Return timestamp-latency samples for the event.", "2.8.13", "@admin @slow @dangerous",
        .tips = "nondeterministic_output request_policy:all_nodes response_policy:special", .complexity = "O(1)", .args = args_latency_history},
    {"reset", cmd_latency_reset, -2, A|N|L|S, 0, 0, 0, "server", "Reset latency data for one or more events.", "2.8.13", "@admin @slow @dangerous",
        .tips = "request_policy:all_nodes response_policy:all_succeeded", .complexity = "O(1)", .args = args_latency_reset},
    {"help", cmd_latency_help, 2, L|S, 0, 0, 0, "server", "Show helpful text about the different subcommands.", "2.8.13", "@slow",
        .complexity = "O(1)"},
    {NULL},
};
static mr_cmd_t memory_subcmds[] = {
    {"usage", cmd_memory_usage, -3, R, 2, 2, 1, "server", "Estimate the memory usage of a key", "4.0.0", "@read @slow",
        .key_specs = KEY_SPECS({RO, 2, 0, 1, 0}), .complexity = "O(N) where N is the number of samples.", .args = args_memory_usage},
    {"stats", cmd_memory_stats, 2, 0, 0, 0, 0, "server", "Show memory usage details", "4.0.0", "@slow",
        .tips = "nondeterministic_output request_policy:all_shards response_policy:special", .complexity = "O(1)"},
    {"doctor", cmd_memory_doctor, 2, 0, 0, 0, 0, "server", "Outputs memory problems report", "4.0.0", "@slow",
        .tips = "nondeterministic_output request_policy:all_shards response_policy:special", .complexity = "O(1)"},
    {"malloc-stats", cmd_memory_malloc_stats, 2, 0, 0, 0, 0, "server", "Show allocator internal stats", "4.0.0", "@slow",
        .tips = "nondeterministic_output request_policy:all_shards response_policy:special", .complexity = "Depends on how much memory is allocated, could be slow"},
    {"purge", cmd_memory_purge, 2, 0, 0, 0, 0, "server", "Ask the allocator to release memory", "4.0.0", "@slow",
        .tips = "request_policy:all_shards response_policy:all_succeeded", .complexity = "Depends on how much memory is allocated, could be slow"},
    {"help", cmd_memory_help, 2, L|S, 0, 0, 0, "server", "Show helpful text about the different subcommands", "4.0.0", "@slow",
        .complexity = "O(1)"},
    {NULL},
};
/* ---- end operating it: subcommands ---- */

/* ---- pub/sub ---- */
static const mr_cmd_arg_t args_subscribe[] = {
    {"channel", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_unsubscribe[] = {
    {"channel", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_psubscribe_0[] = {
    {"pattern", PAT, 0, NULL, NULL, 0, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_psubscribe[] = {
    {"pattern", BLOCK, 0, NULL, NULL, MUL, args_psubscribe_0},
    {NULL},
};
static const mr_cmd_arg_t args_punsubscribe[] = {
    {"pattern", PAT, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_publish[] = {
    {"channel", STR, 0, NULL, NULL, 0, NULL},
    {"message", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_ssubscribe[] = {
    {"shardchannel", STR, 0, NULL, NULL, MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_sunsubscribe[] = {
    {"shardchannel", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_spublish[] = {
    {"shardchannel", STR, 0, NULL, NULL, 0, NULL},
    {"message", STR, 0, NULL, NULL, 0, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_pubsub_channels[] = {
    {"pattern", PAT, 0, NULL, NULL, OPT, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_pubsub_numsub[] = {
    {"channel", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};
static const mr_cmd_arg_t args_pubsub_shardnumsub[] = {
    {"shardchannel", STR, 0, NULL, NULL, OPT|MUL, NULL},
    {NULL},
};

static mr_cmd_t pubsub_subcmds[] = {
    {"channels", cmd_pubsub_channels, -2, PS|L|S, 0, 0, 0, "pubsub", "List active channels", "2.8.0", "@pubsub @slow",
        .complexity = "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", .args = args_pubsub_channels},
    {"numpat", cmd_pubsub_numpat, 2, PS|L|S, 0, 0, 0, "pubsub", "Get the count of unique patterns pattern subscriptions", "2.8.0", "@pubsub @slow",
        .complexity = "O(1)"},
    {"numsub", cmd_pubsub_numsub, -2, PS|L|S, 0, 0, 0, "pubsub", "Get the count of subscribers for channels", "2.8.0", "@pubsub @slow",
        .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels", .args = args_pubsub_numsub},
    {"shardchannels", cmd_pubsub_shardchannels, -2, PS|L|S, 0, 0, 0, "pubsub", "List active shard channels", "7.0.0", "@pubsub @slow",
        .complexity = "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", .args = args_pubsub_channels},
    {"shardnumsub", cmd_pubsub_shardnumsub, -2, PS|L|S, 0, 0, 0, "pubsub", "Get the count of subscribers for shard channels", "7.0.0", "@pubsub @slow",
        .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", .args = args_pubsub_shardnumsub},
    {"help", cmd_pubsub_help, 2, L|S, 0, 0, 0, "pubsub", "Show helpful text about the different subcommands", "6.2.0", "@slow",
        .complexity = "O(1)"},
    {NULL},
};

static mr_cmd_t table[] = {
    /* strings */
    {"get", cmd_get, 2, R|F, 1, 1, 1, "string", "Get the value of a key", "1.0.0", "@read @string @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_get},
    {"set", cmd_set, -3, W|M, 1, 1, 1, "string", "Set the string value of a key", "1.0.0", "@write @string @slow",
        .key_specs = KEY_SPECS({RW|ACC|UPD|VARF, 1, 0, 1, 0, "RW and ACCESS due to the optional `GET` argument"}), .complexity = "O(1)", .history = hist_set, .args = args_set},
    {"setnx", cmd_setnx, 3, W|M|F, 1, 1, 1, "string", "Set the value of a key, only if the key does not exist", "1.0.0", "@write @string @fast",
        .key_specs = KEY_SPECS({OW|INS, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_setnx},
    {"setex", cmd_setex, 4, W|M, 1, 1, 1, "string", "Set the value and expiration of a key", "2.0.0", "@write @string @slow",
        .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_setex},
    {"psetex", cmd_psetex, 4, W|M, 1, 1, 1, "string", "Set the value and expiration in milliseconds of a key", "2.6.0", "@write @string @slow",
        .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_psetex},
    {"getset", cmd_getset, 3, W|M|F, 1, 1, 1, "string", "Set the string value of a key and return its old value", "1.0.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .deprecated_since = "6.2.0", .replaced_by = "`SET` with the `!GET` argument", .args = args_getset},
    {"getdel", cmd_getdel, 2, W|F, 1, 1, 1, "string", "Get the value of a key and delete the key", "6.2.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_getdel},
    {"getex", cmd_getex, -2, W|F, 1, 1, 1, "string", "Get the value of a key and optionally set its expiration", "6.2.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0, "RW and UPDATE because it changes the TTL"}), .complexity = "O(1)", .args = args_getex},
    {"mget", cmd_mget, -2, R|F, 1, -1, 1, "string", "Get the values of all the given keys", "1.0.0", "@read @string @fast",
        .tips = "request_policy:multi_shard", .key_specs = KEY_SPECS({RO|ACC, 1, -1, 1, 0}), .complexity = "O(N) where N is the number of keys to retrieve.", .args = args_mget},
    {"mset", cmd_mset, -3, W|M, 1, -1, 2, "string", "Set multiple keys to multiple values", "1.0.1", "@write @string @slow",
        .tips = "request_policy:multi_shard response_policy:all_succeeded", .key_specs = KEY_SPECS({OW|UPD, 1, -1, 2, 0}), .complexity = "O(N) where N is the number of keys to set.", .args = args_mset},
    {"msetnx", cmd_msetnx, -3, W|M, 1, -1, 2, "string", "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "@write @string @slow",
        .tips = "request_policy:multi_shard response_policy:agg_min", .key_specs = KEY_SPECS({OW|INS, 1, -1, 2, 0}), .complexity = "O(N) where N is the number of keys to set.", .args = args_msetnx},
    {"append", cmd_append, 3, W|M|F, 1, 1, 1, "string", "Append a value to a key", "2.0.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", .args = args_append},
    {"strlen", cmd_strlen, 2, R|F, 1, 1, 1, "string", "Get the length of the value stored in a key", "2.2.0", "@read @string @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_strlen},
    {"incr", cmd_incr, 2, W|M|F, 1, 1, 1, "string", "Increment the integer value of a key by one", "1.0.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_incr},
    {"decr", cmd_decr, 2, W|M|F, 1, 1, 1, "string", "Decrement the integer value of a key by one", "1.0.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_decr},
    {"incrby", cmd_incrby, 3, W|M|F, 1, 1, 1, "string", "Increment the integer value of a key by the given amount", "1.0.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_incrby},
    {"decrby", cmd_decrby, 3, W|M|F, 1, 1, 1, "string", "Decrement the integer value of a key by the given number", "1.0.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_decrby},
    {"incrbyfloat", cmd_incrbyfloat, 3, W|M|F, 1, 1, 1, "string", "Increment the float value of a key by the given amount", "2.6.0", "@write @string @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_incrbyfloat},
    {"getrange", cmd_getrange, 4, R, 1, 1, 1, "string", "Get a substring of the string stored at a key", "2.4.0", "@read @string @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", .args = args_getrange},
    {"substr", cmd_getrange, 4, R, 1, 1, 1, "string", "Get a substring of the string stored at a key", "1.0.0", "@read @string @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", .deprecated_since = "2.0.0", .replaced_by = "`GETRANGE`", .args = args_substr},
    {"setrange", cmd_setrange, 4, W|M, 1, 1, 1, "string", "Overwrite part of a string at key starting at the specified offset", "2.2.0", "@write @string @slow",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", .args = args_setrange},

    /* keys */
    {"del", cmd_del, -2, W, 1, -1, 1, "generic", "Delete a key", "1.0.0", "@keyspace @write @slow",
        .tips = "request_policy:multi_shard response_policy:agg_sum", .key_specs = KEY_SPECS({RM|DELK, 1, -1, 1, 0}), .complexity = "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", .args = args_del},
    {"delete", cmd_del, -2, W, 1, -1, 1, "generic", "Delete a key (MiniRedis alias of DEL)", "1.0.0", "@keyspace @write @slow",
        .tips = "request_policy:multi_shard response_policy:agg_sum", .key_specs = KEY_SPECS({RM|DELK, 1, -1, 1, 0}), .complexity = "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", .args = args_del},
    {"unlink", cmd_del, -2, W|F, 1, -1, 1, "generic", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0", "@keyspace @write @fast",
        .tips = "request_policy:multi_shard response_policy:agg_sum", .key_specs = KEY_SPECS({RM|DELK, 1, -1, 1, 0}), .complexity = "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", .args = args_unlink},
    {"exists", cmd_exists, -2, R|F, 1, -1, 1, "generic", "Determine if a key exists", "1.0.0", "@keyspace @read @fast",
        .tips = "request_policy:multi_shard response_policy:agg_sum", .key_specs = KEY_SPECS({RO, 1, -1, 1, 0}), .complexity = "O(N) where N is the number of keys to check.", .history = hist_exists, .args = args_exists},
    {"type", cmd_type, 2, R|F, 1, 1, 1, "generic", "Determine the type stored at key", "1.0.0", "@keyspace @read @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_type},
    {"rename", cmd_rename, 3, W, 1, 2, 1, "generic", "Rename a key", "1.0.0", "@keyspace @write @slow",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}, {OW|UPD, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_rename},
    {"renamenx", cmd_renamenx, 3, W|F, 1, 2, 1, "generic", "Rename a key, only if the new key does not exist", "1.0.0", "@keyspace @write @fast",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}, {OW|INS, 2, 0, 1, 0}), .complexity = "O(1)", .history = hist_renamenx, .args = args_renamenx},
    {"keys", cmd_keys, 2, R|NL, 0, 0, 0, "generic", "Find all keys matching the given pattern", "1.0.0", "@keyspace @read @slow @dangerous",
        .tips = "request_policy:all_shards nondeterministic_output_order", .complexity = "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", .args = args_keys},
    {"scan", cmd_scan, -2, R|NL, 0, 0, 0, "generic", "Incrementally iterate the keys space", "2.8.0", "@keyspace @read @slow",
        .tips = "nondeterministic_output request_policy:special", .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", .history = hist_scan, .args = args_scan},
    {"randomkey", cmd_randomkey, 1, R|NL, 0, 0, 0, "generic", "Return a random key from the keyspace", "1.0.0", "@keyspace @read @slow",
        .tips = "request_policy:all_shards nondeterministic_output", .complexity = "O(1)"},
    {"dbsize", cmd_dbsize, 1, R|F|NL, 0, 0, 0, "server", "Return the number of keys in the selected database", "1.0.0", "@keyspace @read @fast",
        .tips = "request_policy:all_shards response_policy:agg_sum", .complexity = "O(1)"},
    {"flushdb", cmd_flushdb, -1, W|NL, 0, 0, 0, "server", "Remove all keys from the current database", "1.0.0", "@keyspace @write @slow @dangerous",
        .tips = "request_policy:all_shards response_policy:all_succeeded", .complexity = "O(N) where N is the number of keys in the selected database", .history = hist_flushdb, .args = args_flushdb},
    {"flushall", cmd_flushall, -1, W|NL, 0, 0, 0, "server", "Remove all keys from all databases", "1.0.0", "@keyspace @write @slow @dangerous",
        .tips = "request_policy:all_shards response_policy:all_succeeded", .complexity = "O(N) where N is the total number of keys in all databases", .history = hist_flushall, .args = args_flushall},
    {"expire", cmd_expire, -3, W|F, 1, 1, 1, "generic", "Set a key's time to live in seconds", "1.0.0", "@keyspace @write @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .history = hist_expire, .args = args_expire},
    {"pexpire", cmd_pexpire, -3, W|F, 1, 1, 1, "generic", "Set a key's time to live in milliseconds", "2.6.0", "@keyspace @write @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .history = hist_pexpire, .args = args_pexpire},
    {"expireat", cmd_expireat, -3, W|F, 1, 1, 1, "generic", "Set the expiration for a key as a UNIX timestamp", "1.2.0", "@keyspace @write @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .history = hist_expireat, .args = args_expireat},
    {"pexpireat", cmd_pexpireat, -3, W|F, 1, 1, 1, "generic", "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "@keyspace @write @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .history = hist_pexpireat, .args = args_pexpireat},
    {"ttl", cmd_ttl, 2, R|F, 1, 1, 1, "generic", "Get the time to live for a key in seconds", "1.0.0", "@keyspace @read @fast",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1)", .history = hist_ttl, .args = args_ttl},
    {"pttl", cmd_pttl, 2, R|F, 1, 1, 1, "generic", "Get the time to live for a key in milliseconds", "2.6.0", "@keyspace @read @fast",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1)", .history = hist_pttl, .args = args_pttl},
    {"expiretime", cmd_expiretime, 2, R|F, 1, 1, 1, "generic", "Get the expiration Unix timestamp for a key", "7.0.0", "@keyspace @read @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_expiretime},
    {"pexpiretime", cmd_pexpiretime, 2, R|F, 1, 1, 1, "generic", "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "@keyspace @read @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_pexpiretime},
    {"persist", cmd_persist, 2, W|F, 1, 1, 1, "generic", "Remove the expiration from a key", "2.2.0", "@keyspace @write @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_persist},
    {"touch", cmd_touch, -2, R|F, 1, -1, 1, "generic", "Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1", "@keyspace @read @fast",
        .tips = "request_policy:multi_shard response_policy:agg_sum", .key_specs = KEY_SPECS({RO, 1, -1, 1, 0}), .complexity = "O(N) where N is the number of keys that will be touched.", .args = args_touch},
    {"copy", cmd_copy, -3, W|M, 1, 2, 1, "generic", "Copy a key", "6.2.0", "@keyspace @write @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}, {OW|UPD, 2, 0, 1, 0}), .complexity = "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", .args = args_copy},
    {"move", cmd_move, 3, W|F, 1, 1, 1, "generic", "Move a key to another database", "1.0.0", "@keyspace @write @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_move},

    /* connection */
    {"object", NULL, -2, 0, 0, 0, 0, "generic", "A container for object introspection commands", "2.2.3", "@slow", object_subcmds,
        .complexity = "Depends on subcommand."},
    /* ---- list ---- */
    {"lpush", cmd_lpush, -3, W|M|F, 1, 1, 1, "list", "Prepend one or multiple elements to a list", "1.0.0", "@write @list @fast",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", .history = hist_lpush, .args = args_lpush},
    {"rpush", cmd_rpush, -3, W|M|F, 1, 1, 1, "list", "Append one or multiple elements to a list", "1.0.0", "@write @list @fast",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", .history = hist_rpush, .args = args_rpush},
    {"lpushx", cmd_lpushx, -3, W|M|F, 1, 1, 1, "list", "Prepend an element to a list, only if the list exists", "2.2.0", "@write @list @fast",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", .history = hist_lpushx, .args = args_lpushx},
    {"rpushx", cmd_rpushx, -3, W|M|F, 1, 1, 1, "list", "Append an element to a list, only if the list exists", "2.2.0", "@write @list @fast",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", .history = hist_rpushx, .args = args_rpushx},
    {"lpop", cmd_lpop, -2, W|F, 1, 1, 1, "list", "Remove and get the first elements in a list", "1.0.0", "@write @list @fast",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements returned", .history = hist_lpop, .args = args_lpop},
    {"rpop", cmd_rpop, -2, W|F, 1, 1, 1, "list", "Remove and get the last elements in a list", "1.0.0", "@write @list @fast",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements returned", .history = hist_rpop, .args = args_rpop},
    {"lrange", cmd_lrange, 4, R, 1, 1, 1, "list", "Get a range of elements from a list", "1.0.0", "@read @list @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", .args = args_lrange},
    {"llen", cmd_llen, 2, R|F, 1, 1, 1, "list", "Get the length of a list", "1.0.0", "@read @list @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_llen},
    {"lindex", cmd_lindex, 3, R, 1, 1, 1, "list", "Get an element from a list by its index", "1.0.0", "@read @list @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", .args = args_lindex},
    {"lset", cmd_lset, 4, W|M, 1, 1, 1, "list", "Set the value of an element in a list by its index", "1.0.0", "@write @list @slow",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", .args = args_lset},
    {"linsert", cmd_linsert, 5, W|M, 1, 1, 1, "list", "Insert an element before or after another element in a list", "2.2.0", "@write @list @slow",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).", .args = args_linsert},
    {"lrem", cmd_lrem, 4, W, 1, 1, 1, "list", "Remove elements from a list", "1.0.0", "@write @list @slow",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(N+M) where N is the length of the list and M is the number of elements removed.", .args = args_lrem},
    {"ltrim", cmd_ltrim, 4, W, 1, 1, 1, "list", "Trim a list to the specified range", "1.0.0", "@write @list @slow",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements to be removed by the operation.", .args = args_ltrim},
    {"lpos", cmd_lpos, -3, R, 1, 1, 1, "list", "Return the index of matching elements on a list", "6.0.6", "@read @list @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.", .args = args_lpos},
    {"lmove", cmd_lmove, 5, W|M, 1, 2, 1, "list", "Pop an element from a list, push it to another list and return it", "6.2.0", "@write @list @slow",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}, {RW|INS, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_lmove},
    {"rpoplpush", cmd_rpoplpush, 3, W|M, 1, 2, 1, "list", "Remove the last element in a list, prepend it to another list and return it", "1.2.0", "@write @list @slow",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}, {RW|INS, 2, 0, 1, 0}), .complexity = "O(1)", .deprecated_since = "6.2.0", .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments", .args = args_rpoplpush},
    {"lmpop", cmd_lmpop, -4, W, 0, 0, 0, "list", "Pop elements from a list", "7.0.0", "@write @list @slow",
        .getkeys = lmpop_getkeys, .key_specs = KEY_SPECS({.flags = RW|ACC|DELK, .index = 1, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned.", .args = args_lmpop},
    {"blpop", cmd_blpop, -3, W|N|BLK, 1, -2, 1, "list", "Remove and get the first element in a list, or block until one is available", "2.0.0", "@write @list @slow @blocking",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, -2, 1, 0}), .complexity = "O(N) where N is the number of provided keys.", .history = hist_blocking_timeout, .args = args_blpop},
    {"brpop", cmd_brpop, -3, W|N|BLK, 1, -2, 1, "list", "Remove and get the last element in a list, or block until one is available", "2.0.0", "@write @list @slow @blocking",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, -2, 1, 0}), .complexity = "O(N) where N is the number of provided keys.", .history = hist_blocking_timeout, .args = args_blpop},
    {"blmove", cmd_blmove, 6, W|M|N|BLK, 1, 2, 1, "list", "Pop an element from a list, push it to another list and return it; or block until one is available", "6.2.0", "@write @list @slow @blocking",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}, {RW|INS, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_blmove},
    {"brpoplpush", cmd_brpoplpush, 4, W|M|N|BLK, 1, 2, 1, "list", "Pop an element from a list, push it to another list and return it; or block until one is available", "2.2.0", "@write @list @slow @blocking",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}, {RW|INS, 2, 0, 1, 0}), .complexity = "O(1)", .deprecated_since = "6.2.0", .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments", .history = hist_blocking_timeout, .args = args_brpoplpush},
    {"blmpop", cmd_blmpop, -5, W|BLK, 0, 0, 0, "list", "Pop elements from a list, or block until one is available", "7.0.0", "@write @list @slow @blocking",
        .getkeys = blmpop_getkeys, .key_specs = KEY_SPECS({.flags = RW|ACC|DELK, .index = 2, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned.", .args = args_blmpop},
    /* ---- hash ---- */
    {"hset", cmd_hset, -4, W|M|F, 1, 1, 1, "hash", "Set the string value of a hash field", "2.0.0", "@write @hash @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", .history = hist_hset, .args = args_hset},
    {"hsetnx", cmd_hsetnx, 4, W|M|F, 1, 1, 1, "hash", "Set the value of a hash field, only if the field does not exist", "2.0.0", "@write @hash @fast",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_hsetnx},
    {"hget", cmd_hget, 3, R|F, 1, 1, 1, "hash", "Get the value of a hash field", "2.0.0", "@read @hash @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_hget},
    {"hmget", cmd_hmget, -3, R|F, 1, 1, 1, "hash", "Get the values of all the given hash fields", "2.0.0", "@read @hash @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of fields being requested.", .args = args_hmget},
    {"hmset", cmd_hmset, -4, W|M|F, 1, 1, 1, "hash", "Set multiple hash fields to multiple values", "2.0.0", "@write @hash @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of fields being set.", .deprecated_since = "4.0.0", .replaced_by = "`HSET` with multiple field-value pairs", .args = args_hmset},
    {"hdel", cmd_hdel, -3, W|F, 1, 1, 1, "hash", "Delete one or more hash fields", "2.0.0", "@write @hash @fast",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of fields to be removed.", .history = hist_hdel, .args = args_hdel},
    {"hexists", cmd_hexists, 3, R|F, 1, 1, 1, "hash", "Determine if a hash field exists", "2.0.0", "@read @hash @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_hexists},
    {"hlen", cmd_hlen, 2, R|F, 1, 1, 1, "hash", "Get the number of fields in a hash", "2.0.0", "@read @hash @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_hlen},
    {"hstrlen", cmd_hstrlen, 3, R|F, 1, 1, 1, "hash", "Get the length of the value of a hash field", "3.2.0", "@read @hash @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_hstrlen},
    {"hkeys", cmd_hkeys, 2, R, 1, 1, 1, "hash", "Get all the fields in a hash", "2.0.0", "@read @hash @slow",
        .tips = "nondeterministic_output_order", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the size of the hash.", .args = args_hkeys},
    {"hvals", cmd_hvals, 2, R, 1, 1, 1, "hash", "Get all the values in a hash", "2.0.0", "@read @hash @slow",
        .tips = "nondeterministic_output_order", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the size of the hash.", .args = args_hvals},
    {"hgetall", cmd_hgetall, 2, R, 1, 1, 1, "hash", "Get all the fields and values in a hash", "2.0.0", "@read @hash @slow",
        .tips = "nondeterministic_output_order", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the size of the hash.", .args = args_hgetall},
    {"hincrby", cmd_hincrby, 4, W|M|F, 1, 1, 1, "hash", "Increment the integer value of a hash field by the given number", "2.0.0", "@write @hash @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_hincrby},
    {"hincrbyfloat", cmd_hincrbyfloat, 4, W|M|F, 1, 1, 1, "hash", "Increment the float value of a hash field by the given amount", "2.6.0", "@write @hash @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_hincrbyfloat},
    {"hrandfield", cmd_hrandfield, -2, R, 1, 1, 1, "hash", "Get one or multiple random fields from a hash", "6.2.0", "@read @hash @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of fields returned", .args = args_hrandfield},
    {"hscan", cmd_hscan, -3, R, 1, 1, 1, "hash", "Incrementally iterate hash fields and associated values", "2.8.0", "@read @hash @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", .args = args_hscan},
    /* ---- set ---- */
    {"sadd", cmd_sadd, -3, W|M|F, 1, 1, 1, "set", "Add one or more members to a set", "1.0.0", "@write @set @fast",
        .key_specs = KEY_SPECS({RW|INS, 1, 0, 1, 0}), .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", .history = hist_sadd, .args = args_sadd},
    {"srem", cmd_srem, -3, W|F, 1, 1, 1, "set", "Remove one or more members from a set", "1.0.0", "@write @set @fast",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of members to be removed.", .history = hist_srem, .args = args_srem},
    {"smembers", cmd_smembers, 2, R, 1, 1, 1, "set", "Get all the members in a set", "1.0.0", "@read @set @slow",
        .tips = "nondeterministic_output_order", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the set cardinality.", .args = args_smembers},
    {"sismember", cmd_sismember, 3, R|F, 1, 1, 1, "set", "Determine if a given value is a member of a set", "1.0.0", "@read @set @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_sismember},
    {"smismember", cmd_smismember, -3, R|F, 1, 1, 1, "set", "Returns the membership associated with the given elements for a set", "6.2.0", "@read @set @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements being checked for membership", .args = args_smismember},
    {"scard", cmd_scard, 2, R|F, 1, 1, 1, "set", "Get the number of members in a set", "1.0.0", "@read @set @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_scard},
    {"spop", cmd_spop, -2, W|F, 1, 1, 1, "set", "Remove and return one or multiple random members from a set", "1.0.0", "@write @set @fast",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}), .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", .history = hist_spop, .args = args_spop},
    {"srandmember", cmd_srandmember, -2, R, 1, 1, 1, "set", "Get one or multiple random members from a set", "1.0.0", "@read @set @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", .history = hist_srandmember, .args = args_srandmember},
    {"smove", cmd_smove, 4, W|F, 1, 2, 1, "set", "Move a member from one set to another", "1.0.0", "@write @set @fast",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}, {RW|INS, 2, 0, 1, 0}), .complexity = "O(1)", .args = args_smove},
    {"sinter", cmd_sinter, -2, R, 1, -1, 1, "set", "Intersect multiple sets", "1.0.0", "@read @set @slow",
        .tips = "nondeterministic_output_order", .key_specs = KEY_SPECS({RO|ACC, 1, -1, 1, 0}), .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", .args = args_sinter},
    {"sintercard", cmd_sintercard, -3, R, 0, 0, 0, "set", "Intersect multiple sets and return the cardinality of the result", "7.0.0", "@read @set @slow",
        .getkeys = sintercard_getkeys, .key_specs = KEY_SPECS({.flags = RO|ACC, .index = 1, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", .args = args_sintercard},
    {"sunion", cmd_sunion, -2, R, 1, -1, 1, "set", "Add multiple sets", "1.0.0", "@read @set @slow",
        .tips = "nondeterministic_output_order", .key_specs = KEY_SPECS({RO|ACC, 1, -1, 1, 0}), .complexity = "O(N) where N is the total number of elements in all given sets.", .args = args_sunion},
    {"sdiff", cmd_sdiff, -2, R, 1, -1, 1, "set", "Subtract multiple sets", "1.0.0", "@read @set @slow",
        .tips = "nondeterministic_output_order", .key_specs = KEY_SPECS({RO|ACC, 1, -1, 1, 0}), .complexity = "O(N) where N is the total number of elements in all given sets.", .args = args_sdiff},
    {"sinterstore", cmd_sinterstore, -3, W|M, 1, -1, 1, "set", "Intersect multiple sets and store the resulting set in a key", "1.0.0", "@write @set @slow",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}, {RO|ACC, 2, -1, 1, 0}), .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", .args = args_sinterstore},
    {"sunionstore", cmd_sunionstore, -3, W|M, 1, -1, 1, "set", "Add multiple sets and store the resulting set in a key", "1.0.0", "@write @set @slow",
        .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}, {RO|ACC, 2, -1, 1, 0}), .complexity = "O(N) where N is the total number of elements in all given sets.", .args = args_sunionstore},
    {"sdiffstore", cmd_sdiffstore, -3, W|M, 1, -1, 1, "set", "Subtract multiple sets and store the resulting set in a key", "1.0.0", "@write @set @slow",
        .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}, {RO|ACC, 2, -1, 1, 0}), .complexity = "O(N) where N is the total number of elements in all given sets.", .args = args_sdiffstore},
    {"sscan", cmd_sscan, -3, R, 1, 1, 1, "set", "Incrementally iterate Set elements", "2.8.0", "@read @set @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", .args = args_sscan},
    {"ping", cmd_ping, -1, F|PSOK, 0, 0, 0, "connection", "Ping the server", "1.0.0", "@fast @connection",
        .tips = "request_policy:all_shards response_policy:all_succeeded", .complexity = "O(1)", .args = args_ping},
    {"echo", cmd_echo, 2, L|S|F, 0, 0, 0, "connection", "Echo the given string", "1.0.0", "@fast @connection",
        .complexity = "O(1)", .args = args_echo},
    {"quit", cmd_quit, -1, N|L|S|F|NA|B|PSOK, 0, 0, 0, "connection", "Close the connection", "1.0.0", "@fast @connection",
        .complexity = "O(1)"},
    {"select", cmd_select, 2, L|S|F, 0, 0, 0, "connection", "Change the selected database for the current connection", "1.0.0", "@fast @connection",
        .complexity = "O(1)", .args = args_select},
    {"hello", cmd_hello, -1, N|L|S|F|NA|B, 0, 0, 0, "connection", "Handshake with Redis", "6.0.0", "@fast @connection",
        .complexity = "O(1)", .history = hist_hello, .args = args_hello},
    {"reset", cmd_reset, 1, N|L|S|F|NA|B|PSOK, 0, 0, 0, "connection", "Reset the connection", "6.2.0", "@fast @connection",
        .complexity = "O(1)"},
    {"multi", cmd_multi, 1, N|L|S|F|B|OWN, 0, 0, 0, "transactions", "Mark the start of a transaction block", "1.2.0", "@fast @transaction",
        .complexity = "O(1)"},
    {"exec", cmd_exec, 1, N|L|S|SS|OWN, 0, 0, 0, "transactions", "Execute all commands issued after MULTI", "1.2.0", "@slow @transaction",
        .complexity = "Depends on commands in the transaction"},
    {"discard", cmd_discard, 1, N|L|S|F|B, 0, 0, 0, "transactions", "Discard all commands issued after MULTI", "2.0.0", "@fast @transaction",
        .complexity = "O(N), when N is the number of queued commands"},
    {"watch", cmd_watch, -2, N|L|S|F|B, 1, -1, 1, "transactions", "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0", "@fast @transaction",
        .key_specs = KEY_SPECS({RO, 1, -1, 1, 0}), .complexity = "O(1) for every key.", .args = args_watch},
    {"unwatch", cmd_unwatch, 1, N|L|S|F|B, 0, 0, 0, "transactions", "Forget about all watched keys", "2.2.0", "@fast @transaction",
        .complexity = "O(1)"},
    /* ---- pub/sub ---- */
    {"subscribe", cmd_subscribe, -2, PS|N|L|S|PSOK, 0, 0, 0, "pubsub", "Listen for messages published to the given channels", "2.0.0", "@pubsub @slow",
        .complexity = "O(N) where N is the number of channels to subscribe to.", .args = args_subscribe},
    {"unsubscribe", cmd_unsubscribe, -1, PS|N|L|S|PSOK, 0, 0, 0, "pubsub", "Stop listening for messages posted to the given channels", "2.0.0", "@pubsub @slow",
        .complexity = "O(N) where N is the number of clients already subscribed to a channel.", .args = args_unsubscribe},
    {"psubscribe", cmd_psubscribe, -2, PS|N|L|S|PSOK, 0, 0, 0, "pubsub", "Listen for messages published to channels matching the given patterns", "2.0.0", "@pubsub @slow",
        .complexity = "O(N) where N is the number of patterns the client is already subscribed to.", .args = args_psubscribe},
    {"punsubscribe", cmd_punsubscribe, -1, PS|N|L|S|PSOK, 0, 0, 0, "pubsub", "Stop listening for messages posted to channels matching the given patterns", "2.0.0", "@pubsub @slow",
        .complexity = "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).", .args = args_punsubscribe},
    {"publish", cmd_publish, 3, PS|L|S|F, 0, 0, 0, "pubsub", "Post a message to a channel", "2.0.0", "@pubsub @fast",
        .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", .args = args_publish},
    /* shard channels: their names are key positions for cluster routing
     * (not_key), never keys of the keyspace, so dispatch locks nothing */
    {"ssubscribe", cmd_ssubscribe, -2, PS|N|L|S|PSOK|NL, 1, -1, 1, "pubsub", "Listen for messages published to the given shard channels", "7.0.0", "@pubsub @slow",
        .key_specs = KEY_SPECS({NK, 1, -1, 1, 0}), .complexity = "O(N) where N is the number of shard channels to subscribe to.", .args = args_ssubscribe},
    {"sunsubscribe", cmd_sunsubscribe, -1, PS|N|L|S|PSOK|NL, 1, -1, 1, "pubsub", "Stop listening for messages posted to the given shard channels", "7.0.0", "@pubsub @slow",
        .key_specs = KEY_SPECS({NK, 1, -1, 1, 0}), .complexity = "O(N) where N is the number of clients already subscribed to a shard channel.", .args = args_sunsubscribe},
    {"spublish", cmd_spublish, 3, PS|L|S|F|NL, 1, 1, 1, "pubsub", "Post a message to a shard channel", "7.0.0", "@pubsub @fast",
        .key_specs = KEY_SPECS({NK, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of clients subscribed to the receiving shard channel.", .args = args_spublish},
    {"pubsub", NULL, -2, 0, 0, 0, 0, "pubsub", "A container for Pub/Sub commands", "2.8.0", "@slow", pubsub_subcmds,
        .complexity = "Depends on subcommand."},
    {"client", NULL, -2, 0, 0, 0, 0, "connection", "A container for client connection commands", "2.4.0", "@slow", client_subcmds,
        .complexity = "Depends on subcommand."},

    /* server */
    {"command", cmd_command, -1, L|S, 0, 0, 0, "server", "Get array of Redis command details", "2.8.13", "@slow @connection", command_subcmds,
        .tips = "nondeterministic_output_order", .complexity = "O(N) where N is the total number of Redis commands"},
    {"config", NULL, -2, 0, 0, 0, 0, "server", "A container for server configuration commands", "2.0.0", "@slow", config_subcmds,
        .complexity = "Depends on subcommand."},
    {"info", cmd_info, -1, L|S, 0, 0, 0, "server", "Get information and statistics about the server", "1.0.0", "@slow @dangerous",
        .tips = "nondeterministic_output request_policy:all_shards response_policy:special", .complexity = "O(1)", .history = hist_info, .args = args_info},
    {"bgrewriteaof", cmd_bgrewriteaof, 1, A|N|MR_CMD_NO_ASYNC_LOADING, 0, 0, 0, "server", "Asynchronously rewrite the append-only file", "1.0.0", "@admin @slow @dangerous",
        .complexity = "O(1)"},
    /* ---- operating it ---- */
    {"slowlog", NULL, -2, 0, 0, 0, 0, "server", "A container for slow log commands", "2.2.12", "@slow", slowlog_subcmds,
        .complexity = "Depends on subcommand."},
    {"latency", NULL, -2, 0, 0, 0, 0, "server", "A container for latency diagnostics commands", "2.8.13", "@slow", latency_subcmds,
        .complexity = "Depends on subcommand."},
    {"memory", NULL, -2, 0, 0, 0, 0, "server", "A container for memory diagnostics commands", "4.0.0", "@slow", memory_subcmds,
        .complexity = "Depends on subcommand."},
    {"monitor", cmd_monitor, 1, A|N|L|S, 0, 0, 0, "server", "Listen for all requests received by the server in real time", "1.0.0", "@admin @slow @dangerous"},
    /* ---- end operating it ---- */
    {"time", cmd_time, 1, L|S|F, 0, 0, 0, "server", "Return the current server time", "2.6.0", "@fast",
        .tips = "nondeterministic_output", .complexity = "O(1)"},
    {"shutdown", cmd_shutdown, -1, A|N|L|S|NM|B, 0, 0, 0, "server", "Synchronously save the dataset to disk and then shut down the server", "1.0.0", "@admin @slow @dangerous",
        .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", .history = hist_shutdown, .args = args_shutdown},
    /* ---- zset ---- */
    {"zadd", cmd_zadd, -4, W|M|F, 1, 1, 1, "sorted-set", "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0", "@write @sortedset @fast",
        .key_specs = KEY_SPECS({RW|UPD, 1, 0, 1, 0}), .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted set.", .history = hist_zadd, .args = args_zadd},
    {"zincrby", cmd_zincrby, 4, W|M|F, 1, 1, 1, "sorted-set", "Increment the score of a member in a sorted set", "1.2.0", "@write @sortedset @fast",
        .key_specs = KEY_SPECS({RW|ACC|UPD, 1, 0, 1, 0}), .complexity = "O(log(N)) where N is the number of elements in the sorted set.", .args = args_zincrby},
    {"zrem", cmd_zrem, -3, W|F, 1, 1, 1, "sorted-set", "Remove one or more members from a sorted set", "1.2.0", "@write @sortedset @fast",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", .history = hist_zrem, .args = args_zrem},
    {"zscore", cmd_zscore, 3, R|F, 1, 1, 1, "sorted-set", "Get the score associated with the given member in a sorted set", "1.2.0", "@read @sortedset @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_zscore},
    {"zmscore", cmd_zmscore, -3, R|F, 1, 1, 1, "sorted-set", "Get the score associated with the given members in a sorted set", "6.2.0", "@read @sortedset @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of members being requested.", .args = args_zmscore},
    {"zcard", cmd_zcard, 2, R|F, 1, 1, 1, "sorted-set", "Get the number of members in a sorted set", "1.2.0", "@read @sortedset @fast",
        .key_specs = KEY_SPECS({RO, 1, 0, 1, 0}), .complexity = "O(1)", .args = args_zcard},
    {"zcount", cmd_zcount, 4, R|F, 1, 1, 1, "sorted-set", "Count the members in a sorted set with scores within the given values", "2.0.0", "@read @sortedset @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)) with N being the number of elements in the sorted set.", .args = args_zcount},
    {"zlexcount", cmd_zlexcount, 4, R|F, 1, 1, 1, "sorted-set", "Count the number of members in a sorted set between a given lexicographical range", "2.8.9", "@read @sortedset @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)) with N being the number of elements in the sorted set.", .args = args_zlexcount},
    {"zrank", cmd_zrank, 3, R|F, 1, 1, 1, "sorted-set", "Determine the index of a member in a sorted set", "2.0.0", "@read @sortedset @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N))", .args = args_zrank},
    {"zrevrank", cmd_zrevrank, 3, R|F, 1, 1, 1, "sorted-set", "Determine the index of a member in a sorted set, with scores ordered from high to low", "2.0.0", "@read @sortedset @fast",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N))", .args = args_zrevrank},
    {"zrange", cmd_zrange, -4, R, 1, 1, 1, "sorted-set", "Return a range of members in a sorted set", "1.2.0", "@read @sortedset @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", .history = hist_zrange, .args = args_zrange},
    {"zrangestore", cmd_zrangestore, -5, W|M, 1, 2, 1, "sorted-set", "Store a range of members from sorted set into another key", "6.2.0", "@write @sortedset @slow",
        .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}, {RO|ACC, 2, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", .args = args_zrangestore},
    {"zrevrange", cmd_zrevrange, -4, R, 1, 1, 1, "sorted-set", "Return a range of members in a sorted set, by index, with scores ordered from high to low", "1.2.0", "@read @sortedset @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", .deprecated_since = "6.2.0", .replaced_by = "`ZRANGE` with the `REV` argument", .args = args_zrevrange},
    {"zrangebyscore", cmd_zrangebyscore, -4, R, 1, 1, 1, "sorted-set", "Return a range of members in a sorted set, by score", "1.0.5", "@read @sortedset @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", .deprecated_since = "6.2.0", .replaced_by = "`ZRANGE` with the `BYSCORE` argument", .history = hist_zrangebyscore, .args = args_zrangebyscore},
    {"zrevrangebyscore", cmd_zrevrangebyscore, -4, R, 1, 1, 1, "sorted-set", "Return a range of members in a sorted set, by score, with scores ordered from high to low", "2.2.0", "@read @sortedset @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", .deprecated_since = "6.2.0", .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments", .history = hist_zrevrangebyscore, .args = args_zrevrangebyscore},
    {"zrangebylex", cmd_zrangebylex, -4, R, 1, 1, 1, "sorted-set", "Return a range of members in a sorted set, by lexicographical range", "2.8.9", "@read @sortedset @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", .deprecated_since = "6.2.0", .replaced_by = "`ZRANGE` with the `BYLEX` argument", .args = args_zrangebylex},
    {"zrevrangebylex", cmd_zrevrangebylex, -4, R, 1, 1, 1, "sorted-set", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "2.8.9", "@read @sortedset @slow",
        .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", .deprecated_since = "6.2.0", .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments", .args = args_zrevrangebylex},
    {"zpopmin", cmd_zpopmin, -2, W|F, 1, 1, 1, "sorted-set", "Remove and return members with the lowest scores in a sorted set", "5.0.0", "@write @sortedset @fast",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}), .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", .args = args_zpopmin},
    {"zpopmax", cmd_zpopmax, -2, W|F, 1, 1, 1, "sorted-set", "Remove and return members with the highest scores in a sorted set", "5.0.0", "@write @sortedset @fast",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, 0, 1, 0}), .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", .args = args_zpopmax},
    {"zmpop", cmd_zmpop, -4, W, 0, 0, 0, "sorted-set", "Remove and return members with scores in a sorted set", "7.0.0", "@write @sortedset @slow",
        .getkeys = zmpop_getkeys, .key_specs = KEY_SPECS({.flags = RW|ACC|DELK, .index = 1, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", .args = args_zmpop},
    {"bzpopmin", cmd_bzpopmin, -3, W|N|BLK|F, 1, -2, 1, "sorted-set", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", "5.0.0", "@write @sortedset @fast @blocking",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, -2, 1, 0}), .complexity = "O(log(N)) with N being the number of elements in the sorted set.", .history = hist_blocking_timeout, .args = args_blpop},
    {"bzpopmax", cmd_bzpopmax, -3, W|N|BLK|F, 1, -2, 1, "sorted-set", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", "5.0.0", "@write @sortedset @fast @blocking",
        .key_specs = KEY_SPECS({RW|ACC|DELK, 1, -2, 1, 0}), .complexity = "O(log(N)) with N being the number of elements in the sorted set.", .history = hist_blocking_timeout, .args = args_blpop},
    {"bzmpop", cmd_bzmpop, -5, W|BLK, 0, 0, 0, "sorted-set", "Remove and return members with scores in a sorted set or block until one is available", "7.0.0", "@write @sortedset @slow @blocking",
        .getkeys = bzmpop_getkeys, .key_specs = KEY_SPECS({.flags = RW|ACC|DELK, .index = 2, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", .args = args_bzmpop},
    {"zremrangebyrank", cmd_zremrangebyrank, 4, W, 1, 1, 1, "sorted-set", "Remove all members in a sorted set within the given indexes", "2.0.0", "@write @sortedset @slow",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", .args = args_zremrangebyrank},
    {"zremrangebyscore", cmd_zremrangebyscore, 4, W, 1, 1, 1, "sorted-set", "Remove all members in a sorted set within the given scores", "1.2.0", "@write @sortedset @slow",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", .args = args_zremrangebyscore},
    {"zremrangebylex", cmd_zremrangebylex, 4, W, 1, 1, 1, "sorted-set", "Remove all members in a sorted set between the given lexicographical range", "2.8.9", "@write @sortedset @slow",
        .key_specs = KEY_SPECS({RW|DELK, 1, 0, 1, 0}), .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", .args = args_zremrangebylex},
    {"zunionstore", cmd_zunionstore, -4, W|M, 1, 1, 1, "sorted-set", "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "@write @sortedset @slow",
        .getkeys = zsetop_store_getkeys, .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}, {.flags = RO|ACC, .index = 2, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", .args = args_zunionstore},
    {"zinterstore", cmd_zinterstore, -4, W|M, 1, 1, 1, "sorted-set", "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "@write @sortedset @slow",
        .getkeys = zsetop_store_getkeys, .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}, {.flags = RO|ACC, .index = 2, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", .args = args_zinterstore},
    {"zdiffstore", cmd_zdiffstore, -4, W|M, 1, 1, 1, "sorted-set", "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0", "@write @sortedset @slow",
        .getkeys = zsetop_store_getkeys, .key_specs = KEY_SPECS({OW|UPD, 1, 0, 1, 0}, {.flags = RO|ACC, .index = 2, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", .args = args_zdiffstore},
    {"zunion", cmd_zunion, -3, R, 0, 0, 0, "sorted-set", "Add multiple sorted sets", "6.2.0", "@read @sortedset @slow",
        .getkeys = zsetop_getkeys, .key_specs = KEY_SPECS({.flags = RO|ACC, .index = 1, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", .args = args_zunion},
    {"zinter", cmd_zinter, -3, R, 0, 0, 0, "sorted-set", "Intersect multiple sorted sets", "6.2.0", "@read @sortedset @slow",
        .getkeys = zsetop_getkeys, .key_specs = KEY_SPECS({.flags = RO|ACC, .index = 1, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", .args = args_zinter},
    {"zdiff", cmd_zdiff, -3, R, 0, 0, 0, "sorted-set", "Subtract multiple sorted sets", "6.2.0", "@read @sortedset @slow",
        .getkeys = zsetop_getkeys, .key_specs = KEY_SPECS({.flags = RO|ACC, .index = 1, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", .args = args_zdiff},
    {"zintercard", cmd_zintercard, -3, R, 0, 0, 0, "sorted-set", "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0", "@read @sortedset @slow",
        .getkeys = zsetop_getkeys, .key_specs = KEY_SPECS({.flags = RO|ACC, .index = 1, .keynum = true, .keynumidx = 0, .firstkey = 1, .keystep = 1}), .complexity = "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", .args = args_zintercard},
    {"zrandmember", cmd_zrandmember, -2, R, 1, 1, 1, "sorted-set", "Get one or multiple random elements from a sorted set", "6.2.0", "@read @sortedset @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(N) where N is the number of elements returned", .args = args_zrandmember},
    {"zscan", cmd_zscan, -3, R, 1, 1, 1, "sorted-set", "Incrementally iterate sorted sets elements and associated scores", "2.8.0", "@read @sortedset @slow",
        .tips = "nondeterministic_output", .key_specs = KEY_SPECS({RO|ACC, 1, 0, 1, 0}), .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", .args = args_zscan},
};

/* clang-format on */

#define TABLE_LEN (sizeof table / sizeof table[0])

/* Open-addressing index over the top-level names: lookups hash the
 * lower-cased name once and probe a few slots, no strcasecmp walk. */
#define INDEX_SIZE 512 /* power of two, > 2x the table */
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

static const mr_cmd_t *by_id[MR_CMD_MAX_IDS];
static unsigned nids;

static void assign_id(mr_cmd_t *c) {
    if (nids >= MR_CMD_MAX_IDS) abort(); /* raise MR_CMD_MAX_IDS */
    c->id = nids;
    by_id[nids++] = c;
}

static void link_subcommands(mr_cmd_t *parent) {
    for (mr_cmd_t *s = (mr_cmd_t *)parent->subcmds; s->name; s++) {
        s->parent = parent;
        snprintf(s->fullname, sizeof s->fullname, "%s|%s", parent->name,
                 s->name);
        assign_id(s);
    }
}

void mr_cmd_table_init(void) {
    _Static_assert(INDEX_SIZE >= 2 * TABLE_LEN, "command index too small");
    memset(index_slots, 0, sizeof index_slots);
    nids = 0;
    for (size_t i = 0; i < TABLE_LEN; i++) {
        mr_cmd_t *c = &table[i];
        snprintf(c->fullname, sizeof c->fullname, "%s", c->name);
        assign_id(c);
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

unsigned mr_cmd_count_ids(void) { return nids; }

const mr_cmd_t *mr_cmd_by_id(unsigned id) {
    return id < nids ? by_id[id] : NULL;
}
