/* bpf-oracle: runs one sequence of kernel calls on the real kernel, isolated.
 *
 *   bpf-oracle run     reads requests on stdin, one per line, answers one line each
 *   bpf-oracle check   prints "ok" or "no <why>" (root, bpf(), namespaces, cgroup2)
 *
 * Processes: the guard (this process, in the host's namespaces) makes a private cgroup2
 * directory, forks the supervisor and, when the supervisor ends for whatever reason,
 * kills every process left in that directory (cgroup.kill) and removes it. The supervisor
 * enters fresh mount + network namespaces, sets up lo/eth0/veth1, moves into the private
 * cgroup, enters a fresh cgroup namespace, mounts cgroup2 at /sys/fs/cgroup, a fresh
 * bpffs at /sys/fs/bpf and a private tmpfs at /tmp, holds BPF_ENABLE_STATS, and forks one real process per modelled
 * process (see worker.c). Everything the run made dies with its processes and namespaces.
 */
#include "oracle.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROCS 4096
static struct proc { pid_t pid; int chan, pidfd; } procs[MAX_PROCS];
static int nprocs;
static char cg_dir[4096]; /* the run's private cgroup, as the guard sees it */
static volatile pid_t supervisor_pid;
static void on_term(int sig) { (void)sig; if (supervisor_pid > 0) kill(supervisor_pid, SIGKILL); }

static struct proc *find_proc(pid_t pid) {
  for (int i = 0; i < nprocs; i++)
    if (procs[i].pid == pid && procs[i].chan >= 0) return &procs[i];
  return NULL;
}

static int add_proc(pid_t pid, int chan) {
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (nprocs == MAX_PROCS || pidfd < 0) return -1;
  procs[nprocs++] = (struct proc){pid, chan, pidfd};
  return 0;
}

static void reap(void) { while (waitpid(-1, NULL, WNOHANG) > 0) {} }

static int run_ip(const char *args) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "ip %s 1>&2", args);
  return system(cmd);
}

static void setup_namespaces(void) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0) die("unshare(mount, net): %s", strerror(errno));
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("make / private: %s", strerror(errno));
  /* No IPv6: its autoconfiguration would send packets on eth0/veth1 by itself. */
  write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
  write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  /* The cgroup triggers' traffic goes through a network namespace of its own, with only lo:
   * cgroup hooks follow the socket's cgroup whatever its namespace, and none of the run's
   * devices (lo with an XDP program, say) sees a packet the model's event does not send. */
  int run_net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (run_net < 0 || unshare(CLONE_NEWNET) < 0) die("unshare(net) for triggers: %s", strerror(errno));
  if (run_ip("link set lo up")) die("ip: could not set up lo for triggers");
  trigger_setup(); /* its sockets belong to the host cgroup, outside the run's */
  if (setns(run_net, CLONE_NEWNET) < 0) die("setns(run net): %s", strerror(errno));
  close(run_net);
  if (run_ip("link set lo up") || run_ip("link add eth0 index 2 type veth peer name veth1 index 3") ||
      run_ip("link set eth0 up") || run_ip("link set veth1 up"))
    die("ip: could not set up lo, eth0 (ifindex 2), veth1 (ifindex 3)");
  char path[4200], pid[32];
  snprintf(path, sizeof path, "%s/cgroup.procs", cg_dir);
  snprintf(pid, sizeof pid, "%d\n", getpid());
  int err = write_file(path, pid);
  if (err) die("join %s: %s", path, strerror(-err));
  if (unshare(CLONE_NEWCGROUP) < 0) die("unshare(cgroup): %s", strerror(errno));
  if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) < 0) die("mount cgroup2: %s", strerror(errno));
  if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL) < 0) die("mount bpffs: %s", strerror(errno));
  /* The model's /tmp: a private tmpfs, so mkdir/rmdir/rename there never reach the host's.
   * (Paths anywhere else outside /sys/fs/bpf and /sys/fs/cgroup are never handed to a
   * mutating syscall: oracle/paths.ts marks such calls not comparable.) */
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=1777") < 0) die("mount tmpfs on /tmp: %s", strerror(errno));
  union bpf_attr a = {.enable_stats.type = BPF_STATS_RUN_TIME};
  if (sys_bpf(BPF_ENABLE_STATS, &a, sizeof a) < 0) die("BPF_ENABLE_STATS: %s", strerror(errno));
  /* the stats fd stays open (and so stats enabled) until the supervisor ends */
}

