/* test_table.c: tables and references (w2c_table.h): get/set/size/grow/fill/
 * copy/init bounds, externref tables, and the call_indirect target check. */
#include "check.h"

#define OOBT W2C_TRAP_OOB_TABLE
#define SIG_I_I UINT64_C(0x1234)   /* stand-in signature ids */
#define SIG_V_V UINT64_C(0x5678)

static uint32_t add_k(void *inst, uint32_t x) { return x + *(uint32_t *)inst; }
static void nop_fn(void *inst) { (void)inst; }

static uint32_t k = 100;

static w2c_funcref ref_add(void) {
  w2c_funcref f;
  f.type_id = SIG_I_I;
  f.func = (void (*)(void))add_k;
  f.instance = &k;
  return f;
}
static w2c_funcref ref_nop(void) {
  w2c_funcref f;
  f.type_id = SIG_V_V;
  f.func = (void (*)(void))nop_fn;
  f.instance = NULL;
  return f;
}

static int same(w2c_funcref a, w2c_funcref b) {
  return a.type_id == b.type_id && a.func == b.func && a.instance == b.instance;
}

static void test_funcref_table(void) {
  w2c_table t, u;
  w2c_funcref n = W2C_FUNCREF_NULL, f = ref_add(), g = ref_nop(), got;
  w2c_funcref seg[3];
  uint32_t (*call)(void *, uint32_t);
  seg[0] = g;
  seg[1] = f;
  seg[2] = n;
  CHECK(w2c_funcref_is_null(n));
  CHECK(w2c_funcref_is_null(w2c_funcref_null()));
  CHECK(!w2c_funcref_is_null(f));

  CHECK_EQ(w2c_table_alloc(&t, 0, 3, 5), 0);
  CHECK_EQ(w2c_table_size(&t), 3);
  CHECK_EQ(t.max, 5);
  CHECK_EQ(t.is_externref, 0);
  CHECK(w2c_funcref_is_null(w2c_table_get_funcref(&t, v32(2))));
  CHECK_TRAP(W2C_TRAP_NONE, w2c_table_set_funcref(&t, v32(1), f));
  CHECK(same(w2c_table_get_funcref(&t, v32(1)), f));
  CHECK_TRAP(OOBT, w2c_table_get_funcref(&t, v32(3)));
  CHECK_TRAP(OOBT, w2c_table_set_funcref(&t, v32(3), f));
  CHECK_TRAP(OOBT, w2c_table_get_funcref(&t, v32(0xFFFFFFFFu)));

  /* call_indirect */
  CHECK_TRAP(W2C_TRAP_NONE, got = w2c_table_call_target(&t, v32(1), SIG_I_I));
  CHECK(same(got, f));
  call = (uint32_t(*)(void *, uint32_t))got.func;
  CHECK_EQ(call(got.instance, 5), 105);
  CHECK_TRAP(W2C_TRAP_UNDEFINED_ELEMENT, w2c_table_call_target(&t, v32(3), SIG_I_I));
  CHECK_TRAP(W2C_TRAP_UNDEFINED_ELEMENT, w2c_table_call_target(&t, v32(0xFFFFFFFFu), SIG_I_I));
  CHECK_TRAP(W2C_TRAP_UNINITIALIZED_ELEMENT, w2c_table_call_target(&t, v32(0), SIG_I_I));
  CHECK_TRAP(W2C_TRAP_INDIRECT_CALL_TYPE, w2c_table_call_target(&t, v32(1), SIG_V_V));

  /* grow: old size, or -1 past the max; new slots hold the init value */
  CHECK_EQ(w2c_table_grow_funcref(&t, g, v32(2)), 3);
  CHECK_EQ(w2c_table_size(&t), 5);
  CHECK(same(w2c_table_get_funcref(&t, 4), g));
  CHECK(same(w2c_table_get_funcref(&t, 1), f)); /* kept */
  CHECK_EQ(w2c_table_grow_funcref(&t, g, v32(1)), 0xFFFFFFFFu);
  CHECK_EQ(w2c_table_grow_funcref(&t, g, v32(0)), 5);
  CHECK_EQ(w2c_table_size(&t), 5);

  /* fill */
  CHECK_TRAP(W2C_TRAP_NONE, w2c_table_fill_funcref(&t, v32(2), f, v32(2)));
  CHECK(same(w2c_table_get_funcref(&t, 3), f));
  CHECK(same(w2c_table_get_funcref(&t, 4), g));
  CHECK_TRAP(W2C_TRAP_NONE, w2c_table_fill_funcref(&t, v32(5), f, v32(0)));
  CHECK_TRAP(OOBT, w2c_table_fill_funcref(&t, v32(6), f, v32(0)));
  CHECK_TRAP(OOBT, w2c_table_fill_funcref(&t, v32(4), n, v32(2)));
  CHECK(same(w2c_table_get_funcref(&t, 4), g)); /* nothing written */
  CHECK_TRAP(OOBT, w2c_table_fill_funcref(&t, v32(1), n, v32(0xFFFFFFFFu)));

  /* init from a segment */
  CHECK_TRAP(W2C_TRAP_NONE, w2c_table_init_funcref(&t, seg, 3, v32(0), v32(0), v32(3)));
  CHECK(same(w2c_table_get_funcref(&t, 0), g));
  CHECK(same(w2c_table_get_funcref(&t, 1), f));
  CHECK(w2c_funcref_is_null(w2c_table_get_funcref(&t, 2)));
  CHECK_TRAP(W2C_TRAP_NONE, w2c_table_init_funcref(&t, seg, 3, v32(5), v32(3), v32(0)));
  CHECK_TRAP(OOBT, w2c_table_init_funcref(&t, seg, 3, v32(0), v32(4), v32(0)));
  CHECK_TRAP(OOBT, w2c_table_init_funcref(&t, seg, 3, v32(6), v32(0), v32(0)));
  CHECK_TRAP(OOBT, w2c_table_init_funcref(&t, seg, 3, v32(3), v32(0), v32(3)));
  CHECK_TRAP(OOBT, w2c_table_init_funcref(&t, seg, 3, v32(0), v32(1), v32(3)));
  CHECK(same(w2c_table_get_funcref(&t, 3), f)); /* nothing written */
  CHECK_TRAP(W2C_TRAP_NONE, w2c_table_init_funcref(&t, NULL, 0, v32(0), v32(0), v32(0)));

  /* copy within a table (overlapping both ways) and between tables */
  CHECK_EQ(w2c_table_alloc(&u, 0, 2, UINT32_MAX), 0);
  CHECK_EQ(u.has_max, 0);
  w2c_table_copy(&t, &t, v32(1), v32(0), v32(3)); /* g f n f g -> g g f n g */
  CHECK(same(w2c_table_get_funcref(&t, 1), g));
  CHECK(same(w2c_table_get_funcref(&t, 2), f));
  CHECK(w2c_funcref_is_null(w2c_table_get_funcref(&t, 3)));
  w2c_table_copy(&t, &t, v32(0), v32(2), v32(2)); /* -> f n f n g */
  CHECK(same(w2c_table_get_funcref(&t, 0), f));
  CHECK(w2c_funcref_is_null(w2c_table_get_funcref(&t, 1)));
  w2c_table_copy(&u, &t, v32(0), v32(3), v32(2));
  CHECK(w2c_funcref_is_null(w2c_table_get_funcref(&u, 0)));
  CHECK(same(w2c_table_get_funcref(&u, 1), g));
  CHECK_TRAP(W2C_TRAP_NONE, w2c_table_copy(&u, &t, v32(2), v32(5), v32(0)));
  CHECK_TRAP(OOBT, w2c_table_copy(&u, &t, v32(3), v32(0), v32(0)));
  CHECK_TRAP(OOBT, w2c_table_copy(&u, &t, v32(0), v32(6), v32(0)));
  CHECK_TRAP(OOBT, w2c_table_copy(&u, &t, v32(1), v32(0), v32(2)));
  CHECK_TRAP(OOBT, w2c_table_copy(&t, &u, v32(0), v32(1), v32(2)));
  CHECK(same(w2c_table_get_funcref(&u, 1), g));

  /* no declared max: the implementation limit */
  CHECK_EQ(w2c_table_grow_funcref(&u, n, v32(0xFFFFFFF0u)), 0xFFFFFFFFu);
  CHECK_EQ(w2c_table_grow_funcref(&u, n, v32(W2C_TABLE_MAX_ELEMS)), 0xFFFFFFFFu);
#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
  /* arena tables never move: without a declared max they cannot grow */
  CHECK_EQ(w2c_table_grow_funcref(&u, f, v32(3)), 0xFFFFFFFFu);
#else
  CHECK_EQ(w2c_table_grow_funcref(&u, f, v32(3)), 2);
  CHECK(same(w2c_table_get_funcref(&u, 4), f));
#endif
  CHECK(same(w2c_table_get_funcref(&u, 1), g));
  w2c_table_free(&u);
  w2c_table_free(&t);
  CHECK_EQ(w2c_table_size(&t), 0);
  w2c_table_free(&t); /* twice is harmless */

  CHECK_EQ(w2c_table_alloc(&t, 0, 6, 5), W2C_ERR_ALLOC);
  w2c_table_free(&t);
  CHECK_EQ(w2c_table_alloc(&t, 0, 0, 0), 0);
  CHECK_EQ(w2c_table_grow_funcref(&t, f, v32(1)), 0xFFFFFFFFu);
  CHECK_TRAP(W2C_TRAP_UNDEFINED_ELEMENT, w2c_table_call_target(&t, v32(0), SIG_I_I));
  w2c_table_free(&t);
}

