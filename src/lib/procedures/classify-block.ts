import { lookupDeclared, recordingLookup } from './declared-variables.ts';
import { parseDockerCommand } from './parse-docker-command.ts';
import type { Step } from './step-schemas.ts';
import { tokenizeShell } from './tokenize-shell.ts';

// The single place that decides whether a fenced block gets a Run button. A block is
// all-or-nothing: if any command can't run faithfully, none of them run.

/** Fence languages whose blocks are shell procedures runbook-live may run. */
export const SHELL_LANGUAGES: readonly string[] = ['bash', 'sh', 'shell'];

// Transcripts mix commands with their output, so they can never be run as written.
const TRANSCRIPT_LANGUAGES = new Set(['console', 'shell-session', 'shellsession', 'sh-session', 'terminal']);

/** A fenced block as the markdown pipeline hands it over. */
export type BlockToClassify = {
  /** Language from the fence info string (see parseFenceInfo), null when there was none. */
  lang: string | null;
  /** The block's exact text. */
  source: string;
  /** Declared variables from the systems configuration; the only values $NAME can take. */
  variables: Readonly<Record<string, string>>;
  /** The system's folder, where `docker compose build` reads its compose files; absent without a system. */
  systemDir?: string | null;
};

/** Whether a block can run, with its steps (and each step's 1-based source line) or the reason it can't. */
export type BlockClassification =
  | { runnable: true; steps: Step[]; lines: number[] }
  | { runnable: false; reason: string };

/**
 * Decides whether a fenced block can run without a shell and, if so, exactly which steps.
 * Blocks are taken as written: a leading "$ " prompt is refused rather than stripped, so
 * the block's text (and hash) is always exactly what runs.
 */
export function classifyBlock(block: BlockToClassify): BlockClassification {
  const lang = block.lang?.trim().toLowerCase() ?? '';
  if (lang === '') {
    return notRunnable('the block has no language; mark it ```bash to make it a runnable procedure');
  }
  if (TRANSCRIPT_LANGUAGES.has(lang)) {
    return notRunnable(`${lang} blocks mix prompts with output; put just the commands in a bash block, without "$ " prompts`);
  }
  if (!SHELL_LANGUAGES.includes(lang)) {
    return notRunnable(`${lang} blocks are not shell procedures; only ${SHELL_LANGUAGES.join(', ')} blocks can run`);
  }

  const lookup = lookupDeclared(block.variables);
  const tokens = tokenizeShell(block.source, lookup);
  if (!tokens.ok) return notRunnable(tokens.reason);
  if (tokens.commands.length === 0) {
    return notRunnable('the block has no commands (only blank lines or comments)');
  }
  const steps: Step[] = [];
  const lines: number[] = [];
  for (const command of tokens.commands) {
    const step = parseDockerCommand(command.argv, lookup, block.systemDir ?? null);
    if (!step.ok) return notRunnable(`line ${command.line}: ${step.reason}`);
    steps.push(step.value);
    lines.push(command.line);
  }
  return { runnable: true, steps, lines };
}

/**
 * Names of the variables a block uses, without duplicates: $NAME and ${NAME} in order of
 * appearance, then names passed bare as `-e NAME` / `--build-arg NAME`, and those a compose
 * file interpolates in what it builds. Scanning stops at the first shell construct the block
 * can't run with.
 */
export function variablesUsed(source: string, systemDir: string | null = null): string[] {
  const { lookup, used } = recordingLookup();
  const tokens = tokenizeShell(source, lookup);
  if (tokens.ok) for (const command of tokens.commands) parseDockerCommand(command.argv, lookup, systemDir);
  return used;
}

function notRunnable(reason: string): BlockClassification {
  return { runnable: false, reason };
}
