/* w2c_mem64.h: 64-bit memories (memory64): loads and stores, bulk memory
 * operations, size, grow and allocation with i64 addresses.  No guard region
 * covers every 64-bit address: accesses compare with the size, in every
 * configuration, unless guard pages are the configuration and
 * W2C_MEM64_GUARD (w2c_mem.h) is on, where only those whose address or
 * offset reach 2^32 do.  The emitter calls these helpers for 64-bit
 * memories only (w2c/opcodes64.py), whatever the module's 32-bit memories
 * use.  Included by w2c_mem.h at its end.
 * Also: the check of imported memories against the bounds configuration
 * (W2C_MEM_IMPORT_UNGUARDED, for 32- and 64-bit memories alike). */
#ifndef W2C_MEM64_H
#define W2C_MEM64_H

#include "w2c_mem.h"

/* ---- loads and stores of 64-bit memories (memory64) ------------------------
 * (mem, size, addr, offset[, value]) with 64-bit addresses and offsets,
 * checked under every W2C_BOUNDS_CHECK but W2C_NONCONFORMING_NO_BOUNDS_CHECK:
 * addr + offset + n <= size, computed without wraparound (offset and n are
 * constants, so k = offset + n folds, and two compares remain).  With
 * W2C_MEM64_GUARDED (w2c_mem.h: guard pages, W2C_MEM64_GUARD) the compare
 * is only made when addr or offset has a bit above bit 31: below, the access
 * stays inside the memory's guarded reservation, and a load whose value is
 * unused is still performed (W2C_FORCE_READ). */
static inline int w2c_oob64_(uint64_t size, uint64_t addr, uint64_t offset, uint64_t n) {
  uint64_t k = offset + n;
#if defined(__GNUC__)
  /* No memory is larger than PTRDIFF_MAX bytes (no allocator gives more).
   * Told to GCC, which otherwise warns (-Warray-bounds) of an access 2^63
   * bytes in on the path where a constant address passed the check. */
  if (size > (uint64_t)PTRDIFF_MAX) __builtin_unreachable();
#endif
  return k < offset || size < k || addr > size - k;
}
#if W2C_BOUNDS_CHECK == W2C_NONCONFORMING_NO_BOUNDS_CHECK
#define W2C_MEM64_CHECK(size, addr, offset, n) ((void)(size), (void)(n))
#elif defined(W2C_MEM64_GUARDED)
#define W2C_MEM64_CHECK(size, addr, offset, n)                        \
  if (W2C_UNLIKELY((((addr) | (offset)) >> 32) != 0) &&               \
      W2C_UNLIKELY(w2c_oob64_(size, addr, offset, n)))                \
  W2C_TRAP(W2C_TRAP_OOB_MEMORY)
#else
#define W2C_MEM64_CHECK(size, addr, offset, n) \
  if (W2C_UNLIKELY(w2c_oob64_(size, addr, offset, n))) W2C_TRAP(W2C_TRAP_OOB_MEMORY)
#endif
#ifdef W2C_MEM64_GUARDED
#define W2C_FORCE_READ64(r, v) W2C_FORCE_READ(r)
#define W2C_FORCE_READ64_FLOAT(r, v) W2C_FORCE_READ_FLOAT(r, v)
#else
#define W2C_FORCE_READ64(r, v) ((void)0)
#define W2C_FORCE_READ64_FLOAT(r, v) ((void)0)
#endif
#define W2C_LOAD64_(name, R, U, N, conv, FORCE)                                              \
  static inline R name(const uint8_t *mem, uint64_t size, uint64_t addr, uint64_t offset) { \
    U v;                                                                                     \
    R r;                                                                                     \
    W2C_MEM64_CHECK(size, addr, offset, N);                                                  \
    W2C_MEMCPY(&v, mem + (size_t)(addr + offset), N);                                        \
    r = conv;                                                                                \
    FORCE(r, v);                                                                             \
    return r;                                                                                \
  }
#define W2C_LOAD64(name, R, U, N, conv) W2C_LOAD64_(name, R, U, N, conv, W2C_FORCE_READ64)
#define W2C_LOAD64_FLOAT(name, R, U, N, conv) \
  W2C_LOAD64_(name, R, U, N, conv, W2C_FORCE_READ64_FLOAT)
#define W2C_STORE64(name, V, U, N, conv)                                                         \
  static inline void name(uint8_t *mem, uint64_t size, uint64_t addr, uint64_t offset, V val) { \
    U v = conv;                                                                                  \
    W2C_MEM64_CHECK(size, addr, offset, N);                                                      \
    W2C_MEMCPY(mem + (size_t)(addr + offset), &v, N);                                            \
  }
