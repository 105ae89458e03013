import { AppError, type Locale } from '@esm/common';
import { AppErrorWithDetails } from '../../model/error-details.js';
import { EXCHANGE_ERRORS, problemMessage, type Problem } from '../errors.js';

/** A problem or warning on one row of a CSV file; `column` is the header text, or null for the whole row. */
export interface RowProblem {
  line: number;
  column: string | null;
  problem: Problem;
}

/** Most problems one CSV_ROWS_INVALID response lists. */
export const MAX_LISTED_PROBLEMS = 1000;

/** Formats row problems for a response in the user's language. */
export function describeRowProblems(problems: readonly RowProblem[], locale: Locale): { line: number; column: string | null; code: string; message: string }[] {
  return problems.map(({ line, column, problem }) => ({ line, column, code: problem.code, message: problemMessage(problem, locale) }));
}

/**
 * Builds the CSV_ROWS_INVALID error for a non-empty list of problems, sorted
 * by line. Its response lists up to 1,000 problems in `problems`.
 */
export function rowsInvalidError(problems: readonly RowProblem[], locale: Locale): AppError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const first = sorted[0]!;
  return new AppErrorWithDetails(
    EXCHANGE_ERRORS.csvRowsInvalid,
    { problems: describeRowProblems(sorted.slice(0, MAX_LISTED_PROBLEMS), locale) },
    {
      values: { count: sorted.length, line: first.line, problem: problemMessage(first.problem, locale) },
      detail: `${sorted.length} problems, first ${first.problem.code} on line ${first.line}`,
    },
  );
}
