// `mminions send` (lands with issue 4).
import { notYet } from './notYet';

export const run = notYet('send', 4);
