/* Random bytes: properties only.  Two calls differ, buffers are filled to
 * the end (no fixed tail), sizes from 0 to 1 MiB work, getentropy refuses
 * more than 256 bytes, the bytes look random (every value occurs in 1 MiB). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *yes(int b) { return b ? "yes" : "no"; }

int main(void) {
  static uint8_t big[1 << 20];
  uint8_t a[256], b[256], c[33];
  unsigned counts[256] = {0};
  size_t i;
  int r, all;
  setvbuf(stdout, NULL, _IOLBF, 0);

  r = getentropy(a, sizeof a);
  printf("getentropy 256: %d\n", r);
  r = getentropy(b, sizeof b);
  printf("getentropy 256 again: %d\n", r);
  printf("two getentropy calls differ: %s\n", yes(memcmp(a, b, sizeof a) != 0));
  errno = 0;
  r = getentropy(big, 257);
  printf("getentropy 257: %d errno=%d\n", r, errno);
  printf("getentropy 0: %d\n", getentropy(a, 0));

  memset(c, 0xAA, sizeof c);
  printf("random_get 32 of 33: %d\n", __wasi_random_get(c, 32));
  printf("byte after the buffer untouched: %s\n", yes(c[32] == 0xAA));
  printf("random_get 0: %d\n", __wasi_random_get(c, 0));
  printf("random_get 1: %d\n", __wasi_random_get(c, 1));

  memset(big, 0, sizeof big);
  printf("random_get 1 MiB: %d\n", __wasi_random_get(big, sizeof big));
  for (i = 0; i < sizeof big; i++) counts[big[i]]++;
  all = 1;
  for (i = 0; i < 256; i++)
    if (counts[i] < 2048 || counts[i] > 6144) all = 0; /* 4096 expected */
  printf("1 MiB: every byte value 2048..6144 times: %s\n", yes(all));
  all = 0;
  for (i = sizeof big - 64; i < sizeof big; i++) all |= big[i];
  printf("tail filled: %s\n", yes(all != 0));

  printf("arc4random differs: %s\n", yes(arc4random() != arc4random() || arc4random() != arc4random()));
  {
    uint32_t u = arc4random_uniform(10);
    printf("arc4random_uniform(10) < 10: %s\n", yes(u < 10));
  }
  return 0;
}
