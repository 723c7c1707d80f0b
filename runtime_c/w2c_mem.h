/* w2c_mem.h: linear memories (allocation per W2C_MEMORY_ALLOC, guard pages
 * per W2C_BOUNDS_CHECK: each reservation registered with the fault handler
 * of w2c_guard.h), loads and stores, bulk memory operations. */
#ifndef W2C_MEM_H
#define W2C_MEM_H

#include "w2c_trap.h"
#include "w2c_guard.h"

typedef struct w2c_memory {
  uint8_t *data;       /* base; NULL while size is 0 (except W2C_ALLOC_MMAP) */
  uint64_t size;       /* bytes: pages << page_log2 */
  uint64_t pages;      /* current size in pages */
  uint64_t max_pages;  /* effective limit: the declared max, else the 4 GiB limit
                          (64-bit memories: the host's address space) */
  uint32_t page_log2;  /* 16 for 64 KiB pages (0 for 1-byte custom pages) */
  uint8_t has_max;     /* 1 if a maximum was declared (import matching) */
  uint8_t is64;        /* 1 for a 64-bit memory (memory64): i64 addresses,
                          explicit bounds checks in every configuration */
  uint8_t shared;      /* 1 for a shared memory (threads; import matching, wait) */
  /* private */
  uint8_t kind;        /* W2C_MEMKIND_* */
  uint64_t capacity;   /* bytes usable without moving data (reserved bytes for mmap) */
  w2c_guard_range guard; /* its reservation, registered (W2C_BOUNDS_GUARD) */
} w2c_memory;

enum { W2C_MEMKIND_NONE, W2C_MEMKIND_MALLOC, W2C_MEMKIND_MMAP, W2C_MEMKIND_ARENA,
       W2C_MEMKIND_USER };

/* W2C_MEM_BASE: the type of a function's local copy of a memory's base.
 * Memories never move under W2C_ALLOC_MMAP (grown in place in their
 * reservation) and W2C_ALLOC_STATIC, so the copy is `const` and never
 * reloaded (W2C_MEM_RELOAD_BASE does nothing); realloc may move them. */
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MALLOC
#define W2C_MEM_BASE uint8_t *
#define W2C_MEM_RELOAD_BASE(base, data) ((base) = (data))
#else
#define W2C_MEM_BASE uint8_t *const
#define W2C_MEM_RELOAD_BASE(base, data) ((void)0)
#endif

/* W2C_MEM_FIXED_SIZE(size, n, static_only): the size of a memory that cannot
 * grow, as the translator knows it: n bytes (its declared initial size) in
 * every build if static_only is 0 (its limit is its initial size), in
 * W2C_ALLOC_STATIC builds only if 1 (their array holds only the initial
 * size); else `size`, the memory's field.  A constant makes each bounds
 * check a compare with an immediate. */
#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
#define W2C_MEM_FIXED_SIZE(size, n, static_only) (n)
#else
#define W2C_MEM_FIXED_SIZE(size, n, static_only) ((static_only) ? (size) : (n))
#endif

/* ---- little-endian memory on any host ------------------------------------ */
#if W2C_BIG_ENDIAN
#ifdef W2C_GNU_BUILTINS
#define W2C_LE16(x) __builtin_bswap16(x)
#define W2C_LE32(x) __builtin_bswap32(x)
#define W2C_LE64(x) __builtin_bswap64(x)
#else
static inline uint16_t W2C_LE16(uint16_t x) { return (uint16_t)((x >> 8) | (x << 8)); }
static inline uint32_t W2C_LE32(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xFF00u) | ((x & 0xFF00u) << 8) | (x << 24);
}
static inline uint64_t W2C_LE64(uint64_t x) {
  return ((uint64_t)W2C_LE32((uint32_t)x) << 32) | W2C_LE32((uint32_t)(x >> 32));
}
#endif
#else
#define W2C_LE16(x) (x)
#define W2C_LE32(x) (x)
#define W2C_LE64(x) (x)
#endif

