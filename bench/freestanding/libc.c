/* libc.c: the freestanding runtime of the wasm64 builds of bench/programs
 * (bench/mem64_programs.py; no wasm64 libc ships here): memory functions
 * and a bump allocator that grows the memory.  Built with -nostdlib
 * -DBENCH_PURE; the module exports bench_run(n) only. */
#include <stddef.h>
#include <stdint.h>
#include "string.h"
#include "stdlib.h"

void *memcpy(void *dst, const void *src, size_t n) {
  __builtin_memcpy(dst, src, n);  /* memory.copy with -mbulk-memory */
  return dst;
}
void *memmove(void *dst, const void *src, size_t n) {
  __builtin_memmove(dst, src, n);
  return dst;
}
void *memset(void *dst, int c, size_t n) {
  __builtin_memset(dst, c, n);
  return dst;
}
int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p - *q;
  return 0;
}

extern unsigned char __heap_base;
static uintptr_t heap_top;

void *malloc(size_t n) {
  uintptr_t p, end;
  size_t have;
  if (!heap_top) heap_top = (uintptr_t)&__heap_base;
  p = (heap_top + 15) & ~(uintptr_t)15;
  end = p + n;
  have = __builtin_wasm_memory_size(0) * 65536;
  if (end > have &&
      __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1)
    return NULL;
  heap_top = end;
  return (void *)p;
}
void free(void *p) { (void)p; }
