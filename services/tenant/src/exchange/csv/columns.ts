import type { Locale } from '@esm/common';
import type { MetaModel } from '../../meta-model/meta-model.js';
import { EXCHANGE_PROBLEMS } from '../errors.js';
import type { ScaleDimension } from '../scale.js';
import type { CsvRecord } from './parse.js';
import type { RowProblem } from './problems.js';

/** The meaning of a CSV column. An attribute column names, per object type, the attribute key it fills. */
export type ColumnTarget =
  | { kind: 'name' | 'description' | 'type' | 'externalId' | 'justification' }
  | { kind: 'dimension'; dimension: string }
  | { kind: 'attribute'; keysByType: Map<string, string> };

/** A recognised column: its index in the row, its header text and what it holds. */
export interface Column {
  index: number;
  header: string;
  target: ColumnTarget;
}

/** The columns of a file and the language of its header row, or null when the headers fit both languages. */
export interface ColumnMap {
  columns: Column[];
  language: Locale | null;
}

/** The header texts of the standard columns in each language. An export writes the first form of its language. */
export const STANDARD_HEADERS = {
  name: { sv: ['Namn'], en: ['Name'] },
  description: { sv: ['Beskrivning'], en: ['Description'] },
  type: { sv: ['Typ'], en: ['Type'] },
  externalId: { sv: ['Externt id'], en: ['External id'] },
  justification: { sv: ['Motivering'], en: ['Justification'] },
} as const;

interface Candidate {
  /** Identifies the meaning, so two columns with the same meaning are found. */
  identity: string;
  target: ColumnTarget;
  language: Locale | null;
  /** How to name the meaning when a column can mean several things. */
  label: string;
}

/**
 * Normalises a header or value for matching: trimmed, case-folded, with
 * underscores and hyphens read as spaces and runs of spaces made one.
 */
export function normaliseHeader(text: string): string {
  return text.trim().toLocaleLowerCase('sv').replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
}

/**
 * Maps the header row of a CSV file to columns. Each header matches the
 * standard columns, the classification dimensions (name or abbreviation)
 * and the attributes of every object type (name or key), in Swedish or
 * English. The header row's language is Swedish when some header matches
 * only in Swedish and none only in English, and the other way round. A
 * header that matches several meanings takes the one in the header row's
 * language: `T` is availability (tillgänglighet) in a Swedish row and
 * traceability in an English one. Returns the problems with every header
 * that is unknown, ambiguous or a duplicate, and a missing name column.
 */
export function mapColumns(
  header: CsvRecord,
  metaModel: MetaModel,
  scale: readonly ScaleDimension[],
  locale: Locale,
): { map: ColumnMap; problems: RowProblem[] } {
  const candidatesByHeader = buildCandidateIndex(metaModel, scale, locale);
  const cellCandidates = header.cells.map((cell) => candidatesByHeader.get(normaliseHeader(cell)) ?? []);
  const language = headerLanguage(cellCandidates);

  const problems: RowProblem[] = [];
  const columns: Column[] = [];
  const seen = new Set<string>();
  header.cells.forEach((cell, index) => {
    const problem = (code: string, values: Record<string, string> = {}) =>
      problems.push({ line: header.line, column: cell, problem: { code, values: { column: cell, ...values } } });
    if (cell.trim() === '') {
      problem(EXCHANGE_PROBLEMS.csvColumnUnknown);
      return;
    }
    const all = cellCandidates[index]!;
    const inLanguage = all.filter((candidate) => candidate.language === null || candidate.language === language);
    const meanings = mergeAttributeCandidates(inLanguage.length > 0 ? inLanguage : all);
    if (meanings.length === 0) {
      problem(EXCHANGE_PROBLEMS.csvColumnUnknown);
    } else if (meanings.length > 1) {
      problem(EXCHANGE_PROBLEMS.csvColumnAmbiguous, { meanings: meanings.map((meaning) => meaning.label).join(' / ') });
    } else if (seen.has(meanings[0]!.identity)) {
      problem(EXCHANGE_PROBLEMS.csvColumnDuplicate);
    } else {
      seen.add(meanings[0]!.identity);
      columns.push({ index, header: cell, target: meanings[0]!.target });
    }
  });

  if (!columns.some((column) => column.target.kind === 'name')) {
    problems.push({ line: header.line, column: null, problem: { code: EXCHANGE_PROBLEMS.csvNameColumnMissing } });
  }
  return { map: { columns, language }, problems };
}

