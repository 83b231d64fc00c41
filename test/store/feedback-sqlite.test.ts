import { onSqlite } from './dialect-suites.ts';
import { feedbackContract } from './feedback-contract.ts';

onSqlite(feedbackContract);
