/* io_uring user_data encoding, and nowhere else: the operation in the low 8
 * bits, a slot index in the next 32, the slot's generation in the top 24.
 * A completion whose generation no longer matches its slot belongs to a
 * connection that is gone; it is dropped (after its buffer is returned). */
#ifndef MR_URING_UD_H
#define MR_URING_UD_H

#include <stdint.h>

typedef enum {
    UD_ACCEPT = 1, /* slot = listener index */
    UD_RECV,       /* slot = connection slot */
    UD_SEND,
    UD_CANCEL,     /* completions of cancel requests: ignored */
    UD_TIMER,
    UD_WAKE,       /* the worker's eventfd became readable */
    UD_MAIL,       /* another worker's MSG_RING: the inbox has tasks */
    UD_BLOCK_TIMER, /* slot = arming sequence number */
    UD_MAIL_SENT,  /* our MSG_RING failed (slot = target worker); success
                    * posts no completion (IOSQE_CQE_SKIP_SUCCESS) */
    UD_DURABLE,    /* the AOF made more records durable (aof_wait.c) */
} ud_op_t;

#define UD_GEN_MASK 0xffffffu

static inline uint64_t ud_pack(ud_op_t op, uint32_t slot, uint32_t gen) {
    return (uint64_t)op | ((uint64_t)slot << 8) |
           ((uint64_t)(gen & UD_GEN_MASK) << 40);
}
static inline ud_op_t ud_op(uint64_t ud) { return (ud_op_t)(ud & 0xff); }
static inline uint32_t ud_slot(uint64_t ud) { return (uint32_t)(ud >> 8); }
static inline uint32_t ud_gen(uint64_t ud) {
    return (uint32_t)(ud >> 40) & UD_GEN_MASK;
}

#endif
