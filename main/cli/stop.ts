// `mminions stop` (lands with issue 4).
import { notYet } from './notYet';

export const run = notYet('stop', 4);
