import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest, queryString } from '../../api/client';
import type { RelationTypeDefinition } from '../../api/meta-model';
import type { ModelObject, ObjectPage } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useMetaModel, type RelationDirection } from '../../hooks/use-meta-model';

/** Number of matching objects offered as the other end. */
const CANDIDATE_LIMIT = 50;

interface RelationChoice {
  value: string;
  relationType: RelationTypeDefinition;
  direction: RelationDirection;
}

/** Lists every relation type and direction in which the meta-model allows an object of `type` at this end. */
function relationChoices(relationTypes: RelationTypeDefinition[], type: string): RelationChoice[] {
  const choices: RelationChoice[] = [];
  for (const relationType of relationTypes) {
    if (relationType.sourceTypes === null || relationType.sourceTypes.includes(type)) {
      choices.push({ value: `outgoing:${relationType.key}`, relationType, direction: 'outgoing' });
    }
    if (relationType.targetTypes === null || relationType.targetTypes.includes(type)) {
      choices.push({ value: `incoming:${relationType.key}`, relationType, direction: 'incoming' });
    }
  }
  return choices;
}

interface AddRelationFormProps {
  object: ModelObject;
  onAdded: () => void;
}

/**
 * Renders the form that relates the object to another with POST
 * /api/relations. It offers only the relation types the meta-model allows
 * for the object's type, each in the direction it is read from here, and
 * only objects of a type allowed at the other end.
 */
export function AddRelationForm({ object, onAdded }: AddRelationFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const { metaModel, relationName, typeName } = useMetaModel();
  const choices = relationChoices(metaModel?.relationTypes ?? [], object.type);
  const [chosen, setChosen] = useState('');
  const choice = choices.find((candidate) => candidate.value === chosen) ?? choices[0];
  const [search, setSearch] = useState('');
  const [candidates, setCandidates] = useState<ModelObject[]>([]);
  const [otherId, setOtherId] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<'idle' | 'adding' | 'added'>('idle');

  let otherTypes: string[] | null = null;
  if (choice !== undefined) {
    otherTypes = choice.direction === 'outgoing' ? choice.relationType.targetTypes : choice.relationType.sourceTypes;
  }
  const otherTypesKey = otherTypes === null ? '' : otherTypes.join(',');

  useEffect(() => {
    const controller = new AbortController();
    const allowed = otherTypesKey === '' ? null : new Set(otherTypesKey.split(','));
    const type = allowed !== null && allowed.size === 1 ? [...allowed][0] : undefined;
    const timer = setTimeout(() => {
      apiRequest<ObjectPage>(`/api/objects${queryString({ q: search.trim(), type, limit: CANDIDATE_LIMIT })}`, { signal: controller.signal })
        .then((page) => {
          const found = page.objects.filter((candidate) => candidate.id !== object.id && (allowed === null || allowed.has(candidate.type)));
          setCandidates(found);
          setOtherId((current) => (found.some((candidate) => candidate.id === current) ? current : (found[0]?.id ?? '')));
        })
        .catch((failure: unknown) => {
          if (!controller.signal.aborted) {
            setError(failure);
          }
        });
      // Waits for a pause in typing before searching.
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [search, otherTypesKey, object.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (choice === undefined || otherId === '') {
      return;
    }
    setError(undefined);
    setStatus('adding');
    const [sourceId, targetId] = choice.direction === 'outgoing' ? [object.id, otherId] : [otherId, object.id];
    try {
      await apiRequest('/api/relations', { method: 'POST', body: { type: choice.relationType.key, sourceId, targetId } });
      setStatus('added');
      onAdded();
    } catch (failure) {
      setStatus('idle');
      setError(failure);
    }
  };

  if (choices.length === 0) {
    return null;
  }
  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>{t('modelObjects.relations.add')}</h2>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('modelObjects.relations.relationType')}</label>
          <select id={`${id}-type`} data-testid="add-relation-type" value={choice?.value ?? ''} onChange={(event) => setChosen(event.target.value)}>
            {choices.map((candidate) => (
              <option key={candidate.value} value={candidate.value}>
                {relationName(candidate.relationType.key, candidate.direction)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-search`}>{t('modelObjects.relations.search')}</label>
          <input id={`${id}-search`} type="search" data-testid="add-relation-search" maxLength={500} value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-other`}>{t('modelObjects.relations.target')}</label>
          <select id={`${id}-other`} data-testid="add-relation-other" required value={otherId} onChange={(event) => setOtherId(event.target.value)}>
            {candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name} ({typeName(candidate.type)})
              </option>
            ))}
          </select>
          {candidates.length === 0 && <p className="muted">{t('modelObjects.relations.noCandidates')}</p>}
        </div>
        <button type="submit" data-testid="add-relation-submit" disabled={status === 'adding' || otherId === ''}>
          {status === 'adding' ? t('modelObjects.relations.adding') : t('modelObjects.relations.submit')}
        </button>
      </form>
      <div aria-live="polite">
        {status === 'added' && <p className="success">{t('modelObjects.relations.added')}</p>}
        <ErrorMessage error={error} testId="add-relation-error" />
      </div>
    </section>
  );
}
