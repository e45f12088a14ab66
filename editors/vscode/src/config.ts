// What the client decides from its settings and the disk, without VS Code:
// which executable to run, and which JSON documents are the policy's data.
// Kept apart from extension.ts so that it is tested with node alone
// (test/unit/config.test.ts).

import * as fs from 'fs';
import * as path from 'path';

/** A relative path with a directory part (`target/release/rights`) is taken from
 * the workspace folder; a bare name (`rights`) is looked up on PATH. */
export function serverCommand(p: string, folder: string | undefined): string {
  if (folder && !path.isAbsolute(p) && /[\\/]/.test(p)) {
    return path.join(folder, p);
  }
  return p;
}

/** The data files named in a `rights.toml` text (`data = ["users.json", …]`).
 * Only used to choose which JSON documents the server is sent; the server
 * reads rights.toml itself. */
export function tomlDataOf(text: string): string[] {
  // comments end at the line's end; a `#` inside a quoted path is kept
  const uncommented = text
    .split('\n')
    .map((line) => line.replace(/^((?:[^#"']|"(?:[^"\\]|\\.)*"|'[^']*')*)#.*$/, '$1'))
    .join('\n');
  const m = /^\s*data\s*=\s*\[([^\]]*)\]/m.exec(uncommented);
  if (!m) {
    return [];
  }
  return [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((x) =>
    x[1] !== undefined ? x[1].replace(/\\(["\\])/g, '$1') : x[2],
  );
}

/** The data files named in the `rights.toml` at a folder's root. */
export function tomlData(folder: string): string[] {
  try {
    return tomlDataOf(fs.readFileSync(path.join(folder, 'rights.toml'), 'utf8'));
  } catch {
    return [];
  }
}

/** The JSON documents that are data of the policy, as absolute paths: those the
 * settings name (relative to the first folder, as the server takes them) and
 * those each folder's rights.toml names. */
export function dataFiles(data: string[], folders: string[]): string[] {
  const files = new Set<string>();
  const first = folders[0];
  for (const d of data) {
    if (path.isAbsolute(d)) {
      files.add(path.normalize(d));
    } else if (first) {
      files.add(path.resolve(first, d));
    }
  }
  for (const f of folders) {
    for (const d of tomlData(f)) {
      files.add(path.resolve(f, d));
    }
  }
  return [...files];
}

/** The executable for a command: a path as given, a bare name on PATH. */
export function findExecutable(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  const delimiter = platform === 'win32' ? ';' : ':';
  const candidates = /[\\/]/.test(command)
    ? [command]
    : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const c of candidates) {
    for (const ext of exts) {
      try {
        if (fs.statSync(c + ext).isFile()) {
          return c + ext;
        }
      } catch {
        // not there
      }
    }
  }
  return undefined;
}
