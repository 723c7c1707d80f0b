/* w2c_gc.h: the heap of WasmGC objects (docs/codegen.md, "GC").
 * Included (through w2c_gc_ops.h, the instructions) by the header of a
 * module that uses GC.
 *
 * References are w2c_ref words: 0 null, odd an i31 (value << 1 | 1), else
 * the address of an object: a w2c_gc_header (its run-time type, GC bits,
 * an array's length) followed by the fields.  Casts to a concrete type are
 * constant time through the rtt's display.  The collector is precise and
 * non-moving (mark-sweep); its roots are the shadow stack of frames the
 * generated code pushes (W2C_GC_FRAME_PUSH/POP) and the root ranges an
 * instance registers (globals, tables, segments).  Marking uses a bounded
 * stack; when it overflows, the heap is rescanned for marked objects with
 * unmarked children, so collection needs no memory it does not have.
 *
 * The heap is chunks of 8-byte granules in blocks: one static block of
 * W2C_GC_STATIC_HEAP bytes (bare metal), or blocks from malloc up to
 * W2C_GC_MAX_HEAP bytes.  Allocation is first fit over a free list that
 * each sweep rebuilds in address order (coalescing neighbours), so the same
 * program with the same inputs allocates at the same addresses and, when
 * the heap is full after a collection, traps with "out of memory" at the
 * same allocation.
 *
 * For the embedder: w2c_gc_collect(), w2c_gc_get_stats(&s), and around a
 * W2C_TRY: top = w2c_gc_frames_save(); ...; w2c_gc_frames_restore(top). */
#ifndef W2C_GC_H
#define W2C_GC_H

#include "w2c_rt.h"
#include <stddef.h> /* offsetof (the generated rtts) */

/* W2C_GC_STATIC_HEAP: bytes of a fixed heap in a static array (a multiple of
 * 8); 0: blocks from malloc.  Default: where memories are static arrays
 * (W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC: bare metal, no malloc) the
 * profile's W2C_GC_HEAP_DEFAULT (its targets/NAME.json, sized to its RAM), else
 * 64 KiB; elsewhere 0.  Set it to size the heap of one firmware. */
#ifndef W2C_GC_STATIC_HEAP
#if W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC && defined(W2C_GC_HEAP_DEFAULT)
#define W2C_GC_STATIC_HEAP (W2C_GC_HEAP_DEFAULT)
#elif W2C_MEMORY_ALLOC == W2C_ALLOC_STATIC
#define W2C_GC_STATIC_HEAP 65536
#else
#define W2C_GC_STATIC_HEAP 0
#endif
#endif
#if W2C_GC_STATIC_HEAP % 8
#error "w2c: W2C_GC_STATIC_HEAP must be a multiple of 8"
#endif

#if !W2C_GC_STATIC_HEAP
#include <stdlib.h>
#endif

/* W2C_GC_MAX_HEAP: with malloc'd blocks, the most bytes the heap may take
 * before an allocation that does not fit traps; default 1 GiB. */
#ifndef W2C_GC_MAX_HEAP
#define W2C_GC_MAX_HEAP ((size_t)1 << 30)
#endif

/* W2C_GC_BLOCK: bytes of the first malloc'd blocks; later ones are half the
 * heap's size then (a larger object gets a block of its own size); default
 * 1 MiB. */
#ifndef W2C_GC_BLOCK
#define W2C_GC_BLOCK ((size_t)1 << 20)
#endif

/* W2C_GC_MARK_STACK: entries of the marking stack (its overflow costs a
 * rescan of the heap, not memory); default 1024. */
#ifndef W2C_GC_MARK_STACK
#define W2C_GC_MARK_STACK 1024
#endif

/* W2C_GC_MAX_ROOT_FNS: instances (each a function marking its globals and
 * tables) that may be registered at once; default 64. */
#ifndef W2C_GC_MAX_ROOT_FNS
#define W2C_GC_MAX_ROOT_FNS 64
#endif

/* W2C_GC_TRIGGER: if non-zero, collect before every W2C_GC_TRIGGER-th
 * allocation as well (tests: collections in the middle of functions);
 * default 0. */
#ifndef W2C_GC_TRIGGER
#define W2C_GC_TRIGGER 0
#endif

/* W2C_GC_MAX_ROOT_RANGES: root ranges (an instance's globals, tables,
 * segments) that may be registered at once; default 64. */
#ifndef W2C_GC_MAX_ROOT_RANGES
#define W2C_GC_MAX_ROOT_RANGES 64
#endif

typedef uintptr_t w2c_ref;

#define W2C_REF_NULL ((w2c_ref)0)

