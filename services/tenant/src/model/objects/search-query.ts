/** Most words of a search that count; later ones are ignored. */
export const MAX_SEARCH_WORDS = 16;

// Letters, combining marks and digits of any script. Everything else,
// including every tsquery operator (& | ! ( ) : * < > '), separates words, so
// a word can be handed to to_tsquery without escaping.
const WORD_PATTERN = /[\p{L}\p{M}\p{N}]+/gu;

// The configurations of the objects.search_vector column (migration 007):
// Swedish and English stems, plus unstemmed words for names that no stemmer handles.
const CONFIGURATIONS = ['swedish', 'english', 'simple'];

/**
 * Builds the SQL tsquery expression for a search, adding the words as
 * statement parameters, or returns null when the text has no words. Every
 * word must match in at least one of the three configurations. The last word
 * also matches as a prefix, so results appear while the user is still typing.
 */
export function buildSearchQuery(text: string, parameters: { add(value: unknown): string }): string | null {
  const words = (text.normalize('NFC').match(WORD_PATTERN) ?? []).slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return null;

  const wordQueries = words.map((word, index) => {
    const operand = parameters.add(index === words.length - 1 ? `${word}:*` : word);
    // The word as each configuration reads it, joined with OR. A stop word
    // gives an empty query in its language, which is left out, and 'simple'
    // has no stop words. Most words read the same in two or three
    // configurations, so each distinct reading is kept once. For a common
    // word in the list benchmark, that halved the time spent in the search
    // index. The text form of a tsquery is PostgreSQL's own quoted output, so
    // it parses back to the same query.
    const alternatives = CONFIGURATIONS.map((configuration) => `to_tsquery('pg_catalog.${configuration}'::regconfig, ${operand})`);
    return `(SELECT string_agg(DISTINCT '(' || alternative::text || ')', ' | ')::tsquery
             FROM unnest(ARRAY[${alternatives.join(', ')}]) AS alternative WHERE alternative::text <> '')`;
  });
  return `(${wordQueries.join(' && ')})`;
}
