import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { hasErrorCode } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { useFormSubmission } from '../../hooks/use-form-submission';
import { createRequirementSet, updateRequirementSet, type RequirementSetWithSource } from './requirement-admin-api';

interface SetFieldsProps {
  id: string;
  name: string;
  description: string;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
}

/** Renders the name and description fields, with the server's length limits. */
function SetFields({ id, name, description, onName, onDescription }: SetFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <FormField id={`${id}-name`} label={t('requirementAdmin.setName')}>
        {(control) => <input {...control} data-testid="set-form-name" required maxLength={500} value={name} onChange={(event) => onName(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-description`} label={t('requirementAdmin.setDescription')}>
        {(control) => (
          <textarea {...control} data-testid="set-form-description" rows={3} maxLength={20000} value={description} onChange={(event) => onDescription(event.target.value)} />
        )}
      </FormField>
    </>
  );
}

/** Form that creates a requirement set maintained by hand, then calls `onCreated` with its id and name. */
export function NewSetForm({ onCreated }: { onCreated: (id: string, name: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  const { error, working, submit } = useFormSubmission(async () => {
    const created = await createRequirementSet({ name, description });
    setName('');
    setDescription('');
    onCreated(created.id, created.name);
  });

  return (
    <form className="panel no-print" data-testid="new-set-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h2 id={`${id}-title`}>{t('requirementAdmin.newSet')}</h2>
      <SetFields id={id} name={name} description={description} onName={setName} onDescription={setDescription} />
      <ErrorMessage error={error} testId="set-form-error" />
      <div className="actions">
        <button type="submit" data-testid="set-form-submit" disabled={working}>
          {t('requirementAdmin.createSet')}
        </button>
      </div>
    </form>
  );
}

interface SetEditFormProps {
  set: RequirementSetWithSource;
  onSaved: () => void;
  /** Called after a 409 version conflict, so the page loads the current version while the form keeps the user's input. */
  onConflict: () => void;
  onCancel: () => void;
}

/**
 * Form that changes the name and description of a set maintained by hand.
 * It sends the version of the set the page shows, so a change made by
 * someone else in between is a 409 REQUIREMENT_SET_VERSION_CONFLICT shown
 * here. Saving again after the page has reloaded applies the input over the
 * current version.
 */
export function SetEditForm({ set, onSaved, onConflict, onCancel }: SetEditFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(set.name);
  const [description, setDescription] = useState(set.description ?? '');

  const { error, working, submit } = useFormSubmission(
    async () => {
      await updateRequirementSet(set.id, { version: set.version, name, description });
      onSaved();
    },
    (failure) => {
      if (hasErrorCode(failure, 'REQUIREMENT_SET_VERSION_CONFLICT')) {
        onConflict();
      }
    },
  );

  return (
    <form className="panel no-print" data-testid="set-edit-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h2 id={`${id}-title`}>{t('requirementAdmin.editSet')}</h2>
      <SetFields id={id} name={name} description={description} onName={setName} onDescription={setDescription} />
      <ErrorMessage error={error} testId="set-edit-error" />
      <div className="actions">
        <button type="submit" data-testid="set-edit-submit" disabled={working}>
          {t('requirementAdmin.saveSet')}
        </button>
        <button type="button" className="secondary" data-testid="set-edit-cancel" onClick={onCancel}>
          {t('confirm.cancel')}
        </button>
      </div>
    </form>
  );
}
