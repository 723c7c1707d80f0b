/* Exit codes and abnormal ends: `return N` from main, exit(N) (atexit
 * handlers and stdio flushed), _Exit(N) (nothing flushed), abort() and
 * Wasm traps (integer divide by zero, out-of-bounds memory access).
 * Usage: exit_codes MODE [N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void handler(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "return";
  int n = argc > 2 ? atoi(argv[2]) : 0;
  printf("mode %s %d\n", mode, n);
  atexit(handler);
  if (strcmp(mode, "return") == 0) {
    printf("returning %d", n); /* no newline: exit flushes */
    return n;
  }
  if (strcmp(mode, "exit") == 0) {
    fprintf(stderr, "to stderr before exit\n");
    exit(n);
  }
  if (strcmp(mode, "_Exit") == 0) {
    /* the line above is already out (stdout is a file: fully buffered?) */
    fflush(stdout);
    write(1, "unflushed text before _Exit\n", 28);
    printf("this stays in the buffer");
    _Exit(n);
  }
  if (strcmp(mode, "abort") == 0) {
    fflush(stdout);
    abort();
  }
  if (strcmp(mode, "div0") == 0) {
    volatile int zero = 0, num = 12345;
    fflush(stdout);
    printf("%d\n", num / zero);
    return 1;
  }
  if (strcmp(mode, "oob") == 0) {
    volatile uint32_t where = 0xFFFFFFF0u;
    fflush(stdout);
    printf("%d\n", *(volatile int *)(uintptr_t)where);
    return 1;
  }
  printf("unknown mode\n");
  return 2;
}
