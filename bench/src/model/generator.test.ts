import { describe, expect, it } from 'vitest';
import { generateModel, QUICK_MODEL } from './generator.js';
import { generateCsvFiles } from './csv-file.js';

// The allowed ends of the default relation types, as migration 007 inserts them.
const ALLOWED_ENDS: Record<string, [string[], string[]]> = {
  part_of: [['organisation_unit'], ['organisation_unit']],
  responsible_for: [['organisation_unit'], ['process', 'information_object', 'application', 'server', 'network', 'platform_service', 'partner']],
  uses_information: [['process'], ['information_object']],
  supported_by: [['process'], ['application', 'platform_service']],
  handled_in: [['information_object'], ['application', 'platform_service']],
  shared_with: [['information_object'], ['partner']],
  depends_on: [['application', 'platform_service'], ['application', 'platform_service']],
  runs_on: [['application', 'platform_service'], ['server', 'platform_service']],
  connected_to: [['server'], ['network']],
  provided_by: [['application', 'platform_service', 'server', 'network'], ['partner']],
};

describe('generated benchmark model', () => {
  const model = generateModel(QUICK_MODEL);

  it('has the requested sizes', () => {
    expect(model.objects).toHaveLength(QUICK_MODEL.objects);
    expect(model.relations).toHaveLength(QUICK_MODEL.relations);
  });

  it('is the same on every run', () => {
    const again = generateModel(QUICK_MODEL);
    expect(again.objects.map((object) => object.id)).toEqual(model.objects.map((object) => object.id));
    expect(again.relations).toEqual(model.relations);
    expect(again.levels).toEqual(model.levels);
  });

  it('keeps relations within the allowed ends', () => {
    const broken = model.relations.filter((relation) => {
      const [sources, targets] = ALLOWED_ENDS[relation.type]!;
      return !sources.includes(model.objects[relation.source]!.type) || !targets.includes(model.objects[relation.target]!.type);
    });
    expect(broken).toEqual([]);
  });

  it('has no duplicate or self relations', () => {
    const keys = new Set(model.relations.map((relation) => `${relation.type} ${relation.source} ${relation.target}`));
    expect(keys.size).toBe(model.relations.length);
    expect(model.relations.filter((relation) => relation.source === relation.target)).toEqual([]);
  });

  it('lets the hub reach about the requested objects', () => {
    expect(model.objects[model.hub]!.type).toBe('information_object');
    expect(model.hubReach).toBeGreaterThanOrEqual(QUICK_MODEL.hubReach);
    expect(model.hubReach).toBeLessThanOrEqual(QUICK_MODEL.hubReach * 1.05);
  });

  it('splits CSV rows into files of the limit', () => {
    const files = generateCsvFiles(25, 10);
    expect(files.map((file) => file.rows)).toEqual([10, 10, 5]);
    const text = files[2]!.content.toString('utf8');
    expect(text.startsWith('\ufeffNamn;Beskrivning;')).toBe(true);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(6);
  });
});
