/* firmware_main.c: main() of the spec driver built as bare-metal firmware
 * (run_exec.py, bare-metal profiles such as targets/cortex-m3.json).
 *
 * The driver (driver.c, from tests/spec/driver.py) is a hosted C program
 * with main(argc, argv); for firmware it is compiled with
 * -Dmain=w2c_spec_main and linked against newlib with semihosting
 * (--specs=rdimon.specs -nostartfiles) and the profile's startup code
 * (targets/baremetal/cortex-m.c), whose Reset_Handler calls main() with no
 * arguments and exits with its value through semihosting
 * (SYS_EXIT_EXTENDED: QEMU's exit status).  This main:
 *
 *   1. gives newlib's malloc (the modules' memories and tables) the RAM
 *      between .bss and the stack: the linker script's `end` to
 *      __stack_limit, by an _sbrk of its own (librdimon's weak one would
 *      let the heap grow up to the current stack pointer, into the
 *      stack's room, its limit coming from SYS_HEAPINFO in a crt0 that is
 *      not linked here), which also records the peak;
 *   2. opens the console for stdio (initialise_monitor_handles);
 *   3. builds argv from the semihosting command line (SYS_GET_CMDLINE: QEMU
 *      gives the kernel's file name and what `-append "..."` holds), the
 *      ids of the checks to skip;
 *   4. runs the driver, prints `# heap: ...` (the peak of the heap, the
 *      room it had and how many requests _sbrk refused: ignored by
 *      run_exec.py, for whoever asks whether a file fits) and flushes
 *      stdout and stderr before returning.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SYS_GET_CMDLINE 0x15
#define MAX_ARGS 256

extern uintptr_t w2c_semihost_call(uintptr_t op, const void *arg);  /* startup file */
extern void initialise_monitor_handles(void);                       /* librdimon */
extern char __stack_limit[], end[];                                 /* firmware.ld */
extern int w2c_spec_main(int argc, char **argv);                    /* driver.c */

/* -nostartfiles leaves out crti/crtn; newlib's __libc_init_array and
 * __libc_fini_array (if anything pulls them in) call these. */
__attribute__((weak)) void _init(void) {}
__attribute__((weak)) void _fini(void) {}

static char *heap_top = end, *heap_peak = end;
static unsigned long heap_refused;

void *_sbrk(ptrdiff_t incr) {
  char *old = heap_top;
  if (incr > __stack_limit - heap_top || incr < end - heap_top) {
    heap_refused++;
    errno = ENOMEM;
    return (void *)-1;
  }
  heap_top += incr;
  if (heap_top > heap_peak) heap_peak = heap_top;
  return old;
}

static char cmdline[4096];
static char *argv[MAX_ARGS + 1];

static int split(char *s) {
  int argc = 0;
  while (*s && argc < MAX_ARGS) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) break;
    argv[argc++] = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (*s) *s++ = '\0';
  }
  argv[argc] = 0;
  return argc;
}

int main(void) {
  uintptr_t block[2];
  int argc = 0, rc;
  initialise_monitor_handles();
  block[0] = (uintptr_t)cmdline;
  block[1] = sizeof cmdline - 1;
  if (w2c_semihost_call(SYS_GET_CMDLINE, block) == 0) {
    cmdline[block[1] < sizeof cmdline ? block[1] : sizeof cmdline - 1] = '\0';
    argc = split(cmdline);
  }
  if (argc == 0) {          /* no command line: argv[0] only */
    static char name[] = "driver";
    argv[0] = name;
    argv[1] = 0;
    argc = 1;
  }
  rc = w2c_spec_main(argc, argv);
  printf("# heap: peak %lu bytes of %lu, %lu requests refused\n",
         (unsigned long)(heap_peak - end), (unsigned long)(__stack_limit - end), heap_refused);
  fflush(stdout);
  fflush(stderr);
  return rc;
}
