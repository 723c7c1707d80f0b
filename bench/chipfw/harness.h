/* harness.h: what every firmware of the Cortex-M bench shares (bench/chip.py).
 *
 * bench_mark() is called just before and just after the kernel; the QEMU
 * plugin (insncount.c) records the instruction count each time it runs,
 * so the kernel's count is the difference.  chip_report() prints the
 * bench's line `NAME n=N checksum=XXXXXXXX check=ok|FAIL|none` over
 * semihosting (targets/baremetal/semihost.c) and chip_exit() ends the run.
 * The heap (native's and wasm3's malloc, from newlib) grows through
 * _sbrk, which records its peak for the RAM figures (`heap=BYTES`). */
#ifndef CHIP_HARNESS_H
#define CHIP_HARNESS_H
#include <stddef.h>
#include <stdint.h>

void bench_mark(void);
void chip_puts(const char *s);
void chip_put_u32(uint32_t v, int hex);
void chip_report(const char *name, uint32_t n, uint32_t sum, uint32_t expect, int have_expect);
void chip_exit(uint32_t code) __attribute__((noreturn));
size_t chip_heap_peak(void);
#endif
