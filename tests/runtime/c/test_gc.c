/* test_gc.c: the GC heap (w2c_gc.h): i31 values, casts by display,
 * allocation, collection of unreachable and cyclic structures, roots from
 * the shadow stack and from registered ranges, marking past the bounded mark
 * stack, and the deterministic "out of memory" trap of a full heap. */
#include "check.h"
#include "w2c_gc.h"

/* $node: (struct (field (mut i32)) (field (mut (ref null $node)))) and
 * $sub: a subtype of it; $arr: (array (mut (ref null $node))). */
static const uint32_t node_refs[] = {8};
static const w2c_rtt *const node_display[1];
static const w2c_rtt node_rtt = {W2C_RTT_STRUCT, 0, node_display, 16, 1, node_refs, 0};
static const w2c_rtt *const node_display[1] = {&node_rtt};
static const w2c_rtt *const sub_display[2];
static const w2c_rtt sub_rtt = {W2C_RTT_STRUCT, 1, sub_display, 24, 1, node_refs, 0};
static const w2c_rtt *const sub_display[2] = {&node_rtt, &sub_rtt};
static const w2c_rtt *const other_display[1];
static const w2c_rtt other_rtt = {W2C_RTT_STRUCT, 0, other_display, 16, 1, node_refs, 0};
static const w2c_rtt *const other_display[1] = {&other_rtt};
static const w2c_rtt *const arr_display[1];
static const w2c_rtt arr_rtt = {W2C_RTT_ARRAY, 0, arr_display, sizeof(w2c_ref), 1, NULL, 0};
static const w2c_rtt *const arr_display[1] = {&arr_rtt};

static w2c_ref new_node(uint32_t v, w2c_ref next) {
  w2c_ref n = w2c_gc_alloc(&node_rtt, 16, 0);
  unsigned char *f = (unsigned char *)w2c_gc_fields(n);
  memcpy(f, &v, 4);
  memcpy(f + 8, &next, sizeof next);
  return n;
}
static uint32_t node_val(w2c_ref n) {
  uint32_t v;
  memcpy(&v, w2c_gc_fields(n), 4);
  return v;
}
static w2c_ref node_next(w2c_ref n) {
  w2c_ref r;
  memcpy(&r, (unsigned char *)w2c_gc_fields(n) + 8, sizeof r);
  return r;
}
static void set_next(w2c_ref n, w2c_ref next) {
  memcpy((unsigned char *)w2c_gc_fields(n) + 8, &next, sizeof next);
}

static void test_i31(void) {
  CHECK_EQ(w2c_i31_get_u(w2c_ref_i31(v32(5))), 5);
  CHECK_EQ(w2c_i31_get_s(w2c_ref_i31(v32(0xFFFFFFFFu))), 0xFFFFFFFFu);
  CHECK_EQ(w2c_i31_get_u(w2c_ref_i31(v32(0xFFFFFFFFu))), 0x7FFFFFFFu);
  CHECK_EQ(w2c_i31_get_s(w2c_ref_i31(v32(0x40000000u))), 0xC0000000u);
  CHECK_EQ(w2c_i31_get_s(w2c_ref_i31(v32(0x3FFFFFFFu))), 0x3FFFFFFFu);
  CHECK(w2c_ref_is_i31(w2c_ref_i31(v32(0))));
  CHECK(w2c_ref_i31(v32(7)) == w2c_ref_i31(v32(0x80000007u)));   /* ref.eq by value */
  CHECK(!w2c_gc_is_sub(w2c_ref_i31(v32(1)), &node_rtt));
  CHECK(!w2c_gc_is_sub(W2C_REF_NULL, &node_rtt));
}

static void test_casts(void) {
  w2c_gc_frame fr;
  w2c_ref r[2];
  W2C_GC_FRAME_PUSH(fr, r, 2);
  r[0] = w2c_gc_alloc(&sub_rtt, 24, 0);
  r[1] = new_node(1, W2C_REF_NULL);
  CHECK(w2c_gc_is_sub(r[0], &sub_rtt));
  CHECK(w2c_gc_is_sub(r[0], &node_rtt));   /* upcast through the display */
  CHECK(w2c_gc_is_sub(r[1], &node_rtt));
  CHECK(!w2c_gc_is_sub(r[1], &sub_rtt));   /* downcast of a plain node */
  CHECK(!w2c_gc_is_sub(r[1], &other_rtt)); /* same shape, another type */
  CHECK_EQ(w2c_gc_obj(r[0])->rtt->kind, W2C_RTT_STRUCT);
  W2C_GC_FRAME_POP(fr);
}

/* A list of `n` nodes, built with its head on the shadow stack. */
static w2c_ref build_list(uint32_t n, w2c_ref *slot) {
  uint32_t i;
  *slot = W2C_REF_NULL;
  for (i = 0; i < n; i++) *slot = new_node(i, *slot);
  return *slot;
}

