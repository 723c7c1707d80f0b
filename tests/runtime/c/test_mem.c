/* test_mem.c: linear memory (w2c_mem.h) under the configuration it is built
 * with: loads/stores at the bounds, byte order, sign extension, bulk
 * memory, memory.grow limits, and the allocator's own rules. */
#include "check.h"

#define OOB W2C_TRAP_OOB_MEMORY
#define PAGE 65536u

static w2c_memory mem;
#define M mem.data, mem.size

/* 1 if memory holds little-endian values: always, except in the test build
 * that forces W2C_BIG_ENDIAN=1 on a little-endian host (the swap path). */
static int layout_le;

static void test_bounds(void) {
  uint32_t size = (uint32_t)mem.size;
  CHECK_TRAP(W2C_TRAP_NONE, w2c_i32_store(M, v32(size - 4), 0, 0x11223344u));
  CHECK_NOTRAP_EQ(w2c_i32_load(M, v32(size - 4), 0), 0x11223344u);
  CHECK_NOTRAP_EQ(w2c_i32_load(M, v32(size - 8), 4), 0x11223344u);
  CHECK_TRAP(OOB, w2c_i32_load(M, v32(size - 3), 0));
  CHECK_TRAP(OOB, w2c_i32_load(M, v32(size - 4), 1));
  CHECK_TRAP(OOB, w2c_i32_load(M, v32(size), 0));
  CHECK_TRAP(OOB, w2c_i32_store(M, v32(size - 3), 0, 1));
  CHECK_TRAP(OOB, w2c_i32_load(M, v32(0xFFFFFFFFu), 0xFFFFFFFFu)); /* no 32-bit wrap */
  CHECK_TRAP(OOB, w2c_i32_load(M, v32(4), 0xFFFFFFFFu));
  CHECK_TRAP(OOB, w2c_i64_store(M, v32(0xFFFFFFF8u), 0, 1));
  CHECK_TRAP(W2C_TRAP_NONE, w2c_i64_store(M, v32(size - 8), 0, UINT64_C(0x0102030405060708)));
  CHECK_TRAP(OOB, w2c_i64_load(M, v32(size - 7), 0));
  CHECK_TRAP(OOB, w2c_i64_store(M, v32(size - 7), 0, 1));
  CHECK_TRAP(OOB, w2c_f64_load(M, v32(size - 4), 0));
  CHECK_TRAP(OOB, w2c_f32_store(M, v32(size - 2), 0, 1.0f));
  CHECK_NOTRAP_EQ(w2c_i32_load8_u(M, v32(size - 1), 0), layout_le ? 0x01 : 0x08);
  CHECK_TRAP(OOB, w2c_i32_load8_u(M, v32(size), 0));
  CHECK_TRAP(OOB, w2c_i64_load8_s(M, v32(size - 1), 1));
  CHECK_TRAP(OOB, w2c_i32_store8(M, v32(size), 0, 1));
  CHECK_NOTRAP_EQ(w2c_i32_load16_u(M, v32(size - 2), 0), layout_le ? 0x0102 : 0x0708);
  CHECK_TRAP(OOB, w2c_i32_load16_s(M, v32(size - 1), 0));
  CHECK_TRAP(OOB, w2c_i64_store16(M, v32(size - 1), 0, 1));
  CHECK_TRAP(OOB, w2c_i64_load32_u(M, v32(size - 3), 0));
  CHECK_TRAP(OOB, w2c_i64_store32(M, v32(size - 2), 0, 1));
  /* a failed store wrote nothing */
  CHECK_EQ(w2c_i64_load(M, size - 8, 0), UINT64_C(0x0102030405060708));
}

