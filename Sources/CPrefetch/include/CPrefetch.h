#ifndef FOLIO_CPREFETCH_H
#define FOLIO_CPREFETCH_H

/// Asks the CPU to start loading the cache line at p (for reading), without waiting for it.
/// Swift has no prefetch; hash table probes issue these a batch ahead so that their cache
/// misses overlap instead of stalling one after another.
static inline void folio_prefetch(const void *p) { __builtin_prefetch(p, 0, 0); }

#endif
