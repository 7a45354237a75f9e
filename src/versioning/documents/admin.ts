import type { DomainContext } from '../../resolvers/domain-context.js';

/** What publishing and retiring need: the CLI (an operator with database access) builds it too. */
export type OperatorContext = Pick<DomainContext, 'db' | 'now' | 'events' | 'logger'>;
