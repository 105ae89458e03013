import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { RequirementNode } from '../../api/analysis';
import { hasErrorCode } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormSubmission } from '../../hooks/use-form-submission';
import {
  addRequirement,
  REQUIREMENT_KINDS,
  requirementPath,
  updateRequirement,
  type RequirementDetail,
  type RequirementKind,
} from './requirement-admin-api';

/** A requirement that was added or saved, for the page's status message. */
export interface RequirementChange {
  action: 'added' | 'saved';
  identifier: string;
}

/** Text fields shared by the add and edit forms. */
interface TextValues {
  identifier: string;
  title: string;
  label: string;
  statement: string;
  description: string;
}

const EMPTY_TEXTS: TextValues = { identifier: '', title: '', label: '', statement: '', description: '' };

/** Returns what a requirement is called in lists: its label, or its identifier when it has none. */
export function requirementName(requirement: { identifier: string; label: string | null }): string {
  return requirement.label !== null && requirement.label !== '' ? requirement.label : requirement.identifier;
}

/** Lists the tree's nodes in document order with their depth, for the parent choice. */
function flattenTree(nodes: RequirementNode[], depth = 0): { node: RequirementNode; depth: number }[] {
  return nodes.flatMap((node) => [{ node, depth }, ...flattenTree(node.children, depth + 1)]);
}

