// `mminions attach` (lands with issue 4).
import { notYet } from './notYet';

export const run = notYet('attach', 4);
