/* w2c_exn.h: exception handling (tags, the exception in flight, exnref).
 * Included by the header of a module that uses exceptions only; see
 * docs/codegen.md, "Exceptions".
 *
 * Lowering: explicit propagation, no setjmp.  `throw` stores the tag and
 * its values in w2c_exn_thrown and jumps to the innermost handler of its
 * function (a try_table's or try's dispatch code) or, without one, returns
 * from the function; after every call a function of such a module tests
 * W2C_EXN_PENDING() and does the same.  A trap is not an exception: it
 * leaves by W2C_TRAP (w2c_trap.h) and no handler sees it.
 *
 * For the embedder (and host functions):
 *   w2c_exn_pending()           after a call of an export: nonzero if an
 *                               exception escaped it (uncaught; not a trap)
 *   w2c_exn_tag()               its tag (compare with M_x_<tag export>(inst))
 *   w2c_exn_clear()             forget it (before calling wasm again)
 *   w2c_exn_throw(tag)          in a host function (an import): throw `tag`;
 *   W2C_EXN_PUT(i, value)       store its value i (a uint32_t, uint64_t,
 *                               float, double, ... of the tag's parameter
 *                               type i), then return normally: the caller
 *                               sees the exception when the import returns.
 *   W2C_EXN_GET(i, lvalue)      read value i of the pending exception.
 * Its state is W2C_GLOBALs (w2c_config.h): with W2C_STORAGE_EXTERNAL, the
 * one file compiled with W2C_DEFINE_STORAGE includes this header too. */
#ifndef W2C_EXN_H
#define W2C_EXN_H

#include "w2c_rt.h"

/* W2C_EXN_VALUES: the most values a tag may carry; each takes 16 bytes of
 * the exception (w2c/emit/exn.py rejects a tag with more).  A contract with
 * the emitter, like W2C_TAIL_VALUES, not a configuration macro. */
#define W2C_EXN_VALUES 16

/* A tag: its address identifies it (an imported tag is the exporter's);
 * gc_refs has bit i set when its value i is a GC reference (modules with
 * GC types set it; the collector marks those values of the exception in
 * flight and of every exnref: w2c_gc_mark_exn in w2c_gc_ops.h).  A host's
 * tag is zero: its values are not traced. */
typedef struct w2c_tag {
  uint32_t gc_refs;
} w2c_tag;

/* An exception: its tag (NULL: none) and its values, 16 bytes each. */
typedef struct w2c_exn {
  const w2c_tag *tag;
  unsigned char vals[W2C_EXN_VALUES * 16];
} w2c_exn;

/* exnref: a caught exception (catch_ref, catch_all_ref); NULL is ref.null exn. */
typedef const w2c_exn *w2c_exnref;

/* Tables of exnref: stored as externref (void *, w2c_table.h), the same
 * pointer without its const. */
static inline w2c_exnref w2c_table_get_exnref(const w2c_table *t, uint32_t i) {
  return (w2c_exnref)w2c_table_get_externref(t, i);
}
static inline void w2c_table_set_exnref(w2c_table *t, uint32_t i, w2c_exnref v) {
  w2c_table_set_externref(t, i, (w2c_externref)(uintptr_t)v);
}
static inline void w2c_table_fill_exnref(w2c_table *t, uint32_t i, w2c_exnref v, uint32_t n) {
  w2c_table_fill_externref(t, i, (w2c_externref)(uintptr_t)v, n);
}
static inline uint32_t w2c_table_grow_exnref(w2c_table *t, w2c_exnref init, uint32_t n) {
  return w2c_table_grow_externref(t, (w2c_externref)(uintptr_t)init, n);
}
static inline uint64_t w2c_table_grow64_exnref(w2c_table *t, w2c_exnref init, uint64_t n) {
  return w2c_table_grow64_externref(t, (w2c_externref)(uintptr_t)init, n);
}

/* The exception in flight; tag != NULL while one is. */
W2C_GLOBAL(w2c_exn, w2c_exn_thrown);

#define W2C_EXN_PENDING() W2C_UNLIKELY(w2c_exn_thrown.tag != NULL)
#define W2C_EXN_PUT(i, v) W2C_MEMCPY(w2c_exn_thrown.vals + 16 * (i), &(v), sizeof(v))
#define W2C_EXN_GET(i, v) W2C_MEMCPY(&(v), w2c_exn_thrown.vals + 16 * (i), sizeof(v))

static inline int w2c_exn_pending(void) { return w2c_exn_thrown.tag != NULL; }
static inline const w2c_tag *w2c_exn_tag(void) { return w2c_exn_thrown.tag; }
static inline void w2c_exn_clear(void) { w2c_exn_thrown.tag = NULL; }
static inline void w2c_exn_throw(const w2c_tag *tag) { w2c_exn_thrown.tag = tag; }

/* W2C_EXN_REFS: where exnrefs live.  With an allocator (W2C_MEMORY_ALLOC
 * other than W2C_ALLOC_STATIC) each exnref is a malloc'd copy of the
 * exception, kept on a list until w2c_exn_free_refs() (wasm cannot say when
 * an exnref is dead: call it only when none is held, e.g. after freeing the
 * instances; a program catches by reference rarely).  Freestanding
 * (W2C_ALLOC_STATIC) a ring of W2C_EXN_REFS copies (default 16): an exnref
 * stays valid until W2C_EXN_REFS more are made.  Defining W2C_EXN_REFS
 * selects the ring in every configuration. */
#if !defined(W2C_EXN_REFS) && W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
#define W2C_EXN_REFS 16
#endif
#ifdef W2C_EXN_REFS
W2C_GLOBAL(w2c_exn, w2c_exn_ring[W2C_EXN_REFS]);
W2C_GLOBAL(uint32_t, w2c_exn_ring_next);
#else
#include <stdlib.h>
typedef struct w2c_exn_node {
  w2c_exn exn; /* first: the exnref points here */
  struct w2c_exn_node *next;
} w2c_exn_node;
W2C_GLOBAL(w2c_exn_node *, w2c_exn_refs);
#endif

/* An exnref for the exception in flight (a copy of it). */
W2C_COLD_CALL w2c_exnref w2c_exn_ref(void) {
  w2c_exn *e;
#ifdef W2C_EXN_REFS
  e = &w2c_exn_ring[w2c_exn_ring_next];
  w2c_exn_ring_next = (w2c_exn_ring_next + 1u) % (uint32_t)(W2C_EXN_REFS);
#else
  w2c_exn_node *n = (w2c_exn_node *)malloc(sizeof *n);
  if (n == NULL) W2C_TRAP(W2C_TRAP_EXHAUSTION);
  n->next = w2c_exn_refs;
  w2c_exn_refs = n;
  e = &n->exn;
#endif
  *e = w2c_exn_thrown;
  return e;
}

/* Release every exnref made so far (none may be used afterwards). */
static inline void w2c_exn_free_refs(void) {
#ifndef W2C_EXN_REFS
  while (w2c_exn_refs != NULL) {
    w2c_exn_node *n = w2c_exn_refs;
    w2c_exn_refs = n->next;
    free(n);
  }
#endif
}

/* throw_ref: make `e` the exception in flight (traps on null). */
static inline void w2c_exn_rethrow(w2c_exnref e) {
  if (e == NULL) W2C_TRAP(W2C_TRAP_NULL_EXNREF);
  w2c_exn_thrown = *e;
}

#endif /* W2C_EXN_H */