W2C_LOAD64(w2c_i32_load_a64, uint32_t, uint32_t, 4, W2C_LE32(v))
W2C_LOAD64(w2c_i64_load_a64, uint64_t, uint64_t, 8, W2C_LE64(v))
W2C_LOAD64_FLOAT(w2c_f32_load_a64, float, uint32_t, 4, w2c_f32_bits(W2C_LE32(v)))
W2C_LOAD64_FLOAT(w2c_f64_load_a64, double, uint64_t, 8, w2c_f64_bits(W2C_LE64(v)))
W2C_LOAD64(w2c_i32_load8_s_a64, uint32_t, uint8_t, 1, W2C_SEXT8_32(v))
W2C_LOAD64(w2c_i32_load8_u_a64, uint32_t, uint8_t, 1, (uint32_t)v)
W2C_LOAD64(w2c_i32_load16_s_a64, uint32_t, uint16_t, 2, W2C_SEXT16_32(W2C_LE16(v)))
W2C_LOAD64(w2c_i32_load16_u_a64, uint32_t, uint16_t, 2, (uint32_t)W2C_LE16(v))
W2C_LOAD64(w2c_i64_load8_s_a64, uint64_t, uint8_t, 1, W2C_SEXT8_64(v))
W2C_LOAD64(w2c_i64_load8_u_a64, uint64_t, uint8_t, 1, (uint64_t)v)
W2C_LOAD64(w2c_i64_load16_s_a64, uint64_t, uint16_t, 2, W2C_SEXT16_64(W2C_LE16(v)))
W2C_LOAD64(w2c_i64_load16_u_a64, uint64_t, uint16_t, 2, (uint64_t)W2C_LE16(v))
W2C_LOAD64(w2c_i64_load32_s_a64, uint64_t, uint32_t, 4, W2C_SEXT32_64(W2C_LE32(v)))
W2C_LOAD64(w2c_i64_load32_u_a64, uint64_t, uint32_t, 4, (uint64_t)W2C_LE32(v))
W2C_STORE64(w2c_i32_store_a64, uint32_t, uint32_t, 4, W2C_LE32(val))
W2C_STORE64(w2c_i64_store_a64, uint64_t, uint64_t, 8, W2C_LE64(val))
W2C_STORE64(w2c_f32_store_a64, float, uint32_t, 4, W2C_LE32(w2c_i32_reinterpret_f32(val)))
W2C_STORE64(w2c_f64_store_a64, double, uint64_t, 8, W2C_LE64(w2c_i64_reinterpret_f64(val)))
W2C_STORE64(w2c_i32_store8_a64, uint32_t, uint8_t, 1, (uint8_t)(val & 0xFFu))
W2C_STORE64(w2c_i32_store16_a64, uint32_t, uint16_t, 2, W2C_LE16((uint16_t)(val & 0xFFFFu)))
W2C_STORE64(w2c_i64_store8_a64, uint64_t, uint8_t, 1, (uint8_t)(val & 0xFFu))
W2C_STORE64(w2c_i64_store16_a64, uint64_t, uint16_t, 2, W2C_LE16((uint16_t)(val & 0xFFFFu)))
W2C_STORE64(w2c_i64_store32_a64, uint64_t, uint32_t, 4,
            W2C_LE32((uint32_t)(val & 0xFFFFFFFFu)))
/* The n bytes at addr + offset of a 64-bit memory, checked as above: SIMD
 * accesses call the 32-bit memories' helpers on them (w2c/opcodes64.py:
 * `w2c_v128_load(w2c_mem64_at(mem, size, addr, offset, 16u), 16u, 0u, 0u)`). */
static inline uint8_t *w2c_mem64_at(uint8_t *mem, uint64_t size, uint64_t addr, uint64_t offset,
                                    uint64_t n) {
  W2C_MEM64_CHECK(size, addr, offset, n);
  return mem + (size_t)(addr + offset);
}
#undef W2C_LOAD64_
#undef W2C_LOAD64
#undef W2C_LOAD64_FLOAT
#undef W2C_STORE64

/* Bulk memory on 64-bit memories: [d, d + n) within size, without wraparound. */
static inline int w2c_range_oob64_(uint64_t size, uint64_t d, uint64_t n) {
  return d > size || n > size - d;
}
/* After that check n <= size <= PTRDIFF_MAX: told to GCC, which otherwise
 * warns (-Wstringop-overflow) of a constant n near 2^64 on the path where
 * the check passed. */
#if defined(__GNUC__)
#define W2C_MEM64_FITS_(n) \
  do { if ((n) > (uint64_t)PTRDIFF_MAX) __builtin_unreachable(); } while (0)
#else
#define W2C_MEM64_FITS_(n) ((void)0)
#endif
static inline void w2c_memory_fill64(uint8_t *mem, uint64_t size, uint64_t d, uint32_t val,
                                     uint64_t n) {
  if (W2C_UNLIKELY(w2c_range_oob64_(size, d, n))) W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  W2C_MEM64_FITS_(n);
  if (n) W2C_MEMSET(mem + (size_t)d, (int)(val & 0xFFu), (size_t)n);
}
/* memory.copy where either memory is 64-bit (or both; the same one too). */
static inline void w2c_memory_copy_between64(uint8_t *dmem, uint64_t dsize, const uint8_t *smem,
                                             uint64_t ssize, uint64_t d, uint64_t s,
                                             uint64_t n) {
  if (W2C_UNLIKELY(w2c_range_oob64_(dsize, d, n) || w2c_range_oob64_(ssize, s, n)))
    W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  W2C_MEM64_FITS_(n);
  if (n) W2C_MEMMOVE(dmem + (size_t)d, smem + (size_t)s, (size_t)n);
}
static inline void w2c_memory_init64(uint8_t *mem, uint64_t size, const uint8_t *seg,
                                     uint32_t seg_len, uint64_t d, uint32_t s, uint32_t n) {
  if (W2C_UNLIKELY((uint64_t)s + n > seg_len || w2c_range_oob64_(size, d, n)))
    W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  if (n) W2C_MEMCPY(mem + (size_t)d, seg + s, n);
}

