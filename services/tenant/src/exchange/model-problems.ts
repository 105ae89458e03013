import type { AppError, Locale } from '@esm/common';
import { AppErrorWithDetails } from '../model/error-details.js';
import { EXCHANGE_ERRORS, EXCHANGE_PROBLEMS, problemMessage, type Problem } from './errors.js';

/** Maximum number of problems that EXCHANGE_DOCUMENT_INVALID lists. */
const MAX_LISTED_PROBLEMS = 100;

/** Problems found in a document, reported together. */
export class ProblemList {
  readonly entries: { path: string; problem: Problem }[] = [];

  add(path: string, code: string, values?: Record<string, string | number>): void {
    this.entries.push({ path, problem: { code, values } });
  }

  throwIfAny(locale: Locale): void {
    if (this.entries.length > 0) throw documentInvalidError(this.entries, locale);
  }
}

/** Builds EXCHANGE_DOCUMENT_INVALID, whose response lists up to 100 problems in `problems`. */
export function documentInvalidError(entries: readonly { path: string; problem: Problem }[], locale: Locale): AppError {
  const first = entries[0]!;
  const listed = entries.slice(0, MAX_LISTED_PROBLEMS).map(({ path, problem }) => ({ path, code: problem.code, message: problemMessage(problem, locale) }));
  return new AppErrorWithDetails(
    EXCHANGE_ERRORS.modelDocumentInvalid,
    { problems: listed },
    {
      values: { count: entries.length, path: first.path || '/', problem: problemMessage(first.problem, locale) },
      detail: `${entries.length} problems, first ${first.problem.code} at ${first.path}`,
    },
  );
}

export function checkUnique<Item>(items: readonly Item[], keyOf: (item: Item) => string, path: string, problems: ProblemList): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (seen.has(key)) problems.add(`${path}/${index}`, EXCHANGE_PROBLEMS.duplicateKey, { key });
    seen.add(key);
  });
}
