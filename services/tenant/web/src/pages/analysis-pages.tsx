import { Component, lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// The analysis pages bring Cytoscape.js and Recharts, so each loads only when it is opened.
const GraphPage = lazy(() => import('./graph/graph-page').then((module) => ({ default: module.GraphPage })));
const ClassificationOverviewPage = lazy(() =>
  import('./classification/classification-overview-page').then((module) => ({ default: module.ClassificationOverviewPage })),
);
const RequirementSetsPage = lazy(() => import('./requirements/requirement-sets-page').then((module) => ({ default: module.RequirementSetsPage })));
const RequirementSetPage = lazy(() => import('./requirements/requirement-set-page').then((module) => ({ default: module.RequirementSetPage })));
const ObjectStatementsPage = lazy(() => import('./requirements/object-statements-page').then((module) => ({ default: module.ObjectStatementsPage })));

function LoadFailed() {
  const { t } = useTranslation();
  return (
    <div role="alert" className="error" data-testid="page-load-failed">
      <p>{t('analysis.pageLoadFailed')}</p>
      <button type="button" onClick={() => window.location.reload()}>
        {t('analysis.reload')}
      </button>
    </div>
  );
}

/**
 * Shows a message with a reload button when a page's code fails to load,
 * for example because the tenant was updated and the old chunk files are
 * gone, instead of letting the error unmount the whole client.
 */
class LoadErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? <LoadFailed /> : this.props.children;
  }
}

function Loading({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <LoadErrorBoundary>
      <Suspense fallback={<p>{t('app.loading')}</p>}>{children}</Suspense>
    </LoadErrorBoundary>
  );
}

/** /objects/:id/graph, loaded on first use. */
export function LazyGraphPage() {
  return (
    <Loading>
      <GraphPage />
    </Loading>
  );
}

/** /classification, loaded on first use. */
export function LazyClassificationOverviewPage() {
  return (
    <Loading>
      <ClassificationOverviewPage />
    </Loading>
  );
}

/** /requirements, loaded on first use. */
export function LazyRequirementSetsPage() {
  return (
    <Loading>
      <RequirementSetsPage />
    </Loading>
  );
}

/** /requirements/:id, loaded on first use. */
export function LazyRequirementSetPage() {
  return (
    <Loading>
      <RequirementSetPage />
    </Loading>
  );
}

/** /objects/:id/statements, loaded on first use. */
export function LazyObjectStatementsPage() {
  return (
    <Loading>
      <ObjectStatementsPage />
    </Loading>
  );
}
