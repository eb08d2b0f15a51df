;; The byte scan behind checkBytes' quick path (bytes.ts): one pass over a rendered file, 16 bytes
;; at a time, that answers which of the byte checks could fail. bytes.ts runs its full check,
;; which words the problems, whenever a flag says so; test/unit/bytes.test.ts holds the two to
;; the same answers. Built into dist/validate/byte-scan.wasm by scripts/build-wasm.js.
;;
;; The caller copies the file to memory at offset 0 (growing the memory to hold it and 16 more
;; bytes) and calls scan with its length. The answer is a set of flags:
;;   1  CRLF_BROKEN    a LF without a CR before it, or a CR without a LF after it
;;   2  HAS_CR         a CR anywhere
;;   4  NOT_PRINTABLE  a byte outside 0x20-0x7E that is neither CR nor LF
;;   8  BRACES         "{{" or "}}"
;; and the global `longest`: the longest line ended by a LF, counted from its first byte to the
;; LF (a CR before the LF included).
(module
  (memory (export "memory") 1)
  (global $longest (export "longest") (mut i32) (i32.const 0))

  (func (export "scan") (param $length i32) (result i32)
    (local $at i32)          ;; offset of the chunk of 16 bytes
    (local $chunk v128)
    (local $isLf v128)
    (local $isCr v128)
    (local $lf i32)          ;; bit n: byte n of the chunk is a LF
    (local $cr i32)          ;; bit n: byte n of the chunk is a CR
    (local $open i32)        ;; bit n: byte n of the chunk is "{"
    (local $close i32)       ;; bit n: byte n of the chunk is "}"
    (local $crBefore i32)    ;; 1: the byte before this chunk is a CR
    (local $openBefore i32)  ;; 1: the byte before this chunk is "{"
    (local $closeBefore i32) ;; 1: the byte before this chunk is "}"
    (local $flags i32)
    (local $ends i32)        ;; the chunk's LF bits not yet counted as line ends
    (local $lineEnd i32)
    (local $lineStart i32)
    (local $longest i32)

    ;; The last chunk may reach past the file: there it reads spaces, which no check minds.
    (v128.store (local.get $length) (i8x16.splat (i32.const 0x20)))

    (block $end
      (loop $chunks
        (br_if $end (i32.ge_u (local.get $at) (local.get $length)))
        (local.set $chunk (v128.load (local.get $at)))
        (local.set $isLf (i8x16.eq (local.get $chunk) (i8x16.splat (i32.const 0x0a))))
        (local.set $isCr (i8x16.eq (local.get $chunk) (i8x16.splat (i32.const 0x0d))))
        (local.set $lf (i8x16.bitmask (local.get $isLf)))
        (local.set $cr (i8x16.bitmask (local.get $isCr)))

        ;; CRLF: the bytes after a CR are exactly the LFs. Shifting the CR bits by one (the
        ;; chunk before's last CR coming in as bit 0) must give the LF bits.
        (if (i32.ne
              (i32.and (i32.or (i32.shl (local.get $cr) (i32.const 1)) (local.get $crBefore))
                       (i32.const 0xffff))
              (local.get $lf))
          (then (local.set $flags (i32.or (local.get $flags) (i32.const 1)))))
        (local.set $crBefore (i32.shr_u (local.get $cr) (i32.const 15)))
        (if (local.get $cr)
          (then (local.set $flags (i32.or (local.get $flags) (i32.const 2)))))

        ;; Below 0x20 and neither LF nor CR, or above 0x7E.
        (if (v128.any_true
              (v128.or
                (v128.andnot
                  (i8x16.lt_u (local.get $chunk) (i8x16.splat (i32.const 0x20)))
                  (v128.or (local.get $isLf) (local.get $isCr)))
                (i8x16.gt_u (local.get $chunk) (i8x16.splat (i32.const 0x7e)))))
          (then (local.set $flags (i32.or (local.get $flags) (i32.const 4)))))

        ;; "{{" and "}}": a brace whose byte before is the same brace.
        (local.set $open
          (i8x16.bitmask (i8x16.eq (local.get $chunk) (i8x16.splat (i32.const 0x7b)))))
        (local.set $close
          (i8x16.bitmask (i8x16.eq (local.get $chunk) (i8x16.splat (i32.const 0x7d)))))
        (if (i32.or
              (i32.and (local.get $open)
                       (i32.or (i32.shl (local.get $open) (i32.const 1)) (local.get $openBefore)))
              (i32.and (local.get $close)
                       (i32.or (i32.shl (local.get $close) (i32.const 1)) (local.get $closeBefore))))
          (then (local.set $flags (i32.or (local.get $flags) (i32.const 8)))))
        (local.set $openBefore (i32.shr_u (local.get $open) (i32.const 15)))
        (local.set $closeBefore (i32.shr_u (local.get $close) (i32.const 15)))

        ;; Each LF of the chunk, lowest first, ends a line.
        (local.set $ends (local.get $lf))
        (block $counted
          (loop $lines
            (br_if $counted (i32.eqz (local.get $ends)))
            (local.set $lineEnd (i32.add (local.get $at) (i32.ctz (local.get $ends))))
            (if (i32.gt_u (i32.sub (local.get $lineEnd) (local.get $lineStart)) (local.get $longest))
              (then (local.set $longest (i32.sub (local.get $lineEnd) (local.get $lineStart)))))
            (local.set $lineStart (i32.add (local.get $lineEnd) (i32.const 1)))
            ;; Clears the lowest bit.
            (local.set $ends (i32.and (local.get $ends) (i32.sub (local.get $ends) (i32.const 1))))
            (br $lines)))

        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $chunks)))

    ;; A CR as the file's last byte (its length a multiple of 16) has no LF after it.
    (if (local.get $crBefore)
      (then (local.set $flags (i32.or (local.get $flags) (i32.const 1)))))
    (global.set $longest (local.get $longest))
    (local.get $flags))
)