static pid_t spawn(const char *comm) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
  pid_t pid = fork();
  if (pid < 0) return -errno;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_NAME, comm);
    fd_limit(8192);
    if (dup2(sv[1], CHAN_FD) < 0) _exit(1);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
    syscall(SYS_close_range, 3, CHAN_FD - 1, 0);
    syscall(SYS_close_range, CHAN_FD + 1, ~0U, 0);
    signal(SIGPIPE, SIG_DFL);
    umask(022);
    fd_limit(NOFILE);
    if (chdir("/") < 0) _exit(1);
    worker_main();
  }
  close(sv[1]);
  if (add_proc(pid, sv[0]) < 0) return -EAGAIN;
  return pid;
}

static int roundtrip(struct proc *p, const char *msg, int pass_fd, char *reply) {
  char cbuf[CMSG_SPACE(sizeof(int))] = {0};
  struct iovec iov = {(void *)msg, strlen(msg)};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  if (pass_fd >= 0) {
    mh.msg_control = cbuf, mh.msg_controllen = sizeof cbuf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS, c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  if (sendmsg(p->chan, &mh, MSG_NOSIGNAL) < 0) return -1;
  ssize_t r = recv(p->chan, reply, MSG_MAX - 1, 0);
  if (r <= 0) return -1;
  reply[r] = 0;
  return 0;
}

/* exit: the process calls _exit(); done when its pidfd says it has exited, which is after
 * exit_files() released all its fds (the kernel runs those releases before exit_notify). */
static void do_exit_proc(struct proc *p) {
  send(p->chan, "exit", 4, MSG_NOSIGNAL);
  struct pollfd pf = {p->pidfd, POLLIN, 0};
  if (poll(&pf, 1, 5000) <= 0) {
    kill(p->pid, SIGKILL);
    poll(&pf, 1, 5000);
  }
  close(p->chan), close(p->pidfd);
  p->chan = -1;
  reap();
}

static void supervise(void) {
  char *line = NULL, *reply = malloc(MSG_MAX), *tok[8];
  size_t cap = 0;
  struct utsname u;
  uname(&u);
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  printf("ready %s\n", u.release);
  fflush(stdout);
  while (getline(&line, &cap, stdin) > 0) {
    char *rest = NULL;
    if (!strncmp(line, "w ", 2)) { /* w <pid> <request>: forward to that process */
      pid_t pid = atoi(line + 2);
      rest = strchr(line + 2, ' ');
      struct proc *p = find_proc(pid);
      if (pid == 0 && rest) exec_request(rest + 1, reply, -1); /* the supervisor itself */
      else if (!p || !rest || roundtrip(p, rest + 1, -1, reply) < 0) sprintf(reply, "ret %d", -ESRCH);
    } else {
      char *copy = strdup(line);
      int n = split(copy, tok, 8);
      char **all = NULL;
      if (n == 0) sprintf(reply, "error empty");
      else if (!strcmp(tok[0], "spawn")) {
        char comm[16] = "proc";
        int l = n > 1 ? hex_decode(tok[1], (unsigned char *)comm, 15) : -1;
        if (l > 0) comm[l] = 0;
        pid_t pid = spawn(comm);
        sprintf(reply, pid < 0 ? "ret %d" : "ok %d", pid);
      } else if (!strcmp(tok[0], "fork") && n > 1) {
        struct proc *p = find_proc(atoi(tok[1]));
        int sv[2];
        if (!p) sprintf(reply, "ret %d", -ESRCH);
        else if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) sprintf(reply, "ret %d", -errno);
        else {
          if (roundtrip(p, "fork", sv[1], reply) < 0) sprintf(reply, "ret %d", -ESRCH);
          close(sv[1]);
          if (!strncmp(reply, "ok ", 3) && add_proc(atoi(reply + 3), sv[0]) < 0) sprintf(reply, "ret %d", -EAGAIN);
          if (strncmp(reply, "ok ", 3)) close(sv[0]);
        }
      } else if (!strcmp(tok[0], "exit") && n > 1) {
        struct proc *p = find_proc(atoi(tok[1]));
        if (p) do_exit_proc(p);
        sprintf(reply, "ret %d", p ? 0 : -ESRCH);
      } else if (!strcmp(tok[0], "quit")) {
        free(copy);
        break;
      } else {
        free(copy);
        copy = strdup(line);
        all = malloc(sizeof(char *) * MAX_TOK);
        n = split(copy, all, MAX_TOK);
        if (!strcmp(all[0], "ids")) op_ids(all, n, reply);
        else if (!strcmp(all[0], "barrier")) op_barrier(all, n, reply);
        else if (!strcmp(all[0], "count")) op_count(all, n, reply);
        else if (!strcmp(all[0], "cgdying")) op_cgdying(reply);
        else if (!strcmp(all[0], "bpffs")) op_bpffs(reply);
        else sprintf(reply, "error unknown request %s", all[0]);
      }
      free(all);
      free(copy);
    }
    reap();
    printf("%s\n", reply);
    fflush(stdout);
  }
  for (int i = 0; i < nprocs; i++)
    if (procs[i].chan >= 0) kill(procs[i].pid, SIGKILL);
  _exit(0);
}

