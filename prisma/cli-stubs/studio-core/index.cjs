'use strict';
/* global module */
// What the Prisma CLI takes from @prisma/studio-core when it starts; used by `prisma studio` only.
const fail = () => {
  throw new Error('Prisma Studio is not installed: see prisma/cli-stubs/README.md');
};
module.exports = {
  serializeError: fail,
  createMySQL2Executor: fail,
  createNodeSQLiteExecutor: fail,
  createPostgresJSExecutor: fail,
};
