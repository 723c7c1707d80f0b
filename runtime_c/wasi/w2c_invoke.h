/* w2c_invoke.h: calling one exported function from the command line, as
 * `wasmtime run --invoke NAME ARGS...` does: `w2c run --invoke NAME` (the
 * program's main sees W2C_WASI_INVOKE=NAME).  Arguments are parsed as
 * wasmtime parses them (i32/i64: decimal, or hex after 0x, within the
 * signed range; f32/f64: decimal or inf/nan), results printed one per line
 * as wasmtime prints them (integers signed; floats in the shortest form
 * that reads back to the same value, without an exponent, "NaN", "inf").
 * Hosted builds only (stdio, strtod). */
#ifndef W2C_INVOKE_H
#define W2C_INVOKE_H

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A signed integer of `bits` bits in decimal or 0x-hex; 0 on success. */
static inline int w2c_invoke_int_(const char *s, int bits, int64_t *out) {
  const char *p = s;
  int neg = 0, base = 10;
  uint64_t v = 0, lim;
  if (*p == '-' || *p == '+') neg = *p++ == '-';
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p += 2;
  }
  if (*p == 0) return -1;
  lim = (UINT64_C(1) << (bits - 1)) - (neg ? 0 : 1);   /* |min| or max */
  for (; *p; p++) {
    int d = (*p >= '0' && *p <= '9') ? *p - '0'
            : (base == 16 && *p >= 'a' && *p <= 'f') ? *p - 'a' + 10
            : (base == 16 && *p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;
    if (d < 0 || v > (lim - (uint64_t)d) / (uint64_t)base) return -1;
    v = v * (uint64_t)base + (uint64_t)d;
  }
  *out = neg ? (int64_t)(UINT64_C(0) - v) : (int64_t)v;
  return 0;
}

static inline int w2c_invoke_i32(const char *s, uint32_t *out) {
  int64_t v;
  if (w2c_invoke_int_(s, 32, &v) != 0) return -1;
  *out = (uint32_t)v;
  return 0;
}

static inline int w2c_invoke_i64(const char *s, uint64_t *out) {
  int64_t v;
  if (w2c_invoke_int_(s, 64, &v) != 0) return -1;
  *out = (uint64_t)v;
  return 0;
}

static inline int w2c_invoke_f64(const char *s, double *out) {
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return (*s == 0 || *end != 0) ? -1 : 0;
}

static inline int w2c_invoke_f32(const char *s, float *out) {
  char *end;
  *out = strtof(s, &end);
  return (*s == 0 || *end != 0) ? -1 : 0;
}

/* Print the digits of `sci` ("-d.ddde+XX", from %e) without an exponent. */
static inline void w2c_invoke_positional_(const char *sci) {
  char digits[40];
  int n = 0, e, i;
  const char *p = sci;
  if (*p == '-') putchar(*p++);
  for (; *p && *p != 'e'; p++)
    if (*p != '.' && n < (int)sizeof digits - 1) digits[n++] = *p;
  e = atoi(p + 1);
  while (n > 1 && digits[n - 1] == '0') n--;   /* "1.000" from %.3e: no fraction */
  if (e < 0) {
    fputs("0.", stdout);
    for (i = 0; i < -e - 1; i++) putchar('0');
    fwrite(digits, 1, (size_t)n, stdout);
  } else {
    for (i = 0; i <= e; i++) putchar(i < n ? digits[i] : '0');
    if (n > e + 1) {
      putchar('.');
      fwrite(digits + e + 1, 1, (size_t)(n - e - 1), stdout);
    }
  }
  putchar('\n');
}

static inline void w2c_invoke_print_i32(uint32_t v) { printf("%" PRId32 "\n", (int32_t)v); }
static inline void w2c_invoke_print_i64(uint64_t v) { printf("%" PRId64 "\n", (int64_t)v); }

static inline void w2c_invoke_print_f64(double v) {
  char buf[48];
  int prec;
  if (v != v) { puts("NaN"); return; }
  if (v == HUGE_VAL || v == -HUGE_VAL) { puts(v > 0 ? "inf" : "-inf"); return; }
  for (prec = 0; prec < 17; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  w2c_invoke_positional_(buf);
}

static inline void w2c_invoke_print_f32(float v) {
  char buf[48];
  int prec;
  if (v != v) { puts("NaN"); return; }
  if (v == HUGE_VALF || v == -HUGE_VALF) { puts(v > 0 ? "inf" : "-inf"); return; }
  for (prec = 0; prec < 9; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec, (double)v);
    if (strtof(buf, NULL) == v) break;
  }
  w2c_invoke_positional_(buf);
}

#endif /* W2C_INVOKE_H */
