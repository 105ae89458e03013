import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import {
  META_MODEL_PATH,
  previewAttributeRemoval,
  removeAttribute,
  removeObjectType,
  removeRelationType,
  type AttributeDefinition,
  type MetaModel,
  type ObjectTypeDefinition,
  type RelationTypeDefinition,
} from '../../api/meta-model';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { reloadMetaModel } from '../../hooks/use-meta-model';
import { useIsAdministrator } from '../../session/session-context';
import { AttributeForm } from './attribute-form';
import { localName } from './local-name';
import { ObjectTypeEditForm, ObjectTypeForm } from './object-type-form';
import { RelationTypeForm } from './relation-type-form';

/** An attribute removal waiting for confirmation, with the number of values that the removal preview returned. */
interface PendingRemoval {
  objectType: ObjectTypeDefinition;
  attribute: AttributeDefinition;
  values: number;
}

/** An object type or relation type removal waiting for confirmation. */
type PendingTypeRemoval = { kind: 'object-type'; type: ObjectTypeDefinition } | { kind: 'relation-type'; type: RelationTypeDefinition };

/** /admin/meta-model: object types, their attributes and relation types, for administrators. */
export function MetaModelPage() {
  const { t } = useTranslation();
  const isAdministrator = useIsAdministrator();
  const title = t('administration.metaModel.title');

  return (
    <>
      <title>{`${title} – ${t('app.name')}`}</title>
      <h1>{title}</h1>
      {isAdministrator ? <MetaModelEditor /> : <p data-testid="meta-model-no-access">{t('administration.metaModel.noAccess')}</p>}
    </>
  );
}

