// `mminions status` (lands with issue 4).
import { notYet } from './notYet';

export const run = notYet('status', 4);
