import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ASSIGNABLE_ROLES, createObjectType, updateObjectType, type AssignableRole, type ObjectTypeDefinition } from '../../api/meta-model';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { useFormSubmission } from '../../hooks/use-form-submission';
import { fieldOfError, fieldProblem } from './field-errors';
import { localName } from './local-name';

/** Form that adds an object type. */
export function ObjectTypeForm({ onAdded }: { onAdded: (name: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [key, setKey] = useState('');
  const [nameSv, setNameSv] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [icon, setIcon] = useState('');
  const [role, setRole] = useState<AssignableRole>('general');
  const { error, working, submit } = useFormSubmission(async () => {
    await createObjectType({ key, nameSv, nameEn, icon: icon.trim() === '' ? undefined : icon.trim(), role });
    setKey('');
    setNameSv('');
    setNameEn('');
    setIcon('');
    onAdded(localName({ nameSv, nameEn }));
  });

  return (
    <form className="panel" data-testid="object-type-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-title`}>{t('administration.metaModel.addObjectType')}</h3>
      <FormField
        id={`${id}-key`}
        label={t('administration.metaModel.key')}
        hint={t('administration.metaModel.keyHint')}
        problem={fieldProblem(error, 'key')}
        problemTestId="field-error-key"
      >
        {(control) => (
          <input {...control} data-testid="object-type-key" required maxLength={100} pattern="[a-z][a-z0-9_]*" value={key} onChange={(event) => setKey(event.target.value)} />
        )}
      </FormField>
      <FormField id={`${id}-name-sv`} label={t('administration.metaModel.nameSv')}>
        {(control) => <input {...control} data-testid="object-type-name-sv" required maxLength={200} value={nameSv} onChange={(event) => setNameSv(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-name-en`} label={t('administration.metaModel.nameEn')}>
        {(control) => <input {...control} data-testid="object-type-name-en" required maxLength={200} value={nameEn} onChange={(event) => setNameEn(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-icon`} label={t('administration.metaModel.icon')} hint={t('administration.metaModel.iconHint')}>
        {(control) => <input {...control} data-testid="object-type-icon" maxLength={100} value={icon} onChange={(event) => setIcon(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-role`} label={t('administration.metaModel.role')}>
        {(control) => (
          <select {...control} data-testid="object-type-role" value={role} onChange={(event) => setRole(event.target.value as AssignableRole)}>
            {ASSIGNABLE_ROLES.map((option) => (
              <option key={option} value={option}>
                {t(`administration.metaModel.roles.${option}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {fieldOfError(error) === null && <ErrorMessage error={error} testId="object-type-error" />}
      <div className="actions">
        <button type="submit" data-testid="object-type-submit" disabled={working}>
          {t('administration.metaModel.addObjectTypeSubmit')}
        </button>
      </div>
    </form>
  );
}

/**
 * Form that changes the names, icon and role of an existing object type.
 * A built-in type keeps its role, so its role is shown but cannot be chosen.
 */
export function ObjectTypeEditForm({ objectType, onSaved }: { objectType: ObjectTypeDefinition; onSaved: (name: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [nameSv, setNameSv] = useState(objectType.nameSv);
  const [nameEn, setNameEn] = useState(objectType.nameEn);
  const [icon, setIcon] = useState(objectType.icon);
  const [role, setRole] = useState(objectType.role);
  const { error, working, submit } = useFormSubmission(async () => {
    const changes = { version: objectType.version, nameSv, nameEn, icon: icon.trim() };
    await updateObjectType(objectType.key, objectType.builtIn ? changes : { ...changes, role: role as AssignableRole });
    onSaved(localName({ nameSv, nameEn }));
  });

  // The requirement roles are not assignable, so a built-in type with one of them shows it as the only option.
  const roles: readonly string[] = ASSIGNABLE_ROLES.includes(role as AssignableRole) ? ASSIGNABLE_ROLES : [role];
  return (
    <form className="panel" data-testid="object-type-edit-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-title`}>{t('administration.metaModel.editObjectType', { name: localName(objectType) })}</h3>
      <FormField id={`${id}-name-sv`} label={t('administration.metaModel.nameSv')}>
        {(control) => <input {...control} data-testid="object-type-edit-name-sv" required maxLength={200} value={nameSv} onChange={(event) => setNameSv(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-name-en`} label={t('administration.metaModel.nameEn')}>
        {(control) => <input {...control} data-testid="object-type-edit-name-en" required maxLength={200} value={nameEn} onChange={(event) => setNameEn(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-icon`} label={t('administration.metaModel.icon')} hint={t('administration.metaModel.iconHint')}>
        {(control) => <input {...control} data-testid="object-type-edit-icon" maxLength={100} value={icon} onChange={(event) => setIcon(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-role`} label={t('administration.metaModel.role')} hint={objectType.builtIn ? t('administration.metaModel.roleBuiltIn') : undefined}>
        {(control) => (
          <select {...control} data-testid="object-type-edit-role" value={role} disabled={objectType.builtIn} onChange={(event) => setRole(event.target.value)}>
            {roles.map((option) => (
              <option key={option} value={option}>
                {t(`administration.metaModel.roles.${option}`, { defaultValue: option })}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <ErrorMessage error={error} testId="object-type-edit-error" />
      <div className="actions">
        <button type="submit" data-testid="object-type-edit-submit" disabled={working}>
          {t('administration.metaModel.save')}
        </button>
      </div>
    </form>
  );
}
