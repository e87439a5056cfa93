/* Supervisor-side observation: which ids exist, grace-period barriers, and triggers that
 * make an event really happen while reading the programs' run counts (BPF_ENABLE_STATS is
 * held by the supervisor for the whole run). */
#include "oracle.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <net/if.h>
#include <net/ethernet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int udp_rx = -1, udp_tx = -1, trigger_net = -1;
static struct sockaddr_in rx_addr;

/* Called in the triggers' own network namespace (see setup_namespaces). */
void trigger_setup(void) {
  trigger_net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (trigger_net < 0) die("open the triggers' net namespace: %s", strerror(errno));
  socklen_t l = sizeof rx_addr;
  udp_rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  udp_tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  rx_addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (udp_rx < 0 || udp_tx < 0 || bind(udp_rx, (void *)&rx_addr, sizeof rx_addr) < 0 ||
      getsockname(udp_rx, (void *)&rx_addr, &l) < 0)
    die("trigger sockets: %s", strerror(errno));
}

/* ids <GET_NEXT_ID cmd> <lo> <hi>: every id in [lo, hi] that is in the kernel's idr now.
 * The walk takes no references (bpf_obj_get_next_id), so it does not disturb anything. */
void op_ids(char **tok, int n, char *reply) {
  if (n < 4) { sprintf(reply, "error bad ids"); return; }
  int cmd = atoi(tok[1]);
  unsigned lo = (unsigned)atol(tok[2]), hi = (unsigned)atol(tok[3]);
  char *p = reply + sprintf(reply, "ids");
  union bpf_attr a;
  for (unsigned id = lo ? lo - 1 : 0;;) {
    memset(&a, 0, sizeof a);
    a.start_id = id;
    if (sys_bpf(cmd, &a, sizeof a) < 0 || a.next_id > hi) break;
    id = a.next_id;
    p += sprintf(p, " %u", id);
  }
}

static int id_exists(int cmd, unsigned id) {
  union bpf_attr a = {.start_id = id - 1};
  return sys_bpf(cmd, &a, sizeof a) == 0 && a.next_id == id;
}

/* barrier rcu: synchronize_rcu() through membarrier(MEMBARRIER_CMD_GLOBAL).
 * barrier tasks: attach a throw-away raw tracepoint program to sys_enter, close its link
 * and wait until that program's id is gone. Its release goes through the same chain as
 * any sys_enter link's (tasks-trace RCU, then RCU, then the program put), queued after
 * every release already pending, so when it has run, those have run too. */
void op_barrier(char **tok, int n, char *reply) {
  int64_t t0 = now_ms();
  if (n > 1 && !strcmp(tok[1], "rcu")) {
    if (syscall(SYS_membarrier, 1 /* MEMBARRIER_CMD_GLOBAL */, 0, 0) < 0) usleep(30000);
  } else {
    struct bpf_insn insns[2] = {{.code = 0xb7}, {.code = 0x95}};
    union bpf_attr a = {.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT, .insn_cnt = 2,
                        .insns = (uintptr_t)insns, .license = (uintptr_t) "GPL"};
    int prog = (int)sys_bpf(BPF_PROG_LOAD, &a, sizeof a);
    struct bpf_prog_info info = {0};
    union bpf_attr ia = {.info = {.bpf_fd = (unsigned)prog, .info_len = sizeof info, .info = (uintptr_t)&info}};
    union bpf_attr ra = {.raw_tracepoint = {.name = (uintptr_t) "sys_enter", .prog_fd = (unsigned)prog}};
    if (prog < 0 || sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &ia, sizeof ia) < 0) {
      sprintf(reply, "error barrier load: %ld", (long)prog);
      return;
    }
    int link = (int)sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &ra, sizeof ra);
    close(prog);
    if (link >= 0) close(link);
    while (id_exists(BPF_PROG_GET_NEXT_ID, info.id) && now_ms() - t0 < 3000) usleep(2000);
  }
  sprintf(reply, "ok %lld", (long long)(now_ms() - t0));
}

