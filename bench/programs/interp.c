/* interp: a stack-based bytecode interpreter (a switch in a loop, the shape
 * of most language VMs) running a program that counts primes below n by
 * trial division and sums a polynomial hash of them.  Branchy: indirect
 * jumps through the switch, operand-stack memory traffic. */
#include "bench.h"

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_REMU, OP_LT, OP_LE, OP_EQ,
       OP_JZ, OP_JNZ, OP_JMP, OP_DUP, OP_POP, OP_INC, OP_XOR, OP_SHL, OP_HALT };

typedef struct { uint8_t op; uint8_t a; int16_t b; int32_t imm; } insn;

/* Variables: 0 n, 1 candidate, 2 divisor, 3 count, 4 hash, 5 is_prime */
static const insn program[] = {
  /*  0 */ {OP_PUSH, 0, 0, 2}, {OP_STORE, 1, 0, 0},          /* c = 2 */
  /*  2 */ {OP_LOAD, 1, 0, 0}, {OP_LOAD, 0, 0, 0}, {OP_LT, 0, 0, 0}, {OP_JZ, 0, 0, 36},
  /*  6 */ {OP_PUSH, 0, 0, 1}, {OP_STORE, 5, 0, 0},          /* p = 1 */
  /*  8 */ {OP_PUSH, 0, 0, 2}, {OP_STORE, 2, 0, 0},          /* d = 2 */
  /* 10 */ {OP_LOAD, 2, 0, 0}, {OP_LOAD, 2, 0, 0}, {OP_MUL, 0, 0, 0}, {OP_LOAD, 1, 0, 0},
  /* 14 */ {OP_LE, 0, 0, 0}, {OP_JZ, 0, 0, 25},               /* while d*d <= c */
  /* 16 */ {OP_LOAD, 1, 0, 0}, {OP_LOAD, 2, 0, 0}, {OP_REMU, 0, 0, 0}, {OP_JNZ, 0, 0, 23},
  /* 20 */ {OP_PUSH, 0, 0, 0}, {OP_STORE, 5, 0, 0}, {OP_JMP, 0, 0, 25},  /* p = 0; break */
  /* 23 */ {OP_INC, 2, 0, 1}, {OP_JMP, 0, 0, 10},
  /* 25 */ {OP_LOAD, 5, 0, 0}, {OP_JZ, 0, 0, 34},
  /* 27 */ {OP_INC, 3, 0, 1},                                 /* count++ */
  /* 28 */ {OP_LOAD, 4, 0, 0}, {OP_PUSH, 0, 0, 31}, {OP_MUL, 0, 0, 0}, {OP_LOAD, 1, 0, 0},
  /* 32 */ {OP_XOR, 0, 0, 0}, {OP_STORE, 4, 0, 0},           /* h = h*31 ^ c */
  /* 34 */ {OP_INC, 1, 0, 1}, {OP_JMP, 0, 0, 2},
  /* 36 */ {OP_HALT, 0, 0, 0},
};

static uint32_t run(const insn *code, int32_t *vars) {
  int32_t stack[64];
  int sp = 0;
  uint32_t pc = 0, steps = 0;
  for (;;) {
    const insn *i = &code[pc++];
    steps++;
    switch (i->op) {
      case OP_PUSH: stack[sp++] = i->imm; break;
      case OP_LOAD: stack[sp++] = vars[i->a]; break;
      case OP_STORE: vars[i->a] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
      case OP_REMU: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] % (uint32_t)stack[sp]); break;
      case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_LE: sp--; stack[sp - 1] = stack[sp - 1] <= stack[sp]; break;
      case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case OP_JZ: if (stack[--sp] == 0) pc = (uint32_t)i->imm; break;
      case OP_JNZ: if (stack[--sp] != 0) pc = (uint32_t)i->imm; break;
      case OP_JMP: pc = (uint32_t)i->imm; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_POP: sp--; break;
      case OP_INC: vars[i->a] += i->imm; break;
      case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] << (stack[sp] & 31)); break;
      case OP_HALT: return steps;
      default: return 0;
    }
  }
}

BENCH_ENTRY(n) {
  int32_t vars[8] = {0};
  uint32_t steps, sum = 0;
  vars[0] = 100;
  run(program, vars);
  if (vars[3] != 25) return 0; /* 25 primes below 100 */
  memset(vars, 0, sizeof vars);
  vars[0] = (int32_t)n;
  steps = run(program, vars);
  sum = bench_mix(sum, steps);
  sum = bench_mix(sum, (uint32_t)vars[3]);
  return bench_mix(sum, (uint32_t)vars[4]);
}

BENCH_MAIN("interp", 800000, 0x681104ddu, 100000, 0x16cb6be1u)
