;; Cyclic graphs: run(rounds, n) builds `rounds` graphs of n nodes, each a
;; ring (next and prev edges: every node is on a cycle) plus one pseudo-random
;; chord per node, kept in arrays of references; a breadth-first search from
;; node 0 with an array queue sums the ids reached and the i31 weights held in
;; an anyref array.  Each graph is garbage (and cyclic) after its round.
(module
  (rec
    (type $edges (array (mut (ref null $gnode))))
    (type $gnode (struct (field $id i32) (field $seen (mut i32))
                         (field $out (mut (ref null $edges)))
                         (field $w (mut anyref)))))
  (type $nodes (array (mut (ref null $gnode))))

  (func $lcg (param $x i32) (result i32)
    (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))

  (func $graph (param $n i32) (param $seed i32) (result (ref $nodes))
    (local $all (ref $nodes)) (local $i i32) (local $x i32) (local $e (ref $edges))
    (local.set $all (array.new_default $nodes (local.get $n)))
    (local.set $x (local.get $seed))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $i) (local.get $n)))
      (array.set $nodes (local.get $all) (local.get $i)
        (struct.new $gnode (local.get $i) (i32.const 0) (ref.null $edges)
                           (ref.i31 (i32.and (local.get $i) (i32.const 1023)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    (local.set $i (i32.const 0))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $x (call $lcg (local.get $x)))
      (local.set $e (array.new_fixed $edges 3
        (array.get $nodes (local.get $all)
          (i32.rem_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (array.get $nodes (local.get $all)
          (i32.rem_u (i32.add (local.get $i) (i32.sub (local.get $n) (i32.const 1))) (local.get $n)))
        (array.get $nodes (local.get $all)
          (i32.rem_u (i32.shr_u (local.get $x) (i32.const 8)) (local.get $n)))))
      (struct.set $gnode $out (array.get $nodes (local.get $all) (local.get $i)) (local.get $e))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (local.get $all))

  (func $bfs (param $all (ref $nodes)) (result i64)
    (local $queue (ref $nodes)) (local $head i32) (local $tail i32)
    (local $v (ref null $gnode)) (local $w (ref null $gnode)) (local $out (ref null $edges))
    (local $k i32) (local $sum i64)
    (local.set $queue (array.new_default $nodes (array.len (local.get $all))))
    (local.set $v (array.get $nodes (local.get $all) (i32.const 0)))
    (struct.set $gnode $seen (local.get $v) (i32.const 1))
    (array.set $nodes (local.get $queue) (i32.const 0) (local.get $v))
    (local.set $tail (i32.const 1))
    (block $done (loop $lp
      (br_if $done (i32.ge_u (local.get $head) (local.get $tail)))
      (local.set $v (array.get $nodes (local.get $queue) (local.get $head)))
      (local.set $head (i32.add (local.get $head) (i32.const 1)))
      (local.set $sum (i64.add (local.get $sum)
        (i64.add (i64.extend_i32_u (struct.get $gnode $id (local.get $v)))
                 (i64.extend_i32_u (i31.get_u (ref.cast (ref i31)
                                      (struct.get $gnode $w (local.get $v))))))))
      (local.set $out (struct.get $gnode $out (local.get $v)))
      (local.set $k (i32.const 0))
      (block $edone (loop $el
        (br_if $edone (i32.ge_u (local.get $k) (array.len (local.get $out))))
        (local.set $w (array.get $edges (local.get $out) (local.get $k)))
        (if (i32.eqz (struct.get $gnode $seen (local.get $w)))
          (then
            (struct.set $gnode $seen (local.get $w) (i32.const 1))
            (array.set $nodes (local.get $queue) (local.get $tail) (local.get $w))
            (local.set $tail (i32.add (local.get $tail) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $el)))
      (br $lp)))
    (i64.add (i64.mul (local.get $sum) (i64.const 7)) (i64.extend_i32_u (local.get $tail))))

  (func (export "run") (param $rounds i32) (param $n i32) (result i64)
    (local $r i32) (local $total i64)
    (block $done (loop $lp
      (br_if $done (i32.ge_u (local.get $r) (local.get $rounds)))
      (local.set $total (i64.add (i64.mul (local.get $total) (i64.const 3))
                                 (call $bfs (call $graph (local.get $n) (local.get $r)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $lp)))
    (local.get $total)))
