import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';

import '../analysis.css';

import type { ClassificationScale } from '../../api/classification';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useMetaModel } from '../../hooks/use-meta-model';
import { currentLanguage } from '../../i18n';
import { colourLevels, colourTypes, NO_LEVEL_COLOUR } from './graph-colours';
import { GraphSettings, type ColourMode } from './graph-settings';
import { loadLevels, loadNeighbourhood, MAX_GRAPH_NODES, type Neighbourhood } from './load-neighbourhood';

// Cytoscape and its layout are the largest part of this page, so they load only when a graph is shown.
const GraphCanvas = lazy(() => import('./graph-canvas'));

type Loaded<T> = { key: string; value: T; error?: undefined } | { key: string; value?: undefined; error: unknown };

/** /objects/:id/graph: the objects around one object as a graph, and the same objects as a list. */
export function GraphPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const names = useMetaModel();
  const id = useParams().id ?? '';
  const swedish = currentLanguage() === 'sv';
  const scale = useApiResource<ClassificationScale>('/api/classification/scale');

  const [depth, setDepth] = useState(2);
  // Null follows every relation type, including types added after the page opened.
  const [relationTypes, setRelationTypes] = useState<ReadonlySet<string> | null>(null);
  const [colourMode, setColourMode] = useState<ColourMode>('type');
  const [dimension, setDimension] = useState<string | null>(null);
  const chosenDimension = dimension ?? scale.data?.dimensions[0]?.key ?? null;

  const neighbourhoodKey = `${id}|${depth}|${relationTypes === null ? '*' : [...relationTypes].sort().join(',')}`;
  const [neighbourhood, setNeighbourhood] = useState<Loaded<Neighbourhood> | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    loadNeighbourhood(id, depth, relationTypes, controller.signal)
      .then((value) => setNeighbourhood({ key: neighbourhoodKey, value }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) {
          setNeighbourhood({ key: neighbourhoodKey, error });
        }
      });
    return () => controller.abort();
    // neighbourhoodKey changes exactly when id, depth or relationTypes do, so it is the only dependency.
  }, [neighbourhoodKey]);
  const graph = neighbourhood?.key === neighbourhoodKey ? neighbourhood : null;
  const nodes = graph?.value?.nodes;

  const levelKey = colourMode === 'level' && chosenDimension !== null && graph?.value !== undefined ? `${neighbourhoodKey}|${chosenDimension}` : null;
  const [levels, setLevels] = useState<Loaded<Map<string, number | null>> | null>(null);
  useEffect(() => {
    if (levelKey === null || nodes === undefined || chosenDimension === null) {
      return;
    }
    const controller = new AbortController();
    loadLevels(
      nodes.map((node) => node.id),
      chosenDimension,
      controller.signal,
    )
      .then((value) => setLevels({ key: levelKey, value }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) {
          setLevels({ key: levelKey, error });
        }
      });
    return () => controller.abort();
    // levelKey changes exactly when the nodes or the dimension do, so it is the only dependency.
  }, [levelKey]);
  const currentLevels = levels !== null && levels.key === levelKey ? levels : null;

  const scaleLevels = useMemo(
    () => scale.data?.dimensions.find((candidate) => candidate.key === chosenDimension)?.levels ?? [],
    [scale.data, chosenDimension],
  );
  const presentTypes = useMemo(() => [...new Set((nodes ?? []).map((node) => node.type))].sort(), [nodes]);
  const typeColours = useMemo(() => colourTypes(presentTypes), [presentTypes]);
  const levelColours = useMemo(() => colourLevels(scaleLevels.map((level) => level.level)), [scaleLevels]);

  const nodeColours = useMemo(() => {
    const colours = new Map<string, string>();
    for (const node of nodes ?? []) {
      if (colourMode === 'type') {
        colours.set(node.id, typeColours.get(node.type) ?? NO_LEVEL_COLOUR);
      } else {
        const level = currentLevels?.value?.get(node.id) ?? null;
        colours.set(node.id, level === null ? NO_LEVEL_COLOUR : (levelColours.get(level) ?? NO_LEVEL_COLOUR));
      }
    }
    return colours;
  }, [nodes, colourMode, typeColours, levelColours, currentLevels]);

  const levelName = (level: number | null | undefined): string => {
    if (level === null || level === undefined) {
      return t('analysis.graph.noLevel');
    }
    const entry = scaleLevels.find((candidate) => candidate.level === level);
    return entry === undefined ? format.number(level) : `${format.number(level)} ${swedish ? entry.nameSv : entry.nameEn}`;
  };

  const legend =
    colourMode === 'type'
      ? presentTypes.map((type) => ({ key: type, colour: typeColours.get(type) ?? NO_LEVEL_COLOUR, name: names.typeName(type) }))
      : [
          ...scaleLevels.map((level) => ({ key: String(level.level), colour: levelColours.get(level.level) ?? NO_LEVEL_COLOUR, name: levelName(level.level) })),
          { key: 'none', colour: NO_LEVEL_COLOUR, name: t('analysis.graph.noLevel') },
        ];

  const start = nodes?.find((node) => node.distance === 0);
  const startName = start?.name ?? '';
  const relationName = names.relationName;

  return (
    <>
      <title>{`${t('analysis.graph.title', { name: startName })} – ${t('app.name')}`}</title>
      <p>
        <Link to={`/objects/${encodeURIComponent(id)}`} data-testid="graph-back">
          {t('analysis.graph.backToObject', { name: startName === '' ? id : startName })}
        </Link>
      </p>
      <h1 data-testid="graph-title">{t('analysis.graph.title', { name: startName })}</h1>

      <GraphSettings
        startName={startName}
        depth={depth}
        onDepthChange={setDepth}
        relationTypes={relationTypes}
        onRelationTypesChange={setRelationTypes}
        colourMode={colourMode}
        onColourModeChange={setColourMode}
        dimension={chosenDimension}
        onDimensionChange={setDimension}
        dimensions={scale.data?.dimensions ?? []}
      />

      <div aria-live="polite">
        {graph === null && <p>{t('analysis.graph.loading')}</p>}
        <ErrorMessage error={graph?.error} />
        {currentLevels?.error !== undefined && <p className="notice">{t('analysis.graph.levelLoadFailed')}</p>}
        {graph?.value?.truncated === true && (
          <p className="notice" data-testid="graph-truncated">
            {t('analysis.graph.truncated', { count: MAX_GRAPH_NODES })}
          </p>
        )}
        {graph?.value !== undefined && (
          <p data-testid="graph-summary" data-objects={graph.value.nodes.length} data-relations={graph.value.edges.length}>
            {t('analysis.graph.summary', { objects: format.number(graph.value.nodes.length), relations: format.number(graph.value.edges.length) })}
          </p>
        )}
      </div>

      {graph?.value !== undefined && (
        <>
          <section aria-labelledby="graph-legend-heading" className="graph-legend">
            <h2 id="graph-legend-heading">{t('analysis.graph.legend')}</h2>
            <ul data-testid="graph-legend">
              {legend.map((entry) => (
                <li key={entry.key}>
                  <span className="swatch" style={{ backgroundColor: entry.colour }} aria-hidden="true" /> {entry.name}
                </li>
              ))}
            </ul>
          </section>
          <Suspense fallback={<p>{t('app.loading')}</p>}>
            <GraphCanvas
              nodes={graph.value.nodes}
              edges={graph.value.edges}
              colours={nodeColours}
              startId={id}
              relationName={relationName}
              label={t('analysis.graph.canvasLabel', { name: startName })}
              onOpen={(target) => void navigate(`/objects/${encodeURIComponent(target)}`)}
            />
          </Suspense>
          <section aria-labelledby="graph-objects-heading">
            <h2 id="graph-objects-heading">{t('analysis.graph.objectList')}</h2>
            <table data-testid="graph-objects">
              <thead>
                <tr>
                  <th scope="col">{t('analysis.graph.name')}</th>
                  <th scope="col">{t('object.type')}</th>
                  <th scope="col">{t('analysis.graph.distance')}</th>
                  {colourMode === 'level' && <th scope="col">{t('analysis.graph.colourByLevel')}</th>}
                </tr>
              </thead>
              <tbody>
                {graph.value.nodes.map((node) => (
                  <tr key={node.id} data-testid="graph-object" data-id={node.id}>
                    <td>
                      <span className="swatch" style={{ backgroundColor: nodeColours.get(node.id) }} aria-hidden="true" />{' '}
                      <Link to={`/objects/${encodeURIComponent(node.id)}`}>{node.name}</Link>
                    </td>
                    <td>{names.typeName(node.type)}</td>
                    <td>{node.distance === 0 ? t('analysis.graph.start') : format.number(node.distance)}</td>
                    {colourMode === 'level' && <td>{currentLevels === null ? '…' : levelName(currentLevels.value?.get(node.id))}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </>
  );
}
