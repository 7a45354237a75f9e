'use strict';
/* global module */
// What the Prisma CLI takes from @prisma/dev; used by `prisma dev` and `prisma init` without a URL.
const fail = () => {
  throw new Error('prisma dev (local Prisma Postgres) is not installed: see prisma/cli-stubs/README.md');
};
module.exports = {
  startPrismaDevServer: fail,
  ServerState: { fromServerDump: fail, createExclusively: fail },
};
