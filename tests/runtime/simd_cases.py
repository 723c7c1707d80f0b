"""The cases of tests/runtime/test_simd.py: one small wasm function and one C
call per SIMD instruction and immediate, their operands, and what counts as
the same result.

functions() lists every SIMD instruction of the opcode table (feature
"simd") and of the relaxed-SIMD proposal as Fn: the instruction with its
immediates in WAT (inside a function taking three v128 operands and a
scalar as i64 halves and returning two i64) and the runtime's C call, the
template the emitter uses.  cases() gives random and edge-case operands
(NaNs of every kind, infinities, -0, INT_MIN, lane extremes, splats, equal
operands, out-of-bounds addresses); check() compares a C result with
wasmtime's: bit for bit, except NaN lanes of float operations (canonical
when the inputs' NaNs are, else arithmetic) and relaxed instructions (the
proposal's set of results).
"""
from __future__ import annotations

import math
import random
import struct
from dataclasses import dataclass
from fractions import Fraction

from w2c import opcodes
from w2c.module import TYPE_NAMES

M32 = (1 << 32) - 1
M64 = (1 << 64) - 1

RELAXED = [("i8x16.relaxed_swizzle", "v128 v128"),
           ("i32x4.relaxed_trunc_f32x4_s", "v128"), ("i32x4.relaxed_trunc_f32x4_u", "v128"),
           ("i32x4.relaxed_trunc_f64x2_s_zero", "v128"),
           ("i32x4.relaxed_trunc_f64x2_u_zero", "v128"),
           ("f32x4.relaxed_madd", "v128 v128 v128"), ("f32x4.relaxed_nmadd", "v128 v128 v128"),
           ("f64x2.relaxed_madd", "v128 v128 v128"), ("f64x2.relaxed_nmadd", "v128 v128 v128"),
           ("i8x16.relaxed_laneselect", "v128 v128 v128"),
           ("i16x8.relaxed_laneselect", "v128 v128 v128"),
           ("i32x4.relaxed_laneselect", "v128 v128 v128"),
           ("i64x2.relaxed_laneselect", "v128 v128 v128"),
           ("f32x4.relaxed_min", "v128 v128"), ("f32x4.relaxed_max", "v128 v128"),
           ("f64x2.relaxed_min", "v128 v128"), ("f64x2.relaxed_max", "v128 v128"),
           ("i16x8.relaxed_q15mulr_s", "v128 v128"),
           ("i16x8.relaxed_dot_i8x16_i7x16_s", "v128 v128"),
           ("i32x4.relaxed_dot_i8x16_i7x16_add_s", "v128 v128 v128")]
# float results whose NaN bits the spec leaves open: name -> (result lane bits, input lane bits)
NAN_OPS = {f"{s}.{o}": (b, b) for s, b in (("f32x4", 32), ("f64x2", 64))
           for o in ("add", "sub", "mul", "div", "sqrt", "min", "max", "ceil", "floor", "trunc",
                     "nearest", "relaxed_madd", "relaxed_nmadd")}
NAN_OPS["f32x4.demote_f64x2_zero"] = (32, 64)
NAN_OPS["f64x2.promote_low_f32x4"] = (64, 32)


@dataclass
class Fn:
    op: str
    params: list[str]           # wasm types of the operands
    result: str                 # wasm type of the result, "" for stores
    wat: str                    # the instruction with its immediates
    c: str                      # the C call
    lane: int | None = None
    addr: bool = False          # memory instruction (the scalar is the address)
    offset: int = 0
    drop: bool = False          # the result is dropped (guard pages must still trap)


# -- the functions --------------------------------------------------------------------


def c_name(op: str) -> str:
    return "w2c_" + op.replace(".", "_")


SHUFFLES = [list(range(16)), list(range(16, 32)), list(range(15, -1, -1)),
            [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23],
            [3, 3, 3, 3, 31, 30, 29, 28, 8, 9, 10, 11, 0, 0, 0, 0],
            random.Random(7).sample(range(32), 16)]
