/**
 * The user's text editor, opened on a file at a line: $VISUAL, else $EDITOR, else `vi`,
 * else `nano`. Most editors take `+LINE FILE` (vi, vim, nvim, nano, emacs, micro,
 * helix, kakoune, joe); VS Code and its kin take `-g FILE:LINE` and need `--wait` to
 * return only when the file is closed; Sublime Text takes `FILE:LINE` and `--wait`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';

/** Splits a command line as a shell would split words: spaces, with quotes and backslashes. */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word = (word ?? '') + line[++i];
      else word = (word ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i];
    else if (/\s/.test(ch)) {
      if (word !== null) out.push(word);
      word = null;
    } else word = (word ?? '') + ch;
  }
  if (word !== null) out.push(word);
  return out;
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  const dirs = isAbsolute(name) ? [''] : (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const d of dirs) {
    try {
      accessSync(d ? join(d, name) : name, constants.X_OK);
      return true;
    } catch {
      // not there
    }
  }
  return false;
}

/** The editor's command and its arguments before the file, from the environment. */
export function chooseEditor(env: NodeJS.ProcessEnv = process.env): string[] {
  for (const v of [env.VISUAL, env.EDITOR]) {
    const words = v ? splitCommand(v) : [];
    if (words.length) return words;
  }
  for (const fallback of ['vi', 'nano']) if (onPath(fallback, env)) return [fallback];
  throw new UserError(
    'no editor found: set $VISUAL or $EDITOR (for example `export EDITOR=nano`); vi and nano are not on the PATH either',
  );
}

const VSCODE = new Set(['code', 'code-insiders', 'codium', 'vscodium', 'cursor']);
const SUBLIME = new Set(['subl', 'sublime_text']);

/** The whole command line that opens `file` at `line` in the editor `editor`. */
export function editorArgs(editor: string[], file: string, line: number): string[] {
  const [cmd = 'vi', ...rest] = editor;
  const name = basename(cmd).replace(/\.(exe|cmd)$/i, '');
  if (VSCODE.has(name)) {
    const wait = rest.includes('--wait') || rest.includes('-w') ? [] : ['--wait'];
    return [cmd, ...rest, ...wait, '-g', `${file}:${line}`];
  }
  if (SUBLIME.has(name)) {
    const wait = rest.includes('--wait') || rest.includes('-w') ? [] : ['--wait'];
    return [cmd, ...rest, ...wait, `${file}:${line}`];
  }
  return [cmd, ...rest, `+${line}`, file];
}

/**
 * Runs the editor on `file` at `line`, the terminal its own (stdio inherited), and
 * waits for it to exit; returns its exit status. Throws a UserError when it cannot be
 * started.
 */
export function runEditor(
  file: string,
  line: number,
  env: NodeJS.ProcessEnv = process.env,
): number | null {
  const [cmd, ...args] = editorArgs(chooseEditor(env), file, line);
  const r = spawnSync(cmd as string, args, { stdio: 'inherit', env });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `the editor "${cmd}" was not found; set $VISUAL or $EDITOR to one that is installed`
        : `the editor "${cmd}" could not be started (${r.error.message})`,
    );
  }
  return r.status;
}
