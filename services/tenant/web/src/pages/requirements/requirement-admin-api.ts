/** Requests and response shapes for maintaining requirement sets, requirements and applicability rules, as docs/architecture.md lists them. */

import type { RequirementSetDetail } from '../../api/analysis';
import { apiRequest, queryString } from '../../api/client';

/** GET /api/requirement-sets/:id with the set's origin: `manual` for a set maintained by hand, `oscal` for an imported one. */
export interface RequirementSetWithSource extends RequirementSetDetail {
  source: { format: 'manual' | 'oscal' };
}

export type RequirementKind = 'group' | 'requirement';

export const REQUIREMENT_KINDS: readonly RequirementKind[] = ['requirement', 'group'];

/** GET /api/requirements/:id. */
export interface RequirementDetail {
  id: string;
  setId: string;
  parentId: string | null;
  kind: RequirementKind;
  identifier: string;
  label: string;
  title: string;
  statement: string;
  description: string;
  withdrawn: boolean;
  version: number;
}

/** GET /api/requirement-sets/:id/delete-preview: what deleting the set removes. */
export interface SetDeletionPreview {
  requirements: number;
  statements: number;
  applicabilityRules: number;
}

/** An applicability rule. Null `objectTypes` matches every type; `dimension` and `minLevel` are both null or both set. */
export interface ApplicabilityRule {
  id: string;
  subjectId: string;
  objectTypes: string[] | null;
  dimension: string | null;
  minLevel: number | null;
}

export interface NewApplicabilityRule {
  objectTypes?: string[];
  dimension?: string;
  minLevel?: number;
}

export interface NewRequirement {
  kind: RequirementKind;
  identifier: string;
  title: string;
  label?: string;
  statement?: string;
  description?: string;
  parentId?: string;
}

export type RequirementChanges = Partial<Pick<RequirementDetail, 'identifier' | 'title' | 'label' | 'statement' | 'description' | 'withdrawn'>> & { version: number };

function setPath(setId: string): string {
  return `/api/requirement-sets/${encodeURIComponent(setId)}`;
}

/** Returns the path of the rules on a set or on a group or requirement. */
export function rulesPath(subject: { kind: 'set' | 'requirement'; id: string }): string {
  const base = subject.kind === 'set' ? '/api/requirement-sets' : '/api/requirements';
  return `${base}/${encodeURIComponent(subject.id)}/applicability-rules`;
}

export function requirementPath(id: string): string {
  return `/api/requirements/${encodeURIComponent(id)}`;
}

export function createRequirementSet(input: { name: string; description?: string }): Promise<RequirementSetDetail> {
  return apiRequest('/api/requirement-sets', { method: 'POST', body: input });
}

export function updateRequirementSet(setId: string, changes: { version: number; name: string; description: string }): Promise<RequirementSetDetail> {
  return apiRequest(setPath(setId), { method: 'PATCH', body: changes });
}

export function previewSetDeletion(setId: string): Promise<SetDeletionPreview> {
  return apiRequest(`${setPath(setId)}/delete-preview`);
}

/** Deletes the set. The counts repeat the preview, so the server rejects the delete when statements were added since. */
export function deleteRequirementSet(setId: string, preview: SetDeletionPreview): Promise<void> {
  return apiRequest(`${setPath(setId)}${queryString({ requirements: preview.requirements, statements: preview.statements })}`, { method: 'DELETE' });
}

export function addRequirement(setId: string, input: NewRequirement): Promise<RequirementDetail> {
  return apiRequest(`${setPath(setId)}/requirements`, { method: 'POST', body: input });
}

export function updateRequirement(id: string, changes: RequirementChanges): Promise<RequirementDetail> {
  return apiRequest(requirementPath(id), { method: 'PATCH', body: changes });
}

export function addApplicabilityRule(path: string, rule: NewApplicabilityRule): Promise<ApplicabilityRule> {
  return apiRequest(path, { method: 'POST', body: rule });
}

export function removeApplicabilityRule(id: string): Promise<void> {
  return apiRequest(`/api/applicability-rules/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
