/* w2c_gc_ops.h: the GC instructions of generated code (docs/codegen.md,
 * "GC"), over the heap of w2c_gc.h: i31, struct and array access with
 * their traps, casts, the extern/any conversions, array segment
 * initialisation, and the registration of an instance's roots.  Included by
 * the header of a module that uses GC. */
#ifndef W2C_GC_OPS_H
#define W2C_GC_OPS_H

#include "w2c_gc.h"

/* An instance's roots (its globals, tables of references and element
 * segments of references): `fn(ctx)`
 * calls w2c_gc_push on each, at every collection, until removed. */
static inline void w2c_gc_add_root_fn(void (*fn)(void *), void *ctx) {
  w2c_gc_heap *g = &w2c_gc_state;
  if (g->nroot_fns == W2C_GC_MAX_ROOT_FNS) W2C_TRAP(W2C_TRAP_OUT_OF_MEMORY);
  g->root_fns[g->nroot_fns] = fn;
  g->root_ctx[g->nroot_fns++] = ctx;
}

static inline void w2c_gc_remove_root_fn(void *ctx) {
  w2c_gc_heap *g = &w2c_gc_state;
  uint32_t i;
  for (i = 0; i < g->nroot_fns; i++) {
    if (g->root_ctx[i] == ctx) {
      g->nroot_fns--;
      g->root_fns[i] = g->root_fns[g->nroot_fns];
      g->root_ctx[i] = g->root_ctx[g->nroot_fns];
      return;
    }
  }
}

/* Each element of a table of references (its storage may move on grow). */
static inline void w2c_gc_push_table(const w2c_table *t) {
  uint32_t i;
  if (!t->is_externref) return;
  for (i = 0; i < t->size; i++) w2c_gc_push((w2c_ref)(uintptr_t)t->externs[i]);
}

/* n references held by an instance (the items of an element segment of
 * references, made at instantiation, until the segment is dropped). */
static inline void w2c_gc_push_refs(const w2c_externref *v, uint32_t n) {
  uint32_t i;
  for (i = 0; i < n; i++) w2c_gc_push((w2c_ref)(uintptr_t)v[i]);
}

/* -- the instructions (generated code) ---------------------------------------------------------
 * In generated code every reference of the any and extern hierarchies is
 * a w2c_externref holding the bits of a w2c_ref (so tables, globals and the
 * host API of externref serve both).  An externref may also hold a host
 * pointer (never inside the heap): any.convert_extern boxes it in an
 * object of kind W2C_RTT_EXTERN_BOX, extern.convert_any unboxes it; an i31
 * made external is boxed (W2C_RTT_I31_BOX), so an odd host pointer is never
 * taken for an i31 and an anyref holds only null, i31s and objects. */
#define W2C_GC_REF(e) ((w2c_ref)(uintptr_t)(e))
#define W2C_GC_EXT(r) ((w2c_externref)(uintptr_t)(r))
enum { W2C_RTT_I31_BOX = 4 };
static const w2c_rtt w2c_gc_extern_box_rtt = {W2C_RTT_EXTERN_BOX, 0, NULL, 8, 0, NULL, 0};
static const w2c_rtt w2c_gc_i31_box_rtt = {W2C_RTT_I31_BOX, 0, NULL, 8, 0, NULL, 0};

static inline w2c_externref w2c_gc_ref_i31(uint32_t v) { return W2C_GC_EXT(w2c_ref_i31(v)); }
static inline uint32_t w2c_gc_i31_get_u(w2c_externref e) {
  if (e == NULL) W2C_TRAP(W2C_TRAP_NULL_I31);
  return w2c_i31_get_u(W2C_GC_REF(e));
}
static inline uint32_t w2c_gc_i31_get_s(w2c_externref e) {
  if (e == NULL) W2C_TRAP(W2C_TRAP_NULL_I31);
  return w2c_i31_get_s(W2C_GC_REF(e));
}
static inline uint32_t w2c_gc_sext8(uint32_t v) { return ((v & 0xFFu) ^ 0x80u) - 0x80u; }
static inline uint32_t w2c_gc_sext16(uint32_t v) { return ((v & 0xFFFFu) ^ 0x8000u) - 0x8000u; }

