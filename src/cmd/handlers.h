/* Every command handler the table refers to, by family file. */
#ifndef MR_HANDLERS_H
#define MR_HANDLERS_H

#include "mr/cmd.h"
#include "mr/notify.h"

/* A keyspace notification (mr/notify.h) for argv[i] in the call's db. */
static inline void notify_arg(const mr_call_t *c, int type, const char *event,
                              int i) {
    mr_notify(type, event, c->argv[i].ptr, c->argv[i].len, c->db);
}

/* src/types/t_string.c */
void cmd_get(mr_call_t *c);
void cmd_set(mr_call_t *c);
void cmd_setnx(mr_call_t *c);
void cmd_setex(mr_call_t *c);
void cmd_psetex(mr_call_t *c);
void cmd_getset(mr_call_t *c);
void cmd_getdel(mr_call_t *c);
void cmd_getex(mr_call_t *c);
void cmd_mget(mr_call_t *c);
void cmd_mset(mr_call_t *c);
void cmd_msetnx(mr_call_t *c);
void cmd_append(mr_call_t *c);
void cmd_strlen(mr_call_t *c);
void cmd_incr(mr_call_t *c);
void cmd_decr(mr_call_t *c);
void cmd_incrby(mr_call_t *c);
void cmd_decrby(mr_call_t *c);
void cmd_incrbyfloat(mr_call_t *c);
void cmd_getrange(mr_call_t *c); /* also SUBSTR */
void cmd_setrange(mr_call_t *c);

/* src/types/t_keys.c */
void cmd_del(mr_call_t *c); /* also DELETE, UNLINK */
void cmd_exists(mr_call_t *c);
void cmd_type(mr_call_t *c);
void cmd_rename(mr_call_t *c);
void cmd_renamenx(mr_call_t *c);
void cmd_keys(mr_call_t *c);
void cmd_scan(mr_call_t *c);
void cmd_randomkey(mr_call_t *c);
void cmd_dbsize(mr_call_t *c);
void cmd_flushdb(mr_call_t *c);
void cmd_flushall(mr_call_t *c);
void cmd_expire(mr_call_t *c);
void cmd_pexpire(mr_call_t *c);
void cmd_expireat(mr_call_t *c);
void cmd_pexpireat(mr_call_t *c);
void cmd_ttl(mr_call_t *c);
void cmd_pttl(mr_call_t *c);
void cmd_expiretime(mr_call_t *c);
void cmd_pexpiretime(mr_call_t *c);
void cmd_persist(mr_call_t *c);
void cmd_touch(mr_call_t *c);
void cmd_object_encoding(mr_call_t *c);
void cmd_object_freq(mr_call_t *c);
void cmd_object_idletime(mr_call_t *c);
void cmd_object_refcount(mr_call_t *c);
void cmd_object_help(mr_call_t *c);
void cmd_copy(mr_call_t *c);
void cmd_move(mr_call_t *c);

/* src/types/t_conn.c */
void cmd_ping(mr_call_t *c);
void cmd_echo(mr_call_t *c);
void cmd_quit(mr_call_t *c);
void cmd_select(mr_call_t *c);
void cmd_hello(mr_call_t *c);
void cmd_reset(mr_call_t *c);
void cmd_client_id(mr_call_t *c);
void cmd_client_setname(mr_call_t *c);
void cmd_client_getname(mr_call_t *c);
void cmd_client_info(mr_call_t *c);
void cmd_client_list(mr_call_t *c);
void cmd_client_kill(mr_call_t *c);
void cmd_client_help(mr_call_t *c);
/* operating it */
void cmd_client_pause(mr_call_t *c);
void cmd_client_unpause(mr_call_t *c);
void cmd_client_no_evict(mr_call_t *c);
void cmd_monitor(mr_call_t *c);

