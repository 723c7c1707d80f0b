/* Host of lists.wat (tests/emit/test_gc.py): runs each export and checks
 * its result, the collector's statistics, and that nothing stays alive once
 * the module holds no reference (a cycle included). */
#include <stdio.h>
#include <string.h>
#include "lists.h"

static int checks, failures;
#define CHECK(c)                                                    \
  do {                                                              \
    checks++;                                                       \
    if (!(c)) {                                                     \
      failures++;                                                   \
      printf("FAIL line %d: %s\n", __LINE__, #c);                   \
    }                                                               \
  } while (0)

static uint32_t tree_sum(uint32_t d) { return d ? d + 2 * tree_sum(d - 1) : 0; }

static uint64_t live_after_collect(void) {
  w2c_gc_stats s;
  w2c_gc_collect();
  w2c_gc_get_stats(&s);
  return s.live_bytes;
}

int main(void) {
  lists_instance inst;
  lists_imports imports;
  w2c_gc_stats s;
  w2c_gc_frame *top;
  w2c_trap code;
  int i;
  memset(&imports, 0, sizeof imports);
  CHECK(lists_instantiate(&inst, &imports) == 0);
  for (i = 0; i < ROUNDS; i++) {
    CHECK(lists_x_list(&inst, 1000) == 500500u);
    CHECK(lists_x_tree(&inst, 10) == tree_sum(10));
    CHECK(lists_x_array(&inst, 300) == 300u * 299u / 2u);
  }
  lists_x_cycle(&inst);
  CHECK(live_after_collect() > 0);
  CHECK(lists_x_cyclesum(&inst) == 3);
  lists_x_forget(&inst);
  CHECK(live_after_collect() == 0);          /* the cycle is collected */
  top = w2c_gc_frames_save();
  W2C_TRY_STMT(code, lists_x_trap(&inst));
  w2c_gc_frames_restore(top);
  CHECK(code == W2C_TRAP_UNREACHABLE);
  CHECK(live_after_collect() == 0);          /* the trap's frames are gone */
  CHECK(lists_x_list(&inst, 10) == 55u);
  w2c_gc_get_stats(&s);
  CHECK(s.collections >= MIN_COLLECTIONS);
  printf("collections %lu allocated %lu heap %lu\n", (unsigned long)s.collections,
         (unsigned long)s.allocated_bytes, (unsigned long)s.heap_bytes);
  lists_free(&inst);
  printf("checks: %d failures: %d\n", checks, failures);
  return failures != 0;
}
