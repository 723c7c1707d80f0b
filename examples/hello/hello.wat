;; hello.wat: the example module of w2c's README (`./scripts/demo`).
;;
;; Small but touches every kind of module-level entity:
;;   - an imported function (the host writes bytes out),
;;   - a memory with an active data segment (the greeting),
;;   - a table of functions with an active element segment,
;;   - an immutable and a mutable global,
;;   - exported functions, memory, table and global.
;;
;; Assemble with:  wat2wasm --debug-names hello.wat -o hello.wasm
;; (the assembled hello.wasm is committed so the demo needs no assembler).
(module $hello
  ;; The host prints `len` bytes of memory from `ptr`.
  (import "env" "write" (func $write (param $ptr i32) (param $len i32)))

  (type $unop (func (param i32) (result i32)))

  ;; One 64 KiB page; the greeting sits at address 16.
  (memory $mem (export "memory") 1)
  (data (i32.const 16) "Hello from w2c!\n")

  (global $greeting_ptr i32 (i32.const 16))
  (global $greeting_len i32 (i32.const 16))
  ;; How many times `hello` ran; the host may read it.
  (global $calls (export "calls") (mut i32) (i32.const 0))

  ;; The functions `apply` can dispatch to, by index.
  (table $ops (export "ops") 4 funcref)
  (elem (table $ops) (i32.const 0) func $fib $square $double $identity)

  ;; Writes the greeting through the import; returns its length.
  (func $hello (export "hello") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $write (global.get $greeting_ptr) (global.get $greeting_len))
    (global.get $greeting_len))

  ;; n! by recursion, on 64 bits (20! is the largest that fits).
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul (local.get $n)
                 (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  ;; The n-th Fibonacci number (fib 0 = 0, fib 1 = 1), by a loop.
  (func $fib (export "fib") (type $unop)
    (local $a i32) (local $b i32) (local $t i32)
    (local.set $b (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get 0)))
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $next)))
    (local.get $a))

  (func $square (type $unop) (i32.mul (local.get 0) (local.get 0)))
  (func $double (type $unop) (i32.shl (local.get 0) (i32.const 1)))
  (func $identity (type $unop) (local.get 0))

  ;; Calls entry `op` of the table on `x`; traps if `op` is out of range.
  (func $apply (export "apply") (param $op i32) (param $x i32) (result i32)
    (call_indirect $ops (type $unop) (local.get $x) (local.get $op)))
)
