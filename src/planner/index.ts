/**
 * Planned execution (docs/planned-execution.md): `plan` a document once (plan.ts: each root
 * field compiled by compile.ts from the SQL forms forms.ts reads off the schema's declarations),
 * `explain` the plan, `execute` it per request (execute.ts). The generic path stays the reference.
 */
export { execute, type PlanContext } from './execute.js';
export {
  conditionVariables,
  explain,
  shapeFact,
  formsOf,
  isFullyPlanned,
  plan,
  type Plan,
  type RootPlan,
} from './plan.js';
