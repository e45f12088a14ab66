// The client's decisions without VS Code: run with `npm run test:unit`.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataFiles, findExecutable, serverCommand, tomlDataOf } from '../../src/config';

test('a bare server name is looked up on PATH, a path with a directory is taken from the folder', () => {
  assert.equal(serverCommand('rights', '/w'), 'rights');
  assert.equal(serverCommand('target/release/rights', '/w'), path.join('/w', 'target/release/rights'));
  assert.equal(serverCommand('/usr/bin/rights', '/w'), '/usr/bin/rights');
  assert.equal(serverCommand('target/release/rights', undefined), 'target/release/rights');
});

test('rights.toml data lists are read with both quotes, escapes and comments', () => {
  assert.deepEqual(tomlDataOf('policy = ["a.rights"]\ndata = ["users.json", \'more.json\']\n'), [
    'users.json',
    'more.json',
  ]);
  assert.deepEqual(tomlDataOf('# data = ["commented.json"]\n'), []);
  assert.deepEqual(tomlDataOf('data = ["a#b.json"] # a comment\n'), ['a#b.json']);
  assert.deepEqual(tomlDataOf('data = [\n  "one.json",\n  # the second\n  "two.json",\n]\n'), [
    'one.json',
    'two.json',
  ]);
  assert.deepEqual(tomlDataOf('data = ["q\\"uote.json"]'), ['q"uote.json']);
  assert.deepEqual(tomlDataOf('metadata = ["not-data.json"]'), []);
});

test('data files: settings relative to the first folder, and each folder rights.toml', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rights-vscode-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.mkdirSync(a);
  fs.mkdirSync(b);
  fs.writeFileSync(path.join(b, 'rights.toml'), 'data = ["people.json", "../a/x.json"]\n');
  assert.deepEqual(dataFiles(['x.json', '/abs/y.json'], [a, b]).sort(), [
    '/abs/y.json',
    path.join(a, 'x.json'),
    path.join(b, 'people.json'),
  ]);
  assert.deepEqual(dataFiles(['x.json'], []), []);
  fs.rmSync(dir, { recursive: true });
});

test('the executable is found on PATH, a missing one is not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rights-vscode-'));
  const exe = path.join(dir, 'rights');
  fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(findExecutable('rights', { PATH: `/nonexistent:${dir}` }, 'linux'), exe);
  assert.equal(findExecutable('rights', { PATH: '/nonexistent' }, 'linux'), undefined);
  assert.equal(findExecutable(exe, {}, 'linux'), exe);
  assert.equal(findExecutable(dir, { PATH: '' }, 'linux'), undefined, 'a directory is not an executable');
  fs.writeFileSync(path.join(dir, 'tool.EXE'), '');
  assert.equal(findExecutable('tool', { PATH: dir, PATHEXT: '.EXE' }, 'win32'), path.join(dir, 'tool.EXE'));
  fs.rmSync(dir, { recursive: true });
});
