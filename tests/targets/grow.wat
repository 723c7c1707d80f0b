(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (func (export "_start")
    ;; exit code: 10 * (first grow's result + 1) + (second grow failed ? 1 : 0)
    (call $exit (i32.add
      (i32.mul (i32.add (memory.grow (i32.const 1)) (i32.const 1)) (i32.const 10))
      (i32.eq (memory.grow (i32.const 1)) (i32.const -1))))))
