;; Short-lived linked lists: run(rounds, len) builds `rounds` lists of `len`
;; nodes (rounds * len structs in total), sums each and drops it.  The
;; result is a checksum; every list is garbage once summed.
(module
  (type $node (struct (field $val i32) (field $next (ref null $node))))

  (func $build (param $n i32) (param $seed i32) (result (ref null $node))
    (local $l (ref null $node))
    (block $done
      (loop $lp
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $l (struct.new $node (i32.add (local.get $n) (local.get $seed))
                                        (local.get $l)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $lp)))
    (local.get $l))

  (func $sum (param $l (ref null $node)) (result i64)
    (local $s i64)
    (block $done
      (loop $lp
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i64.add (local.get $s)
                               (i64.extend_i32_u (struct.get $node $val (local.get $l)))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $lp)))
    (local.get $s))

  (func (export "run") (param $rounds i32) (param $len i32) (result i64)
    (local $total i64) (local $r i32)
    (block $done
      (loop $lp
        (br_if $done (i32.ge_u (local.get $r) (local.get $rounds)))
        (local.set $total
          (i64.add (i64.mul (local.get $total) (i64.const 31))
                   (call $sum (call $build (local.get $len) (local.get $r)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lp)))
    (local.get $total)))
