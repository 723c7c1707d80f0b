/* cortex-m.c: startup code of the Cortex-M profiles (targets/cortex-m*.json).
 *
 * The vector table (initial stack pointer, Reset_Handler, fault handlers),
 * Reset_Handler (enable the FPU if the build uses it, copy .data from
 * flash, zero .bss, call main, exit with its value) and the Arm
 * semihosting call the platform hooks in semihost.c are built on.  No libc:
 * memcpy/memmove/memset come from mini_libc.c, the rest from libgcc.
 *
 * A fault (HardFault and friends) prints `error: fault: <name>` and exits
 * with status 135 (a trap exits with 134), so a crashed firmware never
 * hangs a test.  For a real board: keep this file, replace semihost.c by
 * hooks over the board's UART, clock and RNG (docs/targets.md). */
#include <stddef.h>
#include <stdint.h>

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
extern int main(void);
extern void w2c_bare_exit(uint32_t code) __attribute__((noreturn));
extern void w2c_bare_write(uint32_t fd, const uint8_t *buf, size_t len);

/* Arm semihosting: operation in r0, argument in r1, `bkpt 0xab`. */
uintptr_t w2c_semihost_call(uintptr_t op, const void *arg) {
  register uintptr_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

__attribute__((noreturn)) void Reset_Handler(void) {
  uint32_t *src = __data_load, *dst = __data_start;
#if defined(__ARM_FP)
  /* CPACR: full access to CP10 and CP11 (the FPU) before any float code. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  while (dst < __data_end) *dst++ = *src++;
  for (dst = __bss_start; dst < __bss_end; dst++) *dst = 0;
  w2c_bare_exit((uint32_t)main());
}

static void fault(const char *name, uint32_t len) {
  static const char head[] = "error: fault: ";
  w2c_bare_write(2, (const uint8_t *)head, sizeof head - 1);
  w2c_bare_write(2, (const uint8_t *)name, len);
  w2c_bare_exit(135);
}
#define FAULT_HANDLER(fn, text) \
  __attribute__((noreturn)) void fn(void) { fault(text "\n", sizeof text); for (;;) {} }
FAULT_HANDLER(NMI_Handler, "NMI")
FAULT_HANDLER(HardFault_Handler, "hard fault")
FAULT_HANDLER(MemManage_Handler, "memory management fault")
FAULT_HANDLER(BusFault_Handler, "bus fault")
FAULT_HANDLER(UsageFault_Handler, "usage fault")
FAULT_HANDLER(Default_Handler, "unexpected interrupt")

typedef void (*vector)(void);
__attribute__((section(".isr_vector"), used)) static const vector vectors[16] = {
    (vector)(uintptr_t)__stack_top, (vector)Reset_Handler, NMI_Handler, HardFault_Handler,
    MemManage_Handler, BusFault_Handler, UsageFault_Handler, 0, 0, 0, 0,
    Default_Handler /* SVC */, Default_Handler /* debug monitor */, 0,
    Default_Handler /* PendSV */, Default_Handler /* SysTick */};
