/* A modelled process: executes the requests its supervisor sends on CHAN_FD, one at a
 * time, as real syscalls of this process. Its only other open fds are 0, 1, 2 (/dev/null)
 * and whatever its calls create, so the first fd a call gets is 3, as in the model. */
#include "oracle.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BUFS 16
#define MAX_RELOCS 64

/* bpf <cmd> <nbufs> { <len> <hex|-> <nrel> { <off> <buf> }* }*   (bpf <cmd> 0 <size>: NULL attr)
 * Buffer 0 is the attr (its length is the size passed to bpf()); a relocation writes the
 * address of buffer <buf> as a u64 at offset <off> of the buffer it follows. Replies
 * "ret <r>" and every buffer's bytes after the call, so out-parameters can be decoded. */
static void do_bpf(char **tok, int n, char *reply) {
  unsigned char *buf[MAX_BUFS] = {0};
  size_t len[MAX_BUFS] = {0};
  int nb = n > 2 ? atoi(tok[2]) : -1, t = 3;
  if (nb == 0) { /* an attr that is no object: a NULL pointer of the full size (EFAULT) */
    sprintf(reply, "ret %ld", sys_bpf(atoi(tok[1]), NULL, n > 3 ? (unsigned)atoi(tok[3]) : 0));
    return;
  }
  if (nb < 1 || nb > MAX_BUFS) { sprintf(reply, "error bad bpf request"); return; }
  struct { int from, off, to; } rel[MAX_RELOCS];
  int nrel = 0;
  for (int b = 0; b < nb; b++) {
    if (t + 3 > n) goto bad;
    len[b] = (size_t)atol(tok[t++]);
    buf[b] = calloc(1, len[b] + 8);
    if (!buf[b] || hex_decode(tok[t++], buf[b], len[b]) < 0) goto bad;
    int k = atoi(tok[t++]);
    for (int i = 0; i < k; i++) {
      if (t + 2 > n || nrel == MAX_RELOCS) goto bad;
      rel[nrel].from = b;
      rel[nrel].off = atoi(tok[t++]);
      rel[nrel].to = atoi(tok[t++]);
      nrel++;
    }
  }
  for (int i = 0; i < nrel; i++) {
    if (rel[i].to >= nb || rel[i].off < 0 || (size_t)rel[i].off + 8 > len[rel[i].from]) goto bad;
    uint64_t ptr = (uint64_t)(uintptr_t)buf[rel[i].to];
    memcpy(buf[rel[i].from] + rel[i].off, &ptr, 8);
  }
  long r = sys_bpf(atoi(tok[1]), buf[0], (unsigned)len[0]);
  for (int i = 0; i < nrel; i++) memset(buf[rel[i].from] + rel[i].off, 0, 8); /* no addresses out */
  char *p = reply + sprintf(reply, "ret %ld", r);
  for (int b = 0; b < nb; b++) hex_append(&p, buf[b], len[b]);
  for (int b = 0; b < nb; b++) free(buf[b]);
  return;
bad:
  for (int b = 0; b < nb; b++) free(buf[b]);
  sprintf(reply, "error bad bpf request");
}

/* A path argument: hex bytes, "-" for the empty string, "!" for a NULL pointer (a path
 * that is no string: the kernel's getname says EFAULT). Up to 64 KiB, so a path of
 * PATH_MAX bytes or more reaches the kernel and gets its ENAMETOOLONG. */
#define PATH_ARG_MAX 65536
static int path_arg(const char *hex, char *out, const char **ptr) {
  if (!strcmp(hex, "!")) { *ptr = NULL; return 0; }
  int l = hex_decode(hex, (unsigned char *)out, PATH_ARG_MAX - 1);
  if (l < 0) return -1;
  out[l] = 0;
  *ptr = out;
  return 0;
}

/* An fd argument as the C int the syscall takes (the caller sends -2^31 .. 2^32-1). */
static int fd_arg(const char *s) { return (int)(unsigned)strtoll(s, NULL, 10); }

