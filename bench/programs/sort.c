/* sort: n rounds of sorting 2^20 pseudo-random 32-bit keys: a quicksort
 * (median of three, insertion sort below 16) of the keys and a bottom-up
 * merge sort of (key, index) records; both verified.  Memory-bound and
 * branchy: compares, swaps, streaming copies. */
#include "bench.h"

#define COUNT (1u << 18)

typedef struct { uint32_t key, index; } record;

static void insertion(uint32_t *a, int32_t lo, int32_t hi) {
  for (int32_t i = lo + 1; i <= hi; i++) {
    uint32_t v = a[i];
    int32_t j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(uint32_t *a, int32_t lo, int32_t hi) {
  while (hi - lo > 16) {
    int32_t mid = lo + (hi - lo) / 2;
    uint32_t x = a[lo], y = a[mid], z = a[hi], t;
    uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int32_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        t = a[i]; a[i] = a[j]; a[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
  insertion(a, lo, hi);
}

static void mergesort(record *a, record *tmp, uint32_t n) {
  record *src = a, *dst = tmp;
  for (uint32_t width = 1; width < n; width *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * width) {
      uint32_t mid = lo + width < n ? lo + width : n;
      uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[j].key < src[i].key ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    record *s = src;
    src = dst;
    dst = s;
  }
  if (src != a) memcpy(a, src, n * sizeof *a);
}

BENCH_ENTRY(n) {
  uint32_t *keys = malloc(COUNT * sizeof *keys);
  record *recs = malloc(COUNT * sizeof *recs), *tmp = malloc(COUNT * sizeof *tmp);
  uint32_t seed = 521288629u, sum = 0;
  if (!keys || !recs || !tmp) return 0;
  for (uint32_t r = 0; r < n; r++) {
    uint32_t count = COUNT - r * 257;
    for (uint32_t i = 0; i < count; i++) {
      keys[i] = bench_rand(&seed) >> (r & 7); /* more duplicates in some rounds */
      recs[i].key = keys[i] >> 8;
      recs[i].index = i;
    }
    quicksort(keys, 0, (int32_t)count - 1);
    mergesort(recs, tmp, count);
    for (uint32_t i = 1; i < count; i++) {
      if (keys[i - 1] > keys[i]) return 1;
      if (recs[i - 1].key > recs[i].key ||
          (recs[i - 1].key == recs[i].key && recs[i - 1].index > recs[i].index))
        return 2; /* not sorted, or not stable */
    }
    for (uint32_t i = 0; i < count; i += 4099)
      sum = bench_mix(bench_mix(sum, keys[i]), recs[i].index);
  }
  free(keys);
  free(recs);
  free(tmp);
  return sum;
}

BENCH_MAIN("sort", 16, 0x982a7688u, 1, 0xee7c8570u)