/* memory.init into a 64-bit memory of a segment stored in pieces (split output). */
static inline void w2c_memory_init_pieces64(uint8_t *mem, uint64_t size,
                                            const uint8_t *const *pieces, uint32_t piece_size,
                                            uint32_t seg_len, uint64_t d, uint32_t s,
                                            uint32_t n) {
  if (W2C_UNLIKELY((uint64_t)s + n > seg_len || w2c_range_oob64_(size, d, n)))
    W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  while (n) {
    uint32_t at = s % piece_size, c = piece_size - at;
    if (c > n) c = n;
    W2C_MEMCPY(mem + (size_t)d, pieces[s / piece_size] + at, c);
    d += c;
    s += c;
    n -= c;
  }
}

/* ---- size, grow, allocation --------------------------------------------- */
static inline uint64_t w2c_memory_pages64(const w2c_memory *m) { return m->pages; }

/* w2c_mem_reset_ for a 64-bit memory: the limit is the host's address space. */
static inline uint64_t w2c_mem_reset64_(w2c_memory *m, uint64_t max_pages, uint32_t page_log2) {
  uint64_t limit = (uint64_t)SIZE_MAX >> (page_log2 <= 16 ? page_log2 : 16);
  uint64_t max = max_pages < limit ? max_pages : limit;
  w2c_mem_reset_(m, max_pages, page_log2);
  m->max_pages = max;
  m->is64 = 1;
  return max;
}

/* w2c_memory_alloc for a 64-bit memory (memory64): max_pages may be up to
 * 2^64 bytes' worth; the memory grows as far as the host allows. */
static inline int w2c_memory_alloc64(w2c_memory *m, uint64_t initial_pages, uint64_t max_pages,
                                     uint32_t page_log2) {
  return w2c_mem_start_(m, initial_pages, w2c_mem_reset64_(m, max_pages, page_log2), page_log2);
}

#if W2C_BOUNDS_CHECK != W2C_BOUNDS_GUARD
/* w2c_memory_use_static for a 64-bit memory (memory64). */
static inline int w2c_memory_use_static64(w2c_memory *m, uint8_t *buf, uint64_t capacity_bytes,
                                          uint64_t initial_pages, uint64_t max_pages,
                                          uint32_t page_log2) {
  uint64_t max = w2c_mem_reset64_(m, max_pages, page_log2);
  int r = w2c_memory_use_static(m, buf, capacity_bytes, initial_pages,
                                max_pages < max ? max_pages : max, page_log2);
  m->has_max = max_pages != UINT64_MAX;
  m->max_pages = max;
  m->is64 = 1;
  return r;
}
#endif

/* memory.grow of a 64-bit memory: the old size in pages, or UINT64_MAX. */
static inline uint64_t w2c_memory_grow64(w2c_memory *m, uint64_t delta) {
  uint64_t old = m->pages, bytes;
  if (delta == 0) return old;
  if (delta > m->max_pages - old) return UINT64_MAX;
  bytes = (old + delta) << m->page_log2;
  if (w2c_mem_extend_(m, bytes) != 0) return UINT64_MAX;
  m->pages = old + delta;
  m->size = bytes;
  return old;
}

/* ---- imported memories ------------------------------------------------------
 * A module built with W2C_BOUNDS_GUARD emits no compare for accesses that the
 * guard pages bound, so it must refuse (W2C_ERR_IMPORT) an imported memory
 * whose accesses past its size would not fault: one the host made in a file
 * built with other settings (malloc, a buffer of its own, a memory without
 * the reservation).  Such a memory has no registered guard range: its reset
 * clears the range, and only a guarded reservation registers one.  Without
 * guard pages every memory is accepted (explicit checks bound them all). */
static inline int w2c_memory_guarded_(const w2c_memory *m) {
  return m->guard.bytes != 0 && m->guard.base == (uintptr_t)m->data;
}
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
#define W2C_MEM_IMPORT_UNGUARDED(m) (!w2c_memory_guarded_(m))
#else
#define W2C_MEM_IMPORT_UNGUARDED(m) 0
#endif
#ifdef W2C_MEM64_GUARDED
#define W2C_MEM64_IMPORT_UNGUARDED(m) (!w2c_memory_guarded_(m))
#else
#define W2C_MEM64_IMPORT_UNGUARDED(m) 0
#endif

#endif /* W2C_MEM64_H */
