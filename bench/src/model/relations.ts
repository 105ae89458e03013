import type { ModelSize } from './generator.js';
import type { GeneratedRelation, ObjectTypeKey, Pools, RelationTypeKey } from './model-types.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * Share of each relation type among the relations. `part_of` is a tree of
 * the organisation units and `provided_by` takes what is left.
 */
const RELATION_SHARES: [RelationTypeKey, number][] = [
  ['responsible_for', 0.07],
  ['uses_information', 0.1],
  ['supported_by', 0.08],
  ['handled_in', 0.15],
  ['shared_with', 0.03],
  ['depends_on', 0.18],
  ['runs_on', 0.18],
  ['connected_to', 0.11],
];

/** The relation types of migration 007 whose protection flow is source_to_target; the others carry no levels. */
export const FLOW_RELATION_TYPES = new Set<RelationTypeKey>(['handled_in', 'shared_with', 'depends_on', 'runs_on', 'connected_to', 'provided_by']);

// Share of depends_on relations that point back against the order, making cycles.
const BACKWARD_DEPENDENCY_SHARE = 0.005;

/** The generated relations, without duplicates of the same type, source and target, and without self-relations. */
export class RelationSet {
  readonly list: GeneratedRelation[] = [];
  private readonly keys = new Set<number>();
  private readonly typeNumbers = new Map<RelationTypeKey, number>();

  constructor(private readonly objectCount: number) {}

  add(random: SeededRandom, type: RelationTypeKey, source: number, target: number): boolean {
    if (source === target) return false;
    let typeNumber = this.typeNumbers.get(type);
    if (typeNumber === undefined) {
      typeNumber = this.typeNumbers.size;
      this.typeNumbers.set(type, typeNumber);
    }
    // Below 2^53 for up to about 10^7 objects and 16 relation types, so the key is exact.
    const key = (source * this.objectCount + target) * 16 + typeNumber;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.list.push({ id: random.uuid(), type, source, target });
    return true;
  }

  /** Keeps only the relations for which `test` returns true. Their keys stay taken, so no later draw adds them again. */
  keep(test: (relation: GeneratedRelation, index: number) => boolean): void {
    const kept = this.list.filter(test);
    this.list.length = 0;
    for (const relation of kept) this.list.push(relation);
  }

  /** Draws relations with `draw` until `count` are new; a draw returns [source, target]. */
  fill(random: SeededRandom, type: RelationTypeKey, count: number, draw: () => [number, number]): void {
    let added = 0;
    for (let attempt = 0; added < count; attempt += 1) {
      if (attempt > count * 50) throw new Error(`the generator found only ${added} of ${count} distinct ${type} relations`);
      const [source, target] = draw();
      if (this.add(random, type, source, target)) added += 1;
    }
  }
}

