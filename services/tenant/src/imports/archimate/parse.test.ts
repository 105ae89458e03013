import { describe, expect, it } from 'vitest';
import { parseArchimateModel } from './parse.js';

const PREFIXED = `<?xml version="1.0"?>
<a:model xmlns:a="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <a:name>Prefixed</a:name>
  <a:elements>
    <a:element identifier="e1" i:type="ApplicationComponent">
      <a:name xml:lang="sv">Reskontra</a:name>
      <a:name xml:lang="en">Ledger</a:name>
      <a:documentation xml:lang="en">Books &amp; accounts</a:documentation>
      <a:properties>
        <a:property propertyDefinitionRef="p1"><a:value xml:lang="en">High</a:value></a:property>
      </a:properties>
    </a:element>
    <a:element identifier="e2" i:type="Node"><a:name>Server</a:name></a:element>
  </a:elements>
  <a:relationships>
    <a:relationship identifier="r1" source="e2" target="e1" i:type="Access" accessType="Read"/>
  </a:relationships>
  <a:propertyDefinitions>
    <a:propertyDefinition identifier="p1" type="string"><a:name>Criticality</a:name></a:propertyDefinition>
  </a:propertyDefinitions>
</a:model>`;

describe('parseArchimateModel', () => {
  it('reads a file with namespace prefixes', () => {
    const model = parseArchimateModel(PREFIXED);
    expect(model.elements[0]).toEqual({
      identifier: 'e1',
      type: 'ApplicationComponent',
      name: 'Ledger',
      description: 'Books & accounts',
      properties: new Map([['Criticality', 'High']]),
    });
    expect(model.relationships[0]).toMatchObject({
      type: 'Access',
      source: 'e2',
      target: 'e1',
      attributes: { 'archimate:identifier': 'r1', 'archimate:accessType': 'Read' },
    });
  });

  it('decodes numeric character references in names and documentation', () => {
    const xml = PREFIXED.replace('<a:name xml:lang="en">Ledger</a:name>', '<a:name xml:lang="en">Caf&#233; &#x2013; &#x1F600;</a:name>').replace(
      'Books &amp; accounts',
      'R&#xE4;kenskaper',
    );
    const [element] = parseArchimateModel(xml).elements;
    expect(element).toMatchObject({ name: 'Café – 😀', description: 'Räkenskaper' });
  });

  it('takes the first name when none is English', () => {
    const model = parseArchimateModel(PREFIXED.replace('xml:lang="en">Ledger', 'xml:lang="de">Hauptbuch'));
    expect(model.elements[0]!.name).toBe('Reskontra');
  });

  it('rejects an element without a type', () => {
    expect(() => parseArchimateModel(PREFIXED.replace(' i:type="Node"', ''))).toThrow(
      expect.objectContaining({ code: 'ARCHIMATE_ITEM_INCOMPLETE' }),
    );
  });

  it('keeps a property named __proto__ as an ordinary relation attribute', () => {
    const file = PREFIXED.replace('<a:name>Criticality</a:name>', '<a:name>__proto__</a:name>').replace(
      'accessType="Read"/>',
      'accessType="Read"><a:properties><a:property propertyDefinitionRef="p1"><a:value>x</a:value></a:property></a:properties></a:relationship>',
    );
    const attributes = parseArchimateModel(file).relationships[0]!.attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(attributes, '__proto__')).toBe(true);
  });

  it('rejects a name longer than 500 characters', () => {
    expect(() => parseArchimateModel(PREFIXED.replace('>Server<', `>${'x'.repeat(501)}<`))).toThrow(
      expect.objectContaining({ code: 'ARCHIMATE_ITEM_TOO_LARGE' }),
    );
  });
});
