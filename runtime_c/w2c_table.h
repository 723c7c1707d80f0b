/* w2c_table.h: reference types (funcref, externref), tables, and the
 * call_indirect check.  Table storage follows W2C_MEMORY_ALLOC (malloc for
 * W2C_ALLOC_MALLOC and W2C_ALLOC_MMAP, the static arena for W2C_ALLOC_STATIC). */
#ifndef W2C_TABLE_H
#define W2C_TABLE_H

#include "w2c_mem.h"

typedef void *w2c_externref; /* NULL is ref.null extern */

typedef struct w2c_funcref {
  uint64_t type_id;   /* canonical signature id; 0 for null */
  void (*func)(void); /* NULL for ref.null func; cast to the real type to call */
  void *instance;     /* first argument when called */
} w2c_funcref;

/* Initializer of a null funcref; w2c_funcref_null() is the same as a value. */
#define W2C_FUNCREF_NULL {0, 0, 0}
static inline w2c_funcref w2c_funcref_null(void) {
  w2c_funcref f = W2C_FUNCREF_NULL;
  return f;
}
static inline int w2c_funcref_is_null(w2c_funcref f) { return f.func == 0; }
/* A funcref read from a constant table (whose entries carry no instance:
 * they are all the reading module's own functions) with its instance. */
static inline w2c_funcref w2c_funcref_with_instance(w2c_funcref f, void *instance) {
  if (f.func != 0) f.instance = instance;
  return f;
}

typedef struct w2c_table {
  uint32_t size;          /* elements */
  uint32_t max;           /* declared maximum; UINT32_MAX if none */
  uint8_t is_externref;   /* element type: externs if 1, else funcs */
  uint8_t is64;           /* a 64-bit table (memory64): i64 indices; import
                           * matching tells it from a 32-bit one */
  w2c_funcref *funcs;
  w2c_externref *externs;
  /* private */
  uint8_t has_max;        /* a maximum was declared (import matching) */
  uint32_t capacity;      /* elements allocated */
  uint8_t static_buf;     /* storage given by w2c_table_use_static */
} w2c_table;

static inline uint64_t w2c_table_elem_size_(const w2c_table *t) {
  return t->is_externref ? sizeof(w2c_externref) : sizeof(w2c_funcref);
}
static inline void *w2c_table_elems_(const w2c_table *t) {
  return t->is_externref ? (void *)t->externs : (void *)t->funcs;
}

/* Make room for `n` elements (contents kept).  0, or -1. */
static inline int w2c_table_reserve_(w2c_table *t, uint64_t n) {
  uint64_t bytes = n * w2c_table_elem_size_(t);
  void *p;
  if (n <= t->capacity) return 0;
#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
  if (t->capacity != 0) return -1; /* arena tables do not move */
  p = w2c_arena_obtain_table_(bytes);
#else
  if (bytes > (uint64_t)SIZE_MAX) return -1;
  p = realloc(w2c_table_elems_(t), (size_t)bytes);
#endif
  if (p == NULL) return -1;
  if (t->is_externref)
    t->externs = (w2c_externref *)p;
  else
    t->funcs = (w2c_funcref *)p;
  t->capacity = (uint32_t)n;
  return 0;
}

/* Allocate a table of `initial` null elements; max is UINT32_MAX if none.
 * 0, or W2C_ERR_ALLOC.  t may be freed with w2c_table_free after a failure. */
static inline int w2c_table_alloc(w2c_table *t, int is_externref, uint32_t initial,
                                  uint32_t max) {
  uint64_t cap = initial;
  uint32_t i;
  t->size = t->capacity = 0;
  t->static_buf = 0;
  t->max = max;
  t->has_max = max != UINT32_MAX;
  t->is_externref = is_externref != 0;
  t->is64 = 0;
  t->funcs = NULL;
  t->externs = NULL;
  if (initial > max || initial > W2C_TABLE_MAX_ELEMS) return W2C_ERR_ALLOC;
#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
  /* Arena tables cannot move: take the declared maximum now if it fits. */
  if (t->has_max && max <= W2C_TABLE_MAX_ELEMS &&
      w2c_table_reserve_(t, max) == 0)
    cap = max;
#endif
  if (w2c_table_reserve_(t, cap) != 0) return W2C_ERR_ALLOC;
  for (i = 0; i < initial; i++) {
    if (t->is_externref)
      t->externs[i] = NULL;
    else
      t->funcs[i] = w2c_funcref_null();
  }
  t->size = initial;
  return 0;
}

