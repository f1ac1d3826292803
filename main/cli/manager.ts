// `mminions manager` (lands with issue 4).
import { notYet } from './notYet';

export const run = notYet('manager', 4);