/* -- i31 ----------------------------------------------------------------------------------- */
static inline w2c_ref w2c_ref_i31(uint32_t v) { return ((w2c_ref)(v & 0x7FFFFFFFu) << 1) | 1u; }
static inline int w2c_ref_is_i31(w2c_ref r) { return (int)(r & 1u); }
static inline uint32_t w2c_i31_get_u(w2c_ref r) { return (uint32_t)(r >> 1) & 0x7FFFFFFFu; }
static inline uint32_t w2c_i31_get_s(w2c_ref r) {
  return (w2c_i31_get_u(r) ^ 0x40000000u) - 0x40000000u; /* sign bit 30, no signed shift */
}

/* -- run-time types and objects -------------------------------------------------------------- */
enum { W2C_RTT_STRUCT = 1, W2C_RTT_ARRAY = 2, W2C_RTT_EXTERN_BOX = 3 };

typedef struct w2c_rtt {
  uint32_t kind;                         /* W2C_RTT_* */
  uint32_t depth;                        /* declared supertypes above it */
  const struct w2c_rtt *const *display;  /* [0..depth]: the root type ... itself */
  uint32_t size;                         /* struct: bytes after the header; array: per element */
  uint32_t nrefs;                        /* struct: reference fields; array: 1 if refs */
  const uint32_t *ref_offsets;           /* struct: their byte offsets after the header */
  uint64_t id;                           /* the type's identity across modules (0: none) */
} w2c_rtt;

typedef struct w2c_gc_header {
  const w2c_rtt *rtt;                    /* NULL: a free chunk */
  uint32_t gc;                           /* granules << 2 | free << 1 | mark */
  uint32_t len;                          /* arrays: the element count */
} w2c_gc_header;

#define W2C_GC_GRANULE 8u
#define W2C_GC_HEADER_BYTES ((sizeof(w2c_gc_header) + 7u) & ~(size_t)7u)
#define W2C_GC_MARK 1u
#define W2C_GC_FREE 2u

static inline w2c_gc_header *w2c_gc_obj(w2c_ref r) { return (w2c_gc_header *)r; }
static inline void *w2c_gc_fields(w2c_ref r) {
  return (unsigned char *)r + W2C_GC_HEADER_BYTES;
}

/* ref.test/ref.cast to a concrete type: an object whose rtt has `t` (or,
 * from another module, an rtt of the same id) at t's depth. */
static inline int w2c_gc_is_sub(w2c_ref r, const w2c_rtt *t) {
  const w2c_rtt *s;
  if (r == W2C_REF_NULL || w2c_ref_is_i31(r)) return 0;
  s = w2c_gc_obj(r)->rtt;
  if (s == t) return 1;
  if (s->depth < t->depth) return 0;
  s = s->display[t->depth];
  return s == t || (t->id != 0 && s->id == t->id);
}

/* -- the heap ---------------------------------------------------------------------------------- */
typedef struct w2c_gc_frame {            /* a function's slots of references */
  struct w2c_gc_frame *prev;
  uint32_t n;
  w2c_ref *slots;
} w2c_gc_frame;

typedef struct w2c_gc_block { struct w2c_gc_block *next; size_t bytes; } w2c_gc_block;

typedef struct w2c_gc_stats {
  uint64_t heap_bytes;                   /* bytes of the heap's blocks */
  uint64_t live_bytes;                   /* in objects after the last collection */
  uint64_t collections;
  uint64_t allocated_bytes;              /* in all objects ever allocated */
} w2c_gc_stats;

typedef struct w2c_gc_heap {
  w2c_gc_frame *frames;                  /* the shadow stack's top */
  w2c_ref *roots[W2C_GC_MAX_ROOT_RANGES];
  uint32_t nroots[W2C_GC_MAX_ROOT_RANGES];
  uint32_t nranges;
  void (*root_fns[W2C_GC_MAX_ROOT_FNS])(void *);
  void *root_ctx[W2C_GC_MAX_ROOT_FNS];
  uint32_t nroot_fns;
  uint32_t inhibit;                      /* > 0: no collection (instantiation) */
  uint32_t countdown;                    /* W2C_GC_TRIGGER */
  uintptr_t lo, hi;                      /* the blocks' address range */
  w2c_gc_block *blocks;
  w2c_gc_header *free_list;              /* free chunks in address order; next in len.. */
  w2c_gc_stats stats;
  w2c_ref mark_stack[W2C_GC_MARK_STACK];
  uint32_t mark_top;
  int overflowed;
} w2c_gc_heap;