#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
/* Use the caller's array of `capacity` elements (w2c_funcref, or
 * w2c_externref if is_externref) as the table's storage: no arena, no
 * allocator; table.grow fails past the capacity.  0, or W2C_ERR_ALLOC if
 * the initial size does not fit.  w2c_table_free gives nothing back. */
static inline int w2c_table_use_static(w2c_table *t, int is_externref, void *buf,
                                       uint32_t capacity, uint32_t initial, uint32_t max) {
  uint32_t i;
  t->size = t->capacity = 0;
  t->max = max;
  t->has_max = max != UINT32_MAX;
  t->is_externref = is_externref != 0;
  t->is64 = 0;
  t->funcs = NULL;
  t->externs = NULL;
  if (initial > max || initial > capacity) return W2C_ERR_ALLOC;
  if (t->is_externref)
    t->externs = (w2c_externref *)buf;
  else
    t->funcs = (w2c_funcref *)buf;
  t->capacity = capacity;
  for (i = 0; i < initial; i++) {
    if (t->is_externref)
      t->externs[i] = NULL;
    else
      t->funcs[i] = w2c_funcref_null();
  }
  t->size = initial;
  t->static_buf = 1;
  return 0;
}
#endif

/* A table whose `size` elements are the constant array `elems` (emitted by
 * w2c for a table nothing can change): no storage to allocate, none to
 * free; the generated code never writes it. */
static inline void w2c_table_use_const(w2c_table *t, const w2c_funcref *elems, uint32_t size) {
  t->size = t->capacity = t->max = size;
  t->has_max = 1;
  t->is_externref = 0;
  t->is64 = 0;
  t->funcs = (w2c_funcref *)(uintptr_t)elems; /* read only: see above */
  t->externs = NULL;
  t->static_buf = 1;
}

static inline void w2c_table_free(w2c_table *t) {
  if (!t->static_buf) {
#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
    w2c_arena_release_table_(w2c_table_elems_(t), (uint64_t)t->capacity * w2c_table_elem_size_(t));
#else
    free(w2c_table_elems_(t));
#endif
  }
  t->static_buf = 0;
  t->funcs = NULL;
  t->externs = NULL;
  t->size = t->capacity = 0;
}

static inline uint32_t w2c_table_size(const w2c_table *t) { return t->size; }

/* table.grow: the old size, or 0xFFFFFFFF (nothing changes). */
static inline uint32_t w2c_table_grow_(w2c_table *t, uint32_t n) {
  uint64_t want = (uint64_t)t->size + n;
  if (want > t->max || want > W2C_TABLE_MAX_ELEMS) return 0xFFFFFFFFu;
  if (w2c_table_reserve_(t, want) != 0) return 0xFFFFFFFFu;
  return t->size;
}

/* Accessors, fill, grow and init for one element type. */
#define W2C_TABLE_OPS(R, T, arr)                                                               \
  static inline T w2c_table_get_##R(const w2c_table *t, uint32_t i) {                          \
    if (W2C_UNLIKELY(i >= t->size)) W2C_TRAP(W2C_TRAP_OOB_TABLE);                               \
    return t->arr[i];                                                                          \
  }                                                                                            \
  static inline void w2c_table_set_##R(w2c_table *t, uint32_t i, T v) {                        \
    if (W2C_UNLIKELY(i >= t->size)) W2C_TRAP(W2C_TRAP_OOB_TABLE);                               \
    t->arr[i] = v;                                                                             \
  }                                                                                            \
  static inline void w2c_table_fill_##R(w2c_table *t, uint32_t i, T v, uint32_t n) {           \
    uint32_t k;                                                                                \
    if (W2C_UNLIKELY((uint64_t)i + n > t->size)) W2C_TRAP(W2C_TRAP_OOB_TABLE);                  \
    for (k = 0; k < n; k++) t->arr[i + k] = v;                                                 \
  }                                                                                            \
  static inline uint32_t w2c_table_grow_##R(w2c_table *t, T init, uint32_t n) {                \
    uint32_t old = w2c_table_grow_(t, n), k;                                                   \
    if (old == 0xFFFFFFFFu) return old;                                                        \
    for (k = 0; k < n; k++) t->arr[old + k] = init;                                            \
    t->size = old + n;                                                                         \
    return old;                                                                                \
  }                                                                                            \
  /* table.init from an element segment of seg_len entries (0 once dropped). */                \
  static inline void w2c_table_init_##R(w2c_table *t, const T *seg, uint32_t seg_len,          \
                                        uint32_t d, uint32_t s, uint32_t n) {                  \
    if (W2C_UNLIKELY((uint64_t)s + n > seg_len || (uint64_t)d + n > t->size))                  \
      W2C_TRAP(W2C_TRAP_OOB_TABLE);                                                            \
    if (n) W2C_MEMCPY(t->arr + d, seg + s, (size_t)n * sizeof(T));                             \
  }
