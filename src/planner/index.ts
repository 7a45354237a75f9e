/**
 * Planned execution of trusted documents (docs/planned-execution.md): `plan` a document once,
 * `explain` the plan, `execute` it per request. The generic path stays the reference.
 */
export { execute, explain, isFullyPlanned, plan, type Plan, type PlanContext, type RootPlan } from './planner.js';
