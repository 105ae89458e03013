/** Shapes of the classification overview and gap-analysis responses, as listed in docs/architecture.md. */

import type { StatementStatus } from './classification';

/** GET /api/classification/overview: counts of objects per effective level. */
export interface ClassificationOverview {
  type: string | null;
  objects: number;
  dimensions: {
    dimension: string;
    nameSv: string;
    nameEn: string;
    levels: { level: number; nameSv: string; nameEn: string; objects: number }[];
    unclassified: number;
  }[];
}

/** A compliance statement's status, or no_statement for an applicable requirement without one. */
export type GapCategory = StatementStatus | 'no_statement';

export const GAP_CATEGORIES: readonly GapCategory[] = ['fulfilled', 'partly_fulfilled', 'not_fulfilled', 'not_applicable', 'no_statement'];

export const STATEMENT_STATUSES: readonly StatementStatus[] = ['fulfilled', 'partly_fulfilled', 'not_fulfilled', 'not_applicable'];

/** Counts of requirement and object pairs per category, as every gap-analysis route returns them. */
export type GapTotals = Record<GapCategory, number> & { total: number };

/** One set in GET /api/requirement-sets. */
export interface RequirementSetSummary {
  id: string;
  name: string;
  description: string | null;
  version: number;
  counts: { groups: number; requirements: number; withdrawn: number; statements: number };
}

/** One node of the requirement tree in GET /api/requirement-sets/:id. */
export interface RequirementNode {
  id: string;
  kind: string;
  identifier: string;
  label: string | null;
  title: string;
  statement: string | null;
  withdrawn: boolean;
  children: RequirementNode[];
}

export interface RequirementSetDetail extends RequirementSetSummary {
  requirements: RequirementNode[];
}

/** GET /api/gap-analysis/requirement-sets/:id. */
export interface RequirementSetGap {
  requirementSet: { id: string; name: string };
  totals: GapTotals;
  requirements: { id: string; identifier: string; label: string | null; title: string; counts: GapTotals }[];
}

/** One requirement of GET /api/gap-analysis/objects/:id, with the object's statement status and its version (null without one). */
export interface ObjectGapRequirement {
  id: string;
  identifier: string;
  label: string | null;
  title: string;
  status: GapCategory;
  version: number | null;
}

/** GET /api/gap-analysis/objects/:id. */
export interface ObjectGap {
  object: { id: string; name: string; type: string };
  totals: GapTotals;
  requirementSets: { id: string; name: string; totals: GapTotals; requirements: ObjectGapRequirement[] }[];
}

/** GET /api/gap-analysis/organisation-units/:id, over the unit and every object reachable from it along outgoing relations. */
export interface OrganisationUnitGap {
  organisationUnit: { id: string; name: string };
  objects: number;
  totals: GapTotals;
  requirementSets: { id: string; name: string; totals: GapTotals }[];
}
