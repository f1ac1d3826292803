// mminions command-line entry point.
import { loadConfig, renderConfig } from './config/config';
console.log(renderConfig(loadConfig()));
