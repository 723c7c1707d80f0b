/* main.c: a desktop application that loads examples/cmake-desktop/plugin.wasm,
 * translated into C by w2c at build time (CMakeLists.txt: w2c_add_module).
 *
 * It defines the plugin's imports (plugin_i_host__log, plugin_i_host__sample:
 * the names come from plugin.h, see docs/codegen.md), instantiates it, calls
 * its exports, puts bytes into its memory and catches a trap.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "plugin.h"

static const double samples[] = {20.5, 21.0, 21.5, 22.0, 22.5, 23.0, 23.5, 24.0};

/* host.log: print len bytes of the plugin's memory from ptr. */
void plugin_i_host__log(void *ctx, uint32_t ptr, uint32_t len) {
  w2c_memory *mem = plugin_x_memory((plugin_instance *)ctx);
  if ((uint64_t)ptr + len <= mem->size) fwrite(mem->data + ptr, 1, len, stdout);
}

/* host.sample: the i-th sample (0 past the end). */
double plugin_i_host__sample(void *ctx, uint32_t i) {
  (void)ctx;
  return i < sizeof samples / sizeof samples[0] ? samples[i] : 0.0;
}

int main(void) {
  static plugin_instance inst;
  plugin_imports imports;
  const char *text = "hello, w2c";
  w2c_memory *mem;
  w2c_trap trap;
  volatile uint32_t sum = 0;
  int rc;

  imports.ctx_host = &inst; /* what the host functions get as ctx */
  rc = plugin_instantiate(&inst, &imports);
  if (rc != 0) {
    fprintf(stderr, "cannot instantiate the plugin: %s\n", w2c_trap_message((w2c_trap)rc));
    return 1;
  }
  plugin_x_init(&inst);
  printf("average of 8 samples = %.2f\n", plugin_x_average(&inst, 8));
  printf("samples read = %" PRIu32 "\n", *plugin_x_reads(&inst));

  /* Put the text into the plugin's memory at address 1024 and hash it there. */
  mem = plugin_x_memory(&inst);
  memcpy(mem->data + 1024, text, strlen(text));
  printf("checksum(\"%s\") = 0x%08" PRIx32 "\n", text,
         plugin_x_checksum(&inst, 1024, (uint32_t)strlen(text)));

  /* Past the end of its 64 KiB memory: a trap, caught here. */
  W2C_TRY_STMT(trap, sum = plugin_x_checksum(&inst, 65530, 100));
  printf("checksum past the end -> trap: %s\n", trap ? w2c_trap_message(trap) : "none");
  (void)sum;
  plugin_free(&inst);
  return 0;
}
