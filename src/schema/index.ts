import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './user.js';
import './session.js';
import './password.js';
import './data-export.js';
import './email-verification.js';
import './id-token-sign-in.js';
import './calendar-feed.js';
import './task.js';
import './course.js';
import './assignment.js';
import './lecture.js';
import './lecture-series.js';
import './study-session.js';
import './admin.js';
import './agenda.js';
import './dashboard.js';
import './api-info.js';
import './documents.js';
import './task-updates.js';
import './event-admin.js';
import './admin-accounts.js';
import './analytics.js';
import './notification.js';
import './device.js';
import './jobs.js';
import './error-log.js';
import './sync.js';

let schema: GraphQLSchema | undefined;

/** The schema, built once per process. */
export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}

/** The SDL committed as schema.graphql. */
export function printPublicSchema(): string {
  return printSchema(lexicographicSortSchema(getSchema())) + '\n';
}