function headerLanguage(cellCandidates: readonly Candidate[][]): Locale | null {
  let swedishOnly = 0;
  let englishOnly = 0;
  for (const candidates of cellCandidates) {
    if (candidates.length === 0) continue;
    if (candidates.every((candidate) => candidate.language === 'sv')) swedishOnly += 1;
    if (candidates.every((candidate) => candidate.language === 'en')) englishOnly += 1;
  }
  if (swedishOnly > 0 && englishOnly === 0) return 'sv';
  if (englishOnly > 0 && swedishOnly === 0) return 'en';
  return null;
}

/** Joins the attribute candidates of one header into a single meaning that names each type's attribute key. */
function mergeAttributeCandidates(candidates: readonly Candidate[]): Candidate[] {
  const others = new Map<string, Candidate>();
  const keysByType = new Map<string, string>();
  for (const candidate of candidates) {
    if (candidate.target.kind === 'attribute') {
      for (const [type, key] of candidate.target.keysByType) if (!keysByType.has(type)) keysByType.set(type, key);
    } else {
      others.set(candidate.identity, candidate);
    }
  }
  const meanings = [...others.values()];
  if (keysByType.size > 0) {
    const label = [...keysByType].map(([type, key]) => `${type}.${key}`).join(', ');
    meanings.push({ identity: `attribute:${label}`, target: { kind: 'attribute', keysByType }, language: null, label });
  }
  return meanings;
}

/** Lists, for every normalised header text, the meanings it can have. */
function buildCandidateIndex(metaModel: MetaModel, scale: readonly ScaleDimension[], locale: Locale): Map<string, Candidate[]> {
  const index = new Map<string, Candidate[]>();
  const add = (text: string, candidate: Candidate) => {
    const key = normaliseHeader(text);
    const list = index.get(key) ?? [];
    // The same meaning reached through two forms keeps the language-neutral one.
    const existing = list.findIndex((entry) => entry.identity === candidate.identity && entry.language === candidate.language);
    if (existing < 0) list.push(candidate);
    index.set(key, list);
  };

  for (const [kind, forms] of Object.entries(STANDARD_HEADERS) as [keyof typeof STANDARD_HEADERS, (typeof STANDARD_HEADERS)['name']][]) {
    const label = forms[locale][0];
    for (const language of ['sv', 'en'] as const) {
      for (const form of forms[language]) add(form, { identity: kind, target: { kind }, language, label });
    }
  }

  for (const dimension of scale) {
    const candidate = (language: Locale | null): Candidate => ({
      identity: `dimension:${dimension.key}`,
      target: { kind: 'dimension', dimension: dimension.key },
      language,
      label: locale === 'sv' ? dimension.nameSv : dimension.nameEn,
    });
    add(dimension.key, candidate(null));
    add(dimension.nameSv, candidate('sv'));
    add(dimension.abbreviationSv, candidate('sv'));
    add(dimension.nameEn, candidate('en'));
    add(dimension.abbreviationEn, candidate('en'));
  }

  for (const type of metaModel.objectTypes) {
    for (const attribute of type.attributes) {
      const candidate = (language: Locale | null): Candidate => ({
        identity: `attribute:${type.key}.${attribute.key}`,
        target: { kind: 'attribute', keysByType: new Map([[type.key, attribute.key]]) },
        language,
        label: `${type.key}.${attribute.key}`,
      });
      add(attribute.key, candidate(null));
      add(attribute.nameSv, candidate('sv'));
      add(attribute.nameEn, candidate('en'));
    }
  }

  // A form that is the same in both languages, such as the type name "Process", marks no language.
  for (const list of index.values()) {
    for (const candidate of list) {
      const twin = list.find((other) => other !== candidate && other.identity === candidate.identity && other.language !== candidate.language);
      if (twin && candidate.language !== null) candidate.language = null;
    }
  }
  return index;
}
