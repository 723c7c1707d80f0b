/* test_wasi_fs_b.h: second half of test_wasi_fs.c (directories, readdir,
 * renames, links, the descriptor table, rights, bad pointers). */

/* Read a whole directory as wasi-libc does, with a buffer of bufsize bytes:
 * names joined by '|' in the order given, sorted by the caller's check. */
static int readdir_all(uint32_t fd, uint32_t bufsize, char *names, int *count) {
  uint64_t cookie = 0;
  *count = 0;
  names[0] = 0;
  for (;;) {
    uint32_t used, at = 0, e = w2c_wasi_fd_readdir(&W, &MEM, fd, BIG_AT, bufsize, cookie, OUT_AT);
    int complete = 0;
    if (e) return (int)e;
    used = LD32(OUT_AT);
    while (at + 24 <= used) {
      uint32_t namlen = LD32(BIG_AT + at + 16);
      if (at + 24 + namlen > used) break;
      EQ(LD64(BIG_AT + at), cookie + 1); /* d_next */
      EQ(LD8(BIG_AT + at + 21) | LD16(BIG_AT + at + 22), 0); /* padding */
      strcat(names, "|");
      strncat(names, (const char *)MEM.data + BIG_AT + at + 24, namlen);
      cookie = LD64(BIG_AT + at);
      (*count)++;
      complete++;
      at += 24 + namlen;
    }
    if (used < bufsize) return 0;
    if (!complete) return -1; /* buffer too small for one entry */
  }
}

