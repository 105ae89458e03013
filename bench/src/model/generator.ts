import { connectHub, sampleInformationReach } from './hub.js';
import type { GeneratedRelation, ObjectTypeKey, Pools } from './model-types.js';
import { addRelations, RelationSet } from './relations.js';
import { SeededRandom } from './seeded-random.js';
import { objectDescription, objectName, TEXT } from './vocabulary.js';

export type { GeneratedRelation, ObjectTypeKey, RelationTypeKey } from './model-types.js';

/**
 * A deterministic model of the default meta-model's types: organisation
 * units, processes, information objects with levels, applications,
 * platform services, servers, networks and partners, joined by the default
 * relation types within the ends migration 007 allows.
 *
 * The model is split into domains of about 2,000 objects (a part of the
 * organisation with its own systems) plus shared infrastructure (a tenth of
 * the platform services, servers, networks and partners) that every domain
 * uses. Relations stay inside a domain or lead to shared infrastructure,
 * except that some processes use information of another domain.
 * Dependencies between applications and platform services mostly follow
 * an order within the domain (a layered architecture), and a few go back,
 * which makes small cycles.
 *
 * One information object, the hub, is handled in enough applications that
 * it reaches about `hubReach` objects along relations that carry levels.
 */
export interface ModelSize {
  objects: number;
  relations: number;
  hubReach: number;
}

export const FULL_MODEL: ModelSize = { objects: 100_000, relations: 300_000, hubReach: 2_000 };
export const QUICK_MODEL: ModelSize = { objects: 10_000, relations: 30_000, hubReach: 2_000 };

/** The fixed seed: every run builds the same model. */
export const MODEL_SEED = 20250101;

/** Share of each type among the objects. */
const TYPE_SHARES: [ObjectTypeKey, number][] = [
  ['organisation_unit', 0.02],
  ['process', 0.1],
  ['information_object', 0.15],
  ['application', 0.3],
  ['platform_service', 0.08],
  ['server', 0.25],
  ['network', 0.05],
  ['partner', 0.05],
];

const SHARED_TYPES = new Set<ObjectTypeKey>(['platform_service', 'server', 'network', 'partner']);
const SHARED_SHARE = 0.1;
const OBJECTS_PER_DOMAIN = 2_000;

export const DIMENSIONS = ['confidentiality', 'integrity', 'availability', 'traceability'] as const;
const LEVEL_WEIGHTS: [number, number][] = [
  [0, 0.1],
  [1, 0.35],
  [2, 0.35],
  [3, 0.2],
];
const JUSTIFICATIONS = [
  'Bedömd i informationsklassningen.',
  'Innehåller personuppgifter.',
  'Verksamhetskritisk information enligt riskanalys.',
  'Assessed in the annual classification review.',
];

// Times are spread over the year before this fixed instant, so runs do not depend on the clock.
const LATEST_UPDATE = Date.UTC(2025, 0, 1);

export interface GeneratedObject {
  id: string;
  type: ObjectTypeKey;
  name: string;
  description: string;
  attributes: Record<string, string | number | boolean>;
  externalId: string | null;
  updatedAt: Date;
  /** The domain's number, or -1 for shared infrastructure. */
  domain: number;
}

/** A level set by hand: the own level of an information object, or an override on another object. */
export interface GeneratedLevel {
  object: number;
  dimension: string;
  level: number;
  justification: string;
}

export interface GeneratedModel {
  objects: GeneratedObject[];
  relations: GeneratedRelation[];
  levels: GeneratedLevel[];
  domains: number;
  /** The index of the information object whose level change the classification suite times. */
  hub: number;
  /** The objects the hub reaches along relations that carry levels, itself not counted. */
  hubReach: number;
  /** The relations added from the hub to reach `hubReach`. */
  hubRelations: number;
  /** The mean number of objects a random information object reaches, from a sample of 50. */
  meanInformationReach: number;
}

/** Generates the model for `size` from MODEL_SEED. */
export function generateModel(size: ModelSize): GeneratedModel {
  const random = new SeededRandom(MODEL_SEED);
  const domains = Math.max(1, Math.round(size.objects / OBJECTS_PER_DOMAIN));
  const objects = generateObjects(random, size.objects, domains);
  const pools = buildPools(objects, domains);
  const relations = new RelationSet(objects.length);
  addRelations(random, relations, pools, size, domains);

  const hub = pools.byDomain.information_object[0]![0]!;
  const reach = connectHub(random, relations, pools, objects.length, hub, size.hubReach, domains);
  const levels = generateLevels(random, pools, hub);
  return {
    objects,
    relations: relations.list,
    levels,
    domains,
    hub,
    hubReach: reach.reached,
    hubRelations: reach.added,
    meanInformationReach: sampleInformationReach(random, relations.list, objects.length, pools),
  };
}