/* src/types/t_server.c */
void cmd_command(mr_call_t *c); /* bare COMMAND */
void cmd_command_count(mr_call_t *c);
void cmd_command_info(mr_call_t *c);
void cmd_command_docs(mr_call_t *c);
void cmd_command_list(mr_call_t *c);
void cmd_command_help(mr_call_t *c);
void cmd_config_get(mr_call_t *c);
void cmd_config_set(mr_call_t *c);
void cmd_config_resetstat(mr_call_t *c);
void cmd_config_rewrite(mr_call_t *c); /* operating it */
void cmd_config_help(mr_call_t *c);
void cmd_info(mr_call_t *c);
void cmd_time(mr_call_t *c);
void cmd_bgrewriteaof(mr_call_t *c);
void cmd_shutdown(mr_call_t *c);

/* src/types/t_list.c */
void cmd_lpush(mr_call_t *c);
void cmd_rpush(mr_call_t *c);
void cmd_lpushx(mr_call_t *c);
void cmd_rpushx(mr_call_t *c);
void cmd_lpop(mr_call_t *c);
void cmd_rpop(mr_call_t *c);
void cmd_lrange(mr_call_t *c);
void cmd_llen(mr_call_t *c);
void cmd_lindex(mr_call_t *c);
void cmd_lset(mr_call_t *c);
void cmd_linsert(mr_call_t *c);
void cmd_lrem(mr_call_t *c);
void cmd_ltrim(mr_call_t *c);
void cmd_lpos(mr_call_t *c);
void cmd_lmove(mr_call_t *c);
void cmd_rpoplpush(mr_call_t *c);
void cmd_lmpop(mr_call_t *c);
/* LMPOP's keys (after numkeys) for dispatch's locking: mr_cmd_t.getkeys */
int lmpop_getkeys(const mr_call_t *c, int *key_argv_idx, int max);
void cmd_blpop(mr_call_t *c);
void cmd_brpop(mr_call_t *c);
void cmd_blmove(mr_call_t *c);
void cmd_brpoplpush(mr_call_t *c);
void cmd_blmpop(mr_call_t *c);
int blmpop_getkeys(const mr_call_t *c, int *key_argv_idx, int max); /* BLMPOP */

/* src/types/t_hash.c */
void cmd_hset(mr_call_t *c);
void cmd_hsetnx(mr_call_t *c);
void cmd_hget(mr_call_t *c);
void cmd_hmget(mr_call_t *c);
void cmd_hmset(mr_call_t *c);
void cmd_hdel(mr_call_t *c);
void cmd_hexists(mr_call_t *c);
void cmd_hlen(mr_call_t *c);
void cmd_hstrlen(mr_call_t *c);
void cmd_hkeys(mr_call_t *c);
void cmd_hvals(mr_call_t *c);
void cmd_hgetall(mr_call_t *c);
void cmd_hincrby(mr_call_t *c);
void cmd_hincrbyfloat(mr_call_t *c);
void cmd_hrandfield(mr_call_t *c);
void cmd_hscan(mr_call_t *c);

/* src/types/t_set.c */
void cmd_sadd(mr_call_t *c);
void cmd_srem(mr_call_t *c);
void cmd_smembers(mr_call_t *c);
void cmd_sismember(mr_call_t *c);
void cmd_smismember(mr_call_t *c);
void cmd_scard(mr_call_t *c);
void cmd_spop(mr_call_t *c);
void cmd_srandmember(mr_call_t *c);
void cmd_smove(mr_call_t *c);
void cmd_sinter(mr_call_t *c);
void cmd_sintercard(mr_call_t *c);
void cmd_sunion(mr_call_t *c);
void cmd_sdiff(mr_call_t *c);
void cmd_sinterstore(mr_call_t *c);
void cmd_sunionstore(mr_call_t *c);
void cmd_sdiffstore(mr_call_t *c);
void cmd_sscan(mr_call_t *c);
/* SINTERCARD's keys (after numkeys) for dispatch's locking: mr_cmd_t.getkeys */
int sintercard_getkeys(const mr_call_t *c, int *key_argv_idx, int max);