static void test_values(void) {
  static const uint8_t le[4] = {0x04, 0x03, 0x02, 0x01}, be[4] = {0x01, 0x02, 0x03, 0x04};
  w2c_i32_store(M, v32(100), 0, 0x01020304u);
  CHECK(memcmp(mem.data + 100, layout_le ? le : be, 4) == 0);
  CHECK_EQ(w2c_i32_load(M, v32(100), 0), 0x01020304u);
  CHECK_EQ(w2c_i32_load8_u(M, v32(100), 0), layout_le ? 0x04 : 0x01);
  w2c_i64_store(M, v32(104), 0, UINT64_C(0x0102030405060708));
  CHECK_EQ(mem.data[104], layout_le ? 0x08 : 0x01);
  CHECK_EQ(mem.data[111], layout_le ? 0x01 : 0x08);
  w2c_i32_store16(M, v32(112), 0, 0x0102u);
  CHECK_EQ(mem.data[112], layout_le ? 0x02 : 0x01);
  w2c_f64_store(M, v32(120), 0, 1.0);
  CHECK_EQ(mem.data[127], layout_le ? 0x3F : 0x00);
  CHECK(w2c_f64_load(M, v32(120), 0) == 1.0);
  w2c_f32_store(M, v32(128), 0, 1.0f);
  CHECK_EQ(mem.data[131], layout_le ? 0x3F : 0x00);
  CHECK(w2c_f32_load(M, v32(128), 0) == 1.0f);
  CHECK_EQ(w2c_i64_load16_u(M, v32(112), 0), 0x0102u);
  CHECK_EQ(w2c_i64_load32_u(M, v32(100), 0), 0x01020304u);
  if (!layout_le) return; /* the rest assumes little-endian byte positions */
  /* unaligned */
  w2c_i64_store(M, v32(201), 0, UINT64_C(0x8877665544332211));
  CHECK_EQ(w2c_i64_load(M, v32(201), 0), UINT64_C(0x8877665544332211));
  CHECK_EQ(w2c_i32_load(M, v32(203), 0), 0x66554433u);
  CHECK_EQ(w2c_i32_load16_u(M, v32(200), 2), 0x3322u);
  CHECK_EQ(w2c_i64_load32_u(M, v32(205), 0), 0x88776655u);
  /* sign extension */
  w2c_i32_store(M, v32(300), 0, 0x80808080u);
  CHECK_EQ(w2c_i32_load8_s(M, v32(300), 0), 0xFFFFFF80u);
  CHECK_EQ(w2c_i32_load8_u(M, v32(300), 0), 0x80u);
  CHECK_EQ(w2c_i32_load16_s(M, v32(300), 0), 0xFFFF8080u);
  CHECK_EQ(w2c_i32_load16_u(M, v32(300), 0), 0x8080u);
  CHECK_EQ(w2c_i64_load8_s(M, v32(300), 0), UINT64_C(0xFFFFFFFFFFFFFF80));
  CHECK_EQ(w2c_i64_load16_s(M, v32(300), 0), UINT64_C(0xFFFFFFFFFFFF8080));
  CHECK_EQ(w2c_i64_load32_s(M, v32(300), 0), UINT64_C(0xFFFFFFFF80808080));
  CHECK_EQ(w2c_i64_load32_u(M, v32(300), 0), UINT64_C(0x80808080));
  w2c_i32_store(M, v32(300), 0, 0x7F7F7F7Fu);
  CHECK_EQ(w2c_i32_load8_s(M, v32(300), 0), 0x7Fu);
  CHECK_EQ(w2c_i64_load32_s(M, v32(300), 0), UINT64_C(0x7F7F7F7F));
  /* narrow stores write only their bytes */
  w2c_i64_store(M, v32(400), 0, UINT64_MAX);
  w2c_i32_store8(M, v32(400), 0, 0x12345678u);
  w2c_i32_store16(M, v32(401), 1, 0xABCDu);
  w2c_i64_store32(M, v32(404), 0, UINT64_C(0x1122334455667788));
  CHECK_EQ(w2c_i64_load(M, v32(400), 0), UINT64_C(0x55667788ABCDFF78));
  w2c_i64_store8(M, v32(407), 0, UINT64_C(0x100));
  w2c_i64_store16(M, v32(398), 0, UINT64_C(0x10000));
  CHECK_EQ(w2c_i64_load(M, v32(400), 0), UINT64_C(0x00667788ABCDFF78));
  CHECK_EQ(w2c_i32_load16_u(M, v32(398), 0), 0);
  /* floats keep their bits, signalling NaNs included */
  w2c_f32_store(M, v32(500), 0, w2c_f32_bits(0x7FA00001u));
  CHECK_EQ(w2c_i32_load(M, v32(500), 0), 0x7FA00001u);
  CHECK_F32(w2c_f32_load(M, v32(500), 0), 0x7FA00001u);
  w2c_f64_store(M, v32(503), 0, w2c_f64_bits(UINT64_C(0xFFF4000000000001)));
  CHECK_EQ(w2c_i64_load(M, v32(503), 0), UINT64_C(0xFFF4000000000001));
  CHECK_F64(w2c_f64_load(M, v32(503), 0), UINT64_C(0xFFF4000000000001));
}

