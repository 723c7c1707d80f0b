/* Standard input: read it all (raw reads of odd sizes, then stdio lines),
 * print its length, a hash and the lines escaped; reads at EOF return 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long fnv(const unsigned char *p, size_t n) {
  unsigned long h = 2166136261u;
  while (n--) h = (h ^ *p++) * 16777619u;
  return h & 0xffffffffu;
}

int main(void) {
  static unsigned char data[1 << 20];
  size_t len = 0, i, line = 1, start = 0;
  ssize_t n;
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* a first small read, then chunks of 1000 (odd, not a power of two) */
  n = read(0, data, 7);
  printf("first read: %s\n", n < 0 ? "error" : n == 0 ? "eof" : "data");
  if (n > 0) len = (size_t)n;
  while (len < sizeof data && (n = read(0, data + len, sizeof data - len < 1000 ? sizeof data - len : 1000)) > 0)
    len += (size_t)n;
  printf("bytes: %zu\n", len);
  printf("fnv: %08lx\n", fnv(data, len));
  printf("read at eof: %zd\n", read(0, data + len, 10));
  printf("read at eof again: %zd\n", read(0, data + len, 10));
  if (len <= 4096) {
    for (i = 0; i <= len; i++) {
      if (i == len || data[i] == '\n') {
        size_t k;
        if (i == len && start == len) break;
        printf("line %zu: [", line++);
        for (k = start; k < i; k++) {
          unsigned char c = data[k];
          if (c >= 0x20 && c < 0x7f && c != '\\') putchar(c);
          else printf("\\x%02x", c);
        }
        printf("]%s\n", i == len ? " (no newline)" : "");
        start = i + 1;
      }
    }
  } else {
    size_t lines = 0;
    for (i = 0; i < len; i++) lines += data[i] == '\n';
    printf("newlines: %zu\n", lines);
  }
  printf("stdio getchar at eof: %d feof: %d\n", getchar(), feof(stdin) != 0);
  return 0;
}
