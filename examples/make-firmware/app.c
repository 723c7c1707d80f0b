/* app.c: the application of examples/make-firmware, an ordinary WASI program.
 *
 *   clang --target=wasm32-wasi -O2 -Wl,--strip-all app.c -o app.wasm
 *
 * runs under wasmtime as it is; the Makefile makes it Cortex-M firmware.
 * It prints its arguments and $BOARD, a CRC-32 and a square root, and exits
 * with status 0 (a status other than 0 would become QEMU's). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc32(const char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--) {
    c ^= (uint8_t)*p++;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return ~c;
}

int main(int argc, char **argv) {
  const char *board = getenv("BOARD");
  const char *text = "The quick brown fox jumps over the lazy dog";
  volatile double two = 2.0;
  printf("app: hello from %s on %s\n", argv[0], board ? board : "an unknown board");
  for (int i = 1; i < argc; i++) printf("app: argument %d: %s\n", i, argv[i]);
  printf("app: crc32 = %08x\n", (unsigned)crc32(text, strlen(text)));
  printf("app: sqrt(2) = %.6f\n", sqrt(two));
  return 0;
}
