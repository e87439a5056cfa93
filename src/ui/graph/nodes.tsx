/** Node drawings: a process with its fd table (one handle per fd), and every other object. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNode } from './view';

const KIND_LABEL: Record<string, string> = {
  file: 'open file', link: 'bpf_link', prog: 'program', map: 'map', pin: 'pin', dir: 'directory', legacy: 'legacy',
};

function ProcessNodeView({ data }: NodeProps<FlowNode>) {
  const g = data.g;
  const rows = g.rows ?? [];
  const tty = rows.filter((r) => !r.to).map((r) => r.fd);
  return (
    <div className="gn gn-process" style={{ width: data.w, height: data.h }}>
      <div className="gn-head">
        <b className="gn-title">{g.title}</b>
        <span className="gn-meta">{g.subtitle}</span>
      </div>
      <ul className="fdt" aria-label={`fd table of ${g.title}`}>
        {tty.length > 0 && (
          <li className="fd-row tty">
            <span className="fd">{tty.length > 1 ? `${tty[0]}–${tty[tty.length - 1]}` : tty[0]}</span>
            <span className="fd-what">tty</span>
          </li>
        )}
        {rows.filter((r) => r.to).map((r) => (
          <li key={r.fd} className="fd-row" data-fd={r.fd}>
            <span className="fd">{r.fd}</span>
            <span className="fd-what">{r.text}</span>
            <Handle type="source" position={Position.Right} id={`fd${r.fd}`} isConnectable={false} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function ObjectNodeView({ data }: NodeProps<FlowNode>) {
  const g = data.g;
  return (
    <div className={`gn gn-${g.kind}`} style={{ width: data.w, height: data.h }}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="gn-head">
        <span className="gn-kind">{KIND_LABEL[g.kind] ?? g.subkind ?? g.kind}</span>
        <b className="gn-title">{g.title}</b>
      </div>
      <div className="gn-sub">{g.subtitle}</div>
      {g.counters && <div className="gn-cnt">{g.counters}</div>}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const NODE_TYPES = { process: memo(ProcessNodeView), object: memo(ObjectNodeView) };
