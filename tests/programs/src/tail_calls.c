/* Tail calls from C: `__attribute__((musttail))` compiled with -mtail-call
 * becomes return_call / return_call_indirect.  A bytecode interpreter whose
 * handlers dispatch to the next one through a table (the shape of wasm3's
 * and CPython's tail-calling interpreters) and a mutual recursion 10^7 deep:
 * both need constant-stack tail calls (without them the second overflows
 * any stack).  Each line printed is a value only correct calls give. */
#include <stdint.h>
#include <stdio.h>

#define MUSTTAIL __attribute__((musttail))

typedef struct vm { int64_t stack[64]; int sp; uint64_t steps; int64_t sum; } vm;
typedef int64_t (*handler)(vm *m, const uint8_t *pc, int64_t acc);

enum { OP_PUSH, OP_ADD, OP_MUL, OP_DUP, OP_SWAP, OP_DEC_JNZ, OP_DROP, OP_SUM, OP_HALT };
extern const handler ops[];

#define NEXT(m, pc, acc) MUSTTAIL return ops[*(pc)](m, pc, acc)

static int64_t op_push(vm *m, const uint8_t *pc, int64_t acc) {
    m->steps++;
    m->stack[m->sp++] = (int8_t)pc[1];
    NEXT(m, pc + 2, acc);
}
static int64_t op_add(vm *m, const uint8_t *pc, int64_t acc) {
    m->steps++;
    m->sp--;
    m->stack[m->sp - 1] += m->stack[m->sp];
    NEXT(m, pc + 1, acc);
}
static int64_t op_mul(vm *m, const uint8_t *pc, int64_t acc) {
    m->steps++;
    m->sp--;
    m->stack[m->sp - 1] = (int64_t)((uint64_t)m->stack[m->sp - 1] * (uint64_t)m->stack[m->sp]);
    NEXT(m, pc + 1, acc);
}
static int64_t op_dup(vm *m, const uint8_t *pc, int64_t acc) {
    m->steps++;
    m->stack[m->sp] = m->stack[m->sp - 1];
    m->sp++;
    NEXT(m, pc + 1, acc);
}
static int64_t op_swap(vm *m, const uint8_t *pc, int64_t acc) {
    int64_t t = m->stack[m->sp - 1];
    m->steps++;
    m->stack[m->sp - 1] = m->stack[m->sp - 2];
    m->stack[m->sp - 2] = t;
    NEXT(m, pc + 1, acc);
}
/* acc counts down; jump back by pc[1] bytes while it is not zero */
static int64_t op_dec_jnz(vm *m, const uint8_t *pc, int64_t acc) {
    m->steps++;
    acc--;
    if (acc != 0)
        NEXT(m, pc - pc[1], acc);
    NEXT(m, pc + 2, acc);
}
static int64_t op_drop(vm *m, const uint8_t *pc, int64_t acc) {
    m->steps++;
    m->sp--;
    NEXT(m, pc + 1, acc);
}
/* sum += the top of the stack (mod 2^64) */
static int64_t op_sum(vm *m, const uint8_t *pc, int64_t acc) {
    m->steps++;
    m->sum = (int64_t)((uint64_t)m->sum + (uint64_t)m->stack[m->sp - 1]);
    NEXT(m, pc + 1, acc);
}
static int64_t op_halt(vm *m, const uint8_t *pc, int64_t acc) {
    (void)m;
    (void)pc;
    return acc;
}

const handler ops[] = {op_push, op_add, op_mul, op_dup, op_swap, op_dec_jnz, op_drop,
                       op_sum, op_halt};

/* acc times: x = x * 3 + 7 (mod 2^64), sum += x */
static const uint8_t program[] = {
    OP_PUSH, 1,                             /* 0: x = 1 */
    OP_PUSH, 3, OP_MUL, OP_PUSH, 7, OP_ADD, /* 2: x = x * 3 + 7 */
    OP_DUP, OP_SWAP, OP_DROP,               /* 8: x x -> x x -> x (dispatch only) */
    OP_SUM,                                 /* 11 */
    OP_DEC_JNZ, 10,                         /* 12: while (--acc) goto 2 */
    OP_HALT,                                /* 14 */
};

/* mutual recursion in tail position: even/odd of n by steps of one */
static int is_odd(uint64_t n, uint64_t calls);
static int is_even(uint64_t n, uint64_t calls) {
    if (n == 0)
        return calls % 1000 == 0 ? 1 : 2;
    MUSTTAIL return is_odd(n - 1, calls + 1);
}
static int is_odd(uint64_t n, uint64_t calls) {
    if (n == 0)
        return 0;
    MUSTTAIL return is_even(n - 1, calls + 1);
}

int main(void) {
    vm m = {{0}, 0, 0, 0};
    int64_t r = ops[program[0]](&m, program, 1000000);
    printf("interpreter: acc=%lld sp=%d steps=%llu x=%llx sum=%llx\n", (long long)r, m.sp,
           (unsigned long long)m.steps, (unsigned long long)m.stack[0],
           (unsigned long long)m.sum);
    printf("is_even(10000000)=%d is_even(10000001)=%d\n", is_even(10000000, 0),
           is_even(10000001, 0));
    return 0;
}
