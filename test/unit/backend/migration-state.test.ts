import { describe, expect, it } from 'vitest';
import { pendingMigrations } from '../../../src/backend/migration-state.js';

describe('pendingMigrations', () => {
  it('lists local migration files with no django_migrations row', () => {
    const files = [
      { app: 'documents', name: '0001_initial' },
      { app: 'documents', name: '0002_more' },
    ];
    expect(
      pendingMigrations(files, [
        { app: 'documents', name: '0001_initial' },
        { app: 'auth', name: '0001_initial' },
      ]),
    ).toEqual(['documents.0002_more']);
    expect(pendingMigrations(files, [...files])).toEqual([]);
  });
});
