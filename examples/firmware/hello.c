/* hello.c: a WASI program that runs unchanged as firmware.
 *
 *   clang --target=wasm32-wasi -O2 -Wl,--strip-all hello.c -o hello.wasm
 *   w2c build --target cortex-m3 hello.wasm -o hello.elf --arg one --env GREETING=hi
 *   qemu-system-arm -M mps2-an385 ... -kernel hello.elf   (see docs/targets.md)
 *
 * Prints a greeting, its arguments and $GREETING; exits with the number of
 * arguments, which becomes QEMU's exit status. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  const char *greeting = getenv("GREETING");
  printf("hello, world from %s\n", argv[0]);
  for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");
  return argc - 1;
}