static void test_dirs(void) {
  uint32_t fd;
  char names[512];
  int n;
  OK(w2c_wasi_path_create_directory(&W, &MEM, 3, P("sub")));
  EQ(w2c_wasi_path_create_directory(&W, &MEM, 3, P("sub")), W2C_WASI_EEXIST);
  EQ(w2c_wasi_path_create_directory(&W, &MEM, 3, P("f")), W2C_WASI_EEXIST);
  EQ(w2c_wasi_path_create_directory(&W, &MEM, 3, P(".")), W2C_WASI_EEXIST);
  EQ(w2c_wasi_path_create_directory(&W, &MEM, 3, P("missing/x")), W2C_WASI_ENOENT);
  OK(w2c_wasi_path_create_directory(&W, &MEM, 3, P("sub/x/")));
  OK(w2c_wasi_path_create_directory(&W, &MEM, 3, P("ld/viasym")));
  TRUE(exists("sandbox/d/viasym"));
  OK(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("ld/viasym")));
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("sub"), OUT_AT));
  EQ(LD8(OUT_AT + 16), FT_DIR);
  write_file("sandbox/sub/alpha", "1");
  write_file("sandbox/sub/beta", "22");
  if (symlink("alpha", "sandbox/sub/gamma")) abort();
  OK(open_(3, "sub", 0, W2C_WASI_O_DIRECTORY, RIGHTS_RO, RIGHTS_ALL, 0, &fd));
  OK(readdir_all(fd, 4096, names, &n));
  EQ(n, 6);
  TRUE(strncmp(names, "|.|..|", 6) == 0); /* "." and ".." first */
  TRUE(strstr(names, "|alpha") && strstr(names, "|beta") && strstr(names, "|gamma") &&
       strstr(names, "|x"));
  /* small buffers: every entry still comes exactly once */
  OK(readdir_all(fd, 40, names, &n));
  EQ(n, 6);
  TRUE(strstr(names, "|alpha") && strstr(names, "|beta") && strstr(names, "|gamma"));
  /* one entry's fields; cookies past the end; the file types */
  OK(w2c_wasi_fd_readdir(&W, &MEM, fd, BIG_AT, 4096, 2, OUT_AT));
  {
    uint32_t used = LD32(OUT_AT), at = 0, seen = 0;
    while (at < used) {
      uint32_t namlen = LD32(BIG_AT + at + 16);
      const char *name = (const char *)MEM.data + BIG_AT + at + 24;
      uint8_t type = (uint8_t)LD8(BIG_AT + at + 20);
      struct stat st;
      char host[64] = "sandbox/sub/";
      strncat(host, name, namlen);
      if (lstat(host, &st) == 0) EQ(LD64(BIG_AT + at + 8), st.st_ino);
      if (namlen == 5 && !memcmp(name, "alpha", 5)) { EQ(type, FT_REG); seen |= 1; }
      if (namlen == 5 && !memcmp(name, "gamma", 5)) { EQ(type, FT_LNK); seen |= 2; }
      if (namlen == 1 && name[0] == 'x') { EQ(type, FT_DIR); seen |= 4; }
      at += 24 + namlen;
    }
    EQ(seen, 7);
  }
  OK(w2c_wasi_fd_readdir(&W, &MEM, fd, BIG_AT, 4096, 99, OUT_AT));
  EQ(LD32(OUT_AT), 0);
  OK(w2c_wasi_fd_readdir(&W, &MEM, fd, BIG_AT, 0, 0, OUT_AT));
  EQ(LD32(OUT_AT), 0);
  OK(w2c_wasi_fd_readdir(&W, &MEM, fd, BIG_AT, 30, 0, OUT_AT)); /* "." then 5 bytes of ".." */
  EQ(LD32(OUT_AT), 30);
  EQ(LD64(BIG_AT), 1);
  EQ(LD32(BIG_AT + 16), 1);
  EQ(LD8(BIG_AT + 20), FT_DIR);
  EQ(LD8(BIG_AT + 24), '.');
  EQ(LD64(BIG_AT + 25), 2); /* the cut entry's d_next */
  /* the listing follows changes (cookie 0 rewinds) */
  write_file("sandbox/sub/delta", "");
  OK(readdir_all(fd, 4096, names, &n));
  EQ(n, 7);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(readdir_all(3, 100, names, &n)); /* the preopen can be listed too */
  TRUE(strstr(names, "|sub|") || strstr(names, "|sub") == names + strlen(names) - 4);
  EQ(w2c_wasi_fd_readdir(&W, &MEM, 0, BIG_AT, 100, 0, OUT_AT), W2C_WASI_EBADF); /* not a dir */
  /* removing */
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("sub")), W2C_WASI_ENOTEMPTY);
  /* "." or ".." last: EBUSY (Linux, wasmtime) */
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("f"), 3, P2("sub/..")), W2C_WASI_EBUSY);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("sub/."), 3, P2("zz")), W2C_WASI_EBUSY);
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("f")), W2C_WASI_ENOTDIR);
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("ld")), W2C_WASI_ENOTDIR); /* a symlink */
  /* a trailing slash: a symlink EINVAL, "f/" ENOTDIR, "missing/" ENOENT */
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("ld/")), W2C_WASI_EINVAL);
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("f/")), W2C_WASI_ENOTDIR);
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("missing/")), W2C_WASI_ENOENT);
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("missing")), W2C_WASI_ENOENT);
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("sub/x/.")), W2C_WASI_EINVAL);
  OK(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("sub/x/"))); /* rmdir(2), wasmtime 51 */
  TRUE(!exists("sandbox/sub/x"));
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("sub")), W2C_WASI_EISDIR);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("sub/")), W2C_WASI_EISDIR);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("ld/")), W2C_WASI_EISDIR);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("f/")), W2C_WASI_ENOTDIR);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("nonexist2")), W2C_WASI_ENOENT);
  OK(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("sub/gamma"))); /* the link, not alpha */
  TRUE(exists("sandbox/sub/alpha") && !exists("sandbox/sub/gamma"));
  OK(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("sub/alpha")));
  OK(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("sub/beta")));
  OK(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("sub/delta")));
  OK(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("sub")));
  TRUE(!exists("sandbox/sub"));
}