/* src/types/t_zset.c */
void cmd_zadd(mr_call_t *c);
void cmd_zincrby(mr_call_t *c);
void cmd_zrem(mr_call_t *c);
void cmd_zscore(mr_call_t *c);
void cmd_zmscore(mr_call_t *c);
void cmd_zcard(mr_call_t *c);
void cmd_zcount(mr_call_t *c);
void cmd_zlexcount(mr_call_t *c);
void cmd_zrank(mr_call_t *c);
void cmd_zrevrank(mr_call_t *c);
void cmd_zrange(mr_call_t *c);
void cmd_zrangestore(mr_call_t *c);
void cmd_zrevrange(mr_call_t *c);
void cmd_zrangebyscore(mr_call_t *c);
void cmd_zrevrangebyscore(mr_call_t *c);
void cmd_zrangebylex(mr_call_t *c);
void cmd_zrevrangebylex(mr_call_t *c);
void cmd_zpopmin(mr_call_t *c);
void cmd_zpopmax(mr_call_t *c);
void cmd_zmpop(mr_call_t *c);
void cmd_zremrangebyrank(mr_call_t *c);
void cmd_zremrangebyscore(mr_call_t *c);
void cmd_zremrangebylex(mr_call_t *c);
void cmd_zunionstore(mr_call_t *c);
void cmd_zinterstore(mr_call_t *c);
void cmd_zdiffstore(mr_call_t *c);
void cmd_zunion(mr_call_t *c);
void cmd_zinter(mr_call_t *c);
void cmd_zdiff(mr_call_t *c);
void cmd_zintercard(mr_call_t *c);
void cmd_zrandmember(mr_call_t *c);
void cmd_zscan(mr_call_t *c);
/* keys after numkeys for dispatch's locking (mr_cmd_t.getkeys): ZMPOP;
 * Z{UNION,INTER,DIFF}STORE (destination + inputs); ZUNION, ZINTER, ZDIFF,
 * ZINTERCARD */
int zmpop_getkeys(const mr_call_t *c, int *key_argv_idx, int max);
void cmd_bzpopmin(mr_call_t *c);
void cmd_bzpopmax(mr_call_t *c);
void cmd_bzmpop(mr_call_t *c);
int bzmpop_getkeys(const mr_call_t *c, int *key_argv_idx, int max); /* BZMPOP */
int zsetop_store_getkeys(const mr_call_t *c, int *key_argv_idx, int max);
int zsetop_getkeys(const mr_call_t *c, int *key_argv_idx, int max);

/* ---- operating it: src/types/t_ops.c ---- */
void cmd_slowlog_get(mr_call_t *c);
void cmd_slowlog_len(mr_call_t *c);
void cmd_slowlog_reset(mr_call_t *c);
void cmd_slowlog_help(mr_call_t *c);
void cmd_latency_latest(mr_call_t *c);
void cmd_latency_history(mr_call_t *c);
void cmd_latency_reset(mr_call_t *c);
void cmd_latency_help(mr_call_t *c);
void cmd_memory_usage(mr_call_t *c);
void cmd_memory_stats(mr_call_t *c);
void cmd_memory_doctor(mr_call_t *c);
void cmd_memory_malloc_stats(mr_call_t *c);
void cmd_memory_purge(mr_call_t *c);
void cmd_memory_help(mr_call_t *c);
/* ---- end operating it ---- */

/* src/cmd/multi.c */
void cmd_multi(mr_call_t *c);
void cmd_exec(mr_call_t *c);
void cmd_discard(mr_call_t *c);
void cmd_watch(mr_call_t *c);
void cmd_unwatch(mr_call_t *c);
/* src/pubsub/t_pubsub.c */
void cmd_subscribe(mr_call_t *c);
void cmd_unsubscribe(mr_call_t *c);
void cmd_psubscribe(mr_call_t *c);
void cmd_punsubscribe(mr_call_t *c);
void cmd_ssubscribe(mr_call_t *c);
void cmd_sunsubscribe(mr_call_t *c);
void cmd_publish(mr_call_t *c);
void cmd_spublish(mr_call_t *c);
void cmd_pubsub_channels(mr_call_t *c);
void cmd_pubsub_numpat(mr_call_t *c);
void cmd_pubsub_numsub(mr_call_t *c);
void cmd_pubsub_shardchannels(mr_call_t *c);
void cmd_pubsub_shardnumsub(mr_call_t *c);
void cmd_pubsub_help(mr_call_t *c);

#endif
