// The public library API: re-exports only. The CLI, the MCP server and the detached supervisor's
// entry point call exactly this. Internals (process tables, log rotation, argv builders, helper
// paths) stay behind it.

// Errors and exit codes
export {
  ExitCode,
  TldrError,
  ConfigError,
  EnvironmentError,
  ServiceError,
  InterruptedError,
  exitCodeOf,
  errorResult,
  notImplemented,
  usageError,
} from './errors.js';
export type { TldrErrorOptions, TldrErrorJSON, ErrorResult } from './errors.js';
export { signalExitCode, childExitCode } from './process/exit-status.js';
export { STOP_SIGNALS } from './process/signals.js';
export { hurryStops } from './process/spawn.js';

// Command definitions: one per command, for the CLI, the MCP server and the library
export { commandDefinitions, commandGroups, commandDefinition } from './commands/registry.js';
export { defineCommand, parseInput } from './commands/definition.js';
export type {
  CommandDefinition,
  AnyDefinition,
  CommandResult,
  CliSpelling,
  InputProblem,
  ProjectNeed,
  CallerOptions,
  LookupOptions,
  ContextOf,
  Handler,
} from './commands/definition.js';
export { inputJsonSchema, resultJsonSchema } from './commands/json-schema.js';

// Commands: the handlers the CLI calls, with their options and result data
export { dev } from './commands/dev/dev.js';
export type { DevOptions } from './commands/dev/types.js';
export { ps } from './commands/dev/ps.js';
export { processLogs } from './commands/dev/logs.js';
export type { LogsOptions } from './commands/dev/logs.js';
export { grepFilter } from './commands/dev/log-filter.js';
export { stop } from './commands/dev/stop.js';
export { supervise } from './commands/dev/supervise.js';
export { startDevWarm, stopDevWarm } from './commands/dev/warm.js';
export type { DevData, PsData, StopData, LogsData } from './commands/dev/schemas.js';
export { up } from './commands/services/up.js';
export type { ServicesUpOptions } from './commands/services/up.js';
export { down } from './commands/services/down.js';
export type { ServicesDownOptions } from './commands/services/down.js';
export { status } from './commands/services/status.js';
export { inspectServices } from './commands/services/inspect.js';
export type { InspectedServices } from './commands/services/inspect.js';
export { psql, redisCli } from './commands/services/clients.js';
export type { ClientOptions } from './commands/services/clients.js';
export type { UpData, DownData, StatusData, ServiceStatusReport, ClientData, InspectedService } from './commands/services/schemas.js';
export { migrate } from './commands/backend/migrate.js';
export type { MigrateOptions } from './commands/backend/migrate.js';
export { makemigrations } from './commands/backend/makemigrations.js';
export type { MakemigrationsOptions } from './commands/backend/makemigrations.js';
export { manage, python, worker } from './commands/backend/manage.js';
export type { ArgsOptions } from './commands/backend/manage.js';
export type { PassthroughOptions } from './commands/backend/passthrough.js';
export type { PassthroughData } from './commands/backend/schemas.js';
export { migrateCheck } from './commands/migrate-check/migrate-check.js';
export type { MigrateCheckOptions, MigrateCheckSettings, MigrateCheckResult } from './commands/migrate-check/migrate-check.js';
export type { MigrateCheckData } from './commands/migrate-check/definition.js';
export { test } from './commands/test/test.js';
export type { TestOptions, TestSettings } from './commands/test/test.js';
export type { TestData } from './commands/test/definition.js';
export { warmStart, warmStatus, warmStop } from './commands/warm/warm.js';
export type { WarmStartOptions } from './commands/warm/warm.js';
export type { WarmStartData, WarmStatusData, WarmStopData } from './commands/warm/definition.js';
export { runPipeline, planFor, defaultPipelines, pipelineNames } from './commands/run/run.js';
export type { RunPipelineOptions } from './commands/run/run.js';
export type { RunData } from './commands/run/definition.js';
export { ci } from './commands/ci/ci.js';
export type { CiOptions } from './commands/ci/ci.js';
export type { CiData } from './commands/ci/definition.js';
export { ciRunId } from './commands/ci/run-id.js';
export { readDurations, mergeDurations } from './commands/test/durations.js';
export type { Durations } from './commands/test/durations.js';
export { envCommand } from './commands/env/env.js';
export type { EnvCommandOptions } from './commands/env/env.js';
export type { EnvData } from './commands/env/definition.js';
export { doctor } from './commands/doctor/doctor.js';
export type { DoctorOptions, DoctorReport, DoctorCheck } from './commands/doctor/doctor.js';
export { validateConfig, printConfig, printSchema } from './commands/config/config.js';
export { mcp } from './commands/mcp/mcp.js';
export type { McpOptions } from './commands/mcp/mcp.js';
export type { McpData } from './commands/mcp/definition.js';
export { validateProject, preflight } from './commands/preflight.js';
export type { Needs, Problem } from './commands/preflight.js';

