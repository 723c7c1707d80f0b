;; recurse.wat: unbounded recursion on a chip with a 4 KB stack (cortex-m0).
;; 1 KiB of memory in 1-byte pages (custom-page-sizes).  Prints "recursing",
;; then recurses until the runtime's stack-limit check traps (call stack
;; exhausted, exit status 134) -- long before the call-depth limit, and
;; before the stack would run into the RAM below it.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory 1024 1024 (pagesize 1))
  (data (i32.const 16) "recursing\n")
  (func $down (param i32) (result i32)
    (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 10))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $down (i32.const 0)))))
