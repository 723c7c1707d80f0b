;; Throw and catch (legacy encoding: try ... catch): a loop of @N@ iterations
;; calls $depth inside a try; $depth recurses @DEPTH@ frames and then
;; throws the tag $e with the iteration number (@THROW@ = 1), or returns it
;; (@THROW@ = 0: the cost of entering a handler that is never used).  Either
;; way the loop adds up what reaches it.
;; The loop reaches $depth by a direct call
;; (which a C compiler may inline, and then a throw by explicit propagation
;; becomes a branch) or call_indirect with the index read from memory (a
;; real call boundary for every engine).
;; A fragment: bench/micro.py fills in @N@, @DEPTH@, @THROW@ and the call
;; (@CALL@) and wraps it into a module whose _start prints $run's result.
(tag $e (param i32))
(type $depth_t (func (param i32 i32) (result i32)))
(table $depths 1 funcref)
(elem (table $depths) (i32.const 0) func $depth)
(data (i32.const 2000) "\00\00\00\00")  ;; the index call_indirect reads

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
            (do @CALL@)
            (catch $e)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $next (i32.lt_u (local.get $i) (i32.const @N@))))
  (local.get $sum))