// Pipelines: the engine, the built-in steps, and a command's step context
export { planPipeline, formatPlan } from './pipeline/plan.js';
export { runPlan } from './pipeline/run.js';
export type { PlanOutcome, RunPlanOptions, RunLeaf } from './pipeline/run.js';
export { createStepContext } from './pipeline/context.js';
export type { RunOptions, BringUp, ExpectServices } from './pipeline/context.js';
export type { StepContext, Step, StepDefinition, StepEntry, StepResult, Plan, PlanNode } from './pipeline/types.js';
export { knownSteps, builtinStep, resolveStep } from './commands/steps.js';
export { commandContext } from './commands/context.js';

// Config
export { openProject } from './config/project.js';
export type { Project } from './config/project.js';
export { loadConfig, parseConfig, findConfigFile, CONFIG_FILE, MAX_CONFIG_BYTES, MAX_CONFIG_ERRORS } from './config/load.js';
export type { LoadedConfig, LoadOptions } from './config/load.js';
export { configSchema, findingCodes, testFindingCodes, agentToolNames } from './config/schema.js';
export type {
  Config,
  ConfigInput,
  ProcessConfig,
  ReadyConfig,
  PostgresConfig,
  RedisConfig,
  IgnoreEntry,
  NPlusOneConfig,
  QueryIgnoreEntry,
  FindingCode,
  PipelineStepConfig,
} from './config/schema.js';
export { configJsonSchema } from './config/json-schema.js';
export { configYaml } from './config/print.js';
export { expand, serviceExpansions } from './config/expand.js';
export type { ServiceValues, ServiceExpansion, ExpandOptions } from './config/expand.js';
export { mergeEnv, projectEnv, projectEnvReport, serviceEnv, readEnvFiles } from './config/env.js';
export type { EnvLayers, EnvFile, EnvFiles, ProjectEnvOptions } from './config/env.js';
export { parseDotenv } from './config/dotenv.js';
export { splitRunString } from './config/run-string.js';
export { parseSize } from './config/size.js';
export { projectSecrets } from './config/secrets.js';

// Output: the renderer choice, the event schema, redaction
export { Output } from './output/output.js';
export type { OutputOptions, OutputMode, OutputProgress } from './output/output.js';
export { tldrEvent } from './output/events.js';
export type { TldrEvent, EventInput, EventType, FindingEvent, TestEvent, TopQuery, ResultEvent, StepEndEvent } from './output/events.js';
export { eventsJsonSchema } from './output/json-schema.js';
export { redact, SecretSet, REDACTED } from './output/redact.js';
export { renderJUnit } from './output/junit.js';
export type { JUnitOptions, JUnitRecord } from './output/junit.js';
export type { QueryFinding, IgnoredQueryFinding, TestQueries } from './output/query-report.js';
export { annotationCommand, escapeData, escapeProperty, selectAnnotations, groupStart, groupEnd, ANNOTATION_LIMITS } from './output/github.js';
export type { Annotation, Selection } from './output/github.js';
export { ciAnnotations, failureLocation, findingAnnotation, testAnnotation } from './output/ci-report.js';
export type { FindingRecord, Location } from './output/ci-report.js';
export { stepSummary, screenSummary, STEP_SUMMARY_LIMIT } from './output/ci-summary.js';
export type { CiFacts } from './output/ci-summary.js';
export type { LogLimits } from './output/rotating-log.js';

// Readiness probes
export { Probe } from './readiness/probes.js';
export { ReadinessProbe, ProbeFatal, ProbeTimeout, systemClock } from './readiness/probe.js';
export type { Clock, ProbeOutcome, WaitOptions } from './readiness/probe.js';
export type { SqlTarget } from './readiness/sql.js';
export type { RedisAuth } from './readiness/redis.js';
export type { LineFeed } from './readiness/log.js';
export type { OwnedBy } from './readiness/owner.js';
export type { ListenerOwner } from './process/proc-sockets.js';
export { serviceProbe } from './services/readiness.js';
export { processProbe } from './supervisor/process-entry.js';
export type { ProbeTarget } from './supervisor/process-entry.js';

