/**
 * The reference graph (React Flow 12): every step drawn from its own snapshot, laid out
 * once for the whole history. Selecting a node selects it everywhere.
 */
import {
  Background, Controls, getViewportForBounds, ReactFlow, ReactFlowProvider, useReactFlow, useStore as useFlowStore, type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { usePlayground, useStoreApi } from '../store';
import { NODE_TYPES } from './nodes';
import { GraphViewModel, type FlowNode } from './view';
import { Legend } from './Legend';

const PADDING = 0.05;
/** Below this zoom the whole history would be unreadable dots: show its top-left corner at
 * a readable zoom instead (and keep React Flow's culling effective). */
const MIN_FIT_ZOOM = 0.35;
const LARGE_ZOOM = 0.6;

function Flow() {
  const store = useStoreApi();
  const steps = usePlayground((s) => s.steps);
  const cursor = usePlayground((s) => s.cursor);
  const selected = usePlayground((s) => s.selected);
  const theme = usePlayground((s) => s.theme);
  const [model] = useState(() => new GraphViewModel());
  const view = useMemo(() => model.view({ steps, cursor, selected }), [model, steps, cursor, selected]);
  const rf = useReactFlow();

  // Show the whole history's layout, so stepping moves nothing; refit when it grows.
  const width = useFlowStore((s) => s.width);
  const height = useFlowStore((s) => s.height);
  const { bounds, layoutVersion } = view;
  useEffect(() => {
    if (width <= 0 || height <= 0) return;
    const fit = getViewportForBounds(bounds, width, height, 0.05, 1, PADDING);
    void rf.setViewport(fit.zoom >= MIN_FIT_ZOOM ? fit : { x: 16 - bounds.x * LARGE_ZOOM, y: 16 - bounds.y * LARGE_ZOOM, zoom: LARGE_ZOOM });
  }, [rf, bounds, layoutVersion, width, height]);

  useEffect(() => {
    performance.mark('graph-updated');
  }, [view]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const picked = changes.find((c) => c.type === 'select' && c.selected);
    if (picked && 'id' in picked) store.getState().select(picked.id);
    else if (changes.some((c) => c.type === 'select' && !c.selected && c.id === store.getState().selected)) store.getState().select(null);
  }, [store]);

  return (
    <ReactFlow
      nodes={view.nodes}
      edges={view.edges}
      nodeTypes={NODE_TYPES}
      colorMode={theme}
      className={view.retainers ? 'has-selection' : undefined}
      onNodesChange={onNodesChange}
      onPaneClick={() => store.getState().select(null)}
      nodesDraggable={false}
      nodesConnectable={false}
      edgesFocusable={false}
      deleteKeyCode={null}
      selectionKeyCode={null}
      multiSelectionKeyCode={null}
      onlyRenderVisibleElements={view.nodes.length > 300}
      minZoom={0.05}
      maxZoom={2}
      ariaLabelConfig={{ 'node.a11yDescription.default': 'Press Enter or Space to select this object and show what keeps it alive.' }}
    >
      <Background gap={24} size={1} />
      <Controls showInteractive={false} position="bottom-left" />
    </ReactFlow>
  );
}

export function GraphPane() {
  return (
    <section className="graph-pane" aria-label="Reference graph" data-testid="graph">
      <ReactFlowProvider>
        <Flow />
      </ReactFlowProvider>
      <Legend />
    </section>
  );
}
