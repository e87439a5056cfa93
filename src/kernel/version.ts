/**
 * Kernel releases the model knows: "5.6" ... "5.19", "6.0" ... "6.18". Behaviour is gated
 * on `MAJOR * 100 + MINOR` (5.7 is 507, 6.18 is 618).
 */
export const NEWEST_VERSION = '6.18';
export const OLDEST_VERSION = '5.6';

/** The releases a user picks from in the UI, with what each one brought to bpf_link. */
export const NOTABLE_VERSIONS: readonly { version: string; note: string }[] = [
  { version: '5.6', note: 'before bpf_link: raw tracepoint and tracing attachments are plain fds' },
  { version: '5.7', note: 'bpf_link: pinnable links, BPF_LINK_CREATE (cgroup), BPF_LINK_UPDATE' },
  { version: '5.8', note: 'link ids, BPF_LINK_GET_FD_BY_ID / GET_NEXT_ID, link info' },
  { version: '5.9', note: 'BPF_LINK_DETACH, XDP links' },
  { version: '6.18', note: 'newest: the release the model is checked against' },
];

export function parseVersion(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major === 5 && minor >= 6 && minor <= 19) return 500 + minor;
  if (major === 6 && minor >= 0 && minor <= 18) return 600 + minor;
  return null;
}

export function formatVersion(v: number): string {
  return `${Math.floor(v / 100)}.${v % 100}`;
}
