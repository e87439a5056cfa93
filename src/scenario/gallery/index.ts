/** The example gallery: each `.scn` file of this folder, as text (Vite and Node both read them). */
import beforeFiveSeven from './before_5_7.scn?raw';
import crashWithoutPin from './crash_without_pin.scn?raw';
import forkDup from './fork_dup.scn?raw';
import iterPin from './iter_pin.scn?raw';
import legacyCgroupAbandoned from './legacy_cgroup_abandoned.scn?raw';
import linkDetachCgroup from './link_detach_cgroup.scn?raw';
import linkPinning from './link_pinning.scn?raw';
import linkPinningLibbpf from './link_pinning_libbpf.scn?raw';
import linkUpdate from './link_update.scn?raw';
import pinExitBpftool from './pin_exit_bpftool.scn?raw';
import tcxList from './tcx_list.scn?raw';
import xdpOneLink from './xdp_one_link.scn?raw';

export interface GalleryExample { id: string; text: string }

export const GALLERY: readonly GalleryExample[] = [
  { id: 'link_pinning', text: linkPinning },
  { id: 'link_pinning_libbpf', text: linkPinningLibbpf },
  { id: 'crash_without_pin', text: crashWithoutPin },
  { id: 'pin_exit_bpftool', text: pinExitBpftool },
  { id: 'fork_dup', text: forkDup },
  { id: 'legacy_cgroup_abandoned', text: legacyCgroupAbandoned },
  { id: 'link_detach_cgroup', text: linkDetachCgroup },
  { id: 'link_update', text: linkUpdate },
  { id: 'xdp_one_link', text: xdpOneLink },
  { id: 'tcx_list', text: tcxList },
  { id: 'iter_pin', text: iterPin },
  { id: 'before_5_7', text: beforeFiveSeven },
];
