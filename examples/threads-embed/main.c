/* examples/threads-embed: a host program that runs THREADS instances of the
 * module `counter` (counter.wat) over ONE shared memory, each instance on its
 * own POSIX thread, and checks the exact totals.
 *
 *   build/app [THREADS [ROUNDS [CALLS]]]     defaults 8, 100000, 2
 *
 * The rules (counter.h says them too):
 *  - the host allocates the shared memory once (w2c_memory_alloc_shared),
 *    and passes it to every instance through its imports;
 *  - each thread has its own counter_instance (globals, tables and the
 *    runtime's per-instance state are not shared), instantiated before
 *    the threads start or by the thread itself;
 *  - the whole program is compiled with -DW2C_THREAD_LOCAL=_Thread_local
 *    (or __thread) and -pthread, so the runtime's trap frames and stack
 *    limit are per thread and a trap in one thread unwinds only that one;
 *  - wasm code synchronises through the memory only (atomics, wait/notify).
 */
#include "counter.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64

static w2c_memory memory;                 /* the one shared memory */
static counter_instance insts[MAX_THREADS];
static uint32_t rounds = 100000, calls = 2;

typedef struct job {
  counter_instance *inst;
  w2c_trap trap;     /* what the thread's last call trapped with, or W2C_TRAP_NONE */
} job;

/* One call inside W2C_TRY (a function of its own: no local of the caller's
   loop lives across the setjmp). */
static w2c_trap work(counter_instance *inst) {
  w2c_trap t;
  W2C_TRY_STMT(t, counter_x_work(inst, rounds));
  return t;
}

static void *worker(void *arg) {
  job *j = (job *)arg;
  uint32_t k;
  for (k = 0; k < calls && j->trap == W2C_TRAP_NONE; k++) j->trap = work(j->inst);
  return NULL;
}

int main(int argc, char **argv) {
  counter_imports imports;
  pthread_t threads[MAX_THREADS];
  job jobs[MAX_THREADS];
  int n = argc > 1 ? atoi(argv[1]) : 8, k, bad = 0;
  uint64_t want32, want64, want_locked;

  if (argc > 2) rounds = (uint32_t)strtoul(argv[2], NULL, 10);
  if (argc > 3) calls = (uint32_t)strtoul(argv[3], NULL, 10);
  if (n < 1 || n > MAX_THREADS) {
    fprintf(stderr, "usage: %s [THREADS (1-%d) [ROUNDS [CALLS]]]\n", argv[0], MAX_THREADS);
    return 2;
  }
  /* The import's limits are 1 page, at most 1, shared (counter.wat). */
  if (w2c_memory_alloc_shared(&memory, 1, 1, 16) != 0) {
    fputs("cannot allocate the shared memory\n", stderr);
    return 1;
  }
  memset(&imports, 0, sizeof imports);
  imports.mem_env__memory = &memory;
  for (k = 0; k < n; k++) {
    if (counter_instantiate(&insts[k], &imports) != 0) {
      fprintf(stderr, "cannot instantiate instance %d\n", k);
      return 1;
    }
  }

  for (k = 0; k < n; k++) {
    jobs[k].inst = &insts[k];
    jobs[k].trap = W2C_TRAP_NONE;
    if (pthread_create(&threads[k], NULL, worker, &jobs[k]) != 0) {
      fprintf(stderr, "cannot start thread %d\n", k);
      return 1;
    }
  }
  for (k = 0; k < n; k++) {
    pthread_join(threads[k], NULL);
    if (jobs[k].trap != W2C_TRAP_NONE) {
      printf("thread %d trapped: %s\n", k, w2c_trap_message(jobs[k].trap));
      bad = 1;
    }
    if (counter_x_calls(&insts[k]) != calls) {   /* each instance counted its own calls */
      printf("instance %d counted %" PRIu32 " calls\n", k, counter_x_calls(&insts[k]));
      bad = 1;
    }
  }

  want32 = (uint64_t)n * calls * rounds;
  want64 = 3 * want32;
  want_locked = (uint64_t)n * calls * ((rounds + 15) / 16);
  printf("threads: %d, calls: %" PRIu32 " x work(%" PRIu32 ") each\n", n, calls, rounds);
  printf("i32 atomic counter: %" PRIu32 "\n", counter_x_count32(&insts[0]));
  printf("i64 atomic counter: %" PRIu64 "\n", counter_x_count64(&insts[0]));
  printf("counter under the wait/notify mutex: %" PRIu32 "\n", counter_x_locked(&insts[0]));
  if (counter_x_count32(&insts[0]) != (uint32_t)want32 || counter_x_count64(&insts[0]) != want64 ||
      counter_x_locked(&insts[0]) != (uint32_t)want_locked)
    bad = 1;
  printf("%s\n", bad ? "check: FAILED" : "check: the totals are exact");

  for (k = 0; k < n; k++) counter_free(&insts[k]);
  w2c_memory_free(&memory);
  return bad;
}
