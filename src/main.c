/* miniredis: flags and config file -> mr_server_run(). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "mr/block.h"
#include "mr/pubsub.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/multi.h"
#include "mr/server.h"
#include "mr/store.h"
#include "mr/util.h"

/* 1024 shards: far more than workers, so two workers rarely meet on one
 * lock, and small enough that walking all of them (DBSIZE, SCAN) is cheap. */
#define SHARD_BITS 10

static void seed_hash(void) {
    uint8_t seed[16];
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
        fprintf(stderr, "getrandom failed: %s\n", strerror(errno));
        exit(1);
    }
    mr_hash_init(seed);
}

/* What an operator checks first in a log: which build, and which options
 * this start changed from the defaults (one line, each option a field). */
typedef struct changed {
    const char **kv;
    int n, cap;
    mr_buf_t text;
} changed_t;

static void collect_changed(void *ctx, const char *name, const char *value) {
    changed_t *ch = ctx;
    if (ch->n == ch->cap) {
        ch->cap = ch->cap ? ch->cap * 2 : 16;
        ch->kv = mr_xrealloc(ch->kv, sizeof *ch->kv * 2 * (size_t)ch->cap);
    }
    ch->kv[2 * ch->n] = mr_xstrdup(name);
    ch->kv[2 * ch->n + 1] = mr_xstrdup(value);
    ch->n++;
    mr_buf_printf(&ch->text, "%s%s=%s", ch->text.len ? " " : "", name, value);
}

static void log_start(void) {
    const char *kv[] = {"version", MR_PROJECT_VERSION, "redis_version",
                        MR_VERSION};
    mr_log_fields(MR_LOG_NOTICE, kv, 2,
                  "%s version=%s (Redis %s compatible), pid=%d, just started",
                  MR_NAME, MR_PROJECT_VERSION, MR_VERSION, (int)getpid());
    changed_t ch = {0};
    mr_config_each_changed(collect_changed, &ch);
    if (ch.n)
        mr_log_fields(MR_LOG_NOTICE, ch.kv, ch.n,
                      "Options that differ from the defaults: %.*s",
                      (int)ch.text.len, ch.text.data);
    else
        mr_log(MR_LOG_NOTICE, "Every option has its default value");
    for (int i = 0; i < 2 * ch.n; i++) mr_free((void *)ch.kv[i]);
    mr_free(ch.kv);
    mr_buf_free(&ch.text);
}

int main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        mr_config_defaults();
        mr_config_print_help();
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
        printf("%s v=%s (Redis %s compatible)\n", MR_NAME, MR_PROJECT_VERSION,
               MR_VERSION);
        return 0;
    }
    mr_config_defaults();
    char err[2048];
    if (!mr_config_load_args(argc, argv, err, sizeof err)) {
        fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Redis %s) ***\n%s\n",
                MR_VERSION, err);
        return 1;
    }
    if (argc > 1 && strncmp(argv[1], "--", 2) != 0 &&
        !realpath(argv[1], mr_server.config_file))
        mr_server.config_file[0] = '\0';

    mr_log_set_thread("main");
    mr_log_open(mr_config.logfile);
    mr_log_set_level((int)MR_CFG(loglevel));
    mr_log_set_format(MR_CFG(log_format) == MR_LOG_FORMAT_JSON);
    if (chdir(mr_config.dir) != 0) {
        mr_log(MR_LOG_WARNING, "Can't chdir to '%s': %s", mr_config.dir,
               strerror(errno));
        return 1;
    }
    seed_hash();
    mr_store_init(SHARD_BITS, mr_config.databases);
    mr_block_init(mr_store_nshards());
    mr_multi_init(mr_store_nshards());
    mr_pubsub_init();
    mr_cmd_table_init();
    log_start();
    int rc = mr_server_run();
    mr_multi_free();
    mr_block_free();
    mr_pubsub_free();
    mr_store_free();
    return rc;
}
