/* SipHash-1-3 (one compression round per 8-byte word, three finalization
 * rounds), written from Aumasson and Bernstein's description: a 256-bit
 * state initialised from a 128-bit key, message consumed as little-endian
 * 64-bit words, the last word carrying the length in its top byte.
 *
 * The key is process-wide and set once at start-up from OS randomness, so a
 * client cannot predict which keys collide in a shard's table.
 *
 * Also the per-thread random stream for random picks (mr_rand64). */
#include <stdint.h>
#include <string.h>

#include "mr/util.h"

static uint64_t k0, k1;

static inline uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
           (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

#define SIPROUND                                                             \
    do {                                                                     \
        v0 += v1;                                                            \
        v1 = rotl(v1, 13);                                                   \
        v1 ^= v0;                                                            \
        v0 = rotl(v0, 32);                                                   \
        v2 += v3;                                                            \
        v3 = rotl(v3, 16);                                                   \
        v3 ^= v2;                                                            \
        v0 += v3;                                                            \
        v3 = rotl(v3, 21);                                                   \
        v3 ^= v0;                                                            \
        v2 += v1;                                                            \
        v1 = rotl(v1, 17);                                                   \
        v1 ^= v2;                                                            \
        v2 = rotl(v2, 32);                                                   \
    } while (0)

void mr_hash_init(const uint8_t seed[16])
{
    k0 = load_le64(seed);
    k1 = load_le64(seed + 8);
}

uint64_t mr_hash(const void *p, size_t n)
{
    const uint8_t *in = p;
    /* The initialisation constants spell "somepseudorandomlygeneratedbytes". */
    uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
    uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
    uint64_t v3 = k1 ^ 0x7465646279746573ULL;
    size_t whole = n & ~(size_t)7;
    uint64_t m;

    for (size_t i = 0; i < whole; i += 8) {
        m = load_le64(in + i);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }

    /* Final word: the 0-7 leftover bytes, length mod 256 in the top byte. */
    m = (uint64_t)(n & 0xff) << 56;
    switch (n & 7) {
    case 7: m |= (uint64_t)in[whole + 6] << 48; /* fall through */
    case 6: m |= (uint64_t)in[whole + 5] << 40; /* fall through */
    case 5: m |= (uint64_t)in[whole + 4] << 32; /* fall through */
    case 4: m |= (uint64_t)in[whole + 3] << 24; /* fall through */
    case 3: m |= (uint64_t)in[whole + 2] << 16; /* fall through */
    case 2: m |= (uint64_t)in[whole + 1] << 8;  /* fall through */
    case 1: m |= (uint64_t)in[whole];           /* fall through */
    default: break;
    }
    v3 ^= m;
    SIPROUND;
    v0 ^= m;

    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* splitmix64 (Steele, Lea, Flood): one add and a mix per draw, full period
 * from any seed. */
static _Thread_local uint64_t rand_state;

uint64_t mr_rand64(void)
{
    if (!rand_state)
        rand_state = mr_monotonic_us() ^ (uint64_t)(uintptr_t)&rand_state;
    uint64_t z = (rand_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
