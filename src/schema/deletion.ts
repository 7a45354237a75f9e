import type { OwnedEntity } from '../resolvers/access.js';
import type { Deletion } from '../resolvers/deletion.js';
import { builder } from './builder.js';

/**
 * `Delete<Type>Payload`: the one shape every delete answers, the deleted row's global id and the
 * deletionId that groups the rows it took (restore brings back exactly those).
 */
export function deletionPayload(typename: OwnedEntity, docs: { type: string; deletedId: string; deletionId: string }) {
  return builder.objectRef<Deletion>(`Delete${typename}Payload`).implement({
    description: docs.type,
    fields: (t) => ({
      deletedId: t.globalID({
        description: docs.deletedId,
        resolve: (d) => ({ type: typename, id: d.deletedId }),
      }),
      deletionId: t.exposeString('deletionId', { description: docs.deletionId }),
    }),
  });
}
