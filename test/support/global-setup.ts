import type { TestProject } from "vitest/node";
import { serializeWorkflow } from "./workflow.ts";

/**
 * Serializes the workflow's definition once for the whole test run (loading SST's sources and
 * Pulumi takes over a second), and hands it to every test file: `workflowDefinition()` there
 * reads it instead of building it again. A definition with other options is still built.
 */
export default async function setup(project: TestProject) {
  project.provide("workflowDefinition", await serializeWorkflow(4));
}

declare module "vitest" {
  export interface ProvidedContext {
    workflowDefinition: string;
  }
}
