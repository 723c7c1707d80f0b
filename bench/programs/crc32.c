/* crc32: CRC-32 (IEEE 802.3, reflected) of a 64 KiB buffer, slicing by 4
 * tables, n passes; one byte changes between passes.  Integer kernel:
 * table loads, shifts, xors. */
#include "bench.h"

static uint32_t table[4][256];
static uint8_t buf[1 << 16];

static void make_tables(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 4; t++)
      table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xFF];
}

static uint32_t crc32(const uint8_t *p, size_t len, uint32_t crc) {
  crc = ~crc;
  while (len >= 4) {
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    crc ^= w;
    crc = table[3][crc & 0xFF] ^ table[2][(crc >> 8) & 0xFF] ^
          table[1][(crc >> 16) & 0xFF] ^ table[0][crc >> 24];
    p += 4;
    len -= 4;
  }
  while (len--) crc = table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

BENCH_ENTRY(n) {
  uint32_t seed = 2463534242u, sum = 0;
  make_tables();
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)bench_rand(&seed);
  if (crc32((const uint8_t *)"123456789", 9, 0) != 0xCBF43926u) return 0;
  for (uint32_t r = 0; r < n; r++) {
    buf[(r * 2654435761u) & (sizeof buf - 1)] ^= (uint8_t)r;
    /* an odd length and offset every 16th pass, for the byte tail */
    uint32_t c = (r & 15) ? crc32(buf, sizeof buf, r) : crc32(buf + 1, sizeof buf - 3, r);
    sum = bench_mix(sum, c);
  }
  return sum;
}

BENCH_MAIN("crc32", 15000, 0xc64e618au, 400, 0x26c99a96u)
