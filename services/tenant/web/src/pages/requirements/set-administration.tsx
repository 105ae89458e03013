import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';
import { deleteRequirementSet, previewSetDeletion, type RequirementSetWithSource, type SetDeletionPreview } from './requirement-admin-api';
import { SetEditForm } from './set-form';

interface SetAdministrationProps {
  set: RequirementSetWithSource;
  /** Reloads the set, after a save or a version conflict. */
  reloadSet: () => void;
}

/**
 * Renders an administrator's controls for a whole set: editing the name and
 * description of a set maintained by hand, and deleting any set after its
 * delete preview. An imported set shows a note that its catalog maintains it.
 */
export function SetAdministration({ set, reloadSet }: SetAdministrationProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [preview, setPreview] = useState<SetDeletionPreview | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(undefined);
  const imported = set.source.format !== 'manual';

  const startDeletion = async () => {
    setSaved(false);
    setPreviewError(undefined);
    try {
      setPreview(await previewSetDeletion(set.id));
    } catch (failure) {
      setPreviewError(failure);
    }
  };

  return (
    <div className="no-print" data-testid="set-administration">
      {imported && (
        <p className="notice" data-testid="set-imported">
          {t('requirementAdmin.imported')}
        </p>
      )}
      <div aria-live="polite">
        {saved && (
          <p className="success" data-testid="set-status">
            {t('requirementAdmin.setSaved')}
          </p>
        )}
      </div>
      <ErrorMessage error={previewError} testId="set-delete-error" />
      <div className="actions">
        {!imported && (
          <button type="button" className="secondary" data-testid="set-edit" aria-expanded={editing} onClick={() => setEditing((current) => !current)}>
            {t('requirementAdmin.editSet')}
          </button>
        )}
        <button type="button" className="secondary" data-testid="set-delete" onClick={() => void startDeletion()}>
          {t('requirementAdmin.deleteSet')}
        </button>
      </div>
      {editing && !imported && (
        <SetEditForm
          set={set}
          onSaved={() => {
            setEditing(false);
            setSaved(true);
            reloadSet();
          }}
          onConflict={reloadSet}
          onCancel={() => setEditing(false)}
        />
      )}
      {preview !== null && (
        <ConfirmDialog
          title={t('requirementAdmin.deleteTitle', { name: set.name })}
          text={t('requirementAdmin.deleteText')}
          confirmLabel={t('requirementAdmin.deleteConfirm')}
          onConfirm={async () => {
            await deleteRequirementSet(set.id, preview);
            void navigate('/requirements');
          }}
          onClose={() => setPreview(null)}
        >
          <ul data-testid="set-delete-counts">
            <li>{t('requirementAdmin.deleteRequirements', { number: format.number(preview.requirements) })}</li>
            <li>{t('requirementAdmin.deleteStatements', { number: format.number(preview.statements) })}</li>
            <li>{t('requirementAdmin.deleteRules', { number: format.number(preview.applicabilityRules) })}</li>
          </ul>
        </ConfirmDialog>
      )}
    </div>
  );
}