W2C_GLOBAL(w2c_gc_heap, w2c_gc_state);
#if W2C_GC_STATIC_HEAP
W2C_GLOBAL(uint64_t, w2c_gc_static_heap[(W2C_GC_STATIC_HEAP + 7) / 8]);
#endif

/* A free chunk keeps the next free chunk after its header. */
static inline w2c_gc_header **w2c_gc_next_free(w2c_gc_header *h) {
  return (w2c_gc_header **)(void *)((unsigned char *)h + W2C_GC_HEADER_BYTES);
}
static inline size_t w2c_gc_chunk_bytes(const w2c_gc_header *h) {
  return (size_t)(h->gc >> 2) * W2C_GC_GRANULE;
}
static inline unsigned char *w2c_gc_block_start(w2c_gc_block *b) {
  return (unsigned char *)b + ((sizeof(w2c_gc_block) + 7u) & ~(size_t)7u);
}

static inline void w2c_gc_add_block(w2c_gc_block *b, size_t bytes) {
  w2c_gc_heap *g = &w2c_gc_state;
  w2c_gc_header *h;
  b->bytes = bytes;
  if (!g->blocks || (uintptr_t)b < g->lo) g->lo = (uintptr_t)b;
  if (!g->blocks || (uintptr_t)b + bytes > g->hi) g->hi = (uintptr_t)b + bytes;
  b->next = g->blocks;
  g->blocks = b;
  h = (w2c_gc_header *)(void *)w2c_gc_block_start(b);
  h->rtt = NULL;
  h->len = 0;
  h->gc = (uint32_t)((bytes - (size_t)(w2c_gc_block_start(b) - (unsigned char *)b))
                     / W2C_GC_GRANULE) << 2 | W2C_GC_FREE;
  *w2c_gc_next_free(h) = g->free_list;
  g->free_list = h;
  g->stats.heap_bytes += bytes;
}

/* Whether r is an object of the heap (not null, an i31 or a host pointer
 * that an externref holds: those are never inside the heap's blocks). */
static inline int w2c_gc_is_object(w2c_ref r) {
  w2c_gc_heap *g = &w2c_gc_state;
  w2c_gc_block *b;
  if (r == W2C_REF_NULL || w2c_ref_is_i31(r) || r < g->lo || r >= g->hi) return 0;
  for (b = g->blocks; b; b = b->next)
    if (r > (uintptr_t)b && r < (uintptr_t)b + b->bytes) return 1;
  return 0;
}

static inline void w2c_gc_push(w2c_ref r) {
  w2c_gc_heap *g = &w2c_gc_state;
  w2c_gc_header *h;
  if (!w2c_gc_is_object(r)) return;
  h = w2c_gc_obj(r);
  if (h->gc & W2C_GC_MARK) return;
  h->gc |= W2C_GC_MARK;
  if (g->mark_top < W2C_GC_MARK_STACK) g->mark_stack[g->mark_top++] = r;
  else g->overflowed = 1;              /* found again by the rescan */
}

static inline void w2c_gc_push_children(w2c_ref r) {
  const w2c_gc_header *h = w2c_gc_obj(r);
  const unsigned char *f = (const unsigned char *)w2c_gc_fields(r);
  w2c_ref c;
  uint32_t i;
  if (h->rtt->kind == W2C_RTT_STRUCT) {
    for (i = 0; i < h->rtt->nrefs; i++) {
      W2C_MEMCPY(&c, f + h->rtt->ref_offsets[i], sizeof c);
      w2c_gc_push(c);
    }
  } else if (h->rtt->kind == W2C_RTT_ARRAY && h->rtt->nrefs) {
    for (i = 0; i < h->len; i++) {
      W2C_MEMCPY(&c, f + (size_t)i * sizeof c, sizeof c);
      w2c_gc_push(c);
    }
  }
}

static inline void w2c_gc_drain(void) {
  w2c_gc_heap *g = &w2c_gc_state;
  while (g->mark_top) w2c_gc_push_children(g->mark_stack[--g->mark_top]);
}

static inline void w2c_gc_mark(void) {
  w2c_gc_heap *g = &w2c_gc_state;
  w2c_gc_frame *f;
  w2c_gc_block *b;
  uint32_t i;
  g->overflowed = 0;
  for (f = g->frames; f; f = f->prev)
    for (i = 0; i < f->n; i++) w2c_gc_push(f->slots[i]);
  for (i = 0; i < g->nranges; i++) {
    uint32_t j;
    for (j = 0; j < g->nroots[i]; j++) w2c_gc_push(g->roots[i][j]);
  }
  for (i = 0; i < g->nroot_fns; i++) {
    g->root_fns[i](g->root_ctx[i]);
    w2c_gc_drain();
  }
  w2c_gc_drain();
  while (g->overflowed) {              /* rescan: marked objects' children again */
    g->overflowed = 0;
    for (b = g->blocks; b; b = b->next) {
      unsigned char *p = w2c_gc_block_start(b), *end = (unsigned char *)b + b->bytes;
      while (p < end) {
        w2c_gc_header *h = (w2c_gc_header *)(void *)p;
        if ((h->gc & (W2C_GC_MARK | W2C_GC_FREE)) == W2C_GC_MARK) {
          w2c_gc_push_children((w2c_ref)p);
          w2c_gc_drain();
        }
        p += w2c_gc_chunk_bytes(h);
      }
    }
  }
}

