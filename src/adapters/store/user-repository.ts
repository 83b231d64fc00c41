import type { Insertable, Kysely, Selectable } from 'kysely';
import { AppError } from '../../domain/app-error.ts';
import type { UserRepository } from '../../domain/store.ts';
import type { Language, NewUser, User, UserWithPassword } from '../../domain/types.ts';
import type { Database, UsersTable } from './schema.ts';
import { isUniqueViolation, UNIQUE_KEYS } from './unique-violation.ts';

export const USER_COLUMNS = ['id', 'email', 'name', 'created_at', 'email_verified_at', 'language'] as const;

type UserRow = Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>;

/** The stored row of a user: the domain fields plus the lower-cased email key. */
export function toUserRow(user: NewUser): Insertable<UsersTable> {
  return {
    id: user.id,
    email: user.email,
    email_lower: user.email.toLowerCase(),
    name: user.name,
    password_hash: user.password_hash,
    created_at: user.created_at,
    email_verified_at: user.email_verified === false ? null : user.created_at,
    language: user.language ?? null,
  };
}

/** A row (with the user columns, possibly prefixed by a join) as the domain's User. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    created_at: Number(row.created_at),
    email_verified: row.email_verified_at !== null,
    language: row.language === 'ja' || row.language === 'en' ? row.language : null,
  };
}

/** Emails keep the spelling given; uniqueness and lookup go through `email_lower`. */
export class KyselyUserRepository implements UserRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(user: NewUser): Promise<User> {
    try {
      await this.db.insertInto('users').values(toUserRow(user)).execute();
    } catch (error) {
      if (isUniqueViolation(error, UNIQUE_KEYS.userEmail)) throw new AppError('email_taken');
      throw error;
    }
    return { id: user.id, email: user.email, name: user.name, created_at: user.created_at, email_verified: user.email_verified !== false, language: user.language ?? null };
  }

  async findByEmail(email: string): Promise<UserWithPassword | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select([...USER_COLUMNS, 'password_hash'])
      .where('email_lower', '=', email.toLowerCase())
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && { ...toUser(row), password_hash: row.password_hash };
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async findPasswordHash(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('users').select('password_hash').where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return row?.password_hash;
  }

  async markEmailVerified(id: string, email: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ email_verified_at: at })
      .where('id', '=', id)
      .where('email_lower', '=', email.toLowerCase())
      .where('email_verified_at', 'is', null)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async changeEmail(id: string, email: string, at: number): Promise<boolean> {
    try {
      const result = await this.db
        .updateTable('users')
        .set({ email, email_lower: email.toLowerCase(), email_verified_at: at })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    } catch (error) {
      if (isUniqueViolation(error, UNIQUE_KEYS.userEmail)) throw new AppError('email_taken');
      throw error;
    }
  }

  async updateProfile(id: string, changes: { name?: string; language?: Language | null }): Promise<User | undefined> {
    const set: { name?: string; language?: string | null } = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.language !== undefined) set.language = changes.language;
    if (Object.keys(set).length > 0) {
      await this.db.updateTable('users').set(set).where('id', '=', id).where('deleted_at', 'is', null).execute();
    }
    return this.findById(id);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const result = await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