# The SSE2 plans of runtime_c/w2c_simd_shuffle.h (GCC without SSSE3): each
# step's map, nibble k the operand byte it brings to lane k; STEP_MAPS (1-12)
# for either operand, A_STEP_MAPS (13-21: a's punpck* with the broadcast of
# its byte 0, nibble 0 in the broadcast's lanes; its every fourth byte then
# that broadcast) for a.  Mixed as a's step, b's step and index 0; blur's
# patterns (clang's widening and narrowing); byte rotations (palignr).
STEP_MAPS = [0xFEDCBA9876543210, 0x7766554433221100, 0xFFEEDDCCBBAA9988, 0x7676545432321010,
             0xFEFEDCDCBABA9898, 0x7654765432103210, 0xFEDCFEDCBA98BA98, 0x7654321076543210,
             0xFEDCBA98FEDCBA98, 0xECA86420ECA86420, 0xFDB97531FDB97531, 0xC840C840C840C840]
A_STEP_MAPS = [0x0706050403020100, 0x0F0E0D0C0B0A0908, 0x0076005400320010, 0x00FE00DC00BA0098,
               0x0000765400003210, 0x0000FEDC0000BA98, 0x0000000076543210, 0x00000000FEDCBA98,
               0x00000000C840C840]


def nibble(m: int, k: int) -> int:
    return m >> (4 * k) & 15


SHUFFLES += [[16 + nibble(STEP_MAPS[(c + 5) % 12], k) if k % 3 == 0 else 0 if k % 5 == 1
              else nibble(m, k) for k in range(16)] for c, m in enumerate(STEP_MAPS)]
SHUFFLES += [[16 + k if k % 4 == 3 else nibble(m, k) for k in range(16)] for m in A_STEP_MAPS]
SHUFFLES += [[0, 1, 0, 0, 2, 3, 0, 0, 4, 5, 0, 0, 6, 7, 0, 0],
             [8, 9, 0, 0, 10, 11, 0, 0, 12, 13, 0, 0, 14, 15, 0, 0],
             [0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0],
             [16, 17, 2, 3, 18, 19, 6, 7, 20, 21, 10, 11, 22, 23, 14, 15],
             [8, 17, 9, 19, 10, 21, 11, 23, 12, 25, 13, 27, 14, 29, 15, 31],
             list(range(3, 19)), list(range(15, 31)), [1] + list(range(2, 17))]
CONSTS = [(0, 0), (M64, 0x8000000000000000), (0x0123456789ABCDEF, 0xFEDCBA9876543210)]


