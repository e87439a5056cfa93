/**
 * The rtnetlink requests the model knows besides XDP: adding a veth pair (`veth_newlink`)
 * and deleting a device (`rtnl_dellink` → `unregister_netdevice`).
 */
import { Errno } from './errno';
import { findProcess } from './fdtable';
import { devByName, newNetDev, unregisterNetDev } from './netdev';
import { fail, show, type KernelState } from './state';

const IFNAMSIZ = 16;

function checkName(k: KernelState, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) fail(Errno.EINVAL, 'dev_valid_name', 'a device needs a name');
  if (name.length >= IFNAMSIZ || name === '.' || name === '..' || /[/:\s]/.test(name))
    fail(Errno.EINVAL, 'dev_valid_name', `"${name}" is not a valid device name`);
  if (devByName(k, name)) fail(Errno.EEXIST, 'register_netdevice', `a device named "${name}" exists`);
  return name;
}

export function netlinkVethAdd(k: KernelState, pid: unknown, name: unknown, peer: unknown): number {
  const p = findProcess(k, pid);
  const a = checkName(k, name);
  const b = checkName(k, peer);
  if (a === b) fail(Errno.EEXIST, 'register_netdevice', `a device named "${b}" exists`);
  const devA = newNetDev(k, a, true);
  const devB = newNetDev(k, b, true);
  devA.peer = devB;
  devB.peer = devA;
  k.emit('note', 'veth_newlink', `pid ${p.pid} created the veth pair ${a} (ifindex ${devA.ifindex}) / ${b} (ifindex ${devB.ifindex})`, { pid: p.pid });
  return 0;
}

export function netlinkLinkDel(k: KernelState, pid: unknown, name: unknown): number {
  const p = findProcess(k, pid);
  const dev = typeof name === 'string' ? devByName(k, name) : undefined;
  if (!dev) fail(Errno.ENODEV, 'rtnl_dellink', `no device named ${show(name)}`);
  if (!dev.peer) fail(Errno.EOPNOTSUPP, 'rtnl_dellink', `${dev.name} cannot be deleted`);
  k.emit('note', 'rtnl_dellink', `pid ${p.pid} deletes ${dev.name}; its veth peer ${dev.peer.name} goes with it`, { pid: p.pid });
  const peer = dev.peer;
  unregisterNetDev(k, dev);
  unregisterNetDev(k, peer);
  return 0;
}