static void test_collect(void) {
  w2c_gc_frame fr;
  w2c_ref r[2], p;
  w2c_gc_stats s;
  uint32_t i, n, sum;
  uint64_t before;
  W2C_GC_FRAME_PUSH(fr, r, 2);
  build_list(3000, &r[0]);               /* deeper than the mark stack */
  build_list(500, &r[1]);
  r[1] = W2C_REF_NULL;                   /* garbage now */
  w2c_gc_collect();
  w2c_gc_get_stats(&s);
  CHECK_EQ(s.live_bytes, 3000u * (W2C_GC_HEADER_BYTES + 16));
  n = sum = 0;
  for (p = r[0]; p != W2C_REF_NULL; p = node_next(p)) {
    n++;
    sum += node_val(p);
  }
  CHECK_EQ(n, 3000);
  CHECK_EQ(sum, 2999u * 3000u / 2);
  /* a cycle, then dropped: collected */
  r[1] = new_node(1, W2C_REF_NULL);
  set_next(r[1], new_node(2, r[1]));
  before = s.collections;
  r[0] = r[1] = W2C_REF_NULL;
  w2c_gc_collect();
  w2c_gc_get_stats(&s);
  CHECK_EQ(s.live_bytes, 0);
  CHECK_EQ(s.collections, before + 1);
  /* many short-lived objects in a bounded heap */
  for (i = 0; i < 200000; i++) r[0] = new_node(i, W2C_REF_NULL);
  w2c_gc_get_stats(&s);
  CHECK(s.heap_bytes <= 4u * 1024 * 1024);
  CHECK(s.allocated_bytes >= 200000u * 16);
  CHECK_EQ(node_val(r[0]), 199999);
  W2C_GC_FRAME_POP(fr);
}

static void test_root_ranges_and_arrays(void) {
  w2c_ref globals[2] = {W2C_REF_NULL, W2C_REF_NULL};
  w2c_ref a, e;
  uint32_t i;
  w2c_gc_stats s;
  w2c_gc_add_roots(globals, 2);
  a = w2c_gc_alloc(&arr_rtt, 100 * sizeof(w2c_ref), 100);
  globals[1] = a;
  for (i = 0; i < 100; i++) {
    e = new_node(i, W2C_REF_NULL);
    memcpy((unsigned char *)w2c_gc_fields(a) + i * sizeof e, &e, sizeof e);
  }
  w2c_gc_collect();
  w2c_gc_get_stats(&s);
  CHECK_EQ(s.live_bytes, (W2C_GC_HEADER_BYTES + 100 * sizeof(w2c_ref) + 7) / 8 * 8
                             + 100u * (W2C_GC_HEADER_BYTES + 16));
  memcpy(&e, (unsigned char *)w2c_gc_fields(a) + 42 * sizeof e, sizeof e);
  CHECK_EQ(node_val(e), 42);
  CHECK_EQ(w2c_gc_obj(a)->len, 100);
  w2c_gc_remove_roots(globals);
  w2c_gc_collect();
  w2c_gc_get_stats(&s);
  CHECK_EQ(s.live_bytes, 0);
}

/* A trap leaves a frame on the shadow stack; the catcher restores the top. */
static void trap_in_frame(void) {
  w2c_gc_frame fr;
  w2c_ref r[1];
  W2C_GC_FRAME_PUSH(fr, r, 1);
  r[0] = new_node(9, W2C_REF_NULL);
  W2C_TRAP(W2C_TRAP_UNREACHABLE);
}

static w2c_gc_frame *saved_top;

static void test_trap_restores_frames(void) {
  w2c_gc_stats s;
  saved_top = w2c_gc_frames_save();
  CHECK_TRAP(W2C_TRAP_UNREACHABLE, trap_in_frame());
  CHECK(w2c_gc_state.frames != saved_top);   /* the dead frame */
  w2c_gc_frames_restore(saved_top);
  w2c_gc_collect();                          /* walks no dead frame */
  w2c_gc_get_stats(&s);
  CHECK_EQ(s.live_bytes, 0);
}

static w2c_ref keep[1];

static void fill_heap(void) {
  for (;;) keep[0] = new_node(0, keep[0]);
}

static uint32_t kept(void) {
  uint32_t n = 0;
  w2c_ref p;
  for (p = keep[0]; p; p = node_next(p)) n++;
  return n;
}

static uint32_t counts[2];

static void test_out_of_memory(void) {
#ifdef W2C_TEST_STATIC_HEAP
  w2c_gc_stats s;
  w2c_gc_add_roots(keep, 1);
  CHECK_TRAP(W2C_TRAP_OUT_OF_MEMORY, fill_heap());
  counts[0] = kept();
  keep[0] = W2C_REF_NULL;
  CHECK_TRAP(W2C_TRAP_OUT_OF_MEMORY, fill_heap());   /* the same count again */
  counts[1] = kept();
  CHECK(counts[0] > 1000);
  CHECK_EQ(counts[0], counts[1]);
  w2c_gc_get_stats(&s);
  CHECK_EQ(s.heap_bytes, W2C_GC_STATIC_HEAP);
  keep[0] = W2C_REF_NULL;
  w2c_gc_remove_roots(keep);
  w2c_gc_collect();
#else
  (void)fill_heap;
  (void)kept;
  (void)counts;
#endif
}

int main(void) {
  test_i31();
  test_casts();
  test_collect();
  test_root_ranges_and_arrays();
  test_trap_restores_frames();
  test_out_of_memory();
  CHECK_EQ(w2c_gc_state.frames == NULL, 1);
  return check_done();
}
