;; Throw and catch (legacy encoding: try ... catch): a loop of @N@ iterations
;; calls $depth inside a try; $depth recurses @DEPTH@ frames and then
;; throws the tag $e with the iteration number (@THROW@ = 1), or returns it
;; (@THROW@ = 0: the cost of entering a handler that is never used).  Either
;; way the loop adds up what reaches it.
;; A fragment: bench/micro.py fills in @N@, @DEPTH@ and @THROW@ and wraps it
;; into a module whose _start prints $run's result.
(tag $e (param i32))

(func $depth (param $d i32) (param $i i32) (result i32)
  (if (i32.eqz (local.get $d))
    (then
      (if (i32.const @THROW@) (then (throw $e (local.get $i))))
      (return (local.get $i))))
  (i32.add (call $depth (i32.sub (local.get $d) (i32.const 1)) (local.get $i))
           (i32.const 1)))

(func $run (result i64)
  (local $i i32) (local $sum i64)
  (loop $next
    (local.set $sum
      (i64.add (local.get $sum)
        (i64.extend_i32_u
          (try (result i32)
            (do (call $depth (i32.const @DEPTH@) (local.get $i)))
            (catch $e)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $next (i32.lt_u (local.get $i) (i32.const @N@))))
  (local.get $sum))