function generateObjects(random: SeededRandom, total: number, domains: number): GeneratedObject[] {
  const counts = TYPE_SHARES.map(([type, share]) => [type, Math.round(total * share)] as const);
  const assigned = counts.reduce((sum, [, count]) => sum + count, 0);
  const lastCount = counts[counts.length - 1]!;
  counts[counts.length - 1] = [lastCount[0], lastCount[1] + total - assigned];

  const skeletons: { type: ObjectTypeKey; index: number; domain: number; id: string }[] = [];
  for (const [type, count] of counts) {
    const shared = SHARED_TYPES.has(type) ? Math.floor(count * SHARED_SHARE) : 0;
    for (let index = 0; index < count; index += 1) {
      const domain = index < shared ? -1 : (index - shared) % domains;
      skeletons.push({ type, index, domain, id: random.uuid() });
    }
  }
  const partnerIds = skeletons.filter((object) => object.type === 'partner').map((object) => object.id);

  return skeletons.map(({ type, index, domain, id }) => ({
    id,
    type,
    domain,
    name: objectName(random, type, index),
    description: objectDescription(random),
    attributes: objectAttributes(random, type, index, partnerIds),
    externalId: type === 'application' && random.chance(0.2) ? `APP-${String(index + 1).padStart(6, '0')}` : null,
    updatedAt: new Date(LATEST_UPDATE - random.int(0, 365 * 24 * 3600) * 1000),
  }));
}

/** Attribute values of the default meta-model's attributes; some are left empty, as in real models. */
function objectAttributes(random: SeededRandom, type: ObjectTypeKey, index: number, partnerIds: string[]): GeneratedObject['attributes'] {
  const attributes: GeneratedObject['attributes'] = {};
  const person = () => random.pick(TEXT.PEOPLE);
  switch (type) {
    case 'organisation_unit':
      if (random.chance(0.6)) attributes.manager = person();
      break;
    case 'process':
      if (random.chance(0.7)) attributes.process_owner = person();
      break;
    case 'information_object':
      attributes.information_owner = person();
      attributes.personal_data = random.chance(0.4);
      if (random.chance(0.3)) attributes.retention = 'Gallras fem år efter avslutat ärende.\nBevaras i arkivet om beslut fattats.';
      break;
    case 'application':
      attributes.system_owner = person();
      attributes.lifecycle = random.weighted([['planned', 0.1], ['in_use', 0.7], ['phasing_out', 0.15], ['retired', 0.05]] as const);
      attributes.user_count = random.int(1, 5_000);
      if (random.chance(0.3)) attributes.supplier = random.pick(partnerIds);
      break;
    case 'platform_service':
      if (random.chance(0.4)) attributes.provider = random.pick(partnerIds);
      break;
    case 'server':
      attributes.hostname = `srv${String(index + 1).padStart(5, '0')}.intern.example`;
      attributes.operating_system = random.pick(TEXT.OPERATING_SYSTEMS);
      break;
    case 'network':
      attributes.zone = random.pick(['Intern', 'DMZ', 'Skyddad', 'Extern']);
      break;
    case 'partner':
      attributes.organisation_number = `55${String(random.int(0, 9_999)).padStart(4, '0')}-${String(random.int(0, 9_999)).padStart(4, '0')}`;
      if (random.chance(0.7)) attributes.contract_end = `202${random.int(5, 9)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
      break;
  }
  return attributes;
}

function buildPools(objects: GeneratedObject[], domains: number): Pools {
  const byDomain = {} as Pools['byDomain'];
  const shared = {} as Pools['shared'];
  for (const [type] of TYPE_SHARES) {
    byDomain[type] = Array.from({ length: domains }, () => []);
    shared[type] = [];
  }
  objects.forEach((object, index) => {
    if (object.domain < 0) shared[object.type].push(index);
    else byDomain[object.type][object.domain]!.push(index);
  });
  return { byDomain, shared };
}

/**
 * Sets levels 0–3 in every dimension on every information object, the
 * hub's confidentiality at 3, and an availability override on one
 * application in 200.
 */
function generateLevels(random: SeededRandom, pools: Pools, hub: number): GeneratedLevel[] {
  const levels: GeneratedLevel[] = [];
  for (const object of [...pools.byDomain.information_object.flat(), ...pools.shared.information_object]) {
    for (const dimension of DIMENSIONS) {
      const level = object === hub && dimension === 'confidentiality' ? 3 : random.weighted(LEVEL_WEIGHTS);
      levels.push({ object, dimension, level, justification: random.pick(JUSTIFICATIONS) });
    }
  }
  for (const object of pools.byDomain.application.flat()) {
    if (!random.chance(0.005)) continue;
    levels.push({ object, dimension: 'availability', level: random.int(0, 4), justification: 'Överenskommen nivå med systemägaren.' });
  }
  return levels;
}
