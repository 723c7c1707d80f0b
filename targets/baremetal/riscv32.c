/* riscv32.c: startup code of the riscv32 profile (QEMU virt, rv32imac).
 *
 * _start/Reset_Handler (first in flash: set gp and sp, copy .data, zero
 * .bss, call main, exit with its value), a trap vector that reports a CPU
 * exception as `error: fault: <mcause>` with status 135, and the RISC-V
 * semihosting call (the uncompressed slli/ebreak/srai sequence) the hooks in
 * semihost.c are built on.  No libc (see cortex-m.c). */
#include <stddef.h>
#include <stdint.h>

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern int main(void);
extern void w2c_bare_exit(uint32_t code) __attribute__((noreturn));
extern void w2c_bare_write(uint32_t fd, const uint8_t *buf, size_t len);

__asm__(
    ".section .text.start, \"ax\"\n"
    ".globl Reset_Handler\n"
    ".option arch, +zicsr\n"
    "Reset_Handler:\n"
    ".option push\n"
    ".option norelax\n"
    "  la gp, __global_pointer$\n"
    ".option pop\n"
    "  la sp, __stack_top\n"
    "  la t0, riscv_trap_entry\n"
    "  csrw mtvec, t0\n"
    "  j riscv_c_start\n"
    ".balign 4\n"
    "riscv_trap_entry:\n"
    "  la sp, __stack_top\n"
    "  csrr a0, mcause\n"
    "  j riscv_fault\n"
    ".text\n");

/* RISC-V semihosting: operation in a0, argument in a1. */
__attribute__((noinline)) uintptr_t w2c_semihost_call(uintptr_t op, const void *arg) {
  register uintptr_t a0 __asm__("a0") = op;
  register const void *a1 __asm__("a1") = arg;
  __asm__ volatile(
      ".option push\n"
      ".option norvc\n"
      ".balign 16\n"
      "slli x0, x0, 0x1f\n"
      "ebreak\n"
      "srai x0, x0, 7\n"
      ".option pop\n"
      : "+r"(a0)
      : "r"(a1)
      : "memory");
  return a0;
}

__attribute__((noreturn, used)) void riscv_c_start(void) {
  uint32_t *src = __data_load, *dst = __data_start;
  while (dst < __data_end) *dst++ = *src++;
  for (dst = __bss_start; dst < __bss_end; dst++) *dst = 0;
  w2c_bare_exit((uint32_t)main());
}

__attribute__((noreturn, used)) void riscv_fault(uint32_t mcause) {
  static const char head[] = "error: fault: mcause 0x";
  char hex[9];
  int i;
  for (i = 0; i < 8; i++) hex[i] = "0123456789abcdef"[(mcause >> (28 - 4 * i)) & 0xF];
  hex[8] = '\n';
  w2c_bare_write(2, (const uint8_t *)head, sizeof head - 1);
  w2c_bare_write(2, (const uint8_t *)hex, 9);
  w2c_bare_exit(135);
}
