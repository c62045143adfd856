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

    mr_log_open(mr_config.logfile);
    mr_log_set_level((int)MR_CFG(loglevel));
    if (chdir(mr_config.dir) != 0) {
        mr_log(MR_LOG_WARNING, "Can't chdir to '%s': %s", mr_config.dir,
               strerror(errno));
        return 1;
    }
    seed_hash();
    mr_store_init(SHARD_BITS, mr_config.databases);
    mr_block_init(mr_store_nshards());
    mr_pubsub_init();
    mr_cmd_table_init();
    mr_log(MR_LOG_NOTICE, "%s starting (Redis %s compatible), pid=%d",
           MR_NAME, MR_VERSION, (int)getpid());
    int rc = mr_server_run();
    mr_block_free();
    mr_pubsub_free();
    mr_store_free();
    return rc;
}
