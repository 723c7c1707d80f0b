/* parse: a tokenizer and recursive-descent parser for a small language of
 * assignments (`name = expr;`, expressions with + - * / % & | ^ << >>,
 * unary minus, parentheses, numbers and variables), evaluated while parsed,
 * over ~256 KB of generated source, n times.  Branchy: character classes,
 * keyword-free identifiers hashed into a symbol table, deep recursion. */
#include "bench.h"

#define SRC_MAX (300u << 10)
static char src[SRC_MAX + 64];
static uint32_t src_len;

/* ---- generating the source ---- */
static uint32_t gseed;
static uint32_t gpos;
static void put(char c) { if (gpos < SRC_MAX) src[gpos++] = c; }
static void put_str(const char *s) { while (*s) put(*s++); }
static void put_num(uint32_t v) {
  char tmp[12];
  int k = 0;
  do { tmp[k++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (k) put(tmp[--k]);
}
static const char *const names[] = {"alpha", "beta", "gamma", "delta", "x", "y", "z",
                                    "counter", "total", "tmp1", "tmp2", "acc"};
static void gen_expr(int depth) {
  uint32_t r = bench_rand(&gseed);
  if (depth > 5 || r % 4 == 0) {
    if (r & 16) put_num(r >> 20);
    else put_str(names[(r >> 8) % 12]);
    return;
  }
  if (r % 7 == 1) {
    put_str("-(");
    gen_expr(depth + 1);
    put(')');
    return;
  }
  static const char *const ops[] = {" + ", " - ", " * ", " / ", " % ", " & ", " | ", " ^ ",
                                    " << ", " >> ", "+", "*"};
  int paren = (r >> 4) & 1;
  if (paren) put('(');
  gen_expr(depth + 1);
  put_str(ops[(r >> 12) % 12]);
  gen_expr(depth + 1);
  if (paren) put(')');
}
static void generate(void) {
  gseed = 0xC0FFEEu;
  gpos = 0;
  while (gpos < SRC_MAX - 512) {
    put_str(names[bench_rand(&gseed) % 12]);
    put_str(" = ");
    gen_expr(0);
    put_str(";\n");
  }
  src_len = gpos;
  src[gpos] = 0;
}

/* ---- tokenizer ---- */
enum { T_END, T_NUM, T_NAME, T_OP, T_LP, T_RP, T_ASSIGN, T_SEMI, T_ERR };
typedef struct { uint8_t kind; char op; uint32_t value; } token; /* value: number or symbol */

#define SYMS 64
static struct { uint32_t hash, len; const char *name; uint32_t value; } symtab[SYMS];

static uint32_t intern(const char *s, uint32_t len) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
  uint32_t i = h & (SYMS - 1);
  for (;;) {
    if (symtab[i].name == NULL) {
      symtab[i].hash = h;
      symtab[i].len = len;
      symtab[i].name = s;
      symtab[i].value = h >> 7;
      return i;
    }
    if (symtab[i].hash == h && symtab[i].len == len && memcmp(symtab[i].name, s, len) == 0)
      return i;
    i = (i + 1) & (SYMS - 1);
  }
}

static const char *pos;
static token tok;

static void next(void) {
  while (*pos == ' ' || *pos == '\n' || *pos == '\t') pos++;
  char c = *pos;
  if (c == 0) { tok.kind = T_END; return; }
  if (c >= '0' && c <= '9') {
    uint32_t v = 0;
    while (*pos >= '0' && *pos <= '9') v = v * 10 + (uint32_t)(*pos++ - '0');
    tok.kind = T_NUM;
    tok.value = v;
    return;
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
    const char *s = pos;
    while ((*pos >= 'a' && *pos <= 'z') || (*pos >= 'A' && *pos <= 'Z') || *pos == '_' ||
           (*pos >= '0' && *pos <= '9'))
      pos++;
    tok.kind = T_NAME;
    tok.value = intern(s, (uint32_t)(pos - s));
    return;
  }
  pos++;
  switch (c) {
    case '(': tok.kind = T_LP; return;
    case ')': tok.kind = T_RP; return;
    case ';': tok.kind = T_SEMI; return;
    case '=': tok.kind = T_ASSIGN; return;
    case '<': case '>':
      if (*pos != c) { tok.kind = T_ERR; return; }
      pos++;
      /* fall through */
    case '+': case '-': case '*': case '/': case '%': case '&': case '|': case '^':
      tok.kind = T_OP;
      tok.op = c;
      return;
    default: tok.kind = T_ERR; return;
  }
}

/* ---- parser and evaluator: precedence climbing over the C levels ---- */
static int errors;
static uint32_t parse_expr(int min_prec);

static int prec(char op) {
  switch (op) {
    case '|': return 1;
    case '^': return 2;
    case '&': return 3;
    case '<': case '>': return 4;
    case '+': case '-': return 5;
    default: return 6; /* * / % */
  }
}

static uint32_t parse_primary(void) {
  uint32_t v;
  if (tok.kind == T_NUM) { v = tok.value; next(); return v; }
  if (tok.kind == T_NAME) { v = symtab[tok.value].value; next(); return v; }
  if (tok.kind == T_OP && tok.op == '-') { next(); return 0u - parse_primary(); }
  if (tok.kind == T_LP) {
    next();
    v = parse_expr(1);
    if (tok.kind != T_RP) errors++;
    next();
    return v;
  }
  errors++;
  next();
  return 0;
}

static uint32_t apply(char op, uint32_t a, uint32_t b) {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b ? a / b : 0;
    case '%': return b ? a % b : a;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<': return a << (b & 31);
    default: return a >> (b & 31);
  }
}

static uint32_t parse_expr(int min_prec) {
  uint32_t lhs = parse_primary();
  while (tok.kind == T_OP && prec(tok.op) >= min_prec) {
    char op = tok.op;
    int p = prec(op);
    next();
    uint32_t rhs = parse_expr(p + 1);
    lhs = apply(op, lhs, rhs);
  }
  return lhs;
}

static uint32_t run_program(void) {
  uint32_t statements = 0, h = 0;
  pos = src;
  next();
  while (tok.kind != T_END) {
    if (tok.kind != T_NAME) { errors++; break; }
    uint32_t target = tok.value;
    next();
    if (tok.kind != T_ASSIGN) { errors++; break; }
    next();
    uint32_t v = parse_expr(1);
    symtab[target].value = v;
    h = bench_mix(h, v);
    if (tok.kind != T_SEMI) { errors++; break; }
    next();
    statements++;
  }
  return bench_mix(h, statements);
}

BENCH_ENTRY(n) {
  uint32_t sum = 0;
  generate();
  for (uint32_t r = 0; r < n; r++) {
    sum = bench_mix(sum, run_program());
    src[(r * 7919) % src_len] = src[(r * 7919) % src_len] == '+' ? '-' : src[(r * 7919) % src_len];
  }
  return bench_mix(sum, (uint32_t)errors);
}

BENCH_MAIN("parse", 400, 0x2238b052u, 16, 0x70901465u)
