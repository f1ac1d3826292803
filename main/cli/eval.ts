// `mminions eval` (lands with issue 7).
import { notYet } from './notYet';

export const run = notYet('eval', 7);