static inline w2c_externref w2c_gc_any_convert_extern(w2c_externref e) {
  w2c_ref r = W2C_GC_REF(e), box;
  if (r == W2C_REF_NULL) return NULL;
  if (w2c_gc_is_object(r)) {
    if (w2c_gc_obj(r)->rtt->kind != W2C_RTT_I31_BOX) return e;
    W2C_MEMCPY(&box, w2c_gc_fields(r), sizeof box);
    return W2C_GC_EXT(box);
  }
  box = w2c_gc_alloc(&w2c_gc_extern_box_rtt, sizeof(w2c_ref), 0);
  W2C_MEMCPY(w2c_gc_fields(box), &r, sizeof r);
  return W2C_GC_EXT(box);
}

static inline w2c_externref w2c_gc_extern_convert_any(w2c_externref e) {
  w2c_ref r = W2C_GC_REF(e), box;
  if (r == W2C_REF_NULL) return NULL;
  if (w2c_ref_is_i31(r)) {
    box = w2c_gc_alloc(&w2c_gc_i31_box_rtt, sizeof(w2c_ref), 0);
    W2C_MEMCPY(w2c_gc_fields(box), &r, sizeof r);
    return W2C_GC_EXT(box);
  }
  if (w2c_gc_obj(r)->rtt->kind == W2C_RTT_EXTERN_BOX) {
    W2C_MEMCPY(&box, w2c_gc_fields(r), sizeof box);
    return W2C_GC_EXT(box);
  }
  return e;
}

/* Casts: the target heap type is one of these, with the rtt for W2C_HT_TYPE. */
enum { W2C_HT_ANY, W2C_HT_EQ, W2C_HT_I31, W2C_HT_STRUCT, W2C_HT_ARRAY, W2C_HT_NONE,
       W2C_HT_TYPE, W2C_HT_EXTERN };
static inline uint32_t w2c_gc_test(w2c_externref e, int nullable, int ht, const w2c_rtt *t) {
  w2c_ref r = W2C_GC_REF(e);
  uint32_t k;
  if (r == W2C_REF_NULL) return (uint32_t)nullable;
  if (ht == W2C_HT_ANY || ht == W2C_HT_EXTERN) return 1;
  if (w2c_ref_is_i31(r)) return ht == W2C_HT_EQ || ht == W2C_HT_I31;
  k = w2c_gc_obj(r)->rtt->kind;
  switch (ht) {
    case W2C_HT_EQ: return k == W2C_RTT_STRUCT || k == W2C_RTT_ARRAY;
    case W2C_HT_STRUCT: return k == W2C_RTT_STRUCT;
    case W2C_HT_ARRAY: return k == W2C_RTT_ARRAY;
    case W2C_HT_TYPE: return (uint32_t)w2c_gc_is_sub(r, t);
    default: return 0;
  }
}
static inline w2c_externref w2c_gc_cast(w2c_externref e, int nullable, int ht, const w2c_rtt *t) {
  if (!w2c_gc_test(e, nullable, ht, t)) W2C_TRAP(W2C_TRAP_CAST);
  return e;
}
/* Function subtypes across modules.  Every GC module that declares
 * function types with a supertype has a static const table of pairs (the
 * type's id, its declared supertype's id) and a static node linking it into
 * this process-wide registry, done by its instantiate (once however many
 * instances: the node's `linked`; no malloc).  Nodes are never unlinked:
 * the tables are constants and a funcref of the module may outlive its
 * instance.  A funcref's type is declared by the module defining the
 * function, so when the funcref exists its supertypes are registered. */
typedef struct w2c_gc_func_supers {
  const uint64_t *pairs;                 /* id, supertype's id; n times */
  uint32_t n;
  int linked;
  struct w2c_gc_func_supers *next;
} w2c_gc_func_supers;
W2C_PROCESS_GLOBAL(w2c_gc_func_supers *, w2c_gc_func_registry);
W2C_PROCESS_GLOBAL(int, w2c_gc_func_lock_word);

/* W2C_GC_MAX_FUNC_DEPTH: supertypes followed from a function's type before
 * a cast or call_indirect gives up (a bound against a cycle that only a
 * hash collision of two types' ids could make); default 1000000. */
