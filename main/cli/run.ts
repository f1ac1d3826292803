// `mminions run` (lands with issue 4).
import { notYet } from './notYet';

export const run = notYet('run', 4);
