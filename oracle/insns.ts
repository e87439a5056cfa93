/**
 * The instructions the oracle loads for a program the contract describes without any: the
 * model's canonical sequence, so the kernel computes the same tag.
 */
export { canonicalInsns, canonicalRetval } from '../src/kernel/insns';