#ifndef W2C_GC_MAX_FUNC_DEPTH
#define W2C_GC_MAX_FUNC_DEPTH 1000000u
#endif

static inline void w2c_gc_register_func_supers(w2c_gc_func_supers *node) {
#ifdef __GNUC__
  if (__atomic_load_n(&node->linked, __ATOMIC_ACQUIRE)) return;
  while (__atomic_exchange_n(&w2c_gc_func_lock_word, 1, __ATOMIC_ACQUIRE)) {}
  if (!node->linked) {
    node->next = w2c_gc_func_registry;
    __atomic_store_n(&w2c_gc_func_registry, node, __ATOMIC_RELEASE);
    __atomic_store_n(&node->linked, 1, __ATOMIC_RELEASE);
  }
  __atomic_store_n(&w2c_gc_func_lock_word, 0, __ATOMIC_RELEASE);
#else
  if (node->linked) return;
  node->next = w2c_gc_func_registry;
  w2c_gc_func_registry = node;
  node->linked = 1;
#endif
}

/* The slow path of w2c_gc_func_is: whether function type `id` reaches
 * `type_id` through the declared supertypes of the registry. */
W2C_COLD_CALL int w2c_gc_func_is_declared(uint64_t id, uint64_t type_id) {
  const w2c_gc_func_supers *node;
  uint32_t steps;
  for (steps = 0; steps < W2C_GC_MAX_FUNC_DEPTH; steps++) {
    uint64_t super = 0;
    int found = 0;
#ifdef __GNUC__
    node = __atomic_load_n(&w2c_gc_func_registry, __ATOMIC_ACQUIRE);
#else
    node = w2c_gc_func_registry;
#endif
    for (; node != NULL && !found; node = node->next) {
      uint32_t i;
      for (i = 0; i < node->n; i++) {
        if (node->pairs[2 * i] == id) {
          super = node->pairs[2 * i + 1];
          found = 1;
          break;
        }
      }
    }
    if (!found) return 0;
    if (super == type_id) return 1;
    id = super;
  }
  return 0;
}

/* Function types: an id is `type_id`, one of the `n` ids `subs` (the
 * module's declared subtypes of it) or, off the fast path, an id whose
 * declared supertypes (another module's, w2c_gc_func_is_declared) reach
 * `type_id`. */
static inline int w2c_gc_func_is(uint64_t id, uint64_t type_id, const uint64_t *subs, uint32_t n) {
  uint32_t i;
  if (id == type_id) return 1;
  for (i = 0; i < n; i++)
    if (subs[i] == id) return 1;
  return w2c_gc_func_is_declared(id, type_id);
}
/* A function reference: null, or of function type `type_id` (0: any function). */
static inline uint32_t w2c_gc_test_func(w2c_funcref f, int nullable, uint64_t type_id,
                                        const uint64_t *subs, uint32_t n) {
  if (w2c_funcref_is_null(f)) return (uint32_t)nullable;
  return type_id == 0 || w2c_gc_func_is(f.type_id, type_id, subs, n);
}
static inline w2c_funcref w2c_gc_cast_func(w2c_funcref f, int nullable, uint64_t type_id,
                                           const uint64_t *subs, uint32_t n) {
  if (!w2c_gc_test_func(f, nullable, type_id, subs, n)) W2C_TRAP(W2C_TRAP_CAST);
  return f;
}
/* call_indirect to a type that may have subtypes (w2c_table_call_target
 * for a final one). */
static inline w2c_funcref w2c_gc_call_target(const w2c_table *t, uint32_t i, uint64_t type_id,
                                             const uint64_t *subs, uint32_t n) {
  w2c_funcref f;
  if (W2C_UNLIKELY(i >= t->size)) W2C_TRAP(W2C_TRAP_UNDEFINED_ELEMENT);
  f = t->funcs[i];
  if (W2C_UNLIKELY(!w2c_gc_func_is(f.type_id, type_id, subs, n))) {
    if (f.func == 0) W2C_TRAP(W2C_TRAP_UNINITIALIZED_ELEMENT);
    W2C_TRAP(W2C_TRAP_INDIRECT_CALL_TYPE);
  }
  return f;
}