static void test_bulk(void) {
  static const uint8_t seg[5] = {'h', 'e', 'l', 'l', 'o'};
  uint32_t size = (uint32_t)mem.size;
  w2c_memory_fill(M, v32(0), 0xAB, 16);
  CHECK_EQ(w2c_i64_load(M, 8, 0), UINT64_C(0xABABABABABABABAB));
  w2c_memory_fill(M, v32(4), 0x1FF, 2); /* only the low byte */
  CHECK(memcmp(mem.data + 3, "\253\377\377\253", 4) == 0);
  CHECK_TRAP(W2C_TRAP_NONE, w2c_memory_fill(M, v32(size), 0, 0)); /* n = 0 at the end */
  CHECK_TRAP(OOB, w2c_memory_fill(M, v32(size + 1), 0, 0));
  w2c_i32_store8(M, size - 1, 0, 7);
  CHECK_TRAP(OOB, w2c_memory_fill(M, v32(size - 1), 0, 2));
  CHECK_EQ(w2c_i32_load8_u(M, size - 1, 0), 7); /* nothing written */
  CHECK_TRAP(OOB, w2c_memory_fill(M, v32(0xFFFFFFFFu), 0, 0xFFFFFFFFu));
  /* copy: overlapping both ways */
  memcpy(mem.data, "\1\2\3\4\5\6\7\10", 8);
  w2c_memory_copy(M, v32(2), v32(0), 6);
  CHECK(memcmp(mem.data, "\1\2\1\2\3\4\5\6", 8) == 0);
  w2c_memory_copy(M, v32(0), v32(3), 5);
  CHECK(memcmp(mem.data, "\2\3\4\5\6\4\5\6", 8) == 0);
  CHECK_TRAP(W2C_TRAP_NONE, w2c_memory_copy(M, v32(size), v32(size), 0));
  CHECK_TRAP(OOB, w2c_memory_copy(M, v32(size + 1), v32(0), 0));
  CHECK_TRAP(OOB, w2c_memory_copy(M, v32(0), v32(size + 1), 0));
  CHECK_TRAP(OOB, w2c_memory_copy(M, v32(size - 1), v32(0), 2));
  CHECK_EQ(w2c_i32_load8_u(M, size - 1, 0), 7);
  CHECK_TRAP(OOB, w2c_memory_copy(M, v32(0), v32(size - 1), 2));
  /* init from a segment */
  w2c_memory_init(M, seg, 5, v32(10), v32(1), 3);
  CHECK(memcmp(mem.data + 9, "\253ell\253", 5) == 0);
  CHECK_TRAP(W2C_TRAP_NONE, w2c_memory_init(M, seg, 5, v32(size), v32(5), 0));
  CHECK_TRAP(OOB, w2c_memory_init(M, seg, 5, v32(0), v32(6), 0));
  CHECK_TRAP(OOB, w2c_memory_init(M, seg, 5, v32(0), v32(3), 3));
  CHECK_TRAP(OOB, w2c_memory_init(M, seg, 5, v32(size - 1), v32(0), 2));
  CHECK_EQ(w2c_i32_load8_u(M, size - 1, 0), 7);
  CHECK_TRAP(W2C_TRAP_NONE, w2c_memory_init(M, NULL, 0, v32(0), v32(0), 0)); /* dropped */
  CHECK_TRAP(OOB, w2c_memory_init(M, NULL, 0, v32(0), v32(0), 1));
}

