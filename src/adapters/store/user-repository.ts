import type { Insertable, Kysely } from 'kysely';
import { AppError } from '../../domain/app-error.ts';
import type { UserRepository } from '../../domain/store.ts';
import type { User, UserWithPassword } from '../../domain/types.ts';
import { pick } from './pick.ts';
import type { Database, UsersTable } from './schema.ts';
import { isUniqueViolation, UNIQUE_KEYS } from './unique-violation.ts';

const USER_COLUMNS = ['id', 'email', 'name', 'created_at'] as const;

/** The stored row of a user: the domain fields plus the lower-cased email key. */
export function toUserRow(user: UserWithPassword): Insertable<UsersTable> {
  return { ...pick(user, [...USER_COLUMNS, 'password_hash']), email_lower: user.email.toLowerCase() };
}

/** Emails keep the spelling given; uniqueness and lookup go through `email_lower`. */
export class KyselyUserRepository implements UserRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(user: UserWithPassword): Promise<User> {
    try {
      await this.db.insertInto('users').values(toUserRow(user)).execute();
    } catch (error) {
      if (isUniqueViolation(error, UNIQUE_KEYS.userEmail)) throw new AppError('email_taken');
      throw error;
    }
    return pick(user, USER_COLUMNS);
  }

  async findByEmail(email: string): Promise<UserWithPassword | undefined> {
    return this.db
      .selectFrom('users')
      .select([...USER_COLUMNS, 'password_hash'])
      .where('email_lower', '=', email.toLowerCase())
      .executeTakeFirst();
  }

  async findById(id: string): Promise<User | undefined> {
    return this.db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
  }
}
