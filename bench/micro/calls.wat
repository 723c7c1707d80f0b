;; Calls and no handler: a loop of @N@ iterations reaches $depth through
;; call_indirect (index read from memory) and $depth recurses @DEPTH@ frames
;; by direct calls.  In calls_plain the module has no exceptions at all; in
;; calls_maythrow $depth holds a throw that never runs (its condition is
;; read from memory), so an engine that propagates exceptions explicitly
;; tests after each of these calls: the difference is what that costs a
;; module that uses exceptions, on calls that do not throw.
;; A fragment: bench/micro.py fills in @N@, @DEPTH@, @TAG@ and @THROW@ and
;; wraps it into a module whose _start prints $run's result.
@TAG@
(type $depth_t (func (param i32 i32) (result i32)))
(table $depths 1 funcref)
(elem (table $depths) (i32.const 0) func $depth)
(data (i32.const 2000) "\00\00\00\00\00\00\00\00")  ;; the index, the throw condition

(func $depth (param $d i32) (param $i i32) (result i32)
  (if (i32.eqz (local.get $d))
    (then
      @THROW@
      (return (local.get $i))))
  (i32.add (call $depth (i32.sub (local.get $d) (i32.const 1)) (local.get $i))
           (i32.const 1)))

(func $run (result i64)
  (local $i i32) (local $sum i64)
  (loop $next
    (local.set $sum
      (i64.add (local.get $sum)
        (i64.extend_i32_u
          (call_indirect (type $depth_t)
            (i32.const @DEPTH@) (local.get $i) (i32.load (i32.const 2000))))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $next (i32.lt_u (local.get $i) (i32.const @N@))))
  (local.get $sum))
