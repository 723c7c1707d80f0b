/* freestanding.c: compiled (not linked) with -ffreestanding -nostdlib and
 * W2C_TRAP_HANDLER + W2C_ALLOC_STATIC: the runtime needs no hosted header.
 * The functions use every helper group so their code is really generated. */
#include "w2c_rt.h"

void fs_trap(w2c_trap code) {
  for (;;) {
    (void)code;
  }
}

uint32_t fs_mem(w2c_memory *m, uint32_t a) {
  uint32_t v = w2c_i32_load(m->data, m->size, a, 4);
  w2c_i64_store16(m->data, m->size, a, 0, v);
  w2c_memory_copy(m->data, m->size, a, v, 8);
  w2c_memory_fill(m->data, m->size, a, 0, 8);
  return v + w2c_memory_grow(m, 1) + (uint32_t)w2c_f64_load(m->data, m->size, a, 1);
}

int fs_setup(w2c_memory *m, w2c_table *t) {
  if (w2c_memory_alloc(m, 1, 2, 16) != 0) return -1;
  if (w2c_table_alloc(t, 0, 4, 4) != 0) return -1;
  return 0;
}

uint64_t fs_num(uint64_t a, uint64_t b, float f, double d) {
  return w2c_i64_div_s(a, b) + w2c_i64_rotl(a, b) + w2c_i64_popcnt(a) +
         w2c_i32_trunc_f32_s(w2c_f32_nearest(f)) + w2c_i64_trunc_sat_f64_u(w2c_f64_sqrt(d)) +
         w2c_i32_reinterpret_f32(w2c_f32_min(f, w2c_f32_demote_f64(d)));
}

uint64_t fs_call(const w2c_table *t, uint32_t i) {
  w2c_funcref f = w2c_table_call_target(t, i, 42);
  uint64_t r;
  W2C_CALL_ENTER();
  r = ((uint64_t(*)(void *))f.func)(f.instance);
  W2C_CALL_DONE();
  W2C_CALL_LEAVE();
  return r;
}
