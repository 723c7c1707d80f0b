;; tiny.wat: a WASI command with 4 KiB of linear memory in 1-byte pages
;; (the custom-page-sizes proposal), small enough for a 16 KB-RAM chip:
;;   wasm-tools parse tiny.wat -o tiny.wasm
;;   w2c build --enable-custom-page-sizes --target cortex-m0 tiny.wasm -o tiny.elf
;; Prints "tiny: 4096 bytes of memory", grows memory by one byte (which must
;; fail past the declared maximum) and exits with 0 if it did.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 4096 4096 (pagesize 1))
  (data (i32.const 16) "tiny: 4096 bytes of memory\n")
  (func (export "_start")
    ;; iovec at 0: base 16, length 27
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 27))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; memory.size is 4096 pages of 1 byte; growing past the maximum fails
    (call $proc_exit
      (i32.or
        (i32.ne (memory.size) (i32.const 4096))
        (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))))
