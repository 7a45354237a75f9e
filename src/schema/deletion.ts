import type { OwnedEntity } from '../resolvers/access.js';
import type { Deletion } from '../resolvers/deletion.js';
import { builder } from './builder.js';

/**
 * `Delete<Type>Payload`: the one shape every delete answers, the deleted row's global id and the
 * deletionId that groups the rows it took (restore brings back exactly those).
 */
export function deletionPayload<Shape extends Deletion = Deletion>(
  typename: OwnedEntity | 'User',
  docs: { type: string; deletedId: string; deletionId: string },
  name = `Delete${typename}Payload`,
) {
  return builder.objectRef<Shape>(name).implement({
    description: docs.type,
    fields: (t) => ({
      deletedId: t.globalID({
        description: docs.deletedId,
        resolve: (d) => ({ type: typename, id: d.deletedId }),
      }),
      deletionId: t.string({ description: docs.deletionId, resolve: (d) => d.deletionId }),
    }),
  });
}
