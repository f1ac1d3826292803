// `mminions scripted-model` (lands with issue 3).
import { notYet } from './notYet';

export const run = notYet('scripted-model', 3);