static void test_links(void) {
  uint32_t fd;
  char buf[64];
  /* rename */
  write_file("sandbox/r1", "one");
  write_file("sandbox/r2", "two");
  OK(w2c_wasi_path_rename(&W, &MEM, 3, P("r1"), 3, P2("r3")));
  TRUE(!exists("sandbox/r1") && exists("sandbox/r3"));
  OK(w2c_wasi_path_rename(&W, &MEM, 3, P("r3"), 3, P2("r2"))); /* replaces */
  OK(openr("r2", 0, &fd));
  OK(rd(fd, 10, buf));
  STREQ(buf, "one");
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(w2c_wasi_path_rename(&W, &MEM, 3, P("r2"), 3, P2("d/r2"))); /* across directories */
  OK(openr("d", 0, &fd));
  OK(w2c_wasi_path_rename(&W, &MEM, fd, P("r2"), 3, P2("r4"))); /* across descriptors */
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  TRUE(exists("sandbox/r4"));
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("r4"), 3, P2("r5/")), W2C_WASI_ENOTDIR);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("r4/"), 3, P2("r5")), W2C_WASI_ENOTDIR);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("missing"), 3, P2("r5")), W2C_WASI_ENOENT);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("r4"), 3, P2("d")), W2C_WASI_EISDIR);
  OK(w2c_wasi_path_create_directory(&W, &MEM, 3, P("dir1")));
  OK(w2c_wasi_path_rename(&W, &MEM, 3, P("dir1"), 3, P2("dir2/")));
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("dir2"), 3, P2("d")), W2C_WASI_ENOTEMPTY);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("dir2"), 3, P2("dir2/sub")), W2C_WASI_EINVAL);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("dir2"), 3, P2("r4")), W2C_WASI_ENOTDIR);
  OK(w2c_wasi_path_rename(&W, &MEM, 3, P("ld"), 3, P2("ld2"))); /* the symlink itself */
  TRUE(exists("sandbox/d") && exists("sandbox/ld2"));
  OK(w2c_wasi_path_rename(&W, &MEM, 3, P("ld2"), 3, P2("ld")));
  /* symlinks */
  OK(w2c_wasi_path_symlink(&W, &MEM, P("r4"), 3, P2("s4")));
  EQ(w2c_wasi_path_symlink(&W, &MEM, P("r4"), 3, P2("s4")), W2C_WASI_EEXIST);
  EQ(w2c_wasi_path_symlink(&W, &MEM, P("r4"), 3, P2("s5/")), W2C_WASI_ENOENT);
  EQ(w2c_wasi_path_symlink(&W, &MEM, P(""), 3, P2("s5")), W2C_WASI_ENOENT);
  OK(w2c_wasi_path_readlink(&W, &MEM, 3, P("s4"), DATA_AT, 100, OUT_AT));
  EQ(LD32(OUT_AT), 2);
  TRUE(memcmp(MEM.data + DATA_AT, "r4", 2) == 0);
  OK(w2c_wasi_path_readlink(&W, &MEM, 3, P("dangle"), DATA_AT, 3, OUT_AT)); /* truncated */
  EQ(LD32(OUT_AT), 3);
  TRUE(memcmp(MEM.data + DATA_AT, "non", 3) == 0);
  OK(w2c_wasi_path_readlink(&W, &MEM, 3, P("s4"), DATA_AT, 0, OUT_AT));
  EQ(LD32(OUT_AT), 0);
  EQ(w2c_wasi_path_readlink(&W, &MEM, 3, P("f"), DATA_AT, 100, OUT_AT), W2C_WASI_EINVAL);
  EQ(w2c_wasi_path_readlink(&W, &MEM, 3, P("ld/"), DATA_AT, 100, OUT_AT), W2C_WASI_EINVAL);
  OK(openr("s4", FOLLOW, &fd));
  OK(rd(fd, 10, buf));
  STREQ(buf, "one");
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* hard links */
  OK(w2c_wasi_path_link(&W, &MEM, 3, 0, P("r4"), 3, P2("h1")));
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("h1"), OUT_AT));
  EQ(LD64(OUT_AT + 24), 2);
  EQ(w2c_wasi_path_link(&W, &MEM, 3, 0, P("r4"), 3, P2("h1")), W2C_WASI_EEXIST);
  EQ(w2c_wasi_path_link(&W, &MEM, 3, 0, P("d"), 3, P2("h2")), W2C_WASI_EPERM);
  EQ(w2c_wasi_path_link(&W, &MEM, 3, 0, P("r4"), 3, P2("h2/")), W2C_WASI_ENOENT);
  OK(w2c_wasi_path_link(&W, &MEM, 3, 0, P("s4"), 3, P2("h3"))); /* the symlink itself */
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("h3"), OUT_AT));
  EQ(LD8(OUT_AT + 16), FT_LNK);
  /* symlink_follow: EINVAL, nothing linked (as wasmtime) */
  EQ(w2c_wasi_path_link(&W, &MEM, 3, FOLLOW, P("s4"), 3, P2("h4")), W2C_WASI_EINVAL);
  EQ(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("h4"), OUT_AT), W2C_WASI_ENOENT);
  EQ(w2c_wasi_path_link(&W, &MEM, 3, 2, P("r4"), 3, P2("h4")), W2C_WASI_EINVAL);
  EQ(w2c_wasi_path_filestat_get(&W, &MEM, 3, 2, P("r4"), OUT_AT), W2C_WASI_EINVAL);
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, FOLLOW, P("s4"), OUT_AT));
  EQ(LD8(OUT_AT + 16), FT_REG);
  EQ(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("f/"), OUT_AT), W2C_WASI_ENOTDIR);
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("ld/"), OUT_AT));
  EQ(LD8(OUT_AT + 16), FT_DIR);
  EQ(w2c_wasi_path_filestat_get(&W, &MEM, 3, FOLLOW, P("loop1"), OUT_AT), W2C_WASI_ELOOP);
}

