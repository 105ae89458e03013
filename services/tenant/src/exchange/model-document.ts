import type { Locale } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import type { AuditSource } from '../audit/audit.js';
import { lockClassification } from '../classification/propagation.js';
import { writeModelImport } from './model-import.js';
import type { ImportCounts, ModelDocument, ModelPart } from './model-types.js';
import { prepareModelImport } from './model-validate.js';
import type { ImportProgress } from './progress.js';

export { exportModel } from './model-export.js';
export { MODEL_PARTS, type ImportCounts, type ModelDocument, type ModelPart } from './model-types.js';

/**
 * Imports the chosen parts of a model document in the caller's transaction,
 * all or nothing. It takes lockClassification and checks the whole
 * document first (prepareModelImport). Then it writes the document with new
 * ids for every object (writeModelImport), which recomputes inherited
 * levels, queues the change notice and writes one `import.model` audit
 * entry. Throws EXCHANGE_FORMAT_UNSUPPORTED or EXCHANGE_DOCUMENT_INVALID
 * (422) with every problem found.
 *
 * It does not require an empty tenant: with objects in the tenant, the
 * document's meta-model is merged into the tenant's rather than replacing it.
 * `locale` chooses the language of problem messages and defaults to English.
 */
export async function importModelDocument(
  transaction: Transaction,
  source: AuditSource,
  document: ModelDocument,
  options: { parts: ModelPart[]; onProgress: (progress: ImportProgress) => void; locale?: Locale },
): Promise<ImportCounts> {
  const locale = options.locale ?? 'en';
  await lockClassification(transaction);
  const prepared = await prepareModelImport(transaction, document, options.parts, locale);
  return writeModelImport(transaction, source, prepared, { locale, onProgress: options.onProgress });
}
