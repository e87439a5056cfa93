/* rtnetlink requests of a modelled process (the model's netlinkXdpAttach, netlinkVethAdd,
 * netlinkLinkDel), sent on a NETLINK_ROUTE socket of that process, so its fds are the ones
 * IFLA_XDP_FD names. Replies "ret <0 or -errno>" from the kernel's NLMSG_ERROR ack.
 *
 *   nl xdp <ifindex> <prog_fd> <flags|-> <expected_fd|->   RTM_SETLINK, IFLA_XDP
 *   nl veth <hexname> <hexpeer>                             RTM_NEWLINK veth pair, both up
 *   nl del <hexname>                                        RTM_DELLINK by name */
#include "oracle.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct req { struct nlmsghdr nh; char buf[4096]; };

static struct rtattr *put(struct nlmsghdr *nh, int type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
  a->rta_type = (unsigned short)type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(a), data, len);
  nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(a->rta_len);
  return a;
}
static struct rtattr *nest(struct nlmsghdr *nh, int type) { return put(nh, type | NLA_F_NESTED, NULL, 0); }
static void end(struct nlmsghdr *nh, struct rtattr *a) { a->rta_len = (unsigned short)((char *)nh + nh->nlmsg_len - (char *)a); }
static void put_ifinfo(struct nlmsghdr *nh, int ifindex, unsigned flags) {
  struct ifinfomsg *ifi = (struct ifinfomsg *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
  memset(ifi, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC, ifi->ifi_index = ifindex, ifi->ifi_flags = flags, ifi->ifi_change = flags;
  nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLMSG_ALIGN(sizeof *ifi);
}

/* Sends one request and returns the kernel's answer: 0 or -errno. */
static int talk(struct nlmsghdr *nh) {
  /* The socket goes to a high fd, away from the modelled ones: at the lowest free fd it
   * would be what an IFLA_XDP_FD naming a closed fd finds (-EINVAL instead of -EBADF). */
  fd_limit(8192); /* even when the process holds 1024 fds */
  int s0 = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  int s = s0 < 0 ? -1 : fcntl(s0, F_DUPFD_CLOEXEC, HIGH_FD);
  int err0 = -errno;
  if (s0 >= 0) close(s0);
  fd_limit(NOFILE);
  if (s < 0) return err0;
  nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  nh->nlmsg_seq = 1;
  struct sockaddr_nl to = {.nl_family = AF_NETLINK};
  char ans[8192];
  int err = -EIO;
  if (sendto(s, nh, nh->nlmsg_len, 0, (void *)&to, sizeof to) < 0) err = -errno;
  else {
    ssize_t r = recv(s, ans, sizeof ans, 0);
    struct nlmsghdr *h = (struct nlmsghdr *)ans;
    if (r < 0) err = -errno;
    else if (NLMSG_OK(h, (size_t)r) && h->nlmsg_type == NLMSG_ERROR) err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
  }
  close(s);
  return err;
}

static int name_arg(const char *hex, char *out, size_t cap) {
  int l = hex_decode(hex, (unsigned char *)out, cap - 1);
  if (l < 0) return -1;
  out[l] = 0;
  return l;
}

void do_netlink(char **tok, int n, char *reply) {
  struct req r;
  memset(&r, 0, sizeof r);
  r.nh.nlmsg_len = NLMSG_LENGTH(0);
  char a[1024], b[1024]; /* longer names are cut to 1023 bytes by the caller: still -ERANGE */
  if (n >= 6 && !strcmp(tok[1], "xdp")) {
    r.nh.nlmsg_type = RTM_SETLINK;
    put_ifinfo(&r.nh, atoi(tok[2]), 0);
    struct rtattr *x = nest(&r.nh, IFLA_XDP);
    int fd = atoi(tok[3]);
    put(&r.nh, IFLA_XDP_FD, &fd, sizeof fd);
    if (strcmp(tok[4], "-")) {
      unsigned flags = (unsigned)strtoul(tok[4], NULL, 10);
      put(&r.nh, IFLA_XDP_FLAGS, &flags, sizeof flags);
    }
    if (strcmp(tok[5], "-")) {
      int exp = atoi(tok[5]);
      put(&r.nh, IFLA_XDP_EXPECTED_FD, &exp, sizeof exp);
    }
    end(&r.nh, x);
  } else if (n >= 4 && !strcmp(tok[1], "veth")) {
    int la = name_arg(tok[2], a, sizeof a), lb = name_arg(tok[3], b, sizeof b);
    if (la < 0 || lb < 0) { sprintf(reply, "error bad name"); return; }
    r.nh.nlmsg_type = RTM_NEWLINK;
    r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    put_ifinfo(&r.nh, 0, 0); /* up only once both ends exist (veth_open: -ENOTCONN before) */
    put(&r.nh, IFLA_IFNAME, a, (size_t)la + 1);
    struct rtattr *li = nest(&r.nh, IFLA_LINKINFO);
    put(&r.nh, IFLA_INFO_KIND, "veth", 5);
    struct rtattr *data = nest(&r.nh, IFLA_INFO_DATA);
    struct rtattr *peer = nest(&r.nh, VETH_INFO_PEER);
    put_ifinfo(&r.nh, 0, 0);
    put(&r.nh, IFLA_IFNAME, b, (size_t)lb + 1);
    end(&r.nh, peer), end(&r.nh, data), end(&r.nh, li);
    int err = talk(&r.nh);
    for (int i = 0; i < 2 && !err; i++) { /* ip link set NAME up */
      memset(&r, 0, sizeof r);
      r.nh.nlmsg_len = NLMSG_LENGTH(0);
      r.nh.nlmsg_type = RTM_SETLINK;
      put_ifinfo(&r.nh, 0, IFF_UP);
      put(&r.nh, IFLA_IFNAME, i ? b : a, strlen(i ? b : a) + 1);
      err = talk(&r.nh);
    }
    sprintf(reply, "ret %d", err);
    return;
  } else if (n >= 3 && !strcmp(tok[1], "del")) {
    int la = name_arg(tok[2], a, sizeof a);
    if (la < 0) { sprintf(reply, "error bad name"); return; }
    r.nh.nlmsg_type = RTM_DELLINK;
    put_ifinfo(&r.nh, 0, 0);
    put(&r.nh, IFLA_IFNAME, a, (size_t)la + 1);
  } else {
    sprintf(reply, "error bad nl request");
    return;
  }
  sprintf(reply, "ret %d", talk(&r.nh));
}
