/* sha256: SHA-256 (FIPS 180-4) of a 64 KiB buffer, n times, each digest
 * written back into the buffer.  Integer kernel: rotations, 32-bit adds,
 * big-endian loads. */
#include "bench.h"

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
  0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
  0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
  0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
  0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2};

typedef struct { uint32_t h[8]; uint8_t block[64]; uint64_t len; uint32_t used; } sha256_ctx;

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64], a, b, c, d, e, f, g, hh;
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha_init(sha256_ctx *c) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->h, iv, sizeof iv);
  c->len = 0;
  c->used = 0;
}

static void sha_update(sha256_ctx *c, const uint8_t *p, size_t n) {
  c->len += n;
  while (n) {
    if (c->used == 0 && n >= 64) {
      compress(c->h, p);
      p += 64;
      n -= 64;
      continue;
    }
    size_t k = 64 - c->used < n ? 64 - c->used : n;
    memcpy(c->block + c->used, p, k);
    c->used += (uint32_t)k;
    p += k;
    n -= k;
    if (c->used == 64) {
      compress(c->h, c->block);
      c->used = 0;
    }
  }
}

static void sha_final(sha256_ctx *c, uint8_t out[32]) {
  uint64_t bits = c->len * 8;
  uint8_t pad[72] = {0x80};
  size_t padlen = (c->used < 56 ? 56 : 120) - c->used;
  for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
  sha_update(c, pad, padlen + 8);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++) out[4 * i + j] = (uint8_t)(c->h[i] >> (24 - 8 * j));
}

static uint8_t buf[1 << 16];

BENCH_ENTRY(n) {
  uint32_t seed = 88172645u, sum = 0;
  uint8_t d[32];
  sha256_ctx c;
  sha_init(&c);
  sha_update(&c, (const uint8_t *)"abc", 3);
  sha_final(&c, d);
  if (d[0] != 0xba || d[31] != 0xad) return 0; /* FIPS 180-4 example */
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)bench_rand(&seed);
  for (uint32_t r = 0; r < n; r++) {
    sha_init(&c);
    sha_update(&c, buf, sizeof buf - (r & 63));
    sha_final(&c, d);
    memcpy(buf + (r * 32) % (sizeof buf - 32), d, 32);
    sum = bench_mix(sum, (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
                             (uint32_t)d[3] << 24);
  }
  return sum;
}

BENCH_MAIN("sha256", 3000, 0x73201a02u, 100, 0x4baa1f26u)
