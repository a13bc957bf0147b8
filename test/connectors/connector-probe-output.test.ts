import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readAboutOutput } from '../../src/connectors/probe/about-output.js';
import { readHelpOutput } from '../../src/connectors/probe/help-output.js';
import { tapArgs } from '../../src/singer/singer-process.js';

describe('reading what a probed executable printed', () => {
  test('argparse help listing only --properties (an older singer-io tap) and no --state', () => {
    const help = [
      'usage: tap-old [-h] -c CONFIG [-p PROPERTIES] [-d]',
      '',
      'optional arguments:',
      '  -h, --help            show this help message and exit',
      '  -c CONFIG, --config CONFIG',
      '                        Config file',
      '  -p PROPERTIES, --properties PROPERTIES',
      '                        Property selections',
      '  -d, --discover        Do schema discovery',
    ].join('\n');
    const found = readHelpOutput(help);
    assert.equal(found?.method, 'help');
    assert.equal(found?.catalogFlag, '--properties');
    assert.equal(found?.discover, true);
    assert.equal(found?.state, false);
  });

  test('output that names no --config is no help text', () => {
    assert.equal(readHelpOutput('{"type": "RECORD", "stream": "a", "record": {"x": "--discover"}}\n'), null);
    assert.equal(readHelpOutput('usage: something --configure [--discover-all]\n'), null);
  });

  test('an SDK about document after log lines on stdout; capabilities decide discover, catalog and state', () => {
    const about = `INFO starting\n${JSON.stringify({ name: 'tap-x', capabilities: ['properties', 'about'], settings: { type: 'object', properties: { a: { type: 'string' } } } }, null, 2)}\n`;
    const found = readAboutOutput(about);
    assert.equal(found?.method, 'about');
    assert.equal(found?.discover, false);
    assert.equal(found?.catalogFlag, '--properties');
    assert.equal(found?.state, false);
    assert.deepEqual(found?.settings, { type: 'object', properties: { a: { type: 'string' } } });
    assert.equal(readAboutOutput('{"name": "no capabilities"}'), null);
    assert.equal(readAboutOutput('Name: tap-x\nCapabilities: [catalog]'), null);
  });

  test('tap arguments follow the catalog flag and whether --state is taken', () => {
    const base = { configPath: 'c.json', statePath: 's.json', catalogPath: 'k.json' };
    assert.deepEqual(tapArgs({ ...base, catalogFlag: 'both' }), [
      '--config',
      'c.json',
      '--state',
      's.json',
      '--catalog',
      'k.json',
      '--properties',
      'k.json',
    ]);
    assert.deepEqual(tapArgs({ ...base, catalogFlag: 'none', acceptsState: false }), ['--config', 'c.json']);
    assert.deepEqual(tapArgs({ ...base }), ['--config', 'c.json', '--state', 's.json', '--catalog', 'k.json']);
  });
});
