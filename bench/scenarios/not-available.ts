import { NotAvailableError, defineScenario, type Scenario } from './scenario.ts';

/** A scenario listed by the issue whose subject has not landed yet. */
function notYet(name: string, summary: string, needs: string): Scenario {
  return defineScenario({
    name,
    summary: `${summary} (not available yet: needs ${needs})`,
    options: {},
    run: () => Promise.reject(new NotAvailableError(`${name}: not available yet: needs ${needs}`)),
  });
}

export const notYetScenarios: Scenario[] = [
  notYet('mail', 'one post to 1,000 members delivered to a local SMTP sink', 'issue 5, the mailing list'),
];
