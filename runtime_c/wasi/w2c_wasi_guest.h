/* w2c_wasi_guest.h: what the POSIX shim (w2c_wasi_core.h, w2c_wasi_misc.h)
 * and the bare-metal one (w2c_wasi_bare.h) share beyond the spec's
 * constants: bounds-checked little-endian access to guest memory, and
 * args_* / environ_* (the same layout in both).  Needs ../w2c_rt.h and the
 * w2c_wasi type (fields argc, argv, argv_size, envc, envp, env_size);
 * included by those two, not by users.  Freestanding C99 (W2C_MEMCPY only). */
#ifndef W2C_WASI_GUEST_H
#define W2C_WASI_GUEST_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

/* ---- guest memory ------------------------------------------------------------ */
/* 1 if [ptr, ptr + len) lies inside the memory (no overflow: 64-bit sum). */
static inline int w2c_wasi_in_(const w2c_memory *mem, uint32_t ptr, uint64_t len) {
  return (uint64_t)ptr + len <= mem->size;
}
#define W2C_WASI_CHECK(mem, ptr, len) \
  do { if (!w2c_wasi_in_(mem, ptr, len)) return W2C_WASI_EFAULT; } while (0)
/* little-endian stores and loads at checked addresses */
static inline void w2c_wasi_st16_(w2c_memory *m, uint32_t p, uint32_t v) {
  uint16_t x = W2C_LE16((uint16_t)(v & 0xFFFFu));
  W2C_MEMCPY(m->data + p, &x, 2);
}
static inline void w2c_wasi_st32_(w2c_memory *m, uint32_t p, uint32_t v) {
  uint32_t x = W2C_LE32(v);
  W2C_MEMCPY(m->data + p, &x, 4);
}
static inline void w2c_wasi_st64_(w2c_memory *m, uint32_t p, uint64_t v) {
  uint64_t x = W2C_LE64(v);
  W2C_MEMCPY(m->data + p, &x, 8);
}
static inline uint32_t w2c_wasi_ld16_(const w2c_memory *m, uint64_t p) {
  uint16_t x;
  W2C_MEMCPY(&x, m->data + p, 2);
  return W2C_LE16(x);
}
static inline uint32_t w2c_wasi_ld32_(const w2c_memory *m, uint64_t p) {
  uint32_t x;
  W2C_MEMCPY(&x, m->data + p, 4);
  return W2C_LE32(x);
}
static inline uint64_t w2c_wasi_ld64_(const w2c_memory *m, uint64_t p) {
  uint64_t x;
  W2C_MEMCPY(&x, m->data + p, 8);
  return W2C_LE64(x);
}

/* ---- args and environ ---------------------------------------------------------
 * *_sizes_get: count u32, bytes of the strings with their NULs u32.
 * *_get(ptrs, buf): the strings one after the other in buf, NUL-terminated,
 * and count u32 pointers to them at ptrs. */
static inline uint32_t w2c_wasi_sizes_(w2c_memory *mem, uint32_t count, uint32_t size,
                                       uint32_t count_ptr, uint32_t size_ptr) {
  W2C_WASI_CHECK(mem, count_ptr, 4);
  W2C_WASI_CHECK(mem, size_ptr, 4);
  w2c_wasi_st32_(mem, count_ptr, count);
  w2c_wasi_st32_(mem, size_ptr, size);
  return 0;
}
static inline uint32_t w2c_wasi_vec_(w2c_memory *mem, const char *const *v, uint32_t count,
                                     uint32_t size, uint32_t ptrs, uint32_t buf) {
  uint32_t i, at = buf;
  W2C_WASI_CHECK(mem, ptrs, (uint64_t)count * 4);
  W2C_WASI_CHECK(mem, buf, size);
  for (i = 0; i < count; i++) {
    const char *s = v[i];
    w2c_wasi_st32_(mem, ptrs + i * 4, at);
    do mem->data[at++] = (uint8_t)*s; while (*s++);
  }
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_args_sizes_get(w2c_wasi *w, w2c_memory *mem, uint32_t argc_ptr,
                                             uint32_t argv_buf_size_ptr) {
  return w2c_wasi_sizes_(mem, w->argc, w->argv_size, argc_ptr, argv_buf_size_ptr);
}
W2C_WASI_FN uint32_t w2c_wasi_args_get(w2c_wasi *w, w2c_memory *mem, uint32_t argv,
                                       uint32_t argv_buf) {
  return w2c_wasi_vec_(mem, (const char *const *)w->argv, w->argc, w->argv_size, argv,
                       argv_buf);
}
W2C_WASI_FN uint32_t w2c_wasi_environ_sizes_get(w2c_wasi *w, w2c_memory *mem, uint32_t count_ptr,
                                                uint32_t buf_size_ptr) {
  return w2c_wasi_sizes_(mem, w->envc, w->env_size, count_ptr, buf_size_ptr);
}
W2C_WASI_FN uint32_t w2c_wasi_environ_get(w2c_wasi *w, w2c_memory *mem, uint32_t environ,
                                          uint32_t environ_buf) {
  return w2c_wasi_vec_(mem, (const char *const *)w->envp, w->envc, w->env_size, environ,
                       environ_buf);
}

#endif /* W2C_WASI_GUEST_H */