static void test_table(void) {
  uint32_t a, b, c;
  char buf[64];
  /* preopen */
  memset(MEM.data + OUT_AT, 0xAA, 8);
  OK(w2c_wasi_fd_prestat_get(&W, &MEM, 3, OUT_AT));
  EQ(LD32(OUT_AT), 0); /* tag dir + zeroed padding */
  EQ(LD32(OUT_AT + 4), 8);
  memset(MEM.data + DATA_AT, 0, 16);
  OK(w2c_wasi_fd_prestat_dir_name(&W, &MEM, 3, DATA_AT, 8));
  STREQ((const char *)MEM.data + DATA_AT, "/sandbox"); /* no NUL written */
  EQ(w2c_wasi_fd_prestat_dir_name(&W, &MEM, 3, DATA_AT, 7), W2C_WASI_ENAMETOOLONG);
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 4, OUT_AT), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 0, OUT_AT), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_prestat_dir_name(&W, &MEM, 1, DATA_AT, 8), W2C_WASI_ENOTDIR);
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 0xFFFFFFFFu, OUT_AT), W2C_WASI_EBADF);
  /* numbers: the lowest free one */
  write_file("sandbox/ta", "AAA");
  write_file("sandbox/tb", "BBB");
  OK(openr("ta", 0, &a));
  OK(openr("tb", 0, &b));
  EQ(a, 4);
  EQ(b, 5);
  OK(w2c_wasi_fd_close(&W, &MEM, a));
  EQ(w2c_wasi_fd_close(&W, &MEM, a), W2C_WASI_EBADF);
  OK(openr("ta", 0, &c));
  EQ(c, 4);
  /* renumber: c (ta) takes b's number, b's file is closed */
  OK(w2c_wasi_fd_renumber(&W, &MEM, c, b));
  EQ(w2c_wasi_fd_fdstat_get(&W, &MEM, c, OUT_AT), W2C_WASI_EBADF);
  OK(rd(b, 10, buf));
  STREQ(buf, "AAA");
  EQ(w2c_wasi_fd_renumber(&W, &MEM, b, 77), W2C_WASI_EBADF); /* target not open */
  EQ(w2c_wasi_fd_renumber(&W, &MEM, 77, b), W2C_WASI_EBADF);
  OK(w2c_wasi_fd_renumber(&W, &MEM, b, b));
  OK(rd(b, 10, buf)); /* still open */
  /* renumber keeps the preopen with the descriptor */
  OK(openr("d", 0, &a));
  EQ(a, 4);
  OK(w2c_wasi_fd_renumber(&W, &MEM, 3, a));
  OK(w2c_wasi_fd_prestat_get(&W, &MEM, 4, OUT_AT));
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 3, OUT_AT), W2C_WASI_EBADF);
  OK(open_(4, "ta", 0, 0, RIGHTS_RO, 0, 0, &c));
  EQ(c, 3);
  OK(w2c_wasi_fd_renumber(&W, &MEM, 4, 3)); /* back to 3 (closing ta) */
  OK(w2c_wasi_fd_prestat_get(&W, &MEM, 3, OUT_AT));
  OK(w2c_wasi_fd_close(&W, &MEM, b));
  /* stdio can be closed (the host's stays open) and the number reused */
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, 0, OUT_AT));
  OK(w2c_wasi_fd_close(&W, &MEM, 0));
  TRUE(fcntl(0, F_GETFD) >= 0);
  OK(openr("ta", 0, &a));
  EQ(a, 0);
  OK(w2c_wasi_fd_close(&W, &MEM, a));
