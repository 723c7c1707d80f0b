/* insncount.c: a QEMU TCG plugin that counts the guest instructions a
 * firmware executes, exactly (bench/chip.py; QEMU 7.2's plugin API,
 * version 1, declared below so no QEMU headers are needed).
 *
 *   qemu-system-arm ... -plugin insncount.so,out=FILE,mark=0xADDR
 *
 * Every executed instruction adds 1 to a counter (an inline add per
 * instruction, so an exception in the middle of a translation block is
 * counted exactly).  Each time the instruction at `mark` (the firmware's
 * bench_mark function) executes, the count before it is recorded.  At exit
 * FILE gets one line: `insns TOTAL marks M1 M2 ...`.  One vCPU only
 * (the Cortex-M machines have one). */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the part of QEMU's qemu-plugin.h (API version 1) used here ---- */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
/* -------------------------------------------------------------------- */

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

#define MAX_MARKS 64
static uint64_t count;
static uint64_t mark_addr = UINT64_MAX;
static uint64_t marks[MAX_MARKS];
static unsigned n_marks;
static char out_path[4096];

static void on_mark(unsigned int vcpu, void *udata) {
  (void)vcpu;
  (void)udata;
  if (n_marks < MAX_MARKS) marks[n_marks++] = count;
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  size_t n = qemu_plugin_tb_n_insns(tb);
  (void)id;
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    /* the mark's callback first: it sees the count before its instruction */
    if ((qemu_plugin_insn_vaddr(insn) & ~(uint64_t)1) == mark_addr)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &count, 1);
  }
}

static void on_exit_(qemu_plugin_id_t id, void *udata) {
  FILE *f = out_path[0] ? fopen(out_path, "w") : stderr;
  (void)id;
  (void)udata;
  if (!f) return;
  fprintf(f, "insns %" PRIu64 " marks", count);
  for (unsigned i = 0; i < n_marks; i++) fprintf(f, " %" PRIu64, marks[i]);
  fputc('\n', f);
  if (f != stderr) fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                               char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "out=", 4) == 0) {
      snprintf(out_path, sizeof out_path, "%s", argv[i] + 4);
    } else if (strncmp(argv[i], "mark=", 5) == 0) {
      mark_addr = strtoull(argv[i] + 5, NULL, 0) & ~(uint64_t)1;
    } else {
      fprintf(stderr, "insncount: unknown argument %s\n", argv[i]);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
  qemu_plugin_register_atexit_cb(id, on_exit_, NULL);
  return 0;
}