/* ---- loads and stores: (mem, size, addr, offset[, value]) ------------------ */
/* W2C_MEM_CHECK traps unless [addr + offset, addr + offset + n) lies in the
 * memory's `size` bytes.  The constant offset + n is folded into the limit:
 * addr > size - (offset + n), in signed 64-bit arithmetic (size <= 2^32,
 * addr and offset < 2^32: no wrap, so exactly addr + offset + n > size), so
 * that the compiler computes the limit once where size does not change (a
 * loop without calls) and each access costs one compare and branch.
 * W2C_MEM_CHECK_END(size, addr, end) checks [addr, addr + end) for an access
 * whose range an earlier, dominating check covers (W2C_*_LOAD_NC below). */
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_EXPLICIT
#define W2C_MEM_CHECK(size, addr, offset, n)                                      \
  if (W2C_UNLIKELY((int64_t)(uint64_t)(addr) >                                    \
                   (int64_t)(size) - (int64_t)((uint64_t)(offset) + (n))))        \
  W2C_TRAP(W2C_TRAP_OOB_MEMORY)
#define W2C_MEM_CHECK_END(size, addr, end) W2C_MEM_CHECK(size, addr, end, 0)
#else /* guard pages catch it, or nonconforming: no check */
#define W2C_MEM_CHECK(size, addr, offset, n) (void)(size)
#define W2C_MEM_CHECK_END(size, addr, end) ((void)(size), (void)(addr))
#endif
/* W2C_LOOP_COPIES: 1 where the emitter's unchecked copies of loops are
 * compiled (w2c/emit/loops.py: one test before a loop chooses the copy
 * whose accesses it shows in bounds): with explicit checks.  Elsewhere 0,
 * and the compiler sees each loop as it was without them. */
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_EXPLICIT
#define W2C_LOOP_COPIES 1
#else
#define W2C_LOOP_COPIES 0
#endif
/* With guard pages the access itself is the check: a load whose value is
 * unused must still happen, so its value is "used" by an empty asm.  The
 * converted value (sign- or zero-extended), so that the extension stays
 * part of the load instruction (movsbl mem, not movzbl then movsbl). */
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD && defined(__GNUC__)
#define W2C_FORCE_READ(v) __asm__("" : : "r"(v))
/* A float load's value stays in a float register (else gcc moves it through
 * an integer one and cannot fold the load into the arithmetic). */
#if defined(__x86_64__)
#define W2C_FORCE_READ_FLOAT(r, v) __asm__("" : : "x"(r))
#elif defined(__aarch64__)
#define W2C_FORCE_READ_FLOAT(r, v) __asm__("" : : "w"(r))
#else
#define W2C_FORCE_READ_FLOAT(r, v) W2C_FORCE_READ(v)
#endif
#else
#define W2C_FORCE_READ(v) ((void)0)
#define W2C_FORCE_READ_FLOAT(r, v) ((void)0)
#endif

/* FORCE: how the loaded value is kept alive (r: the converted value, v: the bits).
 * Each access comes in two forms: `name` checks its range, `name##_nc` does
 * not: the emitter writes it where an earlier check in the same function,
 * on every path to the access, covered the same address value's range
 * (memory never shrinks), or the range lies below the declared minimum. */
#define W2C_LOAD_(name, CHECK, R, U, N, conv, FORCE)                                        \
  W2C_ACCESS_FN R name(const uint8_t *mem, uint64_t size, uint32_t addr, uint32_t offset) { \
    U v;                                                                                    \
    R r;                                                                                    \
    CHECK;                                                                                  \
    W2C_MEMCPY(&v, mem + (uint64_t)addr + offset, N);                                       \
    r = conv;                                                                               \
    FORCE;                                                                                  \
    return r;                                                                               \
  }