#if W2C_WASI_MAX_FDS < 64
  { /* the table's limit */
    uint32_t i, e = 0, fds[64];
    for (i = 0; i < 64 && !(e = openr("ta", 0, &fds[i])); i++) {}
    EQ(e, W2C_WASI_EMFILE);
    EQ(i, W2C_WASI_MAX_FDS - 3);
    while (i--) OK(w2c_wasi_fd_close(&W, &MEM, fds[i]));
  }
#endif
}

static void test_rights(void) {
  uint32_t fd, dfd;
  char buf[64];
  const uint64_t file_ro = W2C_WASI_RIGHTS_FILE & ~(W2C_WASI_RIGHT_FD_WRITE |
      W2C_WASI_RIGHT_FD_ALLOCATE | W2C_WASI_RIGHT_FD_FILESTAT_SET_SIZE);
  /* asked for read only: opened read-only (write is EBADF), with every right
   * a read-only file has (the rights asked for only choose the access mode,
   * as wasmtime) */
  OK(open_(3, "f", 0, 0, W2C_WASI_RIGHT_FD_READ, 0, 0, &fd));
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT + 8), file_ro);
  EQ(LD64(OUT_AT + 16), 0);
  EQ(wr(fd, "x"), W2C_WASI_EBADF);
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_SET, OUT_AT));
  OK(w2c_wasi_fd_tell(&W, &MEM, fd, OUT_AT));
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
  OK(rd(fd, 10, buf));
  /* rights only drop, and a dropped one is ENOTCAPABLE */
  EQ(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, fd, file_ro | W2C_WASI_RIGHT_FD_WRITE, 0),
     W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, fd, W2C_WASI_RIGHT_FD_READ, 1), W2C_WASI_ENOTCAPABLE);
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, fd, W2C_WASI_RIGHT_FD_READ, 0));
  EQ(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_SET, OUT_AT), W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT), W2C_WASI_ENOTCAPABLE);
  EQ(wr(fd, "x"), W2C_WASI_EBADF); /* never possible: still EBADF */
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, fd, 0, 0));
  EQ(rd(fd, 10, buf), W2C_WASI_ENOTCAPABLE);
  OK(w2c_wasi_fd_close(&W, &MEM, fd)); /* closing needs no right */
  /* seek(0, cur) needs only fd_tell */
  OK(open_(3, "f", 0, 0, W2C_WASI_RIGHT_FD_TELL, 0, 0, &fd));
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, fd, W2C_WASI_RIGHT_FD_TELL, 0));
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_CUR, OUT_AT));
  EQ(w2c_wasi_fd_seek(&W, &MEM, fd, 1, W2C_WASI_WHENCE_CUR, OUT_AT), W2C_WASI_ENOTCAPABLE);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* a directory: its rights and inheriting rights come from its parent's
   * inheriting rights, whatever was asked for */
  OK(open_(3, "d", 0, W2C_WASI_O_DIRECTORY, W2C_WASI_RIGHT_FD_READDIR, 0, 0, &dfd));
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, dfd, OUT_AT));
  EQ(LD64(OUT_AT + 8), W2C_WASI_RIGHTS_DIR);
  EQ(LD64(OUT_AT + 16), W2C_WASI_RIGHTS_DIR | W2C_WASI_RIGHTS_FILE);
  /* inheriting rights dropped from a directory bound what is opened through it */
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, dfd,
                                   W2C_WASI_RIGHT_PATH_OPEN | W2C_WASI_RIGHT_FD_READDIR,
                                   W2C_WASI_RIGHT_FD_READ | W2C_WASI_RIGHT_FD_WRITE));
  OK(open_(dfd, "inner", 0, 0, RIGHTS_ALL, RIGHTS_ALL, 0, &fd));
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT + 8), W2C_WASI_RIGHT_FD_READ | W2C_WASI_RIGHT_FD_WRITE);
  OK(wr(fd, "IN"));
  EQ(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_SET, OUT_AT), W2C_WASI_ENOTCAPABLE);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  EQ(open_(dfd, "new", 0, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, 0, &fd), W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_path_create_directory(&W, &MEM, dfd, P("x")), W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, dfd, P("inner")), W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_read(&W, &MEM, dfd, IOV_AT, 0, OUT_AT), W2C_WASI_EBADF); /* a directory */
  EQ(w2c_wasi_fd_seek(&W, &MEM, dfd, 0, 0, OUT_AT), W2C_WASI_EBADF);
  EQ(wr(dfd, "x"), W2C_WASI_EBADF);
  OK(w2c_wasi_fd_close(&W, &MEM, dfd));
  /* a directory asked for writing: EISDIR (as wasmtime); with a directory's
   * own rights (fd_datasync among them): opened read-only */
  EQ(open_(3, "d", 0, W2C_WASI_O_DIRECTORY, W2C_WASI_RIGHT_FD_READ | W2C_WASI_RIGHT_FD_WRITE, 0,
           0, &dfd), W2C_WASI_EISDIR);
  OK(open_(3, "d", 0, 0, W2C_WASI_RIGHTS_DIR, W2C_WASI_RIGHTS_DIR | W2C_WASI_RIGHTS_FILE, 0,
           &dfd));
  OK(w2c_wasi_fd_datasync(&W, &MEM, dfd));
  OK(w2c_wasi_fd_close(&W, &MEM, dfd));
  /* path operations on a file descriptor */
  OK(openr("f", 0, &fd));
  EQ(open_(fd, "x", 0, 0, RIGHTS_RO, 0, 0, &dfd), W2C_WASI_ENOTDIR);
  EQ(w2c_wasi_path_create_directory(&W, &MEM, fd, P("x")), W2C_WASI_ENOTDIR);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* a preopen without some rights */
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, 3, OUT_AT));
  EQ(LD8(OUT_AT), FT_DIR);
  EQ(LD64(OUT_AT + 8), W2C_WASI_RIGHTS_DIR);
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 3,
                                   W2C_WASI_RIGHTS_DIR & ~(W2C_WASI_RIGHT_PATH_CREATE_FILE |
                                                           W2C_WASI_RIGHT_PATH_SYMLINK),
                                   W2C_WASI_RIGHTS_DIR | W2C_WASI_RIGHTS_FILE));
  EQ(open_(3, "nf", 0, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, 0, &fd), W2C_WASI_ENOTCAPABLE);
  OK(openr("f", 0, &fd)); /* opening without creating still works */
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  EQ(w2c_wasi_path_symlink(&W, &MEM, P("f"), 3, P2("nsl")), W2C_WASI_ENOTCAPABLE);
  TRUE(!exists("sandbox/nf") && !exists("sandbox/nsl"));
}

