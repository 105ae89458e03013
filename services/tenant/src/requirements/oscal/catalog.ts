/**
 * The parts of an OSCAL catalog that the import uses, read from JSON or XML
 * into one shape, and the rendering of that shape into requirement texts.
 */

/** A reference to a parameter inside prose, `{{ insert: param, id }}` in JSON and `<insert type="param" id-ref="id"/>` in XML. */
export interface ParameterReference {
  parameterId: string;
}

/** Prose as text runs and parameter references in document order. A text run of '\n' separates blocks (paragraphs, list items). */
export type Prose = (string | ParameterReference)[];

export interface CatalogParameter {
  id: string;
  label: string;
  values: string[];
  select: { howMany: string; choices: Prose[] } | null;
}

export interface CatalogPart {
  name: string;
  label: string;
  title: Prose;
  prose: Prose;
  parts: CatalogPart[];
}

/** A group or a control. Controls nested in a control are its enhancements. */
export interface CatalogEntry {
  kind: 'group' | 'requirement';
  /** The OSCAL id; for a group without one, its title. */
  identifier: string;
  title: Prose;
  label: string;
  parts: CatalogPart[];
  children: CatalogEntry[];
}

/** A catalog as read from either format, before parameters are resolved. */
export interface CatalogDocument {
  uuid: string;
  title: string;
  version: string;
  /** The metadata's last-modified as written in the file, or null when absent. */
  lastModified: string | null;
  parameters: Map<string, CatalogParameter>;
  entries: CatalogEntry[];
}

/** Maximum number of groups and controls in a catalog. The full NIST SP 800-53 rev. 5 catalog has about 1,200. */
export const MAX_CATALOG_ENTRIES = 20_000;

/** Maximum nesting of groups, controls and parts. OSCAL catalogs in use nest five or six levels. */
export const MAX_CATALOG_DEPTH = 30;

/** Builds prose from JSON markup, where parameters appear as `{{ insert: param, id }}`. */
export function proseFromMarkdown(text: string): Prose {
  const prose: Prose = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{\s*insert:\s*([\w-]+)\s*,\s*([^\s}]+)\s*\}\}/g)) {
    if (match.index > last) prose.push(text.slice(last, match.index));
    // Only parameters have values to insert; another insert type keeps its id as text.
    prose.push(match[1] === 'param' ? { parameterId: match[2]! } : match[2]!);
    last = match.index + match[0].length;
  }
  if (last < text.length) prose.push(text.slice(last));
  return prose;
}

/**
 * Renders prose as text with every parameter resolved: its value when the
 * catalog sets one, else the selection or assignment in brackets, as NIST
 * prints its catalogs ("[Assignment: organization-defined frequency]",
 * "[Selection (one or more): a; b]"). Whitespace runs inside a line become
 * one space, and blank lines are dropped.
 */
export function renderProse(prose: Prose, parameters: Map<string, CatalogParameter>): string {
  const budget = { remaining: MAX_RENDERED_CHARACTERS };
  const text = joinProse(prose, parameters, new Set(), budget);
  return normaliseLines(budget.remaining < 0 ? `${text}…` : text);
}

/**
 * Maximum characters one rendering produces, the statement limit of a
 * requirement. Parameters may insert other parameters, so a short catalog
 * can describe text that doubles with every level, for example when each
 * parameter's choice inserts the next one twice. Rendering stops at this
 * budget and ends the text with "…", so the work stays proportional to it.
 */
const MAX_RENDERED_CHARACTERS = 100_000;

interface RenderBudget {
  remaining: number;
}

function joinProse(prose: Prose, parameters: Map<string, CatalogParameter>, resolving: Set<string>, budget: RenderBudget): string {
  let text = '';
  for (const run of prose) {
    if (budget.remaining < 0) break;
    const piece = typeof run === 'string' ? run : renderParameter(run.parameterId, parameters, resolving, budget);
    // A parameter's text was counted while it was built; a plain run is counted here.
    if (typeof run === 'string') budget.remaining -= piece.length;
    text += piece;
  }
  return text;
}

