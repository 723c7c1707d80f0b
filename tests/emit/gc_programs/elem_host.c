/* Host of elem.wat (tests/emit/test_gc_elem.py): prints the identity
 * results, the live bytes of the heap after collections at each step (the
 * element segments' objects are kept by their instance until dropped), and
 * what instantiation gives when an element item runs out of memory. */
#include <stdio.h>
#include "elem.h"

#define BIG 1000000u   /* the bytes of $big's and $act's arrays */

static unsigned long live(void) {
  w2c_gc_stats s;
  w2c_gc_collect();
  w2c_gc_get_stats(&s);
  return (unsigned long)s.live_bytes;
}

int main(void) {
  elem_instance inst;
  elem_imports im = {0};
  uint32_t n = BIG;
  w2c_gc_frame *top = w2c_gc_frames_save();
  w2c_trap code;
  volatile uint32_t r = 0;
  int rc;
  im.global_env__n = &n;
  if (elem_instantiate(&inst, &im) != 0) return 2;
  printf("same %u\n", (unsigned)elem_x_same(&inst));
  printf("differ %u\n", (unsigned)elem_x_differ(&inst));
  printf("init_same %u\n", (unsigned)elem_x_init_5Fsame(&inst));
  printf("table_same %u\n", (unsigned)elem_x_table_5Fsame(&inst));
  printf("churn %u\n", (unsigned)elem_x_churn(&inst));
  printf("instantiated %lu\n", live() / BIG);            /* passive + active in the table */
  elem_x_clear_5Ftable(&inst);
  printf("table cleared %lu\n", live() / BIG);           /* the active segment is dropped */
  printf("big_len %u\n", (unsigned)elem_x_big_5Flen(&inst));
  elem_x_drop_5Fbig(&inst);
  printf("dropped %lu\n", live() / BIG);
  W2C_TRY_STMT(code, r = elem_x_big_5Flen(&inst));
  w2c_gc_frames_restore(top);
  printf("big_len after drop: %s\n", code ? w2c_trap_message(code) : "ok");
  elem_free(&inst);
  n = 0x7fffffffu;                                       /* an item out of memory */
  rc = elem_instantiate(&inst, &im);
  printf("huge: %s\n", rc > 0 ? w2c_trap_message((w2c_trap)rc) : "not a trap");
  elem_free(&inst);                                      /* (its table) */
  n = BIG;
  if (elem_instantiate(&inst, &im) != 0) return 3;
  printf("again %u\n", (unsigned)elem_x_churn(&inst));
  elem_free(&inst);
  (void)r;
  return 0;
}
