/** The reference graph: snapshot → nodes and edges, retainers, words, layout. */
export type * from './types';
export { buildGraph, freedNodes, ranNodes } from './build';
export { SOURCES, objectName, pidId, pinId, dirId, type GraphSource, type GraphBuilder } from './sources';
export { retainersOf, heldBy, heldFrom, type Retainers } from './retainers';
export { explain, type Explanation } from './explain';
export { HistoryLayout, StableLayout, nodeSize, processRows, ROW_H, type XY, type Size } from './layout';
