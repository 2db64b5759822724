#ifndef FOLIO_CPREFETCH_H
#define FOLIO_CPREFETCH_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Asks the CPU to start loading the cache line at p (for reading), without waiting for it.
/// Swift has no prefetch; hash table probes issue these a batch ahead so that their cache
/// misses overlap instead of stalling one after another.
static inline void folio_prefetch(const void *p) { __builtin_prefetch(p, 0, 0); }

/// Bit i is set when p[i] (i < 64) may end an unquoted CSV field: the delimiter, a line feed
/// or a carriage return. Swift has no byte-mask instruction (movemask); with SSE2 this is
/// four 16-byte compares.
static inline uint64_t folio_field_ends64(const uint8_t *p, uint8_t delimiter) {
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    uint64_t mask = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, cr));
        mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(hit) << (16 * k);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int i = 0; i < 64; i++) {
        uint8_t c = p[i];
        if (c == delimiter || c == '\n' || c == '\r') mask |= (uint64_t)1 << i;
    }
    return mask;
#endif
}

#endif