function renderParameter(id: string, parameters: Map<string, CatalogParameter>, resolving: Set<string>, budget: RenderBudget): string {
  const parameter = parameters.get(id);
  let text: string;
  // A parameter whose choices insert the parameter itself would recurse forever.
  if (!parameter || resolving.has(id)) text = `[Assignment: ${parameter?.label || id}]`;
  else if (parameter.values.length > 0) text = parameter.values.join(', ');
  else if (parameter.select) {
    resolving.add(id);
    const choices: string[] = [];
    for (const choice of parameter.select.choices) {
      if (budget.remaining < 0) break;
      choices.push(normaliseLines(joinProse(choice, parameters, resolving, budget)).replace(/\n/g, ' '));
    }
    resolving.delete(id);
    const howMany = parameter.select.howMany === 'one-or-more' ? ' (one or more)' : '';
    return `[Selection${howMany}: ${choices.join('; ')}]`;
  } else text = `[Assignment: ${parameter.label || id}]`;
  budget.remaining -= text.length;
  return text;
}

function normaliseLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * Renders parts as indented text, each part's label before its prose and
 * its sub-parts one level deeper, in document order:
 *
 *     a. Develop, document, and disseminate to [Assignment: ...]:
 *       1. [Selection (one or more): ...] access control policy that:
 */
export function renderParts(parts: CatalogPart[], parameters: Map<string, CatalogParameter>, depth = 0): string {
  const lines: string[] = [];
  for (const part of parts) {
    const indent = '  '.repeat(depth);
    const title = renderProse(part.title, parameters);
    const prose = renderProse(part.prose, parameters);
    const text = [title, prose].filter((line) => line !== '').join('\n');
    const prefix = part.label ? `${part.label} ` : '';
    if (text !== '' || prefix !== '') {
      const [first = '', ...rest] = text.split('\n');
      lines.push(`${indent}${prefix}${first}`.trimEnd());
      for (const line of rest) lines.push(`${indent}${line}`);
    }
    const below = renderParts(part.parts, parameters, depth + 1);
    if (below !== '') lines.push(below);
  }
  return lines.join('\n');
}

/**
 * Renders an entry's top-level parts (its statement, or its guidance and
 * examples) as sections separated by a blank line. A section starts with the
 * part's own prose, and its sub-parts follow at the first indentation level,
 * because the top-level part is only a container for them.
 */
export function renderSections(parts: CatalogPart[], parameters: Map<string, CatalogParameter>): string {
  const sections = parts.map((part) => {
    const own = [renderProse(part.title, parameters), renderProse(part.prose, parameters)];
    return [...own, renderParts(part.parts, parameters)].filter((text) => text !== '').join('\n');
  });
  return sections.filter((section) => section !== '').join('\n\n');
}

/** Part names of the assessment procedures in NIST SP 800-53A resolved catalogs, which are not part of a requirement's text. */
const ASSESSMENT_PART = /^(assessment|objective|assessment-.*)$/;

/**
 * Splits an entry's top-level parts into the statement and the description.
 * A control's statement is its `statement` parts; a group's is its
 * `statement` and `overview` parts. Every other part except the assessment
 * procedures (such as `guidance` and `example`) goes to the description.
 */
export function splitEntryParts(entry: CatalogEntry): { statement: CatalogPart[]; description: CatalogPart[] } {
  const statementNames = entry.kind === 'group' ? ['statement', 'overview'] : ['statement'];
  const statement = entry.parts.filter((part) => statementNames.includes(part.name));
  const description = entry.parts.filter((part) => !statementNames.includes(part.name) && !ASSESSMENT_PART.test(part.name));
  return { statement, description };
}

/** Returns the label to show: the `label` property without a class when there is one, else the first. */
export function chooseLabel(labels: { value: string; hasClass: boolean }[]): string {
  return (labels.find((label) => !label.hasClass) ?? labels[0])?.value ?? '';
}
