// The VS Code client of `rights lsp`: starts the server over stdio, passes the
// data files named in the settings, and adds two commands (restart, explain).
// Everything else (diagnostics, hover, completion, formatting, code lenses
// with `rights.runTests`, …) is the server's and is wired by vscode-languageclient.

import * as vscode from 'vscode';
import {
  DocumentFilter,
  LanguageClient,
  LanguageClientOptions,
  RequestType,
  ResponseError,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { dataFiles, findExecutable, serverCommand } from './config';

/** `rights/explain`: a place in a document (or a query), and its explanation. */
interface ExplainParams {
  textDocument?: { uri: string };
  position?: { line: number; character: number };
  query?: string;
}
interface ExplainResult {
  markdown: string;
}
const ExplainRequest = new RequestType<ExplainParams, ExplainResult | null, void>('rights/explain');

const EXPLAIN_SCHEME = 'rights-explain';
const EXPLAIN_URI = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: '/Rights explanation.md' });

let client: LanguageClient | undefined;
let serverChannel: vscode.OutputChannel;
let explainChannel: vscode.OutputChannel;
let explanation = '';
const explanationChanged = new vscode.EventEmitter<vscode.Uri>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  serverChannel = vscode.window.createOutputChannel('Rights Language Server');
  explainChannel = vscode.window.createOutputChannel('Rights', 'markdown');
  context.subscriptions.push(
    serverChannel,
    explainChannel,
    explanationChanged,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      onDidChange: explanationChanged.event,
      provideTextDocumentContent: () => explanation,
    }),
    vscode.commands.registerCommand('rights.restartServer', restart),
    vscode.commands.registerCommand('rights.explain', explain),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The data files go to the server at start (initializationOptions) and
      // decide which JSON documents it is sent, so any change restarts it.
      if (e.affectsConfiguration('rights.server') || e.affectsConfiguration('rights.data')) {
        void restart();
      }
    }),
    { dispose: () => void stop() },
  );
  await restart();
}

export function deactivate(): Thenable<void> | undefined {
  return stop();
}

function settings() {
  const c = vscode.workspace.getConfiguration('rights');
  return {
    path: c.get<string>('server.path', 'rights') || 'rights',
    extraArgs: c.get<string[]>('server.extraArgs', []),
    data: c.get<string[]>('data', []),
  };
}

function firstFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** The JSON documents that are data of the policy. Only these are sent to the
 * server, so that it does not offer its features (formatting, …) on every
 * JSON file. */
function dataSelector(data: string[]): DocumentFilter[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  return dataFiles(data, folders).map((f) => ({
    scheme: 'file',
    language: 'json',
    pattern: vscode.Uri.file(f).fsPath,
  }));
}

let watchers: vscode.FileSystemWatcher[] = [];

async function start(): Promise<void> {
  const s = settings();
  const command = serverCommand(s.path, firstFolder());
  if (!findExecutable(command)) {
    void vscode.window
      .showErrorMessage(
        `Rights: cannot find the language server \`${command}\`. Install \`rights\` on PATH, or set \`rights.server.path\`.`,
        'Open Settings',
      )
      .then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'rights.server');
        }
      });
    return;
  }
  const folder = firstFolder();
  const serverOptions: ServerOptions = {
    command,
    args: ['lsp', ...s.extraArgs],
    transport: TransportKind.stdio,
    options: folder ? { cwd: folder } : undefined,
  };
  watchers = ['**/*.rights', '**/rights.toml', '**/*.json'].map((glob) =>
    vscode.workspace.createFileSystemWatcher(glob),
  );
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'rights' },
      { scheme: 'untitled', language: 'rights' },
      ...dataSelector(s.data),
    ],
    initializationOptions: { data: s.data },
    synchronize: { fileEvents: watchers },
    outputChannel: serverChannel,
  };
  const c = new LanguageClient('rights', 'Rights Language Server', serverOptions, clientOptions);
  client = c;
  // `rights.runTests` (the server's command) is in the palette while a server runs.
  c.onDidChangeState((e) => {
    if (client === c) {
      void vscode.commands.executeCommand('setContext', 'rights.serverRunning', e.newState === State.Running);
    }
  });
  try {
    await c.start();
  } catch {
    // vscode-languageclient has shown the error and logged it in the output channel
    await stop();
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  void vscode.commands.executeCommand('setContext', 'rights.serverRunning', false);
  try {
    if (c && c.needsStop()) {
      await c.stop();
    }
  } catch {
    // a server that already exited
  } finally {
    watchers.forEach((w) => w.dispose());
    watchers = [];
  }
}

/** Starts and restarts run one after the other, never interleaved (one edit of
 * the settings can fire several events). */
let queue: Promise<void> = Promise.resolve();
function restart(): Promise<void> {
  queue = queue.then(stop, stop).then(start, start);
  return queue;
}

/** `rights.explain [uri position]`: explains the query or `expect` line at the
 * cursor (or at the given place); with no Rights editor, asks for a query. */
async function explain(uri?: vscode.Uri | string, position?: vscode.Position): Promise<void> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('Rights: the language server is not running.');
    return;
  }
  let params: ExplainParams;
  const editor = vscode.window.activeTextEditor;
  if (uri && position) {
    params = { textDocument: { uri: uri.toString() }, position: { line: position.line, character: position.character } };
  } else if (editor && editor.document.languageId === 'rights') {
    const pos = editor.selection.active;
    params = { textDocument: { uri: editor.document.uri.toString() }, position: { line: pos.line, character: pos.character } };
  } else {
    const query = await vscode.window.showInputBox({
      title: 'Rights: explain',
      prompt: 'A query, as in `rights query`',
      placeHolder: 'can jane run status_detail on resource_z',
    });
    if (!query) {
      return;
    }
    params = { query };
  }
  let result: ExplainResult | null;
  try {
    result = await client.sendRequest(ExplainRequest, params);
  } catch (e) {
    void vscode.window.showErrorMessage(`Rights: ${errorText(e)}`);
    return;
  }
  if (!result || typeof result.markdown !== 'string') {
    void vscode.window.showInformationMessage('Rights: nothing to explain here.');
    return;
  }
  await show(result.markdown);
}

/** Shows an explanation in a Markdown preview beside the editor; without the
 * Markdown preview (extension disabled), in the `Rights` output channel. */
async function show(markdown: string): Promise<void> {
  explanation = markdown;
  explainChannel.appendLine(markdown);
  explainChannel.appendLine('');
  explanationChanged.fire(EXPLAIN_URI);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', EXPLAIN_URI);
  } catch {
    explainChannel.show(true);
  }
}

function errorText(e: unknown): string {
  if (e instanceof ResponseError) {
    return e.message;
  }
  if (e instanceof Error) {
    return e.message;
  }
  return String(e);
}