W2C_TABLE_OPS(funcref, w2c_funcref, funcs)
W2C_TABLE_OPS(externref, w2c_externref, externs)
#undef W2C_TABLE_OPS

/* 64-bit tables (memory64): indices and lengths are i64; no table holds more
 * than 2^32-1 elements, so one past 2^32-1 is out of bounds whatever the
 * operation (get, set, fill, copy, init: their bounds traps), and the 32-bit
 * operations do the rest with it narrowed. */
static inline uint32_t w2c_table_index64(uint64_t i) {
  if (W2C_UNLIKELY(i > 0xFFFFFFFFu)) W2C_TRAP(W2C_TRAP_OOB_TABLE);
  return (uint32_t)i;
}
/* call_indirect's index into a 64-bit table (its trap: undefined element). */
static inline uint32_t w2c_call_index64(uint64_t i) {
  if (W2C_UNLIKELY(i > 0xFFFFFFFFu)) W2C_TRAP(W2C_TRAP_UNDEFINED_ELEMENT);
  return (uint32_t)i;
}
/* table.grow of a 64-bit table: the old size, or UINT64_MAX. */
static inline uint64_t w2c_table_grow64_funcref(w2c_table *t, w2c_funcref init, uint64_t n) {
  uint32_t old;
  if (n > 0xFFFFFFFFu) return UINT64_MAX;
  old = w2c_table_grow_funcref(t, init, (uint32_t)n);
  return old == 0xFFFFFFFFu ? UINT64_MAX : old;
}
static inline uint64_t w2c_table_grow64_externref(w2c_table *t, w2c_externref init, uint64_t n) {
  uint32_t old;
  if (n > 0xFFFFFFFFu) return UINT64_MAX;
  old = w2c_table_grow_externref(t, init, (uint32_t)n);
  return old == 0xFFFFFFFFu ? UINT64_MAX : old;
}

/* table.copy: both tables have the same element type; may be the same table. */
static inline void w2c_table_copy(w2c_table *dst, const w2c_table *src, uint32_t d, uint32_t s,
                                  uint32_t n) {
  uint64_t es = w2c_table_elem_size_(dst);
  if (W2C_UNLIKELY((uint64_t)d + n > dst->size || (uint64_t)s + n > src->size))
    W2C_TRAP(W2C_TRAP_OOB_TABLE);
  if (n)
    W2C_MEMMOVE((uint8_t *)w2c_table_elems_(dst) + d * es,
                (const uint8_t *)w2c_table_elems_(src) + s * es, (size_t)(n * es));
}

/* call_ref, return_call_ref: the callee of a typed function reference
 * (validation proved its type), or a trap if it is null. */
static inline w2c_funcref w2c_funcref_call_target(w2c_funcref f) {
  if (W2C_UNLIKELY(f.func == 0)) W2C_TRAP(W2C_TRAP_NULL_FUNCREF);
  return f;
}

/* call_indirect: the funcref at t[i] if its signature is type_id, else trap.
 * A null element has type_id 0, so the hot path is one compare. */
static inline w2c_funcref w2c_table_call_target(const w2c_table *t, uint32_t i,
                                                uint64_t type_id) {
  w2c_funcref f;
  if (W2C_UNLIKELY(i >= t->size)) W2C_TRAP(W2C_TRAP_UNDEFINED_ELEMENT);
  f = t->funcs[i];
  if (W2C_UNLIKELY(f.type_id != type_id)) {
    if (f.func == 0) W2C_TRAP(W2C_TRAP_UNINITIALIZED_ELEMENT);
    W2C_TRAP(W2C_TRAP_INDIRECT_CALL_TYPE);
  }
  return f;
}

#endif /* W2C_TABLE_H */
