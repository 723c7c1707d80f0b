/* setjmp/longjmp in the shapes real C code uses them (error recovery in
 * parsers and interpreters, coroutine-like unwinding), compiled with
 * `-mllvm -wasm-enable-sjlj`: LLVM turns every setjmp into a wasm exception
 * handler and every longjmp into a throw of the __c_longjmp tag.  Each line
 * printed is a value only a correct unwinding gives. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf top;
static int depth_reached;

/* longjmp across many frames: the frames between are abandoned */
static int descend(int n, int limit) {
    depth_reached = n;
    if (n > limit)
        return 0;
    if (n == limit)
        longjmp(top, n * 10);
    return descend(n + 1, limit) + 1; /* never returns normally */
}

/* longjmp(env, 0) makes setjmp return 1 */
static void jump_zero(jmp_buf env) { longjmp(env, 0); }

/* nested setjmp: the inner handler catches, the outer one later */
static jmp_buf outer, inner;
static int nested(int v) {
    int r = setjmp(inner);
    if (r == 0) {
        if (v > 2)
            longjmp(outer, v); /* skips the inner handler */
        longjmp(inner, v + 100);
    }
    return r;
}

/* an error-recovery loop: each iteration sets a new jump target */
struct parser { jmp_buf on_error; const char *p; int errors; };

static int parse_digit(struct parser *ps) {
    char c = *ps->p++;
    if (c < '0' || c > '9')
        longjmp(ps->on_error, (unsigned char)c);
    return c - '0';
}

static int parse_all(const char *text) {
    struct parser ps;
    volatile int sum = 0; /* changed after setjmp, read after longjmp */
    ps.p = text;
    ps.errors = 0;
    while (*ps.p) {
        int bad = setjmp(ps.on_error);
        if (bad) {
            ps.errors++;
            printf("  bad char '%c'\n", bad);
            continue;
        }
        sum += parse_digit(&ps);
    }
    printf("  sum=%d errors=%d\n", sum, ps.errors);
    return sum;
}

/* volatile locals keep the values they had at the longjmp */
static int volatile_locals(void) {
    jmp_buf env;
    volatile int counter = 0;
    volatile long long big = 1;
    if (setjmp(env) < 5) {
        counter++;
        big *= 3;
        longjmp(env, counter);
    }
    printf("  counter=%d big=%lld\n", counter, big);
    return counter;
}

/* a jmp_buf copied into another (setjmp's state is plain data) */
static jmp_buf saved;
static void via_copy(void) {
    jmp_buf copy;
    memcpy(copy, saved, sizeof copy);
    longjmp(copy, 77);
}

int main(void) {
    int r;
    volatile int total = 0;

    r = setjmp(top);
    if (r == 0) {
        descend(0, 25);
        puts("not reached");
    }
    printf("across frames: r=%d depth=%d\n", r, depth_reached);
    total += r;

    {
        jmp_buf env;
        r = setjmp(env);
        if (r == 0)
            jump_zero(env);
        printf("longjmp(env, 0): r=%d\n", r);
        total += r;
    }

    for (volatile int v = 1; v <= 4; v++) {
        r = setjmp(outer);
        if (r == 0)
            printf("nested %d: inner r=%d\n", v, nested(v));
        else
            printf("nested %d: outer r=%d\n", v, r);
        total += r;
    }

    puts("parser:");
    total += parse_all("12x3y45z6");
    puts("volatile:");
    total += volatile_locals();

    r = setjmp(saved);
    if (r == 0)
        via_copy();
    printf("copied jmp_buf: r=%d\n", r);
    total += r;

    printf("total=%d\n", total);
    return total == 250 + 1 + 3 + 4 + 21 + 5 + 77 ? 0 : 1; /* 361 */
}
