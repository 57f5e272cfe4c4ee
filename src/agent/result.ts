import type { ResultEvent } from '../index.js';

/** What a tool call returns (the SDK's CallToolResult, as far as tldr fills it). */
export interface ToolCallResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent: Record<string, unknown>;
  isError?: true;
}

/**
 * The CLI's `result` object as a tool result (DESIGN.md § Output and the agent contract): exit 0
 * and 1 are answers — the one-line summary, the same JSON as text for clients that ignore
 * `structuredContent`; exit 2–5 (and 130) mean tldr could not do the job: `isError` with the
 * tldr error code, message and hint first. Pure.
 */
export function toolResult(result: ResultEvent): ToolCallResult {
  const json = JSON.stringify(result);
  const structuredContent = result as unknown as Record<string, unknown>;
  if (result.exitCode === 0 || result.exitCode === 1) {
    return { content: [text(result.summary), text(json)], structuredContent };
  }
  const error = result.error;
  const line = error ? `${error.code} (exit ${result.exitCode}): ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}` : result.summary;
  return { content: [text(line), text(json)], structuredContent, isError: true };
}

function text(value: string): { type: 'text'; text: string } {
  return { type: 'text', text: value };
}