/* bpffs: every entry under /sys/fs/bpf as "<kind> <path>" lines (kind: dir, prog, map,
 * link, or file), hex-encoded in one token. A pin's kind is read from the fd BPF_OBJ_GET
 * gives (a reference taken and dropped while the pin holds its own). */
static void list_bpffs(const char *dir, char **p, char *end) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[4096], line[4200], link[256], fdpath[64];
  while (d && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    const char *kind = "file";
    if (e->d_type == DT_DIR) kind = "dir";
    else {
      union bpf_attr a = {.pathname = (uintptr_t)path};
      int fd = (int)sys_bpf(BPF_OBJ_GET, &a, sizeof a);
      snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
      ssize_t l = fd >= 0 ? readlink(fdpath, link, sizeof link - 1) : -1;
      link[l > 0 ? l : 0] = 0;
      kind = strstr(link, "bpf-prog") ? "prog" : strstr(link, "bpf-map") ? "map" : strstr(link, "link") ? "link" : "file";
      if (fd >= 0) close(fd);
    }
    int n = snprintf(line, sizeof line, "%s %s\n", kind, path);
    if (*p + 2 * n + 2 < end) hex_append(p, (unsigned char *)line, (size_t)n - 1); /* one token per entry */
    if (e->d_type == DT_DIR) list_bpffs(path, p, end);
  }
  if (d) closedir(d);
}

void op_bpffs(char *reply) {
  char *p = reply + sprintf(reply, "bpffs");
  list_bpffs("/sys/fs/bpf", &p, reply + MSG_MAX - 16);
}

void op_cgdying(char *reply) {
  char line[256];
  long v = -1;
  FILE *f = fopen("/sys/fs/cgroup/cgroup.stat", "r");
  while (f && fgets(line, sizeof line, f)) sscanf(line, "nr_dying_descendants %ld", &v);
  if (f) fclose(f);
  sprintf(reply, "ok %ld", v);
}

/* One bpf() syscall: the program's run_cnt (bpf_prog_info is filled up to run_cnt). */
static long long read_cnt(int fd, union bpf_attr *a, struct bpf_prog_info *info) {
  memset(info, 0, sizeof *info); /* what the last call wrote back would be read as buffer sizes */
  a->info.bpf_fd = (unsigned)fd;
  a->info.info_len = offsetof(struct bpf_prog_info, run_cnt) + 8;
  return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, a, sizeof *a) < 0 ? -1 : (long long)info->run_cnt;
}

static void tp_action(const char *action) {
  if (!strcmp(action, "syscall")) syscall(SYS_getppid);
  else if (!strcmp(action, "fork") || !strcmp(action, "exec")) {
    pid_t pid = fork();
    if (pid == 0) {
      if (!strcmp(action, "exec")) execl("/proc/self/exe", "bpf-oracle", "--exit", (char *)NULL);
      _exit(0);
    }
    if (pid > 0) waitpid(pid, NULL, 0);
  } else if (!strcmp(action, "rename")) {
    static int flip;
    prctl(PR_SET_NAME, (flip ^= 1) ? "bpf-oracle-a" : "bpf-oracle-b");
  }
}

/* The helper of a cgroup trigger: joins the cgroup, does one thing, exits with 0 or errno
 * (JOIN_FAILED if it could not join: PATH is no cgroup directory). */
