/* Small helpers: tokens, hex, the raw bpf() syscall, files, time. */
#include "oracle.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int split(char *line, char **tok, int max) {
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " \n", &save); t && n < max; t = strtok_r(NULL, " \n", &save)) tok[n++] = t;
  return n;
}

static int nib(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int hex_decode(const char *hex, unsigned char *out, size_t max) {
  if (strcmp(hex, "-") == 0) return 0;
  size_t len = strlen(hex);
  if (len % 2 || len / 2 > max) return -1;
  for (size_t i = 0; i < len / 2; i++) {
    int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (unsigned char)(hi << 4 | lo);
  }
  return (int)(len / 2);
}

void hex_append(char **p, const unsigned char *in, size_t n) {
  static const char d[] = "0123456789abcdef";
  *(*p)++ = ' ';
  if (n == 0) *(*p)++ = '-';
  for (size_t i = 0; i < n; i++) {
    *(*p)++ = d[in[i] >> 4];
    *(*p)++ = d[in[i] & 15];
  }
  **p = 0;
}

long sys_bpf(int cmd, void *attr, unsigned size) {
  long r = syscall(__NR_bpf, cmd, attr, size);
  return r < 0 ? -errno : r;
}

int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t w = write(fd, text, strlen(text));
  int err = w < 0 ? -errno : 0;
  close(fd);
  return err;
}

void die(const char *fmt, ...) {
  va_list ap;
  char msg[512];
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  printf("fatal %s\n", msg);
  fflush(stdout);
  fprintf(stderr, "bpf-oracle: %s\n", msg);
  _exit(1);
}

void fd_limit(unsigned soft) {
  struct rlimit r;
  getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_max < 8192) r.rlim_max = 8192;
  r.rlim_cur = soft;
  setrlimit(RLIMIT_NOFILE, &r);
}

int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
