;; simd20.wat: a WASI command using 20 different v128 instructions (v128.load,
;; v128.store, i8x16.add, i8x16.sub_sat_u, i16x8.mul, i32x4.add, i32x4.mul,
;; i8x16.eq, i32x4.gt_s, v128.and, i8x16.swizzle, i16x8.narrow_i32x4_s,
;; i32x4.dot_i16x8_s, i8x16.shuffle, f32x4.convert_i32x4_s, f32x4.add,
;; f32x4.mul, v128.bitselect, i8x16.splat, i8x16.bitmask), for
;; tests/targets/test_simd_size.py: the flash the SIMD runtime takes on
;; Cortex-M, from `w2c build --target cortex-m3 --size-report`.
;; It fills 1 KB, applies each instruction to it 16 bytes at a time (load,
;; load, op, store), folds the results into a checksum and prints it as 8 hex
;; digits.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (type $op (func (param i32)))
  (memory (export "memory") 1)
  (table 15 funcref)
  (elem (i32.const 0) $op0 $op1 $op2 $op3 $op4 $op5 $op6 $op7 $op8 $op9 $op10 $op11 $op12 $op13 $op14)
  (data (i32.const 4000) "0123456789abcdef")
  ;; 0..511: input a, 512..1023: input b, 1024..1535: output
  (func $fill (local $i i32) (local $x i32)
    (local.set $x (i32.const 0x12345678))
    (loop $l
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (i32.store (local.get $i) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1024)))))
  (func $op0 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i8x16.add (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op1 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i8x16.sub_sat_u (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op2 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i16x8.mul (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op3 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i32x4.add (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op4 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i32x4.mul (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op5 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i8x16.eq (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op6 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i32x4.gt_s (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op7 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (v128.and (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op8 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i8x16.swizzle (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op9 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i16x8.narrow_i32x4_s (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op10 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i32x4.dot_i16x8_s (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op11 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (i8x16.shuffle 0 17 2 19 4 21 6 23 31 30 29 28 3 2 1 0
        (v128.load (local.get $i)) (v128.load offset=512 (local.get $i)))))
  (func $op12 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (f32x4.add (f32x4.convert_i32x4_s (v128.load (local.get $i)))
        (f32x4.convert_i32x4_s (v128.load offset=512 (local.get $i))))))
  (func $op13 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (f32x4.mul (f32x4.convert_i32x4_s (v128.load (local.get $i)))
        (f32x4.convert_i32x4_s (v128.load offset=512 (local.get $i))))))
  (func $op14 (param $i i32)
    (v128.store offset=1024 (local.get $i)
      (v128.bitselect (v128.load (local.get $i)) (v128.load offset=512 (local.get $i))
        (i8x16.splat (local.get $i)))))
  ;; op k over the 32 vectors
  (func $run (param $k i32) (local $i i32)
    (loop $l
      (call_indirect (type $op) (local.get $i) (local.get $k))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 512)))))
  ;; fold the output into $h: per vector its bitmask and its first word
  (func $sum (param $h i32) (result i32) (local $i i32)
    (loop $l
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31))
        (i32.add (i8x16.bitmask (v128.load offset=1024 (local.get $i)))
                 (i32.load offset=1024 (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 512))))
    (local.get $h))
  (func (export "_start") (local $k i32) (local $h i32) (local $d i32)
    (call $fill)
    (loop $l
      (call $run (local.get $k))
      (local.set $h (call $sum (local.get $h)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 15))))
    ;; 8 hex digits and a newline at 2000, then fd_write
    (loop $l
      (i32.store8 offset=2000 (local.get $d)
        (i32.load8_u offset=4000
          (i32.and (i32.shr_u (local.get $h)
                              (i32.sub (i32.const 28) (i32.shl (local.get $d) (i32.const 2))))
                   (i32.const 15))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $d) (i32.const 8))))
    (i32.store8 (i32.const 2008) (i32.const 10))
    (i32.store (i32.const 3000) (i32.const 2000))
    (i32.store (i32.const 3004) (i32.const 9))
    (drop (call $fd_write (i32.const 1) (i32.const 3000) (i32.const 1) (i32.const 3008)))))
