import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigFileError, readConfigFile } from '../../src/config/read.js';
import { ConfigError } from '../../src/shared/config/check.js';
import { Exp1SettingsSchema, Exp2SettingsSchema } from '../../src/shared/config/experiments.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-config-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts that `fn` throws an error whose message (not its name) matches `re`. */
function throwsMessage(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.match((e as Error).message, re);
    return true;
  });
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('the config file reader', () => {
  it('reads JSON and YAML files into the same typed settings', () => {
    const json = readConfigFile(file('a.json', '{"seeds": [0, 1], "sizes": [100]}'), Exp1SettingsSchema);
    const yaml = readConfigFile(file('a.yaml', 'seeds: [0, 1]\nsizes:\n  - 100\n'), Exp1SettingsSchema);
    assert.deepEqual(json, { seeds: [0, 1], sizes: [100] });
    assert.deepEqual(yaml, json);
  });

  it('accepts "$schema", so editors can be pointed at the published schema', () => {
    const p = file('s.json', '{"$schema": "./node_modules/evoscale/schemas/exp1.schema.json", "epochs": 3}');
    assert.equal(readConfigFile(p, Exp1SettingsSchema).epochs, 3);
  });

  it('refuses every value of the wrong type, each with its line, key, value and what was expected', () => {
    const p = file('bad.json', '{\n  "seeds": "0,1",\n  "epochs": "lots"\n}\n');
    assert.throws(
      () => readConfigFile(p, Exp1SettingsSchema),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `${p}:2:3: seeds: expected a non-empty array of non-negative integers, got "0,1"\n` +
            `${p}:3:3: epochs: expected a positive integer, got "lots"`,
    );
  });

  it('points at the line of a bad item inside a YAML list', () => {
    const p = file('bad.yaml', '# experiment 1\nsizes: [100]\nseeds:\n  - 0\n  - -1\n');
    throwsMessage(
      () => readConfigFile(p, Exp1SettingsSchema),
      new RegExp(`^${esc(p)}:5:5: seeds\\[1\\]: expected a non-negative integer, got -1$`),
    );
  });

  it('refuses a misspelt key, listing the known ones', () => {
    const p = file('typo.yaml', 'fractions: [0.5]\nsgdStep: 10\n');
    throwsMessage(
      () => readConfigFile(p, Exp2SettingsSchema),
      new RegExp(`^${esc(p)}:2:1: sgdStep: unknown key; known keys: datasets, .*sgdSteps, neGenerations`),
    );
  });

  it('names the file and line of malformed JSON', () => {
    const p = file('broken.json', '{\n  "seeds": [0, 1],\n}\n');
    assert.throws(
      () => readConfigFile(p, Exp1SettingsSchema),
      (e: unknown) => e instanceof ConfigFileError && e.message.startsWith(`${p}:3:1: not valid JSON`),
    );
  });

  it('names the file and line of malformed YAML', () => {
    const p = file('broken.yaml', 'seeds: [0, 1\nepochs: 3\n');
    assert.throws(
      () => readConfigFile(p, Exp1SettingsSchema),
      (e: unknown) => e instanceof ConfigFileError && new RegExp(`^${p}:\\d+:\\d+: not valid YAML`).test(e.message),
    );
  });

  it('refuses a YAML key given twice', () => {
    const p = file('twice.yaml', 'epochs: 3\nepochs: 4\n');
    throwsMessage(() => readConfigFile(p, Exp1SettingsSchema), new RegExp(`^${esc(p)}:2:1: not valid YAML`));
  });

  it('names a file it cannot read', () => {
    const p = join(dir, 'missing.json');
    throwsMessage(() => readConfigFile(p, Exp1SettingsSchema), new RegExp(`^${esc(p)}: cannot read the config file`));
  });

  it('refuses a file that is not an object of settings', () => {
    const p = file('list.json', '[1, 2]');
    throwsMessage(
      () => readConfigFile(p, Exp1SettingsSchema),
      new RegExp(`^${esc(p)}:1:1: expected an object, got \\[1,2\\]`),
    );
  });
});
