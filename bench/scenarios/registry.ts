import { connectScenario } from './connect.ts';
import { fanoutScenario } from './fanout.ts';
import { chatScenario } from './chat.ts';
import { persistScenario } from './persist.ts';
import { recoverScenario } from './recover.ts';
import { compareScenario } from './compare.ts';
import { profileScenario } from './profile.ts';
import { clusterScenario } from './cluster.ts';
import { webScenario } from './web.ts';
import { mailScenario } from './mail.ts';
import { reportScenario } from './report.ts';
import type { Scenario } from './scenario.ts';

/** Every scenario `npm run bench -- <name>` knows, in the order the help lists them. */
export const SCENARIOS: readonly Scenario[] = [connectScenario, fanoutScenario, chatScenario, persistScenario, recoverScenario, compareScenario, reportScenario, profileScenario, clusterScenario, webScenario, mailScenario];
