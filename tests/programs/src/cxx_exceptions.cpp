// C++ exceptions compiled with -fwasm-exceptions: every throw is a wasm
// `throw` of the __cpp_exception tag, every try/catch and every cleanup (a
// destructor run while unwinding) a wasm handler.  Each line printed is a
// value only a correct unwinding gives.
#include <cstdio>
#include <cstring>
#include <stdexcept>

static char trace[256];
static void note(const char *what) {
    std::strncat(trace, what, sizeof trace - std::strlen(trace) - 1);
}

struct Guard {  // logs its destruction: cleanups must run in reverse order
    const char *name;
    explicit Guard(const char *n) : name(n) {}
    ~Guard() { note(name); }
};

struct Base { int code; explicit Base(int c) : code(c) {} virtual ~Base() {}
              virtual const char *kind() const { return "Base"; } };
struct Derived : Base { int extra; Derived(int c, int e) : Base(c), extra(e) {}
                        const char *kind() const override { return "Derived"; } };

struct Big { long long words[16]; };  // an exception object larger than a pointer

static int deep(int n) {
    Guard g(n % 2 ? "o" : "e");
    if (n == 0)
        throw Derived(42, 7);
    return deep(n - 1) + 1;
}

static void throws_int(int v) { if (v > 0) throw v; }
static void throws_big() { Big b; for (int i = 0; i < 16; i++) b.words[i] = 1LL << (2 * i); throw b; }
static void throws_runtime() { throw std::runtime_error("runtime failure"); }

static int rethrow_count(int v) {
    try {
        throws_int(v);
    } catch (int x) {
        note("r");
        if (x > 5) throw;  // rethrows the same object
        return x;
    }
    return 0;
}

struct Member { int id; explicit Member(int i) : id(i) {} ~Member() { note(id == 1 ? "m1" : "m2"); } };
struct Fails {  // a constructor that throws destroys the members built so far
    Member a, b;
    Fails() : a(1), b(2) { throw 3.5; }
};

int main() {
    int total = 0;

    trace[0] = 0;
    try { deep(4); } catch (const Base &e) {
        std::printf("deep: %s code=%d extra=%d\n", e.kind(), e.code,
                    static_cast<const Derived &>(e).extra);
        total += e.code;
    }
    std::printf("cleanups: %s\n", trace);

    try { throws_int(17); } catch (long) { std::puts("wrong: long"); } catch (int v) {
        std::printf("int: %d\n", v); total += v; }

    try { throws_big(); } catch (Big b) {
        long long s = 0; for (int i = 0; i < 16; i++) s += b.words[i];
        std::printf("big: sum=%lld\n", s); total += static_cast<int>(s % 1000); }

    try { throws_runtime(); } catch (const std::exception &e) {
        std::printf("std::exception: %s\n", e.what()); total += 1; }

    trace[0] = 0;
    for (int v = 3; v <= 9; v += 6) {
        try { total += rethrow_count(v); std::printf("rethrow %d: returned\n", v); }
        catch (int x) { std::printf("rethrow %d: caught again %d\n", v, x); total += x * 2; }
    }
    std::printf("rethrow trace: %s\n", trace);

    trace[0] = 0;
    try { Fails f; (void)f; } catch (double d) { std::printf("constructor: %.1f\n", d); total += 3; }
    std::printf("members destroyed: %s\n", trace);

    try {
        try { throw 'x'; }
        catch (char c) { std::printf("inner: %c\n", c); throw Base(5); }
    } catch (...) { std::puts("outer: catch (...)"); total += 5; }

    void (*fp)(int) = throws_int;  // through an indirect call
    try { fp(8); } catch (int v) { std::printf("indirect: %d\n", v); total += v; }

    int caught = 0;
    for (int i = 0; i < 1000; i++) {
        try { throws_int(i & 1); } catch (int) { caught++; }
    }
    std::printf("loop: caught %d of 1000\n", caught);
    total += caught;

    std::printf("total=%d\n", total);
    return total == 42 + 17 + 765 + 1 + 3 + 18 + 3 + 5 + 8 + 500 ? 0 : 1;  // 1362
}
