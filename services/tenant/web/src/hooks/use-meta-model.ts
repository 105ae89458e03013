import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../api/client';
import type { AttributeDefinition, MetaModel, ObjectTypeDefinition, RelationTypeDefinition } from '../api/meta-model';
import { getSession, subscribeToSession } from '../api/session-store';
import { currentLanguage } from '../i18n';

/** Direction a relation is read in: from its source ("uses") or from its target ("is used by"). */
export type RelationDirection = 'outgoing' | 'incoming';

interface MetaModelState {
  /** User id of the session the meta-model was loaded for, so a new sign-in loads it again. */
  userId: string | null;
  metaModel: MetaModel | undefined;
  error: unknown;
  loading: boolean;
}

// One copy per browser tab and session, shared by every component that calls useMetaModel.
let state: MetaModelState = { userId: null, metaModel: undefined, error: undefined, loading: false };
let generation = 0;
const listeners = new Set<() => void>();

function publish(next: MetaModelState): void {
  state = next;
  for (const listener of listeners) {
    listener();
  }
}

/** Starts loading GET /api/meta-model for the current session, replacing what was loaded before once it arrives. */
function load(userId: string): void {
  generation += 1;
  const requestGeneration = generation;
  publish({ ...state, userId, loading: true, error: undefined });
  apiRequest<MetaModel>('/api/meta-model')
    .then((metaModel) => {
      if (requestGeneration === generation) {
        publish({ userId, metaModel, error: undefined, loading: false });
      }
    })
    .catch((error: unknown) => {
      if (requestGeneration === generation) {
        publish({ ...state, error, loading: false });
      }
    });
}

/**
 * Loads the meta-model again, for example after an administrator changed it
 * or a live notice reported that an object type or relation type changed. The
 * meta-model loaded before stays shown until the new one arrives.
 */
export function reloadMetaModel(): void {
  const session = getSession();
  if (session !== null) {
    load(session.user.id);
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function readState(): MetaModelState {
  const session = getSession();
  const userId = session?.user.id ?? null;
  if (userId !== state.userId) {
    // Another user signed in, or the session ended: what was loaded must not be shown to them.
    if (userId === null) {
      generation += 1;
      state = { userId: null, metaModel: undefined, error: undefined, loading: false };
    } else {
      state = { userId, metaModel: undefined, error: undefined, loading: false };
    }
  }
  return state;
}

export interface MetaModelNames {
  metaModel: MetaModel | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  objectType: (key: string) => ObjectTypeDefinition | undefined;
  relationType: (key: string) => RelationTypeDefinition | undefined;
  attribute: (typeKey: string, attributeKey: string) => AttributeDefinition | undefined;
  /** Returns the object type's name in the current language, or the key when the type is unknown. */
  typeName: (key: string) => string;
  /** Returns the attribute's name in the current language, or the key when the attribute is unknown. */
  attributeName: (typeKey: string, attributeKey: string) => string;
  /** Returns the label of a choice attribute's value in the current language, or the value itself when it is not a known choice. */
  choiceLabel: (typeKey: string, attributeKey: string, value: string) => string;
  /** Returns the relation type's name read in the given direction, or the key when the type is unknown. */
  relationName: (key: string, direction?: RelationDirection) => string;
}

/**
 * Returns the tenant's meta-model and its names in the current language.
 * GET /api/meta-model is requested once per session and shared by every
 * caller, and reload() (or reloadMetaModel) requests it again.
 */
export function useMetaModel(): MetaModelNames {
  // useTranslation re-renders the caller when the language changes.
  useTranslation();
  const language = currentLanguage();
  const current = useSyncExternalStore(
    useCallback((listener: () => void) => {
      const stopSession = subscribeToSession(listener);
      const stopMetaModel = subscribe(listener);
      return () => {
        stopSession();
        stopMetaModel();
      };
    }, []),
    readState,
  );

  const needsLoad = current.userId !== null && current.metaModel === undefined && !current.loading && current.error === undefined;
  useEffect(() => {
    // The first caller in a session starts the one request, and later callers find it loading or loaded.
    const latest = readState();
    if (needsLoad && latest.userId !== null && latest.metaModel === undefined && !latest.loading && latest.error === undefined) {
      load(latest.userId);
    }
  }, [needsLoad]);

  const { metaModel } = current;
  return useMemo(() => {
    const types = new Map((metaModel?.objectTypes ?? []).map((type) => [type.key, type]));
    const relationTypes = new Map((metaModel?.relationTypes ?? []).map((type) => [type.key, type]));
    const swedish = language === 'sv';

    const attribute = (typeKey: string, attributeKey: string): AttributeDefinition | undefined =>
      types.get(typeKey)?.attributes.find((definition) => definition.key === attributeKey);

    return {
      metaModel,
      error: current.error,
      loading: current.loading || (current.userId !== null && metaModel === undefined && current.error === undefined),
      reload: reloadMetaModel,
      objectType: (key) => types.get(key),
      relationType: (key) => relationTypes.get(key),
      attribute,
      typeName: (key) => {
        const type = types.get(key);
        if (type === undefined) {
          return key;
        }
        return swedish ? type.nameSv : type.nameEn;
      },
      attributeName: (typeKey, attributeKey) => {
        const definition = attribute(typeKey, attributeKey);
        if (definition === undefined) {
          return attributeKey;
        }
        return swedish ? definition.nameSv : definition.nameEn;
      },
      choiceLabel: (typeKey, attributeKey, value) => {
        const choice = attribute(typeKey, attributeKey)?.choices.find((candidate) => candidate.key === value);
        if (choice === undefined) {
          return value;
        }
        return swedish ? choice.sv : choice.en;
      },
      relationName: (key, direction = 'outgoing') => {
        const type = relationTypes.get(key);
        if (type === undefined) {
          return key;
        }
        if (direction === 'outgoing') {
          return swedish ? type.nameSv : type.nameEn;
        }
        return swedish ? type.reverseNameSv : type.reverseNameEn;
      },
    };
  }, [metaModel, current.error, current.loading, current.userId, language]);
}
