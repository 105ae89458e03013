import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { RequirementNode } from '../../api/analysis';
import { ApplicabilityRules } from './applicability-rules';
import { RequirementEditor, requirementName, type RequirementChange } from './requirement-form';

interface RequirementControlsProps {
  node: RequirementNode;
  /** False for an imported set, whose requirements change only through a new import. Rules can be changed on any set. */
  editable: boolean;
  /** Called after the requirement or its rules changed, with the saved requirement's identifier after an edit, so the page reloads the tree and the gap analysis. */
  onChanged: (saved: RequirementChange | null) => void;
}

type Panel = 'edit' | 'rules' | null;

/** Renders an administrator's buttons under one group or requirement: edit it, and show or change its own applicability rules. */
export function RequirementControls({ node, editable, onChanged }: RequirementControlsProps) {
  const { t } = useTranslation();
  const [panel, setPanel] = useState<Panel>(null);
  const name = requirementName(node);
  const toggle = (next: Panel) => setPanel((current) => (current === next ? null : next));

  return (
    <div className="no-print" data-testid="requirement-controls">
      <div className="row-actions">
        {editable && (
          <button type="button" className="secondary" data-testid="requirement-edit" aria-expanded={panel === 'edit'} onClick={() => toggle('edit')}>
            {t('requirementAdmin.editRequirement', { identifier: name })}
          </button>
        )}
        <button type="button" className="secondary" data-testid="requirement-rules-toggle" aria-expanded={panel === 'rules'} onClick={() => toggle('rules')}>
          {t('requirementAdmin.requirementRulesTitle', { identifier: name })}
        </button>
      </div>
      {panel === 'edit' && (
        <RequirementEditor
          requirementId={node.id}
          onSaved={(identifier) => {
            setPanel(null);
            onChanged({ action: 'saved', identifier });
          }}
          onCancel={() => setPanel(null)}
        />
      )}
      {panel === 'rules' && (
        <ApplicabilityRules
          subject={{ kind: 'requirement', id: node.id }}
          heading={t('requirementAdmin.requirementRulesTitle', { identifier: name })}
          intro={t('requirementAdmin.requirementRulesIntro')}
          emptyText={t('requirementAdmin.requirementNoRules')}
          headingLevel={3}
          editable
          onChanged={() => onChanged(null)}
        />
      )}
    </div>
  );
}