static void test_grow(void) {
  w2c_memory m;
  uint32_t i;
  CHECK_EQ(w2c_memory_alloc(&m, 1, 3, 16), 0);
  CHECK_EQ(w2c_memory_pages(&m), 1);
  CHECK_EQ(m.size, PAGE);
  CHECK_EQ(m.max_pages, 3);
  CHECK_EQ(m.has_max, 1);
  w2c_i32_store(m.data, m.size, PAGE - 4, 0, 0xDEADBEEFu);
  CHECK_TRAP(OOB, w2c_i32_load(m.data, m.size, PAGE, 0));
  CHECK_EQ(w2c_memory_grow(&m, 0), 1);
  CHECK_EQ(w2c_memory_grow(&m, 3), 0xFFFFFFFFu);
  CHECK_EQ(m.size, PAGE);
  CHECK_EQ(w2c_memory_grow(&m, 2), 1);
  CHECK_EQ(w2c_memory_pages(&m), 3);
  CHECK_EQ(m.size, 3 * PAGE);
  CHECK_EQ(w2c_i32_load(m.data, m.size, PAGE - 4, 0), 0xDEADBEEFu); /* kept */
  for (i = PAGE; i < 3 * PAGE; i += 4096) CHECK_EQ(w2c_i32_load(m.data, m.size, i, 0), 0);
  CHECK_EQ(w2c_i32_load(m.data, m.size, 3 * PAGE - 4, 0), 0);
  CHECK_TRAP(OOB, w2c_i32_load(m.data, m.size, 3 * PAGE - 3, 0));
  CHECK_EQ(w2c_memory_grow(&m, 1), 0xFFFFFFFFu);
  CHECK_EQ(w2c_memory_grow(&m, 0xFFFFFFFFu), 0xFFFFFFFFu);
  w2c_memory_free(&m);
  CHECK_EQ(w2c_memory_pages(&m), 0);
  CHECK_EQ(m.size, 0);

  /* no declared max: 65536 pages is the limit */
  CHECK_EQ(w2c_memory_alloc(&m, 0, UINT64_MAX, 16), 0);
  CHECK_EQ(m.has_max, 0);
  CHECK_EQ(m.max_pages, 65536);
  CHECK_TRAP(OOB, w2c_i32_load8_u(m.data, m.size, 0, 0));
  CHECK_EQ(w2c_memory_grow(&m, 65537), 0xFFFFFFFFu);
  CHECK_EQ(w2c_memory_grow(&m, 0xFFFFFFFFu), 0xFFFFFFFFu);
  CHECK_EQ(w2c_memory_grow(&m, 1), 0);
  CHECK_EQ(w2c_memory_grow(&m, 65536), 0xFFFFFFFFu);
  CHECK_EQ(w2c_memory_pages(&m), 1);
  w2c_memory_free(&m);
  w2c_memory_free(&m); /* twice is harmless */

  /* initial beyond max, or beyond the 4 GiB limit */
  CHECK_EQ(w2c_memory_alloc(&m, 2, 1, 16), W2C_ERR_ALLOC);
  w2c_memory_free(&m);
  CHECK_EQ(w2c_memory_alloc(&m, 65537, UINT64_MAX, 16), W2C_ERR_ALLOC);
  w2c_memory_free(&m);
  CHECK_EQ(w2c_memory_alloc(&m, 0, 0, 16), 0);
  CHECK_EQ(w2c_memory_grow(&m, 1), 0xFFFFFFFFu);
  CHECK_EQ(w2c_memory_grow(&m, 0), 0);
  w2c_memory_free(&m);

#if W2C_BOUNDS_CHECK != W2C_BOUNDS_GUARD
  /* custom page size 1 (page_log2 0): at most 2^32 - 1 pages */
  CHECK_EQ(w2c_memory_alloc(&m, 3, UINT64_MAX, 0), 0);
  CHECK_EQ(m.max_pages, 0xFFFFFFFFu);
  CHECK_EQ(m.size, 3);
  CHECK_TRAP(W2C_TRAP_NONE, w2c_i32_store16(m.data, m.size, 1, 0, 0xFFFF));
  CHECK_TRAP(OOB, w2c_i32_store(m.data, m.size, 0, 0, 0));
  CHECK_EQ(w2c_memory_grow(&m, 5), 3);
  CHECK_EQ(m.size, 8);
  CHECK_EQ(w2c_i64_load(m.data, m.size, 0, 0),
           layout_le ? UINT64_C(0x0000000000FFFF00) : UINT64_C(0x00FFFF0000000000));
  w2c_memory_free(&m);
#endif
}

