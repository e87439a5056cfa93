/* bpf-oracle: shared declarations of the native part of the kernel oracle. */
#ifndef BPF_ORACLE_H
#define BPF_ORACLE_H
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A modelled process has the model's RLIMIT_NOFILE, 1024 fds (0-1023); the oracle's own
 * fds sit above it, where no call of the process can reach them (open fds above the soft
 * limit stay valid; the limit is raised only for the moment the oracle places one). */
#define NOFILE 1024
#define CHAN_FD 4000       /* a modelled process's control channel */
#define CHAN_FD_SPARE 4001 /* used only while forking */
#define HIGH_FD 4002       /* the netlink socket of a request */
#define MSG_MAX (1 << 20)
#define MAX_TOK 4096

/* util.c */
int split(char *line, char **tok, int max);
int hex_decode(const char *hex, unsigned char *out, size_t max); /* bytes written, -1 on error */
void hex_append(char **p, const unsigned char *in, size_t n);    /* "-" for n == 0 */
long sys_bpf(int cmd, void *attr, unsigned size);                /* raw bpf(): >= 0 or -errno */
int write_file(const char *path, const char *text);              /* 0 or -errno */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int64_t now_ms(void);
void fd_limit(unsigned soft); /* RLIMIT_NOFILE soft limit (the hard one at least 8192) */

/* worker.c: the loop of one modelled process, on CHAN_FD. Never returns. */
void worker_main(void) __attribute__((noreturn));
/* Executes one request line (also used by the supervisor for its own calls). */
void exec_request(char *line, char *reply, int recv_fd);
/* netlink.c: nl xdp|veth|del ... as the calling process */
void do_netlink(char **tok, int n, char *reply);

/* trigger.c: supervisor-side observation of the kernel */
void op_ids(char **tok, int n, char *reply);
void op_barrier(char **tok, int n, char *reply);
void op_count(char **tok, int n, char *reply);
void op_cgdying(char *reply);
void op_bpffs(char *reply);
void trigger_setup(void); /* sockets made while still outside the run's cgroup */
#endif
