import { describe, expect, it } from 'vitest';
import { parseImageRef, postgresDataDir, postgresDataDirFromImage, postgresMajor } from '../../src/services/docker/image-ref.js';

const NEW = '/var/lib/postgresql';
const OLD = '/var/lib/postgresql/data';
const dirOf = (image: string) => {
  const major = postgresMajor(image);
  return major === undefined ? undefined : postgresDataDir(major);
};

describe('image references', () => {
  it('splits registry, repository, tag and digest', () => {
    expect(parseImageRef('postgres')).toEqual({ repository: 'postgres', tag: undefined, digest: undefined });
    expect(parseImageRef('postgres:17-alpine')).toEqual({ repository: 'postgres', tag: '17-alpine', digest: undefined });
    expect(parseImageRef('127.0.0.1:5000/team/pg:16')).toEqual({ repository: '127.0.0.1:5000/team/pg', tag: '16', digest: undefined });
    expect(parseImageRef('127.0.0.1:5000/team/pg')).toEqual({ repository: '127.0.0.1:5000/team/pg', tag: undefined, digest: undefined });
    expect(parseImageRef('postgres:17@sha256:abc')).toEqual({ repository: 'postgres', tag: '17', digest: 'sha256:abc' });
    expect(parseImageRef('postgres@sha256:abc')).toEqual({ repository: 'postgres', tag: undefined, digest: 'sha256:abc' });
  });
});

describe('Postgres data directory by image tag', () => {
  it('18 and newer mount /var/lib/postgresql; older majors /var/lib/postgresql/data', () => {
    expect(dirOf('postgres:18')).toBe(NEW);
    expect(dirOf('postgres:19.1')).toBe(NEW);
    expect(dirOf('postgres:18-alpine')).toBe(NEW);
    expect(dirOf('postgres:17')).toBe(OLD);
    expect(dirOf('postgres:17-alpine')).toBe(OLD);
    expect(dirOf('postgres:17.2-alpine3.20')).toBe(OLD);
    expect(dirOf('postgres:16.4-bookworm')).toBe(OLD);
    expect(dirOf('postgres:9.6')).toBe(OLD);
    expect(dirOf('docker.io/library/postgres:15')).toBe(OLD);
    expect(dirOf('tldr-test/postgres:15')).toBe(OLD);
    expect(dirOf('postgres:18beta1')).toBe(NEW);
  });

  it('floating tags of the official image follow the newest major', () => {
    expect(dirOf('postgres')).toBe(NEW);
    expect(dirOf('postgres:latest')).toBe(NEW);
    expect(dirOf('postgres:alpine')).toBe(NEW);
    expect(dirOf('postgres:bookworm')).toBe(NEW);
  });

  it('digests: a tag next to the digest decides; a digest alone asks the image', () => {
    expect(dirOf('postgres:17-alpine@sha256:0123abcd')).toBe(OLD);
    expect(dirOf('postgres:18@sha256:0123abcd')).toBe(NEW);
    expect(postgresMajor('postgres@sha256:0123abcd')).toBeUndefined();
    expect(postgresMajor('mycorp/pg:stable')).toBeUndefined();
    expect(postgresMajor('mycorp/pg')).toBeUndefined();
  });

  it('an image that its name does not describe is read from its env and volumes', () => {
    expect(postgresDataDirFromImage({ env: ['PG_MAJOR=18', 'PGDATA=/var/lib/postgresql/18/docker'], volumes: [NEW] })).toBe(NEW);
    expect(postgresDataDirFromImage({ env: ['PG_MAJOR=17'], volumes: [OLD] })).toBe(OLD);
    expect(postgresDataDirFromImage({ env: [], volumes: [OLD] })).toBe(OLD);
    expect(postgresDataDirFromImage({ env: [], volumes: [NEW] })).toBe(NEW);
    expect(postgresDataDirFromImage({ env: ['PGDATA=/var/lib/postgresql/18/docker'], volumes: [] })).toBe(NEW);
    expect(postgresDataDirFromImage({ env: [], volumes: [] })).toBe(OLD);
  });
});
