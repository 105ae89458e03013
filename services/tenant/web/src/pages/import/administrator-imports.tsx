import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '../../api/client';
import type { StreamEvent } from '../../api/import-stream';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { ImportProgress } from './import-progress';
import { PreviewError, PreviewResult, useImportPreview } from './import-preview';
import { MODEL_COUNT_KEYS, ModelPreviewBody, OscalPreviewBody, type ModelPreview, type OscalPreview } from './preview-bodies';
import { useStreamedImport } from './use-streamed-import';

const MODEL_PARTS = ['metaModel', 'requirements', 'objects'] as const;
type ModelPart = (typeof MODEL_PARTS)[number];

/** Last line of a model or template import: a count per kind of thing imported. */
type ModelImportFinished = StreamEvent & Partial<Record<(typeof MODEL_COUNT_KEYS)[number], number>>;

/** Last line of an OSCAL import. */
interface OscalImportFinished extends StreamEvent {
  setId: string;
  requirements: number;
  groups: number;
  added: number;
  changed: number;
  unchanged: number;
  withdrawn: number;
}

interface TemplateGrant {
  template: string;
  origin: string;
  expiresAt: string;
  expired: boolean;
}

function PartCheckboxes({ parts, onChange }: { parts: ModelPart[]; onChange: (parts: ModelPart[]) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset>
      <legend>{t('administration.dataImports.parts')}</legend>
      {MODEL_PARTS.map((part) => (
        <div className="checkbox-field" key={part}>
          <input
            id={`${id}-${part}`}
            type="checkbox"
            data-testid={`import-part-${part}`}
            checked={parts.includes(part)}
            onChange={(event) => onChange(event.target.checked ? MODEL_PARTS.filter((item) => item === part || parts.includes(item)) : parts.filter((item) => item !== part))}
          />
          <label htmlFor={`${id}-${part}`}>{t(`administration.dataImports.partNames.${part}`)}</label>
        </div>
      ))}
    </fieldset>
  );
}