#if W2C_BOUNDS_CHECK != W2C_BOUNDS_GUARD
static void test_use_static(void) {
  static uint64_t buf[3 * PAGE / 8];
  w2c_memory m;
  memset(buf, 0xEE, sizeof buf);
  CHECK_EQ(w2c_memory_use_static(&m, (uint8_t *)buf, 4 * PAGE, 5, 10, 16), W2C_ERR_ALLOC);
  CHECK_EQ(w2c_memory_use_static(&m, (uint8_t *)buf, 3 * PAGE, 1, 10, 16), 0);
  CHECK(m.data == (uint8_t *)buf);
  CHECK_EQ(w2c_i64_load(m.data, m.size, PAGE - 8, 0), 0); /* zeroed */
  CHECK_EQ(w2c_memory_grow(&m, 1), 1);
  CHECK_EQ(w2c_i64_load(m.data, m.size, 2 * PAGE - 8, 0), 0);
  CHECK_EQ(w2c_memory_grow(&m, 2), 0xFFFFFFFFu); /* beyond the buffer */
  CHECK_EQ(w2c_memory_grow(&m, 1), 2);
  CHECK_EQ(w2c_i64_load(m.data, m.size, 3 * PAGE - 8, 0), 0);
  w2c_memory_free(&m);
  CHECK(m.data == NULL);
}
#endif

#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC && W2C_STATIC_MEMORY_BYTES >= 4 * 65536 + 4096
/* arena of 4 pages + 4 KiB: memories from the bottom, tables from the top */
static void test_arena(void) {
  w2c_memory a, b;
  w2c_table t;
  CHECK_EQ(w2c_memory_alloc(&a, 1, UINT64_MAX, 16), 0);
  CHECK_EQ(w2c_memory_alloc(&b, 1, UINT64_MAX, 16), 0);
  CHECK_EQ(w2c_table_alloc(&t, 0, 10, 100), 0); /* takes its max: 2400 bytes */
  CHECK_EQ(w2c_memory_grow(&a, 1), 0xFFFFFFFFu); /* not the topmost memory */
  CHECK_EQ(w2c_memory_grow(&b, 3), 0xFFFFFFFFu); /* no room: 3 pages free */
  CHECK_EQ(w2c_memory_grow(&b, 2), 1);
  CHECK_EQ(w2c_table_grow_funcref(&t, w2c_funcref_null(), 90), 10);
  CHECK_EQ(w2c_table_grow_funcref(&t, w2c_funcref_null(), 1), 0xFFFFFFFFu);
  w2c_i32_store(b.data, b.size, 3 * PAGE - 4, 0, 42);
  w2c_memory_free(&b);
  CHECK_EQ(w2c_memory_alloc(&b, 4, UINT64_MAX, 16), W2C_ERR_ALLOC);
  CHECK_EQ(w2c_memory_alloc(&b, 3, UINT64_MAX, 16), 0); /* the space came back */
  CHECK_EQ(w2c_i32_load(b.data, b.size, 3 * PAGE - 4, 0), 0); /* zeroed again */
  w2c_table_free(&t);
  w2c_memory_free(&b);
  w2c_memory_free(&a);
  CHECK_EQ(w2c_static_lo, 0);
  CHECK_EQ(w2c_static_hi, 0);
}
#endif

int main(void) {
  uint16_t one = 1;
  uint8_t first;
  memcpy(&first, &one, 1);
  layout_le = (first == 1) != W2C_BIG_ENDIAN;
  CHECK_EQ(w2c_memory_alloc(&mem, 2, 4, 16), 0);
  CHECK_EQ(mem.size, 2 * PAGE);
  CHECK_EQ(w2c_i64_load(M, 2 * PAGE - 8, 0), 0);
  test_bounds();
  test_values();
  test_bulk();
  /* after a grow the old bounds are valid */
  CHECK_EQ(w2c_memory_grow(&mem, 1), 2);
  CHECK_NOTRAP_EQ(w2c_i32_load(M, v32(2 * PAGE), 0), 0);
  test_bounds();
  w2c_memory_free(&mem);
  test_grow();
#if W2C_BOUNDS_CHECK != W2C_BOUNDS_GUARD
  test_use_static();
#endif
#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC && W2C_STATIC_MEMORY_BYTES >= 4 * 65536 + 4096
  test_arena();
#endif
#if defined(FOREIGN_FAULT) && W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
  {
    /* a fault outside every linear memory (with one alive) is not a trap:
     * the default action must kill the process */
    volatile uint8_t *p = (volatile uint8_t *)mmap(NULL, 4096, PROT_NONE,
                                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_EQ(w2c_memory_alloc(&mem, 1, 1, 16), 0);
    check_done();
    fflush(stdout);
    return p[1];
  }
#endif
  return check_done();
}
