;; Two functions calling each other with return_call @N@ times in all: the
;; pattern of a state machine or of a functional language's mutual
;; recursion.  Without constant-stack tail calls this overflows any stack.
;; A fragment: bench/micro.py fills in @N@ and wraps it into a module whose
;; _start prints $run's result.
(func $ping (param $n i64) (param $acc i64) (result i64)
  (if (i64.eqz (local.get $n)) (then (return (local.get $acc))))
  (return_call $pong
    (i64.sub (local.get $n) (i64.const 1))
    (i64.add (i64.mul (local.get $acc) (i64.const 3)) (local.get $n))))
(func $pong (param $n i64) (param $acc i64) (result i64)
  (if (i64.eqz (local.get $n)) (then (return (local.get $acc))))
  (return_call $ping
    (i64.sub (local.get $n) (i64.const 1))
    (i64.xor (local.get $acc) (i64.shr_u (local.get $acc) (i64.const 5)))))

(func $run (result i64)
  (call $ping (i64.const @N@) (i64.const 1)))
