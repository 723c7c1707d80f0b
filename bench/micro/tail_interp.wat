;; A threaded-code interpreter: each opcode's handler does its work, reads
;; the next opcode and dispatches to its handler with return_call_indirect,
;; so the interpreter's state lives in parameters and the C stack stays
;; flat (the shape of wasm3's and CPython 3.14's tail-calling interpreters).
;; The bytecode, one loop of four instructions run @N@ times:
;;   0: mul31   acc = acc * 31
;;   1: mix     acc ^= acc >> 7
;;   2: addcnt  acc += cnt
;;   3: loop    cnt -= 1; if cnt != 0 goto 0
;;   4: halt    return acc
;; A fragment: bench/micro.py fills in @N@ and wraps it into a module whose
;; _start prints $run's result.
(type $op (func (param i32 i64 i64) (result i64)))  ;; pc, acc, cnt
(table 5 funcref)
(elem (i32.const 0) $mul31 $mix $addcnt $loop $halt)
(data (i32.const 0) "\00\01\02\03\04")

(func $mul31 (type $op) (param $pc i32) (param $acc i64) (param $cnt i64) (result i64)
  (return_call_indirect (type $op)
    (i32.add (local.get $pc) (i32.const 1))
    (i64.mul (local.get $acc) (i64.const 31))
    (local.get $cnt)
    (i32.load8_u offset=1 (local.get $pc))))
(func $mix (type $op) (param $pc i32) (param $acc i64) (param $cnt i64) (result i64)
  (return_call_indirect (type $op)
    (i32.add (local.get $pc) (i32.const 1))
    (i64.xor (local.get $acc) (i64.shr_u (local.get $acc) (i64.const 7)))
    (local.get $cnt)
    (i32.load8_u offset=1 (local.get $pc))))
(func $addcnt (type $op) (param $pc i32) (param $acc i64) (param $cnt i64) (result i64)
  (return_call_indirect (type $op)
    (i32.add (local.get $pc) (i32.const 1))
    (i64.add (local.get $acc) (local.get $cnt))
    (local.get $cnt)
    (i32.load8_u offset=1 (local.get $pc))))
;; (no declared local: for a function that has one and is reached by a tail
;; call, wabt 1.0.42's wasm2c writes C that does not compile)
(func $loop (type $op) (param $pc i32) (param $acc i64) (param $cnt i64) (result i64)
  (local.set $cnt (i64.sub (local.get $cnt) (i64.const 1)))
  (local.set $pc
    (select (i32.const 0) (i32.add (local.get $pc) (i32.const 1))
            (i64.ne (local.get $cnt) (i64.const 0))))
  (return_call_indirect (type $op)
    (local.get $pc) (local.get $acc) (local.get $cnt)
    (i32.load8_u (local.get $pc))))
;; (halt ends in a tail call too: wabt 1.0.42's wasm2c loses the result of a
;; return_call_indirect whose callee makes no tail call itself)
(func $halt (type $op) (param $pc i32) (param $acc i64) (param $cnt i64) (result i64)
  (return_call $result (local.get $acc)))
(func $result (param $acc i64) (result i64)
  (local.get $acc))

(func $run (result i64)
  (call_indirect (type $op)
    (i32.const 0) (i64.const 1) (i64.const @N@) (i32.load8_u (i32.const 0))))
