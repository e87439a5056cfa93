// Scenario harness: performs raw bpf() calls like the kernel model's scenarios, then runs shell lines.
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <errno.h>
static long sys_bpf(int cmd, union bpf_attr *a) { return syscall(__NR_bpf, cmd, a, sizeof(*a)); }
static int retval(int t) { switch (t) { case 6: return 2; case 8: case 9: case 13: case 14: case 15: case 16: case 18: case 21: case 23: case 25: case 30: case 32: return 1; default: return 0; } }
int main(int argc, char **argv) {
  static char lines[512][4096]; int nl = 0;
  for (int fd = 3; fd < 1024; fd++) close(fd); // start as the model's processes do: fds 0-2 only
  FILE *f = fopen(argv[1], "r");
  while (nl < 512 && fgets(lines[nl], sizeof lines[nl], f)) nl++;
  fclose(f);
  for (int li = 0; li < nl; li++) { char *line = lines[li];
    line[strcspn(line, "\n")] = 0;
    if (!line[0] || line[0] == '#') continue;
    union bpf_attr a; memset(&a, 0, sizeof a);
    char w[16][256]; int n = 0; char *save, *tok;
    if (!strncmp(line, "run ", 4)) {
      char cmd[8192];
      const char *c = line + 4;
      const char *tool = getenv("BPFTOOL");
      if (!strncmp(c, "bpftool ", 8)) snprintf(cmd, sizeof cmd, "%s %s >/tmp/.h_out 2>/tmp/.h_err", tool ? tool : "bpftool", c + 8);
      else snprintf(cmd, sizeof cmd, "%s >/tmp/.h_out 2>/tmp/.h_err", c);
      fflush(stdout);
      int rc = system(cmd);
      printf("$ %s\n--- stdout\n", c); fflush(stdout);
      system("cat /tmp/.h_out; echo '--- stderr'; cat /tmp/.h_err");
      printf("--- exit %d\n", WEXITSTATUS(rc)); fflush(stdout);
      continue;
    }
    char copy[4096]; strcpy(copy, line);
    for (tok = strtok_r(copy, " ", &save); tok && n < 16; tok = strtok_r(NULL, " ", &save)) strcpy(w[n++], tok);
    long r = -1;
    if (!strcmp(w[0], "map")) {
      a.map_type = atoi(w[2]); a.key_size = atoi(w[3]); a.value_size = atoi(w[4]); a.max_entries = atoi(w[5]); a.map_flags = strtol(w[6], 0, 0);
      strncpy(a.map_name, w[1], 15); r = sys_bpf(BPF_MAP_CREATE, &a);
    } else if (!strcmp(w[0], "prog")) {
      int type = atoi(w[2]); int maps[16]; int nm = 0;
      if (strcmp(w[6], "-")) { char *s2, *t2; for (t2 = strtok_r(w[6], ",", &s2); t2; t2 = strtok_r(NULL, ",", &s2)) maps[nm++] = atoi(t2); }
      struct bpf_insn insns[40]; memset(insns, 0, sizeof insns); int k = 0;
      for (int i = 0; i < nm; i++) { insns[k].code = 0x18; insns[k].dst_reg = 1; insns[k].src_reg = 1; insns[k].imm = maps[i]; k += 2; }
      insns[k].code = 0xb7; insns[k].imm = retval(type); k++; insns[k].code = 0x95; k++;
      a.prog_type = type; a.expected_attach_type = atoi(w[3]); if (strcmp(w[4], "-")) a.attach_btf_id = atoi(w[4]);
      a.insns = (unsigned long)insns; a.insn_cnt = k; a.license = (unsigned long)w[5]; strncpy(a.prog_name, w[1], 15);
      r = sys_bpf(BPF_PROG_LOAD, &a);
    } else if (!strcmp(w[0], "rawtp")) {
      a.raw_tracepoint.prog_fd = atoi(w[1]); if (strcmp(w[2], "-")) a.raw_tracepoint.name = (unsigned long)w[2];
      r = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
    } else if (!strcmp(w[0], "linkcreate")) {
      a.link_create.prog_fd = atoi(w[1]); a.link_create.target_fd = atoi(w[2]); a.link_create.attach_type = atoi(w[3]);
      r = sys_bpf(BPF_LINK_CREATE, &a);
    } else if (!strcmp(w[0], "detach")) {
      a.link_detach.link_fd = atoi(w[1]); r = sys_bpf(BPF_LINK_DETACH, &a);
    } else if (!strcmp(w[0], "freeze")) {
      a.map_fd = atoi(w[1]); r = sys_bpf(BPF_MAP_FREEZE, &a);
    } else if (!strcmp(w[0], "unlink")) { r = unlink(w[1]);
    } else if (!strcmp(w[0], "attach")) {
      a.target_fd = atoi(w[1]); a.attach_bpf_fd = atoi(w[2]); a.attach_type = atoi(w[3]); a.attach_flags = atoi(w[4]);
      r = sys_bpf(BPF_PROG_ATTACH, &a);
    } else if (!strcmp(w[0], "pin")) {
      a.bpf_fd = atoi(w[1]); a.pathname = (unsigned long)w[2]; r = sys_bpf(BPF_OBJ_PIN, &a);
    } else if (!strcmp(w[0], "get")) {
      a.pathname = (unsigned long)w[1]; r = sys_bpf(BPF_OBJ_GET, &a);
    } else if (!strcmp(w[0], "close")) { r = close(atoi(w[1]));
    } else if (!strcmp(w[0], "open")) { r = open(w[1], O_RDONLY);
    } else if (!strcmp(w[0], "mkdir")) { r = mkdir(w[1], 0755);
    }
    if (r < 0) printf("# %s = -%s\n", line, strerror(errno)); else printf("# %s = %ld\n", line, r);
    fflush(stdout);
  }
  return 0;
}