static void test_faults(void) {
  uint32_t fd;
  struct stat st;
  OK(open_(3, "ff", 0, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, 0, &fd));
  iov(0, MEM_SIZE - 2, 4); /* buffer runs past the end */
  EQ(w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 1, OUT_AT), W2C_WASI_EFAULT);
  iov(0, 0xFFFFFFFFu, 2); /* wraps around in 32 bits */
  EQ(w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 1, OUT_AT), W2C_WASI_EFAULT);
  iov(0, DATA_AT, 4); /* a good iovec, then a bad one: nothing is written */
  iov(1, MEM_SIZE, 1);
  EQ(w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 2, OUT_AT), W2C_WASI_EFAULT);
  iov(1, MEM_SIZE, 0); /* empty at the very end is fine */
  iov(0, DATA_AT, 4);
  EQ(w2c_wasi_fd_write(&W, &MEM, fd, MEM_SIZE - 4, 1, OUT_AT), W2C_WASI_EFAULT); /* the array */
  EQ(w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 0xFFFFFFFFu, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 1, MEM_SIZE - 3), W2C_WASI_EFAULT); /* the count */
  TRUE(fd < W.nfds && fstat(W.fds[fd].host, &st) == 0 && st.st_size == 0);
  OK(w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 2, MEM_SIZE - 4));
  EQ(LD32(MEM_SIZE - 4), 4);
  EQ(w2c_wasi_fd_read(&W, &MEM, fd, IOV_AT, 1, 0xFFFFFFFEu), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_pread(&W, &MEM, fd, MEM_SIZE, 1, 0, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_pwrite(&W, &MEM, fd, IOV_AT, 1, 0, MEM_SIZE), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_seek(&W, &MEM, fd, 0, 0, MEM_SIZE - 7), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_tell(&W, &MEM, fd, MEM_SIZE - 7), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, MEM_SIZE - 23), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_filestat_get(&W, &MEM, fd, MEM_SIZE - 63), W2C_WASI_EFAULT);
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, MEM_SIZE - 64));
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 3, MEM_SIZE - 7), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_prestat_dir_name(&W, &MEM, 3, MEM_SIZE - 7, 100), W2C_WASI_EFAULT);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  EQ(w2c_wasi_fd_readdir(&W, &MEM, 3, MEM_SIZE - 10, 11, 0, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_readdir(&W, &MEM, 3, BIG_AT, 100, 0, MEM_SIZE), W2C_WASI_EFAULT);
  /* paths and path results */
  EQ(w2c_wasi_path_open(&W, &MEM, 3, 0, MEM_SIZE - 1, 2, 0, RIGHTS_RO, 0, 0, OUT_AT),
     W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_open(&W, &MEM, 3, 0, 0xFFFFFFFFu, 0xFFFFFFFFu, 0, RIGHTS_RO, 0, 0, OUT_AT),
     W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_open(&W, &MEM, 3, 0, P("ff"), 0, RIGHTS_RO, 0, 0, MEM_SIZE - 3), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("ff"), MEM_SIZE - 63), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_create_directory(&W, &MEM, 3, MEM_SIZE, 1), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_symlink(&W, &MEM, MEM_SIZE, 1, 3, P2("x")), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("ff"), 3, MEM_SIZE, 1), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_link(&W, &MEM, 3, 0, P("ff"), 3, MEM_SIZE, 1), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_readlink(&W, &MEM, 3, P("lf"), MEM_SIZE - 2, 3, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_readlink(&W, &MEM, 3, P("lf"), DATA_AT, 3, MEM_SIZE - 1), W2C_WASI_EFAULT);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, 0xFFFFFFF0u, 0x20), W2C_WASI_EFAULT);
  TRUE(exists("sandbox/ff") && !exists("sandbox/x"));
  /* a memory of size 0 (data NULL): any non-empty range is a fault */
  {
    w2c_memory empty;
    memset(&empty, 0, sizeof empty);
    EQ(w2c_wasi_fd_write(&W, &empty, 1, 0, 1, 0), W2C_WASI_EFAULT);
    EQ(w2c_wasi_fd_fdstat_get(&W, &empty, 1, 0), W2C_WASI_EFAULT);
    EQ(w2c_wasi_path_open(&W, &empty, 3, 0, 0, 0, 0, RIGHTS_RO, 0, 0, 0), W2C_WASI_EFAULT);
  }
}