/* Sweep: unmarked objects become free, neighbours merge, the free list is
 * rebuilt in address order (blocks in list order). */
static inline void w2c_gc_sweep(void) {
  w2c_gc_heap *g = &w2c_gc_state;
  w2c_gc_header **tail = &g->free_list;
  w2c_gc_block *b;
  uint64_t live = 0;
  for (b = g->blocks; b; b = b->next) {
    unsigned char *p = w2c_gc_block_start(b), *end = (unsigned char *)b + b->bytes;
    w2c_gc_header *run = NULL;
    while (p < end) {
      w2c_gc_header *h = (w2c_gc_header *)(void *)p;
      size_t bytes = w2c_gc_chunk_bytes(h);
      if (h->gc & W2C_GC_MARK) {
        h->gc &= ~W2C_GC_MARK;
        live += bytes;
        run = NULL;
      } else if (run) {
        run->gc += h->gc >> 2 << 2;     /* merge into the free run before it */
      } else {
        run = h;
        h->rtt = NULL;
        h->len = 0;
        h->gc = (h->gc >> 2 << 2) | W2C_GC_FREE;
        *tail = h;
        tail = w2c_gc_next_free(h);
      }
      p += bytes;
    }
  }
  *tail = NULL;
  g->stats.live_bytes = live;
  g->stats.collections++;
}

static inline void w2c_gc_collect(void) {
  w2c_gc_mark();
  w2c_gc_sweep();
}

static inline void w2c_gc_get_stats(w2c_gc_stats *out) { *out = w2c_gc_state.stats; }

/* First fit: the chunk is split if the rest can hold a free chunk. */
static inline void *w2c_gc_take(size_t bytes) {
  w2c_gc_header **link = &w2c_gc_state.free_list;
  while (*link) {
    w2c_gc_header *h = *link;
    size_t have = w2c_gc_chunk_bytes(h);
    if (have >= bytes) {
      if (have - bytes >= W2C_GC_HEADER_BYTES + sizeof(void *)) {
        w2c_gc_header *rest = (w2c_gc_header *)(void *)((unsigned char *)h + bytes);
        rest->rtt = NULL;
        rest->len = 0;
        rest->gc = (uint32_t)((have - bytes) / W2C_GC_GRANULE) << 2 | W2C_GC_FREE;
        *w2c_gc_next_free(rest) = *w2c_gc_next_free(h);
        *link = rest;
        h->gc = (uint32_t)(bytes / W2C_GC_GRANULE) << 2;
      } else {
        *link = *w2c_gc_next_free(h);
        h->gc = h->gc >> 2 << 2;
      }
      return h;
    }
    link = w2c_gc_next_free(h);
  }
  return NULL;
}

static inline int w2c_gc_grow(size_t bytes) {
  w2c_gc_heap *g = &w2c_gc_state;
#if W2C_GC_STATIC_HEAP
  if (g->blocks == NULL) {
    w2c_gc_add_block((w2c_gc_block *)(void *)w2c_gc_static_heap, sizeof w2c_gc_static_heap);
    return 1;
  }
  (void)bytes;
  return 0;
#else
  /* Blocks grow with the heap (half its size, at least W2C_GC_BLOCK), so
   * there are O(log heap) of them for w2c_gc_is_object to search. */
  size_t want = g->stats.heap_bytes / 2 > W2C_GC_BLOCK ? g->stats.heap_bytes / 2 : W2C_GC_BLOCK;
  size_t room = W2C_GC_MAX_HEAP > g->stats.heap_bytes ? W2C_GC_MAX_HEAP - g->stats.heap_bytes : 0;
  void *m;
  want &= ~(size_t)7;
  if (want > room) want = room & ~(size_t)7;
  if (want < bytes + 64) want = (bytes + 64 + 7) & ~(size_t)7;
  if (want > room) return 0;
  m = malloc(want);
  if (!m) return 0;
  w2c_gc_add_block((w2c_gc_block *)m, want);
  return 1;
#endif
}

