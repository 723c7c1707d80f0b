/* Arguments and environment: argv (bytes shown escaped), environ in order,
 * getenv, and the raw sizes WASI reports (args_sizes_get, environ_sizes_get). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

extern char **environ;

static void esc(const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x20 && c < 0x7f && c != '\\') putchar(c);
    else printf("\\x%02x", c);
  }
}

int main(int argc, char **argv) {
  int i;
  size_t count = 0, size = 0, total = 0;
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("argc: %d\n", argc);
  for (i = 0; i < argc; i++) {
    printf("argv[%d]: [", i);
    esc(argv[i]);
    printf("] len=%zu\n", strlen(argv[i]));
    total += strlen(argv[i]) + 1;
  }
  printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
  printf("args_sizes_get: %d", __wasi_args_sizes_get(&count, &size));
  printf(" count=%zu size=%zu (sum of lengths + NULs: %zu)\n", count, size, total);

  count = 0;
  total = 0;
  for (i = 0; environ && environ[i]; i++) {
    printf("environ[%d]: [", i);
    esc(environ[i]);
    printf("]\n");
    count++;
    total += strlen(environ[i]) + 1;
  }
  printf("environ count: %zu\n", count);
  printf("environ_sizes_get: %d", __wasi_environ_sizes_get(&count, &size));
  printf(" count=%zu size=%zu (sum: %zu)\n", count, size, total);
  {
    static const char *names[] = {"FOO", "EMPTY", "WITH_EQ", "UNI", "PATH", "HOME", "MISSING",
                                  "W2C_WASI_DIR_0", "W2C_CACHE_DIR"};
    for (i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
      const char *v = getenv(names[i]);
      printf("getenv %s: ", names[i]);
      if (v) { putchar('['); esc(v); printf("]\n"); }
      else printf("(null)\n");
    }
  }
  printf("setenv NEW: %d\n", setenv("NEW", "value", 1));
  printf("getenv NEW: %s\n", getenv("NEW"));
  printf("unsetenv FOO: %d getenv FOO: %s\n", unsetenv("FOO"), getenv("FOO") ? "set" : "(null)");
  return 0;
}
