/* stdlib.h for the freestanding wasm64 builds of bench/programs
 * (bench/mem64_programs.py): a bump allocator, defined in libc.c. */
#ifndef W2C_BENCH_STDLIB_H
#define W2C_BENCH_STDLIB_H
#include <stddef.h>
void *malloc(size_t n);
void free(void *p);
#endif
