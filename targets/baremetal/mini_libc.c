/* mini_libc.c: the functions GCC may call even in a freestanding program
 * (memcpy, memmove, memset, memcmp, and strlen for a loop it recognises), for the bare-metal profiles,
 * which link no C library.  Weak, so a firmware with its own wins. */
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__)
/* Keep GCC from turning these loops back into calls to themselves. */
#define NO_LOOP_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LOOP_CALLS
#endif
#define WEAK __attribute__((weak))
typedef uint32_t __attribute__((may_alias)) word32;

WEAK NO_LOOP_CALLS void *memcpy(void *restrict d, const void *restrict s, size_t n) {
  unsigned char *dp = (unsigned char *)d;
  const unsigned char *sp = (const unsigned char *)s;
  if ((((uintptr_t)dp | (uintptr_t)sp) & 3u) == 0) {
    for (; n >= 4; n -= 4, dp += 4, sp += 4) *(word32 *)(void *)dp = *(const word32 *)(const void *)sp;
  }
  while (n--) *dp++ = *sp++;
  return d;
}

WEAK NO_LOOP_CALLS void *memmove(void *d, const void *s, size_t n) {
  unsigned char *dp = (unsigned char *)d;
  const unsigned char *sp = (const unsigned char *)s;
  if ((uintptr_t)dp <= (uintptr_t)sp || (uintptr_t)dp >= (uintptr_t)sp + n) return memcpy(d, s, n);
  while (n) {
    n--;
    dp[n] = sp[n];
  }
  return d;
}

WEAK NO_LOOP_CALLS void *memset(void *d, int c, size_t n) {
  unsigned char *dp = (unsigned char *)d;
  while (n--) *dp++ = (unsigned char)c;
  return d;
}

WEAK NO_LOOP_CALLS int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *ap = (const unsigned char *)a, *bp = (const unsigned char *)b;
  for (; n; n--, ap++, bp++)
    if (*ap != *bp) return *ap < *bp ? -1 : 1;
  return 0;
}

WEAK NO_LOOP_CALLS size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}