/* Structs: `T` is the C struct of the type's fields. */
static inline void *w2c_gc_struct_fields(w2c_externref e) {
  if (e == NULL) W2C_TRAP(W2C_TRAP_NULL_STRUCT);
  return w2c_gc_fields(W2C_GC_REF(e));
}
#define W2C_GC_STRUCT(T, e) ((T *)w2c_gc_struct_fields(e))
static inline w2c_externref w2c_gc_new(const w2c_rtt *rtt, size_t bytes) {
  return W2C_GC_EXT(w2c_gc_alloc(rtt, bytes, 0));
}

/* Arrays: elements of `size` bytes after the header. */
static inline w2c_externref w2c_gc_array_new(const w2c_rtt *rtt, uint32_t n, size_t size) {
  if ((uint64_t)n * size > ((uint64_t)1 << 31)) W2C_TRAP(W2C_TRAP_OUT_OF_MEMORY);
  return W2C_GC_EXT(w2c_gc_alloc(rtt, (size_t)n * size, n));
}
/* array.new_fixed and constant expressions: n elements copied from `from`. */
static inline w2c_externref w2c_gc_array_from(const w2c_rtt *rtt, uint32_t n, size_t size,
                                              const void *from) {
  w2c_externref a = w2c_gc_array_new(rtt, n, size);
  if (n) W2C_MEMCPY(w2c_gc_fields(W2C_GC_REF(a)), from, (size_t)n * size);
  return a;
}
static inline w2c_gc_header *w2c_gc_array(w2c_externref e) {
  if (e == NULL) W2C_TRAP(W2C_TRAP_NULL_ARRAY);
  return w2c_gc_obj(W2C_GC_REF(e));
}
static inline uint32_t w2c_gc_array_len(w2c_externref e) { return w2c_gc_array(e)->len; }
/* The address of element i (null and bounds checked). */
static inline void *w2c_gc_array_at(w2c_externref e, uint32_t i, size_t size) {
  w2c_gc_header *h = w2c_gc_array(e);
  if (i >= h->len) W2C_TRAP(W2C_TRAP_OOB_ARRAY);
  return (unsigned char *)h + W2C_GC_HEADER_BYTES + (size_t)i * size;
}
/* The address of elements [i, i + n) (null and bounds checked). */
static inline unsigned char *w2c_gc_array_range(w2c_externref e, uint32_t i, uint32_t n,
                                                size_t size) {
  w2c_gc_header *h = w2c_gc_array(e);
  if ((uint64_t)i + n > h->len) W2C_TRAP(W2C_TRAP_OOB_ARRAY);
  return (unsigned char *)h + W2C_GC_HEADER_BYTES + (size_t)i * size;
}
#define W2C_GC_ARRAY_NEW(dst, T, rtt, init, n)                                \
  do {                                                                        \
    T w2c_gv_ = (T)(init);                                                    \
    uint32_t w2c_gn_ = (n), w2c_gi_;                                          \
    w2c_externref w2c_ga_ = w2c_gc_array_new(rtt, w2c_gn_, sizeof(T));        \
    T *w2c_gp_ = (T *)w2c_gc_fields(W2C_GC_REF(w2c_ga_));                     \
    for (w2c_gi_ = 0; w2c_gi_ < w2c_gn_; w2c_gi_++) w2c_gp_[w2c_gi_] = w2c_gv_; \
    (dst) = w2c_ga_;                                                          \
  } while (0)
#define W2C_GC_ARRAY_FILL(T, e, i, v, n)                                      \
  do {                                                                        \
    T w2c_gv_ = (T)(v);                                                       \
    uint32_t w2c_gn_ = (n), w2c_gi_;                                          \
    T *w2c_gp_ = (T *)(void *)w2c_gc_array_range(e, i, w2c_gn_, sizeof(T));   \
    for (w2c_gi_ = 0; w2c_gi_ < w2c_gn_; w2c_gi_++) w2c_gp_[w2c_gi_] = w2c_gv_; \
  } while (0)
