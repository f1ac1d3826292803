// `mminions render-events` (lands with issue 3).
import { notYet } from './notYet';

export const run = notYet('render-events', 3);
