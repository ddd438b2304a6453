/* Open-addressing hash table (linear probing): n inserts, then n lookups of
 * which half hit. Random probes into a table of up to 24 MiB make this a
 * memory-latency kernel with data-dependent branches.
 *
 * Emptying the table would be a constant fill, which clang turns into a
 * memset call (see kernel.h). Instead each slot records the run that wrote
 * it: a slot is occupied only if its stamp equals the current run's, so a
 * new run starts from an empty table without touching memory. */
#include "kernel.h"

#define HASHTABLE_MAX_BITS 21u
#define HASHTABLE_MAX_N (1u << (HASHTABLE_MAX_BITS - 1)) /* load <= 1/2 */

static uint32_t slot_key[1u << HASHTABLE_MAX_BITS];
static uint32_t slot_value[1u << HASHTABLE_MAX_BITS];
static uint32_t slot_stamp[1u << HASHTABLE_MAX_BITS];
static uint32_t current_stamp; /* 0 marks a slot never written */

/* Fibonacci hashing: the top `bits` bits of key * 2^32/phi. */
static inline uint32_t slot_of(uint32_t key, uint32_t bits) {
  return (key * 2654435769u) >> (32 - bits);
}

static void insert(uint32_t key, uint32_t value, uint32_t bits) {
  uint32_t mask = (1u << bits) - 1;
  uint32_t slot = slot_of(key, bits);
  while (slot_stamp[slot] == current_stamp && slot_key[slot] != key)
    slot = (slot + 1) & mask;
  slot_stamp[slot] = current_stamp;
  slot_key[slot] = key;
  slot_value[slot] = value;
}

/* Returns 1 and stores the value if `key` is present. */
static int lookup(uint32_t key, uint32_t bits, uint32_t *value) {
  uint32_t mask = (1u << bits) - 1;
  for (uint32_t slot = slot_of(key, bits); slot_stamp[slot] == current_stamp;
       slot = (slot + 1) & mask) {
    if (slot_key[slot] == key) {
      *value = slot_value[slot];
      return 1;
    }
  }
  return 0;
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, HASHTABLE_MAX_N);
  uint32_t bits = 1;
  while ((1u << bits) < 2 * n) bits++; /* smallest table with load <= 1/2 */
  if (++current_stamp == 0) current_stamp = 1; /* after 2^32 runs, reuse */

  uint32_t seed = 0x1B873593u;
  for (uint32_t i = 0; i < n; i++) insert(xorshift32(&seed), i, bits);

  /* Replay the same key stream for the odd lookups (hits) and draw fresh
   * keys for the even ones (almost surely misses). */
  uint32_t replay = 0x1B873593u, fresh = 0xCC9E2D51u;
  uint32_t hash = CHECKSUM_INIT, hits = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t key = (i & 1) ? xorshift32(&replay) : xorshift32(&fresh);
    uint32_t value;
    if (lookup(key, bits, &value)) {
      hash = checksum_add(hash, value);
      hits++;
    }
  }
  return checksum_add(hash, hits);
}

uint32_t max_n(void) { return HASHTABLE_MAX_N; }