/* An object of `bytes` after the header (zeroed), of type `rtt`.  Collects
 * when the free list has no room: with a static heap only then; with
 * malloc'd blocks also before growing past twice the live bytes. */
static inline w2c_ref w2c_gc_alloc(const w2c_rtt *rtt, size_t bytes, uint32_t len) {
  w2c_gc_heap *g = &w2c_gc_state;
  size_t total;
  w2c_gc_header *h;
  if (bytes > ((size_t)1 << 31)) W2C_TRAP(W2C_TRAP_OUT_OF_MEMORY);
  total = (W2C_GC_HEADER_BYTES + bytes + W2C_GC_GRANULE - 1) & ~(size_t)(W2C_GC_GRANULE - 1);
  /* (room for a free chunk's link when it is freed; a granule multiple:
   * 24 bytes, also on 32-bit hosts where header and link are 20) */
  if (total < W2C_GC_HEADER_BYTES + sizeof(void *))
    total = (W2C_GC_HEADER_BYTES + sizeof(void *) + W2C_GC_GRANULE - 1) & ~(size_t)(W2C_GC_GRANULE - 1);
#if W2C_GC_TRIGGER
  if (g->blocks && !g->inhibit && ++g->countdown >= W2C_GC_TRIGGER) {
    g->countdown = 0;
    w2c_gc_collect();
  }
#endif
  h = (w2c_gc_header *)w2c_gc_take(total);
  if (!h && g->blocks && !g->inhibit && (W2C_GC_STATIC_HEAP || g->stats.heap_bytes >= 2 * g->stats.live_bytes)) {
    w2c_gc_collect();
    h = (w2c_gc_header *)w2c_gc_take(total);
  }
  if (!h && w2c_gc_grow(total)) h = (w2c_gc_header *)w2c_gc_take(total);
  if (!h) W2C_TRAP(W2C_TRAP_OUT_OF_MEMORY);
  h->rtt = rtt;
  h->len = len;
  W2C_MEMSET((unsigned char *)h + W2C_GC_HEADER_BYTES, 0, total - W2C_GC_HEADER_BYTES);
  g->stats.allocated_bytes += total;
  return (w2c_ref)h;
}

/* -- roots ------------------------------------------------------------------------------------- */
/* The generated code's frame: `w2c_gc_frame fr_; w2c_ref r_[N];` then
 * W2C_GC_FRAME_PUSH(fr_, r_, N) on entry and W2C_GC_FRAME_POP(fr_) on every exit. */
#define W2C_GC_FRAME_PUSH(fr_, slots_, count_)                                \
  do {                                                                        \
    W2C_MEMSET((slots_), 0, sizeof(w2c_ref) * (count_));                          \
    (fr_).prev = w2c_gc_state.frames;                                         \
    (fr_).n = (count_);                                                       \
    (fr_).slots = (slots_);                                                   \
    w2c_gc_state.frames = &(fr_);                                             \
  } while (0)
#define W2C_GC_FRAME_POP(fr_) (w2c_gc_state.frames = (fr_).prev)

/* The shadow stack's top, saved where a trap or an exception may be caught
 * (an embedder's W2C_TRY, a generated catch) and restored there: the frames
 * between were left without their POP.  Collections are switched off
 * (`inhibit`) only while constant expressions run (instantiation, element
 * items), which neither call out nor catch: at any restore point they are
 * on, and a trap inside such an expression must not leave them off. */
static inline w2c_gc_frame *w2c_gc_frames_save(void) { return w2c_gc_state.frames; }
static inline void w2c_gc_frames_restore(w2c_gc_frame *top) {
  w2c_gc_state.frames = top;
  w2c_gc_state.inhibit = 0;
}

/* An instance's globals, tables or segments of references: roots until removed. */
static inline void w2c_gc_add_roots(w2c_ref *refs, uint32_t n) {
  w2c_gc_heap *g = &w2c_gc_state;
  if (g->nranges == W2C_GC_MAX_ROOT_RANGES) W2C_TRAP(W2C_TRAP_OUT_OF_MEMORY);
  g->roots[g->nranges] = refs;
  g->nroots[g->nranges++] = n;
}

static inline void w2c_gc_remove_roots(w2c_ref *refs) {
  w2c_gc_heap *g = &w2c_gc_state;
  uint32_t i;
  for (i = 0; i < g->nranges; i++) {
    if (g->roots[i] == refs) {
      g->roots[i] = g->roots[g->nranges - 1];
      g->nroots[i] = g->nroots[g->nranges - 1];
      g->nranges--;
      return;
    }
  }
}

#endif /* W2C_GC_H */