def functions() -> list[Fn]:
    ops = [(o.name, [TYPE_NAMES[t] for t in o.params], [TYPE_NAMES[t] for t in o.results],
            o.imm, o.lanes) for o in opcodes.OPS if o.feature == "simd"]
    ops += [(n, p.split(), ["v128"], opcodes.NONE, None) for n, p in RELAXED]
    fns: list[Fn] = []
    for name, params, results, imm, lanes in ops:
        res = results[0] if results else ""
        cn = c_name(name)
        if imm == opcodes.V128C:
            for lo, hi in CONSTS:
                fns.append(Fn(name, [], res, f"v128.const i64x2 {lo:#x} {hi:#x}",
                              f"{cn}(UINT64_C({lo:#x}), UINT64_C({hi:#x}))"))
        elif imm == opcodes.SHUFFLE:
            for pat in SHUFFLES:
                fns.append(Fn(name, params, res, f"{name} {' '.join(map(str, pat))}",
                              f"{cn}(A, B, {', '.join(map(str, pat))})"))
        elif imm == opcodes.LANE:
            for k in range(lanes):
                args = "A, %d" % k + (f", {_SCALAR_C[params[1]]}" if len(params) == 2 else "")
                fns.append(Fn(name, params, res, f"{name} {k}", f"{cn}({args})", lane=k))
        elif imm in (opcodes.MEMARG, opcodes.MEMARG_LANE):
            for off in (0, 3):
                for k in range(lanes or 1):
                    if lanes and k not in (0, lanes - 1, lanes // 2):
                        continue
                    lane = f" {k}" if lanes else ""
                    extra = (", A" if len(params) == 2 else "") + (f", {k}" if lanes else "")
                    call = f"{cn}(MEM, SIZE, ADDR, {off}{extra})"
                    fns.append(Fn(name, params, res, f"{name} offset={off}{lane}", call,
                                  lane=k if lanes else None, addr=True, offset=off))
                    if res == "v128" and off == 0 and k == 0:
                        fns.append(Fn(name, params, res, f"{name} offset={off}{lane}", call,
                                      lane=k if lanes else None, addr=True, drop=True))
        else:
            args = []
            vs = iter("ABC")
            for p in params:
                args.append(next(vs) if p == "v128" else _SCALAR_C[p])
            fns.append(Fn(name, params, res, name, f"{cn}({', '.join(args)})"))
    return fns


# before each memory instruction: B and C at both ends of the memory
PRESTORE = [(0, "B"), (16, "C"), (32, "B"), (48, "C"), (65504, "B"), (65520, "C")]
_SCALAR_C = {"i32": "S32", "i64": "S64", "f32": "SF32", "f64": "SF64"}
_SCALAR_W = {"i32": "(i32.wrap_i64 (local.get $s))", "i64": "(local.get $s)",
             "f32": "(f32.reinterpret_i32 (i32.wrap_i64 (local.get $s)))",
             "f64": "(f64.reinterpret_i64 (local.get $s))"}
_RESULT_W = {"i32": "(i64.extend_i32_u {})", "i64": "{}",
             "f32": "(i64.extend_i32_u (i32.reinterpret_f32 {}))", "f64": "(i64.reinterpret_f64 {})"}


def _vec(n: str) -> str:
    return f"(i64x2.replace_lane 1 (i64x2.splat (local.get ${n}l)) (local.get ${n}h))"


def wat_func(i: int, f: Fn) -> str:
    vs = iter("abc")
    ops = []
    for p in f.params:
        if f.addr and p == "i32":
            ops.append("(local.get $addr)")
        else:
            ops.append(_vec(next(vs)) if p == "v128" else _SCALAR_W[p])
    expr = f"({f.wat} {' '.join(ops)})"
    body = ["(local.set $addr (i32.wrap_i64 (local.get $s)))"]
    if f.addr:  # the bytes any access may touch: B and C at both ends
        body += [f"(v128.store (i32.const {a}) {_vec(v.lower())})" for a, v in PRESTORE]
    if f.drop:
        body += [f"(drop {expr})", f"(local.set $r {_vec('a')})"]
    elif f.result == "v128":
        body += [f"(local.set $r {expr})"]
    elif f.result == "":  # a store: read back where it wrote
        body += [expr, f"(local.set $r (v128.load (select (i32.const 65520) (i32.add "
                       f"(local.get $addr) (i32.const {f.offset})) (i32.ge_u (local.get $addr) "
                       f"(i32.const 32768)))))"]
    if f.result in ("v128", ""):
        body += ["(i64x2.extract_lane 0 (local.get $r))", "(i64x2.extract_lane 1 (local.get $r))"]
    else:
        body += [_RESULT_W[f.result].format(expr), "(i64.const 0)"]
    params = " ".join(f"(param ${n} i64)" for n in ("al", "ah", "bl", "bh", "cl", "ch", "s"))
    return (f"(func (export \"f{i}\") {params} (result i64 i64) (local $r v128) "
            f"(local $addr i32)\n  " + "\n  ".join(body) + ")")


def c_case(i: int, f: Fn) -> str:
    pre = ""
    if f.addr:
        pre = " ".join(f"w2c_v128_store(MEM, SIZE, {a}, 0, {v});" for a, v in PRESTORE) + " "
    if f.drop:
        return f"CASE({i}, {pre}(void){f.c}; OUT_v128(A))"
    if f.result == "":
        return (f"CASE({i}, {pre}{f.c}; "
                f"OUT_v128(w2c_v128_load(MEM, SIZE, READBACK({f.offset}), 0)))")
    return f"CASE({i}, {pre}OUT_{f.result}({f.c}))"


# -- operands ----------------------------------------------------------------------------

F32_EDGES = [0, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000, 0x3FC00000, 0x40200000,
             0xC0200000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FC00001,
             0x7FA00000, 0xFFA00001, 0x7F7FFFFF, 0x00800000, 0x00000001, 0x807FFFFF,
             0x4F000000, 0xCF000000, 0x4F800000, 0x4EFFFFFF, 0x4F7FFFFF, 0xCF000001,
             0x3EFFFFFF, 0x4B000001, 0x4B7FFFFF, 0xBF000000, 0x3F400000]
F64_EDGES = [0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000, 0x3FE0000000000000,
             0x3FF8000000000000, 0x4004000000000000, 0xC004000000000000, 0x7FF0000000000000,
             0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000, 0x7FF8000000000001,
             0x7FF4000000000000, 0xFFF4000000000001, 0x7FEFFFFFFFFFFFFF, 0x0010000000000000,
             1, 0x41E0000000000000, 0xC1E0000000000000, 0x41F0000000000000,
             0x41DFFFFFFFE00000, 0xC1E0000000200000, 0x41EFFFFFFFFF0000, 0x4330000000000001,
             0x3FDFFFFFFFFFFFFF, 0x36A0000000000000, 0x47EFFFFFEFFFFFFF, 0x47EFFFFFF0000000,
             0xC1E00000001FFFFF, 0x41EFFFFFFFE00000]
SHAPES = ("i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2")


def _lane(rng: random.Random, shape: str) -> int:
    w = int(shape[1:].split("x")[0])
    m = (1 << w) - 1
    if shape[0] == "f":
        if rng.random() < 0.6:
            return rng.choice(F32_EDGES if w == 32 else F64_EDGES)
        e, mb = (8, 23) if w == 32 else (11, 52)
        bias = (1 << (e - 1)) - 1
        ex = rng.randint(bias - 40, bias + 40)
        return rng.getrandbits(1) << (w - 1) | ex << mb | rng.getrandbits(mb)
    if rng.random() < 0.5:
        h = 1 << (w - 1)
        return rng.choice([0, 1, 2, m, m - 1, h, h - 1, h + 1, h >> 1, 0x7F & m, 0x80 & m])
    return rng.getrandbits(w)


def _vector(rng: random.Random, shape: str | None) -> tuple[int, int]:
    if shape is None or rng.random() < 0.15:
        shape = rng.choice(SHAPES) if rng.random() < 0.7 else None
    if shape is None:
        return rng.getrandbits(64), rng.getrandbits(64)
    w = int(shape[1:].split("x")[0])
    v = 0
    for k in range(128 // w):
        v |= _lane(rng, shape) << (k * w)
    return v & M64, v >> 64


def in_shape(op: str) -> str | None:
    found = [s for s in SHAPES if s in op]
    return max(found, key=op.rindex) if found else None


def _scalar(rng: random.Random, f: Fn) -> int:
    if f.addr:
        r = rng.random()
        if r < 0.7:
            return rng.randint(0, 20)
        return rng.choice([65536 - rng.randint(0, 32), M32, 0x80000000, 65536])
    t = f.params[-1] if f.params else "i32"
    if f.op.endswith(("shl", "shr_s", "shr_u")):
        return rng.randint(0, 200) if rng.random() < 0.7 else rng.getrandbits(32)
    if t == "f32":
        return _lane(rng, "f32x4")
    if t == "f64":
        return _lane(rng, "f64x2")
    return _lane(rng, "i32x4" if t == "i32" else "i64x2")


def cases(f: Fn, i: int) -> list[tuple[int, ...]]:
    rng = random.Random(f"{f.op}/{i}")
    n = 6 if (f.lane is not None or f.addr) else 40
    shape = in_shape(f.op)
    out = []
    for j in range(n):
        a, b, c = (_vector(rng, shape) for _ in range(3))
        if j % 4 == 1:
            b = a  # equal lanes: x - x, min(x, x), (-32768)^2, ...
        elif j % 4 == 2 and shape:  # splats of edge values
            a, b = (_splat(_lane(rng, shape) if rng.random() < 0.2 else
                           _edge(rng, shape), shape) for _ in range(2))
        out.append((*a, *b, *c, _scalar(rng, f)))
    return out


def _edge(rng: random.Random, shape: str) -> int:
    w = int(shape[1:].split("x")[0])
    if shape[0] == "f":
        return rng.choice(F32_EDGES if w == 32 else F64_EDGES)
    h = 1 << (w - 1)
    return rng.choice([0, 1, h, h - 1, h + 1, (1 << w) - 1])


def _splat(x: int, shape: str) -> tuple[int, int]:
    w = int(shape[1:].split("x")[0])
    v = 0
    for k in range(128 // w):
        v |= x << (k * w)
    return v & M64, v >> 64


# -- what counts as equal ---------------------------------------------------------------------


def lanes(lo: int, hi: int, w: int) -> list[int]:
    v = lo | hi << 64
    return [(v >> (k * w)) & ((1 << w) - 1) for k in range(128 // w)]


def is_nan(x: int, w: int) -> bool:
    e = 0x7F800000 if w == 32 else 0x7FF0000000000000
    return (x & e) == e and x & ((1 << (23 if w == 32 else 52)) - 1) != 0


def quiet_bit(w: int) -> int:
    return 1 << (22 if w == 32 else 51)


def canonical(x: int, w: int) -> bool:
    return x & ~(1 << (w - 1)) == (0x7FC00000 if w == 32 else 0x7FF8000000000000)


def nan_ok(g: int, w: int, need_canonical: bool) -> bool:
    return is_nan(g, w) and bool(g & quiet_bit(w)) and (canonical(g, w) or not need_canonical)


def _f(x: int, w: int) -> float:
    return struct.unpack("<f" if w == 32 else "<d", x.to_bytes(w // 8, "little"))[0]


def _bits(x: float, w: int) -> int:
    if w == 32:
        try:
            return int.from_bytes(struct.pack("<f", x), "little")
        except OverflowError:
            return 0x7F800000 | (0x80000000 if x < 0 else 0)
    return int.from_bytes(struct.pack("<d", x), "little")


def _nearest(exact: Fraction, w: int) -> float:
    """`exact` rounded once to the nearest f32/f64 (ties to even): float()
    rounds to f64, and rounding that again to f32 can land one ulp off."""
    d = float(exact)
    if w == 64 or not math.isfinite(d):
        return d
    bits = _bits(d, 32)
    best = None
    for cand in (bits - 1, bits, bits + 1):
        if cand < 0 or cand > 0xFFFFFFFF:
            continue
        v = _f(cand, 32)
        if not math.isfinite(v) or (v < 0) != (bits >> 31 == 1) and v != 0:
            continue
        key = (abs(Fraction(v) - exact), cand & 1)
        if best is None or key < best[0]:
            best = (key, v)
    return best[1] if best else d


def _madd(a: int, b: int, c: int, w: int, neg: bool) -> set[int]:
    """relaxed_madd/nmadd: the unfused and the fused result (one lane); a
    NaN result as ANY_NAN."""
    x, y, z = _f(a, w), _f(b, w), _f(c, w)
    p = _f(_bits(x * y, w), w)
    p = -p if neg else p
    unfused = p + z
    if math.isfinite(p) and math.isfinite(z):
        unfused = _nearest(Fraction(p) + Fraction(z), w)
    fused = unfused
    if math.isfinite(x) and math.isfinite(y):
        if math.isinf(z):
            fused = z  # an exact finite product plus an infinity
        elif math.isfinite(z):
            exact = Fraction(x) * Fraction(y) * (-1 if neg else 1) + Fraction(z)
            try:
                fused = _nearest(exact, w)
            except OverflowError:
                fused = math.inf if exact > 0 else -math.inf
    return {ANY_NAN if math.isnan(v) else _bits(v, w) for v in (unfused, fused)}


def _sat(x: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, x))


def _s(x: int, w: int) -> int:
    return x - (1 << w) if x >> (w - 1) else x


def relaxed_allowed(op: str, ins: list[int], k: int, ref: list[int], w: int) -> set[int] | None:
    """The results lane k of a relaxed instruction may have, or None: any NaN allowed."""
    A, B, C = (lanes(ins[j], ins[j + 1], w) for j in (0, 2, 4))
    m = (1 << w) - 1
    if "madd" in op:
        if any(is_nan(v[k], w) for v in (A, B, C)):
            return None
        return _madd(A[k], B[k], C[k], w, "nmadd" in op)
    if op.endswith(("relaxed_min", "relaxed_max")):
        if is_nan(A[k], w) or is_nan(B[k], w):
            return {A[k], B[k], ANY_NAN}
        if (A[k] | B[k]) & ~(1 << (w - 1)) == 0:
            return {A[k], B[k]}
        return {ref[k]}
    if op == "i8x16.relaxed_swizzle":
        return {ref[k]} if B[k] < 16 else {0, A[B[k] & 15]}
    if "relaxed_trunc" in op:
        src = 64 if "f64x2" in op else 32
        S = lanes(ins[0], ins[1], src)
        if k >= len(S):
            return {0}
        x = _f(S[k], src)
        lo, hi = (-(1 << 31), (1 << 31) - 1) if op.endswith(("_s", "_s_zero")) else (0, M32)
        if math.isfinite(x) and lo <= math.trunc(x) <= hi:
            return {ref[k]}
        sat = 0 if math.isnan(x) else (lo if x < 0 else hi) & M32
        return {sat, 0x80000000, M32, 0}
    if "laneselect" in op:
        return {(A[k] & C[k]) | (B[k] & ~C[k] & m), A[k] if C[k] >> (w - 1) else B[k]}
    if op == "i16x8.relaxed_q15mulr_s":
        return {0x7FFF, 0x8000} if A[k] == B[k] == 0x8000 else {ref[k]}
    if "relaxed_dot" in op:
        a8, b8 = lanes(ins[0], ins[1], 8), lanes(ins[2], ins[3], 8)
        n = 2 if w == 16 else 4
        out = set()
        for sa, sb in ((True, True), (True, False), (False, False)):
            prods = [(_s(a8[j], 8) if sa else a8[j]) * (_s(b8[j], 8) if sb else b8[j])
                     for j in range(n * k, n * k + n)]
            pairs = [sum(prods[j:j + 2]) for j in range(0, n, 2)]
            for sat in (False, True):
                ps = [_sat(p, -32768, 32767) if sat else p for p in pairs]
                if w == 16:
                    out.add(ps[0] & m)
                else:
                    out.add((sum(ps) + C[k]) & m)
        return out
    raise AssertionError(op)


RELAXED_NAMES = {n for n, _ in RELAXED}
ANY_NAN = -1  # in an allowed set: or any NaN the spec allows


def lane_width(op: str) -> int:
    return int(op.split(".")[0][1:].split("x")[0]) if op[0] in "if" else 64


def check(f: Fn, ins: tuple[int, ...], ref: str, got: str) -> str | None:
    """None if `got` (C) is a result the spec allows where wasmtime gave `ref`."""
    if ref == got:
        return None
    if "trap" in (ref, got):
        return "trap differs"
    rl, rh = (int(x, 16) for x in ref.split())
    gl, gh = (int(x, 16) for x in got.split())
    if f.op in NAN_OPS or f.op in RELAXED_NAMES:
        w, iw = NAN_OPS.get(f.op, (lane_width(f.op), lane_width(f.op)))
        nin = sum(p == "v128" for p in f.params)
        in_nans = [x for j in range(nin) for x in lanes(ins[2 * j], ins[2 * j + 1], iw)
                   if is_nan(x, iw)]
        need_canon = all(canonical(x, iw) for x in in_nans)
        R, G = lanes(rl, rh, w), lanes(gl, gh, w)
        for k, (r, g) in enumerate(zip(R, G)):
            if f.op in RELAXED_NAMES:
                allowed = relaxed_allowed(f.op, list(ins), k, R, w)
                if allowed is not None and r not in allowed and not (ANY_NAN in allowed and is_nan(r, w)):
                    return f"lane {k}: wasmtime's {r:#x} not in the test's set {sorted(allowed)}"
                if allowed is None or ANY_NAN in allowed:
                    if g in (allowed or set()) or nan_ok(g, w, need_canon):
                        continue
                elif g in allowed:
                    continue
                return f"lane {k}: {g:#x} not allowed ({r:#x} from wasmtime)"
            if r != g and not (is_nan(r, w) and nan_ok(g, w, need_canon)):
                return f"lane {k}: {g:#x} != {r:#x}"
        return None
    return "differs"
