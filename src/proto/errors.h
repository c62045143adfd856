/* Every fixed Redis error text, verbatim, once. Messages with variable parts
 * are built with mr_reply_errf at their one call site. */
#ifndef MR_ERRORS_H
#define MR_ERRORS_H

#define MR_ERR_WRONGTYPE \
    "WRONGTYPE Operation against a key holding the wrong kind of value"
#define MR_ERR_SYNTAX "ERR syntax error"
#define MR_ERR_NOT_INT "ERR value is not an integer or out of range"
#define MR_ERR_NOT_FLOAT "ERR value is not a valid float"
#define MR_ERR_OVERFLOW "ERR increment or decrement would overflow"
#define MR_ERR_INCR_NAN "ERR increment would produce NaN or Infinity"
#define MR_ERR_NO_KEY "ERR no such key"
#define MR_ERR_DB_INDEX "ERR DB index is out of range"
#define MR_ERR_INVALID_EXPIRE "ERR invalid expire time in '%s' command"
#define MR_ERR_STRING_TOO_LONG "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
#define MR_ERR_OFFSET_RANGE "ERR offset is out of range"
#define MR_ERR_SAME_OBJECT "ERR source and destination objects are the same"
#define MR_ERR_MAX_CLIENTS "ERR max number of clients reached"
#define MR_ERR_INVALID_CURSOR "ERR invalid cursor"
#define MR_ERR_EXPIRE_NX_COMBO \
    "ERR NX and XX, GT or LT options at the same time are not compatible"
#define MR_ERR_EXPIRE_GT_LT \
    "ERR GT and LT options at the same time are not compatible"
#define MR_ERR_NOPROTO "NOPROTO unsupported protocol version"
#define MR_ERR_TIMEOUT_NOT_FLOAT "ERR timeout is not a float or out of range"
#define MR_ERR_TIMEOUT_NEGATIVE "ERR timeout is negative"

#define MR_ERR_PROTO_INLINE_TOO_BIG "ERR Protocol error: too big inline request"
#define MR_ERR_PROTO_QUOTES "ERR Protocol error: unbalanced quotes in request"
#define MR_ERR_PROTO_MBULK_LEN "ERR Protocol error: invalid multibulk length"
#define MR_ERR_PROTO_MBULK_BIG "ERR Protocol error: too big mbulk count string"
#define MR_ERR_PROTO_BULK_LEN "ERR Protocol error: invalid bulk length"
#define MR_ERR_PROTO_BULK_BIG "ERR Protocol error: too big bulk count string"
/* "ERR Protocol error: expected '$', got '%c'" is built at its call site */

#define MR_ERR_NO_LFU                                                          \
    "ERR An LFU maxmemory policy is not selected, access frequency not "      \
    "tracked. Please note that when switching between policies at runtime "   \
    "LRU and LFU data will take some time to adjust."
#define MR_ERR_LFU_NO_IDLE                                                     \
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please " \
    "note that when switching between policies at runtime LRU and LFU data "  \
    "will take some time to adjust."
#define MR_ERR_OOM "OOM command not allowed when used memory > 'maxmemory'."

#endif
