import { describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { parseOscalCatalog } from './parse.js';

const NAMESPACE = 'http://csrc.nist.gov/ns/oscal/1.0';

/** Builds an XML catalog around the given groups and controls. */
function xmlCatalog(content: string, metadata = '<title>Small catalog</title><version>2.0</version>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="${NAMESPACE}" uuid="11111111-2222-4333-8444-555555555555">
  <metadata>${metadata}</metadata>
  ${content}
</catalog>`;
}

function jsonCatalog(catalog: Record<string, unknown>): string {
  return JSON.stringify({ catalog: { uuid: 'u-json', metadata: { title: 'Small JSON catalog' }, ...catalog } });
}

function errorCode(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe('parseOscalCatalog with XML', () => {
  const catalog = parseOscalCatalog(
    xmlCatalog(`
    <param id="catalog-wide"><label>catalog-wide value</label></param>
    <group id="g1" class="family">
      <title>First <em>group</em></title>
      <part name="overview"><p>What the group is about.</p></part>
      <control id="c-1">
        <title>Control one</title>
        <param id="c-1_prm_1"><label>organization-defined personnel</label></param>
        <param id="c-1_prm_2"><select how-many="one-or-more"><choice>daily</choice><choice><insert type="param" id-ref="c-1_prm_3"/> weekly</choice></select></param>
        <param id="c-1_prm_3"><label>number of</label><value>Two</value></param>
        <param id="c-1_prm_4"><select><choice>this</choice><choice>that</choice></select></param>
        <prop name="label" value="C-01" class="zero-padded"/>
        <prop name="label" value="C-1"/>
        <part id="c-1_smt" name="statement">
          <part id="c-1_smt.a" name="item">
            <prop name="label" value="a."/>
            <p>Inform <insert type="param" id-ref="c-1_prm_1"/>
               of changes <insert type="param" id-ref="c-1_prm_2"/>, R&amp;D &#233;quipe;</p>
            <part id="c-1_smt.a.1" name="item">
              <prop name="label" value="1."/>
              <p>choose <insert type="param" id-ref="c-1_prm_4"/> and <insert type="param" id-ref="catalog-wide"/></p>
            </part>
          </part>
          <part id="c-1_smt.b" name="item">
            <prop name="label" value="b."/>
            <p>Keep a list:</p>
            <ol><li>first</li><li>second</li></ol>
            <ul><li>bullet</li></ul>
          </part>
        </part>
        <part name="guidance"><p>Why this matters.</p></part>
        <part name="assessment-objective"><p>Not part of the requirement.</p></part>
        <control id="c-1.1">
          <title>Enhancement</title>
          <part name="statement"><p>Do more, unknown: <insert type="param" id-ref="missing"/>.</p></part>
        </control>
      </control>
    </group>
    <group><title>Group without id</title></group>`),
    'xml',
  );
  const item = (identifier: string) => catalog.items.find((candidate) => candidate.identifier === identifier)!;

  it('reads the metadata', () => {
    expect(catalog).toMatchObject({ uuid: '11111111-2222-4333-8444-555555555555', title: 'Small catalog', version: '2.0', lastModified: null });
  });

  it('lists groups and controls in document order with their parents', () => {
    expect(catalog.items.map((entry) => [entry.identifier, entry.kind, entry.parentIdentifier, entry.sortOrder])).toEqual([
      ['g1', 'group', null, 0],
      ['c-1', 'requirement', 'g1', 1],
      ['c-1.1', 'requirement', 'c-1', 2],
      ['Group without id', 'group', null, 3],
    ]);
  });

  it('renders the statement with labels, parameters, entities and lists', () => {
    expect(item('c-1').statement).toBe(
      [
        'a. Inform [Assignment: organization-defined personnel] of changes [Selection (one or more): daily; Two weekly], R&D équipe;',
        '  1. choose [Selection: this; that] and [Assignment: catalog-wide value]',
        'b. Keep a list:',
        '1. first',
        '2. second',
        '- bullet',
      ].join('\n'),
    );
  });

  it('prefers the label without a class', () => {
    expect(item('c-1').label).toBe('C-1');
  });

  it('keeps guidance as the description and leaves out assessment parts', () => {
    expect(item('c-1').description).toBe('Why this matters.');
  });

  it('shows an unknown parameter by its id', () => {
    expect(item('c-1.1').statement).toBe('Do more, unknown: [Assignment: missing].');
  });

  it('takes a group title without markup and its overview as statement', () => {
    expect(item('g1')).toMatchObject({ title: 'First group', statement: 'What the group is about.' });
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE catalog [<!ENTITY a "b">]>\n', 'OSCAL_MALFORMED'],
    ['a NUL character', '<!-- \u0000 -->\n', 'OSCAL_MALFORMED'],
  ])('rejects %s with %s', (_case, prefix, code) => {
    expect(errorCode(() => parseOscalCatalog(prefix + xmlCatalog(''), 'xml'))).toBe(code);
  });

  it('rejects elements nested over 100 deep with OSCAL_MALFORMED', () => {
    const nested = `${'<part name="item">'.repeat(150)}${'</part>'.repeat(150)}`;
    expect(errorCode(() => parseOscalCatalog(xmlCatalog(`<control id="c"><title>t</title>${nested}</control>`), 'xml'))).toBe('OSCAL_MALFORMED');
  });

  it('rejects a last-modified that is no date with OSCAL_METADATA_INVALID', () => {
    const xml = xmlCatalog('', '<title>T</title><last-modified>yesterday</last-modified><version>1</version>');
    expect(errorCode(() => parseOscalCatalog(xml, 'xml'))).toBe('OSCAL_METADATA_INVALID');
  });

  it('rejects a title over 500 characters with OSCAL_ITEM_INVALID', () => {
    const xml = xmlCatalog(`<control id="long"><title>${'x'.repeat(501)}</title></control>`);
    expect(errorCode(() => parseOscalCatalog(xml, 'xml'))).toBe('OSCAL_ITEM_INVALID');
  });
});

describe('parseOscalCatalog with JSON', () => {
  it('uses a parameter value that the catalog sets', () => {
    const catalog = parseOscalCatalog(
      jsonCatalog({
        controls: [
          {
            id: 'c-1',
            title: 'Values',
            params: [{ id: 'p-1', label: 'frequency', values: ['monthly', 'after incidents'] }],
            parts: [{ name: 'statement', prose: 'Review {{ insert: param, p-1 }}.' }],
          },
        ],
      }),
      'json',
    );
    expect(catalog.items[0]!.statement).toBe('Review monthly, after incidents.');
  });

  it('ends a parameter that selects itself', () => {
    const catalog = parseOscalCatalog(
      jsonCatalog({
        params: [{ id: 'p-loop', label: 'loop', select: { choice: ['{{ insert: param, p-loop }}', 'exit'] } }],
        controls: [{ id: 'c-1', title: 'Loop', parts: [{ name: 'statement', prose: 'Pick {{ insert: param, p-loop }}' }] }],
      }),
      'json',
    );
    expect(catalog.items[0]!.statement).toBe('Pick [Selection: [Assignment: loop]; exit]');
  });

  it('accepts a byte order mark', () => {
    const catalog = parseOscalCatalog(`\uFEFF${jsonCatalog({ controls: [{ id: 'c-1', title: 'BOM' }] })}`, 'json');
    expect(catalog.items).toHaveLength(1);
  });

  it.each([
    ['a NUL character in a title', { controls: [{ id: 'c-1', title: 'a\u0000b' }] }, 'OSCAL_ITEM_INVALID'],
    ['controls that are no list', { controls: { id: 'c-1', title: 'x' } }, 'OSCAL_ITEM_INCOMPLETE'],
    ['a group id used by a control', { groups: [{ id: 'x', title: 'G', controls: [{ id: 'x', title: 'C' }] }] }, 'OSCAL_DUPLICATE_IDENTIFIER'],
  ])('rejects %s with %s', (_case, catalog, code) => {
    expect(errorCode(() => parseOscalCatalog(jsonCatalog(catalog), 'json'))).toBe(code);
  });

  it('rejects more than 20,000 controls with OSCAL_CATALOG_TOO_LARGE', () => {
    const controls = Array.from({ length: 20_001 }, (_, index) => ({ id: `c-${index}`, title: 'x' }));
    expect(errorCode(() => parseOscalCatalog(jsonCatalog({ controls }), 'json'))).toBe('OSCAL_CATALOG_TOO_LARGE');
  });
  it('stops expanding parameters that double at every level and rejects the catalog with OSCAL_ITEM_INVALID', () => {
    const depth = 24;
    const params = Array.from({ length: depth + 1 }, (_unused, level) =>
      level < depth
        ? { id: `p${level}`, select: { choice: [`{{ insert: param, p${level + 1} }}{{ insert: param, p${level + 1} }}`] } }
        : { id: `p${level}`, label: 'leaf' },
    );
    const catalog = jsonCatalog({
      controls: [
        {
          id: 'c-1',
          title: 'Doubling',
          params,
          parts: [{ id: 'c-1_smt', name: 'statement', prose: 'Text {{ insert: param, p0 }}' }],
        },
      ],
    });
    // Fully expanded, the statement would hold 2^24 leaves, about 300 million characters.
    expect(errorCode(() => parseOscalCatalog(catalog, 'json'))).toBe('OSCAL_ITEM_INVALID');
  });
});
