// The bundled extension (out/extension.js) loaded with a stand-in for the
// `vscode` module: activation registers its commands and, when the server
// cannot be found, says which command it looked for and how to fix it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('node:module');

/** Anything: callable, constructible, with any property. */
function anything(name: string): unknown {
  const target = function () {};
  return new Proxy(target, {
    get: (_t, key) => (key === Symbol.toPrimitive ? () => name : key === 'then' ? undefined : anything(`${name}.${String(key)}`)),
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`) as object,
  });
}

test('activation registers the commands and reports a missing server', async () => {
  const commands: string[] = [];
  const errors: string[] = [];
  const config: Record<string, unknown> = { 'server.path': 'rights-not-installed-anywhere', 'server.extraArgs': [], data: [] };
  const vscode = new Proxy(
    {
      window: {
        createOutputChannel: () => anything('channel'),
        showErrorMessage: (m: string) => {
          errors.push(m);
          return Promise.resolve(undefined);
        },
        showWarningMessage: () => Promise.resolve(undefined),
      },
      workspace: {
        workspaceFolders: undefined,
        getConfiguration: () => ({ get: (k: string, d: unknown) => config[k] ?? d }),
        registerTextDocumentContentProvider: () => ({ dispose() {} }),
        onDidChangeConfiguration: () => ({ dispose() {} }),
        createFileSystemWatcher: () => ({ dispose() {} }),
      },
      commands: {
        registerCommand: (name: string) => {
          commands.push(name);
          return { dispose() {} };
        },
        executeCommand: () => Promise.resolve(undefined),
      },
      Uri: { from: () => anything('uri'), file: (p: string) => ({ fsPath: p }) },
      EventEmitter: class {
        event = () => ({ dispose() {} });
        fire() {}
        dispose() {}
      },
    } as Record<string, unknown>,
    { get: (t, key: string) => (key in t ? t[key] : anything(`vscode.${key}`)) },
  );
  const load = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    const ext = require(path.resolve(__dirname, '../out/extension.js'));
    const subscriptions: unknown[] = [];
    await ext.activate({ subscriptions });
    assert.deepEqual(commands.sort(), ['rights.explain', 'rights.restartServer']);
    assert.equal(errors.length, 1, `one error: ${errors.join(' | ')}`);
    assert.match(errors[0], /cannot find the language server `rights-not-installed-anywhere`/);
    assert.match(errors[0], /rights\.server\.path/);
    await ext.deactivate();
  } finally {
    Module._load = load;
  }
});