function MetaModelEditor() {
  const { t } = useTranslation();
  const id = useId();
  const metaModel = useApiResource<MetaModel>(META_MODEL_PATH);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [pending, setPending] = useState<PendingRemoval | null>(null);
  const [editingAttribute, setEditingAttribute] = useState<string | null>(null);
  const [pendingType, setPendingType] = useState<PendingTypeRemoval | null>(null);
  const [editingRelationType, setEditingRelationType] = useState<string | null>(null);

  const objectTypes = metaModel.data?.objectTypes ?? [];
  const selected = objectTypes.find((type) => type.key === selectedKey) ?? objectTypes[0];
  const editedAttribute = selected?.attributes.find((attribute) => attribute.key === editingAttribute);
  const editedRelationType = metaModel.data?.relationTypes.find((type) => type.key === editingRelationType);

  const announce = (text: string) => {
    setStatus(text);
    setActionError(undefined);
    metaModel.reload();
    // The other pages read the meta-model from the shared copy, which would otherwise keep the old names and attributes.
    reloadMetaModel();
  };

  const startRemoval = async (objectType: ObjectTypeDefinition, attribute: AttributeDefinition) => {
    setStatus(null);
    setActionError(undefined);
    try {
      setPending({ objectType, attribute, values: await previewAttributeRemoval(objectType.key, attribute.key) });
    } catch (failure) {
      setActionError(failure);
    }
  };

  return (
    <>
      <p>{t('administration.metaModel.intro')}</p>
      <div aria-live="polite">
        {metaModel.loading && <p>{t('app.loading')}</p>}
        {status !== null && (
          <p className="success" data-testid="meta-model-status">
            {status}
          </p>
        )}
      </div>
      <ErrorMessage error={metaModel.error} testId="meta-model-error" />
      <ErrorMessage error={actionError} testId="meta-model-action-error" />

      {metaModel.data !== undefined && (
        <>
          <h2>{t('administration.metaModel.objectTypes')}</h2>
          <div className="table-scroll">
            <table data-testid="object-type-list">
              <thead>
                <tr>
                  <th scope="col">{t('administration.metaModel.attributeName')}</th>
                  <th scope="col">{t('administration.metaModel.key')}</th>
                  <th scope="col">{t('administration.metaModel.role')}</th>
                  <th scope="col">{t('administration.metaModel.icon')}</th>
                  <th scope="col">{t('administration.metaModel.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {objectTypes.map((type) => (
                  <tr key={type.key} data-testid="object-type-row" data-key={type.key}>
                    <th scope="row">
                      {localName(type)} {type.builtIn && <span className="muted">({t('administration.metaModel.builtIn')})</span>}
                      <br />
                      <span className="muted">{t('administration.metaModel.objectCount', { count: type.objectCount })}</span>
                    </th>
                    <td>
                      <code>{type.key}</code>
                    </td>
                    <td>{t(`administration.metaModel.roles.${type.role}`, { defaultValue: type.role })}</td>
                    <td>{type.icon}</td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        data-testid="object-type-select"
                        aria-pressed={selected?.key === type.key}
                        onClick={() => {
                          setSelectedKey(type.key);
                          setEditingAttribute(null);
                        }}
                      >
                        {t('administration.metaModel.attributes', { type: localName(type) })}
                      </button>
                      {!type.builtIn && (
                        <>
                          {' '}
                          <button
                            type="button"
                            className="link-button"
                            data-testid="object-type-remove"
                            onClick={() => setPendingType({ kind: 'object-type', type })}
                          >
                            {t('administration.metaModel.removeType', { name: localName(type) })}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {selected !== undefined && (
            <section aria-labelledby={`${id}-attributes`} data-testid="attribute-section" data-type={selected.key}>
              <h2 id={`${id}-attributes`}>{t('administration.metaModel.attributes', { type: localName(selected) })}</h2>
              {selected.attributes.length === 0 ? (
                <p>{t('administration.metaModel.noAttributes')}</p>
              ) : (
                <div className="table-scroll">
                  <table data-testid="attribute-list">
                    <thead>
                      <tr>
                        <th scope="col">{t('administration.metaModel.attributeName')}</th>
                        <th scope="col">{t('administration.metaModel.key')}</th>
                        <th scope="col">{t('administration.metaModel.kind')}</th>
                        <th scope="col">{t('administration.metaModel.required')}</th>
                        <th scope="col">{t('administration.metaModel.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {selected.attributes.map((attribute) => (
                        <tr key={attribute.key} data-testid="attribute-row" data-key={attribute.key}>
                          <th scope="row">{localName(attribute)}</th>
                          <td>
                            <code>{attribute.key}</code>
                          </td>
                          <td>{t(`administration.metaModel.kinds.${attribute.kind}`)}</td>
                          <td>{attribute.required ? t('administration.metaModel.yes') : t('administration.metaModel.no')}</td>
                          <td className="row-actions">
                            <button
                              type="button"
                              className="secondary"
                              data-testid="attribute-edit"
                              aria-expanded={editingAttribute === attribute.key}
                              onClick={() => setEditingAttribute(attribute.key)}
                            >
                              {t('administration.metaModel.editAttributeButton', { name: localName(attribute) })}
                            </button>
                            <button type="button" className="secondary" data-testid="attribute-remove" onClick={() => void startRemoval(selected, attribute)}>
                              {t('administration.metaModel.removeAttribute', { name: localName(attribute) })}
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {editedAttribute !== undefined && (
                <AttributeForm
                  key={`${selected.key}-${editedAttribute.key}-${selected.version}`}
                  objectType={selected}
                  objectTypes={objectTypes}
                  existing={editedAttribute}
                  onSaved={(name) => {
                    setEditingAttribute(null);
                    announce(t('administration.metaModel.attributeChanged', { name }));
                  }}
                  onCancel={() => setEditingAttribute(null)}
                />
              )}
              {/* The key resets the form when another type is chosen. */}
              <AttributeForm
                key={selected.key}
                objectType={selected}
                objectTypes={objectTypes}
                onSaved={(name) => announce(t('administration.metaModel.attributeAdded', { name }))}
              />
              {/* The version in the key loads the saved values into the form after every change of the type. */}
              <ObjectTypeEditForm
                key={`${selected.key}-${selected.version}`}
                objectType={selected}
                onSaved={(name) => announce(t('administration.metaModel.objectTypeChanged', { name }))}
              />
            </section>
          )}

          <ObjectTypeForm onAdded={(name) => announce(t('administration.metaModel.objectTypeAdded', { name }))} />

          <h2>{t('administration.metaModel.relationTypes')}</h2>
          <div className="table-scroll">
            <table data-testid="relation-type-list">
              <thead>
                <tr>
                  <th scope="col">{t('administration.metaModel.attributeName')}</th>
                  <th scope="col">{t('administration.metaModel.key')}</th>
                  <th scope="col">{t('administration.metaModel.sourceTypes')}</th>
                  <th scope="col">{t('administration.metaModel.targetTypes')}</th>
                  <th scope="col">{t('administration.metaModel.protectionFlow')}</th>
                  <th scope="col">{t('administration.metaModel.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {(metaModel.data.relationTypes ?? []).map((type) => (
                  <tr key={type.key} data-testid="relation-type-row" data-key={type.key}>
                    <th scope="row">
                      {localName(type)} / {localName({ nameSv: type.reverseNameSv, nameEn: type.reverseNameEn })}
                      <br />
                      <span className="muted">{t('administration.metaModel.relationCount', { count: type.relationCount })}</span>
                    </th>
                    <td>
                      <code>{type.key}</code>
                    </td>
                    <td>{typeNames(type.sourceTypes, objectTypes) ?? t('administration.metaModel.everyType')}</td>
                    <td>{typeNames(type.targetTypes, objectTypes) ?? t('administration.metaModel.everyType')}</td>
                    <td>{t(`administration.metaModel.protectionFlows.${type.protectionFlow}`)}</td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        data-testid="relation-type-edit"
                        aria-expanded={editingRelationType === type.key}
                        onClick={() => setEditingRelationType(type.key)}
                      >
                        {t('administration.metaModel.editType', { name: localName(type) })}
                      </button>{' '}
                      {!type.builtIn && (
                        <button
                          type="button"
                          className="link-button"
                          data-testid="relation-type-remove"
                          onClick={() => setPendingType({ kind: 'relation-type', type })}
                        >
                          {t('administration.metaModel.removeType', { name: localName(type) })}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {editedRelationType !== undefined && (
            <RelationTypeForm
              key={`${editedRelationType.key}-${editedRelationType.version}`}
              objectTypes={objectTypes}
              existing={editedRelationType}
              onSaved={(name) => {
                setEditingRelationType(null);
                announce(t('administration.metaModel.relationTypeChanged', { name }));
              }}
              onCancel={() => setEditingRelationType(null)}
            />
          )}
          <RelationTypeForm objectTypes={objectTypes} onSaved={(name) => announce(t('administration.metaModel.relationTypeAdded', { name }))} />
        </>
      )}

      {pendingType !== null && (
        <ConfirmDialog
          title={
            pendingType.kind === 'object-type'
              ? t('administration.metaModel.removeObjectTypeTitle', { name: localName(pendingType.type) })
              : t('administration.metaModel.removeRelationTypeTitle', { name: localName(pendingType.type) })
          }
          text={pendingType.kind === 'object-type' ? t('administration.metaModel.removeObjectTypeText') : t('administration.metaModel.removeRelationTypeText')}
          confirmLabel={t('administration.metaModel.removeType', { name: localName(pendingType.type) })}
          onConfirm={async () => {
            if (pendingType.kind === 'object-type') {
              await removeObjectType(pendingType.type.key, pendingType.type.version);
            } else {
              await removeRelationType(pendingType.type.key, pendingType.type.version);
            }
            announce(t('administration.metaModel.typeRemoved', { name: localName(pendingType.type) }));
          }}
          onClose={() => setPendingType(null)}
        />
      )}
      {pending !== null && (
        <ConfirmDialog
          title={t('administration.metaModel.removeTitle', { name: localName(pending.attribute) })}
          text={t('administration.metaModel.removeText', { count: pending.values })}
          confirmLabel={t('administration.metaModel.removeConfirm')}
          onConfirm={async () => {
            await removeAttribute(pending.objectType.key, pending.attribute.key, pending.values);
            announce(t('administration.metaModel.attributeRemoved', { name: localName(pending.attribute) }));
          }}
          onClose={() => setPending(null)}
        />
      )}
    </>
  );
}

/** Returns the names of the listed object types joined by commas, or null when every type is allowed. */
function typeNames(keys: string[] | null, objectTypes: ObjectTypeDefinition[]): string | null {
  if (keys === null) {
    return null;
  }
  return keys.map((key) => {
    const type = objectTypes.find((candidate) => candidate.key === key);
    return type === undefined ? key : localName(type);
  }).join(', ');
}