export function addRelations(random: SeededRandom, relations: RelationSet, pools: Pools, size: ModelSize, domains: number): void {
  const { byDomain, shared } = pools;
  const anyDomain = () => random.int(0, domains - 1);
  const inDomain = (type: ObjectTypeKey, domain: number) => random.pick(byDomain[type][domain]!);
  const sharedOr = (type: ObjectTypeKey, domain: number, sharedChance: number) =>
    shared[type].length > 0 && random.chance(sharedChance) ? random.pick(shared[type]) : inDomain(type, domain);

  addOrganisationTree(random, relations, byDomain.organisation_unit);

  const counts = new Map(RELATION_SHARES.map(([type, share]) => [type, Math.round(size.relations * share)]));
  const count = (type: RelationTypeKey) => counts.get(type)!;

  relations.fill(random, 'responsible_for', count('responsible_for'), () => {
    const domain = anyDomain();
    const type = random.weighted<ObjectTypeKey>([
      ['process', 0.3],
      ['information_object', 0.25],
      ['application', 0.3],
      ['server', 0.05],
      ['network', 0.03],
      ['platform_service', 0.04],
      ['partner', 0.03],
    ]);
    return [inDomain('organisation_unit', domain), inDomain(type, domain)];
  });
  relations.fill(random, 'uses_information', count('uses_information'), () => {
    const domain = anyDomain();
    return [inDomain('process', domain), inDomain('information_object', random.chance(0.9) ? domain : anyDomain())];
  });
  relations.fill(random, 'supported_by', count('supported_by'), () => {
    const domain = anyDomain();
    return [inDomain('process', domain), inDomain(random.chance(0.85) ? 'application' : 'platform_service', domain)];
  });
  relations.fill(random, 'handled_in', count('handled_in'), () => {
    const domain = anyDomain();
    return [inDomain('information_object', domain), inDomain(random.chance(0.85) ? 'application' : 'platform_service', domain)];
  });
  relations.fill(random, 'shared_with', count('shared_with'), () => {
    const domain = anyDomain();
    return [inDomain('information_object', domain), sharedOr('partner', domain, 0.5)];
  });
  addDependencies(random, relations, pools, count('depends_on'), domains);
  relations.fill(random, 'runs_on', count('runs_on'), () => {
    const domain = anyDomain();
    const source = inDomain(random.chance(0.85) ? 'application' : 'platform_service', domain);
    const host = random.float();
    if (host < 0.05) return [source, random.pick(shared.platform_service)];
    return [source, sharedOr('server', domain, host < 0.2 ? 1 : 0)];
  });
  relations.fill(random, 'connected_to', count('connected_to'), () => {
    const domain = anyDomain();
    if (random.chance(0.15)) return [random.pick(shared.server), random.pick(shared.network)];
    return [inDomain('server', domain), sharedOr('network', domain, 0.3)];
  });

  const remaining = size.relations - relations.list.length;
  relations.fill(random, 'provided_by', remaining, () => {
    const domain = anyDomain();
    const type = random.weighted<ObjectTypeKey>([
      ['application', 0.3],
      ['platform_service', 0.2],
      ['server', 0.35],
      ['network', 0.15],
    ]);
    return [sharedOr(type, domain, 0.15), sharedOr('partner', domain, 0.5)];
  });
}

/** Makes the organisation units a tree: each unit is part of an earlier unit of its domain, and each domain's first unit part of the first unit. */
function addOrganisationTree(random: SeededRandom, relations: RelationSet, units: number[][]): void {
  const root = units[0]![0]!;
  for (const domainUnits of units) {
    domainUnits.forEach((unit, position) => {
      if (unit === root) return;
      const parent = position === 0 ? root : domainUnits[random.int(0, position - 1)]!;
      relations.add(random, 'part_of', unit, parent);
    });
  }
}

/**
 * Adds `depends_on` relations: most from an application or platform service
 * to one later in its domain's order (applications first, then platform
 * services), a tenth to shared platform services, and a few backwards.
 */
function addDependencies(random: SeededRandom, relations: RelationSet, pools: Pools, count: number, domains: number): void {
  const layers = Array.from({ length: domains }, (_, domain) => [...pools.byDomain.application[domain]!, ...pools.byDomain.platform_service[domain]!]);
  const backward = Math.round(count * BACKWARD_DEPENDENCY_SHARE);
  const forward: [number, number][] = [];
  relations.fill(random, 'depends_on', count - backward, () => {
    const layer = layers[random.int(0, domains - 1)]!;
    if (random.chance(0.1)) return [random.pick(layer), random.pick(pools.shared.platform_service)];
    const first = random.int(0, layer.length - 1);
    const second = random.int(0, layer.length - 1);
    const pair: [number, number] = [layer[Math.min(first, second)]!, layer[Math.max(first, second)]!];
    forward.push(pair);
    return pair;
  });
  relations.fill(random, 'depends_on', backward, () => {
    const [source, target] = random.pick(forward);
    return [target, source];
  });
}