// Services: the providers
export { openServices } from './services/open.js';
export type { OpenOptions, OpenedServices } from './services/open.js';
export { startServices, ensureServices } from './services/ensure.js';
export type { EnsureOptions, ServiceReport, StartedServices } from './services/ensure.js';
export { serviceNames } from './services/provider.js';
export type {
  ServiceName,
  ServiceSpec,
  PostgresSpec,
  RedisSpec,
  ServiceProvider,
  ServiceHandle,
  ServiceStatus,
  DownReport,
  DownOptions,
  UpAction,
  UpOptions,
  UpProgress,
  PullSnapshot,
  LogOptions,
  ExecOptions,
  ExecStdio,
} from './services/provider.js';
export { DockerProvider } from './services/docker/provider.js';
export { containerDefinition } from './services/docker/container-spec.js';
export type { ContainerDefinition, ContainerInput } from './services/docker/container-spec.js';
export { findDocker, probeDocker } from './services/docker/endpoint.js';
export type { FoundDocker } from './services/docker/endpoint.js';
export { dockerCandidates } from './services/discovery.js';
export type { SocketCandidate, SocketAttempt } from './services/discovery.js';
export { NativeProvider } from './services/native/provider.js';
export { nativeServers } from './process/servers.js';
export type { NativeRunner, RunAs, RunnerOptions, RunnerResult, DetachedOptions, ClientStdio } from './process/servers.js';
export { ExternalProvider } from './services/external.js';
export { chooseProvider } from './services/provider-choice.js';
export type { ProviderChoice } from './services/provider-choice.js';
export { resolveInstance, instanceName } from './services/instance.js';
export type { Instance, InstanceOptions } from './services/instance.js';
export { CiLabel, ciRunLabels, leftoverReason } from './services/ci-run.js';
export type { CiRunIdentity, LeftoverCheck } from './services/ci-run.js';
export { recordCiRun, sweepCiRuns, teardownCiServices } from './services/ci-services.js';
export type { SweptResource } from './services/ci-services.js';
export { serviceSpecs } from './services/specs.js';

// Backend: python resolution, the commands tldr builds, the migration-state fast path
export { resolvePython, probePython } from './backend/python.js';
export type { PythonChoice, PythonProbe } from './backend/python.js';
export { manageCommand, celeryCommand, pythonCommand, runWordsCommand } from './backend/commands.js';
export type { CommandSpec } from './backend/commands.js';
export { checkMigrations, unappliedBy } from './backend/migration-state.js';
export type { RunCommandOptions, RunOutcome, HeadStart } from './process/spawn.js';
export { runPython } from './backend/python-run.js';
export type { PythonRun, PythonOutcome, ExecutionPath } from './backend/python-run.js';
export { warmRun, warmRequest } from './backend/warm-client.js';
export type { WarmOutcome, WarmRunRequest, WarmRunOptions } from './backend/warm-client.js';
export { startWarmServer, stopWarmServer, liveWarmServer, readWarmRecord, warmSocketPath } from './backend/warm-server.js';
export type { WarmRecord, WarmStart, WarmStarted, WarmStopped, WarmOwner } from './backend/warm-server.js';
export { expectedServiceValues } from './services/expected.js';
export type { MigrationCheck } from './backend/migration-state.js';

// Migration checks: the document the helper writes
export type { CheckDocument, CheckFinding, ReversibilityReport, ObservedStatement, MigrationObservation } from './checks/document.js';
export type { IgnoredFinding } from './checks/ignore.js';
export type { ObservationSummary } from './checks/observations.js';

// The supervisor: long-running process groups, the dev loop's record and control socket
export { Supervisor } from './supervisor/supervisor.js';
export type { SupervisorOptions, SupervisorHooks, SupervisorDeps } from './supervisor/supervisor.js';
export type { SupervisedProcess, ProcessStatus, ProcessState, ReadySpec } from './supervisor/types.js';
export { reapLeftovers } from './supervisor/reap.js';
export type { ReapOutcome, ReapedGroup, ReapOptions } from './supervisor/reap.js';
export { readLastRun } from './supervisor/last-run.js';
export type { LoopEnding, LoopEndReason } from './supervisor/last-run.js';
export { readRecord } from './supervisor/record.js';
export type { SupervisorRecordData, GroupRecord } from './supervisor/record.js';
export { controlCall } from './supervisor/control-client.js';
export type { ControlRequest, ControlMessage, SupervisorInfo, StartupOutcome } from './supervisor/control-protocol.js';
export type { SuperviseInput } from './supervisor/plan.js';
