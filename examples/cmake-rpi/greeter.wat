;; greeter.wat: the WebAssembly module of examples/cmake-rpi, a WASI command.
;;
;;   _start      writes a greeting to stdout with WASI's fd_write
;;   fib(n)      the n-th Fibonacci number as i64, for the host to call
;;   memory      (WASI needs it exported)
;;
;; Assemble with:  wat2wasm --debug-names greeter.wat -o greeter.wasm
;; (greeter.wasm is committed; tests check it matches this file).
(module $greeter
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $n i32) (param $written i32)
                    (result i32)))

  (memory (export "memory") 1)
  ;; iovec {buf = 16, len = 37} at 0; the text (37 bytes) at 16
  (data (i32.const 0) "\10\00\00\00\25\00\00\00")
  (data (i32.const 16) "hello from WebAssembly, through WASI\n")

  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))
)