/* Kill everything in a run's cgroup directory and remove it with its subdirectories. */
static void remove_cgroup_tree(const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/cgroup.kill", dir);
  write_file(path, "1");
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    remove_cgroup_tree(path);
  }
  if (d) closedir(d);
  for (int i = 0; i < 500 && rmdir(dir) < 0 && errno == EBUSY; i++) usleep(10000);
}

/* The host cgroup2 mount and this process's cgroup in it: the run's directory goes there. */
static int find_cgroup2(char *out, size_t cap) {
  char mnt[2048] = "", self[2048] = "", line[4096];
  FILE *f = fopen("/proc/self/mountinfo", "r");
  while (f && fgets(line, sizeof line, f)) {
    char *sep = strstr(line, " - cgroup2 ");
    char root[2048], mp[2048];
    if (sep && sscanf(line, "%*d %*d %*s %2047s %2047s", root, mp) == 2 && !strcmp(root, "/")) {
      snprintf(mnt, sizeof mnt, "%s", mp);
      break;
    }
  }
  if (f) fclose(f);
  f = fopen("/proc/self/cgroup", "r");
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "0::", 3)) sscanf(line + 3, "%2047s", self);
  if (f) fclose(f);
  if (!mnt[0] || !self[0]) return -1;
  snprintf(out, cap, "%s%s", mnt, strcmp(self, "/") ? self : "");
  return 0;
}

/* Whether pid is a running bpf-oracle guard (not a zombie, not a reused pid). */
static int guard_alive(int pid) {
  char path[64], buf[256] = "";
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *close_paren = strrchr(buf, ')');
  return strstr(buf, "(bpf-oracle") && close_paren && close_paren[2] != 'Z';
}

/* Directories left by runs whose guard was killed: remove them. */
static void remove_stale(const char *parent) {
  DIR *d = opendir(parent);
  struct dirent *e;
  char path[4200];
  while (d && (e = readdir(d))) {
    int pid;
    if (sscanf(e->d_name, "bpf-oracle-%d-", &pid) != 1 || guard_alive(pid)) continue;
    snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
    remove_cgroup_tree(path);
  }
  if (d) closedir(d);
}

static int check(void) {
  char parent[2048];
  union bpf_attr a = {0};
  if (geteuid() != 0) return printf("no not root (uid %u)\n", geteuid()), 1;
  if (sys_bpf(BPF_PROG_GET_NEXT_ID, &a, sizeof a) == -ENOSYS) return printf("no bpf() is not available\n"), 1;
  if (find_cgroup2(parent, sizeof parent) < 0) return printf("no no cgroup2 mount\n"), 1;
  if (access("/sys/kernel/btf/vmlinux", R_OK)) return printf("no no /sys/kernel/btf/vmlinux\n"), 1;
  if (system("ip -V >/dev/null 2>&1")) return printf("no the ip tool (iproute2) is missing\n"), 1;
  pid_t pid = fork();
  if (pid == 0) _exit(unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWCGROUP) < 0 ? 1 : 0);
  int st;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st)) return printf("no unshare(mount, net, cgroup) refused\n"), 1;
  return printf("ok\n"), 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--exit")) return 0; /* exec target of a trigger */
  if (argc > 1 && !strcmp(argv[1], "check")) return check();
  if (argc < 2 || strcmp(argv[1], "run")) return fprintf(stderr, "usage: bpf-oracle run|check\n"), 2;
  char parent[2048];
  if (find_cgroup2(parent, sizeof parent) < 0) die("no cgroup2 hierarchy");
  remove_stale(parent);
  snprintf(cg_dir, sizeof cg_dir, "%s/bpf-oracle-%d-%lld", parent, getpid(), (long long)now_ms());
  if (mkdir(cg_dir, 0755) < 0) die("mkdir %s: %s", cg_dir, strerror(errno));
  signal(SIGTERM, on_term), signal(SIGINT, on_term), signal(SIGHUP, on_term), signal(SIGPIPE, SIG_IGN);
  fflush(stdout);
  pid_t sup = fork();
  supervisor_pid = sup;
  if (sup == 0) {
    signal(SIGTERM, SIG_DFL), signal(SIGINT, SIG_DFL), signal(SIGHUP, SIG_DFL);
    setup_namespaces();
    supervise();
  }
  int st = 0;
  while (sup > 0 && waitpid(sup, &st, 0) < 0 && errno == EINTR) {}
  remove_cgroup_tree(cg_dir);
  return sup > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
