// The public library API: re-exports only. The CLI and the MCP server call exactly this.
export { ExitCode, TldrError, ConfigError, EnvironmentError, ServiceError, InterruptedError, exitCodeOf, notImplemented, usageError } from './errors.js';
export type { TldrErrorOptions } from './errors.js';

export { configSchema, findingCodes, agentToolNames } from './config/schema.js';
export type { Config, ConfigInput, ProcessConfig, ReadyConfig, PostgresConfig, RedisConfig, IgnoreEntry, FindingCode, PipelineStepConfig } from './config/schema.js';
export { loadConfig, parseConfig, findConfigFile, CONFIG_FILE } from './config/load.js';
export type { LoadedConfig, LoadOptions } from './config/load.js';
export { openProject } from './config/project.js';
export type { Project } from './config/project.js';
export { configJsonSchema } from './config/json-schema.js';
export { expand, serviceExpansions } from './config/expand.js';
export type { ServiceValues, ServiceExpansion } from './config/expand.js';
export { mergeEnv, projectEnv, serviceEnv, readEnvFiles } from './config/env.js';
export { parseDotenv } from './config/dotenv.js';
export { splitRunString } from './config/run-string.js';
export { readState, updateState } from './config/state.js';
export type { State } from './config/state.js';

export { Output } from './output/output.js';
export type { OutputOptions, OutputMode } from './output/output.js';
export { tldrEvent } from './output/events.js';
export type { TldrEvent, EventInput, EventType, FindingEvent, TestEvent, ResultEvent, StepEndEvent } from './output/events.js';
export { eventsJsonSchema } from './output/json-schema.js';
export { redact, redactEnv, redactDeep, SecretSet, REDACTED } from './output/redact.js';

export { resolvePython, probePython } from './backend/python.js';
export type { PythonChoice, PythonProbe } from './backend/python.js';
export { manageCommand, celeryCommand, pythonCommand, runWordsCommand } from './backend/commands.js';
export type { CommandSpec } from './backend/commands.js';
export { runCommand } from './backend/exec.js';
export type { RunCommandOptions, RunOutcome } from './backend/exec.js';

export { dockerCandidates } from './services/discovery.js';
export type { SocketCandidate, SocketAttempt } from './services/discovery.js';
export { ensureServices } from './services/ensure.js';

export type { StepContext, StepDefinition, StepResult, Plan, PlanNode } from './pipelines/types.js';
export { planPipeline, formatPlan } from './pipelines/plan.js';
export { runPlan } from './pipelines/run.js';
export type { PlanOutcome } from './pipelines/run.js';
export { knownSteps, resolveStep } from './pipelines/registry.js';
export { createStepContext } from './pipelines/context.js';
export type { RunOptions } from './pipelines/context.js';
export { runPipeline, planFor, defaultPipelines, pipelineNames } from './pipelines/run-pipeline.js';
export type { RunPipelineOptions, PipelineResult } from './pipelines/run-pipeline.js';
export { doctor } from './pipelines/doctor.js';
export type { DoctorReport, DoctorCheck } from './pipelines/doctor.js';
export { envCommand } from './pipelines/env-command.js';
