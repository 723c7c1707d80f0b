(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (type $v_i (func (result i32)))
  (global $g (mut i32) (i32.const 40))
  (table $t0 3 funcref)
  (table $t1 (export "t1") 1 funcref)
  (elem (table $t0) (i32.const 1) func $a $b)
  (func $a (result i32) (global.get $g))
  (func $b (result i32) (i32.add (global.get $g) (i32.const 2)))
  (func (export "_start")
    ;; through the constant table directly, and through a funcref read from it
    (table.set $t1 (i32.const 0) (table.get $t0 (i32.const 2)))
    (call $exit (i32.add
      (call_indirect $t0 (type $v_i) (i32.const 1))                ;; 40
      (i32.sub (call_indirect $t1 (type $v_i) (i32.const 0)) (i32.const 40))))))  ;; +2
