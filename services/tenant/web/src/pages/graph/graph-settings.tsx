import { useTranslation } from 'react-i18next';

import type { ScaleDimension } from '../../api/classification';
import { useMetaModel } from '../../hooks/use-meta-model';
import { currentLanguage } from '../../i18n';

export type ColourMode = 'type' | 'level';

/** Depths the graph offers. Depth 4 and more reach most of a typical model and exceed the node limit. */
const DEPTHS = [1, 2, 3];

interface GraphSettingsProps {
  startName: string;
  depth: number;
  onDepthChange: (depth: number) => void;
  /** Null while every relation type is followed. */
  relationTypes: ReadonlySet<string> | null;
  onRelationTypesChange: (types: ReadonlySet<string> | null) => void;
  colourMode: ColourMode;
  onColourModeChange: (mode: ColourMode) => void;
  dimension: string | null;
  onDimensionChange: (dimension: string) => void;
  dimensions: ScaleDimension[];
}

/** Form controls of the graph: depth, relation types followed, and what the node colours show. */
export function GraphSettings(props: GraphSettingsProps) {
  const { t } = useTranslation();
  const names = useMetaModel();
  const swedish = currentLanguage() === 'sv';
  const allTypes = (names.metaModel?.relationTypes ?? []).map((type) => type.key);

  const toggleRelationType = (key: string, checked: boolean) => {
    const next = new Set(props.relationTypes ?? allTypes);
    if (checked) {
      next.add(key);
    } else {
      next.delete(key);
    }
    props.onRelationTypesChange(next.size === allTypes.length ? null : next);
  };

  return (
    <section aria-labelledby="graph-settings-heading" className="panel graph-settings">
      <h2 id="graph-settings-heading">{t('analysis.graph.settings')}</h2>
      <div className="field">
        <label htmlFor="graph-depth">{t('analysis.graph.depth')}</label>
        <select
          id="graph-depth"
          data-testid="graph-depth"
          aria-describedby="graph-depth-hint"
          value={props.depth}
          onChange={(event) => props.onDepthChange(Number(event.target.value))}
        >
          {DEPTHS.map((depth) => (
            <option key={depth} value={depth}>
              {depth}
            </option>
          ))}
        </select>
        <p id="graph-depth-hint" className="hint">
          {t('analysis.graph.depthHint', { name: props.startName })}
        </p>
      </div>

      <fieldset className="field">
        <legend>{t('analysis.graph.colourBy')}</legend>
        <label>
          <input
            type="radio"
            name="graph-colour"
            value="type"
            data-testid="graph-colour-type"
            checked={props.colourMode === 'type'}
            onChange={() => props.onColourModeChange('type')}
          />{' '}
          {t('analysis.graph.colourByType')}
        </label>{' '}
        <label>
          <input
            type="radio"
            name="graph-colour"
            value="level"
            data-testid="graph-colour-level"
            checked={props.colourMode === 'level'}
            onChange={() => props.onColourModeChange('level')}
          />{' '}
          {t('analysis.graph.colourByLevel')}
        </label>
      </fieldset>

      {props.colourMode === 'level' && (
        <div className="field">
          <label htmlFor="graph-dimension">{t('analysis.graph.dimension')}</label>
          <select
            id="graph-dimension"
            data-testid="graph-dimension"
            value={props.dimension ?? ''}
            onChange={(event) => props.onDimensionChange(event.target.value)}
          >
            {props.dimensions.map((dimension) => (
              <option key={dimension.key} value={dimension.key}>
                {swedish ? dimension.nameSv : dimension.nameEn}
              </option>
            ))}
          </select>
        </div>
      )}

      {allTypes.length > 0 && (
        <fieldset className="field relation-type-choice" data-testid="graph-relation-types">
          <legend>{t('analysis.graph.relationTypes')}</legend>
          <ul>
            {allTypes.map((key) => (
              <li key={key}>
                <label>
                  <input
                    type="checkbox"
                    data-testid={`graph-relation-type-${key}`}
                    checked={props.relationTypes === null || props.relationTypes.has(key)}
                    onChange={(event) => toggleRelationType(key, event.target.checked)}
                  />{' '}
                  {names.relationName(key)}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
    </section>
  );
}
