import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { ASSIGNABLE_ROLES, createObjectType, updateObjectType, type AssignableRole, type ObjectTypeDefinition } from '../../api/meta-model';
import { ErrorMessage } from '../../components/error-message';
import { describedBy, FieldError, fieldOfError } from './field-errors';
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
  const [error, setError] = useState<unknown>(undefined);
  const [working, setWorking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setWorking(true);
    try {
      await createObjectType({ key, nameSv, nameEn, icon: icon.trim() === '' ? undefined : icon.trim(), role });
      setKey('');
      setNameSv('');
      setNameEn('');
      setIcon('');
      onAdded(localName({ nameSv, nameEn }));
    } catch (failure) {
      setError(failure);
    } finally {
      setWorking(false);
    }
  };

  return (
    <form className="panel" data-testid="object-type-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-title`}>{t('administration.metaModel.addObjectType')}</h3>
      <div className="field">
        <label htmlFor={`${id}-key`}>{t('administration.metaModel.key')}</label>
        <input
          id={`${id}-key`}
          data-testid="object-type-key"
          required
          maxLength={100}
          pattern="[a-z][a-z0-9_]*"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          {...describedBy(id, 'key', error, `${id}-key-hint`)}
        />
        <p className="hint" id={`${id}-key-hint`}>
          {t('administration.metaModel.keyHint')}
        </p>
        <FieldError formId={id} field="key" error={error} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name-sv`}>{t('administration.metaModel.nameSv')}</label>
        <input id={`${id}-name-sv`} data-testid="object-type-name-sv" required maxLength={200} value={nameSv} onChange={(event) => setNameSv(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name-en`}>{t('administration.metaModel.nameEn')}</label>
        <input id={`${id}-name-en`} data-testid="object-type-name-en" required maxLength={200} value={nameEn} onChange={(event) => setNameEn(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-icon`}>{t('administration.metaModel.icon')}</label>
        <input id={`${id}-icon`} data-testid="object-type-icon" maxLength={100} value={icon} aria-describedby={`${id}-icon-hint`} onChange={(event) => setIcon(event.target.value)} />
        <p className="hint" id={`${id}-icon-hint`}>
          {t('administration.metaModel.iconHint')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('administration.metaModel.role')}</label>
        <select id={`${id}-role`} data-testid="object-type-role" value={role} onChange={(event) => setRole(event.target.value as AssignableRole)}>
          {ASSIGNABLE_ROLES.map((option) => (
            <option key={option} value={option}>
              {t(`administration.metaModel.roles.${option}`)}
            </option>
          ))}
        </select>
      </div>
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
  const [error, setError] = useState<unknown>(undefined);
  const [working, setWorking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setWorking(true);
    try {
      const changes = { version: objectType.version, nameSv, nameEn, icon: icon.trim() };
      await updateObjectType(objectType.key, objectType.builtIn ? changes : { ...changes, role: role as AssignableRole });
      onSaved(localName({ nameSv, nameEn }));
    } catch (failure) {
      setError(failure);
    } finally {
      setWorking(false);
    }
  };

  // The requirement roles are not assignable, so a built-in type with one of them shows it as the only option.
  const roles: readonly string[] = ASSIGNABLE_ROLES.includes(role as AssignableRole) ? ASSIGNABLE_ROLES : [role];
  return (
    <form className="panel" data-testid="object-type-edit-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-title`}>{t('administration.metaModel.editObjectType', { name: localName(objectType) })}</h3>
      <div className="field">
        <label htmlFor={`${id}-name-sv`}>{t('administration.metaModel.nameSv')}</label>
        <input id={`${id}-name-sv`} data-testid="object-type-edit-name-sv" required maxLength={200} value={nameSv} onChange={(event) => setNameSv(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name-en`}>{t('administration.metaModel.nameEn')}</label>
        <input id={`${id}-name-en`} data-testid="object-type-edit-name-en" required maxLength={200} value={nameEn} onChange={(event) => setNameEn(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-icon`}>{t('administration.metaModel.icon')}</label>
        <input id={`${id}-icon`} data-testid="object-type-edit-icon" maxLength={100} value={icon} aria-describedby={`${id}-icon-hint`} onChange={(event) => setIcon(event.target.value)} />
        <p className="hint" id={`${id}-icon-hint`}>
          {t('administration.metaModel.iconHint')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('administration.metaModel.role')}</label>
        <select
          id={`${id}-role`}
          data-testid="object-type-edit-role"
          value={role}
          disabled={objectType.builtIn}
          aria-describedby={objectType.builtIn ? `${id}-role-hint` : undefined}
          onChange={(event) => setRole(event.target.value)}
        >
          {roles.map((option) => (
            <option key={option} value={option}>
              {t(`administration.metaModel.roles.${option}`, { defaultValue: option })}
            </option>
          ))}
        </select>
        {objectType.builtIn && (
          <p className="hint" id={`${id}-role-hint`}>
            {t('administration.metaModel.roleBuiltIn')}
          </p>
        )}
      </div>
      <ErrorMessage error={error} testId="object-type-edit-error" />
      <div className="actions">
        <button type="submit" data-testid="object-type-edit-submit" disabled={working}>
          {t('administration.metaModel.save')}
        </button>
      </div>
    </form>
  );
}
