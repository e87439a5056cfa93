/**
 * The kernel's event log: what happened inside the kernel, step by step, in words a
 * learner can follow, each entry naming the Linux function that does it.
 */

export type KernelEventKind =
  | 'call'     // a syscall or event entered the kernel
  | 'return'   // what it returned
  | 'ref'      // a reference count changed
  | 'alloc'    // an object or id was created
  | 'free'     // an object was freed / its id removed
  | 'attach'   // a program was attached to a hook
  | 'detach'   // a program was detached from a hook
  | 'fd'       // an fd slot was installed or cleared
  | 'fs'       // a file-system change (mkdir, pin, unlink, ...)
  | 'process'  // a process was created or exited
  | 'run'      // a program ran on an event
  | 'note';    // anything else worth saying

export interface KernelEvent {
  /** Index of the `apply` call that caused the entry (0-based). */
  step: number;
  kind: KernelEventKind;
  /** The kernel function that does this in Linux. */
  fn: string;
  /** Plain words. */
  text: string;
  /** Model key of the object concerned ("prog#3", "link#7", "file#2", "pid:100"). */
  obj?: string;
  /** For `ref`: which counter, and its value before and after. */
  counter?: 'refcnt' | 'usercnt' | 'f_count';
  before?: number;
  after?: number;
  /** For a failed `return`: the positive errno. */
  errno?: number;
  pid?: number;
}
