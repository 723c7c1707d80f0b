;; counter.wat: the wasm side of examples/threads-embed.  It imports one
;; shared memory; each host thread runs its own instance over it.
;;   0   i32  atomic counter (i32.atomic.rmw.add)
;;   8   i64  atomic counter (i64.atomic.rmw.add)
;;   16  i32  a mutex: 0 free, 1 held (cmpxchg; memory.atomic.wait32 / notify)
;;   20  i32  a plain counter, read and written only under the mutex
;; The instance's own global $calls counts the calls of `work` made on it
;; (each thread's instance has its own).
(module
  (import "env" "memory" (memory 1 1 shared))
  (global $calls (mut i32) (i32.const 0))

  (func $lock
    (loop $retry
      (if (i32.atomic.rmw.cmpxchg (i32.const 16) (i32.const 0) (i32.const 1))
        (then
          (drop (memory.atomic.wait32 (i32.const 16) (i32.const 1) (i64.const -1)))
          (br $retry)))))
  (func $unlock
    (i32.atomic.store (i32.const 16) (i32.const 0))
    (drop (memory.atomic.notify (i32.const 16) (i32.const 1))))

  ;; n rounds: an atomic add to each counter, and every 16th round one to
  ;; the plain counter under the mutex
  (func (export "work") (param $n i32)
    (local $i i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (drop (i64.atomic.rmw.add (i32.const 8) (i64.const 3)))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 15)))
          (then
            (call $lock)
            (i32.store (i32.const 20) (i32.add (i32.load (i32.const 20)) (i32.const 1)))
            (call $unlock)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  (func (export "count32") (result i32) (i32.atomic.load (i32.const 0)))
  (func (export "count64") (result i64) (i64.atomic.load (i32.const 8)))
  (func (export "locked") (result i32) (i32.atomic.load (i32.const 20)))
  (func (export "calls") (result i32) (global.get $calls)))
