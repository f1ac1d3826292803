// `mminions demo` (lands with issue 4).
import { notYet } from './notYet';

export const run = notYet('demo', 4);
