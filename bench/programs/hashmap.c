/* hashmap: an open-addressing hash map (linear probing, backward-shift
 * deletion) from 32-bit keys to 32-bit values in 2^21 slots (16 MB); n
 * rounds of inserting, looking up (half misses) and deleting 1.2M keys.
 * Memory-bound: random accesses, data-dependent branches. */
#include "bench.h"

#define SLOTS (1u << 21)
#define KEYS 1200000u

typedef struct { uint32_t key, value; } slot; /* key 0 = empty */

static slot *table;

static inline uint32_t hash(uint32_t k) {
  k ^= k >> 16;
  k *= 0x7feb352du;
  k ^= k >> 15;
  k *= 0x846ca68bu;
  k ^= k >> 16;
  return k & (SLOTS - 1);
}

static int insert(uint32_t key, uint32_t value) {
  uint32_t i = hash(key);
  while (table[i].key != 0) {
    if (table[i].key == key) {
      table[i].value = value;
      return 0;
    }
    i = (i + 1) & (SLOTS - 1);
  }
  table[i].key = key;
  table[i].value = value;
  return 1;
}

static const slot *find(uint32_t key) {
  uint32_t i = hash(key);
  while (table[i].key != 0) {
    if (table[i].key == key) return &table[i];
    i = (i + 1) & (SLOTS - 1);
  }
  return NULL;
}

static int erase(uint32_t key) {
  uint32_t i = hash(key), j;
  while (table[i].key != key) {
    if (table[i].key == 0) return 0;
    i = (i + 1) & (SLOTS - 1);
  }
  j = i;
  for (;;) {
    j = (j + 1) & (SLOTS - 1);
    if (table[j].key == 0) break;
    uint32_t h = hash(table[j].key);
    /* may the entry at j move to the hole at i? (h not cyclically in (i, j]) */
    if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
      table[i] = table[j];
      i = j;
    }
  }
  table[i].key = 0;
  table[i].value = 0;
  return 1;
}

BENCH_ENTRY(n) {
  uint32_t sum = 0;
  table = calloc(SLOTS, sizeof *table);
  if (!table) return 0;
  for (uint32_t r = 0; r < n; r++) {
    uint32_t seed = 0x1234567u + r, added = 0, found = 0, removed = 0, vsum = 0;
    for (uint32_t i = 0; i < KEYS; i++) {
      uint32_t k = (bench_rand(&seed) & 0x3FFFFFu) | 1; /* 2M distinct keys: duplicates */
      added += insert(k, i);
    }
    seed = 0x1234567u + r;
    for (uint32_t i = 0; i < KEYS; i++) {
      uint32_t k = (bench_rand(&seed) & 0x3FFFFFu) | ((i & 1) ? 1 : 0x400000u);
      const slot *s = find(k);
      if (s) {
        found++;
        vsum += s->value;
      }
    }
    seed = 0x1234567u + r;
    for (uint32_t i = 0; i < KEYS; i++) removed += erase((bench_rand(&seed) & 0x3FFFFFu) | 1);
    if (removed != added) return 1;
    sum = bench_mix(bench_mix(bench_mix(sum, added), found), vsum);
  }
  for (uint32_t i = 0; i < SLOTS; i++)
    if (table[i].key) return 2; /* everything was erased */
  free(table);
  return sum;
}

BENCH_MAIN("hashmap", 6, 0xc0c1f2e1u, 1, 0x3444600fu)
