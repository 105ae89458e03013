import { useTranslation } from 'react-i18next';

import { useFormat } from '../../hooks/use-format';

/** Progress of a running import: the file upload, then the server's processing phases. */
export type ImportStatus =
  | { stage: 'uploading'; loaded: number; total: number }
  | { stage: 'processing'; phase: string; done: number; total: number };

const KNOWN_PHASES = ['parsing', 'objects', 'relations'] as const;
type KnownPhase = (typeof KNOWN_PHASES)[number];

function isKnownPhase(phase: string): phase is KnownPhase {
  return (KNOWN_PHASES as readonly string[]).includes(phase);
}

/** Returns the translated name of the stage or phase, without numbers, so it can be announced. */
export function usePhaseText(status: ImportStatus | null): string {
  const { t } = useTranslation();
  if (status === null) {
    return '';
  }
  if (status.stage === 'uploading') {
    return t('import.phases.uploading');
  }
  // The server names its phases, and a phase this client has no text for is shown by its name.
  return isKnownPhase(status.phase)
    ? t(`import.phases.${status.phase}`)
    : t('import.phases.other', { phase: status.phase });
}

/** Progress bar, phase and count of a running import. */
export function ImportProgress({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  const format = useFormat();
  const phaseText = usePhaseText(status);

  if (status.stage === 'uploading') {
    const fraction = status.total > 0 ? status.loaded / status.total : 0;
    return (
      <div className="import-progress" data-testid="import-progress" data-stage="uploading">
        <progress aria-label={t('import.uploadLabel')} value={status.loaded} max={Math.max(status.total, 1)} />
        <p>
          <span data-testid="import-phase">{phaseText}</span> <span className="muted">{format.percent(fraction)}</span>
        </p>
      </div>
    );
  }

  return (
    <div className="import-progress" data-testid="import-progress" data-stage="processing">
      {/* Without a total the bar is indeterminate, which browsers draw as "working". */}
      <progress
        aria-label={t('import.progressLabel')}
        value={status.total > 0 ? status.done : undefined}
        max={status.total > 0 ? status.total : undefined}
      />
      <p>
        <span data-testid="import-phase">{phaseText}</span>
        {status.total > 0 && (
          <>
            {' '}
            <span className="muted">{t('import.progressCount', { done: status.done, total: status.total })}</span>
          </>
        )}
      </p>
    </div>
  );
}