#define W2C_LOAD(name, R, U, N, conv)                                                \
  W2C_LOAD_(name, W2C_MEM_CHECK(size, addr, offset, N), R, U, N, conv, W2C_FORCE_READ(r)) \
  W2C_LOAD_(name##_nc, (void)size, R, U, N, conv, W2C_FORCE_READ(r))
#define W2C_LOAD_FLOAT(name, R, U, N, conv)                                           \
  W2C_LOAD_(name, W2C_MEM_CHECK(size, addr, offset, N), R, U, N, conv,               \
            W2C_FORCE_READ_FLOAT(r, v))                                               \
  W2C_LOAD_(name##_nc, (void)size, R, U, N, conv, W2C_FORCE_READ_FLOAT(r, v))
#define W2C_STORE_(name, CHECK, V, U, N, conv)                                                  \
  W2C_ACCESS_FN void name(uint8_t *mem, uint64_t size, uint32_t addr, uint32_t offset, V val) { \
    U v = conv;                                                                                 \
    CHECK;                                                                                      \
    W2C_MEMCPY(mem + (uint64_t)addr + offset, &v, N);                                           \
  }
#define W2C_STORE(name, V, U, N, conv)                                   \
  W2C_STORE_(name, W2C_MEM_CHECK(size, addr, offset, N), V, U, N, conv) \
  W2C_STORE_(name##_nc, (void)size, V, U, N, conv)
/* Sign extension: GCC and clang define narrowing to a signed type as modulo
 * 2^N, and the casts compile to one sign-extending load (movsx, ldrsb);
 * elsewhere in unsigned arithmetic: (v ^ signbit) - signbit. */
#ifdef W2C_GNU_BUILTINS
#define W2C_SEXT8_32(v) ((uint32_t)(int32_t)(int8_t)(v))
#define W2C_SEXT16_32(v) ((uint32_t)(int32_t)(int16_t)(v))
#define W2C_SEXT8_64(v) ((uint64_t)(int64_t)(int8_t)(v))
#define W2C_SEXT16_64(v) ((uint64_t)(int64_t)(int16_t)(v))
#define W2C_SEXT32_64(v) ((uint64_t)(int64_t)(int32_t)(v))
#else
#define W2C_SEXT8_32(v) (((uint32_t)(v) ^ 0x80u) - 0x80u)
#define W2C_SEXT16_32(v) (((uint32_t)(v) ^ 0x8000u) - 0x8000u)
#define W2C_SEXT8_64(v) (((uint64_t)(v) ^ 0x80u) - 0x80u)
#define W2C_SEXT16_64(v) (((uint64_t)(v) ^ 0x8000u) - 0x8000u)
#define W2C_SEXT32_64(v) (((uint64_t)(v) ^ 0x80000000u) - 0x80000000u)
#endif
W2C_LOAD(w2c_i32_load, uint32_t, uint32_t, 4, W2C_LE32(v))
W2C_LOAD(w2c_i64_load, uint64_t, uint64_t, 8, W2C_LE64(v))
W2C_LOAD_FLOAT(w2c_f32_load, float, uint32_t, 4, w2c_f32_bits(W2C_LE32(v)))
W2C_LOAD_FLOAT(w2c_f64_load, double, uint64_t, 8, w2c_f64_bits(W2C_LE64(v)))
W2C_LOAD(w2c_i32_load8_s, uint32_t, uint8_t, 1, W2C_SEXT8_32(v))
W2C_LOAD(w2c_i32_load8_u, uint32_t, uint8_t, 1, (uint32_t)v)
W2C_LOAD(w2c_i32_load16_s, uint32_t, uint16_t, 2, W2C_SEXT16_32(W2C_LE16(v)))
W2C_LOAD(w2c_i32_load16_u, uint32_t, uint16_t, 2, (uint32_t)W2C_LE16(v))
W2C_LOAD(w2c_i64_load8_s, uint64_t, uint8_t, 1, W2C_SEXT8_64(v))
W2C_LOAD(w2c_i64_load8_u, uint64_t, uint8_t, 1, (uint64_t)v)
W2C_LOAD(w2c_i64_load16_s, uint64_t, uint16_t, 2, W2C_SEXT16_64(W2C_LE16(v)))
W2C_LOAD(w2c_i64_load16_u, uint64_t, uint16_t, 2, (uint64_t)W2C_LE16(v))
W2C_LOAD(w2c_i64_load32_s, uint64_t, uint32_t, 4, W2C_SEXT32_64(W2C_LE32(v)))
W2C_LOAD(w2c_i64_load32_u, uint64_t, uint32_t, 4, (uint64_t)W2C_LE32(v))
W2C_STORE(w2c_i32_store, uint32_t, uint32_t, 4, W2C_LE32(val))
W2C_STORE(w2c_i64_store, uint64_t, uint64_t, 8, W2C_LE64(val))
W2C_STORE(w2c_f32_store, float, uint32_t, 4, W2C_LE32(w2c_i32_reinterpret_f32(val)))
W2C_STORE(w2c_f64_store, double, uint64_t, 8, W2C_LE64(w2c_i64_reinterpret_f64(val)))
W2C_STORE(w2c_i32_store8, uint32_t, uint8_t, 1, (uint8_t)(val & 0xFFu))
W2C_STORE(w2c_i32_store16, uint32_t, uint16_t, 2, W2C_LE16((uint16_t)(val & 0xFFFFu)))
W2C_STORE(w2c_i64_store8, uint64_t, uint8_t, 1, (uint8_t)(val & 0xFFu))
W2C_STORE(w2c_i64_store16, uint64_t, uint16_t, 2, W2C_LE16((uint16_t)(val & 0xFFFFu)))
W2C_STORE(w2c_i64_store32, uint64_t, uint32_t, 4, W2C_LE32((uint32_t)(val & 0xFFFFFFFFu)))
#undef W2C_LOAD_
#undef W2C_LOAD
#undef W2C_LOAD_FLOAT
#undef W2C_STORE
#undef W2C_STORE_

/* ---- bulk memory: always checked, before anything is written ------------- */
static inline void w2c_memory_fill(uint8_t *mem, uint64_t size, uint32_t d, uint32_t val,
                                   uint32_t n) {
  if (W2C_UNLIKELY((uint64_t)d + n > size)) W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  if (n) W2C_MEMSET(mem + d, (int)(val & 0xFFu), n);
}
static inline void w2c_memory_copy(uint8_t *mem, uint64_t size, uint32_t d, uint32_t s,
                                   uint32_t n) {
  if (W2C_UNLIKELY((uint64_t)d + n > size || (uint64_t)s + n > size))
    W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  if (n) W2C_MEMMOVE(mem + d, mem + s, n);
}
/* memory.copy from one memory to another (multi-memory). */
static inline void w2c_memory_copy_between(uint8_t *dmem, uint64_t dsize, const uint8_t *smem,
                                           uint64_t ssize, uint32_t d, uint32_t s, uint32_t n) {
  if (W2C_UNLIKELY((uint64_t)d + n > dsize || (uint64_t)s + n > ssize))
    W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  if (n) W2C_MEMMOVE(dmem + d, smem + s, n);
}
/* memory.init from a data segment of seg_len bytes (0 once dropped). */
static inline void w2c_memory_init(uint8_t *mem, uint64_t size, const uint8_t *seg,
                                   uint32_t seg_len, uint32_t d, uint32_t s, uint32_t n) {
  if (W2C_UNLIKELY((uint64_t)s + n > seg_len || (uint64_t)d + n > size))
    W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  if (n) W2C_MEMCPY(mem + d, seg + s, n);
}

/* memory.init of a segment stored in pieces of piece_size bytes (split output:
   the pieces live in several C files; the last piece may be shorter). */
static inline void w2c_memory_init_pieces(uint8_t *mem, uint64_t size,
                                          const uint8_t *const *pieces, uint32_t piece_size,
                                          uint32_t seg_len, uint32_t d, uint32_t s, uint32_t n) {
  if (W2C_UNLIKELY((uint64_t)s + n > seg_len || (uint64_t)d + n > size))
    W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  while (n) {
    uint32_t at = s % piece_size, c = piece_size - at;
    if (c > n) c = n;
    W2C_MEMCPY(mem + d, pieces[s / piece_size] + at, c);
    d += c;
    s += c;
    n -= c;
  }
}

/* ---- limits ------------------------------------------------------------------ */
/* Most pages a 32-bit memory may have: 2^32 bytes, and at most 2^32-1 pages. */
static inline uint64_t w2c_page_limit_(uint32_t page_log2) {
  return page_log2 == 0 ? 0xFFFFFFFFu : UINT64_C(1) << (32 - page_log2);
}
static inline uint32_t w2c_memory_pages(const w2c_memory *m) { return (uint32_t)m->pages; }

/* ---- storage backends ------------------------------------------------------ */
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MALLOC || W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP
#include <stdlib.h>
#endif
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP
#include <sys/mman.h>
#include <unistd.h>
#ifndef MAP_ANONYMOUS
#ifdef MAP_ANON
#define MAP_ANONYMOUS MAP_ANON
#else
#error "w2c: W2C_ALLOC_MMAP needs MAP_ANONYMOUS: include w2c_rt.h before any system header, or compile with -D_DEFAULT_SOURCE."
#endif
#endif
#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

static inline uint64_t w2c_os_page_(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (uint64_t)p : 4096u;
}
static inline uint64_t w2c_round_up_(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
/* Each guarded memory reserves every address a load or store can form:
 * 2^32-1 (addr) + 2^32-1 (offset) + 8 (width), plus a guard. */
#define W2C_GUARD_RESERVE ((UINT64_C(1) << 33) + 65536u)
#endif

/* W2C_MEM64_RESERVE: the address space (bytes) W2C_ALLOC_MMAP reserves for a
 * 64-bit memory (memory64), which grows in place up to this or its declared
 * maximum, whichever is smaller; memory.grow past it returns -1.  Default:
 * 2^34 (16 GiB) on 64-bit hosts, 2^30 on others (where a smaller
 * reservation is tried if that fails). */
#ifndef W2C_MEM64_RESERVE
#if UINTPTR_MAX > 0xFFFFFFFFu
#define W2C_MEM64_RESERVE (UINT64_C(1) << 34)
#else
#define W2C_MEM64_RESERVE (UINT64_C(1) << 30)
#endif
#endif

/* W2C_MEM64_GUARD: with W2C_BOUNDS_GUARD, a 64-bit memory is guarded too:
 * its reservation is at least W2C_GUARD_RESERVE and registered with the
 * fault handler, so a load or store whose address and offset are both below
 * 2^32 (it stays below 2^33 + 8) needs no compare with the size, only a test
 * of their high bits (w2c_mem64.h); others compare.  Default: 1; 0: 64-bit
 * memories compare always. */
#ifndef W2C_MEM64_GUARD
#define W2C_MEM64_GUARD 1
#endif
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD && W2C_MEM64_GUARD
#define W2C_MEM64_GUARDED
#endif

/* Reserve address space (PROT_NONE), make the first `bytes` accessible. */
static inline int w2c_mmap_obtain_(w2c_memory *m, uint64_t bytes, uint64_t max_bytes) {
  uint64_t page = w2c_os_page_(), reserve;
  int guarded = 0;
  void *p;
  if (m->is64 && max_bytes > (uint64_t)W2C_MEM64_RESERVE) max_bytes = W2C_MEM64_RESERVE;
  reserve = w2c_round_up_(max_bytes, page);
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
#ifndef W2C_MEM64_GUARDED
  if (!m->is64)
#endif
  {
    /* Accesses past the size must fault: pages no smaller than the OS's. */
    if (((UINT64_C(1) << m->page_log2) % page) != 0 || w2c_guard_init() != 0) return -1;
    if (!m->is64 || reserve < W2C_GUARD_RESERVE) reserve = W2C_GUARD_RESERVE;
    guarded = 1;
  }
#endif
  if (reserve == 0) {
    m->kind = W2C_MEMKIND_MMAP;
    return 0;
  }
  p = reserve <= (uint64_t)SIZE_MAX
          ? mmap(NULL, (size_t)reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
          : MAP_FAILED;
  if (p == MAP_FAILED && !guarded && w2c_round_up_(bytes, page) < reserve) {
    /* Not that much address space (32-bit host): no room to grow in place.
       (A guarded memory needs its whole reservation.) */
    reserve = w2c_round_up_(bytes, page);
    if (reserve == 0) {
      m->kind = W2C_MEMKIND_MMAP;
      return 0;
    }
    p = mmap(NULL, (size_t)reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (p == MAP_FAILED) return -1;
  if (bytes && mprotect(p, (size_t)w2c_round_up_(bytes, page), PROT_READ | PROT_WRITE) != 0) {
    munmap(p, (size_t)reserve);
    return -1;
  }
  m->data = (uint8_t *)p;
  m->kind = W2C_MEMKIND_MMAP;
  m->capacity = reserve;
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
  if (guarded) w2c_guard_add_(&m->guard, p, reserve); /* so m must not move while allocated */
#endif
  return 0;
}

/* Fresh anonymous pages read as zero; nothing is ever taken back. */
static inline int w2c_mmap_extend_(w2c_memory *m, uint64_t new_bytes) {
  if (new_bytes > m->capacity) return -1;
  return mprotect(m->data, (size_t)w2c_round_up_(new_bytes, w2c_os_page_()),
                  PROT_READ | PROT_WRITE) == 0 ? 0 : -1;
}

static inline void w2c_mmap_release_(w2c_memory *m) {
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
  w2c_guard_remove_(&m->guard); /* (nothing if it was not registered) */
#endif
  if (m->capacity) munmap(m->data, (size_t)m->capacity);
}
#endif /* W2C_ALLOC_MMAP */

#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
/* The static arena: memories are carved from its bottom, tables from its
 * top.  The topmost memory grows in place into the free middle; the others
 * only up to their first size.  Freeing the topmost memory or bottommost
 * table gives its space back; other frees leak until those are freed. */
#define W2C_ARENA_WORDS (((uint64_t)(W2C_STATIC_MEMORY_BYTES) + 7) / 8)
#define W2C_ARENA_BYTES (W2C_ARENA_WORDS * 8)
#if W2C_STATIC_MEMORY_BYTES > 0
W2C_GLOBAL(uint64_t, w2c_static_arena[W2C_ARENA_WORDS]);
#endif
W2C_GLOBAL(uint64_t, w2c_static_lo); /* bytes used at the bottom (memories) */
W2C_GLOBAL(uint64_t, w2c_static_hi); /* bytes used at the top (tables) */

static inline uint64_t w2c_align8_(uint64_t x) { return (x + 7) & ~(uint64_t)7; }
/* Saturating, so the compiler can see that free space is at most the arena. */
static inline uint64_t w2c_arena_free_(void) {
#if W2C_STATIC_MEMORY_BYTES > 0
  uint64_t used = w2c_static_lo + w2c_static_hi;
  return used < W2C_ARENA_BYTES ? W2C_ARENA_BYTES - used : 0;
#else
  return 0;
#endif
}

static inline int w2c_arena_obtain_memory_(w2c_memory *m, uint64_t bytes) {
  uint64_t need = w2c_align8_(bytes);
  if (need > w2c_arena_free_()) return -1;
#if W2C_STATIC_MEMORY_BYTES > 0
  m->data = (uint8_t *)w2c_static_arena + w2c_static_lo;
  m->kind = W2C_MEMKIND_ARENA;
  m->capacity = need;
  w2c_static_lo += need;
  if (need) W2C_MEMSET(m->data, 0, (size_t)need); /* may hold a freed memory's bytes */
#else
  (void)m;
#endif
  return 0;
}

static inline int w2c_arena_extend_memory_(w2c_memory *m, uint64_t new_bytes) {
#if W2C_STATIC_MEMORY_BYTES > 0
  uint64_t need = w2c_align8_(new_bytes);
  if (m->data + m->capacity != (uint8_t *)w2c_static_arena + w2c_static_lo) return -1;
  if (need - m->capacity > w2c_arena_free_()) return -1;
  w2c_static_lo += need - m->capacity;
  m->capacity = need;
  return 0;
#else
  (void)m;
  (void)new_bytes;
  return -1;
#endif
}

static inline void w2c_arena_release_memory_(uint8_t *p, uint64_t capacity) {
#if W2C_STATIC_MEMORY_BYTES > 0
  if (p + capacity == (uint8_t *)w2c_static_arena + w2c_static_lo) w2c_static_lo -= capacity;
#else
  (void)p;
  (void)capacity;
#endif
}

/* `bytes` for a table at the top, or NULL (also for 0 bytes). */
static inline void *w2c_arena_obtain_table_(uint64_t bytes) {
#if W2C_STATIC_MEMORY_BYTES > 0
  uint64_t need = w2c_align8_(bytes);
  if (need == 0 || need > w2c_arena_free_()) return NULL;
  w2c_static_hi += need;
  return (uint8_t *)w2c_static_arena + (W2C_ARENA_BYTES - w2c_static_hi);
#else
  (void)bytes;
  return NULL;
#endif
}

static inline void w2c_arena_release_table_(void *p, uint64_t bytes) {
#if W2C_STATIC_MEMORY_BYTES > 0
  uint64_t need = w2c_align8_(bytes);
  if (p != NULL && (uint8_t *)p == (uint8_t *)w2c_static_arena + (W2C_ARENA_BYTES - w2c_static_hi))
    w2c_static_hi -= need;
#else
  (void)p;
  (void)bytes;
#endif
}
#endif /* W2C_ALLOC_STATIC */

/* Get `bytes` (zeroed) of storage able to grow to `max_bytes`; 0 or -1. */
static inline int w2c_mem_obtain_(w2c_memory *m, uint64_t bytes, uint64_t max_bytes) {
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MALLOC
  (void)max_bytes;
  if (bytes > (uint64_t)SIZE_MAX) return -1;
  if (bytes) {
    m->data = (uint8_t *)calloc(1, (size_t)bytes);
    if (m->data == NULL) return -1;
  }
  m->kind = W2C_MEMKIND_MALLOC;
  m->capacity = bytes;
  return 0;
#elif W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP
  return w2c_mmap_obtain_(m, bytes, max_bytes);
#else
  (void)max_bytes;
  return w2c_arena_obtain_memory_(m, bytes);
#endif
}

/* Make [size, new_bytes) usable and zero; data may move (MALLOC). 0 or -1. */
static inline int w2c_mem_extend_(w2c_memory *m, uint64_t new_bytes) {
  if (new_bytes <= m->capacity && m->kind != W2C_MEMKIND_MMAP) {
    W2C_MEMSET(m->data + m->size, 0, (size_t)(new_bytes - m->size));
    return 0;
  }
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MALLOC
  if (m->kind == W2C_MEMKIND_MALLOC && new_bytes <= (uint64_t)SIZE_MAX) {
    uint8_t *p = (uint8_t *)realloc(m->data, (size_t)new_bytes);
    if (p == NULL) return -1;
    W2C_MEMSET(p + m->size, 0, (size_t)(new_bytes - m->size));
    m->data = p;
    m->capacity = new_bytes;
    return 0;
  }
#elif W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP
  if (m->kind == W2C_MEMKIND_MMAP) return w2c_mmap_extend_(m, new_bytes);
#else
  if (m->kind == W2C_MEMKIND_ARENA && w2c_arena_extend_memory_(m, new_bytes) == 0) {
    W2C_MEMSET(m->data + m->size, 0, (size_t)(new_bytes - m->size));
    return 0;
  }
#endif
  return -1;
}

/* ---- the memory API ---------------------------------------------------------- */
/* An empty memory with these limits; returns the effective max pages. */
static inline uint64_t w2c_mem_reset_(w2c_memory *m, uint64_t max_pages, uint32_t page_log2) {
  uint64_t limit = w2c_page_limit_(page_log2 <= 16 ? page_log2 : 16);
  uint64_t max = max_pages < limit ? max_pages : limit;
  m->data = NULL;
  m->size = m->capacity = 0;
  m->pages = 0;
  m->kind = W2C_MEMKIND_NONE;
  m->guard.base = 0;
  m->guard.bytes = 0;
  m->guard.next = NULL;
  m->has_max = max_pages != UINT64_MAX;
  m->max_pages = max;
  m->page_log2 = page_log2;
  m->is64 = 0;
  m->shared = 0;
  return max;
}

/* After a reset to `max` pages: obtain storage for initial_pages (of 32-
 * and 64-bit memories alike).  0, or W2C_ERR_ALLOC. */
static inline int w2c_mem_start_(w2c_memory *m, uint64_t initial_pages, uint64_t max,
                                 uint32_t page_log2) {
  if (page_log2 > 16 || initial_pages > max) return W2C_ERR_ALLOC;
  if (w2c_mem_obtain_(m, initial_pages << page_log2, max << page_log2) != 0) return W2C_ERR_ALLOC;
  m->pages = initial_pages;
  m->size = initial_pages << page_log2;
  return 0;
}

/* Allocate a memory of initial_pages, growable to max_pages (UINT64_MAX: no
 * declared max) pages of 2^page_log2 bytes.  0, or W2C_ERR_ALLOC.  m may be
 * freed with w2c_memory_free even after a failure. */
static inline int w2c_memory_alloc(w2c_memory *m, uint64_t initial_pages, uint64_t max_pages,
                                   uint32_t page_log2) {
  return w2c_mem_start_(m, initial_pages, w2c_mem_reset_(m, max_pages, page_log2), page_log2);
}

#if W2C_BOUNDS_CHECK != W2C_BOUNDS_GUARD
/* Use the caller's buffer of capacity_bytes as the memory's storage (it can
 * grow up to the capacity); the initial pages are zeroed.  0, or
 * W2C_ERR_ALLOC if they do not fit. */
static inline int w2c_memory_use_static(w2c_memory *m, uint8_t *buf, uint64_t capacity_bytes,
                                        uint64_t initial_pages, uint64_t max_pages,
                                        uint32_t page_log2) {
  uint64_t max = w2c_mem_reset_(m, max_pages, page_log2);
  if (page_log2 > 16 || initial_pages > max || (initial_pages << page_log2) > capacity_bytes)
    return W2C_ERR_ALLOC;
  m->data = buf;
  m->kind = W2C_MEMKIND_USER;
  m->capacity = capacity_bytes;
  m->pages = initial_pages;
  m->size = initial_pages << page_log2;
  if (m->size) W2C_MEMSET(buf, 0, (size_t)m->size);
  return 0;
}

#endif

/* memory.grow: the old size in pages, or 0xFFFFFFFF (nothing changes). */
static inline uint32_t w2c_memory_grow(w2c_memory *m, uint32_t delta) {
  uint32_t old = (uint32_t)m->pages;
  uint64_t pages = (uint64_t)old + delta, bytes;
  if (delta == 0) return old;
  if (pages > m->max_pages) return 0xFFFFFFFFu;
  bytes = pages << m->page_log2;
  if (w2c_mem_extend_(m, bytes) != 0) return 0xFFFFFFFFu;
  m->pages = pages;
  m->size = bytes;
  return old;
}

/* Release the storage; m becomes an empty memory. */
static inline void w2c_memory_free(w2c_memory *m) {
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MALLOC
  if (m->kind == W2C_MEMKIND_MALLOC) free(m->data);
#elif W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP
  if (m->kind == W2C_MEMKIND_MMAP) w2c_mmap_release_(m);
#else
  if (m->kind == W2C_MEMKIND_ARENA) w2c_arena_release_memory_(m->data, m->capacity);
#endif
  m->data = NULL;
  m->size = m->capacity = 0;
  m->pages = 0;
  m->kind = W2C_MEMKIND_NONE;
  m->guard.base = 0;
  m->guard.bytes = 0;
}

#include "w2c_mem64.h"

#endif /* W2C_MEM_H */