static inline void w2c_gc_array_copy(w2c_externref d, uint32_t di, w2c_externref s, uint32_t si,
                                     uint32_t n, size_t size) {
  unsigned char *dp = w2c_gc_array_range(d, di, n, size);
  unsigned char *sp = w2c_gc_array_range(s, si, n, size);
  if (n) W2C_MEMMOVE(dp, sp, (size_t)n * size);
}
/* Elements from a data segment (little-endian, `size` bytes each; 16: a
 * v128, in w2c_v128's lane order): bytes
 * [s, s + n * size) of a segment kept in pieces of 2^log2 bytes, `seg` its
 * first piece (split output, docs/codegen.md; one C file: one piece, log2
 * 32).  The caller checked the bounds. */
static inline void w2c_gc_from_bytes(unsigned char *to, const uint8_t *const *seg, uint32_t log2,
                                     uint32_t s, uint32_t n, size_t size) {
  uint64_t at = s, left = (uint64_t)n * size;
  unsigned char *p = to;
  while (left) {
    uint64_t q = at >> log2, off = at - (q << log2), k = ((uint64_t)1 << log2) - off;
    const uint8_t *from = seg[q] + off;
    if (k > left) k = left;
#if defined(__GNUC__)
    /* The caller's bounds check traps first, but gcc may still see a read
     * past a short segment on the path after it (-Warray-bounds): hide the
     * segment's size from it. */
    __asm__("" : "+r"(from));
#endif
    W2C_MEMCPY(p, from, (size_t)k);
    p += k;
    at += k;
    left -= k;
  }
#ifdef W2C_SIMD_H
  if (size == 16) { /* v128s: as v128.load reads them */
    uint32_t i;
    for (i = 0; i < n; i++, to += 16) {
      w2c_v128 x;
      W2C_SIMD_LOAD16_(x, to);
      W2C_MEMCPY(to, &x, 16);
    }
    return;
  }
#endif
#if W2C_BIG_ENDIAN
  if (size > 1) {
    uint32_t i;
    size_t a, b;
    for (i = 0; i < n; i++, to += size)
      for (a = 0, b = size - 1; a < b; a++, b--) {
        unsigned char t = to[a];
        to[a] = to[b];
        to[b] = t;
      }
  }
#endif
}
static inline void w2c_gc_array_init_data(w2c_externref e, uint32_t d, size_t size,
                                          const uint8_t *const *seg, uint32_t log2,
                                          uint32_t seg_len, uint32_t s, uint32_t n) {
  unsigned char *to = w2c_gc_array_range(e, d, n, size);
  if ((uint64_t)s + (uint64_t)n * size > seg_len) W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  w2c_gc_from_bytes(to, seg, log2, s, n, size);
}
static inline w2c_externref w2c_gc_array_new_data(const w2c_rtt *rtt, size_t size,
                                                  const uint8_t *const *seg, uint32_t log2,
                                                  uint32_t seg_len, uint32_t s, uint32_t n) {
  w2c_externref a;
  if ((uint64_t)s + (uint64_t)n * size > seg_len) W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  a = w2c_gc_array_new(rtt, n, size);
  w2c_gc_from_bytes((unsigned char *)w2c_gc_fields(W2C_GC_REF(a)), seg, log2, s, n, size);
  return a;
}
/* Elements from an element segment: `get(inst, seg, k)` gives item k, `len`
 * the segment's length (0 once dropped).  No collection while the items are
 * made (an item may allocate; the array is in no frame yet). */
#define W2C_GC_ARRAY_NEW_ELEM(dst, T, rtt, get, inst, seg, len, s, n)         \
  do {                                                                        \
    uint32_t w2c_gs_ = (s), w2c_gn_ = (n), w2c_gi_;                           \
    w2c_externref w2c_ga_;                                                    \
    if ((uint64_t)w2c_gs_ + w2c_gn_ > (len)) W2C_TRAP(W2C_TRAP_OOB_TABLE);    \
    w2c_ga_ = w2c_gc_array_new(rtt, w2c_gn_, sizeof(T));                      \
    w2c_gc_state.inhibit++;                                                   \
    for (w2c_gi_ = 0; w2c_gi_ < w2c_gn_; w2c_gi_++)                           \
      ((T *)w2c_gc_fields(W2C_GC_REF(w2c_ga_)))[w2c_gi_] = get(inst, seg, w2c_gs_ + w2c_gi_); \
    w2c_gc_state.inhibit--;                                                   \
    (dst) = w2c_ga_;                                                          \
  } while (0)
