import * as gatewayApi from '@kubernetes-models/gateway-api';
import * as kubernetesModels from 'kubernetes-models';

/** A model class of kubernetes-models: it validates its data against the OpenAPI schema of its kind. */
interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: Record<string, unknown>): { validate(): void };
}

function isModelClass(value: unknown): value is ModelClass {
  return typeof value === 'function' && typeof (value as Partial<ModelClass>).apiVersion === 'string' && typeof (value as Partial<ModelClass>).kind === 'string';
}

/** Collects the model classes from the packages' nested exports (group, then version), by `apiVersion/kind`. */
function collectModels(exports: object, models: Map<string, ModelClass>, depth = 0): Map<string, ModelClass> {
  for (const value of Object.values(exports)) {
    if (isModelClass(value)) models.set(`${value.apiVersion}/${value.kind}`, value);
    else if (typeof value === 'object' && value !== null && depth < 3) collectModels(value as object, models, depth + 1);
  }
  return models;
}

// kubernetes-models carries the schemas of the Kubernetes OpenAPI document,
// and @kubernetes-models/gateway-api 0.5 those of the Gateway API v1.0.0 CRDs.
// Their 5.x and 2.x releases require Node 22, which the project does not.
const MODELS = collectModels(gatewayApi, collectModels(kubernetesModels, new Map()));

/**
 * Validates a Kubernetes object against the schema of its apiVersion and
 * kind, and throws with the object's kind, name and the schema errors when
 * it does not match, or when no schema is known for its kind.
 *
 * NOTE: the upstream schemas do not forbid unknown fields, so a misspelled
 * field passes here; a real API server with strict field validation rejects it.
 */
export function validateKubernetesObject(object: unknown): void {
  if (typeof object !== 'object' || object === null) throw new Error(`expected a Kubernetes object, got ${JSON.stringify(object)}`);
  const { apiVersion, kind, metadata } = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  const label = `${String(kind)} ${String(metadata?.name)} (${String(apiVersion)})`;
  const Model = MODELS.get(`${String(apiVersion)}/${String(kind)}`);
  if (!Model) throw new Error(`no schema for ${label}: kubernetes-models and @kubernetes-models/gateway-api do not define this apiVersion and kind`);

  try {
    new Model(object as Record<string, unknown>).validate();
  } catch (error) {
    throw new Error(`${label} does not match its schema: ${(error as Error).message}`, { cause: error });
  }
}
