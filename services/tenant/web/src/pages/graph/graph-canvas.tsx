import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { useEffect, useRef } from 'react';

import type { GraphEdge, GraphNode } from './load-neighbourhood';

cytoscape.use(fcose);

interface GraphCanvasProps {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Fill colour per object id. */
  colours: ReadonlyMap<string, string>;
  startId: string;
  relationName: (type: string) => string;
  /** Accessible name of the picture, which also says where the same objects are listed. */
  label: string;
  onOpen: (id: string) => void;
}

/**
 * Draws the graph with Cytoscape.js and lays it out with the fCoSE
 * force-directed layout. Clicking a node opens its object. The canvas is
 * mouse-only, so the page lists the same objects as links for keyboard and
 * screen-reader users.
 */
export default function GraphCanvas({ nodes, edges, colours, startId, relationName, label, onOpen }: GraphCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const open = useRef(onOpen);
  open.current = onOpen;

  useEffect(() => {
    if (container.current === null) {
      return;
    }
    const graph = cytoscape({
      container: container.current,
      elements: [
        ...nodes.map((node) => ({
          data: { id: node.id, label: node.name, colour: colours.get(node.id) ?? '#ffffff', start: node.id === startId ? 1 : 0 },
        })),
        ...edges.map((edge) => ({ data: { id: `relation-${edge.id}`, source: edge.sourceId, target: edge.targetId, label: relationName(edge.type) } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)',
            'border-color': '#333333',
            'border-width': 1,
            label: 'data(label)',
            'font-size': 10,
            color: '#1a1a1a',
            'text-valign': 'bottom',
            'text-margin-y': 4,
            'text-wrap': 'ellipsis',
            'text-max-width': '120px',
            width: 24,
            height: 24,
          },
        },
        { selector: 'node[start = 1]', style: { 'border-width': 4, width: 34, height: 34 } },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'line-color': '#8a8a8a',
            'target-arrow-color': '#8a8a8a',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 8,
            color: '#555555',
            'text-rotation': 'autorotate',
          },
        },
      ],
      layout: { name: 'fcose', animate: false, nodeRepulsion: () => 8000, idealEdgeLength: () => 90 } as cytoscape.LayoutOptions,
      wheelSensitivity: 0.3,
    });
    graph.on('tap', 'node', (event) => open.current(String(event.target.id())));
    return () => graph.destroy();
  }, [nodes, edges, colours, startId, relationName]);

  return <div ref={container} className="graph-canvas" role="img" aria-label={label} data-testid="graph-canvas" />;
}
