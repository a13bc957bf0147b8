import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readRuntimeConfig } from '../../src/config/runtime-config.js';

describe('runtime config names', () => {
  test("SINEW_CONNECTOR_API_URL is what connectors get as API_URL; SINEW_API_URL is its older name; the CLI's SINEW_URL is not read", () => {
    assert.equal(readRuntimeConfig({ SINEW_CONNECTOR_API_URL: 'http://api:8080' }).apiUrl, 'http://api:8080');
    assert.equal(readRuntimeConfig({ SINEW_API_URL: 'http://old:8080' }).apiUrl, 'http://old:8080');
    assert.equal(readRuntimeConfig({ SINEW_CONNECTOR_API_URL: 'http://new:1', SINEW_API_URL: 'http://old:2' }).apiUrl, 'http://new:1');
    assert.equal(readRuntimeConfig({ SINEW_URL: 'http://cli:8080' }).apiUrl, undefined);
  });
});
