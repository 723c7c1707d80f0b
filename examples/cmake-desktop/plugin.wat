;; plugin.wat: the WebAssembly module of examples/cmake-desktop.
;;
;; A small "plugin" a desktop application loads: it logs through the host,
;; reads samples from the host, and works on bytes the host puts in its memory.
;;   imports  host.log(ptr, len)        print len bytes of memory from ptr
;;            host.sample(i) -> f64     the i-th sample of the host's data
;;   exports  init()                    logs a greeting
;;            average(n) -> f64         the mean of samples 0 .. n-1
;;            checksum(ptr, len) -> i32 FNV-1a of len bytes of memory from ptr
;;            memory, reads (a mutable global: how many samples it has read)
;;
;; Assemble with:  wat2wasm --debug-names plugin.wat -o plugin.wasm
;; (plugin.wasm is committed; tests check it matches this file).
(module $plugin
  (import "host" "log" (func $log (param $ptr i32) (param $len i32)))
  (import "host" "sample" (func $sample (param $i i32) (result f64)))

  (memory (export "memory") 1)
  (data (i32.const 0) "plugin: ready\n")

  (global $samples_read (export "reads") (mut i32) (i32.const 0))

  (func (export "init")
    (call $log (i32.const 0) (i32.const 14)))

  (func (export "average") (param $n i32) (result f64)
    (local $i i32) (local $sum f64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (f64.add (local.get $sum) (call $sample (local.get $i))))
        (global.set $samples_read (i32.add (global.get $samples_read) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (result f64) (local.get $n)
      (then (f64.div (local.get $sum) (f64.convert_i32_u (local.get $n))))
      (else (f64.const 0))))

  ;; Traps (out of bounds memory access) if the bytes are not all in memory.
  (func (export "checksum") (param $ptr i32) (param $len i32) (result i32)
    (local $h i32) (local $end i32)
    (local.set $h (i32.const 0x811c9dc5))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $ptr)))
                               (i32.const 0x01000193)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $h))
)
