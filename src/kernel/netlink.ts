/**
 * The rtnetlink requests the model knows besides XDP: adding a veth pair (`veth_newlink`)
 * and deleting a device (`rtnl_dellink` → `unregister_netdevice`).
 */
import { Errno } from './errno';
import { findProcess } from './fdtable';
import { devByName, newNetDev, unregisterNetDev } from './netdev';
import { fail, show, type KernelState } from './state';

const IFNAMSIZ = 16;

/** The `IFLA_IFNAME` attribute as rtnetlink's policy takes it (`NLA_STRING`, at most
 * IFNAMSIZ - 1 characters): longer is -ERANGE, before anything else looks at the name. */
function ifnameAttr(name: unknown): string {
  if (typeof name !== 'string') fail(Errno.EINVAL, 'nla_validate', 'IFLA_IFNAME is a string');
  if (name.length >= IFNAMSIZ) fail(Errno.ERANGE, 'nla_validate', `IFLA_IFNAME "${name}" is longer than ${IFNAMSIZ - 1} characters`);
  return name;
}

/** `dev_get_valid_name` at `register_netdevice`: -EINVAL for a name `dev_valid_name`
 * refuses, -EEXIST for a name in use. */
function registerName(k: KernelState, name: string, taken: string[] = []): void {
  if (name.length === 0 || name === '.' || name === '..' || /[/:\s]/.test(name))
    fail(Errno.EINVAL, 'dev_valid_name', `"${name}" is not a valid device name`);
  if (devByName(k, name) || taken.includes(name)) fail(Errno.EEXIST, 'register_netdevice', `a device named "${name}" exists`);
}

/**
 * `ip link add NAME type veth peer name PEER` (`rtnl_newlink` → `veth_newlink`), checked in
 * the order 6.18 answers: both names' attribute lengths (-ERANGE; the peer's is parsed
 * early, by `rtnl_get_peer_net`), NAME in use (-EEXIST, `__rtnl_newlink` looks it up), then
 * the peer is registered (-EINVAL / -EEXIST for its name) and gets the lower ifindex, then
 * NAME is registered (-EINVAL for an invalid or empty name; -EEXIST if it is PEER's; the
 * peer's ifindex is used up then).
 */
export function netlinkVethAdd(k: KernelState, pid: unknown, name: unknown, peer: unknown): number {
  const p = findProcess(k, pid);
  const a = ifnameAttr(name);
  const b = ifnameAttr(peer);
  if (a && devByName(k, a)) fail(Errno.EEXIST, '__rtnl_newlink', `a device named "${a}" exists`);
  registerName(k, b);
  // The peer is registered (its ifindex reserved) before NAME is checked: when NAME fails,
  // the peer is unregistered, and its ifindex is used up all the same (ifindexes are
  // allocated cyclically: the next device gets the one after it).
  try {
    registerName(k, a, [b]);
  } catch (e) {
    k.nextIfindex++;
    throw e;
  }
  const devB = newNetDev(k, b, true);
  const devA = newNetDev(k, a, true);
  devA.peer = devB;
  devB.peer = devA;
  if (k.keepLog) k.emit('note', 'veth_newlink', `pid ${p.pid} created the veth pair ${a} (ifindex ${devA.ifindex}) / ${b} (ifindex ${devB.ifindex}); the peer is registered first`, { pid: p.pid });
  return 0;
}

export function netlinkLinkDel(k: KernelState, pid: unknown, name: unknown): number {
  const p = findProcess(k, pid);
  const dev = devByName(k, ifnameAttr(name));
  if (!dev) fail(Errno.ENODEV, 'rtnl_dellink', `no device named ${show(name)}`);
  if (!dev.peer) fail(Errno.EOPNOTSUPP, 'rtnl_dellink', `${dev.name} cannot be deleted`);
  if (k.keepLog) k.emit('note', 'rtnl_dellink', `pid ${p.pid} deletes ${dev.name}; its veth peer ${dev.peer.name} goes with it`, { pid: p.pid });
  const peer = dev.peer;
  unregisterNetDev(k, dev);
  unregisterNetDev(k, peer);
  return 0;
}
