/* harness.c: bench_mark, the report line and the heap of the Cortex-M
 * bench's firmware (see harness.h). */
#include "harness.h"

extern void w2c_bare_write(uint32_t fd, const uint8_t *buf, size_t len);
extern void w2c_bare_exit(uint32_t code) __attribute__((noreturn));
extern char __heap_start[], __heap_limit[];

__attribute__((noinline, used)) void bench_mark(void) { __asm__ volatile("" ::: "memory"); }

void chip_puts(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  w2c_bare_write(1, (const uint8_t *)s, n);
}

void chip_put_u32(uint32_t v, int hex) {
  char buf[12];
  int i = 11;
  buf[i] = 0;
  if (hex) {
    for (int k = 0; k < 8; k++, v >>= 4) buf[--i] = "0123456789abcdef"[v & 15];
  } else {
    do buf[--i] = (char)('0' + v % 10); while (v /= 10);
  }
  chip_puts(buf + i);
}

static size_t heap_used, heap_peak;

void chip_report(const char *name, uint32_t n, uint32_t sum, uint32_t expect, int have_expect) {
  chip_puts(name);
  chip_puts(" n=");
  chip_put_u32(n, 0);
  chip_puts(" checksum=");
  chip_put_u32(sum, 1);
  chip_puts(" check=");
  chip_puts(!have_expect ? "none" : sum == expect ? "ok" : "FAIL");
  chip_puts(" heap=");
  chip_put_u32((uint32_t)heap_peak, 0);
  chip_puts("\n");
}

void chip_exit(uint32_t code) { w2c_bare_exit(code); }

size_t chip_heap_peak(void) { return heap_peak; }

/* newlib's malloc gets its memory here: between .bss and the stack. */
void *_sbrk(ptrdiff_t incr) {
  size_t room = (size_t)(__heap_limit - __heap_start);
  char *p = __heap_start + heap_used;
  if (incr < 0 ? (size_t)-incr > heap_used : (size_t)incr > room - heap_used) return (void *)-1;
  heap_used += (size_t)incr;
  if (heap_used > heap_peak) heap_peak = heap_used;
  return p;
}

/* What newlib's malloc and libm may call besides _sbrk. */
void abort(void) {
  chip_puts("error: abort\n");
  w2c_bare_exit(134);
}