/* sys <op> <args>: close/dup <fd>, open/mkdir/rmdir/unlink <hexpath>, rename <hex> <hex> */
static void do_sys(char **tok, int n, char *reply) {
  static char a[PATH_ARG_MAX], b[PATH_ARG_MAX];
  const char *pa = NULL, *pb = NULL;
  long r;
  if (n < 3) { sprintf(reply, "error bad sys request"); return; }
  const char *op = tok[1];
  if (!strcmp(op, "close")) r = close(fd_arg(tok[2]));
  else if (!strcmp(op, "dup")) r = dup(fd_arg(tok[2]));
  else {
    if (path_arg(tok[2], a, &pa) < 0 || (n > 3 && path_arg(tok[3], b, &pb) < 0)) { sprintf(reply, "error bad path"); return; }
    if (!strcmp(op, "open")) r = open(pa, O_RDONLY);
    else if (!strcmp(op, "mkdir")) r = mkdir(pa, 0755);
    else if (!strcmp(op, "rmdir")) r = rmdir(pa);
    else if (!strcmp(op, "unlink")) r = unlink(pa);
    else if (!strcmp(op, "rename") && n > 3) r = rename(pa, pb);
    else { sprintf(reply, "error unknown sys op"); return; }
  }
  sprintf(reply, "ret %ld", r < 0 ? -(long)errno : r);
}

/* fdkind <fd>: what /proc/self/fd/<fd> links to (anon_inode:bpf-prog, ...), or "-". */
static void do_fdkind(char **tok, int n, char *reply) {
  char path[64], target[4096];
  if (n < 2) { sprintf(reply, "error bad fdkind"); return; }
  snprintf(path, sizeof path, "/proc/self/fd/%d", atoi(tok[1]));
  ssize_t l = readlink(path, target, sizeof target - 1);
  char *p = reply + sprintf(reply, "kind");
  hex_append(&p, (unsigned char *)target, l > 0 ? (size_t)l : 0);
}

void exec_request(char *line, char *reply, int recv_fd) {
  static char *tok[MAX_TOK];
  (void)recv_fd;
  int n = split(line, tok, MAX_TOK);
  if (n == 0) sprintf(reply, "error empty request");
  else if (!strcmp(tok[0], "bpf")) do_bpf(tok, n, reply);
  else if (!strcmp(tok[0], "sys")) do_sys(tok, n, reply);
  else if (!strcmp(tok[0], "fdkind")) do_fdkind(tok, n, reply);
  else if (!strcmp(tok[0], "nl")) do_netlink(tok, n, reply);
  else sprintf(reply, "error unknown request %s", tok[0]);
}

/* Receives one message; a passed fd (only with "fork") is stored in *fd. */
static ssize_t recv_msg(char *buf, int *fd) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {buf, MSG_MAX - 1};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  fd_limit(8192); /* a passed fd must find a slot even when the process used all 1024 */
  ssize_t r = recvmsg(CHAN_FD, &mh, 0);
  fd_limit(NOFILE);
  *fd = -1;
  if (r <= 0) return r;
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  if (c && c->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(c), sizeof(int));
  buf[r] = 0;
  return r;
}

void worker_main(void) {
  char *buf = malloc(MSG_MAX), *reply = malloc(MSG_MAX);
  signal(SIGCHLD, SIG_IGN); /* children of modelled processes are reaped by the kernel */
  for (;;) {
    int fd;
    ssize_t r = recv_msg(buf, &fd);
    if (r <= 0) _exit(0); /* supervisor gone: end, so the run leaves nothing behind */
    if (!strncmp(buf, "exit", 4)) _exit(0);
    if (!strncmp(buf, "fork", 4)) {
      /* The new channel arrives at the lowest free fd (recvmsg: below the soft limit, which
       * is raised for it, see recv_msg); park it at CHAN_FD_SPARE so the fd
       * table the child inherits is exactly the parent's plus the channels. */
      fd_limit(8192);
      int parked = fd < 0 ? -1 : dup2(fd, CHAN_FD_SPARE);
      fd_limit(NOFILE);
      if (parked < 0) { if (fd >= 0) close(fd); sprintf(reply, "ret %d", -EBADF); goto send; }
      close(fd);
      pid_t pid = fork();
      if (pid == 0) {
        fd_limit(8192);
        dup2(CHAN_FD_SPARE, CHAN_FD);
        close(CHAN_FD_SPARE);
        fd_limit(NOFILE);
        continue; /* the child serves its own channel; the parent answers */
      }
      close(CHAN_FD_SPARE);
      sprintf(reply, pid < 0 ? "ret %d" : "ok %d", pid < 0 ? -errno : pid);
    } else {
      if (fd >= 0) close(fd);
      exec_request(buf, reply, -1);
    }
  send:
    if (send(CHAN_FD, reply, strlen(reply), MSG_NOSIGNAL) < 0) _exit(0);
  }
}
