/* main.c: a host program for examples/hello/hello.wasm translated by w2c.
 *
 *   w2c compile hello.wasm -o out/hello.c
 *   cc -std=c99 -O2 -Iout out/hello.c main.c -o hello && ./hello
 *
 * It defines the module's one import (env.write), instantiates the module,
 * calls its exports and shows a trap being caught.
 */
#include <inttypes.h>
#include <stdio.h>

#include "hello.h"

/* The import "env" "write": print len bytes of linear memory from ptr. */
void hello_i_env__write(void *ctx, uint32_t ptr, uint32_t len) {
  hello_instance *inst = (hello_instance *)ctx;
  w2c_memory *mem = hello_x_memory(inst);
  if ((uint64_t)ptr + len <= mem->size) fwrite(mem->data + ptr, 1, len, stdout);
}

int main(void) {
  static hello_instance inst;
  hello_imports imports;
  w2c_trap trap;
  volatile uint32_t r = 0;
  int rc;

  imports.ctx_env = &inst;
  rc = hello_instantiate(&inst, &imports);
  if (rc != 0) {
    fprintf(stderr, "instantiate failed: %d\n", rc);
    return 1;
  }
  hello_x_hello(&inst);
  printf("fac(20) = %" PRIu64 "\n", hello_x_fac(&inst, 20));
  printf("fib(30) = %" PRIu32 "\n", hello_x_fib(&inst, 30));
  printf("apply(square, 12) = %" PRIu32 "\n", hello_x_apply(&inst, 1, 12));
  printf("calls = %" PRIu32 "\n", *hello_x_calls(&inst));
  /* Table index 7 is out of the table's 4 entries: a trap, caught here. */
  W2C_TRY_STMT(trap, r = hello_x_apply(&inst, 7, 1));
  printf("apply(7, 1) -> trap: %s\n", trap ? w2c_trap_message(trap) : "none");
  (void)r;
  hello_free(&inst);
  return 0;
}
