/* dispatch: calls through function pointers (call_indirect in wasm): a
 * population of objects, each with a table of operations chosen from eight
 * implementations, stepped n times; and a generic sort that takes its
 * comparison as a function pointer. */
#include "bench.h"

typedef struct object object;
typedef struct {
  void (*step)(object *, uint32_t);
  uint32_t (*score)(const object *);
} ops;
struct object { const ops *vt; uint32_t a, b; int32_t c; };

static void step_add(object *o, uint32_t t) { o->a += t; o->b ^= o->a; }
static void step_mul(object *o, uint32_t t) { o->a = o->a * 2654435761u + t; }
static void step_rot(object *o, uint32_t t) { o->b = (o->b << 7 | o->b >> 25) + t; }
static void step_neg(object *o, uint32_t t) { o->c = -o->c + (int32_t)(t & 255); }
static void step_mix(object *o, uint32_t t) { o->a ^= o->b + t; o->b += o->a >> 3; }
static void step_cnt(object *o, uint32_t t) { o->c += (t & 1) ? 1 : -1; }
static void step_sq(object *o, uint32_t t) { o->a = o->a * o->a + (t | 1); }
static void step_swp(object *o, uint32_t t) { uint32_t x = o->a; o->a = o->b; o->b = x + t; }
static uint32_t score_a(const object *o) { return o->a; }
static uint32_t score_b(const object *o) { return o->b; }
static uint32_t score_c(const object *o) { return (uint32_t)o->c; }
static uint32_t score_x(const object *o) { return o->a ^ o->b ^ (uint32_t)o->c; }

static const ops kinds[8] = {
  {step_add, score_a}, {step_mul, score_b}, {step_rot, score_c}, {step_neg, score_x},
  {step_mix, score_a}, {step_cnt, score_c}, {step_sq, score_b}, {step_swp, score_x}};

#define OBJECTS 4096
static object objs[OBJECTS];
static object *order[OBJECTS];

typedef int (*cmp_fn)(const void *, const void *);
static int by_score(const void *x, const void *y) {
  const object *a = *(object *const *)x, *b = *(object *const *)y;
  uint32_t sa = a->vt->score(a), sb = b->vt->score(b);
  return sa < sb ? -1 : sa > sb;
}
static int by_address(const void *x, const void *y) {
  const object *a = *(object *const *)x, *b = *(object *const *)y;
  return a < b ? -1 : a > b;
}

/* shell sort over pointers with a comparison function */
static void sort_ptrs(object **v, uint32_t n, cmp_fn cmp) {
  static const uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
  for (int g = 0; g < 8; g++) {
    uint32_t gap = gaps[g];
    for (uint32_t i = gap; i < n; i++) {
      object *t = v[i];
      uint32_t j = i;
      while (j >= gap && cmp(&v[j - gap], &t) > 0) {
        v[j] = v[j - gap];
        j -= gap;
      }
      v[j] = t;
    }
  }
}

BENCH_ENTRY(n) {
  uint32_t seed = 362436069u, sum = 0;
  for (uint32_t i = 0; i < OBJECTS; i++) {
    uint32_t r = bench_rand(&seed);
    objs[i].vt = &kinds[r % 8];
    objs[i].a = r;
    objs[i].b = r >> 3;
    objs[i].c = (int32_t)(r >> 16);
    order[i] = &objs[i];
  }
  for (uint32_t t = 0; t < n; t++) {
    for (uint32_t i = 0; i < OBJECTS; i++) objs[i].vt->step(&objs[i], t);
    if (t % 64 == 63) {
      sort_ptrs(order, OBJECTS, by_score);
      sum = bench_mix(sum, order[0]->vt->score(order[0]));
      sum = bench_mix(sum, order[OBJECTS - 1]->vt->score(order[OBJECTS - 1]));
      sort_ptrs(order, OBJECTS, by_address);
    }
  }
  for (uint32_t i = 0; i < OBJECTS; i++) sum = bench_mix(sum, objs[i].vt->score(&objs[i]));
  return sum;
}

BENCH_MAIN("dispatch", 15000, 0xf256ba18u, 600, 0xd0b9153fu)
