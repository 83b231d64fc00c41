import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config/config.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { GroupService } from '../domain/group-service.ts';
import type { TalkService } from '../domain/talk-service.ts';
import type { Throttles } from '../accounts/throttles.ts';
import type { Auth } from './auth.ts';

/** What every route plugin receives. */
export interface RouteDeps {
  config: Config;
  auth: Auth;
  accounts: AccountService;
  groups: GroupService;
  talk: TalkService;
  /** Attempt budgets of sign-in, sign-up, password reset and verification resends. */
  throttles: Throttles;
}

export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;
