/* w2c_rt.h: the header-only C runtime of w2c-generated code.
 *
 * Generated files include this header (it includes the others); so may
 * embedders.  Include it before any system header when W2C_ALLOC_MMAP is
 * configured (it sets a POSIX feature macro).  Everything is `static inline`
 * or a weak global (see W2C_STORAGE_EXTERNAL in w2c_config.h), so there is
 * nothing to link, except that the sqrt builtin may call libm (-lm) and a
 * freestanding program provides memcpy/memmove/memset.  Configure it with
 * the macros documented in w2c_config.h, identically in every file.
 *
 *   w2c_config.h  configuration, compiler abstraction, FP contraction off
 *   w2c_trap.h    w2c_trap codes, W2C_TRAP, W2C_TRY, W2C_CALL_ENTER/LEAVE
 *   w2c_num.h     integer and float helpers of the opcode templates
 *   w2c_guard.h   the SIGSEGV/SIGBUS handler of guard pages (memory, stack),
 *                 W2C_THREAD_ENTER
 *   w2c_mem.h     w2c_memory, loads/stores, bulk memory, guard pages
 *   w2c_mem64.h   the same for 64-bit memories (memory64; included by w2c_mem.h)
 *   w2c_table.h   w2c_funcref, w2c_externref, w2c_table, call_indirect
 *   w2c_tail.h    the trampoline of tail calls (w2c_tail, w2c_tail_enter)
 *   (w2c_exn.h, w2c_atomic.h: included by the modules that need them)
 *
 * The contract with the emitter is docs/codegen.md.  Index of the API
 * (i32/i64 are uint32_t/uint64_t, signed operations convert inside):
 *
 * Traps (w2c_trap.h)
 *   enum w2c_trap: W2C_TRAP_NONE (0), _UNREACHABLE, _INT_DIV_ZERO,
 *     _INT_OVERFLOW, _INVALID_CONVERSION, _OOB_MEMORY, _OOB_TABLE,
 *     _UNDEFINED_ELEMENT, _UNINITIALIZED_ELEMENT, _INDIRECT_CALL_TYPE,
 *     _EXHAUSTION (10), _NULL_EXNREF, _UNALIGNED_ATOMIC, _EXPECTED_SHARED,
 *     _WAIT_FOREVER;  W2C_ERR_IMPORT (-1), W2C_ERR_ALLOC (-2)
 *   const char *w2c_trap_message(w2c_trap)      the spec's wording
 *   W2C_TRAP(code)                              raise; never returns
 *   w2c_trap W2C_TRY(stmt...)                   GNU C: trap code of stmt, 0 if none
 *   W2C_TRY_STMT(code_lvalue, stmt...)          the same in plain C99
 *   W2C_CALL_ENTER() / W2C_CALL_LEAVE()         call-depth check / release
 *   W2C_CALL_DONE()                             after each call: none in tail position
 *   uint32_t w2c_call_depth;  w2c_trap_frame *w2c_trap_top   (shared state)
 *   W2C_FUNC_ENTER(where) / W2C_FUNC_LEAVE()    -g: the running function
 *   const char *w2c_func_now, *w2c_trap_func    it, and where the last caught trap was
 *
 * Numbers (w2c_num.h), one helper per template of w2c/opcodes.py
 *   w2c_{i32,i64}_{div_s,div_u,rem_s,rem_u,shr_s,rotl,rotr}(a, b)
 *   w2c_{i32,i64}_{clz,ctz,popcnt}(a)
 *   w2c_{f32,f64}_{abs,neg,ceil,floor,trunc,nearest,sqrt}(x)
 *   w2c_{f32,f64}_{min,max,copysign}(x, y)
 *   w2c_{i32,i64}_trunc_{f32,f64}_{s,u}(x)      trapping
 *   w2c_{i32,i64}_trunc_sat_{f32,f64}_{s,u}(x)  saturating
 *   w2c_f32_convert_i64_u(u), w2c_f32_demote_f64(d), w2c_f64_promote_f32(f)
 *   w2c_i32_reinterpret_f32, w2c_i64_reinterpret_f64, w2c_f32_reinterpret_i32,
 *   w2c_f64_reinterpret_i64;  constants: float w2c_f32_bits(uint32_t),
 *   double w2c_f64_bits(uint64_t)
 *
 * Linear memory (w2c_mem.h); {mem} in templates is `m0, m0_size`
 *   T w2c_<load>(const uint8_t *mem, uint64_t size, uint32_t addr, uint32_t offset)
 *     <load>: i32_load, i64_load, f32_load, f64_load, i32_load8_s/_u,
 *     i32_load16_s/_u, i64_load8_s/_u, i64_load16_s/_u, i64_load32_s/_u
 *   void w2c_<store>(uint8_t *mem, uint64_t size, uint32_t addr, uint32_t offset, T value)
 *     <store>: i32_store, i64_store, f32_store, f64_store, i32_store8,
 *     i32_store16, i64_store8, i64_store16, i64_store32
 *   void w2c_memory_fill(mem, size, uint32_t d, uint32_t val, uint32_t n)
 *   void w2c_memory_copy(mem, size, uint32_t d, uint32_t s, uint32_t n)
 *   void w2c_memory_init(mem, size, const uint8_t *seg, uint32_t seg_len,
 *                        uint32_t d, uint32_t s, uint32_t n)
 *   void w2c_memory_init_pieces(mem, size, const uint8_t *const *pieces,
 *                        uint32_t piece_size, uint32_t seg_len, uint32_t d, uint32_t s,
 *                        uint32_t n)   the same, the segment cut in pieces (split output)
 *   int  w2c_memory_alloc(w2c_memory *, uint64_t initial_pages,
 *                         uint64_t max_pages (UINT64_MAX: none), uint32_t page_log2)
 *   int  w2c_memory_use_static(w2c_memory *, uint8_t *buf, uint64_t capacity_bytes,
 *                              uint64_t initial_pages, uint64_t max_pages, uint32_t page_log2)
 *   uint32_t w2c_memory_grow(w2c_memory *, uint32_t delta)   old pages or 0xFFFFFFFF
 *   uint32_t w2c_memory_pages(const w2c_memory *)
 *   64-bit memories (memory64, w2c_mem64.h; always explicitly checked): w2c_<op>_a64 loads
 *   and stores (uint64_t addr, offset), w2c_memory_fill64, _copy_between64,
 *   _init64, _init_pieces64, w2c_memory_alloc64 / _use_static64 (as above),
 *   uint64_t w2c_memory_grow64(w2c_memory *, uint64_t delta)  old or UINT64_MAX,
 *   uint64_t w2c_memory_pages64(const w2c_memory *)
 *   void w2c_memory_free(w2c_memory *)
 *   int  w2c_guard_init(void)                   (w2c_guard.h; with guard pages only)
 *
 * Tables and references (w2c_table.h); R is funcref or externref
 *   w2c_funcref {type_id, func, instance}; W2C_FUNCREF_NULL (initializer),
 *   w2c_funcref_null(), w2c_funcref_is_null(f); w2c_externref (void *)
 *   int  w2c_table_alloc(w2c_table *, int is_externref, uint32_t initial,
 *                        uint32_t max (UINT32_MAX: none))
 *   void w2c_table_free(w2c_table *);  uint32_t w2c_table_size(const w2c_table *)
 *   T    w2c_table_get_R(const w2c_table *, uint32_t i)
 *   void w2c_table_set_R(w2c_table *, uint32_t i, T v)
 *   uint32_t w2c_table_grow_R(w2c_table *, T init, uint32_t n)  old size or 0xFFFFFFFF
 *   64-bit tables: uint32_t w2c_table_index64(uint64_t i) (traps past 2^32-1),
 *   w2c_call_index64(i) (call_indirect's), uint64_t w2c_table_grow64_R(t, init, n)
 *   void w2c_table_fill_R(w2c_table *, uint32_t i, T v, uint32_t n)
 *   void w2c_table_init_R(w2c_table *, const T *seg, uint32_t seg_len,
 *                         uint32_t d, uint32_t s, uint32_t n)
 *   void w2c_table_copy(w2c_table *dst, const w2c_table *src, uint32_t d,
 *                       uint32_t s, uint32_t n)
 *   w2c_funcref w2c_table_call_target(const w2c_table *, uint32_t i, uint64_t type_id)
 *
 * An all-zero w2c_memory or w2c_table may be freed (a no-op), as may one
 * whose allocation failed. */
#ifndef W2C_RT_H
#define W2C_RT_H

#include "w2c_config.h"
#include "w2c_trap.h"
#include "w2c_num.h"
#include "w2c_mem.h"
#include "w2c_table.h"
#include "w2c_tail.h"

#define W2C_RUNTIME_VERSION 1

#endif /* W2C_RT_H */
