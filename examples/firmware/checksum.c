/* checksum.c: CRC-32 (the zlib polynomial, bitwise) of N bytes from a
 * 32-bit LCG (x = x * 1664525 + 1013904223, each byte = x >> 24), N from
 * argv[1] (default 100000).  Prints `crc32(N) = 0x........`; the tests
 * compare it with Python's zlib.crc32 of the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t crc32_update(uint32_t crc, uint8_t byte) {
  crc ^= byte;
  for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  return crc;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  uint32_t x = 12345, crc = 0xFFFFFFFFu;
  for (long i = 0; i < n; i++) {
    x = x * 1664525u + 1013904223u;
    crc = crc32_update(crc, (uint8_t)(x >> 24));
  }
  printf("crc32(%ld) = 0x%08x\n", n, (unsigned)(crc ^ 0xFFFFFFFFu));
  return 0;
}
