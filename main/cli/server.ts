// `mminions server` (lands with issue 5).
import { notYet } from './notYet';

export const run = notYet('server', 5);