static void test_externref_table(void) {
  w2c_table t;
  int a, b;
  w2c_externref seg[2];
  seg[0] = &a;
  seg[1] = &b;
  CHECK_EQ(w2c_table_alloc(&t, 1, 2, 4), 0);
  CHECK_EQ(t.is_externref, 1);
  CHECK(w2c_table_get_externref(&t, v32(1)) == NULL);
  w2c_table_set_externref(&t, v32(0), &a);
  CHECK(w2c_table_get_externref(&t, v32(0)) == &a);
  CHECK_TRAP(OOBT, w2c_table_get_externref(&t, v32(2)));
  CHECK_TRAP(OOBT, w2c_table_set_externref(&t, v32(2), &a));
  CHECK_EQ(w2c_table_grow_externref(&t, &b, v32(2)), 2);
  CHECK(w2c_table_get_externref(&t, v32(3)) == &b);
  CHECK(w2c_table_get_externref(&t, v32(0)) == &a);
  w2c_table_fill_externref(&t, v32(1), NULL, v32(3));
  CHECK(w2c_table_get_externref(&t, v32(3)) == NULL);
  CHECK_TRAP(OOBT, w2c_table_fill_externref(&t, v32(3), &a, v32(2)));
  w2c_table_init_externref(&t, seg, 2, v32(2), v32(0), v32(2));
  CHECK(w2c_table_get_externref(&t, v32(2)) == &a);
  CHECK(w2c_table_get_externref(&t, v32(3)) == &b);
  CHECK_TRAP(OOBT, w2c_table_init_externref(&t, seg, 2, v32(0), v32(1), v32(2)));
  w2c_table_copy(&t, &t, v32(0), v32(2), v32(2));
  CHECK(w2c_table_get_externref(&t, v32(0)) == &a);
  CHECK(w2c_table_get_externref(&t, v32(1)) == &b);
  CHECK_TRAP(OOBT, w2c_table_copy(&t, &t, v32(3), v32(0), v32(2)));
  w2c_table_free(&t);
}

int main(void) {
  test_funcref_table();
  test_externref_table();
  return check_done();
}