#define W2C_GC_ARRAY_INIT_ELEM(T, e, d, get, inst, seg, len, s, n)            \
  do {                                                                        \
    uint32_t w2c_gs_ = (s), w2c_gn_ = (n), w2c_gi_;                           \
    T *w2c_gp_ = (T *)(void *)w2c_gc_array_range(e, d, w2c_gn_, sizeof(T));   \
    if ((uint64_t)w2c_gs_ + w2c_gn_ > (len)) W2C_TRAP(W2C_TRAP_OOB_TABLE);    \
    w2c_gc_state.inhibit++;                                                   \
    for (w2c_gi_ = 0; w2c_gi_ < w2c_gn_; w2c_gi_++) w2c_gp_[w2c_gi_] = get(inst, seg, w2c_gs_ + w2c_gi_); \
    w2c_gc_state.inhibit--;                                                   \
  } while (0)

#ifdef W2C_SIMD_H
/* v128 fields and elements (a module with them includes w2c_simd.h first).
 * The heap aligns objects to 8 bytes, not the 16 a w2c_v128 may need (a
 * union of vectors), so they are stored as 16 bytes without alignment, the
 * value's bytes as a w2c_v128 holds them, and read and written by
 * W2C_MEMCPY: one unaligned move on x86-64 and AArch64, no undefined
 * behaviour anywhere (docs/codegen.md, "GC"). */
typedef struct w2c_gc_v128 { unsigned char b[16]; } w2c_gc_v128;
typedef char w2c_gc_v128_size_[sizeof(w2c_gc_v128) == 16 ? 1 : -1];
static inline w2c_v128 w2c_gc_v128_get(const void *p) {
  w2c_v128 v;
  W2C_MEMCPY(&v, p, 16);
  return v;
}
static inline void w2c_gc_v128_set(void *p, w2c_v128 v) { W2C_MEMCPY(p, &v, 16); }
/* array.fill of a v128 array (null and bounds checked). */
static inline void w2c_gc_v128_fill(w2c_externref e, uint32_t i, w2c_v128 v, uint32_t n) {
  unsigned char *p = w2c_gc_array_range(e, i, n, 16);
  uint32_t k;
  for (k = 0; k < n; k++) W2C_MEMCPY(p + (size_t)k * 16, &v, 16);
}
/* array.new of a v128 array: n copies of v. */
static inline w2c_externref w2c_gc_v128_array_new(const w2c_rtt *rtt, w2c_v128 v, uint32_t n) {
  w2c_externref a = w2c_gc_array_new(rtt, n, 16);
  unsigned char *p = (unsigned char *)w2c_gc_fields(W2C_GC_REF(a));
  uint32_t k;
  for (k = 0; k < n; k++) W2C_MEMCPY(p + (size_t)k * 16, &v, 16);
  return a;
}
#endif

#ifdef W2C_EXN_H
/* The GC references an exception carries are roots while it is in flight
 * or held by an exnref (until w2c_exn_free_refs; bare metal: the ring's
 * copies), by its tag's gc_refs. */
static inline void w2c_gc_mark_exn_(const w2c_exn *e) {
  uint32_t k, m;
  if (e->tag == NULL) return;
  for (k = 0, m = e->tag->gc_refs; m; k++, m >>= 1) {
    w2c_externref r;
    if (!(m & 1u)) continue;
    W2C_MEMCPY(&r, e->vals + 16 * k, sizeof r);
    w2c_gc_push(W2C_GC_REF(r));
  }
}
static inline void w2c_gc_mark_exn(void) {
  w2c_gc_mark_exn_(&w2c_exn_thrown);
#ifdef W2C_EXN_REFS
  {
    uint32_t i;
    for (i = 0; i < (uint32_t)(W2C_EXN_REFS); i++) w2c_gc_mark_exn_(&w2c_exn_ring[i]);
  }
#else
  {
    const w2c_exn_node *n;
    for (n = w2c_exn_refs; n != NULL; n = n->next) w2c_gc_mark_exn_(&n->exn);
  }
#endif
}
#endif

#endif /* W2C_GC_OPS_H */
