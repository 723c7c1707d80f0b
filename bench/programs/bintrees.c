/* bintrees: allocate, walk and free complete binary trees with malloc and
 * free: many short-lived trees of every depth up to n and one long-lived
 * tree.  Memory-bound: the allocator and pointer chasing, recursion. */
#include "bench.h"

typedef struct node { struct node *left, *right; } node;

static node *make(uint32_t depth) {
  node *t = malloc(sizeof *t);
  if (!t) abort();
  if (depth) {
    t->left = make(depth - 1);
    t->right = make(depth - 1);
  } else {
    t->left = t->right = NULL;
  }
  return t;
}

static uint32_t check(const node *t) {
  return t->left ? 1 + check(t->left) + check(t->right) : 1;
}

static void release(node *t) {
  if (t->left) {
    release(t->left);
    release(t->right);
  }
  free(t);
}

BENCH_ENTRY(n) {
  uint32_t max_depth = n < 6 ? 6 : n, sum = 0;
  node *stretch = make(max_depth + 1), *keep;
  sum = bench_mix(sum, check(stretch));
  release(stretch);
  keep = make(max_depth);
  for (uint32_t d = 4; d <= max_depth; d += 2) {
    uint32_t iterations = 1u << (max_depth - d + 4), total = 0;
    for (uint32_t i = 0; i < iterations; i++) {
      node *t = make(d);
      total += check(t);
      release(t);
    }
    sum = bench_mix(sum, total);
  }
  sum = bench_mix(sum, check(keep));
  release(keep);
  return sum;
}

BENCH_MAIN("bintrees", 17, 0xc18e252bu, 13, 0x0e84e503u)