function ModelCounts({ result, testId }: { result: ModelImportFinished; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="success" data-testid={testId}>
      <p>{t('administration.dataImports.resultTitle')}</p>
      <dl className="fields">
        {MODEL_COUNT_KEYS.filter((key) => typeof result[key] === 'number').map((key) => (
          <div className="field-row" key={key} data-testid={`${testId}-${key}`} data-count={result[key]}>
            <dt>{t(`administration.dataImports.counts.${key}`)}</dt>
            <dd>{format.number(result[key] ?? 0)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Shows the `problems` of a rejected model document, or the error's message when it has none. */
function ModelImportError({ error, testId }: { error: unknown; testId: string }) {
  const { t } = useTranslation();
  const problems = error instanceof ApiError && Array.isArray(error.details.problems) ? (error.details.problems as { path: string; code: string; message: string }[]) : [];
  if (problems.length === 0) {
    return <ErrorMessage error={error} testId={testId} />;
  }
  return (
    <div className="error" role="alert" data-testid={testId} data-error-code={error instanceof ApiError ? error.code : undefined}>
      <p>{t('administration.dataImports.problemsTitle')}</p>
      <ul>
        {problems.map((problem, index) => (
          <li key={`${problem.path}-${index}`} data-code={problem.code}>
            {t('administration.dataImports.problem', { path: problem.path, message: problem.message })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Import of a JSON model document that ESM exported. Like every import on
 * this page it offers a dry run first, and a dry run that found a problem
 * blocks the import until the file or the parts change.
 */
export function ModelImportSection() {
  const { t } = useTranslation();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [parts, setParts] = useState<ModelPart[]>([...MODEL_PARTS]);
  const modelImport = useStreamedImport<ModelImportFinished>();
  const preview = useImportPreview<ModelPreview>();
  const path = `/api/imports/model?parts=${parts.join(',')}`;

  const runPreview = (event: FormEvent) => {
    event.preventDefault();
    if (file !== null) {
      void preview.run(`${path}&dryRun=true`, file, 'application/json');
    }
  };

  const runImport = () => {
    if (file !== null) {
      preview.reset();
      void modelImport.run({ path, body: file, contentType: 'application/json' }, file.size);
    }
  };
  const blocked = preview.error !== undefined;

  return (
    <section aria-labelledby={`${id}-title`} data-testid="model-import">
      <h2 id={`${id}-title`}>{t('administration.dataImports.model.title')}</h2>
      <p>{t('administration.dataImports.model.intro')}</p>
      <form onSubmit={runPreview}>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('administration.dataImports.model.file')}</label>
          <input
            id={`${id}-file`}
            data-testid="model-import-file"
            type="file"
            accept=".json,application/json"
            required
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              preview.reset();
            }}
          />
        </div>
        <PartCheckboxes
          parts={parts}
          onChange={(chosen) => {
            setParts(chosen);
            preview.reset();
          }}
        />
        <div className="actions">
          <button type="submit" data-testid="model-import-preview" disabled={file === null || parts.length === 0 || modelImport.status !== null || preview.running}>
            {t('importPreview.preview')}
          </button>
          <button type="button" data-testid="model-import-submit" onClick={runImport} disabled={file === null || parts.length === 0 || modelImport.status !== null || blocked}>
            {t('administration.dataImports.model.submit')}
          </button>
        </div>
      </form>
      {preview.running && <p role="status">{t('importPreview.previewing')}</p>}
      {preview.preview !== null && (
        <PreviewResult testId="model-import-preview-result" onImport={runImport} importDisabled={modelImport.status !== null}>
          <ModelPreviewBody preview={preview.preview} testId="model-import-preview-result" />
        </PreviewResult>
      )}
      <PreviewError error={preview.error} testId="model-import-preview-error" />
      {modelImport.status !== null && <ImportProgress status={modelImport.status} />}
      <div aria-live="polite">
        {modelImport.result !== null && <ModelCounts result={modelImport.result} testId="model-import-result" />}
        <ModelImportError error={modelImport.error} testId="model-import-error" />
      </div>
    </section>
  );
}

/** Import of an OSCAL catalog as a requirement set. */
export function OscalImportSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [allowOlder, setAllowOlder] = useState(false);
  const oscalImport = useStreamedImport<OscalImportFinished>();
  const preview = useImportPreview<OscalPreview>();
  const path = `/api/requirement-sets/imports/oscal${allowOlder ? '?allowOlder=true' : ''}`;
  // The server reads the format from the content type, and browsers give .json and .xml files no reliable type of their own.
  const contentType = file?.name.toLowerCase().endsWith('.xml') ? 'application/xml' : 'application/json';

  const runPreview = (event: FormEvent) => {
    event.preventDefault();
    if (file !== null) {
      void preview.run(`${path}${allowOlder ? '&' : '?'}dryRun=true`, file, contentType);
    }
  };

  const runImport = () => {
    if (file !== null) {
      preview.reset();
      void oscalImport.run({ path, body: file, contentType }, file.size);
    }
  };
  const blocked = preview.error !== undefined;

  const result = oscalImport.result;
  return (
    <section aria-labelledby={`${id}-title`} data-testid="oscal-import">
      <h2 id={`${id}-title`}>{t('administration.dataImports.oscal.title')}</h2>
      <p>{t('administration.dataImports.oscal.intro')}</p>
      <form onSubmit={runPreview}>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('administration.dataImports.oscal.file')}</label>
          <input
            id={`${id}-file`}
            data-testid="oscal-import-file"
            type="file"
            accept=".json,.xml,application/json,application/xml,text/xml"
            required
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              preview.reset();
            }}
          />
        </div>
        <div className="checkbox-field">
          <input
            id={`${id}-allow-older`}
            type="checkbox"
            data-testid="oscal-import-allow-older"
            checked={allowOlder}
            onChange={(event) => {
              setAllowOlder(event.target.checked);
              preview.reset();
            }}
          />
          <label htmlFor={`${id}-allow-older`}>{t('importPreview.oscal.allowOlder')}</label>
        </div>
        <div className="actions">
          <button type="submit" data-testid="oscal-import-preview" disabled={file === null || oscalImport.status !== null || preview.running}>
            {t('importPreview.preview')}
          </button>
          <button type="button" data-testid="oscal-import-submit" onClick={runImport} disabled={file === null || oscalImport.status !== null || blocked}>
            {t('administration.dataImports.oscal.submit')}
          </button>
        </div>
      </form>
      {preview.running && <p role="status">{t('importPreview.previewing')}</p>}
      {preview.preview !== null && (
        <PreviewResult testId="oscal-import-preview-result" onImport={runImport} importDisabled={oscalImport.status !== null}>
          <OscalPreviewBody preview={preview.preview} testId="oscal-import-preview-result" />
        </PreviewResult>
      )}
      <PreviewError error={preview.error} testId="oscal-import-preview-error" />
      {oscalImport.status !== null && <ImportProgress status={oscalImport.status} />}
      <div aria-live="polite">
        {result !== null && (
          <p className="success" data-testid="oscal-import-result" data-set-id={result.setId} data-requirements={result.requirements}>
            {t('administration.dataImports.oscal.result', {
              requirements: format.number(result.requirements),
              groups: format.number(result.groups),
              added: format.number(result.added),
              changed: format.number(result.changed),
              unchanged: format.number(result.unchanged),
              withdrawn: format.number(result.withdrawn),
            })}
          </p>
        )}
        <ErrorMessage error={oscalImport.error} testId="oscal-import-error" />
      </div>
    </section>
  );
}

/** Import of parts of a template tenant that granted this tenant access. */
export function TemplateImportSection() {
  const { t } = useTranslation();
  const id = useId();
  const format = useFormat();
  const templates = useApiResource<{ templates: TemplateGrant[] }>('/api/templates');
  const [chosen, setChosen] = useState('');
  const [parts, setParts] = useState<ModelPart[]>([...MODEL_PARTS]);
  const templateImport = useStreamedImport<ModelImportFinished>();
  const preview = useImportPreview<ModelPreview>();

  const grants = templates.data?.templates ?? [];
  const template = chosen !== '' ? chosen : (grants.find((grant) => !grant.expired)?.template ?? '');
  const path = `/api/templates/${encodeURIComponent(template)}/import`;
  const body = JSON.stringify({ parts });

  const runPreview = (event: FormEvent) => {
    event.preventDefault();
    if (template !== '') {
      void preview.run(`${path}?dryRun=true`, body, 'application/json');
    }
  };

  const runImport = () => {
    if (template !== '') {
      preview.reset();
      void templateImport.run({ path, body, contentType: 'application/json' }, body.length);
    }
  };
  const blocked = preview.error !== undefined;

  return (
    <section aria-labelledby={`${id}-title`} data-testid="template-import">
      <h2 id={`${id}-title`}>{t('administration.dataImports.template.title')}</h2>
      <p>{t('administration.dataImports.template.intro')}</p>
      {templates.loading && <p>{t('app.loading')}</p>}
      <ErrorMessage error={templates.error} testId="template-list-error" />
      {templates.data !== undefined && grants.length === 0 && <p data-testid="template-none">{t('administration.dataImports.template.none')}</p>}
      {grants.length > 0 && (
        <form onSubmit={runPreview}>
          <div className="field">
            <label htmlFor={`${id}-template`}>{t('administration.dataImports.template.choose')}</label>
            <select
              id={`${id}-template`}
              data-testid="template-import-choice"
              value={template}
              onChange={(event) => {
                setChosen(event.target.value);
                preview.reset();
              }}
            >
              {grants.map((grant) => (
                <option key={grant.template} value={grant.template} disabled={grant.expired}>
                  {grant.expired
                    ? t('administration.dataImports.template.expired', { template: grant.template, origin: grant.origin })
                    : t('administration.dataImports.template.expires', { template: grant.template, origin: grant.origin, date: format.dateTime(grant.expiresAt) })}
                </option>
              ))}
            </select>
          </div>
          <PartCheckboxes
            parts={parts}
            onChange={(chosenParts) => {
              setParts(chosenParts);
              preview.reset();
            }}
          />
          <div className="actions">
            <button type="submit" data-testid="template-import-preview" disabled={template === '' || parts.length === 0 || templateImport.status !== null || preview.running}>
              {t('importPreview.preview')}
            </button>
            <button type="button" data-testid="template-import-submit" onClick={runImport} disabled={template === '' || parts.length === 0 || templateImport.status !== null || blocked}>
              {t('administration.dataImports.template.submit')}
            </button>
          </div>
        </form>
      )}
      {preview.running && <p role="status">{t('importPreview.previewing')}</p>}
      {preview.preview !== null && (
        <PreviewResult testId="template-import-preview-result" onImport={runImport} importDisabled={templateImport.status !== null}>
          <ModelPreviewBody preview={preview.preview} testId="template-import-preview-result" />
        </PreviewResult>
      )}
      <PreviewError error={preview.error} testId="template-import-preview-error" />
      {templateImport.status !== null && <ImportProgress status={templateImport.status} />}
      <div aria-live="polite">
        {templateImport.result !== null && <ModelCounts result={templateImport.result} testId="template-import-result" />}
        <ModelImportError error={templateImport.error} testId="template-import-error" />
      </div>
    </section>
  );
}
