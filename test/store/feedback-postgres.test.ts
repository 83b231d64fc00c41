import { onPostgres } from './dialect-suites.ts';
import { feedbackContract } from './feedback-contract.ts';

onPostgres('feedback repository on PostgreSQL', 'renraku_feedback', feedbackContract);