#define JOIN_FAILED 255
static int cg_helper(const char *op, const char *cg, int port_pipe) {
  char path[4200];
  snprintf(path, sizeof path, "%s/cgroup.procs", cg);
  if (write_file(path, "0")) return JOIN_FAILED;
  if (setns(trigger_net, CLONE_NEWNET) < 0) return errno; /* its traffic: on the triggers' lo */
  if (!strcmp(op, "device") || !strcmp(op, "sysctl")) {
    int fd = open(!strcmp(op, "device") ? "/dev/null" : "/proc/sys/kernel/ostype", O_RDONLY);
    char c;
    if (fd < 0 || read(fd, &c, 1) < 0) return errno;
    return 0;
  }
  int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
  if (s < 0) return errno;
  struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t l = sizeof any;
  if (!strcmp(op, "egress") || !strcmp(op, "sendmsg4"))
    return sendto(s, "x", 1, 0, (void *)&rx_addr, sizeof rx_addr) < 0 ? errno : 0;
  if (!strcmp(op, "connect4")) return connect(s, (void *)&rx_addr, sizeof rx_addr) < 0 ? errno : 0;
  if (!strcmp(op, "bind4")) return bind(s, (void *)&any, sizeof any) < 0 ? errno : 0;
  if (!strcmp(op, "setsockopt")) return setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ? errno : 0;
  if (!strcmp(op, "getsockopt")) return getsockopt(s, SOL_SOCKET, SO_TYPE, &one, &l) < 0 ? errno : 0;
  if (!strcmp(op, "ingress")) {
    char c;
    struct timeval tv = {1, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (bind(s, (void *)&any, sizeof any) < 0 || getsockname(s, (void *)&any, &l) < 0) return errno;
    if (write(port_pipe, &any, sizeof any) != sizeof any) return EIO;
    return recv(s, &c, 1, 0) < 0 ? errno : 0;
  }
  return close(s) < 0 ? errno : 0; /* sock_create, sock_release */
}

static int cg_trigger(const char *op, const char *cg, int *join_failed) {
  int pp[2];
  if (pipe(pp) < 0) return -errno;
  pid_t pid = fork();
  if (pid == 0) _exit(cg_helper(op, cg, pp[1]));
  close(pp[1]);
  struct sockaddr_in to;
  if (!strcmp(op, "ingress") && read(pp[0], &to, sizeof to) == sizeof to)
    sendto(udp_tx, "x", 1, 0, (void *)&to, sizeof to);
  close(pp[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  *join_failed = WIFEXITED(st) && WEXITSTATUS(st) == JOIN_FAILED;
  /* egress/sendmsg4: the datagram reaching the receiver shows the hook has run. */
  char c;
  struct pollfd pf = {udp_rx, POLLIN, 0};
  if (!*join_failed && (!strcmp(op, "egress") || !strcmp(op, "sendmsg4"))) poll(&pf, 1, 500);
  while (recv(udp_rx, &c, 1, MSG_DONTWAIT) > 0) {}
  return WIFEXITED(st) ? -WEXITSTATUS(st) : -EINTR;
}

/* A frame sent from <peer> (eth0 <-> veth1, a veth pair the calls added; lo to itself),
 * awaited on <dev> with a packet socket: it is seen there only after XDP has run (and
 * passed). Devices by name, in the run's network namespace: -ENODEV if one is missing. */
static int xdp_trigger(const char *dev, const char *peer_name) {
  int ifindex = (int)if_nametoindex(dev), peer = (int)if_nametoindex(peer_name);
  if (!ifindex || !peer) return -ENODEV;
  int rx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  int tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  struct sockaddr_ll at = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
  if (rx < 0 || tx < 0 || bind(rx, (void *)&at, sizeof at) < 0) return -errno;
  unsigned char frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5};
  uint64_t mark = (uint64_t)now_ms() ^ ((uint64_t)getpid() << 32);
  memcpy(frame + 14, &mark, 8);
  struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = peer, .sll_halen = 6};
  memset(to.sll_addr, 0xff, 6);
  int err = sendto(tx, frame, sizeof frame, 0, (void *)&to, sizeof to) < 0 ? -errno : -ETIMEDOUT;
  int64_t t0 = now_ms();
  struct pollfd pf = {rx, POLLIN, 0};
  while (!err || err == -ETIMEDOUT) {
    unsigned char got[128];
    struct sockaddr_ll from;
    socklen_t l = sizeof from;
    int left = 500 - (int)(now_ms() - t0);
    if (left <= 0 || poll(&pf, 1, left) <= 0) break;
    ssize_t r = recvfrom(rx, got, sizeof got, 0, (void *)&from, &l);
    if (r >= 22 && from.sll_pkttype != PACKET_OUTGOING && !memcmp(got + 14, &mark, 8)) err = 0;
    if (!err) break;
  }
  close(rx), close(tx);
  return err;
}

/* count tp <action> <n> <reps> <id>... | count cg <op> <hexpath> <id>... | count xdp <hexdev> <hexpeer> <id>...
 * Replies "counts <opened> <status> <join_failed> <delta>..." (-1 for an id that could not
 * be opened; join_failed 1: a cg trigger's PATH is no cgroup it could join);
 * for tp, per repetition: the ids' deltas over the action window, then over the control
 * window. A window is: one read per opened program (a single bpf() syscall each), the
 * actions (or the spin), one read per program; nothing else. */
void op_count(char **tok, int n, char *reply) {
  int tp = n > 1 && !strcmp(tok[1], "tp"), first = tp ? 5 : 4;
  if (n < first) { sprintf(reply, "error bad count"); return; }
  int nids = n - first, reps = tp ? atoi(tok[4]) : 1, actions = tp ? atoi(tok[3]) : 0, opened = 0, status = 0, join_failed = 0;
  int *fds = calloc((size_t)nids + 1, sizeof(int));
  long long *before = calloc((size_t)nids + 1, sizeof(long long)), *delta = calloc((size_t)(nids * reps * 2) + 1, sizeof(long long));
  union bpf_attr a;
  struct bpf_prog_info info;
  for (int i = 0; i < nids; i++) {
    union bpf_attr g = {.prog_id = (unsigned)atol(tok[first + i])};
    fds[i] = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &g, sizeof g);
    opened += fds[i] >= 0;
  }
  memset(&a, 0, sizeof a), memset(&info, 0, sizeof info);
  a.info.info = (uintptr_t)&info;
  /* A tp repetition has two windows of the same length: the actions, then a control in
   * which this process only spins (no syscalls). What other processes did lands in both
   * alike, so (action delta - control delta) / n is the runs per event. */
  int windows = tp ? 2 : 1;
  for (int r = 0; r < reps; r++) {
    int64_t spent = 0;
    for (int w = 0; w < windows; w++) {
      struct timespec t0, t1;
      for (int i = 0; i < nids; i++) before[i] = fds[i] >= 0 ? read_cnt(fds[i], &a, &info) : -1;
      clock_gettime(CLOCK_MONOTONIC, &t0); /* vDSO: not a syscall */
      if (tp && w == 0) for (int k = 0; k < actions; k++) tp_action(tok[2]);
      else if (tp) do clock_gettime(CLOCK_MONOTONIC, &t1);
        while ((t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec < spent);
      else if (!strcmp(tok[1], "cg")) {
        char cg[4096];
        int l = hex_decode(tok[3], (unsigned char *)cg, sizeof cg - 1);
        cg[l < 0 ? 0 : l] = 0;
        status = cg_trigger(tok[2], cg, &join_failed);
      } else {
        char dev[64], peer[64];
        int l = hex_decode(tok[2], (unsigned char *)dev, sizeof dev - 1), m = hex_decode(tok[3], (unsigned char *)peer, sizeof peer - 1);
        dev[l < 0 ? 0 : l] = 0, peer[m < 0 ? 0 : m] = 0;
        status = xdp_trigger(dev, peer);
      }
      clock_gettime(CLOCK_MONOTONIC, &t1);
      if (w == 0) spent = (t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec;
      for (int i = 0; i < nids; i++) {
        long long after = fds[i] >= 0 ? read_cnt(fds[i], &a, &info) : -1;
        delta[(r * windows + w) * nids + i] = before[i] < 0 || after < 0 ? -1 : after - before[i];
      }
    }
  }
  char *p = reply + sprintf(reply, "counts %d %d %d", opened, status, join_failed);
  for (int i = 0; i < nids * reps * windows; i++) p += sprintf(p, " %lld", delta[i]);
  for (int i = 0; i < nids; i++) if (fds[i] >= 0) close(fds[i]);
  free(fds), free(before), free(delta);
}