/** Renders the identifier, title, label, statement and description fields, with the server's length limits. */
function TextFields({ id, values, onChange }: { id: string; values: TextValues; onChange: (values: TextValues) => void }) {
  const { t } = useTranslation();
  const set = (field: keyof TextValues) => (value: string) => onChange({ ...values, [field]: value });
  return (
    <>
      <FormField id={`${id}-identifier`} label={t('requirementAdmin.identifier')} hint={t('requirementAdmin.identifierHint')}>
        {(control) => (
          <input {...control} data-testid="requirement-form-identifier" required maxLength={200} value={values.identifier} onChange={(event) => set('identifier')(event.target.value)} />
        )}
      </FormField>
      <FormField id={`${id}-requirement-title`} label={t('requirementAdmin.title')}>
        {(control) => <input {...control} data-testid="requirement-form-title" required maxLength={500} value={values.title} onChange={(event) => set('title')(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-label`} label={t('requirementAdmin.label')} hint={t('requirementAdmin.labelHint')}>
        {(control) => <input {...control} data-testid="requirement-form-label" maxLength={200} value={values.label} onChange={(event) => set('label')(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-statement`} label={t('requirementAdmin.statement')}>
        {(control) => (
          <textarea {...control} data-testid="requirement-form-statement" rows={4} maxLength={100000} value={values.statement} onChange={(event) => set('statement')(event.target.value)} />
        )}
      </FormField>
      <FormField id={`${id}-description`} label={t('requirementAdmin.description')}>
        {(control) => (
          <textarea {...control} data-testid="requirement-form-description" rows={3} maxLength={20000} value={values.description} onChange={(event) => set('description')(event.target.value)} />
        )}
      </FormField>
    </>
  );
}

interface NewRequirementFormProps {
  setId: string;
  /** The set's tree, from which the parent is chosen. */
  tree: RequirementNode[];
  onAdded: (identifier: string) => void;
}

/** Form that adds a group or requirement to a set maintained by hand, at the top level or under a chosen parent. */
export function NewRequirementForm({ setId, tree, onAdded }: NewRequirementFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [kind, setKind] = useState<RequirementKind>('requirement');
  const [parentId, setParentId] = useState('');
  const [texts, setTexts] = useState<TextValues>(EMPTY_TEXTS);

  // A group can only be placed under a group, so the choice offers only groups for one.
  const parents = flattenTree(tree).filter(({ node }) => kind === 'requirement' || node.kind === 'group');

  const { error, working, submit } = useFormSubmission(async () => {
    const added = await addRequirement(setId, {
      kind,
      identifier: texts.identifier,
      title: texts.title,
      label: texts.label,
      statement: texts.statement,
      description: texts.description,
      parentId: parentId === '' ? undefined : parentId,
    });
    setTexts(EMPTY_TEXTS);
    onAdded(added.identifier);
  });

  return (
    <form className="panel no-print" data-testid="requirement-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-title`}>{t('requirementAdmin.addRequirement')}</h3>
      <FormField id={`${id}-kind`} label={t('requirementAdmin.kind')}>
        {(control) => (
          <select {...control} data-testid="requirement-form-kind" value={kind} onChange={(event) => setKind(event.target.value as RequirementKind)}>
            {REQUIREMENT_KINDS.map((option) => (
              <option key={option} value={option}>
                {option === 'group' ? t('requirementAdmin.kindGroup') : t('requirementAdmin.kindRequirement')}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id={`${id}-parent`} label={t('requirementAdmin.parent')} hint={t('requirementAdmin.parentHint')}>
        {(control) => (
          <select {...control} data-testid="requirement-form-parent" value={parentId} onChange={(event) => setParentId(event.target.value)}>
            <option value="">{t('requirementAdmin.topLevel')}</option>
            {parents.map(({ node, depth }) => (
              <option key={node.id} value={node.id}>
                {`${'\u2003'.repeat(depth)}${requirementName(node)} ${node.title}`}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextFields id={id} values={texts} onChange={setTexts} />
      <ErrorMessage error={error} testId="requirement-form-error" />
      <div className="actions">
        <button type="submit" data-testid="requirement-form-submit" disabled={working}>
          {t('requirementAdmin.addRequirementSubmit')}
        </button>
      </div>
    </form>
  );
}

interface RequirementEditFormProps {
  requirement: RequirementDetail;
  onSaved: (identifier: string) => void;
  /** Called after a 409 version conflict, so the current version is loaded while the form keeps the user's input. */
  onConflict: () => void;
  onCancel: () => void;
}

/**
 * Form that changes a group or requirement's texts or withdraws it. Kind and
 * parent cannot be changed. It sends the version it was loaded with, so a
 * change made by someone else in between is a 409 REQUIREMENT_VERSION_CONFLICT.
 */
function RequirementEditForm({ requirement, onSaved, onConflict, onCancel }: RequirementEditFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [texts, setTexts] = useState<TextValues>({
    identifier: requirement.identifier,
    title: requirement.title,
    label: requirement.label,
    statement: requirement.statement,
    description: requirement.description,
  });
  const [withdrawn, setWithdrawn] = useState(requirement.withdrawn);

  const { error, working, submit } = useFormSubmission(
    async () => {
      const saved = await updateRequirement(requirement.id, { version: requirement.version, ...texts, withdrawn });
      onSaved(saved.identifier);
    },
    (failure) => {
      if (hasErrorCode(failure, 'REQUIREMENT_VERSION_CONFLICT')) {
        onConflict();
      }
    },
  );

  return (
    <form className="panel no-print" data-testid="requirement-edit-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-title`}>{t('requirementAdmin.editRequirement', { identifier: requirementName(requirement) })}</h3>
      <TextFields id={id} values={texts} onChange={setTexts} />
      <div className="checkbox-field">
        <input
          id={`${id}-withdrawn`}
          type="checkbox"
          data-testid="requirement-form-withdrawn"
          aria-describedby={`${id}-withdrawn-hint`}
          checked={withdrawn}
          onChange={(event) => setWithdrawn(event.target.checked)}
        />
        <label htmlFor={`${id}-withdrawn`}>{t('requirementAdmin.withdrawn')}</label>
      </div>
      <p className="hint" id={`${id}-withdrawn-hint`}>
        {t('requirementAdmin.withdrawnHint')}
      </p>
      <ErrorMessage error={error} testId="requirement-edit-error" />
      <div className="actions">
        <button type="submit" data-testid="requirement-edit-submit" disabled={working}>
          {t('requirementAdmin.saveRequirement')}
        </button>
        <button type="button" className="secondary" data-testid="requirement-edit-cancel" onClick={onCancel}>
          {t('confirm.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Loads a group or requirement with GET /api/requirements/:id, which has the description and version the tree lacks, and shows its edit form. */
export function RequirementEditor({ requirementId, onSaved, onCancel }: { requirementId: string; onSaved: (identifier: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const requirement = useApiResource<RequirementDetail>(requirementPath(requirementId));
  if (requirement.data === undefined) {
    return (
      <div aria-live="polite">
        {requirement.loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={requirement.error} />
      </div>
    );
  }
  // The key restarts the form with the loaded values only when another requirement is edited.
  // After a conflict the form keeps the input and takes the new version.
  return <RequirementEditForm key={requirement.data.id} requirement={requirement.data} onSaved={onSaved} onConflict={requirement.reload} onCancel={onCancel} />;
}
