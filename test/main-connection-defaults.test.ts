import { describe, expect, it } from 'vitest';
import { CONNECTION_VARIABLES, connectionDefaultsFromEnv } from '../src-main/services/connection-defaults.js';

const AUTHORITY = CONNECTION_VARIABLES.authorityHost;
const GRAPH = CONNECTION_VARIABLES.graphEndpoint;
const CA = CONNECTION_VARIABLES.extraCaFile;

describe('connection defaults from the environment', () => {
  it('are empty without the variables', () => {
    expect(connectionDefaultsFromEnv({})).toEqual({});
  });

  it('take both hosts and the CA file', () => {
    const defaults = connectionDefaultsFromEnv({ [AUTHORITY]: 'https://127.0.0.1:8443/', [GRAPH]: 'https://127.0.0.1:8443', [CA]: '/tmp/ca.pem' });

    expect(defaults.endpoints).toEqual({ authorityHost: 'https://127.0.0.1:8443', graphEndpoint: 'https://127.0.0.1:8443' });
    expect(defaults.extraCaFile).toBe('/tmp/ca.pem');
  });

  it('take the CA file alone', () => {
    expect(connectionDefaultsFromEnv({ [CA]: ' /etc/proxy-ca.pem ' })).toEqual({ extraCaFile: '/etc/proxy-ca.pem' });
  });

  it('reject one host without the other', () => {
    expect(() => connectionDefaultsFromEnv({ [AUTHORITY]: 'https://127.0.0.1:8443' })).toThrow(`${AUTHORITY} and ${GRAPH} must be set together`);
    expect(() => connectionDefaultsFromEnv({ [GRAPH]: 'https://127.0.0.1:8443' })).toThrow('must be set together');
  });

  it('reject plain HTTP hosts', () => {
    expect(() => connectionDefaultsFromEnv({ [AUTHORITY]: 'http://127.0.0.1:8080', [GRAPH]: 'https://127.0.0.1:8443' })).toThrow('must be https:// URLs');
  });
});
