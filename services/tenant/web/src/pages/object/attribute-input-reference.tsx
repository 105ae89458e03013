import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest, queryString } from '../../api/client';
import type { ModelObject, ObjectPage } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { FormField, type FieldMessage } from '../../components/form-field';
import { useApiResource } from '../../hooks/use-api-resource';
import { useMetaModel } from '../../hooks/use-meta-model';

/** Number of matching objects offered at a time. */
const CANDIDATE_LIMIT = 20;

/** Pause in typing, in milliseconds, before the search is sent. */
const SEARCH_DELAY = 250;

interface ReferenceInputProps {
  id: string;
  label: string;
  problem?: FieldMessage | null;
  problemTestId: string;
  requiredMark?: string;
  testId: string;
  /** The type the referenced object must have, or null for any type. */
  referenceType: string | null;
  /** The id of the referenced object, or an empty text for none. */
  value: string;
  onChange: (value: string) => void;
}

/**
 * Renders a search field and a list of the objects that match it, searched
 * as the user types with GET /api/objects?type=&q=. The list keeps the
 * chosen object, named once it has loaded, even when the search no longer
 * finds it. A search field with a list of native options is used, as in the
 * relation form, because it works with the keyboard and screen readers
 * without a combobox widget.
 */
export function ReferenceInput({ id, label, problem, problemTestId, requiredMark, testId, referenceType, value, onChange }: ReferenceInputProps) {
  const { t } = useTranslation();
  const { typeName } = useMetaModel();
  const [search, setSearch] = useState('');
  const [candidates, setCandidates] = useState<ModelObject[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const chosenIsCandidate = candidates.some((candidate) => candidate.id === value);
  const chosen = useApiResource<ModelObject>(value === '' || chosenIsCandidate ? null : `/api/objects/${encodeURIComponent(value)}`);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setError(undefined);
      apiRequest<ObjectPage>(`/api/objects${queryString({ type: referenceType, q: search.trim(), limit: CANDIDATE_LIMIT })}`, { signal: controller.signal })
        .then((page) => setCandidates(page.objects))
        .catch((failure: unknown) => {
          if (!controller.signal.aborted) {
            setError(failure);
          }
        });
    }, SEARCH_DELAY);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [search, referenceType]);

  const optionText = (object: ModelObject): string => `${object.name} (${typeName(object.type)})`;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-search`}>{t('modelObjects.form.referenceSearch', { attribute: label })}</label>
        <input
          id={`${id}-search`}
          type="search"
          data-testid={`${testId}-search`}
          maxLength={500}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <ErrorMessage error={error} testId={`${testId}-search-error`} />
      </div>
      <FormField id={id} label={label} problem={problem} problemTestId={problemTestId} requiredMark={requiredMark}>
        {(control) => (
          <select {...control} data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)}>
            <option value="">{t('modelObjects.form.noValue')}</option>
            {value !== '' && !chosenIsCandidate && (
              <option value={value}>{chosen.data === undefined ? value : optionText(chosen.data)}</option>
            )}
            {candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {optionText(candidate)}
              </option>
            ))}
          </select>
        )}
      </FormField>
    </>
  );
}

/** Shows the name and type of a referenced object once it has loaded, and its id until then or when it is missing. */
export function ReferenceName({ id }: { id: string }) {
  const { typeName } = useMetaModel();
  const { data } = useApiResource<ModelObject>(`/api/objects/${encodeURIComponent(id)}`);
  return <>{data === undefined ? id : `${data.name} (${typeName(data.type)})`}</>;
}
