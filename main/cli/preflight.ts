// `mminions preflight` (lands with issue 2).
import { notYet } from './notYet';

export const run = notYet('preflight', 2);
