/* string.h for the freestanding wasm64 builds of bench/programs
 * (bench/mem64_programs.py): the few functions bench.h's programs use,
 * defined in libc.c. */
#ifndef W2C_BENCH_STRING_H
#define W2C_BENCH_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif
