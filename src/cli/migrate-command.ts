import { createStore } from '../adapters/store/create-store.ts';
import { MIGRATION_NOTES } from '../adapters/store/migrations/index.ts';
import { loadConfig } from '../config/config.ts';

/** `renraku migrate`: apply pending migrations and print what was applied. */
export async function migrateCommand(_args: string[]): Promise<number> {
  const config = loadConfig();
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await store.migrate();
    console.log(applied.length === 0 ? 'migrate: up to date' : `migrate: applied ${applied.join(', ')}`);
    for (const name of applied) if (MIGRATION_NOTES[name]) console.log(`migrate: ${name}: ${MIGRATION_NOTES[name]}`);
    return 0;
  } finally {
    await store.close();
  }
}
