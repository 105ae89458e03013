import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import type { ScaleDimension, ScaleLevel } from '../../api/classification';
import { localName } from './local-name';

/** Highest level number that the API accepts. A dimension has at most 21 levels, numbered 0 to this. */
export const MAX_LEVEL = 20;

const LEVEL_TEXT_FIELDS = ['nameSv', 'nameEn', 'descriptionSv', 'descriptionEn'] as const;
const DIMENSION_TEXT_FIELDS = [
  { field: 'nameSv', maxLength: 100 },
  { field: 'nameEn', maxLength: 100 },
  { field: 'abbreviationSv', maxLength: 10 },
  { field: 'abbreviationEn', maxLength: 10 },
] as const;

interface ScaleDimensionFieldsetProps {
  dimension: ScaleDimension;
  /** False for a dimension the saved scale already has, whose key cannot change. */
  isNew: boolean;
  onChange: (dimension: ScaleDimension) => void;
  onRemove: () => void;
}

/** Renders the fields of one dimension of the classification scale and a table of its levels. */
export function ScaleDimensionFieldset({ dimension, isNew, onChange, onRemove }: ScaleDimensionFieldsetProps) {
  const { t } = useTranslation();
  const id = useId();
  const name = dimension.nameSv === '' && dimension.nameEn === '' ? t('administration.scale.newDimension') : localName(dimension);

  const changeLevel = (index: number, level: ScaleLevel) => {
    onChange({ ...dimension, levels: dimension.levels.map((current, position) => (position === index ? level : current)) });
  };

  const addLevel = () => {
    const next = Math.max(-1, ...dimension.levels.map((level) => level.level)) + 1;
    onChange({ ...dimension, levels: [...dimension.levels, { level: next, nameSv: '', nameEn: '', descriptionSv: '', descriptionEn: '' }] });
  };

  const highest = Math.max(-1, ...dimension.levels.map((level) => level.level));
  return (
    <fieldset className="panel" data-testid="scale-dimension" data-key={dimension.key}>
      <legend>{t('administration.scale.dimension', { name })}</legend>
      <div className="field">
        <label htmlFor={`${id}-key`}>{t('administration.scale.key')}</label>
        <input
          id={`${id}-key`}
          data-testid="scale-dimension-key"
          required
          readOnly={!isNew}
          maxLength={40}
          pattern="[a-z][a-z0-9_]*"
          value={dimension.key}
          aria-describedby={`${id}-key-hint`}
          onChange={(event) => onChange({ ...dimension, key: event.target.value })}
        />
        <p className="hint" id={`${id}-key-hint`}>
          {t('administration.scale.keyHint')}
        </p>
      </div>
      {DIMENSION_TEXT_FIELDS.map(({ field, maxLength }) => (
        <div className="field" key={field}>
          <label htmlFor={`${id}-${field}`}>{t(`administration.scale.${field}`)}</label>
          <input
            id={`${id}-${field}`}
            data-testid={`scale-dimension-${field}`}
            required
            maxLength={maxLength}
            value={dimension[field]}
            onChange={(event) => onChange({ ...dimension, [field]: event.target.value })}
          />
        </div>
      ))}

      <div className="table-scroll">
        <table data-testid="scale-levels">
          <caption>{t('administration.scale.levelsCaption', { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('administration.scale.level')}</th>
              {LEVEL_TEXT_FIELDS.map((field) => (
                <th scope="col" key={field}>
                  {t(`administration.scale.${field}`)}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">{t('administration.metaModel.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {dimension.levels.map((level, index) => (
              // Levels are edited in place and have no id of their own, so their position is the key.
              <tr key={index} data-testid="scale-level" data-level={level.level}>
                <td>
                  <input
                    type="number"
                    data-testid="scale-level-number"
                    required
                    min={0}
                    max={MAX_LEVEL}
                    step={1}
                    value={level.level}
                    aria-label={t('administration.scale.cellLabel', { field: t('administration.scale.level'), level: level.level })}
                    onChange={(event) => changeLevel(index, { ...level, level: event.target.valueAsNumber })}
                  />
                </td>
                {LEVEL_TEXT_FIELDS.map((field) => (
                  <td key={field}>
                    <input
                      data-testid={`scale-level-${field}`}
                      required={field === 'nameSv' || field === 'nameEn'}
                      maxLength={field.startsWith('name') ? 100 : 2000}
                      value={level[field]}
                      aria-label={t('administration.scale.cellLabel', { field: t(`administration.scale.${field}`), level: level.level })}
                      onChange={(event) => changeLevel(index, { ...level, [field]: event.target.value })}
                    />
                  </td>
                ))}
                <td>
                  <button
                    type="button"
                    className="secondary"
                    data-testid="scale-level-remove"
                    disabled={dimension.levels.length <= 1}
                    onClick={() => onChange({ ...dimension, levels: dimension.levels.filter((_, position) => position !== index) })}
                  >
                    {t('administration.scale.removeLevel', { level: level.level })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" className="secondary" data-testid="scale-level-add" disabled={dimension.levels.length > MAX_LEVEL || highest >= MAX_LEVEL} onClick={addLevel}>
          {t('administration.scale.addLevel')}
        </button>
        <button type="button" className="secondary" data-testid="scale-dimension-remove" onClick={onRemove}>
          {t('administration.scale.removeDimension', { name })}
        </button>
      </div>
    </fieldset>
  );
}
